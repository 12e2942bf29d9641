"""Reading CRM exports as people really produce them, and parsing their cells."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from gtm.domain.errors import InputError
from gtm.ingest import cells, decode

HEADER = "Opportunity ID,Account Name,Amount,Close Date\n"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def xlsx_bytes(rows: list[list[object]], number_formats: dict[str, str] | None = None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    for cell, fmt in (number_formats or {}).items():
        ws[cell].number_format = fmt
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- encodings ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp1252", "cp1252")],
)
def test_reads_each_encoding_with_accents_and_euro(tmp_path: Path, encoding: str, expected: str) -> None:
    text = "Account Name,Amount\nSociété Générale,€1.234,50\nCafé Müller,200\n"
    text = text.replace("€1.234,50", '"€1.234,50"')
    table = decode.read_table(write(tmp_path, "accounts.csv", text.encode(encoding)))
    assert table.encoding == expected
    assert table.frame.columns.tolist() == ["Account Name", "Amount"]  # no BOM glued to the first header
    assert table.frame.loc[2, "Account Name"] == "Société Générale"
    assert table.frame.loc[2, "Amount"] == "€1.234,50"
    assert table.frame.loc[3, "Account Name"] == "Café Müller"


def test_cp1252_file_says_how_it_was_decoded(tmp_path: Path) -> None:
    table = decode.read_table(write(tmp_path, "a.csv", "Name,Amount\nCafé,5 €\n".encode("cp1252")))
    assert any("cp1252" in note for note in table.notes)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_reads_excel_unicode_text_utf16_tab_separated(tmp_path: Path, encoding: str) -> None:
    text = "Opportunity ID\tAccount Name\tAmount\r\nOPP-1\tNestlé\t€5\r\nOPP-2\tZürich AG\t7\r\n"
    data = text.encode(encoding)
    if encoding != "utf-16":  # explicit-endian codecs write no BOM; Excel does, so add one
        data = ("\ufeff" + text).encode(encoding)
    table = decode.read_table(write(tmp_path, "export.txt", data))
    assert table.encoding == "utf-16"
    assert table.delimiter == "\t"
    assert table.frame.loc[2, "Account Name"] == "Nestlé"
    assert table.frame.loc[3, "Account Name"] == "Zürich AG"


def test_utf16_without_bom_is_still_recognised() -> None:
    table = decode.read_table("Name\tAmount\r\nNestlé\t5\r\n".encode("utf-16-le"))
    assert table.frame.loc[2, "Name"] == "Nestlé"


def test_utf8_cut_inside_a_character_is_truncated_not_cp1252() -> None:
    data = "Name,City\nA,Zürich\nB,Genève".encode()[:-3]  # keeps the first byte of è only
    with pytest.raises(InputError, match="truncated"):
        decode.read_table(data)


# --- delimiters -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_detects_each_delimiter(tmp_path: Path, delimiter: str) -> None:
    rows = [["Opportunity ID", "Account Name", "Amount"], ["OPP-1", "Acme, Inc; EMEA", "1200"], ["OPP-2", "Beta", "7"]]
    text = "\n".join(delimiter.join(f'"{c}"' if ("," in c or ";" in c) else c for c in r) for r in rows) + "\n"
    table = decode.read_table(write(tmp_path, "x.csv", text.encode()))
    assert table.delimiter == delimiter
    assert table.frame.columns.tolist() == rows[0]
    assert table.frame.loc[2, "Account Name"] == "Acme, Inc; EMEA"


def test_semicolon_wins_even_when_values_hold_commas() -> None:
    table = decode.read_table(b"Name;Amount;Note\nA;1.234,50;x, y\nB;2,5;z\n")
    assert table.delimiter == ";"
    assert table.frame.loc[2, "Amount"] == "1.234,50"


def test_excel_sep_line_is_honoured_and_hidden() -> None:
    table = decode.read_table(b"sep=;\nName;Amount\nA;1\n")
    assert table.frame.columns.tolist() == ["Name", "Amount"]
    assert table.frame.index.tolist() == [2]


# --- shape and row numbers ------------------------------------------------------------------------------------


def test_index_is_spreadsheet_row_and_blank_rows_do_not_renumber() -> None:
    data = (HEADER + "OPP-1,Acme,10,2026-01-01\n\n,,,\nOPP-2 , Beta ,20,2026-01-02\n").encode()
    table = decode.read_table(data)
    assert table.frame.index.tolist() == [2, 5]
    assert table.frame.loc[5, "Account Name"] == "Beta"  # surrounding spaces stripped
    assert table.frame.loc[5, "Opportunity ID"] == "OPP-2"


def test_multiline_cell_counts_as_one_spreadsheet_row() -> None:
    table = decode.read_table(b'Name,Note\nA,"line one\nline two"\nB,x\n')
    assert table.frame.loc[3, "Name"] == "B"


def test_every_cell_is_text_and_blanks_are_empty_strings() -> None:
    table = decode.read_table(b"Name,Amount,Owner\nA,NA,\nB,null,x\n")
    frame = table.frame
    assert frame.loc[2, "Amount"] == "NA"  # "NA" is a value people type, not a missing marker
    assert frame.loc[2, "Owner"] == ""
    assert not frame.isna().any().any()
    assert all(pd.api.types.is_string_dtype(t) for t in frame.dtypes)


def test_headers_are_stripped_and_trailing_empty_columns_dropped() -> None:
    table = decode.read_table(b" Name , Amount ,,\nA,1,,\n")
    assert table.frame.columns.tolist() == ["Name", "Amount"]


def test_trailing_delimiter_on_every_row_is_tolerated() -> None:
    table = decode.read_table(b"Name,Amount\nA,1,\nB,2,\n")
    assert table.frame.to_dict("index") == {2: {"Name": "A", "Amount": "1"}, 3: {"Name": "B", "Amount": "2"}}


def test_row_with_extra_values_is_named() -> None:
    with pytest.raises(InputError) as err:
        decode.read_table(b"Name,Amount\nA,1\nAcme, Inc,2\n")
    assert "row 3" in str(err.value)
    assert "double quotes" in str(err.value)


# --- files that cannot be read --------------------------------------------------------------------------------


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="empty"):
        decode.read_table(write(tmp_path, "deals.csv", b""))


def test_whitespace_only_file_is_empty() -> None:
    with pytest.raises(InputError, match="empty"):
        decode.read_table(b"\xef\xbb\xbf \r\n\r\n")


def test_header_only_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no data rows"):
        decode.read_table(write(tmp_path, "deals.csv", HEADER.encode()))


def test_header_with_only_blank_rows_is_header_only() -> None:
    with pytest.raises(InputError, match="no data rows"):
        decode.read_table((HEADER + ",,,\n\n").encode())


def test_truncated_csv_unterminated_quote_names_the_row() -> None:
    data = (HEADER + 'OPP-1,Acme,10,2026-01-01\nOPP-2,"Beta Gmb').encode()
    with pytest.raises(InputError) as err:
        decode.read_table(data, name="deals.csv")
    message = str(err.value)
    assert "'deals.csv'" in message and "truncated" in message and "row 3" in message


def test_truncated_csv_ragged_last_row() -> None:
    data = (HEADER + "OPP-1,Acme,10,2026-01-01\nOPP-2,Beta").encode()
    with pytest.raises(InputError) as err:
        decode.read_table(data)
    assert "truncated" in str(err.value) and "row 3" in str(err.value)


def test_short_rows_ending_with_newline_are_padded_not_rejected() -> None:
    table = decode.read_table((HEADER + "OPP-1,Acme\n").encode())
    assert table.frame.loc[2, "Amount"] == ""


def test_truncated_xlsx(tmp_path: Path) -> None:
    data = xlsx_bytes([["Account ID", "Name"], ["A1", "Acme"]])
    with pytest.raises(InputError, match="truncated or damaged"):
        decode.read_table(write(tmp_path, "accounts.xlsx", data[: len(data) // 2]))


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01", "image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
        (bytes(range(256)) * 20, "binary"),
    ],
)
def test_not_a_spreadsheet(tmp_path: Path, data: bytes, what: str) -> None:
    # Named .csv on purpose: the content decides, not the file name.
    with pytest.raises(InputError) as err:
        decode.read_table(write(tmp_path, "deals.csv", data))
    assert what in str(err.value)
    assert "CSV" in str(err.value) and ".xlsx" in str(err.value)


def test_random_zip_is_not_a_workbook() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    with pytest.raises(InputError, match="ZIP archive, not a spreadsheet"):
        decode.read_table(buffer.getvalue(), name="deals.xlsx")


def test_too_large_names_size_and_limit(tmp_path: Path) -> None:
    path = write(tmp_path, "big.csv", (HEADER + "OPP-1,Acme,10,2026-01-01\n" * 100_000).encode())
    with pytest.raises(InputError) as err:
        decode.read_table(path, max_bytes=1024 * 1024)
    message = str(err.value)
    assert "too large" in message and "MB" in message and "1.0 MB" in message and "GTM_UPLOAD_MAX_MB" in message


def test_size_limit_comes_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GTM_MAX_UPLOAD_MB", "2")
    assert decode.max_upload_bytes() == 2 * 1024 * 1024
    monkeypatch.setenv("GTM_MAX_UPLOAD_MB", "lots")
    assert decode.max_upload_bytes() == 50 * 1024 * 1024


def test_no_limit_when_max_bytes_is_none() -> None:
    assert len(decode.read_table((HEADER + "OPP-1,Acme,10,x\n").encode(), max_bytes=None).frame) == 1


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"Name,Amount,Name\nA,1,B\n", "columns A and C have the same header"),
        (b"Name,amount ,AMOUNT\nA,1,2\n", "columns B and C have the same header"),
        (b"Name,,Amount\nA,x,1\n", "column B has no header"),
    ],
)
def test_bad_headers_are_named(data: bytes, fragment: str) -> None:
    with pytest.raises(InputError) as err:
        decode.read_table(data)
    assert fragment in str(err.value)


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        decode.read_table(tmp_path / "nope.csv")


# --- XLSX -----------------------------------------------------------------------------------------------------


def test_xlsx_detected_by_content_and_cells_read_as_people_see_them(tmp_path: Path) -> None:
    data = xlsx_bytes(
        [["Opportunity ID", "Amount", "Probability", "Close Date", "Won"],
         ["OPP-1", 1200.0, 0.45, datetime(2026, 3, 31), True],
         [None, None, None, None, None],
         ["OPP-2", 99.5, None, "31/03/2026", False]],
        {"C2": "0%"},
    )
    table = decode.read_table(write(tmp_path, "upload.bin", data))
    assert table.format == "xlsx" and table.encoding is None and table.delimiter is None
    assert table.frame.loc[2].tolist() == ["OPP-1", "1200", "45%", "2026-03-31", "TRUE"]
    assert table.frame.index.tolist() == [2, 4]
    assert table.frame.loc[4, "Probability"] == ""


def test_xlsx_reads_first_sheet_and_says_so() -> None:
    wb = openpyxl.Workbook()
    first = wb.active
    assert first is not None
    first.title = "Deals"
    first.append(["Opportunity ID", "Amount"])
    first.append(["OPP-1", 5])
    wb.create_sheet("Notes").append(["ignore me"])
    buffer = io.BytesIO()
    wb.save(buffer)
    table = decode.read_table(buffer.getvalue())
    assert table.frame.columns.tolist() == ["Opportunity ID", "Amount"]
    assert any("'Deals'" in note for note in table.notes)


def test_empty_xlsx_is_empty() -> None:
    with pytest.raises(InputError, match="empty"):
        decode.read_table(xlsx_bytes([]))


def test_xlsx_header_only() -> None:
    with pytest.raises(InputError, match="no data rows"):
        decode.read_table(xlsx_bytes([["Account ID", "Name"]]))


# --- speed ----------------------------------------------------------------------------------------------------


def test_reads_100k_rows_whole_and_numbered() -> None:
    """100,000 rows come back whole, numbered as the spreadsheet does (its speed is scripts/bench_read.py's to
    measure: a timed assertion fails on a busy machine, not on slow code)."""
    rows = "".join(f'OPP-{i},Account {i % 900},"${i * 7 % 99_999:,}.50",{i % 28 + 1:02d}/03/2026\n'
                   for i in range(100_000))
    data = (HEADER + rows).encode()
    table = decode.read_table(data)
    assert len(table.frame) == 100_000
    assert table.frame.index[-1] == 100_001


# --- amounts --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234.5", 1234.5),
        ("$1,234.50", 1234.5),
        ("1.234,50 €", 1234.5),
        ("€1.234,50", 1234.5),
        ("1 234,50", 1234.5),
        ("1\u00a0234,50", 1234.5),
        ("(1,200)", -1200.0),
        ("-1,200", -1200.0),
        ("USD 1,200", 1200.0),
        ("1,200.00 USD", 1200.0),
        ("1,234", 1234.0),
        ("1,234,567", 1234567.0),
        ("12,5", 12.5),
        ("0.125", 0.125),
        ("1'234.50", 1234.5),
        ("1.2E+06", 1_200_000.0),
        ("($1,200.50)", -1200.5),
        ("  42  ", 42.0),
    ],
)
def test_amount_forms(text: str, expected: float) -> None:
    values, problems = cells.parse_amounts(pd.Series([text], index=[7]), "Amount")
    assert problems == []
    assert values[0] == pytest.approx(expected)


def test_blank_amount_is_nan_without_problem() -> None:
    values, problems = cells.parse_amounts(pd.Series(["", "5"], index=[2, 3]), "Amount")
    assert np.isnan(values[0]) and values[1] == 5 and problems == []


@pytest.mark.parametrize("text", ["abc", "12k", "1,23.5", "1.2.3,4.5", "$", "TBD", "1,2345,678"])
def test_non_amounts_are_problems_naming_row_column_value_and_forms(text: str) -> None:
    values, problems = cells.parse_amounts(pd.Series(["10", text], index=[2, 3]), "Deal Size")
    assert values[0] == 10 and np.isnan(values[1])
    assert len(problems) == 1
    message = str(problems[0])
    assert "row 3" in message and "'Deal Size'" in message and repr(text) in message
    assert "$1,234.50" in message and "1.234,50 €" in message


def test_lone_thousands_like_value_follows_column_convention() -> None:
    european, _ = cells.parse_amounts(pd.Series(["1.234", "12,50", "1,234"]), "Betrag")
    assert european.tolist() == pytest.approx([1234.0, 12.5, 1.234])
    american, _ = cells.parse_amounts(pd.Series(["1,234", "0.5", "1.234"]), "Amount")
    assert american.tolist() == pytest.approx([1234.0, 0.5, 1.234])


def test_amounts_repeat_problems_for_every_row_with_the_bad_value() -> None:
    _, problems = cells.parse_amounts(pd.Series(["x", "1", "x"], index=[2, 3, 4]), "Amount")
    assert [p.row for p in problems] == [2, 4]


# --- percent --------------------------------------------------------------------------------------------------


def test_percent_forms() -> None:
    values, problems = cells.parse_percent(pd.Series(["45", "45%", "45,5 %", "0.45", "", "100 %"]), "Probability")
    assert problems == []
    assert values[:4].tolist() == pytest.approx([45, 45, 45.5, 0.45])  # 0.45 is 0.45 percent: no guessing
    assert np.isnan(values[4]) and values[5] == 100


def test_percent_rejects_text() -> None:
    _, problems = cells.parse_percent(pd.Series(["high"], index=[9]), "Probability (%)")
    assert len(problems) == 1 and problems[0].row == 9 and "45%" in problems[0].reason


# --- dates ----------------------------------------------------------------------------------------------------


def test_iso_dates_with_and_without_time() -> None:
    dates, problems, note = cells.parse_dates(
        pd.Series(["2026-03-31", "2026-03-31 14:30", "2026-03-31T14:30:00Z", "", "31 Mar 2026", "March 31, 2026"]),
        "Close Date")
    assert problems == [] and note is None
    assert dates.iloc[0] == pd.Timestamp("2026-03-31")
    assert dates.iloc[1] == pd.Timestamp("2026-03-31 14:30")
    assert dates.iloc[2] == pd.Timestamp("2026-03-31 14:30")
    assert pd.isna(dates.iloc[3])
    assert dates.iloc[4] == dates.iloc[5] == pd.Timestamp("2026-03-31")
    assert dates.dtype.kind == "M"


@pytest.mark.parametrize("sep", ["/", ".", "-"])
def test_day_first_decided_by_a_day_above_12(sep: str) -> None:
    values = [f"31{sep}03{sep}2026", f"01{sep}02{sep}2026"]
    dates, problems, note = cells.parse_dates(pd.Series(values), "Close Date")
    assert problems == [] and note is None
    assert dates.tolist() == [pd.Timestamp("2026-03-31"), pd.Timestamp("2026-02-01")]


def test_month_first_decided_by_a_second_part_above_12() -> None:
    dates, problems, note = cells.parse_dates(pd.Series(["03/31/2026", "02/01/2026", "3/4/26"]), "CloseDate")
    assert problems == [] and note is None
    assert dates.tolist() == [pd.Timestamp("2026-03-31"), pd.Timestamp("2026-02-01"), pd.Timestamp("2026-03-04")]


def test_ambiguous_column_is_read_day_first_with_a_note() -> None:
    dates, problems, note = cells.parse_dates(pd.Series(["03/04/2026", "05/06/2026"]), "Close Date")
    assert problems == []
    assert dates.iloc[0] == pd.Timestamp("2026-04-03")
    assert note is not None
    assert "Close Date" in note and "03/04/2026" in note and "dd/mm/yyyy" in note and "mapping file" in note


def test_mapping_file_date_format_overrides_the_guess() -> None:
    dates, problems, note = cells.parse_dates(pd.Series(["03/04/2026"]), "Close Date", dayfirst=False)
    assert dates.iloc[0] == pd.Timestamp("2026-03-04") and note is None and problems == []
    _, problems, _ = cells.parse_dates(pd.Series(["31/03/2026"], index=[4]), "Close Date", dayfirst=False)
    assert len(problems) == 1 and problems[0].row == 4 and "mm/dd/yyyy" in problems[0].reason


def test_conflicting_forms_flag_the_minority_rows() -> None:
    series = pd.Series(["31/03/2026", "20/01/2026", "03/31/2026", "05/06/2026"], index=[2, 3, 4, 5])
    dates, problems, note = cells.parse_dates(series, "Close Date")
    assert [p.row for p in problems] == [4]
    assert "mm/dd/yyyy" in problems[0].reason and "one date format per column" in problems[0].reason
    assert pd.isna(dates.loc[4])
    assert dates.loc[5] == pd.Timestamp("2026-06-05")
    assert note is not None and "both" in note


@pytest.mark.parametrize("text", ["31/02/2026", "2026-13-01", "soon", "2026/03", "32.01.2026"])
def test_invalid_dates_are_problems(text: str) -> None:
    dates, problems, _ = cells.parse_dates(pd.Series([text], index=[6]), "Close Date")
    assert pd.isna(dates.iloc[0])
    assert len(problems) == 1 and problems[0].row == 6 and problems[0].value == text
    assert "date" in problems[0].reason


def test_old_mac_line_endings() -> None:
    table = decode.read_table(b"Name;Amount\r1;2\r3;4\r")
    assert table.delimiter == ";"
    assert table.frame.to_dict("index") == {2: {"Name": "1", "Amount": "2"}, 3: {"Name": "3", "Amount": "4"}}
