"""Reading a file's bytes within its limits: the size and time limits, and the refusals of what is no spreadsheet.

The shared ground of gtm.ingest.decode's readers (gtm.ingest.encodings, gtm.ingest.delimited, gtm.ingest.xlsx).
"""

from __future__ import annotations

import stat
from pathlib import Path
from time import monotonic
from typing import IO

from gtm.domain.errors import InputError, Problem
from gtm.ingest.limits import Limit, Limits

_MB = 1024 * 1024
_SNIFF_CHARS = 64 * 1024
_CHUNK_ROWS = 50_000  # records parsed at a time: the limits are checked between chunks
_PIECE = 4 * _MB  # bytes read from a pipe, decoded, or decompressed from a workbook's part at a time
_ACCEPTED_FILES = "Upload a CSV file (comma, semicolon or tab separated) or an Excel workbook (.xlsx)."
_clock = monotonic  # a module attribute, so that tests can drive the clock of the time limit


def over_limit(label: str, limit: Limit, profile: str, found: str, problem: Problem | None = None) -> InputError:
    """The refusal of a file beyond one of its limits: what was found, the limit, and the setting that raises it."""
    if "size" in limit.what:
        allowed, hint = _size(limit.value), "Export fewer columns or rows, or raise the limit"
    else:
        allowed = f"{limit.value:,} {limit.what}"
        hint = ("Shorten the cell, or raise the limit" if "one cell" in limit.what
                else "Clear the workbook's unused cell styles, or raise the limit" if "styles" in limit.what
                else "Export fewer columns or rows, or raise the limit")
    where = "for uploads" if profile == "upload" else "on the command line"
    return InputError(f"{label} is too large: {found}; the limit {where} is {allowed}. {hint} with {limit.setting}.",
                      [problem or Problem(None, None, None, f"{found}; the limit is {allowed} ({limit.setting})")])


class _Deadline:
    """The time limit of one read: ``check`` refuses the file once reading it has taken longer than the limit."""

    def __init__(self, label: str, limits: Limits) -> None:
        self.label, self.limits = label, limits
        self.ends = _clock() + limits.max_seconds.value

    def check(self, where: str) -> None:
        """Refuse the file if its time is up; ``where`` says how far the read got ("at row 120,000")."""
        if _clock() > self.ends:
            limit = self.limits.max_seconds
            raise over_limit(self.label, limit, self.limits.profile,
                             f"reading it takes more than {limit.value:,} seconds (stopped {where})")


def _label(source: str | Path | bytes, name: str | None) -> str:
    if not name and isinstance(source, bytes):
        return "The file"
    shown = Path(name or str(source))
    # A device or a pipe (<(unzip -p export.zip) is /dev/fd/63) is named in full: "63" alone says nothing.
    return f"'{shown}'" if str(shown.parent) in _SYSTEM_FOLDERS else f"'{shown.name}'"


_SYSTEM_FOLDERS = ("/dev", "/dev/fd", "/proc/self/fd")


def _size(n: int) -> str:
    return f"{n / _MB:.1f} MB" if n >= _MB / 10 else f"{n:,} bytes"


def _read_bytes(source: str | Path | bytes, label: str, limits: Limits, deadline: _Deadline) -> bytes:
    """The file's bytes, never more than the size limit: a regular file or a pipe; a device is refused."""
    if isinstance(source, bytes):
        if len(source) > limits.max_bytes.value:
            raise over_limit(label, limits.max_bytes, limits.profile, _size(len(source)))
        return source
    path = Path(source)
    try:
        info = path.stat()
    except OSError:
        raise InputError(f"{label}: file not found ({path}).") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{label} is a folder, not a file.")
    if not (stat.S_ISREG(info.st_mode) or stat.S_ISFIFO(info.st_mode)):
        # A device (/dev/zero, a terminal) has no size and may never end: refused before a byte is read.
        raise InputError(f"{label} is a device, not a file. Save the export as a file and import that file.",
                         [Problem(None, None, None, "a device, not a file")])
    if info.st_size > limits.max_bytes.value:
        # Checked before reading so a huge file never sits in memory.
        raise over_limit(label, limits.max_bytes, limits.profile, _size(info.st_size))
    try:
        with path.open("rb") as file:
            return _read_bounded(file, info.st_size, label, limits, deadline)
    except OSError as exc:
        raise InputError(f"{label} could not be read: {exc.strerror or exc}.") from None


def _read_bounded(file: IO[bytes], size: int, label: str, limits: Limits, deadline: _Deadline) -> bytes:
    """At most the size limit's bytes of ``file``; refused as soon as one more byte comes.

    A pipe (``<(unzip -p export.zip)``) reports no size: it is read a few megabytes at a time. A regular file is
    read in one piece of its own size, unless it grows while it is read.
    """
    limit = limits.max_bytes.value
    pieces: list[bytes] = []
    total = 0
    want = min(size, limit) + 1 if size else _PIECE
    while piece := file.read(min(want, limit + 1 - total)):
        pieces.append(piece)
        total += len(piece)
        if total > limit:
            raise over_limit(label, limits.max_bytes, limits.profile, f"more than {_size(limit)}")
        deadline.check(f"after {_size(total)} of it")
        want = _PIECE
    return b"".join(pieces)  # the one piece itself, not a copy, when the file came in one piece


_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "an image (PNG)"),
    (b"\xff\xd8\xff", "an image (JPEG)"),
    (b"GIF8", "an image (GIF)"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a compressed (gzip) file"),
    (b"7z\xbc\xaf", "a compressed (7-Zip) archive"),
    (b"Rar!", "a compressed (RAR) archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
     "an old-style Excel 97-2003 (.xls) file or a password-protected workbook; save it as .xlsx or CSV"),
)


def _not_a_spreadsheet(label: str, what: str) -> InputError:
    return InputError(f"{label} is {what}, not a spreadsheet. {_ACCEPTED_FILES}",
                      [Problem(None, None, None, f"the file is {what}")])


def _refuse_binary(data: bytes, label: str) -> None:
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise _not_a_spreadsheet(label, what)



def _truncated(label: str, detail: str) -> InputError:
    return InputError(f"{label} looks truncated or damaged: {detail}. Export or download it again.",
                      [Problem(None, None, None, f"truncated file: {detail}")])



def column_letter(position: int) -> str:
    """Spreadsheet letter of a 0-based column position: 0 -> A, 26 -> AA."""
    out = ""
    n = position + 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out

