"""Read CRM exports (CSV and XLSX, as people really export them) into a table of strings.

Pure functions: bytes or a path in, a ``Table`` or parsed arrays out. Every failure a user can cause is an
``InputError`` whose message names the row, the column, the value and what would be accepted.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import stat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from time import monotonic
from types import EllipsisType
from typing import IO, Any

import numpy as np
import pandas as pd

from gtm.domain.errors import InputError, Problem
from gtm.domain.fmt import count
from gtm.ingest.limits import Limit, Limits

_MB = 1024 * 1024


def max_upload_bytes() -> int:
    """The upload size limit in bytes: GTM_UPLOAD_MAX_MB (default 50) megabytes."""
    return Limits.upload().max_bytes.value


DEFAULT_MAX_BYTES: int = max_upload_bytes()
DELIMITERS = (",", ";", "\t")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
_SNIFF_CHARS = 64 * 1024
_CHUNK_ROWS = 50_000  # records parsed at a time: the limits are checked between chunks
_PIECE = 4 * _MB  # bytes read from a pipe, decoded, or decompressed from a workbook's part at a time
_ACCEPTED_FILES = "Upload a CSV file (comma, semicolon or tab separated) or an Excel workbook (.xlsx)."
_clock = monotonic  # a module attribute, so that tests can drive the clock of the time limit


@dataclass
class Table:
    """A spreadsheet read as text: one str per cell, blanks as "", index = spreadsheet row number (data from 2)."""

    frame: pd.DataFrame
    encoding: str | None
    delimiter: str | None
    format: str
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------------------------
# Reading files


def read_table(source: str | Path | bytes, *, name: str | None = None,
               max_bytes: int | None | EllipsisType = ..., limits: Limits | None = None) -> Table:
    """Read a CSV or XLSX file (path or bytes) into a Table; raises InputError for anything unreadable.

    ``limits`` default to the upload profile (``Limits.upload()``); a file beyond one is refused as soon as the
    limit is crossed, and a read longer than its time limit is stopped between blocks of rows, with a message
    naming the limit and the setting that raises it. ``max_bytes`` overrides the size limit only; None lifts it.
    A path may be a regular file or a pipe (read up to the size limit); a device such as /dev/zero is refused.
    Cells are stripped of surrounding whitespace and of control characters (with a note); rows that are entirely
    blank are dropped but never renumber the others, so the index always matches the spreadsheet.
    """
    limits = limits or Limits.upload()
    if max_bytes is not ...:
        limits = limits.with_max_bytes(max_bytes)
    label = _label(source, name)
    deadline = _Deadline(label, limits)
    data = _read_bytes(source, label, limits, deadline)
    if not data.strip(b" \t\r\n\x00\x1a") or data in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        raise InputError(f"{label} is empty. {_ACCEPTED_FILES}", [Problem(None, None, None, "the file is empty")])
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        rows, notes = _xlsx_rows(data, label, limits, deadline)
        frame = _finish(rows, label, notes, deadline)
        return Table(frame, None, None, "xlsx", notes)
    _refuse_binary(data, label)
    payload, encoding, notes = _decode(data, label, deadline)
    del data  # the UTF-8 payload is the file from here on (the same object when the file was UTF-8)
    pandas_encoding = "utf-8-sig" if payload.startswith(codecs.BOM_UTF8) else "utf-8"
    head = payload[:_SNIFF_CHARS * 4].decode("utf-8", "ignore")[:_SNIFF_CHARS].lstrip("\ufeff")
    if _BLANK_TEXT.fullmatch(head) and not _NOT_BLANK.search(payload, 3 if pandas_encoding == "utf-8-sig" else 0):
        raise InputError(f"{label} is empty. {_ACCEPTED_FILES}", [Problem(None, None, None, "the file is empty")])
    if len(_CONTROL.findall(head)) > max(3, len(head) // 200):
        raise _not_a_spreadsheet(label, "a binary file")
    head, delimiter, skip = _detect_delimiter(head)
    if skip:  # Excel's "sep=;" first line
        payload = payload[payload.index(b"\n") + 1:] if b"\n" in payload[:_SNIFF_CHARS * 4] else b""
        pandas_encoding = "utf-8"
        if not payload.strip():
            raise InputError(f"{label} is empty. {_ACCEPTED_FILES}", [Problem(None, None, None, "the file is empty")])
    _check_header_width(head, delimiter, label, limits)
    rows_frame = _parse_csv(payload, pandas_encoding, delimiter, label, limits, deadline)
    frame = _finish(rows_frame, label, notes, deadline)
    return Table(frame, encoding, delimiter, "csv", notes)


_BLANK_TEXT = re.compile(r"[ \t\r\n\ufeff\x1a,;]*")
_NOT_BLANK = re.compile(rb"[^ \t\r\n\x1a,;]")


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


# --- encodings --------------------------------------------------------------------------------------------------


def _utf16_without_bom(sample: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' when every other byte is NUL, as in BOM-less UTF-16 text."""
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    even_nul, odd_nul = even.count(0) / len(even), odd.count(0) / len(odd)
    if odd_nul > 0.4 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.4 and odd_nul < 0.05:
        return "utf-16-be"
    return None


