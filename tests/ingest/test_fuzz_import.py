"""Fuzzing the reader and the importer: whatever the bytes, only a message for people, in bounded memory,
and a refused import writes nothing.

Random bytes, text in several encodings (with and without BOMs), headers real and invented, hostile cells,
and hand-made workbooks (odd and huge declared ranges, cells far away, empty and many sheets). The broad, slow
corpus (hundreds of files, both kinds, SQLite and PostgreSQL) is scripts/fuzz_import.py, outside CI.
"""

from __future__ import annotations

import codecs
import io
import math
import tracemalloc
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_budget import examples  # tests/hypothesis_budget.py: fewer in CI, all when thorough

from gtm.domain.errors import GtmError
from gtm.domain.permissions import ADMIN
from gtm.ingest import decode
from gtm.services.imports import commit_import, plan_import
from gtm.storage.repository import Store

MEMORY_CAP = 256 * 2**20  # Python allocations while reading one fuzzed file (all are at most a few hundred kB)
FUZZ = settings(deadline=5000, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

HEADERS = ["Account ID", "Account Name", "Opportunity ID", "Amount", "Close Date", "Probability (%)", "Stage",
           "Industry", "Annual Revenue", "Nature", "Currency", "Business Unit", "name", "value", "", "Amount"]
HOSTILE = ["1e309", "4e308", "-inf", "nan", "NaN", "1" * 400, "9" * 5000, "٣٤٥", "１２３", "١٬٢٣٤٫٥", "3000-01-01",
           "0001-01-01", "9999-12-31", "2026-01-01T10:00+25:00", "2026-02-30", "\x00", "a\x00b", "\x07\x1b",
           "=1+1", "'", '"', '""', "\ufeff", "\u202e", "\ud7ff", "€", "$1,234.50", "1.234,50 €", "(1,200)",
           "45%", "31/12/2026", "12/31/2026", "Turnkey", "ACC-1", "", " ", "\r", "\n", ",", ";", "\t"]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252"]

cells = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=12), st.integers().map(str),
                  st.floats(allow_nan=True, allow_infinity=True).map(repr))


@st.composite
def text_files(draw: st.DrawFn) -> bytes:
    """A delimited text file: real or invented headers, hostile cells, any delimiter, encoding and line end."""
    width = draw(st.integers(1, 8))
    header = draw(st.lists(st.one_of(st.sampled_from(HEADERS), st.text(max_size=10)), min_size=width,
                           max_size=width))
    rows = draw(st.lists(st.lists(cells, min_size=0, max_size=width + 2), max_size=12))
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    newline = draw(st.sampled_from(["\r\n", "\n", "\r"]))
    quote = draw(st.booleans())

    def cell(value: str) -> str:
        return '"' + value.replace('"', '""') + '"' if quote or delimiter in value or '"' in value else value

    text = newline.join(delimiter.join(cell(c) for c in row) for row in [header, *rows])
    if draw(st.booleans()):
        text += newline
    encoding = draw(st.sampled_from(ENCODINGS))
    data = text.encode(encoding, errors="replace")
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]  # cut off anywhere, even mid-character
    return data


def _sheet(cells_xml: str, dimension: str | None) -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension is not None else ""
    return ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            f'spreadsheetml/2006/main">{dim}<sheetData>{cells_xml}</sheetData></worksheet>')


def handmade_workbook(sheets: list[tuple[str | None, list[tuple[int, str, str]]]]) -> bytes:
    """A minimal .xlsx: per sheet an optional <dimension ref> and (row, column letters, inline text) cells."""
    out = io.BytesIO()
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel_ns = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                   'spreadsheetml.sheet.main+xml"/>' + "".join(
                       f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.'
                       'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                       for i in range(1, len(sheets) + 1)) + "</Types>")
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<?xml version="1.0"?><workbook {ns} {rel_ns}><sheets>' + "".join(
            f'<sheet name="S{i}" sheetId="{i}" r:id="rId{i}"/>' for i in range(1, len(sheets) + 1))
            + "</sheets></workbook>")
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/relationships">' + "".join(
                       f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                       f'relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
                       for i in range(1, len(sheets) + 1)) + "</Relationships>")
        for i, (dimension, sheet_cells) in enumerate(sheets, start=1):
            by_row: dict[int, list[str]] = {}
            for row, col, value in sorted(sheet_cells):
                text = value.replace("&", "&amp;").replace("<", "&lt;")
                by_row.setdefault(row, []).append(f'<c r="{col}{row}" t="inlineStr"><is><t>{text}</t></is></c>')
            xml = "".join(f'<row r="{r}">{"".join(c)}</row>' for r, c in by_row.items())
            z.writestr(f"xl/worksheets/sheet{i}.xml", _sheet(xml, dimension))
    return out.getvalue()


