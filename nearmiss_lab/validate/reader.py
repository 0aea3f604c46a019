"""Robust, streaming readers for record files (JSON Lines, or one JSON document).

A bad line is an issue on that line, never an exception: the reader keeps going so every other
line is still validated. The file is read in blocks of whole lines
(:mod:`nearmiss_lab.validate.blocks`); lines longer than ``max_line_bytes`` are skipped in
bounded chunks. Duplicate keys and NaN/Infinity are found while parsing, through the
decoder's hooks, because Python's ``json`` silently keeps the last duplicate and accepts NaN.
No issue message quotes the input.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jiter

from nearmiss_lab.issues import Issue, Severity
from nearmiss_lab.validate.blocks import LINES, LONG, Block, iter_blocks, split_lines

#: Longest accepted line (bytes, newline excluded). A record is at most ~130 kB of UTF-8
#: (20 000 + 10 000 characters of text), so 1 MiB leaves room and still bounds memory.
DEFAULT_MAX_LINE_BYTES = 1 << 20
#: Largest ``.json`` file read whole (bytes); JSON Lines files are streamed and have no limit.
DEFAULT_MAX_JSON_FILE_BYTES = 256 << 20
_BOM = b"\xef\xbb\xbf"
_WS = re.compile(r"[ \t\n\r]*")

READ_INVALID_JSON = "read-invalid-json"
READ_INVALID_UTF8 = "read-invalid-utf8"
READ_BOM = "read-bom"
READ_EMPTY_FILE = "read-empty-file"
READ_BLANK_LINE = "read-blank-line"
READ_LINE_TOO_LONG = "read-line-too-long"
READ_FILE_TOO_LARGE = "read-file-too-large"
READ_DUPLICATE_KEY = "read-duplicate-key"
READ_NON_FINITE_NUMBER = "read-non-finite-number"
READ_NOT_AN_OBJECT = "read-not-an-object"
READ_NESTING_TOO_DEEP = "read-nesting-too-deep"
READ_COMPRESSED_CORRUPT = "read-compressed-corrupt"

#: Every code this module emits (checked against ``schemas/issue-codes.json`` by the tests).
READ_CODES = (
    READ_INVALID_JSON, READ_INVALID_UTF8, READ_BOM, READ_EMPTY_FILE, READ_BLANK_LINE,
    READ_LINE_TOO_LONG, READ_FILE_TOO_LARGE, READ_DUPLICATE_KEY, READ_NON_FINITE_NUMBER,
    READ_NOT_AN_OBJECT, READ_NESTING_TOO_DEEP, READ_COMPRESSED_CORRUPT,
)


@dataclass(slots=True)
class ParsedLine:
    """One line (JSON Lines) or one array element (``.json``) as read.

    Attributes
    ----------
    line : int
        1-based line number where the record starts.
    record : dict or None
        The parsed object; None when the line could not be used as a record.
    issues : list of Issue
        Problems found while reading (file and line filled in).
    nbytes : int
        Bytes of input this entry consumed (for progress bars).
    entry : bool
        False for an issue about a ``.json`` array's structure between elements (a missing
        comma, an empty element, data after the array): it is reported but is no record, so
        it is not counted.
    """

    line: int
    record: dict[str, Any] | None
    issues: list[Issue] = field(default_factory=list)
    nbytes: int = 0
    entry: bool = True


class _Flags:
    """What the decoder hooks saw in the document being parsed."""

    __slots__ = ("duplicate", "non_finite")

    def __init__(self) -> None:
        self.duplicate = False
        self.non_finite = False


def _decoder(flags: _Flags) -> json.JSONDecoder:
    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(pairs)
        if len(obj) != len(pairs):
            flags.duplicate = True
        return obj

    def constant_hook(name: str) -> float:
        flags.non_finite = True
        return float(name)

    return json.JSONDecoder(object_pairs_hook=pairs_hook, parse_constant=constant_hook)


def _issue(code: str, severity: Severity, message: str, file: str, line: int) -> Issue:
    return Issue(code, severity, "", message, file=file, line=line)


def _parse_issues(exc: Exception, file: str, line: int) -> Issue:
    if isinstance(exc, RecursionError):
        return _issue(READ_NESTING_TOO_DEEP, Severity.ERROR,
                      "JSON nesting is too deep to read", file, line)
    if isinstance(exc, json.JSONDecodeError):
        # exc.msg is the decoder's fixed description ("Expecting value"), never input text.
        return _issue(READ_INVALID_JSON, Severity.ERROR,
                      f"not valid JSON: {exc.msg} at column {exc.colno}", file, line)
    return _issue(READ_INVALID_JSON, Severity.ERROR,
                  "not valid JSON (e.g. a number with too many digits)", file, line)


def _flag_issues(flags: _Flags, file: str, line: int) -> list[Issue]:
    issues = []
    if flags.duplicate:
        issues.append(_issue(READ_DUPLICATE_KEY, Severity.ERROR,
                             "an object repeats a key; which value counts is ambiguous, so the "
                             "record is not used", file, line))
    if flags.non_finite:
        issues.append(_issue(READ_NON_FINITE_NUMBER, Severity.ERROR,
                             "NaN or Infinity is not valid JSON", file, line))
    return issues


def _check_value(value: Any, flags: _Flags, file: str, line: int) -> ParsedLine:
    issues = _flag_issues(flags, file, line)
    if not isinstance(value, dict):
        kind = "an array" if isinstance(value, list) else "a scalar"
        issues.append(_issue(READ_NOT_AN_OBJECT, Severity.ERROR,
                             f"expected a JSON object, found {kind}", file, line))
    if issues:
        return ParsedLine(line, None, issues)
    return ParsedLine(line, value, [])


class LineParser:
    """Parse one line of a JSON Lines file into a :class:`ParsedLine` (never raises).

    Shared by :func:`read_jsonl` and the batch validator, so both read a line the same way.
    ``bom_line`` is the number the file's first line has in the caller's numbering (0 when the
    lines parsed do not include it, so no line is taken as the file's start).
    """

    __slots__ = ("file", "max_line_bytes", "slow", "bom_line")

    def __init__(self, file: str, max_line_bytes: int, bom_line: int = 1) -> None:
        self.file = file
        self.max_line_bytes = max_line_bytes
        self.slow = _SlowParser(file)
        self.bom_line = bom_line

    def parse(self, raw: bytes, lineno: int, newline: bool) -> ParsedLine:
        """Parse ``raw`` (the line without its newline; ``newline`` says whether it had one)."""
        file = self.file
        nbytes = len(raw) + newline
        if len(raw) > self.max_line_bytes:
            return ParsedLine(lineno, None, [_issue(
                READ_LINE_TOO_LONG, Severity.ERROR,
                f"line is longer than {self.max_line_bytes} bytes and was not read", file,
                lineno)], nbytes)
        issues: list[Issue] = []
        if lineno == self.bom_line and raw.startswith(_BOM):
            raw = raw[len(_BOM):]
            issues.append(_issue(READ_BOM, Severity.WARNING,
                                 "file starts with a UTF-8 byte order mark (ignored)", file,
                                 lineno))
        try:
            # Fast path: a strict Rust parser that rejects duplicate keys and NaN itself.
            value = jiter.from_json(raw, allow_inf_nan=False, catch_duplicate_keys=True)
        except ValueError:
            # Its messages quote the input, so never use them: classify with the stdlib, on
            # the line as it was (the newline moves the column of an "Expecting value").
            parsed = self.slow.parse(raw + b"\n" if newline else raw, lineno)
        else:
            if type(value) is dict:
                return ParsedLine(lineno, value, issues, nbytes)
            parsed = _check_value(value, _Flags(), file, lineno)
        parsed.issues[:0] = issues
        parsed.nbytes = nbytes
        return parsed


def is_content(parsed: ParsedLine) -> bool:
    """True unless the entry is a blank line (a file of blank lines holds no records)."""
    return parsed.record is not None or parsed.issues[-1].code != READ_BLANK_LINE


def read_jsonl(path: str | Path, *, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
               max_json_bytes: int = DEFAULT_MAX_JSON_FILE_BYTES,
               allow_empty: bool = False) -> Iterator[ParsedLine]:
    """Read records from a JSON Lines file, one :class:`ParsedLine` per non-empty line.

    A name ending in ``.gz`` is read through gzip (streamed, so a large expansion costs time,
    not memory). A name ending in ``.json`` is read as one document holding an object or an
    array of objects (see :func:`~nearmiss_lab.validate.read_json_file`).

    Parameters
    ----------
    path : str or Path
        The file to read.
    max_line_bytes : int
        Longest accepted line in bytes; longer lines are reported as ``read-line-too-long``
        (a line longer than ``max_line_bytes`` plus 1 MiB is never held in memory).
    max_json_bytes : int
        Largest ``.json`` file read whole.
    allow_empty : bool
        When True an empty file is not an issue (a zero report holds no records).

    Yields
    ------
    ParsedLine
        ``record`` is None when the line is unusable; its ``issues`` say why. An empty file
        yields a single entry with ``read-empty-file`` unless ``allow_empty``.

    Raises
    ------
    OSError
        The file cannot be opened (callers map this to "unreadable input").
    """
    path = Path(path)
    if path.suffix.lower() == ".json":
        from nearmiss_lab.validate.jsonfile import read_json_file

        yield from read_json_file(path, max_bytes=max_json_bytes)
        return
    file = str(path)
    parser = LineParser(file, max_line_bytes)
    seen_content = False
    lineno = 0
    for block in iter_blocks(path, max_line_bytes):
        lineno = block.first_line
        if block.kind == LINES:
            lines = split_lines(block.data)
            last = len(lines) - 1
            ends_with_newline = block.data.endswith(b"\n")
            for offset, raw in enumerate(lines):
                lineno = block.first_line + offset
                parsed = parser.parse(raw, lineno, offset < last or ends_with_newline)
                seen_content = seen_content or is_content(parsed)
                yield parsed
        else:
            seen_content = True
            yield blocked_entry(block, file, max_line_bytes)
    if not seen_content and not allow_empty:
        yield ParsedLine(max(lineno, 1), None, [empty_file_issue(file, max(lineno, 1))])


def empty_file_issue(file: str, line: int) -> Issue:
    """The issue of a JSON Lines file without a single record (blank lines aside)."""
    return _issue(READ_EMPTY_FILE, Severity.ERROR, "file holds no records", file, line)


def blocked_entry(block: Block, file: str, max_line_bytes: int) -> ParsedLine:
    """The entry of a :data:`LONG` or :data:`CORRUPT` block."""
    if block.kind == LONG:
        return ParsedLine(block.first_line, None, [_issue(
            READ_LINE_TOO_LONG, Severity.ERROR,
            f"line is longer than {max_line_bytes} bytes and was not read", file,
            block.first_line)], block.nbytes)
    return ParsedLine(block.first_line, None, [_issue(
        READ_COMPRESSED_CORRUPT, Severity.ERROR,
        "the gzip stream is corrupt or truncated; reading stopped here", file,
        block.first_line)])


class _SlowParser:
    """Classify a line the fast parser rejected, with messages that never quote the input."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.flags = _Flags()
        self.decode = _decoder(self.flags).decode

    def parse(self, raw: bytes, lineno: int) -> ParsedLine:
        file = self.file
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            return ParsedLine(lineno, None, [_issue(
                READ_INVALID_UTF8, Severity.ERROR,
                f"not valid UTF-8 (byte {exc.start + 1} of the line)", file, lineno)])
        if not text.strip():
            return ParsedLine(lineno, None, [_issue(READ_BLANK_LINE, Severity.WARNING,
                                                    "blank line (skipped)", file, lineno)])
        self.flags.duplicate = self.flags.non_finite = False
        try:
            value = self.decode(text)
        except (ValueError, RecursionError) as exc:
            return ParsedLine(lineno, None, [_parse_issues(exc, file, lineno)])
        parsed = _check_value(value, self.flags, file, lineno)
        if parsed.record is not None:
            # The stdlib took what the strict parser refused (e.g. a lone surrogate \u escape,
            # which no UTF-8 store can hold): still not a usable record.
            return ParsedLine(lineno, None, [_issue(
                READ_INVALID_JSON, Severity.ERROR,
                "not valid JSON text (e.g. a \\u escape of a lone surrogate)", file, lineno)])
        return parsed
