"""The fast path of :func:`nearmiss_lab.validate.validate_records_file` for JSON Lines files.

The file is read in blocks of whole lines (:mod:`nearmiss_lab.validate.blocks`); each block
is checked on its own by :func:`check_block` (in this process or in worker processes) and
the results are put together in file order by :class:`_Assembler`, which also checks what
spans blocks (duplicate record ids, R-027; the schema version count, R-028; an empty file).

A valid record costs one strict parse, one compiled ``is_valid`` and the rule checks: no
issue, pointer or per-record object is built unless something fails, and a failing record
goes through exactly the functions :func:`~nearmiss_lab.validate.iter_checked_records`
uses, so both report the same issues in the same order.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import jiter

from nearmiss_lab.issues import Issue, Report
from nearmiss_lab.validate import blocks
from nearmiss_lab.validate.blocks import (
    LINES,
    Block,
    iter_blocks,
    iter_range_blocks,
    iter_ranges,
    split_lines,
)
from nearmiss_lab.validate.reader import (
    LineParser,
    ParsedLine,
    blocked_entry,
    empty_file_issue,
    is_content,
)
from nearmiss_lab.validate.records import (
    _AGENCY,
    _NOT_AN_ENTRY,
    _RECORD_ID,
    _VERSION,
    _checked_incident,
    safe_record_id,
    validate_document,
)
from nearmiss_lab.validate.rules import CASE_NUMBER_ID, RuleContext, rule_issue
from nearmiss_lab.validate.schema import compiled_schema

#: Blocks handed out to workers ahead of the one being assembled, per worker.
_AHEAD_PER_WORKER = 2


@dataclass(frozen=True)
class FileJob:
    """What every block of one file is checked against (sent to worker processes)."""

    file: str
    kind: str
    max_line_bytes: int
    rules: RuleContext | None
    agency: str | None = None
    schema_version: str | None = None


@dataclass(slots=True)
class BlockResult:
    """What a block holds, as plain data: only failing entries carry issues.

    ``rids`` and ``lines`` have one element per entry (a non-blank line); ``items`` lists
    ``(entry offset or None for a non-entry, line, issues, agency mismatch)`` in line order,
    for entries with an issue and for blank lines. Entry issues are not located yet (their
    index in the file is known only when blocks are put together).
    """

    rids: list[str | None] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    items: list[tuple[int | None, int, list[Issue], bool]] = field(default_factory=list)
    other_version: int = 0
    first_other: int = -1
    content: bool = False
    last_line: int = 0
    nbytes: int = 0


def check_range(path: str, start: int, end: int | None, chunk_bytes: int,
                job: FileJob) -> list[BlockResult]:
    """Read and check one byte range of a plain file (in a worker process).

    Lines are numbered from 1 within the range; the assembler shifts them.
    """
    bom_line = 1 if start == 0 else 0  # only the file's first line can carry a BOM
    return [check_block(block, job, bom_line)
            for block in iter_range_blocks(path, start, end, job.max_line_bytes, chunk_bytes)]


def check_block(block: Block, job: FileJob, bom_line: int = 1) -> BlockResult:
    """Check every line of one block (a pure function of its arguments, for workers).

    ``bom_line`` is the number of the file's first line in the block's numbering (0 when the
    numbering starts elsewhere), the one line that may start with a byte order mark.
    """
    result = BlockResult(nbytes=block.nbytes, last_line=block.first_line)
    if block.kind != LINES:
        _add_entry(blocked_entry(block, job.file, job.max_line_bytes), job, result)
        return result
    lines = split_lines(block.data)
    first = block.first_line
    last = len(lines) - 1
    result.last_line = first + last
    ends_with_newline = block.data.endswith(b"\n")
    parser = LineParser(job.file, job.max_line_bytes, bom_line)
    if job.kind != "incident" or job.rules is None:
        for offset, raw in enumerate(lines):
            parsed = parser.parse(raw, first + offset, offset < last or ends_with_newline)
            _add_entry(parsed, job, result)
        return result
    # Incidents: the hot loop. Everything it looks up is bound to a local name once.
    from_json = jiter.from_json
    is_valid = compiled_schema("incident").validator.is_valid
    rules = job.rules
    check_rules = rules.check
    max_line_bytes = job.max_line_bytes
    rid_match, case_match = _RECORD_ID.match, CASE_NUMBER_ID.match
    agency, agency_match = job.agency, _AGENCY.match
    version, version_match = job.schema_version, _VERSION.match
    rids, entry_lines, items = result.rids, result.lines, result.items
    line = first - 1
    for raw in lines:
        line += 1
        if line != bom_line and len(raw) <= max_line_bytes:  # that line may start with a BOM
            try:
                value = from_json(raw, allow_inf_nan=False, catch_duplicate_keys=True)
            except ValueError:
                value = None
            if type(value) is dict:
                rid = value.get("record_id")
                if (type(rid) is not str or rid_match(rid) is None
                        or (not rid.isalnum() and case_match(rid))):
                    rid = None  # as safe_record_id: never shown, never a duplicate key
                issues = check_rules(value) if is_valid(value) else _checked_incident(
                    value, rules)
                mismatch = False
                if agency is not None:
                    declared = value.get("agency")
                    mismatch = (type(declared) is str and declared != agency
                                and agency_match(declared) is not None)
                if version is not None:
                    declared = value.get("schema_version")
                    if (type(declared) is str and declared != version
                            and version_match(declared) is not None):
                        result.other_version += 1
                        if result.first_other < 0:
                            result.first_other = len(rids)
                if issues or mismatch:
                    items.append((len(rids), line, issues, mismatch))
                rids.append(rid)
                entry_lines.append(line)
                result.content = True
                continue
        # Anything else (first line, too long, unparsable, not an object): the general path.
        offset = line - first
        _add_entry(parser.parse(raw, line, offset < last or ends_with_newline), job, result)
    return result


def _add_entry(parsed: ParsedLine, job: FileJob, result: BlockResult) -> None:
    """Record one entry the way :func:`~nearmiss_lab.validate.iter_checked_records` does."""
    result.content = result.content or is_content(parsed)
    if not parsed.entry or (parsed.record is None
                            and all(i.code in _NOT_AN_ENTRY for i in parsed.issues)):
        result.items.append((None, parsed.line, parsed.issues, False))
        return
    record = parsed.record
    incident = job.kind == "incident"
    rid = safe_record_id(record) if incident else None
    issues = list(parsed.issues)
    mismatch = False
    if record is not None:
        if incident and job.rules is not None:
            issues.extend(_checked_incident(record, job.rules))
            declared = record.get("agency")
            mismatch = (job.agency is not None and isinstance(declared, str)
                        and _AGENCY.match(declared) is not None and declared != job.agency)
        else:
            issues.extend(validate_document(record, job.kind))
        declared = record.get("schema_version")
        if (job.schema_version is not None and isinstance(declared, str)
                and _VERSION.match(declared) and declared != job.schema_version):
            result.other_version += 1
            if result.first_other < 0:
                result.first_other = len(result.rids)
    if issues or mismatch:
        result.items.append((len(result.rids), parsed.line, issues, mismatch))
    result.rids.append(rid)
    result.lines.append(parsed.line)


def _located(issue: Issue, file: str, line: int, index: int, rid: str | None) -> Issue:
    # Issue.located without its dict round trip (same result: only None leaves a field).
    return Issue(issue.code, issue.severity, issue.pointer, issue.message, file, line, index,
                 rid if rid is not None else issue.record_id, issue.rule, issue.hint)


class _Assembler:
    """Put block results together in file order into one report."""

    def __init__(self, file: str, incident: bool) -> None:
        self.file = file
        self.incident = incident
        self.report = Report()
        self.seen: dict[str, int] = {}
        self.index = 0
        self.content = False
        self.last_line = 0
        self.other_version = 0
        self.first_other: tuple[int, int, str | None] | None = None

    def add(self, result: BlockResult, shift: int = 0) -> None:
        """Add the next block's result; ``shift`` is added to its line numbers."""
        base = self.index
        file = self.file
        duplicates: dict[int, int] = {}
        if self.incident:
            seen = self.seen
            for offset, rid in enumerate(result.rids):
                if rid is not None:
                    if rid in seen:
                        duplicates[offset] = seen[rid]
                    else:
                        seen[rid] = result.lines[offset] + shift
        items = result.items
        if duplicates:
            by_offset = {item[0]: item for item in items if item[0] is not None}
            for offset in duplicates:
                by_offset.setdefault(offset, (offset, result.lines[offset], [], False))
            items = [item for item in items if item[0] is None] + list(by_offset.values())
            items.sort(key=lambda item: item[1])  # lines are unique and in file order
        out = self.report.issues
        for entry, line, issues, mismatch in items:
            line += shift
            if entry is None:  # blank lines: located by the reader, not entries
                out.extend(dataclasses.replace(i, line=line) if shift else i for i in issues)
                continue
            index, rid = base + entry, result.rids[entry]
            out.extend(_located(i, file, line, index, rid) for i in issues)
            if entry in duplicates:
                out.append(_located(rule_issue(
                    "submission-duplicate-record-id", "/record_id",
                    f"record_id is already used by the record on line {duplicates[entry]}"),
                    file, line, index, rid))
            if mismatch:
                out.append(_located(rule_issue("submission-agency-mismatch", "/agency",
                                               "agency differs from the manifest's agency"),
                                    file, line, index, rid))
        if result.first_other >= 0 and self.first_other is None:
            offset = result.first_other
            self.first_other = (result.lines[offset] + shift, base + offset,
                                result.rids[offset])
        self.other_version += result.other_version
        self.index += len(result.rids)
        self.content = self.content or result.content
        self.last_line = result.last_line + shift

    def finish(self, allow_empty: bool) -> Report:
        report = self.report
        if not self.content and not allow_empty:
            report.issues.append(empty_file_issue(self.file, max(self.last_line, 1)))
        report.records_checked = self.index
        if self.other_version and self.first_other is not None:
            line, index, rid = self.first_other
            report.issues.append(rule_issue(
                "submission-schema-version-mismatch", "/schema_version",
                f"{self.other_version} record(s) declare another incident schema version than "
                f"the manifest (the first on line {line})").located(
                    file=self.file, line=line, record=index, record_id=rid))
        return report


