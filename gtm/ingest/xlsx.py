"""XLSX: the first sheet of a workbook streamed as text, its parts checked against the limits before parsing."""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import IO, Any

import pandas as pd

from gtm.domain.errors import InputError, Problem
from gtm.ingest.limits import Limits
from gtm.ingest.reading import (
    _ACCEPTED_FILES,
    _CHUNK_ROWS,
    _MB,
    _PIECE,
    _Deadline,
    _not_a_spreadsheet,
    _size,
    _truncated,
    column_letter,
    over_limit,
)

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

