"""Read CRM exports (CSV and XLSX, as people really export them) into a table of strings, and parse cells.

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
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from gtm.errors import InputError, Problem

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


# ---------------------------------------------------------------------------------------------------------------
# Parsing cells: each helper parses distinct values only, then maps them back to every row.

_SPACES = " '\u00a0\u202f\u2009\u2019"  # thousands groupings seen in the wild: space, NBSP, thin space, Swiss '
_MINUS = "-\u2212\u2013"
_SYMBOLS = re.compile(r"[A-Z]{0,2}[$€£¥₹₩₽₺₪₫฿¢]")
_ISO_CODE = re.compile(r"^[A-Z]{3}(?=[\s\d(+\-.,])|(?<=[\s\d).,\-])[A-Z]{3}$")
_SCIENTIFIC = re.compile(r"^\d+(?:\.\d+)?[eE][+-]?\d+$")
_PLAIN = r"-?\d+(?:\.(?:\d{1,2}|\d{4,}))?"  # unambiguous as-is: fast path through pd.to_numeric
_GROUPED = (  # (pattern, thousands, decimal): grouped thousands followed by a decimal part
    (r"(?:[$£]\s?)?\d{1,3}(?:,\d{3})+\.\d+", ",", "."),
    (r"\d{1,3}(?:\.\d{3})+,\d+(?:\s?€)?", ".", ","),
)
AMOUNT_ACCEPTED = "accepted: 1234.50, $1,234.50, 1.234,50 €, (1,200)"
PERCENT_ACCEPTED = "accepted: 45, 45%, 45.5 %, 45,5 %"


def _shape(core: str) -> tuple[str | None, bool]:
    """(decimal separator if the value alone decides it, ambiguous?) for a digits-and-separators string."""
    has_dot, has_comma = "." in core, "," in core
    if has_dot and has_comma:
        return ("." if core.rfind(".") > core.rfind(",") else ","), False
    mark = "." if has_dot else "," if has_comma else None
    if mark is None:
        return None, False
    if core.count(mark) > 1:
        return None, False  # repeated: thousands separators
    head, tail = core.split(mark)
    grouped_by_space = any(ch in head for ch in _SPACES)
    if len(tail) == 3 and 1 <= len(head) <= 3 and not head.startswith("0") and not grouped_by_space:
        return None, True  # 1,234 or 1.234: thousands or decimal, the value alone cannot tell
    return mark, False


def _number(core: str, decimal: str | None) -> float | None:
    """Digits with thousands groups (validated: 3 digits each) and an optional decimal part."""
    if decimal:
        if core.count(decimal) != 1:
            return None
        head, tail = core.split(decimal)
        if not tail.isdigit() and not (tail == "" and head):
            return None
    else:
        head, tail = core, ""
    thousands = "," if decimal == "." else "." if decimal == "," else ",."
    groups = re.split(f"[{re.escape(thousands + _SPACES)}]", head) if head else [""]
    if len(groups) > 1:
        if not (groups[0].isdigit() and len(groups[0]) <= 3 and all(len(g) == 3 and g.isdigit() for g in groups[1:])):
            return None
    elif groups[0] and not groups[0].isdigit():
        return None
    digits = "".join(groups)
    if not digits and not tail:
        return None
    return float(f"{digits or '0'}.{tail or '0'}")


def _split_sign(text: str, *, currency: bool) -> tuple[str, bool] | None:
    """(unsigned core, negative?) after removing currency marks, parentheses and signs; None if nothing is left."""
    s = text.strip()
    if currency:
        s = _SYMBOLS.sub("", s).strip()
    negative = False
    for _ in range(2):  # currency codes may sit inside or outside parentheses: "(USD 1,200)", "(1,200) USD"
        if currency:
            s = _ISO_CODE.sub("", s).strip()
        if len(s) > 2 and s[0] == "(" and s[-1] == ")":
            negative, s = True, s[1:-1].strip()
    if s[:1] and s[0] in _MINUS:
        negative, s = True, s[1:].strip()
    elif s[:1] == "+":
        s = s[1:].strip()
    elif s[-1:] and s[-1] in _MINUS:  # SAP-style trailing minus: 1,200-
        negative, s = True, s[:-1].strip()
    if currency:
        s = _SYMBOLS.sub("", s).strip()
    if not s or not (s[0].isdigit() or s[0] in ".,"):
        return None
    return s, negative


def _parse_numbers(series: pd.Series, column: str, *, currency: bool, percent: bool,
                   reason: str) -> tuple[np.ndarray, list[Problem]]:
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    texts = pd.Series(uniques, dtype=object).astype(str).str.strip()
    values = np.full(len(texts), np.nan)
    bad = np.zeros(len(texts), dtype=bool)
    votes = {".": 0, ",": 0}
    # Vectorised fast paths for the forms CRMs write most; each is unambiguous on its own.
    done = texts.str.fullmatch(_PLAIN).to_numpy(dtype=bool).copy()
    values[done] = pd.to_numeric(texts[done]).to_numpy(dtype=float)
    votes["."] += int((done & texts.str.contains(".", regex=False).to_numpy(dtype=bool)).sum())
    for pattern, thou, dec in _GROUPED if currency else ():
        hit = ~done & texts.str.fullmatch(pattern).to_numpy(dtype=bool)
        if hit.any():
            cleaned = texts[hit].str.replace(r"[^\d" + re.escape(thou + dec) + "]", "", regex=True)
            cleaned = cleaned.str.replace(thou, "", regex=False).str.replace(dec, ".", regex=False)
            values[hit] = pd.to_numeric(cleaned).to_numpy(dtype=float)
            votes[dec] += int(hit.sum())
            done |= hit
    pending: list[tuple[int, str, bool, str | None, bool]] = []
    text_list = texts.tolist()  # plain str access: Series.iat per value is ten times slower
    for i in (int(j) for j in np.flatnonzero(~done)):
        text = text_list[i]
        if text == "":
            continue
        if percent:
            text = text.strip().removesuffix("%").removeprefix("%").strip()
        split = _split_sign(text, currency=currency)
        if split is None:
            bad[i] = True
            continue
        core, negative = split
        if _SCIENTIFIC.match(core):
            values[i] = -float(core) if negative else float(core)
            continue
        decimal, ambiguous = _shape(core)
        if decimal and not ambiguous:
            votes[decimal] += 1
        pending.append((i, core, negative, decimal, ambiguous))
    # Values like 1,234 are read with the column's convention; without one, as thousands (1234).
    column_decimal = "." if votes["."] > votes[","] else "," if votes[","] > votes["."] else None
    for i, core, negative, shape, ambiguous in pending:
        decimal = shape
        if ambiguous:
            mark = "." if "." in core else ","
            decimal = mark if (percent or column_decimal == mark) else None
        number = _number(core, decimal)
        if number is None:
            bad[i] = True
        else:
            values[i] = -number if negative else number
    out = np.append(values, np.nan)[codes]
    return out, _problems(series, codes, bad, column, reason)


def _problems(series: pd.Series, codes: np.ndarray, bad_unique: np.ndarray, column: str,
              reason: str | list[str]) -> list[Problem]:
    """One Problem per row whose distinct value is bad; ``reason`` is shared or given per distinct value."""
    if not bad_unique.any():
        return []
    rows = np.flatnonzero(np.append(bad_unique, False)[codes])
    values = series.iloc[rows]
    if isinstance(reason, str):
        return [Problem(row, column, value, reason) for row, value in values.items()]
    return [Problem(row, column, value, reason[codes[pos]]) for pos, (row, value) in zip(rows, values.items())]


def parse_amounts(series: pd.Series, column: str) -> tuple[np.ndarray, list[Problem]]:
    """Money cells to floats (NaN for blank) and one Problem per unreadable cell.

    Currency symbols ($ € £ ...) and ISO codes (USD, EUR) before or after are ignored; (1,200), -1,200
    and 1,200- are negative; spaces, NBSP and ' group thousands. The decimal separator is decided per value:
    with both ',' and '.', the last one is the decimal (1.234,50 and 1,234.50); one separator repeated is
    thousands (1,234,567); one separator followed by other than 3 digits is the decimal (12,5 and 1234.50).
    A lone separator followed by exactly 3 digits (1,234 / 1.234) follows the column's convention when other
    values show it, and is a thousands separator otherwise. Thousands groups must have 3 digits.
    """
    return _parse_numbers(series, column, currency=True, percent=False,
                          reason=f"is not an amount ({AMOUNT_ACCEPTED})")


def parse_percent(series: pd.Series, column: str) -> tuple[np.ndarray, list[Problem]]:
    """Percent cells to floats as written (45, 45%, 45,5 % -> 45, 45, 45.5; 0.45 stays 0.45); NaN for blank.

    A single ',' or '.' is always the decimal separator here. The range (0..100) is the caller's to check.
    """
    return _parse_numbers(series, column, currency=False, percent=True,
                          reason=f"is not a percent ({PERCENT_ACCEPTED})")


# --- dates ------------------------------------------------------------------------------------------------------

_TIME = r"(?:[T ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*([AaPp][Mm])?\s*(Z|[+-]\d{2}:?\d{2})?)?"
_ISO = re.compile(r"^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})" + _TIME + "$")
_DMY = re.compile(r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})" + _TIME + "$")
_MONTH_NAMES = {m: i + 1 for i, m in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"))}
_DAY_MONTH_NAME = re.compile(r"^(\d{1,2})[\s-]+([A-Za-z]{3,9})\.?[\s,-]+(\d{4})" + _TIME + "$")
_MONTH_NAME_DAY = re.compile(r"^([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})" + _TIME + "$")
DATE_ACCEPTED = "accepted: 2026-03-31, 31/03/2026, 03/31/2026, 31.03.2026, 31 Mar 2026"


def _month(name: str) -> int | None:
    lower = name.lower()
    for full, number in _MONTH_NAMES.items():
        if lower in (full, full[:3]) or (lower == "sept" and number == 9):
            return number
    return None


def _time_parts(groups: tuple[str | None, ...]) -> tuple[int, int, int, str | None] | None:
    hh, mm, ss, ampm, tz = groups
    if hh is None:
        return 0, 0, 0, None
    h, m, s = int(hh), int(mm or 0), int(ss or 0)
    if ampm:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if ampm.lower() == "pm" else 0)
    return h, m, s, tz


def _build(y: int, mo: int, d: int, tparts: tuple[int, int, int, str | None] | None) -> datetime | None:
    if tparts is None:
        return None
    h, mi, s, tz = tparts
    try:
        value = datetime(y, mo, d, h, mi, s)
    except ValueError:
        return None
    if tz:
        if tz != "Z":
            sign = 1 if tz[0] == "+" else -1
            digits = tz[1:].replace(":", "")
            offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
            value = value.replace(tzinfo=timezone(sign * offset))
        else:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC).replace(tzinfo=None)  # stored naive, in UTC
    return value


def _year(text: str) -> int:
    y = int(text)
    return y if len(text) == 4 else (2000 + y if y < 70 else 1900 + y)


def parse_dates(series: pd.Series, column: str, *, dayfirst: bool | None = None,
                ) -> tuple[pd.Series, list[Problem], str | None]:
    """Date cells to datetime64 (NaT for blank), a Problem per unreadable cell, and a note when a guess was made.

    ISO (2026-03-31, optionally with a time) and month names are unambiguous. For dd/mm/yyyy vs mm/dd/yyyy
    (also with '.' or '-'), ``dayfirst`` decides when given (from the mapping file); otherwise the column
    decides: a first part above 12 means dd/mm, a second part above 12 means mm/dd. When both occur, the
    rows that disagree with the majority are problems. When nothing decides, dd/mm is assumed and the note
    says so.
    """
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    texts = [str(u).strip() for u in uniques]
    parsed: list[datetime | None] = [None] * len(texts)
    bad = np.zeros(len(texts), dtype=bool)
    shaped = np.zeros(len(texts), dtype=bool)  # looks like a date but names no real day (31/02, 2026-13-01)
    counts = np.bincount(codes[codes >= 0], minlength=len(texts))
    numeric: list[tuple[int, int, int, int, tuple[int, int, int, str | None] | None]] = []
    for i, text in enumerate(texts):
        if not text:
            continue
        if m := _ISO.match(text):
            parsed[i] = _build(int(m[1]), int(m[3]), int(m[4]), _time_parts(m.groups()[4:9]))
        elif m := _DMY.match(text):
            numeric.append((i, int(m[1]), int(m[3]), _year(m[4]), _time_parts(m.groups()[4:9])))
            continue
        elif m := _DAY_MONTH_NAME.match(text):
            mo = _month(m[2])
            parsed[i] = _build(int(m[3]), mo, int(m[1]), _time_parts(m.groups()[3:8])) if mo else None
        elif m := _MONTH_NAME_DAY.match(text):
            mo = _month(m[1])
            parsed[i] = _build(int(m[3]), mo, int(m[2]), _time_parts(m.groups()[3:8])) if mo else None
        else:
            bad[i] = True
            continue
        bad[i] = shaped[i] = parsed[i] is None

    note: str | None = None
    conflict: dict[int, str] = {}
    if numeric:
        day_rows = sum(int(counts[i]) for i, a, b, _, _ in numeric if a > 12 >= b)
        month_rows = sum(int(counts[i]) for i, a, b, _, _ in numeric if b > 12 >= a)
        ambiguous = [texts[i] for i, a, b, _, _ in numeric if a <= 12 and b <= 12 and a != b]
        use_dayfirst = dayfirst
        if use_dayfirst is None:
            use_dayfirst = day_rows >= month_rows
            if day_rows and month_rows:
                chosen, other = ("dd/mm/yyyy", "mm/dd/yyyy") if use_dayfirst else ("mm/dd/yyyy", "dd/mm/yyyy")
                for i, a, b, _, _ in numeric:
                    if (b > 12 >= a) if use_dayfirst else (a > 12 >= b):
                        conflict[i] = (f"reads only as {other} but most dates in this column are {chosen}; use one "
                                       "date format per column (ISO 2026-03-31 is never ambiguous)")
                note = (f"Column '{column}': dates are written both as dd/mm/yyyy and mm/dd/yyyy; read as {chosen} "
                        "(the majority). Set a date format in the mapping file to change it.")
            elif not day_rows and not month_rows and ambiguous:
                note = (f"Column '{column}': dates like {ambiguous[0]} are ambiguous (dd/mm or mm/dd); read as "
                        "dd/mm/yyyy. Set a date format in the mapping file to change it.")
        form = "dd/mm/yyyy" if use_dayfirst else "mm/dd/yyyy"
        why = "the mapping file sets it" if dayfirst is not None else "the form this column uses"
        for i, a, b, y, tparts in numeric:
            if i in conflict:
                bad[i] = True
                continue
            day, month = (a, b) if use_dayfirst else (b, a)
            parsed[i] = _build(y, month, day, tparts)
            if parsed[i] is None:
                bad[i] = True
                conflict[i] = f"is not a real date when read as {form} ({why})"

    unreadable = f"is not a date ({DATE_ACCEPTED})"
    impossible = "is not a real date (no such day or month)"
    reasons = [conflict.get(i, impossible if shaped[i] else unreadable) for i in range(len(texts))]

    stamps = np.array([np.datetime64(p, "ns") if p is not None else np.datetime64("NaT", "ns") for p in parsed]
                      + [np.datetime64("NaT", "ns")], dtype="datetime64[ns]")
    result = pd.Series(stamps[codes], index=series.index, name=series.name)
    return result, _problems(series, codes, bad, column, reasons), note


# --- booleans ---------------------------------------------------------------------------------------------------

TRUE_WORDS = frozenset({"yes", "y", "true", "t", "1", "x", "✓", "✔", "checked", "on", "oui", "ja", "si", "sí"})
FALSE_WORDS = frozenset({"no", "n", "false", "f", "0", "unchecked", "off", "non", "nein"})
BOOL_ACCEPTED = "accepted: yes, no, true, false, 1, 0, x, or blank"


def parse_bools(series: pd.Series, column: str) -> tuple[pd.Series, list[Problem]]:
    """Yes/no cells to a nullable boolean Series (NA for blank) and a Problem per unreadable cell."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    keys = [str(u).strip().lower() for u in uniques]
    table = [True if k in TRUE_WORDS else False if k in FALSE_WORDS else None for k in keys] + [None]
    bad = np.array([v is None and k != "" for v, k in zip(table, keys)], dtype=bool)
    result = pd.Series(pd.array(np.array(table, dtype=object)[codes], dtype="boolean"), index=series.index,
                       name=series.name)
    return result, _problems(series, codes, bad, column, f"is not yes or no ({BOOL_ACCEPTED})")
