"""Run a notebook with papermill and export it to offline HTML without code cells.

Parameters pass the whitelist (:func:`~nearmiss_lab.bulletin.params.check_parameters`)
before a kernel starts. The export uses the ``nearmiss_offline`` nbconvert template, which
extends JupyterLab's and empties every block that loads script from a CDN.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nearmiss_lab.bulletin.params import check_parameters
from nearmiss_lab.paths import notebooks_dir

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "nearmiss_offline"
TEMPLATE_FILE = "offline.html.j2"
KERNEL_NAME = "python3"


class NotebookRunError(RuntimeError):
    """The notebook failed while running; the partly executed copy is kept for inspection."""


@dataclass
class NotebookRun:
    """One executed notebook and, once exported, its HTML.

    ``timings`` holds seconds: ``kernel_start`` (papermill's wall time outside the cells:
    kernel launch, notebook I/O, parameter injection), ``computation`` (sum of cell
    durations) and, after :func:`export_html`, ``export``.
    """

    name: str
    notebook: Path
    parameters: dict[str, Any]
    html: Path | None = None
    timings: dict[str, float] = field(default_factory=dict)


def notebook_source(name: str) -> Path:
    """Path of a project notebook by stem (``01-safety-bulletin``)."""
    path = notebooks_dir() / f"{name}.ipynb"
    if not path.is_file():
        raise FileNotFoundError(f"notebook {name} not found in {notebooks_dir()}")
    return path


def execute_notebook(
    name: str,
    parameters: dict[str, Any] | None,
    output: str | os.PathLike[str],
    *,
    source: str | os.PathLike[str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
    start_timeout: int = 120,
) -> NotebookRun:
    """Check ``parameters`` against the whitelist, then run the notebook with papermill.

    Parameters
    ----------
    name : str
        Notebook stem; selects the whitelist and (unless ``source`` is given) the file.
    parameters : dict
        Values for the notebook's ``parameters`` cell.
    output : path
        Where the executed notebook is written.
    source : path, optional
        Notebook file to run instead of ``notebooks/<name>.ipynb`` (tests).
    cwd : path, optional
        Kernel working directory (default: the output's folder).
    start_timeout : int
        Seconds to wait for the kernel (a busy 2-core machine can be slow).

    Raises
    ------
    ParameterError
        Before any kernel starts, for a parameter outside the whitelist.
    NotebookRunError
        When a cell fails; the executed copy at ``output`` shows where.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    checked = check_parameters(name, parameters)
    src = Path(source) if source is not None else notebook_source(name)
    out = Path(output)
    out.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    try:
        nb = papermill.execute_notebook(
            str(src), str(out), parameters=checked, kernel_name=KERNEL_NAME,
            progress_bar=False, log_output=False, start_timeout=start_timeout,
            cwd=str(cwd if cwd is not None else out.parent),
            # The kernel warns on stderr about its local TCP transport on every start; it
            # is loopback-only, and the warning would drown the CLI's own output.
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
        )
    except PapermillExecutionError as exc:
        # The exception names the cell and the error type; the traceback may quote data, so
        # it stays in the executed notebook rather than in our message.
        raise NotebookRunError(
            f"notebook {name} failed in cell {exc.exec_count} ({exc.ename}); "
            f"see the executed copy {out}"
        ) from None
    wall = time.perf_counter() - started
    computation = sum(
        float(cell.get("metadata", {}).get("papermill", {}).get("duration") or 0.0)
        for cell in nb.cells
    )
    timings = {"kernel_start": max(wall - computation, 0.0), "computation": computation,
               "total": wall}
    return NotebookRun(name, out, checked, timings=timings)


def _drop_stderr(nb: Any) -> Any:
    """Remove stderr streams (warnings, progress bars): they are for the analyst, not readers."""
    for cell in nb.cells:
        if cell.get("cell_type") == "code":
            cell["outputs"] = [
                o for o in cell.get("outputs", [])
                if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
            ]
    return nb


def export_html(run: NotebookRun, html_path: str | os.PathLike[str], *, title: str = "") -> Path:
    """Export an executed notebook to a self-contained HTML page without code cells.

    The page carries its CSS inline and loads nothing from any host; charts are inline SVG.
    Sets ``run.html`` and ``run.timings["export"]``.
    """
    import nbformat
    from nbconvert import HTMLExporter

    started = time.perf_counter()
    nb = _drop_stderr(nbformat.read(str(run.notebook), as_version=4))
    exporter = HTMLExporter(
        extra_template_basedirs=[str(TEMPLATE_DIR)], template_name=TEMPLATE_NAME,
        template_file=TEMPLATE_FILE, exclude_input=True, exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    resources = {"metadata": {"name": title or run.name}}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    path = Path(html_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")
    run.html = path
    run.timings["export"] = time.perf_counter() - started
    return path