def _truncated(label: str, detail: str) -> InputError:
    return InputError(f"{label} looks truncated or damaged: {detail}. Export or download it again.",
                      [Problem(None, None, None, f"truncated file: {detail}")])


def _decode(data: bytes, label: str, deadline: _Deadline) -> tuple[bytes, str, list[str]]:
    """The file as UTF-8 bytes (``data`` itself when it is UTF-8), the encoding found and notes.

    Order: BOM, strict UTF-8, UTF-16 heuristics, cp1252, charset-normalizer. Text is checked and converted a
    few megabytes at a time, so a large file never sits in memory as a Python string.
    """
    notes: list[str] = []
    if data.startswith(codecs.BOM_UTF8):
        try:
            _check_utf8(data, 3, deadline)
        except UnicodeDecodeError as exc:
            if exc.end >= len(data) - 3:
                raise _truncated(label, "it ends in the middle of a character") from None
            raise InputError(f"{label} starts as UTF-8 text but is not (byte {exc.start}). Save it as CSV UTF-8.",
                             [Problem(None, None, None, "invalid utf-8 text")]) from None
        return data, "utf-8-sig", notes
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        order = "little" if data.startswith(codecs.BOM_UTF16_LE) else "big"
        notes.append(f"Decoded as UTF-16 ({order}-endian), as Excel writes 'Unicode text' files.")
        return _to_utf8(data, "utf-16", label, deadline), "utf-16", notes
    try:
        _check_utf8(data, 0, deadline)
        return data, "utf-8", notes
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.end >= len(data) - 3:
            # The file ends in the middle of a multi-byte character: it was cut off, not cp1252.
            raise _truncated(label, "it ends in the middle of a character") from None
    utf16 = _utf16_without_bom(data[:4096])
    if utf16:
        notes.append("Decoded as UTF-16 without a byte-order mark.")
        return _to_utf8(data, utf16, label, deadline), "utf-16", notes
    if b"\x00" in data[:_SNIFF_CHARS]:
        raise _not_a_spreadsheet(label, "a binary file")
    try:
        payload = _to_utf8(data, "cp1252", label, deadline, strict_errors=True)
        notes.append("Decoded as cp1252 (Windows Western European); the file is not valid UTF-8.")
        return payload, "cp1252", notes
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # imported lazily: rarely needed, slow to import

    best = from_bytes(data[: 1024 * 1024]).best()
    if best is not None and best.encoding:
        try:
            payload = _to_utf8(data, best.encoding, label, deadline, strict_errors=True)
            notes.append(f"Decoded as {best.encoding} (guessed; the file is neither UTF-8 nor cp1252).")
            return payload, best.encoding, notes
        except (UnicodeDecodeError, LookupError):
            pass
    notes.append("Decoded as latin-1 (guessed); some characters may be wrong. Save the file as CSV UTF-8.")
    return _to_utf8(data, "latin-1", label, deadline), "latin-1", notes


