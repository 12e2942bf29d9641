"""Exports open in a spreadsheet without running anything."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from gtm.export import tables

DANGEROUS = ["=1+1", "+SUM(A1:A9)", "-2+3", "@cmd", "\t=1", "\r=1", "＝1+1", "＋1", "－1", "＠x"]


def frame() -> pd.DataFrame:
    return pd.DataFrame({
        "account": ["=HYPERLINK(\"http://evil\")", "Acme", "+1-555", "-x", "@SUM(1)", "\tTab", "\rCR", "plain",
                    None],
        "value": [-5, 10, 0, -1200, 3, 4, 5, 6, 7],
        "ratio": [-0.5, 1.5, 0.0, 2.0, 3.0, 4.0, 5.0, 6.0, float("nan")],
        "mixed": ["=a", 1, -3, None, "b", "x", "y", "-z", 2.5],
        "nature": pd.Categorical(["=bad", "cross_sell", "=bad", "turnkey", "turnkey", "turnkey", "turnkey",
                                  "turnkey", "turnkey"]),
    })


@pytest.mark.parametrize("text", DANGEROUS)
def test_every_trigger_gets_a_leading_quote(text: str) -> None:
    out = tables.neutralise(pd.DataFrame({"note": [text, "safe"]}))
    assert out["note"].tolist() == ["'" + text, "safe"]


def test_numbers_stay_numbers_and_negative_numbers_are_untouched() -> None:
    out = tables.neutralise(frame())
    assert out["value"].tolist() == [-5, 10, 0, -1200, 3, 4, 5, 6, 7]
    assert out["value"].dtype == frame()["value"].dtype
    assert out["ratio"].iloc[0] == -0.5 and out["ratio"].dtype.kind == "f"
    assert out["mixed"].tolist()[:3] == ["'=a", 1, -3]  # numbers inside an object column too
    assert out["mixed"].iloc[7] == "'-z" and out["mixed"].iloc[8] == 2.5
    assert out["mixed"].iloc[3] is None


def test_text_and_categories_and_headers_are_neutralised() -> None:
    source = frame().rename(columns={"account": "=Account"})
    out = tables.neutralise(source)
    assert next(iter(out.columns)) == "'=Account"
    assert out.iloc[:, 0].tolist()[:8] == ["'=HYPERLINK(\"http://evil\")", "Acme", "'+1-555", "'-x", "'@SUM(1)",
                                           "'\tTab", "'\rCR", "plain"]
    assert pd.isna(out.iloc[8, 0])
    assert out["nature"].tolist()[:2] == ["'=bad", "cross_sell"]
    assert isinstance(out["nature"].dtype, pd.CategoricalDtype)
    assert source.iloc[0, 0].startswith("=")  # the caller's frame is not modified


def test_pandas_string_dtype_is_neutralised() -> None:
    out = tables.neutralise(pd.DataFrame({"s": pd.array(["=1", "ok", None], dtype="string")}))
    assert out["s"].tolist()[:2] == ["'=1", "ok"]
    assert pd.isna(out["s"].iloc[2])


def test_csv_bytes_have_bom_and_open_as_text(tmp_path: Path) -> None:
    data = tables.to_csv_bytes(frame())
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert len(rows) == 10  # the cell holding a carriage return stays inside its row
    assert rows[0] == ["account", "value", "ratio", "mixed", "nature"]
    assert rows[1][0].startswith("'=") and rows[1][1] == "-5"  # negative number written as a number
    assert all(not cell.startswith(("=", "+", "@")) for row in rows for cell in row)
    assert not tables.to_csv_bytes(frame(), bom=False).startswith(b"\xef\xbb\xbf")


def test_csv_has_no_index_column() -> None:
    data = tables.to_csv_bytes(pd.DataFrame({"a": [1]}, index=["=idx"]))
    assert data.decode("utf-8-sig").splitlines() == ["a", "1"]


def test_openpyxl_would_write_an_unneutralised_text_as_a_formula() -> None:
    # Why neutralising before writing matters: openpyxl turns any text starting with '=' into a formula.
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"] = "=1+1"
    assert ws["A1"].data_type == "f"


def test_xlsx_round_trip_has_no_formula_cells(tmp_path: Path) -> None:
    source = frame().rename(columns={"account": "=Account"})
    source["closed"] = pd.date_range("2026-01-01", periods=len(source), freq="D", tz="Europe/Paris")
    long_name = "Opportunities flagged overkill in EMEA"
    data = tables.to_xlsx_bytes({long_name: source, "a/b": pd.DataFrame({"x": ["=2"]})})
    path = tmp_path / "export.xlsx"
    path.write_bytes(data)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [long_name[:31], "a_b"]
    ws = wb.worksheets[0]
    cells = [cell for row in ws.iter_rows() for cell in row]
    assert cells and not [c.coordinate for c in cells if c.data_type == "f"]
    assert ws["A1"].value == "'=Account" and ws["A2"].value.startswith("'=HYPERLINK")
    assert ws["B2"].value == -5 and ws["B2"].data_type == "n"
    # Excel has no time zones: the cell is a date in UTC (midnight in Paris is 23:00 UTC) and its format says UTC.
    assert ws["F2"].value == dt.datetime(2025, 12, 31, 23, 0) and ws["F2"].value.tzinfo is None
    assert ws["F2"].is_date and '"UTC"' in ws["F2"].number_format
    assert wb.worksheets[1]["A2"].value == "'=2"


def test_sheet_names_stay_unique_after_truncation() -> None:
    name = "x" * 40
    data = tables.to_xlsx_bytes({name: pd.DataFrame({"a": [1]}), name + "y": pd.DataFrame({"a": [2]})})
    names = openpyxl.load_workbook(io.BytesIO(data)).sheetnames
    assert len(set(names)) == 2 and all(len(n) <= 31 for n in names)


def test_neutralise_handles_large_frames_whole() -> None:
    big = pd.DataFrame({"t": ["=x", "ok", "-1"] * 100_000, "n": range(300_000)})
    out = tables.neutralise(big)
    assert out["t"].iloc[0] == "'=x" and out["t"].iloc[1] == "ok" and out["t"].iloc[-1] == "'-1"
    assert out["n"].iloc[-1] == 299_999


def test_exports_write_timestamps_in_iso_with_their_zone_and_ids_as_integers() -> None:
    import datetime as dt

    from gtm.export.tables import plain_values

    frame = pd.DataFrame({
        "decision_id": [4.0, None], "value": [1.5, 2.0],
        "created_at": pd.to_datetime(["2026-11-27 16:45:04", None]),
        "reviewed_at": pd.to_datetime(["2026-11-27 17:45:04+01:00", "2026-01-01 00:00:00+00:00"], utc=True),
        "when": [dt.date(2026, 1, 2), None],
    })
    out = plain_values(frame)
    assert out["decision_id"].tolist()[0] == 4 and str(out["decision_id"].dtype) == "Int64"
    assert out["created_at"].iloc[0] == "2026-11-27T16:45:04+00:00" and pd.isna(out["created_at"].iloc[1])  # UTC
    assert out["reviewed_at"].tolist() == ["2026-11-27T16:45:04+00:00", "2026-01-01T00:00:00+00:00"]
    assert out["value"].tolist() == [1.5, 2.0] and frame["decision_id"].dtype == float  # the input is left as it was
    text = tables.to_csv_bytes(frame).decode("utf-8-sig")
    assert "4,1.5,2026-11-27T16:45:04+00:00" in text and "4.0" not in text


def test_the_european_csv_uses_semicolons_and_decimal_commas_and_still_neutralises() -> None:
    frame = pd.DataFrame({"name": ["=HYPERLINK(1)", "Acme; Co"], "value": [1234.5, -2.25]})
    text = tables.to_csv_bytes(frame, sep=";").decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "name;value"
    assert lines[1] == "'=HYPERLINK(1);1234,5" and lines[2] == '"Acme; Co";-2,25'
