"""``build_bulletin``: the store and a month in, ``<out>/<bulletin-id>/bulletin.html`` out."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nearmiss_lab.bulletin.checks import BulletinCheckError, page_problems
from nearmiss_lab.bulletin.params import LATEST, check_parameters
from nearmiss_lab.bulletin.provenance import PROVENANCE_FILE, bulletin_id
from nearmiss_lab.bulletin.runner import execute_notebook, export_html

BULLETIN_NOTEBOOK = "01-safety-bulletin"


@dataclass
class Bulletin:
    """A built bulletin: its id and folder, the HTML page, the executed notebook, provenance."""

    id: str
    folder: Path
    html: Path
    notebook: Path
    store_version: int | None
    provenance: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The CLI's ``--json`` answer."""
        return {"html": str(self.html), "notebook": str(self.notebook),
                "store_version": self.store_version}


def build_bulletin(
    store: str | os.PathLike[str],
    period: str,
    *,
    out: str | os.PathLike[str] = "reports_out",
    baseline_months: int = 6,
    min_count: int = 5,
    fdr: float = 0.05,
    k: int = 5,
    version: int | None = None,
) -> Bulletin:
    """Run the safety-bulletin notebook on a store and export it to offline HTML.

    Parameters
    ----------
    store : path or ``"sample"``
        Store folder.
    period : str
        Bulletin month ``YYYY-MM`` (or ``"latest"``).
    out : path
        Folder that receives ``<bulletin-id>/`` with ``bulletin.html``, ``bulletin.ipynb``
        and ``provenance.json``.
    baseline_months, min_count, fdr, k
        Passed to the notebook (see its parameters cell).
    version : int, optional
        ``incidents`` table version to build from (the latest when None or -1); every other
        table is read at the version that goes with it. A bulletin's provenance cites this
        number: building again with it rebuilds the same bulletin, same id and data.

    Returns
    -------
    Bulletin

    Raises
    ------
    ParameterError
        Before anything runs, when a value is out of the whitelist's range.
    ValueError
        Before anything runs, when ``version`` is not a version of the incidents table.
    NotebookRunError
        When the notebook fails (its executed copy is kept in the bulletin folder).
    """
    from nearmiss_lab.bulletin.data import latest_month, resolve_store
    from nearmiss_lab.store import snapshot_versions

    parameters: dict[str, Any] = {
        "store": str(store), "period": period, "baseline_months": baseline_months,
        "min_count": min_count, "fdr": fdr, "k": k, "out": str(out),
        "version": -1 if version is None else version,
    }
    check_parameters(BULLETIN_NOTEBOOK, parameters)  # refuse bad values before any work
    root = resolve_store(store).resolve()
    # Resolving the snapshot here checks the version exists before a kernel starts.
    version = snapshot_versions(root, version)["incidents"]
    if period == LATEST:
        period = latest_month(root, version)
    cited = {"period": period, "baseline_months": baseline_months, "min_count": min_count,
             "fdr": float(fdr), "k": k}
    bid = bulletin_id(period, version, cited)
    folder = Path(out).resolve() / bid
    # The notebook reads exactly the version the id names, even if an ingest lands meanwhile.
    parameters.update(store=str(root), period=period, version=version, out=str(folder))
    run = execute_notebook(BULLETIN_NOTEBOOK, parameters, folder / "bulletin.ipynb", cwd=folder)
    html = export_html(run, folder / "bulletin.html",
                       title=f"Near-miss safety bulletin {period}")
    problems = page_problems(html.read_text(encoding="utf-8"))
    if problems:  # never hand out a page that phones home or runs script
        raise BulletinCheckError(f"bulletin page {html} failed its checks: {'; '.join(problems)}")
    prov_path = folder / PROVENANCE_FILE
    prov = json.loads(prov_path.read_text(encoding="utf-8")) if prov_path.is_file() else {}
    if prov and prov.get("bulletin_id") != bid:
        raise RuntimeError("the notebook cited a different bulletin id than the runner computed")
    return Bulletin(bid, folder, html, run.notebook, version, prov, run.timings)