def _check_utf8(data: bytes, start: int, deadline: _Deadline) -> None:
    """Raise UnicodeDecodeError (positions in ``data``) unless ``data[start:]`` is UTF-8; a few MB at a time."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    for at in range(start, max(len(data), start + 1), _PIECE):
        pending = len(decoder.getstate()[0])  # bytes of a character cut by the previous piece
        try:
            decoder.decode(view[at:at + _PIECE], final=at + _PIECE >= len(data))
        except UnicodeDecodeError as exc:
            raise UnicodeDecodeError("utf-8", data, at + exc.start - pending, at + exc.end - pending,
                                     exc.reason) from None
        deadline.check(f"checking its text at byte {min(at + _PIECE, len(data)):,}")


def _to_utf8(data: bytes, encoding: str, label: str, deadline: _Deadline, *, strict_errors: bool = False) -> bytes:
    """``data`` re-encoded from ``encoding`` to UTF-8, a few MB at a time.

    A decoding error is raised as is when ``strict_errors`` (the caller tries another encoding), else as InputError.
    """
    decoder = codecs.getincrementaldecoder(encoding)()
    out = io.BytesIO()
    view = memoryview(data)
    for at in range(0, max(len(data), 1), _PIECE):
        try:
            out.write(decoder.decode(view[at:at + _PIECE], final=at + _PIECE >= len(data)).encode("utf-8"))
        except UnicodeDecodeError as exc:
            if strict_errors:
                raise
            if at + exc.end >= len(data) - 3:
                raise _truncated(label, "it ends in the middle of a character") from None
            raise InputError(f"{label} is not valid {encoding} text (byte {at + exc.start}). Save it as CSV UTF-8.",
                             [Problem(None, None, None, f"invalid {encoding} text")]) from None
        except UnicodeEncodeError:  # lone surrogates in UTF-16: no text can hold them
            raise InputError(f"{label} is not valid {encoding} text (a lone surrogate near byte {at}). "
                             "Save it as CSV UTF-8.", [Problem(None, None, None, f"invalid {encoding} text")]) from None
        deadline.check(f"converting its text at byte {min(at + _PIECE, len(data)):,}")
    return out.getvalue()


# --- CSV ----------------------------------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x19\x1b-\x1f]")


def _detect_delimiter(head: str) -> tuple[str, str, bool]:
    """Pick comma, semicolon or tab from the first lines, counting only outside quotes (via csv.reader).

    Returns the head (without a "sep=" line), the delimiter and whether the file's first line is such a line.
    """
    if head.startswith("\ufeff"):  # a second BOM, e.g. UTF-16 text saved with a UTF-8 BOM inside
        head = head[1:]
    # Excel honours a first line "sep=;" and hides it; do the same.
    first_line = head.split("\n", 1)[0].strip()
    if first_line.lower().startswith("sep=") and len(first_line) == 5 and first_line[4] in ",;\t|":
        return (head.split("\n", 1)[1] if "\n" in head else ""), first_line[4], True
    if len(head) >= _SNIFF_CHARS and "\n" in head:
        head = head[: head.rfind("\n")]  # only complete lines
    best, best_score = ",", (False, 0, 0.0)
    for delim in DELIMITERS:
        try:
            lines = io.StringIO(head, newline="")  # newline="": old Mac files end lines with a bare CR
            records = [r for _, r in zip(range(50), csv.reader(lines, delimiter=delim)) if any(r)]
        except csv.Error:
            continue
        if not records:
            continue
        width = len(records[0])
        rest = records[1:]
        consistent = sum(len(r) == width for r in rest) / len(rest) if rest else 1.0
        score = (width > 1 and consistent >= 0.8, width if width > 1 else 0, consistent)
        if score > best_score:
            best, best_score = delim, score
    return head, best, False


def _check_header_width(head: str, delimiter: str, label: str, limits: Limits) -> None:
    """Refuse a header wider than the column limit before any parser allocates its columns."""
    first = head.split("\n", 1)[0]
    if first.count(delimiter) < limits.max_columns.value:
        return
    try:
        width = len(next(csv.reader(io.StringIO(first, newline=""), delimiter=delimiter), []))
    except csv.Error:
        width = first.count(delimiter) + 1
    if width > limits.max_columns.value:
        raise over_limit(label, limits.max_columns, limits.profile, f"its header row has {width:,} columns",
                         Problem(1, None, None, f"{width:,} columns; at most {limits.max_columns.value:,} are read "
                                                f"({limits.max_columns.setting})"))


def _parse_csv(payload: bytes, encoding: str, delimiter: str, label: str, limits: Limits,
               deadline: _Deadline) -> pd.DataFrame:
    """Records as a frame of str with positional columns, index = spreadsheet row (the header is row 1).

    Parsed a chunk of records at a time; the limits on rows, columns, cells and cell length are checked after
    each chunk, so a file beyond one is refused before it is read whole.
    """
    if payload.endswith(b"\x1a"):  # DOS end-of-file marker some old exporters still append
        payload = payload.rstrip(b"\x1a")
    separators = payload.count(delimiter.encode())
    if separators > limits.max_cells.value:
        # Every separator is a cell the parser would hold: 40 MB of commas on one line is 40 million of them.
        raise over_limit(label, limits.max_cells, limits.profile,
                         f"{separators:,} {_DELIMITER_NAMES.get(delimiter, repr(delimiter))}s, each starting a cell")
    parts: list[pd.DataFrame] = []
    rows = 0
    try:
        reader = pd.read_csv(
            io.BytesIO(payload), encoding=encoding, sep=delimiter, header=None, dtype=str, keep_default_na=False,
            na_filter=False, skip_blank_lines=False, index_col=False, engine="c", quotechar='"', doublequote=True,
            skipinitialspace=True, chunksize=_CHUNK_ROWS,
        )
        with reader:
            for chunk in reader:
                rows += len(chunk)
                _check_grid(chunk, rows, label, limits)
                parts.append(chunk)
                deadline.check(f"at row {rows:,}")
    except pd.errors.EmptyDataError:
        raise InputError(f"{label} is empty. {_ACCEPTED_FILES}",
                         [Problem(None, None, None, "the file is empty")]) from None
    except pd.errors.ParserError as exc:
        msg = str(exc)
        quote = re.search(r"EOF inside string starting at row (\d+)", msg)
        if quote:
            row = int(quote.group(1)) + 1
            raise InputError(
                f"{label} looks truncated or damaged: a quoted value that starts in row {row} never ends "
                "(an opening \" without its closing \"). Export the file again, or close the quote in that cell.",
                [Problem(row, None, None, "quoted value never ends (file truncated?)")],
            ) from None
        if "Expected" in msg and "fields" in msg:
            return _parse_ragged(payload, encoding, delimiter, label, limits, deadline)
        raise InputError(f"{label} could not be read as CSV ({msg.strip()}). {_ACCEPTED_FILES}") from None
    if not parts:
        raise InputError(f"{label} is empty. {_ACCEPTED_FILES}", [Problem(None, None, None, "the file is empty")])
    raw = pd.concat(parts) if len(parts) > 1 else parts[0]
    del parts
    raw.index = pd.RangeIndex(1, 1 + len(raw))
    _check_last_row(payload, delimiter, raw, label)
    return raw


def _check_grid(chunk: pd.DataFrame, rows: int, label: str, limits: Limits) -> None:
    """Refuse a file once its rows, columns, cells or one cell's length go beyond the limits."""
    width = chunk.shape[1]
    if width > limits.max_columns.value:
        raise over_limit(label, limits.max_columns, limits.profile, f"{width:,} columns")
    if rows > limits.max_rows.value:
        raise over_limit(label, limits.max_rows, limits.profile, f"more than {limits.max_rows.value:,} rows",
                         Problem(limits.max_rows.value + 1, None, None,
                                 f"beyond the limit of {limits.max_rows.value:,} rows ({limits.max_rows.setting})"))
    if rows * width > limits.max_cells.value:
        raise over_limit(label, limits.max_cells, limits.profile,
                         f"more than {limits.max_cells.value:,} cells ({rows:,} rows of {width:,} columns so far)")
    first_row = rows - len(chunk) + 1
    for pos in range(width):
        lengths = chunk.iloc[:, pos].str.len()
        if len(lengths) and lengths.max() > limits.max_cell_chars.value:
            at = int(np.argmax(lengths.to_numpy() > limits.max_cell_chars.value))
            row, n = first_row + at, int(lengths.iloc[at])
            raise over_limit(label, limits.max_cell_chars, limits.profile,
                             f"row {row}, column {column_letter(pos)} holds {n:,} characters",
                             Problem(row, column_letter(pos), None, f"holds {n:,} characters; at most "
                                     f"{limits.max_cell_chars.value:,} are read ({limits.max_cell_chars.setting})"))


