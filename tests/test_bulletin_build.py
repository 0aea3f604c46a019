"""`nearmiss bulletin` end to end on a small Delta store: papermill, export, page checks.

The store is written with the store module's own writers from frames built in
test_bulletin_content (one agency with 2 incidents, a narrative with planted markup), so
these tests need neither Presidio nor the synthetic corpus.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner
from test_bulletin_content import (
    MARKUP,
    PERIOD,
    assert_escaped,
    column,
    make_hostile_incidents,
    make_incidents,
    make_submissions,
    read_page,
    write_store,
)

from nearmiss_lab.bulletin.build import build_bulletin
from nearmiss_lab.bulletin.checks import page_problems
from nearmiss_lab.bulletin.suppression import MASK
from nearmiss_lab.cli import main
from nearmiss_lab.spec import INCIDENT_SCHEMA_VERSION

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def small_store(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("bulletin-store") / "store"
    return write_store(root, make_incidents(narrative=MARKUP), make_submissions())


@pytest.fixture(scope="session")
def built(small_store, tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    return build_bulletin(small_store, PERIOD, out=out, baseline_months=6, min_count=5,
                          fdr=0.05, k=5)


@pytest.fixture(scope="session")
def page(built) -> str:
    return built.html.read_text(encoding="utf-8")


def test_bulletin_lands_in_its_own_folder_with_notebook_html_and_provenance(built):
    assert re.fullmatch(r"nmb-2024-07-v1-[0-9a-f]{8}", built.id)
    assert built.folder.name == built.id
    assert built.html == built.folder / "bulletin.html"
    assert built.notebook == built.folder / "bulletin.ipynb"
    assert (built.folder / "provenance.json").is_file()
    assert built.store_version == 1
    assert set(built.timings) >= {"kernel_start", "computation", "export"}


def test_page_opens_offline_without_script_and_is_small(page):
    assert page_problems(page) == []
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page)
    assert not re.search(r"@import\s+url\(\s*['\"]?http", page)
    assert "<script" not in page.lower()
    assert len(page.encode()) < 5 * 1024 * 1024


def test_page_has_every_section_and_no_code(page):
    for heading in ("Near-miss safety bulletin \u2014 2024-07", "Top factors and their change",
                    "The co-occurrence network", "Significant pairs", "Emerging pairs",
                    "Reports of the month", "Methods and provenance"):
        assert heading in page
    assert "load_bulletin_data" not in page and "import nearmiss_lab" not in page
    assert page.count("<svg") >= 3  # monthly counts, top factors, network


def test_page_escapes_the_planted_narrative_markup(page):
    assert "&lt;script&gt;alert(" in page and "&lt;img src=x onerror=boom()&gt;" in page
    assert MARKUP in "".join(read_page(page).text), "readers see the officer's literal text"
    assert "<img src=x" not in page and "<b>bold" not in page


def test_page_suppresses_small_counts_everywhere(page):
    tables = read_page(page).tables
    coverage = next(t for t in tables if t and t[0][:2] == ["agency", "status"])
    cells = dict(zip(column(coverage, "agency"), column(coverage, "incidents"), strict=True))
    assert cells["AG-WEST"] == "< 5"
    # 42 near misses = 14 + 13 + 13 + AG-WEST: one more agency is masked.
    assert list(cells.values()).count(MASK) == 1
    assert "<b>42</b>near misses this month" in page
    for table in tables:
        header = table[0] if table else []
        for name in ("incidents", "baseline incidents"):
            if name in header:
                for cell in column(table, name):
                    assert cell in ("< 5", MASK) or int(cell.replace(",", "")) >= 5


def test_page_cites_provenance(page, built, small_store):
    prov = json.loads((built.folder / "provenance.json").read_text())
    assert prov["bulletin_id"] == built.id
    assert prov["table_versions"]["incidents"] == 1
    assert prov["schema_version"] == "1.0.0"
    assert prov["parameters"] == {"period": PERIOD, "baseline_months": 6, "min_count": 5,
                                  "fdr": 0.05, "k": 5}
    text = " ".join(read_page(page).text)
    for needle in (built.id, prov["data_hash"], "nearmiss-lab 0.1.0", "incidents table version"):
        assert needle in text
    assert str(small_store) not in page, "the page names the store, not the hub's file system"
    provenance = next(t for t in read_page(page).tables if t and t[0] == ["item", "value"]
                      and any(r[0] == "bulletin id" for r in t))
    rows = dict(provenance[1:])
    assert rows["schema version"] == prov["schema_version"] == INCIDENT_SCHEMA_VERSION
    assert rows["record schema versions"] == "1.0.0"
    assert rows["taxonomy version"] == prov["taxonomy_version"]
    for table, version in prov["table_versions"].items():
        assert rows[f"{table} table version"] == ("\u2014" if version is None else str(version))
    # Every parameter, with its value, as the page prints it and provenance.json keeps it.
    assert json.loads(rows["parameters"]) == prov["parameters"]
    for name, value in prov["parameters"].items():
        assert f'"{name}": {json.dumps(value)}' in rows["parameters"], name


@pytest.fixture(scope="session")
def hostile(tmp_path_factory):
    """A bulletin built from a store whose every printed field carries markup. (A store
    folder named with markup is escaped too, see test_bulletin_content, but the Delta
    reader cannot open a folder whose name has '<' in it.)"""
    root = tmp_path_factory.mktemp("hostile") / "store"
    store = write_store(root, make_hostile_incidents(), make_submissions())
    return build_bulletin(store, PERIOD, out=tmp_path_factory.mktemp("hostile-out"), k=5)


def test_markup_from_every_printed_field_is_escaped_on_the_page(hostile):
    page = hostile.html.read_text(encoding="utf-8")
    assert page_problems(page) == []
    assert_escaped(page)
    text = read_page(page).text
    assert text.count(MARKUP) >= 2, "narrative and lessons read as the officer wrote them"


def test_markup_is_escaped_in_the_executed_notebooks_html_outputs(hostile):
    nb = nbformat.read(str(hostile.notebook), as_version=4)
    html = "".join(o.get("data", {}).get("text/html", "") for c in nb.cells
                   if c.cell_type == "code" for o in c.outputs)
    assert_escaped(html)


def test_cli_prints_the_html_path(small_store, tmp_path):
    result = CliRunner().invoke(main, ["bulletin", "--store", str(small_store), "--period",
                                       PERIOD, "--out", str(tmp_path), "--k", "10"])
    assert result.exit_code == 0, result.output
    path = Path(result.output.strip())
    assert path.name == "bulletin.html" and path.is_file()
    assert path.parent.parent == tmp_path.resolve()
    assert "&lt; 10" in path.read_text()  # --k reached the notebook


def test_cli_json_names_html_notebook_and_store_version_and_rebuilds_the_same_bulletin(
        small_store, tmp_path, built):
    result = CliRunner().invoke(main, ["bulletin", "--store", str(small_store), "--period",
                                       "latest", "--out", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"html", "notebook", "store_version"}
    assert data["store_version"] == 1 and Path(data["notebook"]).is_file()
    # 'latest' resolved to 2024-07 and the defaults equal the fixture's parameters, so this
    # rebuild from the same table version is the same bulletin: same id, same data hash.
    folder = Path(data["html"]).parent
    assert folder.name == built.id
    first = json.loads((built.folder / "provenance.json").read_text())
    second = json.loads((folder / "provenance.json").read_text())
    assert first["data_hash"] == second["data_hash"]


@pytest.mark.parametrize("args,message", [
    (["--period", "2024-13"], "period"),
    (["--period", "2024-07", "--k", "0"], "'k'"),
    (["--period", "2024-07", "--fdr", "1.5"], "'fdr'"),
    (["--period", "2024-07", "--baseline-months", "0"], "baseline_months"),
])
def test_cli_refuses_bad_parameters_with_exit_2_before_running(small_store, tmp_path, args,
                                                               message):
    result = CliRunner().invoke(main, ["bulletin", "--store", str(small_store),
                                       "--out", str(tmp_path), *args])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not any(tmp_path.iterdir()), "nothing may be written for refused parameters"


def test_cli_missing_store_is_exit_2(tmp_path):
    result = CliRunner().invoke(main, ["bulletin", "--store", str(tmp_path / "nope"),
                                       "--period", PERIOD, "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "store" in result.output


# No network for the browser: every host name fails to resolve without a lookup leaving
# the machine, and a URL with an IP address goes to a proxy on a closed loopback port.
OFFLINE_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
                 "--no-first-run", "--disable-component-update", "--disable-sync",
                 "--disable-default-apps", "--disable-extensions"]


def _chromium(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([CHROMIUM, *OFFLINE_FLAGS, *args], capture_output=True, text=True,
                          timeout=120)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install "
                    "chromium); the rendered-page check needs a real browser")
def test_headless_chromium_has_no_network_with_these_flags(tmp_path):
    # The control: a page that fetches an image by host name and by IP address records
    # whether each loaded. With the flags neither can, so a page that renders under them
    # rendered from the file alone.
    probe = tmp_path / "probe.html"
    probe.write_text(
        "<html><body><p id=r>pending</p><script>"
        "let n = 0; const done = (what) => { n += 1; document.getElementById('r')"
        ".textContent += ' ' + what; };"
        "for (const url of ['http://nearmiss-probe.example/x.png', 'http://192.0.2.1/x.png'])"
        "{ const i = new Image(); i.onload = () => done('loaded'); "
        "i.onerror = () => done('failed'); i.src = url; }"
        "</script></body></html>", encoding="utf-8")
    dom = _chromium("--virtual-time-budget=10000", "--dump-dom", probe.as_uri()).stdout
    assert "pending failed failed" in dom, dom[-500:]


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install "
                    "chromium); the rendered-page check needs a real browser")
def test_headless_chromium_renders_the_page_offline(built, tmp_path):
    shot = tmp_path / "bulletin.png"
    proc = _chromium("--window-size=1200,2400", f"--screenshot={shot}", built.html.as_uri())
    assert proc.returncode == 0, proc.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    # A blank page compresses to a few kB; the rendered bulletin (text, tables, charts) doesn't.
    assert len(data) > 60_000
    dom = _chromium("--dump-dom", built.html.as_uri()).stdout
    assert "Near-miss safety bulletin" in dom and "<svg" in dom
    assert "<script>alert" not in dom  # the planted script stayed text after parsing
