"""Reading a submission folder without trusting it.

Only regular files directly inside the folder are read: symbolic links and names that leave
the folder are refused before anything is opened, and files are opened with ``O_NOFOLLOW``
so a link swapped in afterwards is refused too. The records file is hashed in one streaming
pass; a ``.jsonl.gz`` file is expanded in the same pass into a private temporary file, and the
expansion stops at a configured limit (a zip bomb costs the hub that many bytes, no more).
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from nearmiss_lab.issues import Issue, Severity
from nearmiss_lab.submission import MANIFEST_MAX_BYTES, MANIFEST_NAME
from nearmiss_lab.validate.reader import DEFAULT_MAX_LINE_BYTES

_CHUNK = 1 << 20


@dataclass(frozen=True)
class IngestLimits:
    """Resource limits of one ingest (all in bytes).

    Attributes
    ----------
    max_line_bytes : int
        Longest records line parsed; longer lines are skipped in bounded chunks and rejected.
    max_expanded_bytes : int
        Largest expansion of a ``.jsonl.gz`` records file.
    """

    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES
    max_expanded_bytes: int = 2 << 30


class SubmissionFault(Exception):
    """A problem that rejects the whole submission; carries its fatal issue(s)."""

    def __init__(self, code: str, message: str, *, pointer: str = "", file: str | None = None,
                 hint: str | None = None) -> None:
        super().__init__(code)
        self.issues = [Issue(code, Severity.FATAL, pointer, message, file=file, hint=hint)]

    @classmethod
    def from_issues(cls, issues: list[Issue]) -> SubmissionFault:
        """Wrap issues found by another stage (at least one of them fatal)."""
        fault = cls.__new__(cls)
        Exception.__init__(fault, issues[0].code if issues else "fault")
        fault.issues = list(issues)
        return fault


def check_manifest_path(folder: Path) -> None:
    """Refuse a ``manifest.json`` that is a symbolic link (the reader would follow it).

    The check is the validator's (:func:`nearmiss_lab.validate.folder.manifest_file_issues`,
    R-029), so ``nearmiss validate`` refuses exactly what the hub refuses. A missing manifest
    is left to :func:`nearmiss_lab.submission.read_manifest`, which reports it with its own
    code.
    """
    from nearmiss_lab.validate.folder import manifest_file_issues

    issues = manifest_file_issues(folder)
    if issues:
        raise SubmissionFault.from_issues([i.located(file=MANIFEST_NAME) for i in issues])


def open_member(path: Path) -> int:
    """Open a checked member read-only without following a link (a swapped-in link fails)."""
    try:
        return os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise SubmissionFault("ingest-symlink", "the file is a symbolic link; only regular "
                                  "files are read", file=path.name) from None
        raise SubmissionFault("ingest-records-unreadable", "the file could not be opened",
                              file=path.name) from None


def declared_versions(folder: Path) -> dict[str, str]:
    """Return the manifest's ``schema_version`` / ``incident_schema_version`` strings.

    Used only to tell an unknown *major* version apart from an ordinary schema error after
    the manifest failed validation; unreadable input gives an empty dict.
    """
    try:
        fd = open_member(folder / MANIFEST_NAME)
        with os.fdopen(fd, "rb") as handle:
            doc = json.loads(handle.read(MANIFEST_MAX_BYTES).decode("utf-8"))
    except (SubmissionFault, OSError, ValueError):
        return {}
    if not isinstance(doc, dict):
        return {}
    return {k: doc[k] for k in ("schema_version", "incident_schema_version")
            if isinstance(doc.get(k), str)}


@dataclass
class RecordsFile:
    """The records file after the streaming pass.

    Attributes
    ----------
    name : str
        File name inside the submission folder.
    sha256 : str
        Hex sha256 of the file as stored (compressed bytes for ``.gz``).
    size : int
        Bytes as stored.
    plain_path : Path
        A path holding the uncompressed JSON Lines (the file itself, or a private temporary
        copy for ``.gz`` that :meth:`cleanup` removes).
    expanded_bytes : int
        Uncompressed size.
    ends_with_newline : bool
        Whether the uncompressed content ends in ``\\n`` (or is empty).
    """

    name: str
    sha256: str
    size: int
    plain_path: Path
    expanded_bytes: int
    ends_with_newline: bool
    temporary: Path | None = None

    def cleanup(self) -> None:
        if self.temporary is not None:
            self.temporary.unlink(missing_ok=True)
            self.temporary = None


def digest_records(path: Path, limits: IngestLimits,
                   tmp_dir: str | None = None) -> RecordsFile:
    """Hash (and for ``.jsonl.gz`` expand) the records file in one streaming pass.

    ``path`` must already have passed
    :func:`nearmiss_lab.validate.records_file_issues` (regular file inside the folder).

    Raises
    ------
    SubmissionFault
        A link swapped in after the checks, an unreadable file, a corrupt gzip stream, an
        expansion past ``max_expanded_bytes``.
    """
    name = path.name
    fd = open_member(path)
    gz = name.endswith(".gz")
    digest = hashlib.sha256()
    size = expanded = 0
    last = b"\n"
    out = None
    out_path: Path | None = None
    try:
        if gz:
            out_fd, tmp = tempfile.mkstemp(prefix="nearmiss-ingest-", suffix=".jsonl",
                                           dir=tmp_dir)
            out_path = Path(tmp)
            out = os.fdopen(out_fd, "wb")
            inflater = zlib.decompressobj(wbits=31)  # 31: gzip header and trailer
        with os.fdopen(fd, "rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
                if not gz:
                    expanded += len(chunk)
                    last = chunk[-1:]
                    continue
                data = chunk
                while data:
                    # Bounded output per call: a tiny input can expand enormously.
                    piece = inflater.decompress(data, _CHUNK)
                    data = inflater.unconsumed_tail
                    if inflater.eof and inflater.unused_data:
                        # A second gzip member: decode it too (gzip allows concatenation).
                        rest = inflater.unused_data
                        inflater = zlib.decompressobj(wbits=31)
                        data = rest + data
                    expanded += len(piece)
                    if expanded > limits.max_expanded_bytes:
                        raise SubmissionFault(
                            "ingest-expanded-too-large",
                            f"the compressed file expands past {limits.max_expanded_bytes} "
                            "bytes; it was not read further", file=name)
                    if piece:
                        last = piece[-1:]
                        assert out is not None
                        out.write(piece)
        if gz:
            tail = inflater.flush()
            expanded += len(tail)
            if tail:
                last = tail[-1:]
                assert out is not None
                out.write(tail)
            if not inflater.eof:
                raise SubmissionFault("ingest-compressed-corrupt", "the gzip stream ends early "
                                      "(file truncated or not gzip)", file=name)
    except zlib.error:
        if out_path is not None:
            out_path.unlink(missing_ok=True)
        raise SubmissionFault("ingest-compressed-corrupt", "the file is not a valid gzip "
                              "stream", file=name) from None
    except SubmissionFault:
        if out_path is not None:
            out_path.unlink(missing_ok=True)
        raise
    except OSError:
        if out_path is not None:
            out_path.unlink(missing_ok=True)
        raise SubmissionFault("ingest-records-unreadable", "the file could not be read",
                              file=name) from None
    finally:
        if out is not None:
            out.close()
    return RecordsFile(name=name, sha256=digest.hexdigest(), size=size,
                       plain_path=out_path if out_path is not None else path,
                       expanded_bytes=expanded,
                       ends_with_newline=(last == b"\n"), temporary=out_path)