def _parse_ragged(payload: bytes, encoding: str, delimiter: str, label: str, limits: Limits,
                  deadline: _Deadline) -> pd.DataFrame:
    """Rows wider than the header: fine when the extra cells are all blank (a trailing delimiter), else an error.

    Streamed record by record: only the header's width of each record is kept, and the limits still hold.
    """
    text = io.TextIOWrapper(io.BytesIO(payload), encoding=encoding, newline="")
    records = csv.reader(text, delimiter=delimiter, skipinitialspace=True)
    csv.field_size_limit(max(limits.max_cell_chars.value + 1, 131_072))
    kept: list[list[str]] = []
    parts: list[pd.DataFrame] = []
    bad: list[Problem] = []
    width = 0
    try:
        for number, record in enumerate(records, start=1):
            if number == 1:
                width = len(record)
            if len(record) > width and any(c.strip() for c in record[width:]):
                if len(bad) < 1000:
                    extra = delimiter.join(record[width:])
                    bad.append(Problem(number, None, extra[:200],
                                       f"has {len(record)} values but the header has {width} columns; a value probably "
                                       f"contains an unquoted {_DELIMITER_NAMES[delimiter]}, put it in double quotes"))
                continue
            kept.append(record[:width] + [""] * (width - len(record)))
            if len(kept) == _CHUNK_ROWS:
                parts.append(pd.DataFrame(kept, dtype=str))
                kept = []
                _check_grid(parts[-1], number, label, limits)
                deadline.check(f"at row {number:,}")
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise over_limit(label, limits.max_cell_chars, limits.profile,
                             f"a cell near row {records.line_num} is longer than the limit") from None
        raise InputError(f"{label} could not be read as CSV ({exc}). {_ACCEPTED_FILES}") from None
    if bad:
        raise InputError.from_problems(
            f"{label}: {count(len(bad), 'row')} {'has' if len(bad) == 1 else 'have'} more values than the header "
            "has columns.", bad)
    if kept or not parts:
        parts.append(pd.DataFrame(kept, dtype=str, columns=range(width)))
        _check_grid(parts[-1], sum(len(p) for p in parts), label, limits)
    raw = pd.concat(parts) if len(parts) > 1 else parts[0]
    raw.index = pd.RangeIndex(1, 1 + len(raw))
    return raw


def _check_last_row(payload: bytes, delimiter: str, raw: pd.DataFrame, label: str) -> None:
    """A last row with fewer values than the header, and no final line break, is a file cut off mid-row."""
    if len(raw) < 2 or payload.endswith((b"\n", b"\r")):
        return
    last_line = re.split(r"\r\n|\r|\n", payload[-65536:].decode("utf-8", "ignore"))[-1]
    if last_line.count('"') % 2:  # the end of a multi-line quoted value: not a whole record
        return
    try:
        values = next(csv.reader([last_line], delimiter=delimiter, skipinitialspace=True), [])
    except csv.Error:
        return
    if 0 < len(values) < raw.shape[1]:
        row = len(raw)  # header is row 1, so the last record's spreadsheet row equals the record count
        raise InputError(
            f"{label} looks truncated: its last row (row {row}) has {len(values)} of {raw.shape[1]} values and "
            "no line break at the end. Export or download the file again.",
            [Problem(row, None, last_line[:80], f"has {len(values)} of {raw.shape[1]} values (file cut off?)")],
        )