def validate_lines_file(path: str | Path, job: FileJob, *, workers: int = 1,
                        on_progress: Callable[[int], None] | None = None,
                        allow_empty: bool = False) -> Report:
    """Validate a JSON Lines file (optionally ``.gz``) block by block.

    With ``workers`` > 1 the file is checked in that many processes and the results are put
    together here in file order, so the report is the same as with one. A plain file is cut
    into byte ranges that each worker reads itself (this process reads only around the
    cuts); a gzip file is decompressed here and its blocks are sent. A file of a single block
    is always checked here (starting processes would cost more than it saves).

    Raises
    ------
    OSError
        The file cannot be opened.
    """
    assembler = _Assembler(job.file, job.kind == "incident")
    chunk_bytes = blocks.CHUNK_BYTES
    gz = Path(path).suffix.lower() == ".gz"
    if workers > 1 and not gz and Path(path).stat().st_size > chunk_bytes:
        _check_ranges(path, job, workers, chunk_bytes, assembler, on_progress)
        return assembler.finish(allow_empty)
    block_iter: Iterator[Block] = iter_blocks(path, job.max_line_bytes)
    head = list(itertools.islice(block_iter, 2))
    block_iter = itertools.chain(head, block_iter)
    if workers <= 1 or len(head) < 2:
        for block in block_iter:
            _take(assembler, check_block(block, job), 0, on_progress)
        return assembler.finish(allow_empty)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending: deque[Future[BlockResult]] = deque()
        for block in block_iter:
            pending.append(pool.submit(check_block, block, job))
            if len(pending) >= workers * _AHEAD_PER_WORKER:
                _take(assembler, pending.popleft().result(), 0, on_progress)
        while pending:
            _take(assembler, pending.popleft().result(), 0, on_progress)
    return assembler.finish(allow_empty)


def _check_ranges(path: str | Path, job: FileJob, workers: int, chunk_bytes: int,
                  assembler: _Assembler, on_progress: Callable[[int], None] | None) -> None:
    def take(results: list[BlockResult]) -> None:
        shift = assembler.last_line  # a range starts on the line after the previous one
        for result in results:
            _take(assembler, result, shift, on_progress)

    ranges = iter_ranges(path, chunk_bytes * blocks.RANGE_CHUNKS)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending: deque[Future[list[BlockResult]]] = deque()
        for start, end in ranges:
            pending.append(pool.submit(check_range, str(path), start, end, chunk_bytes, job))
            if len(pending) >= workers * _AHEAD_PER_WORKER:
                take(pending.popleft().result())
        while pending:
            take(pending.popleft().result())


def _take(assembler: _Assembler, result: BlockResult, shift: int,
          on_progress: Callable[[int], None] | None) -> None:
    assembler.add(result, shift)
    if on_progress is not None:
        on_progress(result.nbytes)