COLUMNS = ["A", "B", "C", "D", "Z", "AA", "SS", "ZZ", "ALL", "XFD"]
ROWS = st.one_of(st.integers(1, 12), st.sampled_from([250_001, 999_999, 1_048_576]))
xml_text = st.one_of(st.sampled_from([h for h in HOSTILE if not any(ord(c) < 32 and c not in "\t\n\r" for c in h)
                                      and "\ud7ff" not in h]), st.sampled_from(HEADERS),
                     st.text(st.characters(min_codepoint=32, max_codepoint=0xD7FF), max_size=8))


@st.composite
def workbooks(draw: st.DrawFn) -> bytes:
    """Hand-made workbooks: odd or huge declared ranges, cells far away, empty sheets, many sheets."""
    sheets = []
    for _ in range(draw(st.integers(1, 3)) if draw(st.integers(0, 9)) else 40):
        dimension = draw(st.one_of(st.none(), st.sampled_from(["A1", "A1:XFD1048576", "A1:D5", "B3:A1", "ZZZZ9",
                                                               "A0", "", "A1:XFE2", "A1:B1048577"])))
        sheet_cells = draw(st.lists(st.tuples(ROWS, st.sampled_from(COLUMNS), xml_text), max_size=15,
                                    unique_by=lambda c: (c[0], c[1])))
        sheets.append((dimension, sheet_cells))
    return handmade_workbook(sheets)


files = st.one_of(st.binary(max_size=2000), text_files(), workbooks(),
                  st.binary(max_size=200).map(lambda b: codecs.BOM_UTF8 + b),
                  st.binary(max_size=200).map(lambda b: b"PK\x03\x04" + b))


def read_within_bounds(data: bytes) -> None:
    """Read ``data``; only a GtmError may come out, and Python's allocations stay under the cap."""
    tracemalloc.start()
    try:
        decode.read_table(data, name="fuzz.csv")
    except GtmError as exc:
        assert str(exc).strip() and "Traceback" not in str(exc)
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert peak < MEMORY_CAP, f"{peak / 2**20:.0f} MB while reading {len(data)} bytes"


@settings(FUZZ, max_examples=examples(700))
@given(files)
def test_reading_any_file_gives_a_table_or_a_message(data: bytes) -> None:
    read_within_bounds(data)


@pytest.fixture(scope="module")
def fuzz_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """One SQLite store for every example, holding two accounts the fuzzed opportunities may refer to."""
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.db'}")
    plan = plan_import(store, "accounts", b"Account ID,Account Name\nACC-1,Acme\nACC-2,Globex\n", name="seed.csv")
    commit_import(store, plan, ADMIN)
    yield store
    store.dispose()


def _counts(store: Store) -> dict[str, int]:
    return dict(store.counts())


@settings(FUZZ, max_examples=examples(250))
@given(data=st.one_of(text_files(), workbooks()), kind=st.sampled_from(["accounts", "opportunities"]),
       skip_invalid=st.booleans())
def test_importing_any_file_writes_all_valid_rows_or_nothing(fuzz_store: Store, data: bytes, kind: str,
                                                             skip_invalid: bool) -> None:
    before = _counts(fuzz_store)
    version = fuzz_store.data_version()
    try:
        plan = plan_import(fuzz_store, kind, data, name="fuzz.csv")
        commit_import(fuzz_store, plan, ADMIN, skip_invalid=skip_invalid)
    except GtmError:
        assert _counts(fuzz_store) == before and fuzz_store.data_version() == version  # refused: nothing written
        return
    values = fuzz_store.opportunities()["value"].dropna().tolist() + fuzz_store.accounts()["revenue"].dropna().tolist()
    assert all(math.isfinite(v) and abs(v) <= 1e15 for v in values)
    names = fuzz_store.accounts()["name"].dropna().tolist() + fuzz_store.opportunities()["name"].dropna().tolist()
    assert not any("\x00" in n for n in names)


def test_the_handmade_workbook_reads(tmp_path: Path) -> None:
    """The fuzzer's workbook builder makes files openpyxl reads, so the fuzzing reaches the cells."""
    data = handmade_workbook([("A1:B2", [(1, "A", "Account ID"), (1, "B", "Account Name"), (2, "A", "ACC-9"),
                                         (2, "B", "Initech")])])
    (tmp_path / "hand.xlsx").write_bytes(data)
    table = decode.read_table(tmp_path / "hand.xlsx")
    assert table.frame.to_dict("records") == [{"Account ID": "ACC-9", "Account Name": "Initech"}]
