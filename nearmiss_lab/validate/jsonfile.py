"""Read a ``.json`` record file: one object, or an array of objects, each an entry.

The whole file is decoded at once (JSON Lines is the format for large inputs), with the
standard library's decoder and the reader's hooks for duplicate keys and NaN/Infinity; a
malformed element ends the reading with an issue on its line.
"""

from __future__ import annotations

import json
import os
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

    Each array element is one :class:`ParsedLine` whose ``line`` is where the element starts.
    A malformed element ends the reading (a JSON array cannot be re-synchronised), with an
    issue on its line; the elements before it are still yielded.

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


def _read_array(text: str, pos: int, line: int, decoder: json.JSONDecoder, flags: _Flags,
                file: str, first_issues: list[Issue]) -> Iterator[ParsedLine]:
    """Yield the elements of the top-level array starting at ``text[pos] == '['``."""
    pending = first_issues

    def skip_ws(at: int) -> int:
        return _WS.match(text, at).end()  # type: ignore[union-attr]

    def advance(frm: int, to: int) -> None:
        nonlocal line
        line += text.count("\n", frm, to)

    start = pos
    pos = skip_ws(pos + 1)
    advance(start, pos)
    if text.startswith("]", pos):
        yield ParsedLine(line, None, [*pending, _issue(
            READ_EMPTY_FILE, Severity.ERROR, "the array holds no records", file, line)])
        return
    while True:
        flags.duplicate = flags.non_finite = False
        try:
            value, end = decoder.raw_decode(text, pos)
        except (ValueError, RecursionError) as exc:
            yield ParsedLine(line, None, [*pending, _parse_issues(exc, file, line)])
            return
        parsed = _check_value(value, flags, file, line)
        parsed.issues[:0] = pending
        parsed.nbytes = end - pos  # characters; close enough for a progress bar
        pending = []
        yield parsed
        after = skip_ws(end)
        advance(pos, after)
        if text.startswith(",", after):
            pos = skip_ws(after + 1)
            advance(after, pos)
            continue
        if text.startswith("]", after) and skip_ws(after + 1) == len(text):
            return
        yield ParsedLine(line, None, [_issue(READ_INVALID_JSON, Severity.ERROR,
                                             "not valid JSON: expected ',' or the end of the "
                                             "array", file, line)])
        return
