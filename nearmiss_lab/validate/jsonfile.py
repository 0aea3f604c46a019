"""Read a ``.json`` record file: one object, or an array of objects, each an entry.

The whole file is decoded at once (JSON Lines is the format for large inputs), with the
standard library's decoder and the reader's hooks for duplicate keys and NaN/Infinity. Every
array element is an entry: a malformed one is an issue on its line and is stepped over, so
the elements after it are still checked.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from nearmiss_lab.issues import Issue, Severity
from nearmiss_lab.validate.blocks import CHUNK_BYTES
from nearmiss_lab.validate.reader import (
    _BOM,
    _WS,
    DEFAULT_MAX_JSON_FILE_BYTES,
    READ_BOM,
    READ_EMPTY_FILE,
    READ_FILE_TOO_LARGE,
    READ_INVALID_JSON,
    READ_INVALID_UTF8,
    ParsedLine,
    _check_value,
    _decoder,
    _Flags,
    _issue,
    _parse_issues,
)


def read_json_file(path: str | Path, *,
                   max_bytes: int = DEFAULT_MAX_JSON_FILE_BYTES) -> Iterator[ParsedLine]:
    """Read a ``.json`` file holding one object or an array of objects.

    Each array element is one :class:`ParsedLine` whose ``line`` is where the element starts,
    readable or not: a malformed element is an issue on its line and the reader steps over
    it to the next ``,`` or ``]`` at its depth (strings skipped, brackets counted), so every
    element after it is still read. Problems between elements (a missing comma, an empty
    element, data after the array) are issues with ``entry=False``. A file that cannot be read
    at all (not UTF-8, empty, not one JSON value, too large) is one issue on its line; an
    element that cannot be stepped over (an unclosed string or bracket) ends the reading
    with its issue saying so.

    Parameters
    ----------
    path : str or Path
        The file to read.
    max_bytes : int
        Larger files are reported as ``read-file-too-large`` and not read.

    Raises
    ------
    OSError
        The file cannot be opened.
    """
    path = Path(path)
    file = str(path)
    with path.open("rb") as handle:
        data = _read_at_most(handle, max_bytes + 1)
    if len(data) > max_bytes:
        yield ParsedLine(1, None, [_issue(READ_FILE_TOO_LARGE, Severity.ERROR,
                                          f"file is larger than {max_bytes} bytes; use JSON "
                                          "Lines for large inputs", file, 1)])
        return
    first_issues: list[Issue] = []
    if data.startswith(_BOM):
        data = data[len(_BOM):]
        first_issues.append(_issue(READ_BOM, Severity.WARNING,
                                   "file starts with a UTF-8 byte order mark (ignored)", file, 1))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        yield ParsedLine(line, None, [*first_issues, _issue(
            READ_INVALID_UTF8, Severity.ERROR, "not valid UTF-8", file, line)], len(data))
        return
    if not text.strip():
        yield ParsedLine(1, None, [*first_issues, _issue(
            READ_EMPTY_FILE, Severity.ERROR, "file holds no records", file, 1)], len(data))
        return
    flags = _Flags()
    decoder = _decoder(flags)
    pos = _WS.match(text, 0).end()  # type: ignore[union-attr]
    line = text.count("\n", 0, pos) + 1
    if not text.startswith("[", pos):
        try:
            value, end = decoder.raw_decode(text, pos)
            trailing = _WS.match(text, end).end()  # type: ignore[union-attr]
            if trailing != len(text):
                raise json.JSONDecodeError("Extra data", text, trailing)
        except (ValueError, RecursionError) as exc:
            yield ParsedLine(line, None, [*first_issues, _parse_issues(exc, file, line)],
                             len(data))
            return
        parsed = _check_value(value, flags, file, line)
        parsed.issues[:0] = first_issues
        yield parsed
        return
    yield from _read_array(text, pos, line, decoder, flags, file, first_issues)


def _read_at_most(handle: IO[bytes], limit: int) -> bytes:
    """Read up to ``limit`` bytes, allocating for what the file holds, not for the limit.

    ``read(n)`` allocates ``n`` bytes before reading, so asking for the 256 MiB limit cost
    256 MiB for every small manifest. Ask for the file's size (plus one byte, to see that it
    ended) and read on in chunks only if it turns out longer (a growing file, a pipe).
    """
    try:
        size = os.fstat(handle.fileno()).st_size
    except (OSError, AttributeError, ValueError):
        size = 0
    parts: list[bytes] = []
    total = 0
    want = min(size + 1, limit)
    while total < limit:
        want = min(want, limit - total)
        chunk = handle.read(want)
        parts.append(chunk)
        total += len(chunk)
        if len(chunk) < want:
            break  # end of file
        want = CHUNK_BYTES
    return b"".join(parts)


#: A JSON string (possibly unterminated: it then runs to the end) or one structural character.
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{},]', re.S)
#: Characters that can start a JSON value (after a missing comma, the next element is read).
_VALUE_START = frozenset('{["-0123456789tfnNI')


def element_end(text: str, pos: int) -> int | None:
    """Return where the array element starting at ``text[pos]`` ends, or None.

    The end is the ``,`` or ``]`` that follows the element at its own nesting depth, found
    by skipping strings and counting brackets: how a broken element is stepped over so the
    elements after it are still read. None when the text ends first (an unclosed bracket or
    string): then nothing after the element can be located.
    """
    depth = 0
    for match in _TOKEN.finditer(text, pos):
        char = match.group()[0]
        if char == '"':
            continue
        if char in "[{":
            depth += 1
        elif char in "]}":
            if depth:
                depth -= 1
            elif char == "]":
                return match.start()
            # a stray '}' at the element's own depth belongs to the broken element
        elif not depth:
            return match.start()
    return None


def _read_array(text: str, pos: int, line: int, decoder: json.JSONDecoder, flags: _Flags,
                file: str, first_issues: list[Issue]) -> Iterator[ParsedLine]:
    """Yield the elements of the top-level array starting at ``text[pos] == '['``.

    Every element is an entry, readable or not: a broken element is stepped over
    (:func:`element_end`) and the next one is read. Problems between elements (a missing
    comma, an empty element, data after the array, a file ending inside it) are issues that
    are no entry. Only when a broken element cannot be stepped over (an unclosed string or
    bracket) does reading stop, with that element's issue saying so.
    """
    pending = first_issues
    size = len(text)
    line_pos = pos

    def line_at(at: int) -> int:
        nonlocal line, line_pos
        line += text.count("\n", line_pos, at)
        line_pos = at
        return line

    def skip_ws(at: int) -> int:
        return _WS.match(text, at).end()  # type: ignore[union-attr]

    def structure(at: int, message: str) -> ParsedLine:
        nonlocal pending
        issues = [*pending, _issue(READ_INVALID_JSON, Severity.ERROR, message, file,
                                   line_at(min(at, size)))]
        pending = []
        return ParsedLine(line, None, issues, entry=False)

    pos = skip_ws(pos + 1)
    if text.startswith("]", pos):
        yield ParsedLine(line_at(pos), None, [*pending, _issue(
            READ_EMPTY_FILE, Severity.ERROR, "the array holds no records", file, line)])
        return
    while True:
        # ``pos`` is where an element should start.
        if pos >= size:
            yield structure(pos, "not valid JSON: the file ends inside the array (no "
                                 "closing ']')")
            return
        if text[pos] in ",]":
            yield structure(pos, "not valid JSON: an array element is missing (two commas, "
                                 "or a comma before ']')")
            end = pos
        else:
            flags.duplicate = flags.non_finite = False
            try:
                value, end = decoder.raw_decode(text, pos)
            except (ValueError, RecursionError) as exc:
                issue = _parse_issues(exc, file, line_at(pos))
                stop = element_end(text, pos)
                if stop is None:
                    issue = dataclasses.replace(issue, message=issue.message + "; the array "
                                                "cannot be read past this element")
                yield ParsedLine(line, None, [*pending, issue],
                                 (size if stop is None else stop) - pos)
                pending = []
                if stop is None:
                    return
                end = stop
            else:
                parsed = _check_value(value, flags, file, line_at(pos))
                parsed.issues[:0] = pending
                parsed.nbytes = end - pos  # characters; close enough for a progress bar
                pending = []
                yield parsed
        # After an element: a comma, the closing bracket, or something out of place.
        after = skip_ws(end)
        if text.startswith(",", after):
            pos = skip_ws(after + 1)
            continue
        if text.startswith("]", after):
            tail = skip_ws(after + 1)
            if tail != size:
                yield structure(tail, "not valid JSON: data after the end of the array "
                                      "(not read)")
            return
        if after >= size:
            yield structure(after, "not valid JSON: the file ends inside the array (no "
                                   "closing ']')")
            return
        yield structure(after, "not valid JSON: expected ',' or the end of the array")
        if text[after] in _VALUE_START:
            pos = after  # most likely a missing comma: read on from the next value
            continue
        stop = element_end(text, after)  # stray characters: step over them
        if stop is None:
            return
        if text[stop] == "]":
            tail = skip_ws(stop + 1)
            if tail != size:
                yield structure(tail, "not valid JSON: data after the end of the array "
                                      "(not read)")
            return
        pos = skip_ws(stop + 1)
