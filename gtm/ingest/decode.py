"""Read CRM exports (CSV and XLSX, as people really export them) into a table of strings.

Pure functions: bytes or a path in, a ``Table`` or parsed arrays out. Every failure a user can cause is an
``InputError`` whose message names the row, the column, the value and what would be accepted.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from gtm.domain.errors import InputError, Problem

_MB = 1024 * 1024


def max_upload_bytes() -> int:
    """The upload size limit in bytes: GTM_MAX_UPLOAD_MB (default 50) megabytes."""
    raw = os.environ.get("GTM_MAX_UPLOAD_MB", "").strip()
    try:
        mb = float(raw) if raw else 50.0
    except ValueError:
        mb = 50.0
    return int(mb * _MB) if mb > 0 else 50 * _MB


DEFAULT_MAX_BYTES: int = max_upload_bytes()
DELIMITERS = (",", ";", "\t")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
_SNIFF_CHARS = 64 * 1024
_ACCEPTED_FILES = "Upload a CSV file (comma, semicolon or tab separated) or an Excel workbook (.xlsx)."


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
               max_bytes: int | None = DEFAULT_MAX_BYTES) -> Table:
    """Read a CSV or XLSX file (path or bytes) into a Table; raises InputError for anything unreadable.

    ``max_bytes=None`` disables the size limit. Cells are stripped of surrounding whitespace; rows that are
    entirely blank are dropped but never renumber the others, so the index always matches the spreadsheet.
    """
    label = _label(source, name)
    data = _read_bytes(source, label, max_bytes)
    if not data.strip(b" \t\r\n\x00\x1a") or data in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        raise InputError(f"{label} is empty. {_ACCEPTED_FILES}", [Problem(None, None, None, "the file is empty")])
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        rows, notes = _xlsx_rows(data, label)
        frame = _finish(rows, label, notes)
        return Table(frame, None, None, "xlsx", notes)
    _refuse_binary(data, label)
    text, encoding, notes = _decode(data, label)
    if not text.strip(" \t\r\n\ufeff\x1a,;"):
        raise InputError(f"{label} is empty. {_ACCEPTED_FILES}", [Problem(None, None, None, "the file is empty")])
    if len(_CONTROL.findall(text[:_SNIFF_CHARS])) > max(3, min(len(text), _SNIFF_CHARS) // 200):
        raise _not_a_spreadsheet(label, "a binary file")
    text, delimiter = _detect_delimiter(text)
    rows_frame = _parse_csv(text, delimiter, label)
    frame = _finish(rows_frame, label, notes)
    return Table(frame, encoding, delimiter, "csv", notes)


def _label(source: str | Path | bytes, name: str | None) -> str:
    if name:
        return f"'{Path(name).name}'"
    if isinstance(source, bytes):
        return "The file"
    return f"'{Path(source).name}'"


def _size(n: int) -> str:
    return f"{n / _MB:.1f} MB" if n >= _MB / 10 else f"{n:,} bytes"


def _read_bytes(source: str | Path | bytes, label: str, max_bytes: int | None) -> bytes:
    if isinstance(source, bytes):
        size = len(source)
    else:
        path = Path(source)
        try:
            size = path.stat().st_size
        except OSError:
            raise InputError(f"{label}: file not found ({path}).") from None
        if path.is_dir():
            raise InputError(f"{label} is a folder, not a file.")
    if max_bytes is not None and size > max_bytes:
        # Checked before reading so a huge upload never sits in memory twice.
        raise InputError(
            f"{label} is too large: {_size(size)}; the limit is {_size(max_bytes)}. "
            "Export fewer columns or rows, or raise the limit with GTM_MAX_UPLOAD_MB.",
            [Problem(None, None, None, f"file of {_size(size)} exceeds the {_size(max_bytes)} limit")],
        )
    if isinstance(source, bytes):
        return source
    try:
        return Path(source).read_bytes()
    except OSError as exc:
        raise InputError(f"{label} could not be read: {exc.strerror or exc}.") from None


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


def _decode(data: bytes, label: str) -> tuple[str, str, list[str]]:
    """Text, the encoding used and notes. Order: BOM, strict UTF-8, UTF-16 heuristics, cp1252, charset-normalizer."""
    notes: list[str] = []
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8", label), "utf-8-sig", notes
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        order = "little" if data.startswith(codecs.BOM_UTF16_LE) else "big"
        notes.append(f"Decoded as UTF-16 ({order}-endian), as Excel writes 'Unicode text' files.")
        return _strict(data, "utf-16", label), "utf-16", notes
    try:
        return data.decode("utf-8"), "utf-8", notes
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.end >= len(data) - 3:
            # The file ends in the middle of a multi-byte character: it was cut off, not cp1252.
            raise _truncated(label, "it ends in the middle of a character") from None
    utf16 = _utf16_without_bom(data[:4096])
    if utf16:
        notes.append("Decoded as UTF-16 without a byte-order mark.")
        return _strict(data, utf16, label), "utf-16", notes
    if b"\x00" in data[:_SNIFF_CHARS]:
        raise _not_a_spreadsheet(label, "a binary file")
    try:
        text = data.decode("cp1252")
        notes.append("Decoded as cp1252 (Windows Western European); the file is not valid UTF-8.")
        return text, "cp1252", notes
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # imported lazily: rarely needed, slow to import

    best = from_bytes(data[: 1024 * 1024]).best()
    if best is not None and best.encoding:
        try:
            text = data.decode(best.encoding)
            notes.append(f"Decoded as {best.encoding} (guessed; the file is neither UTF-8 nor cp1252).")
            return text, best.encoding, notes
        except (UnicodeDecodeError, LookupError):
            pass
    notes.append("Decoded as latin-1 (guessed); some characters may be wrong. Save the file as CSV UTF-8.")
    return data.decode("latin-1"), "latin-1", notes


def _strict(data: bytes, encoding: str, label: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        if exc.end >= len(data) - 3:
            raise _truncated(label, "it ends in the middle of a character") from None
        raise InputError(f"{label} is not valid {encoding} text (byte {exc.start}). Save it as CSV UTF-8.",
                         [Problem(None, None, None, f"invalid {encoding} text")]) from None


# --- CSV ----------------------------------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x19\x1b-\x1f]")


def _detect_delimiter(text: str) -> tuple[str, str]:
    """Pick comma, semicolon or tab from the first lines, counting only outside quotes (via csv.reader)."""
    if text.startswith("\ufeff"):  # a second BOM, e.g. UTF-16 text saved with a UTF-8 BOM inside
        text = text[1:]
    head = text[:_SNIFF_CHARS]
    # Excel honours a first line "sep=;" and hides it; do the same.
    first_line = head.split("\n", 1)[0].strip()
    if first_line.lower().startswith("sep=") and len(first_line) == 5 and first_line[4] in ",;\t|":
        return text.split("\n", 1)[1] if "\n" in text else "", first_line[4]
    if len(text) > _SNIFF_CHARS and "\n" in head:
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
    return text, best


def _parse_csv(text: str, delimiter: str, label: str) -> pd.DataFrame:
    """Records as a frame of str with positional columns; row 0 is the header."""
    if text.endswith("\x1a"):  # DOS end-of-file marker some old exporters still append
        text = text.rstrip("\x1a")
    try:
        raw = pd.read_csv(
            io.StringIO(text), sep=delimiter, header=None, dtype=str, keep_default_na=False, na_filter=False,
            skip_blank_lines=False, index_col=False, engine="c", quotechar='"', doublequote=True,
            skipinitialspace=True,
        )
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
            return _parse_ragged(text, delimiter, label)
        raise InputError(f"{label} could not be read as CSV ({msg.strip()}). {_ACCEPTED_FILES}") from None
    _check_last_row(text, delimiter, raw, label)
    return raw


def _parse_ragged(text: str, delimiter: str, label: str) -> pd.DataFrame:
    """Rows wider than the header: fine when the extra cells are all blank (a trailing delimiter), else an error."""
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, skipinitialspace=True))
    width = len(records[0])
    bad = [(i + 1, r) for i, r in enumerate(records) if len(r) > width and any(c.strip() for c in r[width:])]
    if bad:
        delim = _DELIMITER_NAMES[delimiter]
        problems = [Problem(row, None, delimiter.join(r[width:]),
                            f"has {len(r)} values but the header has {width} columns; a value probably contains "
                            f"an unquoted {delim}, put it in double quotes") for row, r in bad]
        raise InputError.from_problems(
            f"{label}: {len(bad)} row(s) have more values than the header has columns.", problems)
    padded = [r[:width] + [""] * (width - len(r)) for r in records]
    return pd.DataFrame(padded, dtype=str)


def _check_last_row(text: str, delimiter: str, raw: pd.DataFrame, label: str) -> None:
    """A last row with fewer values than the header, and no final line break, is a file cut off mid-row."""
    if len(raw) < 2 or text.endswith(("\n", "\r")):
        return
    last_line = re.split(r"\r\n|\r|\n", text[-65536:])[-1]
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


def _xlsx_rows(data: bytes, label: str) -> tuple[pd.DataFrame, list[str]]:
    """The first sheet's cells as text, row 0 = header. Raises InputError for damaged or non-Excel ZIPs."""
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise _truncated(label, "the Excel (.xlsx) file cannot be opened as a ZIP archive") from None
    if "xl/workbook.xml" not in names:
        what = ("an OpenDocument spreadsheet (.ods); save it as .xlsx or CSV" if "content.xml" in names
                else "a Word document" if "word/document.xml" in names
                else "a ZIP archive")
        raise _not_a_spreadsheet(label, what)
    import openpyxl  # imported lazily: only XLSX uploads pay for it

    notes: list[str] = []
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheets = wb.worksheets
            if not sheets:
                raise InputError(f"{label} has no worksheet.")
            ws = sheets[0]
            if len(sheets) > 1:
                notes.append(f"Read the first sheet, '{ws.title}', of {len(sheets)}.")
            ws.reset_dimensions()  # some generators write a wrong dimension; read every stored row
            rows = [[_cell_text(c) for c in row] for row in ws.iter_rows()]
        finally:
            wb.close()
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure inside the archive means the workbook is damaged
        raise _truncated(label, f"the Excel workbook is damaged ({type(exc).__name__})") from None
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        raise InputError(f"{label} is empty: its first sheet has no cells. {_ACCEPTED_FILES}",
                         [Problem(None, None, None, "the first sheet is empty")])
    width = max(len(r) for r in rows)
    return pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=str), notes


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


def _finish(raw: pd.DataFrame, label: str, notes: list[str]) -> pd.DataFrame:
    """Header checks, stripped cells, blank rows dropped, index = spreadsheet row numbers."""
    raw = raw.astype(str) if not all(pd.api.types.is_string_dtype(t) for t in raw.dtypes) else raw
    for col in raw.columns:
        raw[col] = raw[col].str.strip()
    header = [str(h) for h in raw.iloc[0].tolist()]
    body = raw.iloc[1:]
    body.index = pd.RangeIndex(2, 2 + len(body))
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
        notes.append(f"Ignored {len(inner_gaps)} empty column(s) without a header "
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
    frame = frame[nonblank.iloc[:, keep].any(axis=1)]
    if frame.empty:
        raise InputError(f"{label} has a header row but no data rows. Export the file again with its records.",
                         [Problem(None, None, None, "header only, no data rows")])
    return frame


