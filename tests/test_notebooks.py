"""Notebooks stay thin and stripped, and each one runs under papermill on a small store."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest
from test_bulletin_content import (
    HOSTILE_AGENCY,
    HOSTILE_CODE,
    MARKUP,
    assert_escaped,
    make_hostile_incidents,
    make_incidents,
    make_submissions,
    write_store,
)

from nearmiss_lab.bulletin.params import NOTEBOOK_PARAMETERS
from nearmiss_lab.bulletin.runner import execute_notebook
from nearmiss_lab.paths import notebooks_dir

NAMES = ["01-safety-bulletin", "02-factor-network", "03-deidentification-review",
         "04-submission-quality"]


def test_the_notebooks_folder_holds_exactly_the_four_notebooks():
    assert sorted(p.stem for p in notebooks_dir().glob("*.ipynb")) == NAMES
    assert sorted(NOTEBOOK_PARAMETERS) == NAMES


def _code_cells(name: str) -> list:
    nb = nbformat.read(str(notebooks_dir() / f"{name}.ipynb"), as_version=4)
    nbformat.validate(nb)
    return [c for c in nb.cells if c.cell_type == "code"]


@pytest.mark.parametrize("name", NAMES)
def test_stored_notebook_has_no_outputs_and_no_execution_counts(name):
    nb = nbformat.read(str(notebooks_dir() / f"{name}.ipynb"), as_version=4)
    assert "papermill" not in nb.metadata
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{name}: a cell has stored outputs"
            assert cell.execution_count is None
        assert "papermill" not in cell.metadata


@pytest.mark.parametrize("name", NAMES)
def test_first_code_cell_is_the_only_parameters_cell_and_holds_literals(name):
    cells = _code_cells(name)
    tagged = [i for i, c in enumerate(cells) if "parameters" in c.metadata.get("tags", [])]
    assert tagged == [0]
    for cell in cells[1:]:
        assert "injected-parameters" not in cell.metadata.get("tags", [])
    tree = ast.parse(cells[0].source)
    names = []
    for stmt in tree.body:
        assert isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
        assert isinstance(stmt.targets[0], ast.Name)
        ast.literal_eval(stmt.value)  # raises on anything but a literal
        names.append(stmt.targets[0].id)
    assert set(names) == set(NOTEBOOK_PARAMETERS[name])


@pytest.mark.parametrize("name", NAMES)
def test_next_cell_imports_nearmiss_lab_and_each_later_cell_is_one_library_call(name):
    cells = _code_cells(name)
    imports = ast.parse(cells[1].source).body
    assert imports and all(isinstance(s, (ast.Import, ast.ImportFrom)) for s in imports)
    aliases = set()
    for stmt in imports:
        modules = [stmt.module] if isinstance(stmt, ast.ImportFrom) else \
            [a.name for a in stmt.names]
        assert all(m.startswith("nearmiss_lab") for m in modules)
        aliases |= {(a.asname or a.name).split(".")[0] for a in stmt.names}
    for cell in cells[2:]:
        tree = ast.parse(cell.source)
        assert len(tree.body) == 1, f"{name}: one statement per cell"
        stmt = tree.body[0]
        assert isinstance(stmt, (ast.Expr, ast.Assign))
        call = stmt.value
        assert isinstance(call, ast.Call), f"{name}: each cell calls the library"
        root = call.func
        while isinstance(root, ast.Attribute):
            root = root.value
        assert isinstance(root, ast.Name) and root.id in aliases
        nested = [n for n in ast.walk(call) if isinstance(n, ast.Call)]
        assert nested == [call], f"{name}: exactly one call per cell"
    for cell in cells:
        for node in ast.walk(ast.parse(cell.source)):
            assert not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
                                         ast.Lambda))


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("nb-store") / "store"
    return write_store(root, make_incidents(narrative=MARKUP), make_submissions())


def _html_outputs(path: Path) -> str:
    nb = nbformat.read(str(path), as_version=4)
    return "".join(o.get("data", {}).get("text/html", "") for c in nb.cells
                   if c.cell_type == "code" for o in c.outputs)


def test_factor_network_notebook_runs_and_exports_files(store, tmp_path):
    run = execute_notebook("02-factor-network", {
        "store": str(store), "since": "2024-07", "until": "2024-07", "min_count": 5,
        "fdr": 0.05, "k": 5, "out": str(tmp_path / "net")}, tmp_path / "02.ipynb")
    html = _html_outputs(run.notebook)
    for heading in ("Factor network: summary", "Tested pairs", "Network", "Communities",
                    "Change against the baseline", "Exports"):
        assert f">{heading}</h" in html
    assert "EQ.RADIO" in html and "HF.COMMUNICATION" in html
    assert (tmp_path / "net" / "network.graphml").is_file()


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("nb-hostile") / "store"
    return write_store(root, make_hostile_incidents(), make_submissions())


def test_factor_network_notebook_escapes_markup_from_the_store(hostile_store, tmp_path):
    run = execute_notebook("02-factor-network", {
        "store": str(hostile_store), "since": "2024-07", "until": "2024-07"},
        tmp_path / "02.ipynb")
    html = _html_outputs(run.notebook)
    assert_escaped(html, (HOSTILE_CODE,))  # pairs table, communities, network labels


def test_submission_quality_notebook_escapes_markup_from_the_store(hostile_store, tmp_path):
    run = execute_notebook("04-submission-quality", {"store": str(hostile_store)},
                           tmp_path / "04.ipynb")
    assert_escaped(_html_outputs(run.notebook), (HOSTILE_AGENCY,))  # the coverage grid


def test_submission_quality_notebook_runs_and_shows_coverage_with_zero_reports(store, tmp_path):
    run = execute_notebook("04-submission-quality", {"store": str(store)}, tmp_path / "04.ipynb")
    html = _html_outputs(run.notebook)
    for heading in ("Receipts", "Issues by code and agency", "Coverage", "Quarantine"):
        assert f">{heading}</h" in html
    assert "0 (zero report)" in html  # AG-ZERO's zero report for 2024-07
    assert "AG-GONE" in html


def test_deidentification_review_notebook_runs_on_an_agency_export(tmp_path):
    import json

    from nearmiss_lab.synth import generate_corpus

    generate_corpus(tmp_path / "corpus", agencies=1, incidents=4, months=1, seed=3)
    entry = json.loads((tmp_path / "corpus" / "agencies.json").read_text())[0]
    run = execute_notebook("03-deidentification-review", {
        "export": str(tmp_path / "corpus" / entry["export"]),
        "mapping": str(tmp_path / "corpus" / entry["mapping"]),
        "agency": entry["agency"], "limit": 4, "low_confidence": 0.99,
    }, tmp_path / "03.ipynb")
    html = _html_outputs(run.notebook)
    for heading in (f"De-identification review: {entry['agency']}",
                    "Records as they will be submitted", "Low-confidence detections",
                    "Found but not replaced"):
        assert f">{heading}</h" in html
    assert html.count('<div class="nm-report">') == 4
    assert '<mark class="nm-repl' in html and "[PERSON-1]</mark>" in html
    # With the threshold at 0.99 nearly every replacement is listed for review, in context.
    assert html.count("<tr>") > 5
