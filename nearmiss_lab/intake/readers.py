"""Readers of agency export formats, kept in a registry (``register_reader`` / ``get_reader``).

A reader turns an export file into :class:`RawRow` values holding **only** the columns the
mapping asks for: direct-identifier columns and unmapped columns are never copied out of the
parser's row. Text is decoded with ``surrogateescape`` so a byte that is not valid in the
declared encoding marks its row (``intake-bad-encoding``) instead of aborting the file; a
JSON escape of half a surrogate pair marks its row too (``intake-bad-character``).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nearmiss_lab.intake.mapping import ColumnRef, Mapping, MappingError

# Lone surrogates U+DC80..U+DCFF are what surrogateescape makes of undecodable bytes.
_UNDECODABLE = re.compile("[\udc80-\udcff]")
# Any other lone surrogate comes from a JSON escape without its pair ("\\ud800"): it is no
# character, and writing it as UTF-8 raises, which would abort the whole submission.
_SURROGATE = re.compile("[\ud800-\udfff]")


class ExportReadError(OSError):
    """The export as a whole cannot be read (missing file, not a JSON array, no CSV header)."""


class UnknownReaderError(KeyError):
    """No reader is registered under the requested name."""


@dataclass
class RawRow:
    """One record of an export as read: 1-based row number, the mapped columns, problems.

    ``problems`` holds ``(code, column or None)`` pairs; ``values`` is None when the row could
    not be read at all.
    """

    row: int
    values: dict[ColumnRef, Any] | None
    problems: list[tuple[str, ColumnRef | None]] = field(default_factory=list)


Reader = Callable[[Path, Mapping, Sequence[ColumnRef]], Iterator[RawRow]]
_READERS: dict[str, Reader] = {}


def register_reader(name: str, reader: Reader) -> None:
    """Register ``reader`` under ``name`` (a mapping's ``format.reader``), replacing any."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise ValueError("reader names are lower-case identifiers")
    _READERS[name] = reader


def get_reader(name: str) -> Reader:
    """Return the reader registered under ``name``.

    Raises
    ------
    UnknownReaderError
        Naming the registered readers.
    """
    try:
        return _READERS[name]
    except KeyError:
        raise UnknownReaderError(
            f"no export reader named {name!r}; registered: {', '.join(sorted(_READERS))}"
        ) from None


def reader_names() -> list[str]:
    """Names of the registered readers, sorted."""
    return sorted(_READERS)


class _Duplicated(dict):  # type: ignore[type-arg]
    """An object in which the export repeated a key (``json`` would keep the last value)."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    return _Duplicated(obj) if len(obj) != len(pairs) else obj


#: The standard decoder, except that an object with a repeated key is marked: which value
#: counts is ambiguous (a planted value may win), so such a record is never used.
_DECODER = json.JSONDecoder(object_pairs_hook=_pairs)


def _has_duplicate_key(value: Any) -> bool:
    """True when ``value`` or anything nested in it repeated a key."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if type(node) is _Duplicated:
                return True
            stack.extend(v for v in node.values() if isinstance(v, dict | list))
        elif isinstance(node, list):
            stack.extend(v for v in node if isinstance(v, dict | list))
    return False


def _codec(encoding: str) -> str:
    # A UTF-8 BOM is common in spreadsheet exports; utf-8-sig drops it and reads plain UTF-8 too.
    return "utf-8-sig" if encoding.lower().replace("_", "-") in {"utf-8", "utf8"} else encoding


def _strings(value: Any) -> Iterator[str]:
    """Every string in a read value, at any depth (keys of nested objects included)."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            yield node
        elif isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def _undecodable(values: dict[ColumnRef, Any]) -> list[tuple[str, ColumnRef | None]]:
    """``intake-bad-encoding`` for a mapped value holding undecodable bytes, and
    ``intake-bad-character`` for one holding any other lone surrogate."""
    problems: list[tuple[str, ColumnRef | None]] = []
    for ref, value in values.items():
        texts = list(_strings(value))
        if any(_UNDECODABLE.search(t) for t in texts):
            problems.append(("intake-bad-encoding", ref))
        elif any(_SURROGATE.search(t) for t in texts):
            problems.append(("intake-bad-character", ref))
    return problems


def read_csv(path: Path, mapping: Mapping, columns: Sequence[ColumnRef]) -> Iterator[RawRow]:
    """Read a delimited text export with a header row (delimiter, quote, encoding per mapping)."""
    if any(len(ref) != 1 for ref in columns):
        raise MappingError("a csv mapping names columns, not nested paths")
    try:
        handle = path.open(encoding=_codec(mapping.encoding), errors="surrogateescape", newline="")
    except OSError as exc:
        raise ExportReadError(f"cannot open export {path}: {exc.strerror}") from None
    with handle:
        reader = csv.reader(handle, delimiter=mapping.delimiter, quotechar=mapping.quotechar)
        try:
            header = next(reader)
        except StopIteration:
            raise ExportReadError(f"export {path} is empty (no header row)") from None
        except csv.Error as exc:
            raise ExportReadError(f"export {path}: unreadable header row ({exc})") from None
        header = [h.strip() for h in header]
        index: dict[str, int] = {}
        for i, name in enumerate(header):
            index.setdefault(name, i)
        wanted = [(ref, index[ref[0]]) for ref in columns if ref[0] in index]
        # A column the mapping reads that the header names twice: which one holds the value
        # is ambiguous, so no row is used (columns not read may repeat harmlessly).
        repeated: list[tuple[str, ColumnRef | None]] = [
            ("intake-duplicate-column", ref) for ref in columns if header.count(ref[0]) > 1]
        width = len(header)
        row_number = 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error:
                row_number += 1
                yield RawRow(row_number, None, [("intake-bad-row", None)])
                continue
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue  # blank line between records: not a data row
            row_number += 1
            if len(cells) < width:
                yield RawRow(row_number, None, [("intake-short-row", None)])
                continue
            if len(cells) > width:
                yield RawRow(row_number, None, [("intake-long-row", None)])
                continue
            if repeated:
                yield RawRow(row_number, None, list(repeated))
                continue
            values = {ref: cells[i] for ref, i in wanted}
            problems = _undecodable(values)
            yield RawRow(row_number, None if problems else values, problems)


def _pick(obj: dict[str, Any], columns: Sequence[ColumnRef]) -> dict[ColumnRef, Any]:
    values: dict[ColumnRef, Any] = {}
    for ref in columns:
        node: Any = obj
        for key in ref:
            if not isinstance(node, dict) or key not in node:
                break
            node = node[key]
        else:
            values[ref] = node
    return values


def _object_row(number: int, obj: Any, columns: Sequence[ColumnRef]) -> RawRow:
    if not isinstance(obj, dict):
        return RawRow(number, None, [("intake-not-object", None)])
    if _has_duplicate_key(obj):
        return RawRow(number, None, [("intake-duplicate-key", None)])
    values = _pick(obj, columns)
    problems = _undecodable(values)
    return RawRow(number, None if problems else values, problems)


def read_jsonl(path: Path, mapping: Mapping, columns: Sequence[ColumnRef]) -> Iterator[RawRow]:
    """Read a JSON Lines export: one JSON object per line; ``row`` is the physical line number."""
    codec = _codec(mapping.encoding)
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise ExportReadError(f"cannot open export {path}: {exc.strerror}") from None
    with handle:
        for number, raw in enumerate(handle, 1):
            text = raw.decode(codec if number == 1 else mapping.encoding, errors="surrogateescape")
            if not text.strip():
                continue
            try:
                obj = _DECODER.decode(text)
            except ValueError:
                problem = "intake-bad-encoding" if _UNDECODABLE.search(text) else "intake-bad-json"
                yield RawRow(number, None, [(problem, None)])
                continue
            yield _object_row(number, obj, columns)


def read_json(path: Path, mapping: Mapping, columns: Sequence[ColumnRef]) -> Iterator[RawRow]:
    """Read a JSON export: an array of objects (or an object whose ``records_key`` holds one);
    ``row`` is the array index + 1."""
    try:
        text = path.read_bytes().decode(_codec(mapping.encoding), errors="surrogateescape")
    except OSError as exc:
        raise ExportReadError(f"cannot open export {path}: {exc.strerror}") from None
    try:
        doc = _DECODER.decode(text)
    except ValueError as exc:
        # The position is safe to show; the document text is not.
        raise ExportReadError(
            f"export {path} is not valid JSON (line {exc.lineno}, column {exc.colno})"  # type: ignore[attr-defined]
        ) from None
    if mapping.records_key is not None:
        if type(doc) is _Duplicated:
            raise ExportReadError(f"export {path} repeats a top-level key; which value holds "
                                  "the records is ambiguous")
        doc = doc.get(mapping.records_key) if isinstance(doc, dict) else None
    if not isinstance(doc, list):
        raise ExportReadError(f"export {path} does not hold an array of records")
    for number, obj in enumerate(doc, 1):
        yield _object_row(number, obj, columns)


register_reader("csv", read_csv)
register_reader("jsonl", read_jsonl)
register_reader("json", read_json)
