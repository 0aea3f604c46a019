"""Bulletin identity and the methods-and-provenance block.

A bulletin's id is a function of what it was computed from (period, incidents table version,
parameters), so rebuilding a bulletin from the version it cites yields the same id, and two
different bulletins never share a folder. The other tables' versions follow from the
incidents version (:func:`nearmiss_lab.store.snapshot_versions`); the provenance block and
``provenance.json`` list them all.
"""

from __future__ import annotations

import hashlib
import json
from importlib import metadata
from pathlib import Path
from typing import Any

import polars as pl

from nearmiss_lab import __version__
from nearmiss_lab.bulletin.data import BulletinData, data_hash
from nearmiss_lab.bulletin.html import Html, paragraph, section, table
from nearmiss_lab.store.schema import TABLES

PROVENANCE_FILE = "provenance.json"
_TOOLS = ("polars", "networkx", "scipy", "altair", "vl-convert-python", "papermill", "nbconvert",
          "deltalake")


def bulletin_id(period: str, store_version: int | None, parameters: dict[str, Any]) -> str:
    """Return the id of a bulletin: ``nmb-<period>-v<version>-<8 hex of the parameters>``.

    Examples
    --------
    >>> bulletin_id("2024-06", 3, {"k": 5})
    'nmb-2024-06-v3-519b31b3'
    """
    canonical = json.dumps(parameters, sort_keys=True, separators=(",", ":"), default=str)
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:8]
    version = "x" if store_version is None else str(store_version)
    return f"nmb-{period}-v{version}-{digest}"


def tool_versions() -> dict[str, str]:
    """Versions of the package and the libraries that shaped the numbers."""
    versions = {"nearmiss-lab": __version__}
    for name in _TOOLS:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def provenance_record(data: BulletinData) -> dict[str, Any]:
    """Everything needed to rebuild or audit a bulletin, as a JSON-ready dict."""
    from nearmiss_lab.spec import INCIDENT_SCHEMA_VERSION, TAXONOMY_VERSION

    record_versions = (
        sorted(data.incidents["schema_version"].unique().drop_nulls().to_list())
        if "schema_version" in data.incidents.columns and data.incidents.height else []
    )
    return {
        "bulletin_id": bulletin_id(data.period, data.versions.get("incidents"), data.parameters),
        "store": data.store,
        "table_versions": data.versions,
        "schema_version": INCIDENT_SCHEMA_VERSION,
        "record_schema_versions": record_versions,
        "taxonomy_version": TAXONOMY_VERSION,
        "package_version": __version__,
        "parameters": data.parameters,
        "window": {"baseline": [data.baseline[0], data.baseline[-1]], "period": data.period},
        "data_hash": data_hash(data.incidents),
        "tools": tool_versions(),
    }


def methods_and_provenance(data: BulletinData, out: str = "") -> Html:
    """Methods in plain words, then the provenance table that makes the bulletin auditable.

    Parameters
    ----------
    data : BulletinData
    out : str
        Folder to write ``provenance.json`` into (the bulletin's folder); ``""`` writes nothing.
    """
    prov = provenance_record(data)
    written = []
    if out:
        path = Path(out) / PROVENANCE_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(prov, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        written.append(paragraph(f"Provenance is also saved as {PROVENANCE_FILE} beside this "
                                 "page.", "nm-note"))
    methods = [
        paragraph(
            "Reports are de-identified by each agency before submission (Presidio with "
            "law-enforcement recognizers; names, places, numbers and exact dates replaced by "
            "typed placeholders), validated and re-scanned by the hub, and stored in a "
            "versioned Delta Lake table."),
        paragraph(
            f"Factor pairs are counted over the incidents of {data.period}. For each pair with "
            f"at least {data.min_count} incidents, a one-sided hypergeometric (Fisher) test "
            "asks whether the pair co-occurs more often than independence predicts; "
            "Benjamini\u2013Hochberg q-values control the false-discovery rate at "
            f"{data.fdr}. Lift is observed over expected count; NPMI, Jaccard, Yule's Q and "
            "the odds ratio measure the same association on different scales."),
        paragraph(
            f"Emerging pairs compare the month with the {data.baseline_months} months before "
            f"it ({data.baseline[0]} to {data.baseline[-1]}). Counts below {data.k} are shown "
            f"as \u201c< {data.k}\u201d and figures computed from them are masked (\u00b7)."),
    ]
    pinned = data.versions.get("incidents")
    if pinned is not None:
        methods.append(paragraph(
            f"Every table was read as of incidents table version {pinned}: the ledger, "
            "quarantine and receipts at the versions the ingests up to that one wrote, nothing "
            f"later. nearmiss bulletin --version {pinned} with the parameters below rebuilds "
            "this page exactly, whatever was ingested since."))
    versions = prov["table_versions"]
    table_rows = [(f"{t} table version", _or_dash(versions.get(t)))
                  for t in (*TABLES, *sorted(set(versions) - set(TABLES)))
                  if t in versions or t == "incidents"]
    rows = [
        ("bulletin id", prov["bulletin_id"]),
        ("store", prov["store"] or "(in memory)"),
        *table_rows,
        ("schema version", prov["schema_version"]),
        ("record schema versions", ", ".join(prov["record_schema_versions"]) or "\u2014"),
        ("taxonomy version", prov["taxonomy_version"]),
        ("package version", f"nearmiss-lab {prov['package_version']}"),
        ("parameters", json.dumps(prov["parameters"], sort_keys=True)),
        ("data hash (sha256)", prov["data_hash"]),
        ("tools", ", ".join(f"{k} {v}" for k, v in prov["tools"].items())),
    ]
    frame = pl.DataFrame(rows, schema={"item": pl.String, "value": pl.String}, orient="row")
    return section("Methods and provenance", [
        *methods, table(frame, caption="Provenance"), *written,
    ])


def _or_dash(value: int | None) -> str:
    return "\u2014" if value is None else str(value)
