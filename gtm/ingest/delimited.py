"""CSV: the delimiter found, and the records parsed a chunk at a time within the limits."""

from __future__ import annotations

import csv
import io
import re

import numpy as np
import pandas as pd

from gtm.domain.errors import InputError, Problem
from gtm.domain.fmt import count
from gtm.ingest.limits import Limits
from gtm.ingest.reading import _ACCEPTED_FILES, _CHUNK_ROWS, _SNIFF_CHARS, _Deadline, column_letter, over_limit

DELIMITERS = (",", ";", "\t")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}

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


