"""``nearmiss validate``: exit codes, exact output shapes, and no echo of planted values."""

from __future__ import annotations

import copy
import json

import pytest
from click.testing import CliRunner

from nearmiss_lab.cli import main
from nearmiss_lab.submission import write_submission

CANARY = "Zq9!Canary Jane Doe 555-0142"
ISSUE_KEYS = ["code", "severity", "pointer", "file", "line", "record", "record_id", "rule",
              "message"]


@pytest.fixture(scope="module")
def record(repo_dir):
    return json.loads((repo_dir / "schemas/examples/valid/incident-full.json").read_text())


def _run(*args):
    result = CliRunner().invoke(main, ["validate", *map(str, args)])
    return result.exit_code, result.stdout, result.stderr


def _canaried_lines(record):
    """One JSON Lines line per way a bad value can carry the canary."""
    lines = []

    def add(mutate):
        r = copy.deepcopy(record)
        r["record_id"] = f"c-{len(lines)}"
        mutate(r)
        lines.append(json.dumps(r))

    add(lambda r: r.__setitem__("state", CANARY))  # enum
    add(lambda r: r.__setitem__("subjects", CANARY))  # wrong type
    add(lambda r: r.__setitem__("occurred_month", CANARY))  # pattern
    add(lambda r: r.__setitem__("record_id", CANARY))  # pattern on the id itself
    add(lambda r: r.__setitem__(CANARY, CANARY))  # extra property name and value
    add(lambda r: r["officer"].__setitem__(CANARY, 1))  # nested extra property
    add(lambda r: r["deidentification"]["entities"].__setitem__(CANARY, 1))  # property name
    add(lambda r: r["deidentification"]["entities"].__setitem__("JANE_DOE", CANARY))
    add(lambda r: r["factors"].append({"code": "HF." + CANARY, "source": "reported"}))
    add(lambda r: r["activities"].append(CANARY))
    add(lambda r: r.__setitem__("narrative", CANARY * 3000))  # too long
    add(lambda r: r.__setitem__("agency", [CANARY]))
    lines.append('{"record_id": "' + CANARY + '", "record_id": "' + CANARY + '"}')  # dup keys
    lines.append('{"narrative": "' + CANARY + '", "x": NaN}')
    lines.append(CANARY)  # not JSON at all
    lines.append('["' + CANARY + '"]')  # array, not object
    lines.append('"' + CANARY + '"')
    return lines


def test_valid_file_exits_0_with_no_issue_lines(tmp_path, record):
    path = tmp_path / "ok.jsonl"
    path.write_text(json.dumps(record) + "\n")
    code, out, err = _run(path)
    assert (code, out) == (0, "")
    assert err == "valid: 1 record(s) in 1 input(s); 0 fatal, 0 error(s), 0 warning(s)\n"


def test_text_output_is_one_exact_line_per_issue(tmp_path, record):
    path = tmp_path / "r.jsonl"
    bad = copy.deepcopy(record)
    bad["officers_on_scene"] = 0
    bad["record_id"] = "r-2"
    path.write_text(json.dumps(record) + "\n\n" + json.dumps(bad) + "\n")
    code, out, err = _run(path)
    assert code == 1
    assert out.splitlines() == [
        f"{path}:2: warning read-blank-line /: blank line (skipped)",
        f"{path}:3: error schema-minimum /officers_on_scene (record 1, id r-2): "
        "number is below the allowed minimum 1",
    ]
    assert err.startswith("INVALID: 2 record(s)")


def test_json_output_shape(tmp_path, record):
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(record) + "\n" + "{}" + "\n")
    code, out, _ = _run("--json", path)
    doc = json.loads(out)
    assert code == 1 and set(doc) == {"valid", "issues"} and doc["valid"] is False
    assert all(list(i) == ISSUE_KEYS for i in doc["issues"])
    first = doc["issues"][0]
    assert (first["code"], first["pointer"], first["line"], first["record"]) == (
        "schema-required", "/schema_version", 2, 1)


def test_warnings_only_exit_0(tmp_path, record):
    path = tmp_path / "r.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(record).encode() + b"\n")
    code, out, _ = _run("--json", path)
    assert code == 0 and json.loads(out)["valid"] is True
    assert [i["code"] for i in json.loads(out)["issues"]] == ["read-bom"]


