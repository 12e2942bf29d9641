"""Read CRM exports (CSV and XLSX, as people really export them) into a table of strings.

Pure functions: bytes or a path in, a ``Table`` or parsed arrays out. Every failure a user can cause is an
``InputError`` whose message names the row, the column, the value and what would be accepted.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import EllipsisType

import pandas as pd

from gtm.domain.errors import InputError, Problem
from gtm.domain.fmt import count
from gtm.ingest.delimited import _CONTROL, DELIMITERS, _check_header_width, _detect_delimiter, _parse_csv
from gtm.ingest.encodings import _decode
from gtm.ingest.limits import Limits
from gtm.ingest.reading import (
    _ACCEPTED_FILES,
    _SNIFF_CHARS,
    _Deadline,
    _label,
    _not_a_spreadsheet,
    _read_bytes,
    _refuse_binary,
    column_letter,
    over_limit,
)
from gtm.ingest.xlsx import _xlsx_rows

__all__ = ["DEFAULT_MAX_BYTES", "DELIMITERS", "Table", "column_letter", "max_upload_bytes", "over_limit",
           "read_table"]



def max_upload_bytes() -> int:
    """The upload size limit in bytes: GTM_UPLOAD_MAX_MB (default 50) megabytes."""
    return Limits.upload().max_bytes.value


DEFAULT_MAX_BYTES: int = max_upload_bytes()


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
               max_bytes: int | EllipsisType | None = ..., limits: Limits | None = None) -> Table:
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


