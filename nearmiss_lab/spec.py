"""The federated submission spec: JSON Schemas, the factor taxonomy and the issue-code list.

Everything here is read from the spec folder ``schemas/`` (see :func:`nearmiss_lab.paths.
schemas_dir`): one folder per document kind holding ``<version>.json`` schemas, the taxonomy
data in ``schemas/data/taxonomy-<version>.json`` and the published issue codes in
``schemas/issue-codes.json``. Files are read on first use and cached; callers get copies of
schemas so a caller's edit cannot leak into the validators.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from nearmiss_lab.paths import schemas_dir

#: Version of the incident schema that this package writes.
INCIDENT_SCHEMA_VERSION = "1.0.0"
#: Version of the manifest schema that this package writes.
MANIFEST_SCHEMA_VERSION = "1.0.0"
#: Document kinds exchanged between agencies and the hub, in data-dictionary order.
KINDS = ("incident", "manifest", "receipt", "taxonomy")
#: Configuration documents an agency keeps beside its export (never sent to the hub).
CONFIG_KINDS = ("mapping", "policy")
#: Every kind with a schema folder under ``schemas/``.
ALL_KINDS = KINDS + CONFIG_KINDS
#: Taxonomy version used when none is asked for.
TAXONOMY_VERSION = "1.0.0"

_VERSION_RE = re.compile(r"^(\d+)\.(\d+)\.(\d+)\.json$")


class SpecError(RuntimeError):
    """The spec folder is missing a document or holds a broken one."""


def _version_key(name: str) -> tuple[int, int, int]:
    match = _VERSION_RE.match(name)
    assert match is not None
    major, minor, patch = match.groups()
    return int(major), int(minor), int(patch)


def schema_versions(kind: str) -> list[str]:
    """Return the versions of ``kind``'s schema in the spec folder, oldest first.

    Parameters
    ----------
    kind : str
        Document kind, e.g. ``"incident"``.

    Returns
    -------
    list of str
        Versions such as ``["1.0.0"]``; empty when the kind has no schema yet.
    """
    folder = schemas_dir() / kind
    if not folder.is_dir():
        return []
    names = [p.name for p in folder.iterdir() if _VERSION_RE.match(p.name)]
    return [n[: -len(".json")] for n in sorted(names, key=_version_key)]


@functools.lru_cache(maxsize=64)
def _read_json(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        raise SpecError(f"spec document not found: {path}") from None
    except (OSError, ValueError) as exc:
        raise SpecError(f"spec document {path} is unreadable: {exc}") from None


def schema_path(kind: str, version: str | None = None) -> Path:
    """Return the path of ``kind``'s schema; the newest version when ``version`` is None."""
    if kind not in ALL_KINDS:
        raise SpecError(f"unknown document kind {kind!r}; known kinds: {', '.join(ALL_KINDS)}")
    if version is None:
        versions = schema_versions(kind)
        if not versions:
            raise SpecError(f"no schema for kind {kind!r} in {schemas_dir() / kind}")
        version = versions[-1]
    return schemas_dir() / kind / f"{version}.json"


def load_schema(kind: str, version: str | None = None) -> dict[str, Any]:
    """Return a copy of the JSON Schema of a document kind.

    Parameters
    ----------
    kind : str
        One of :data:`ALL_KINDS`.
    version : str, optional
        Schema version such as ``"1.0.0"``; the newest in the spec folder when omitted.

    Returns
    -------
    dict
        The schema (a fresh copy; editing it changes nothing else).

    Raises
    ------
    SpecError
        Unknown kind, missing version or unreadable schema file.

    Examples
    --------
    >>> load_schema("incident", "1.0.0")["$id"]
    'https://nearmiss-lab.org/schemas/incident/1.0.0'
    """
    schema = _read_json(schema_path(kind, version))
    if not isinstance(schema, dict):
        raise SpecError(f"schema for {kind!r} is not a JSON object")
    return copy.deepcopy(schema)


@dataclass(frozen=True)
class TaxonomyEntry:
    """One category or code of the taxonomy."""

    code: str
    category: str
    label: str
    definition: str
    deprecated: bool = False


