"""Read a JSON Lines file in large binary blocks of whole lines, in bounded memory.

One ``read`` per megabyte instead of one ``readline`` per record, and a block of whole lines
is the unit that can be handed to another process. A line longer than ``max_line_bytes`` is
never assembled: once the unfinished line held exceeds the limit, the rest of it is skipped
chunk by chunk and reported as one :data:`LONG` block, so memory stays below
``max_line_bytes`` plus one chunk whatever the input.
"""

from __future__ import annotations

import gzip
import os
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, NamedTuple

#: Bytes asked of the file per read.
CHUNK_BYTES = 1 << 20
#: A byte range handed to a worker process spans about this many chunks.
RANGE_CHUNKS = 4
_SCAN_BYTES = 1 << 16

#: ``data`` holds whole lines (the file's last one may lack its newline).
LINES = "lines"
#: One line longer than the limit, skipped (``data`` is empty; ``nbytes`` its length).
LONG = "long"
#: The gzip stream broke here; nothing after it can be read.
CORRUPT = "corrupt"


class Block(NamedTuple):
    """A run of lines of the file (or one skipped line, or the point a gzip stream broke).

    Attributes
    ----------
    kind : str
        :data:`LINES`, :data:`LONG` or :data:`CORRUPT`.
    first_line : int
        1-based number of the block's first line.
    data : bytes
        For :data:`LINES`, the lines with their newlines; empty otherwise.
    nbytes : int
        Bytes of input the block stands for.
    """

    kind: str
    first_line: int
    data: bytes
    nbytes: int


def count_lines(data: bytes) -> int:
    """Number of lines in a :data:`LINES` block's data."""
    return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)


def split_lines(data: bytes) -> list[bytes]:
    """The lines of a :data:`LINES` block, newlines removed (``\\r`` kept, as JSON ignores it)."""
    lines = data.split(b"\n")
    if data.endswith(b"\n"):
        lines.pop()
    return lines


def iter_blocks(path: str | Path, max_line_bytes: int,
                chunk_bytes: int | None = None) -> Iterator[Block]:
    """Yield the file as blocks of whole lines, in order.

    ``chunk_bytes`` (default :data:`CHUNK_BYTES`, read at call time) is asked of the file per
    read; a block holds the whole lines of one read.

    A name ending in ``.gz`` is read through gzip; a corrupt or truncated stream ends the
    blocks with one :data:`CORRUPT` block after every whole line read before the break.

    Raises
    ------
    OSError
        The file cannot be opened.
    """
    path = Path(path)
    chunk_bytes = chunk_bytes or CHUNK_BYTES
    with path.open("rb") as raw_handle:
        if path.suffix.lower() == ".gz":
            with gzip.GzipFile(fileobj=raw_handle, mode="rb") as gz:
                # read1: one decompression step per call, so data decoded before a corrupt
                # stretch is returned before the error is raised (never lost with it).
                yield from _blocks(gz.read1, max_line_bytes, chunk_bytes)
        else:
            yield from _blocks(raw_handle.read, max_line_bytes, chunk_bytes)


def _blocks(read: Callable[[int], bytes], max_line_bytes: int,
            chunk_bytes: int) -> Iterator[Block]:
    line = 1  # number of the first line not yet yielded
    carry = b""  # the unfinished last line read so far (never longer than max_line_bytes)
    skipping = -1  # when >= 0: bytes of a too-long line skipped so far
    while True:
        try:
            chunk = read(chunk_bytes)
        except (EOFError, zlib.error, gzip.BadGzipFile):
            yield Block(CORRUPT, line, b"", 0)
            return
        if not chunk:
            break
        if skipping >= 0:
            end = chunk.find(b"\n")
            if end < 0:
                skipping += len(chunk)
                continue
            yield Block(LONG, line, b"", skipping + end + 1)
            line += 1
            skipping = -1
            chunk = chunk[end + 1:]
            if not chunk:
                continue
        data = carry + chunk if carry else chunk
        cut = data.rfind(b"\n") + 1
        if cut:
            whole, carry = data[:cut], data[cut:]
            yield Block(LINES, line, whole, cut)
            line += whole.count(b"\n")
        else:
            carry = data
        if len(carry) > max_line_bytes:
            skipping, carry = len(carry), b""
    if skipping >= 0:
        yield Block(LONG, line, b"", skipping)
    elif carry:
        yield Block(LINES, line, carry, len(carry))


def iter_ranges(path: str | Path, range_bytes: int) -> Iterator[tuple[int, int | None]]:
    """Cut a plain file into byte ranges of whole lines, about ``range_bytes`` each.

    Each range ``(start, end)`` starts at a line's first byte and ends after a newline; the
    last one has ``end`` None (read to the end of the file, as it is when read). Only the
    bytes around each cut are read here: workers read their own ranges.

    Raises
    ------
    OSError
        The file cannot be opened.
    """
    with Path(path).open("rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        start = 0
        while True:
            end = None
            if start + range_bytes < size:
                end = _line_start_at_or_after(handle, start + range_bytes)
            if end is None or end >= size:
                yield start, None
                return
            yield start, end
            start = end


def _line_start_at_or_after(handle: IO[bytes], position: int) -> int | None:
    """Offset of the first line starting at or after ``position`` (None: no further line)."""
    handle.seek(position - 1)  # a newline just before the position starts a line there
    offset = position - 1
    while True:
        window = handle.read(_SCAN_BYTES)
        if not window:
            return None
        found = window.find(b"\n")
        if found >= 0:
            return offset + found + 1
        offset += len(window)


def iter_range_blocks(path: str | Path, start: int, end: int | None, max_line_bytes: int,
                      chunk_bytes: int) -> Iterator[Block]:
    """The blocks of one range of a plain file; lines are numbered from 1 within the range."""
    with Path(path).open("rb") as handle:
        handle.seek(start)
        if end is None:
            yield from _blocks(handle.read, max_line_bytes, chunk_bytes)
            return
        left = end - start

        def read(size: int) -> bytes:
            nonlocal left
            data = handle.read(min(size, left))
            left -= len(data)
            return data

        yield from _blocks(read, max_line_bytes, chunk_bytes)