@pytest.mark.parametrize("as_json", [False, True])
def test_planted_canary_appears_nowhere_in_the_output(tmp_path, record, as_json):
    path = tmp_path / "canary.jsonl"
    lines = _canaried_lines(record)
    path.write_bytes(("\n".join(lines) + "\n").encode() + b'{"bad utf8": "\xff' +
                     CANARY.encode() + b'"}\n')
    args = ["--json", path] if as_json else [path]
    code, out, err = _run(*args)
    assert code == 1
    for part in (CANARY, "Canary", "555-0142", "JANE_DOE", "Jane"):
        assert part not in out and part not in err
    # every planted line is reported, and on its own line
    lines_with_issues = ({i["line"] for i in json.loads(out)["issues"]} if as_json else
                         {int(x.split(":")[1]) for x in out.splitlines()})
    assert lines_with_issues == set(range(1, len(lines) + 2))


def test_canary_in_a_submission_manifest_is_not_echoed(tmp_path, record):
    folder = tmp_path / "sub"
    write_submission([record], folder, agency="AG-K7Q2", period=("2024-01", "2024-03"),
                     deidentification={}, tools={})
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["agency"] = CANARY
    manifest["tools"][CANARY] = CANARY
    manifest[CANARY] = 1
    (folder / "manifest.json").write_text(json.dumps(manifest))
    code, out, err = _run("--json", folder)
    assert code == 1 and CANARY not in out + err and "Canary" not in out + err
    assert {i["severity"] for i in json.loads(out)["issues"]} == {"fatal"}


def test_submission_folder_valid_and_tampered(tmp_path, record):
    folder = tmp_path / "sub"
    write_submission([record], folder, agency="AG-K7Q2", period=("2024-01", "2024-03"),
                     deidentification={}, tools={})
    assert _run(folder)[0] == 0
    with (folder / "records.jsonl").open("a") as handle:
        handle.write(json.dumps(record) + "\n")
    code, out, _ = _run("--json", folder)
    codes = {i["code"] for i in json.loads(out)["issues"]}
    assert code == 1 and {"submission-hash-mismatch", "submission-count-mismatch",
                          "submission-duplicate-record-id"} <= codes


def test_folder_without_manifest_is_a_fatal_issue(tmp_path):
    code, out, _ = _run("--json", tmp_path)
    assert code == 1 and [i["code"] for i in json.loads(out)["issues"]] == ["manifest-missing"]


def test_missing_path_is_a_usage_error(tmp_path):
    assert _run(tmp_path / "nope.jsonl")[0] == 2


def test_no_path_is_a_usage_error():
    assert _run()[0] == 2


def test_unreadable_file_exits_2(tmp_path):
    import os

    path = tmp_path / "locked.jsonl"
    path.write_text("{}\n")
    path.chmod(0)
    if os.access(path, os.R_OK):  # running as root: permissions do not apply
        path.chmod(0o644)
        path.unlink()
        path.mkdir()  # a folder named like a file cannot be opened as one
        (path / "manifest.json").mkdir()
        code, out, _ = _run("--json", path)
        assert code == 1 and "manifest-unreadable" in out
        return
    assert _run(path)[0] == 2


def test_a_file_the_os_refuses_to_open_exits_2_with_its_reason(tmp_path, monkeypatch):
    """The exit-2 path for an unreadable file, also where the tests run as root (CI), for whom
    file permissions do not apply: the OS's refusal is simulated at the open call."""
    import pathlib

    path = tmp_path / "locked.jsonl"
    path.write_text("{}\n")
    real_open = pathlib.Path.open

    def refusing_open(self, *args, **kwargs):
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "open", refusing_open)
    code, out, err = _run(path)
    assert code == 2 and out == ""
    assert f"cannot read {path}: Permission denied" in err


def test_folder_with_another_kind_is_a_usage_error(tmp_path):
    assert _run("--kind", "manifest", tmp_path)[0] == 2


def test_kind_manifest_validates_a_manifest_file(tmp_path, record):
    folder = tmp_path / "sub"
    path = write_submission([record], folder, agency="AG-K7Q2", period=("2024-01", "2024-03"),
                            deidentification={}, tools={})
    assert _run("--kind", "manifest", path)[0] == 0
    assert _run(path)[0] == 1  # as an incident it is wrong