@dataclass(frozen=True)
class Taxonomy:
    """The factor taxonomy: categories and ``CATEGORY.NAME`` codes, each with label and definition.

    Attributes
    ----------
    version : str
        The taxonomy version (``taxonomy_version`` of the data file).
    codes : frozenset of str
        Every code (categories excluded).
    categories : tuple of str
        Category codes in their published order.
    entries : Mapping[str, TaxonomyEntry]
        Codes and categories by code (a category's ``category`` is itself).
    """

    version: str
    codes: frozenset[str]
    categories: tuple[str, ...]
    entries: Mapping[str, TaxonomyEntry]

    def __contains__(self, code: object) -> bool:
        return code in self.codes

    def label(self, code: str) -> str:
        """Return the label of a code or category (KeyError when unknown)."""
        return self.entries[code].label

    def definition(self, code: str) -> str:
        """Return the definition of a code or category (KeyError when unknown)."""
        return self.entries[code].definition

    def category_of(self, code: str) -> str:
        """Return the category of a code (KeyError when unknown)."""
        return self.entries[code].category

    def codes_in(self, category: str) -> tuple[str, ...]:
        """Return the codes of one category in published order (empty for an unknown category)."""
        return tuple(
            e.code for e in self.entries.values() if e.category == category and e.code != category
        )

    def is_activity(self, code: str) -> bool:
        """True for codes of the ``ACT`` category (activities rather than factors)."""
        return code.startswith("ACT.")


def taxonomy_path(version: str | None = None) -> Path:
    """Return the path of the taxonomy data file (default :data:`TAXONOMY_VERSION`)."""
    return schemas_dir() / "data" / f"taxonomy-{version or TAXONOMY_VERSION}.json"


@functools.lru_cache(maxsize=8)
def load_taxonomy(version: str | None = None) -> Taxonomy:
    """Load the factor taxonomy from the spec folder.

    Parameters
    ----------
    version : str, optional
        Taxonomy version; :data:`TAXONOMY_VERSION` when omitted.

    Returns
    -------
    Taxonomy
        Frozen and cached: every call with the same version returns the same object.

    Raises
    ------
    SpecError
        Missing file, or a code whose category is not listed, or a duplicated code.

    Examples
    --------
    >>> tax = load_taxonomy()
    >>> "HF.FATIGUE" in tax.codes, tax.label("ACT.TRAFFIC_STOP")
    (True, 'Traffic stop')
    """
    doc = _read_json(taxonomy_path(version))
    entries: dict[str, TaxonomyEntry] = {}
    categories: list[str] = []
    for cat in doc.get("categories", []):
        entries[cat["code"]] = TaxonomyEntry(cat["code"], cat["code"], cat["label"],
                                             cat["definition"])
        categories.append(cat["code"])
    codes: set[str] = set()
    for item in doc.get("codes", []):
        code, category = item["code"], item["category"]
        if category not in categories or not code.startswith(category + "."):
            raise SpecError(f"taxonomy code {code!r} is not in a listed category")
        if code in entries:
            raise SpecError(f"taxonomy code {code!r} is listed twice")
        entries[code] = TaxonomyEntry(code, category, item["label"], item["definition"],
                                      bool(item.get("deprecated", False)))
        codes.add(code)
    return Taxonomy(
        version=doc["taxonomy_version"],
        codes=frozenset(codes),
        categories=tuple(categories),
        entries=MappingProxyType(entries),
    )


def issue_codes_path() -> Path:
    """Return the path of the published issue-code list (``schemas/issue-codes.json``)."""
    return schemas_dir() / "issue-codes.json"


def load_issue_codes() -> dict[str, dict[str, str]]:
    """Return the published issue codes by code: ``{code: {severity, title, description}}``.

    The file is read each call (it is small and other stages add to it while developing).
    """
    path = issue_codes_path()
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SpecError(f"issue-code list {path} is unreadable: {exc}") from None
    return {entry["code"]: entry for entry in doc["codes"]}