# --- XLSX ---------------------------------------------------------------------------------------------------------

_MAX_ZIP_MEMBERS = 10_000  # a workbook of a few sheets has a few dozen parts


def _xlsx_rows(data: bytes, label: str, limits: Limits, deadline: _Deadline) -> tuple[pd.DataFrame, list[str]]:
    """The first sheet's cells as text, index = spreadsheet row (1 = header); InputError for damaged ZIPs.

    Before openpyxl reads anything, the archive's uncompressed size is checked, the styles' elements and the
    shared-strings table (both held whole before any row) are measured and counted, and the first sheet's XML is
    scanned for its declared range, its last row and its cells, a piece at a time. Then the sheet is streamed
    with openpyxl's read-only mode: only stored cells are kept, and its rows, columns, cells and cell lengths are
    checked as they come, with the time limit between blocks of rows.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise _truncated(label, "the Excel (.xlsx) file cannot be opened as a ZIP archive") from None
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        what = ("an OpenDocument spreadsheet (.ods); save it as .xlsx or CSV" if "content.xml" in names
                else "a Word document" if "word/document.xml" in names
                else "a ZIP archive")
        raise _not_a_spreadsheet(label, what)
    if len(infos) > _MAX_ZIP_MEMBERS:
        raise _truncated(label, f"the workbook holds {len(infos):,} parts, far more than a spreadsheet has")
    unzipped = sum(i.file_size for i in infos)
    if unzipped > limits.max_unzipped_bytes.value:
        raise over_limit(label, limits.max_unzipped_bytes, limits.profile, f"it unpacks to {_size(unzipped)}")
    import openpyxl  # imported lazily: only XLSX uploads pay for it

    strings_part, sheet_part = _xlsx_parts(archive, names)
    try:
        if _STYLES_PART in names:
            _check_styles(archive, label, limits, deadline)
        if strings_part:
            _check_shared_strings(archive, strings_part, label, limits, deadline)
        if sheet_part:
            _prescan_sheet(archive, sheet_part, label, limits, deadline)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError, zlib.error) as exc:
        raise _truncated(label, f"the Excel workbook is damaged ({type(exc).__name__})") from None
    notes: list[str] = []
    try:
        # keep_links=False: external links hold cached copies of other workbooks, never read here.
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
        try:
            deadline.check("after opening the workbook")
            sheets = wb.worksheets
            if not sheets:
                raise InputError(f"{label} has no worksheet.")
            ws = sheets[0]
            if len(sheets) > 1:
                notes.append(f"Read the first sheet, '{ws.title}', of {len(sheets)}.")
            _check_declared((ws.min_column, ws.min_row, ws.max_column, ws.max_row), label, limits)
            ws.reset_dimensions()  # some generators write a wrong dimension; read every stored row
            frame = _xlsx_stream(ws.iter_rows(), label, limits, deadline)
        finally:
            wb.close()
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure inside the archive means the workbook is damaged
        raise _truncated(label, f"the Excel workbook is damaged ({type(exc).__name__})") from None
    return frame, notes


def _xlsx_parts(archive: zipfile.ZipFile, names: set[str]) -> tuple[str | None, str | None]:
    """The shared-strings part and the first worksheet's part, found as openpyxl finds them; None if not found.

    openpyxl loads the shared strings named in [Content_Types].xml, and reads the first sheet of the workbook's
    <sheets> whose relationship leads to a worksheet in the archive; the pre-scans must measure those very parts.
    """
    from openpyxl.packaging.manifest import Manifest
    from openpyxl.reader.excel import _find_workbook_part
    from openpyxl.reader.workbook import WorkbookParser
    from openpyxl.xml.constants import ARC_CONTENT_TYPES, SHARED_STRINGS
    from openpyxl.xml.functions import fromstring

    strings = sheet = None
    try:
        manifest = Manifest.from_tree(fromstring(archive.read(ARC_CONTENT_TYPES)))
        found = manifest.find(SHARED_STRINGS)
        strings = found.PartName[1:] if found is not None and found.PartName[1:] in names else None
        parser = WorkbookParser(archive, _find_workbook_part(manifest).PartName[1:], keep_links=False)
        parser.parse()
        sheet = next((rel.target for _, rel in parser.find_sheets()
                      if rel.target in names and "chartsheet" not in rel.Type), None)
    except Exception:  # noqa: BLE001 - damage openpyxl refuses in its turn; until then the parts found are scanned
        pass
    return strings, sheet


_LONGEST_TAG = 4096  # bytes of a start tag kept when a piece cuts it (a row's or a cell's tag is a few dozen)
# Text between two tags: a cell holds at most 32,767 characters, 330 KB even written as &#x1F600; references.
_LONGEST_TEXT = _MB
_TEXT_BLOCK = 256 * 1024  # bytes looked at a time for the text between tags


def _xml_pieces(part: IO[bytes], label: str, what: str, deadline: _Deadline) -> Iterator[bytes]:
    """A part's XML, decompressed a piece at a time; a tag cut at the end of a piece is moved to the next one.

    A megabyte of text between two tags is refused: no cell holds it, and openpyxl's parser would keep it
    whole (300 MB of spaces between two rows took 800 MB).
    """
    tail = b""
    run = 0  # bytes since the last "<"
    while piece := part.read(_PIECE):
        for start in range(0, len(piece), _TEXT_BLOCK):  # a run shorter than a block is shorter than a cell
            end = min(start + _TEXT_BLOCK, len(piece))
            first = piece.find(b"<", start, end)
            leading = run + ((end if first < 0 else first) - start)  # the text that runs into this block
            if leading > _LONGEST_TEXT:
                raise _truncated(label, f"{what} holds more than {_size(_LONGEST_TEXT)} of text between two tags, "
                                        "which no spreadsheet writes")
            run = leading if first < 0 else end - piece.rfind(b"<", start, end)
        text = tail + piece if tail else piece
        cut = text.rfind(b"<")
        if cut >= 0 and text.find(b">", cut) < 0:
            text, tail = text[:cut], text[cut:cut + _LONGEST_TAG]
        else:
            tail = b""
        yield text
        deadline.check(f"while scanning {what}")
    if tail:
        yield tail


# Start tags with or without a namespace prefix (<si>, <x:si>), then a space, "/" or ">", so <sheetData> is no <s..>.
_PREFIX = rb"<(?:[A-Za-z_][\w.-]*:)?"
_SI = re.compile(rb"<si[\s/>]")
_SI_PREFIXED = re.compile(rb"<[A-Za-z_][\w.-]*:si[\s/>]")
_CELL_PREFIXED = re.compile(rb"<[A-Za-z_][\w.-]*:c[\s/>]")
_ROW = re.compile(_PREFIX + rb"row(?=[\s/>])([^>]*)")
_ROW_NUMBER = re.compile(rb"""\sr\s*=\s*["']\s*(\d+)\s*["']""")
_DIMENSION = re.compile(_PREFIX + rb"""dimension\s[^>]*?\bref\s*=\s*["']([^"']*)["']""")
_SHEET_DATA = re.compile(_PREFIX + rb"sheetData[\s/>]")


def _check_shared_strings(archive: zipfile.ZipFile, part: str, label: str, limits: Limits,
                          deadline: _Deadline) -> None:
    """Refuse a shared-strings table beyond its size or entry limit, counted while it streams, before openpyxl.

    openpyxl holds every entry (about 170 bytes each, plus its text) before the first row is read: 12 million
    entries of two letters, 216 MB from a 526 KB file, took 2 GB and 90 s.
    """
    size = archive.getinfo(part).file_size
    if size > limits.max_shared_strings_bytes.value:
        raise over_limit(label, limits.max_shared_strings_bytes, limits.profile,
                         f"its shared-strings table (the distinct texts of its cells) unpacks to {_size(size)}")
    entries = 0
    with archive.open(part) as stream:
        for text in _xml_pieces(stream, label, "its shared strings", deadline):
            found = text.count(b"<si>") + text.count(b"<si ")
            if text.count(b"<si") != found:  # <si/>, <si and a line break, or another tag starting with "si"
                found = len(_SI.findall(text))
            if b":si" in text:
                found += len(_SI_PREFIXED.findall(text))
            entries += found
            if entries > limits.max_shared_strings.value:
                raise over_limit(label, limits.max_shared_strings, limits.profile,
                                 f"its shared-strings table holds more than {limits.max_shared_strings.value:,} "
                                 "distinct texts")


_STYLES_PART = "xl/styles.xml"  # openpyxl reads the styles by this name


def _check_styles(archive: zipfile.ZipFile, label: str, limits: Limits, deadline: _Deadline) -> None:
    """Refuse a styles part beyond the element limit, counted while it streams, before openpyxl reads it whole.

    openpyxl makes an object of every format, font, fill or border before the first row is read: a 45 KB file
    whose styles held 1,000,000 cell formats took 800 MB and 9 s.
    """
    elements = 0
    with archive.open(_STYLES_PART) as stream:
        for text in _xml_pieces(stream, label, "its styles part", deadline):
            elements += text.count(b"<") - text.count(b"</") - text.count(b"<?") - text.count(b"<!")
            if elements > limits.max_style_elements.value:
                raise over_limit(label, limits.max_style_elements, limits.profile,
                                 f"its styles part holds more than {limits.max_style_elements.value:,} elements")


def _prescan_sheet(archive: zipfile.ZipFile, part: str, label: str, limits: Limits, deadline: _Deadline) -> None:
    """Refuse the first sheet beyond the row or cell limit from its raw XML, before openpyxl parses a row.

    Reads the declared range (``<dimension ref>``), the number of every ``<row>`` (its ``r``, else the one before
    plus one, as openpyxl counts) and the ``<c>`` elements. A row's cells counted by their tags are never more
    than openpyxl's padded row holds (cells in column order, as every generator writes them), so the scan
    refuses no sheet that the stream would read.
    """
    last = cells = 0
    before_data = True
    with archive.open(part) as stream:
        for text in _xml_pieces(stream, label, "its first sheet", deadline):
            if before_data:
                data = _SHEET_DATA.search(text)
                declared = _DIMENSION.search(text, 0, data.start() if data else len(text))
                if declared:
                    _check_declared(_boundaries(declared.group(1)), label, limits)
                before_data = data is None
            tags = _ROW.findall(text)  # the attributes of each <row>
            numbers = _ROW_NUMBER.findall(b" ".join(tags)) if tags else []
            if len(numbers) == len(tags):  # every row states its number: the usual case
                last = max(last, *map(int, numbers)) if numbers else last
            else:  # some rows are numbered by their place, one after the row before
                for attributes in tags:
                    number = _ROW_NUMBER.search(attributes)
                    last = max(last, int(number.group(1))) if number else last + 1
            if last > limits.max_rows.value:
                raise over_limit(label, limits.max_rows, limits.profile,
                                 f"its first sheet has a row {limits.max_rows.value + 1:,} or beyond")
            cells += text.count(b"<c ") + text.count(b"<c>")
            if b":c" in text:
                cells += len(_CELL_PREFIXED.findall(text))
            if cells > limits.max_cells.value:
                raise over_limit(label, limits.max_cells, limits.profile,
                                 f"more than {limits.max_cells.value:,} cells (its first sheet holds {cells:,} "
                                 "or more)")


def _boundaries(ref: bytes) -> tuple[Any, Any, Any, Any]:
    """A ``<dimension ref>`` as openpyxl reads it: (min column, min row, max column, max row); Nones if unreadable."""
    from openpyxl.utils.cell import range_boundaries

    try:
        bounds: tuple[Any, Any, Any, Any] = range_boundaries(ref.decode("ascii").strip().upper())
    except (ValueError, TypeError, UnicodeDecodeError):
        return None, None, None, None  # openpyxl refuses it as damaged
    return bounds


def _check_declared(bounds: tuple[Any, Any, Any, Any], label: str, limits: Limits) -> None:
    """Refuse a sheet whose ``<dimension ref>`` declares more rows or columns than the limits."""
    min_column, min_row, max_column, max_row = bounds
    declared = (f"its first sheet declares the range {column_letter(min_column - 1)}{min_row}:"
                f"{column_letter(max_column - 1)}{max_row}"
                if all(isinstance(b, int) and b > 0 for b in bounds) else "")
    if isinstance(max_column, int) and max_column > limits.max_columns.value:
        raise over_limit(label, limits.max_columns, limits.profile, f"{declared} ({max_column:,} columns)")
    if isinstance(max_row, int) and max_row > limits.max_rows.value:
        raise over_limit(label, limits.max_rows, limits.profile, f"{declared} ({max_row:,} rows)")


_CHECK_EVERY = 50_000  # rows plus cells streamed between two looks at the clock


def _xlsx_stream(rows: Any, label: str, limits: Limits, deadline: _Deadline) -> pd.DataFrame:
    """Rows of openpyxl cells to a frame of text, a block of rows at a time; blank rows are never stored."""
    kept: list[list[str]] = [[]]  # row 1, the header, even when blank
    index: list[int] = [1]
    parts: list[pd.DataFrame] = []
    cells = 0
    number = 0
    due = _CHECK_EVERY
    for number, row in enumerate(rows, start=1):
        if number > limits.max_rows.value:
            raise over_limit(label, limits.max_rows, limits.profile, f"its first sheet has a row {number:,} or beyond")
        if number + cells >= due:
            deadline.check(f"at row {number:,} of its first sheet")
            due = number + cells + _CHECK_EVERY
        if not row:
            continue
        cells += len(row)  # openpyxl pads a row to its last stored cell: count what it costs
        if len(row) > limits.max_columns.value:
            raise over_limit(label, limits.max_columns, limits.profile,
                             f"row {number:,} of its first sheet reaches column {column_letter(len(row) - 1)} "
                             f"({len(row):,} columns)")
        if cells > limits.max_cells.value:
            raise over_limit(label, limits.max_cells, limits.profile,
                             f"more than {limits.max_cells.value:,} cells (by row {number:,})")
        texts = [_cell_text(c) for c in row]
        while texts and not texts[-1]:
            texts.pop()
        if not texts:
            continue
        longest = max(len(t) for t in texts)
        if longest > limits.max_cell_chars.value:
            pos = next(i for i, t in enumerate(texts) if len(t) == longest)
            raise over_limit(label, limits.max_cell_chars, limits.profile,
                             f"row {number:,}, column {column_letter(pos)} holds {longest:,} characters",
                             Problem(number, column_letter(pos), None, f"holds {longest:,} characters"))
        if number == 1:
            kept[0] = texts
            continue
        kept.append(texts)
        index.append(number)
        if len(kept) >= _CHUNK_ROWS:
            parts.append(_block(kept, index))
            kept, index = [], []
    if kept:
        parts.append(_block(kept, index))
    frame = pd.concat(parts) if len(parts) > 1 else parts[0]
    if frame.shape[1] == 0:
        raise InputError(f"{label} is empty: its first sheet has no cells. {_ACCEPTED_FILES}",
                         [Problem(None, None, None, "the first sheet is empty")])
    return frame.fillna("").astype(str)


def _block(rows: list[list[str]], index: list[int]) -> pd.DataFrame:
    width = max((len(r) for r in rows), default=0)
    return pd.DataFrame([r + [""] * (width - len(r)) for r in rows], index=index, columns=range(width), dtype=str)


def _cell_text(cell: Any) -> str:
    """A cell as the text a person sees: dates ISO, whole numbers without '.0', percent-formatted cells as 45%."""
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d") if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time | timedelta):
        return str(value)
    if isinstance(value, int | float):
        fmt = getattr(cell, "number_format", "") or ""
        if "%" in fmt:  # Excel stores 45% as 0.45; the person typed and sees 45%
            return f"{_num_text(float(value) * 100)}%"
        return _num_text(value)
    return str(value)


def _num_text(value: float) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, float):
        return repr(round(value, 10))
    return str(value)