def test_several_paths_are_reported_together(tmp_path, record):
    good, bad = tmp_path / "a.jsonl", tmp_path / "b.json"
    good.write_text(json.dumps(record) + "\n")
    bad.write_text("[]")
    code, out, err = _run(good, bad)
    assert code == 1 and out == f"{bad}:1: error read-empty-file /: the array holds no records\n"
    assert "2 input(s)" in err


def test_large_input_shows_a_progress_bar_on_stderr_only(tmp_path, record, monkeypatch):
    import nearmiss_lab.cli.validate as cli_validate

    monkeypatch.setattr(cli_validate, "PROGRESS_MIN_BYTES", 1)
    path = tmp_path / "r.jsonl"
    path.write_text("".join(json.dumps({**record, "record_id": f"p-{i}"}) + "\n"
                            for i in range(3)))
    code, out, err = _run("--json", path)
    assert code == 0 and json.loads(out) == {"valid": True, "issues": []}
    assert "r.jsonl" in err and "B/s" in err  # tqdm's bar, in bytes


def test_max_line_bytes_option(tmp_path, record):
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(record) + "\n")
    code, out, _ = _run("--json", "--max-line-bytes", "1024", path)
    assert code == 1 and [i["code"] for i in json.loads(out)["issues"]] == ["read-line-too-long"]
    assert _run("--max-line-bytes", "10", path)[0] == 2  # below the minimum: usage error


@pytest.mark.parametrize("as_json", [False, True])
def test_workers_option_prints_exactly_what_one_process_prints(tmp_path, record, monkeypatch,
                                                               as_json):
    from nearmiss_lab.validate import blocks

    monkeypatch.setattr(blocks, "CHUNK_BYTES", 2048)  # many blocks from a small file
    lines = [json.dumps({**record, "record_id": f"w-{i}"}) for i in range(40)]
    lines += _canaried_lines(record) + ["", json.dumps({**record, "record_id": "w-3"})]
    path = tmp_path / "r.jsonl"
    path.write_text("\n".join(lines * 2) + "\n")
    folder = tmp_path / "sub"
    write_submission([{**record, "record_id": f"s-{i}"} for i in range(60)], folder,
                     agency="AG-K7Q2", period=("2024-01", "2024-03"), deidentification={},
                     tools={})
    flag = ["--json"] if as_json else []
    serial = _run(*flag, path, folder)
    parallel = _run(*flag, "--workers", "2", path, folder)
    assert serial[0] == 1 and "submission-duplicate-record-id" in serial[1]
    assert parallel == serial
    assert CANARY not in parallel[1] + parallel[2]


def test_workers_below_one_is_a_usage_error(tmp_path, record):
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(record) + "\n")
    assert _run("--workers", "0", path)[0] == 2


@pytest.mark.parametrize("member", ["manifest.json", "records.jsonl"])
def test_symlinked_member_is_refused_by_validate_as_by_ingest(tmp_path, record, member):
    # One file-safety check (validate.folder.member_problem) serves both commands, so an
    # agency's `nearmiss validate` refuses exactly what the hub's ingest refuses.
    real = tmp_path / "real"
    write_submission([record], real, agency="AG-K7Q2", period=("2024-01", "2024-03"),
                     deidentification={}, tools={})
    folder = tmp_path / "sub"
    folder.mkdir()
    for name in ("manifest.json", "records.jsonl"):
        if name == member:
            (folder / name).symlink_to(real / name)
        else:
            (folder / name).write_bytes((real / name).read_bytes())
    code, out, _ = _run("--json", folder)
    issues = json.loads(out)["issues"]
    expected = {"manifest.json": "submission-manifest-unsafe",
                "records.jsonl": "submission-records-unsafe"}[member]
    assert code == 1 and [(i["code"], i["severity"]) for i in issues] == [(expected, "fatal")]
    assert issues[0]["file"] == str(folder / member)

    from nearmiss_lab.ingest import ingest_submission

    receipt = ingest_submission(folder, tmp_path / "store", scan=False)
    assert receipt["status"] == "rejected"
    assert [i["code"] for i in receipt["issues"]] == [expected]