# --- header and cells -------------------------------------------------------------------------------------------


def column_letter(position: int) -> str:
    """Spreadsheet letter of a 0-based column position: 0 -> A, 26 -> AA."""
    out = ""
    n = position + 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


_CONTROL_CELL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"  # tab, line feed and carriage return are text


def _finish(raw: pd.DataFrame, label: str, notes: list[str], deadline: _Deadline) -> pd.DataFrame:
    """Header checks, stripped cells, control characters removed, blank rows dropped.

    ``raw``'s index is the spreadsheet row number and its first row is the header (row 1).
    """
    raw = raw.astype(str) if not all(pd.api.types.is_string_dtype(t) for t in raw.dtypes) else raw
    removed: list[tuple[int, int, int]] = []  # position, cells, first row
    for pos, col in enumerate(raw.columns):
        values = raw[col]
        controls = values.str.contains(_CONTROL_CELL, regex=True)
        if controls.any():
            # NUL cannot be stored in PostgreSQL text and the others are invisible: never data, on any database.
            removed.append((pos, int(controls.sum()), int(raw.index[controls.to_numpy(dtype=bool)][0])))
            values = values.str.replace(_CONTROL_CELL, "", regex=True)
        raw[col] = values.str.strip()
        deadline.check(f"cleaning column {column_letter(pos)}")
    header = [str(h).lstrip("\ufeff").strip() for h in raw.iloc[0].tolist()]
    for pos, cleaned, first in removed:
        name = header[pos] or f"column {column_letter(pos)}"
        notes.append(f"Removed control characters (such as NUL) from {count(cleaned, 'cell')} of '{name}' (first in row "
                     f"{first}): they are invisible and cannot be stored.")
    body = raw.iloc[1:]
    nonblank = body != ""
    problems: list[Problem] = []
    keep: list[int] = []
    for pos, name in enumerate(header):
        if name:
            keep.append(pos)
            continue
        used = nonblank.iloc[:, pos]
        if used.any():
            first = int(body.index[used.to_numpy()][0])
            problems.append(Problem(1, None, None, f"column {column_letter(pos)} has no header but holds values "
                                                   f"(first in row {first}); give it a name"))
    inner_gaps = [p for p in range(len(header)) if p not in keep and keep and p < max(keep)]
    if inner_gaps and not problems:  # trailing empty columns are an export artefact; gaps are worth a word
        notes.append(f"Ignored {count(len(inner_gaps), 'empty column')} without a header "
                     f"({', '.join(column_letter(p) for p in inner_gaps)}).")
    seen: dict[str, int] = {}
    for pos in keep:
        key = " ".join(header[pos].casefold().split())
        if key in seen:
            first = seen[key]
            problems.append(Problem(1, None, header[pos],
                                    f"columns {column_letter(first)} and {column_letter(pos)} have the same "
                                    "header; every column needs its own name"))
        else:
            seen[key] = pos
    if problems:
        raise InputError.from_problems(f"{label}: the header row (row 1) needs fixing.", problems)
    if not keep:
        raise InputError(f"{label} has no header row: its first row is blank. Put the column names in row 1.",
                         [Problem(1, None, None, "the header row is blank")])
    frame = body.iloc[:, keep]
    frame.columns = pd.Index([header[p] for p in keep], dtype=object)
    filled = nonblank.iloc[:, keep].any(axis=1)
    if not filled.all():
        frame = frame[filled]
    if frame.empty:
        raise InputError(f"{label} has a header row but no data rows. Export the file again with its records.",
                         [Problem(None, None, None, "header only, no data rows")])
    return frame


