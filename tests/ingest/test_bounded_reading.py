"""Bounded reading: a file beyond a limit is refused at once, naming the limit and the setting that raises it."""

from __future__ import annotations

import io
import os
import re
import resource
import subprocess
import sys
import threading
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pytest

from gtm.domain.errors import InputError
from gtm.ingest import decode, delimited, reading, xlsx
from gtm.ingest.limits import Limit, Limits


def workbook(cells: dict[str, object], *, dimension: bool = True) -> bytes:
    """A one-sheet workbook with these cells; without its <dimension> element when ``dimension`` is False."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for ref, value in cells.items():
        ws[ref] = value
    buffer = io.BytesIO()
    wb.save(buffer)
    data = buffer.getvalue()
    if dimension:
        return data
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                part = re.sub(rb"<dimension[^>]*/>", b"", part)
            target.writestr(info.filename, part)
    return out.getvalue()


BOMB = {"A1": "Account ID", "B1": "Account Name", "XFD2": "x", "A1048576": "y"}


@pytest.mark.parametrize("dimension", [True, False], ids=["declared", "undeclared"])
@pytest.mark.parametrize("limits", [Limits.upload(), Limits.command_line()], ids=["upload", "command line"])
def test_a_tiny_workbook_reaching_column_xfd_is_refused_in_little_memory(dimension: bool, limits: Limits) -> None:
    data = workbook(BOMB, dimension=dimension)
    assert len(data) < 6000
    tracemalloc.start()
    try:
        with pytest.raises(InputError) as caught:
            decode.read_table(data, name="bomb.xlsx", limits=limits)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    message = str(caught.value)
    if limits.profile == "upload" and not dimension:
        # Its row 1,048,576 is found by the scan of the sheet's XML, before openpyxl parses row 2 and its XFD.
        assert "too large" in message and "row 250,001 or beyond" in message and "GTM_UPLOAD_MAX_ROWS" in message
    else:
        setting = "GTM_UPLOAD_MAX_COLUMNS" if limits.profile == "upload" else "GTM_CLI_MAX_COLUMNS"
        assert "too large" in message and "XFD" in message and "16,384 columns" in message and setting in message
    assert peak < 20 * 2**20  # it took 8 GB when every row was padded to column XFD


def test_a_row_far_down_is_refused_for_uploads_and_read_sparsely_on_the_command_line() -> None:
    data = workbook({"A1": "Account ID", "B1": "Account Name", "A1048576": "ACC-1", "B1048576": "Acme"},
                    dimension=False)
    with pytest.raises(InputError, match=r"row 250,001 or beyond.*250,000 rows.*GTM_UPLOAD_MAX_ROWS"):
        decode.read_table(data, name="far.xlsx")
    table = decode.read_table(data, name="far.xlsx", limits=Limits.command_line())
    assert table.frame.index.tolist() == [1_048_576]  # its spreadsheet row, and no million blank rows in memory
    assert table.frame.loc[1_048_576, "Account Name"] == "Acme"


def test_a_declared_dimension_beyond_the_row_limit_is_refused_before_any_row_is_read(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GTM_UPLOAD_MAX_ROWS", "100")
    data = workbook({"A1": "Account ID", "B1": "Account Name", "A2": "ACC-1", "B500": "x"})
    with pytest.raises(InputError, match=r"declares the range A1:B500 \(500 rows\).*100 rows.*GTM_UPLOAD_MAX_ROWS"):
        decode.read_table(data, name="long.xlsx")


def test_csv_rows_columns_cells_and_cell_length_each_name_their_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GTM_UPLOAD_MAX_ROWS", "10")
    body = b"Account ID,Account Name\n" + b"".join(b"A%d,Name %d\n" % (i, i) for i in range(20))
    with pytest.raises(InputError, match=r"more than 10 rows.*GTM_UPLOAD_MAX_ROWS"):
        decode.read_table(body)
    assert len(decode.read_table(body, limits=Limits.command_line()).frame) == 20

    wide = ",".join(f"c{i}" for i in range(600)).encode() + b"\n" + b"1," * 599 + b"1\n"
    with pytest.raises(InputError, match=r"header row has 600 columns.*500 columns.*GTM_UPLOAD_MAX_COLUMNS"):
        decode.read_table(wide)

    monkeypatch.delenv("GTM_UPLOAD_MAX_ROWS")
    monkeypatch.setenv("GTM_UPLOAD_MAX_CELLS", "30")
    with pytest.raises(InputError, match=r"more than 30 cells.*GTM_UPLOAD_MAX_CELLS"):
        decode.read_table(body)

    long_cell = b"Account ID,Account Name\nA1," + b"x" * 40_000 + b"\n"
    with pytest.raises(InputError) as caught:
        decode.read_table(long_cell)
    assert "row 2, column B holds 40,000 characters" in str(caught.value)
    assert "32,767 characters in one cell" in str(caught.value) and "GTM_UPLOAD_MAX_CELL_CHARS" in str(caught.value)
    assert caught.value.problems[0].row == 2


def test_a_workbook_that_unpacks_beyond_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GTM_UPLOAD_MAX_UNZIPPED_MB", "0.01")
    data = workbook({f"A{i}": "x" * 50 for i in range(1, 400)})
    with pytest.raises(InputError, match=r"unpacks to .*GTM_UPLOAD_MAX_UNZIPPED_MB"):
        decode.read_table(data, name="packed.xlsx")


def test_limits_come_from_the_environment_and_ignore_nonsense(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GTM_CLI_MAX_ROWS", "2_000_000")
    monkeypatch.setenv("GTM_CLI_MAX_MB", "inf")
    monkeypatch.setenv("GTM_UPLOAD_MAX_COLUMNS", "-3")
    assert Limits.command_line().max_rows.value == 2_000_000
    assert Limits.command_line().max_bytes.value == 400 * 2**20
    assert Limits.upload().max_columns.value == 500
    assert Limits.command_line().max_rows.value > 1_000_000 >= Limits.upload().max_rows.value


def test_control_characters_are_removed_with_a_note() -> None:
    table = decode.read_table(b"Account ID,Account Name\nA1,Ac\x00me\x07 Corp\nA2,Plain\n")
    assert table.frame["Account Name"].tolist() == ["Acme Corp", "Plain"]
    assert any("Removed control characters" in n and "'Account Name'" in n and "row 2" in n for n in table.notes)


# --- workbooks made by hand, and reading in a child process of little memory -----------------------------------

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
ROOT = Path(__file__).resolve().parents[2]


def handmade(sheet_data: str, strings: bytes | None = None, *, prefix: str = "") -> bytes:
    """A minimal valid workbook: one sheet of ``sheet_data`` (its <row> elements, tags under ``prefix`` such as
    "x:"), and ``strings`` as its whole shared-strings part if given."""
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    xmlns = f'xmlns{":" + prefix.rstrip(":") if prefix else ""}="{MAIN}"'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                   'content-types"><Default Extension="xml" ContentType="application/xml"/>'
                   f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
                   f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.worksheet+xml"/>'
                   + (f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ct}.sharedStrings+xml"/>'
                      if strings is not None else "") + "</Types>")
        z.writestr("_rels/.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                   f'relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
                   "</Relationships>")
        z.writestr("xl/workbook.xml", f'<workbook xmlns="{MAIN}" xmlns:r="{rel}"><sheets><sheet name="Export" '
                   'sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/'
                   f'2006/relationships"><Relationship Id="rId1" Type="{rel}/worksheet" '
                   f'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{rel}/sharedStrings" '
                   'Target="sharedStrings.xml"/></Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", f"<{prefix}worksheet {xmlns}><{prefix}sheetData>{sheet_data}"
                                               f"</{prefix}sheetData></{prefix}worksheet>")
        if strings is not None:
            z.writestr("xl/sharedStrings.xml", strings)
    return out.getvalue()


def shared(entries: bytes, *, prefix: bytes = b"") -> bytes:
    xmlns = b"xmlns" + (b":" + prefix.rstrip(b":") if prefix else b"")
    return b"<" + prefix + b"sst " + xmlns + b'="' + MAIN.encode() + b'">' + entries + b"</" + prefix + b"sst>"


HEADER_FROM_STRINGS = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'

# The child reads the file under an address-space limit of its own imports plus ``sys.argv[3]`` MB.
READ_IN_LITTLE_MEMORY = """
import resource, sys
from pathlib import Path
from gtm.domain.errors import InputError
from gtm.ingest import decode
from gtm.ingest.limits import Limits
import openpyxl.reader.excel  # loaded before the limit, like the rest of the reader

with open("/proc/self/status") as status:
    size = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))
resource.setrlimit(resource.RLIMIT_AS, (size + int(sys.argv[3]) * 2**20,) * 2)
try:
    decode.read_table(Path(sys.argv[1]), limits=Limits.upload() if sys.argv[2] == "upload" else Limits.command_line())
    print("read")
except InputError as exc:
    print(f"refused: {exc}")
"""


def read_in_little_memory(path: Path, profile: str, megabytes: int) -> str:
    child = subprocess.run([sys.executable, "-c", READ_IN_LITTLE_MEMORY, str(path), profile, str(megabytes)],
                           capture_output=True, text=True, timeout=120, cwd=ROOT,
                           env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})
    assert child.returncode == 0, child.stderr[-2000:]
    return child.stdout


def inline(row: int, *values: str, numbered: bool = True, prefix: str = "") -> str:
    """A <row> of inline-text cells in columns A, B ..., with their numbers (r="B2") when ``numbered``."""
    p = prefix
    cells = "".join((f'<{p}c r="{chr(65 + i)}{row}"' if numbered else f"<{p}c")
                    + f' t="inlineStr"><{p}is><{p}t>{value}</{p}t></{p}is></{p}c>' for i, value in enumerate(values))
    return (f'<{p}row r="{row}">' if numbered else f"<{p}row>") + cells + f"</{p}row>"


# --- XLSX: shared strings, rows and cells measured from the raw XML, before openpyxl ----------------------------


def test_a_shared_strings_bomb_is_refused_before_openpyxl_holds_it(tmp_path: Path) -> None:
    # 2,000,001 two-letter texts (36 MB unzipped, 70 kB zipped): one more than the upload limit. openpyxl held
    # such a table whole, about 190 bytes an entry, before the first row: here that is beyond the 200 MB allowed.
    path = tmp_path / "bomb.xlsx"
    entries = Limits.upload().max_shared_strings.value + 1
    path.write_bytes(handmade(HEADER_FROM_STRINGS, shared(b"<si><t>ab</t></si>" * entries)))
    assert path.stat().st_size < 200_000
    out = read_in_little_memory(path, "upload", 200)
    assert out.startswith("refused: 'bomb.xlsx' is too large: its shared-strings table holds more than 2,000,000 "
                          "distinct texts; the limit for uploads is 2,000,000 distinct texts"), out
    assert "GTM_UPLOAD_MAX_SHARED_STRINGS." in out


def test_a_shared_strings_table_beyond_its_size_limit_is_refused_unread(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GTM_CLI_MAX_SHARED_STRINGS_MB", "0.5")
    data = handmade(HEADER_FROM_STRINGS, shared(b"<si><t>%s</t></si>" % (b"x" * 90) * 6000))  # 0.6 MB
    with pytest.raises(InputError) as caught:
        decode.read_table(data, name="long texts.xlsx", limits=Limits.command_line())
    assert str(caught.value) == (
        "'long texts.xlsx' is too large: its shared-strings table (the distinct texts of its cells) unpacks to "
        "0.6 MB; the limit on the command line is 0.5 MB. Export fewer columns or rows, or raise the limit with "
        "GTM_CLI_MAX_SHARED_STRINGS_MB.")


ENTRY_FORMS = [b"<si><t>Account ID</t></si>", b"<si><t>Account Name</t></si>", b"<si/>", b'<si\n><t>a</t></si>',
               b'<si xml:space="preserve"><t> b </t></si>', b"<si><r><t>rich</t></r><r><t> text</t></r></si>",
               b"<si><t>a&lt;si>b</t></si>"]


@pytest.mark.parametrize("prefix", [b"", b"x:"], ids=["plain", "prefixed"])
def test_shared_strings_are_counted_exactly_whatever_their_form_and_wherever_a_piece_ends(
        prefix: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    entries = [e.replace(b"<", b"<" + prefix).replace(b"<" + prefix + b"/", b"</" + prefix)
               for e in ENTRY_FORMS] * 3
    strings = shared(b"".join(entries), prefix=prefix)
    monkeypatch.setattr(xlsx, "_PIECE", 7)  # every tag is cut by a piece somewhere
    monkeypatch.setenv("GTM_UPLOAD_MAX_SHARED_STRINGS", str(len(entries)))
    table = decode.read_table(handmade(HEADER_FROM_STRINGS + '<row r="2"><c r="A2" t="s"><v>5</v></c>'
                                       '<c r="B2" t="s"><v>20</v></c></row>', strings))
    assert table.frame.to_dict("records") == [{"Account ID": "rich text", "Account Name": "a<si>b"}]
    monkeypatch.setenv("GTM_UPLOAD_MAX_SHARED_STRINGS", str(len(entries) - 1))
    with pytest.raises(InputError, match=f"more than {len(entries) - 1} distinct texts.*GTM_UPLOAD_MAX_SHARED_STRINGS"):
        decode.read_table(handmade(HEADER_FROM_STRINGS, strings))


def parsed_rows(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the rows openpyxl parses from now on."""
    from openpyxl.worksheet._reader import WorkSheetParser

    parsed: list[int] = []
    parse_row = WorkSheetParser.parse_row

    def counting(self: WorkSheetParser, row: object) -> object:
        parsed.append(1)
        return parse_row(self, row)

    monkeypatch.setattr(WorkSheetParser, "parse_row", counting)
    return parsed


def test_a_sheet_of_250001_records_is_refused_before_openpyxl_parses_a_row(monkeypatch: pytest.MonkeyPatch) -> None:
    # The probe's file: 250,001 records (rows 2 to 250,002) and no declared range; 58 s of openpyxl before.
    rows = "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(2, 250_003))
    data = handmade('<row r="1"><c r="A1" t="inlineStr"><is><t>Account ID</t></is></c></row>' + rows)
    parsed = parsed_rows(monkeypatch)
    with pytest.raises(InputError, match=r"row 250,001 or beyond.*250,000 rows.*GTM_UPLOAD_MAX_ROWS"):
        decode.read_table(data, name="long.xlsx")
    assert parsed == []


@pytest.mark.parametrize("form", ["numbered", "unnumbered", "prefixed"])
def test_the_row_and_cell_scan_counts_as_openpyxl_does(form: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """At the limit the sheet reads; one row or one cell more is refused before openpyxl parses a row."""
    prefix = "x:" if form == "prefixed" else ""

    def sheet(records: int) -> bytes:
        return handmade("".join(inline(r, *(("Account ID", "Account Name") if r == 1 else (f"A{r}", f"Name {r}")),
                                       numbered=form != "unnumbered", prefix=prefix) for r in range(1, records + 2)),
                        prefix=prefix)

    monkeypatch.setattr(xlsx, "_PIECE", 11)  # every tag is cut by a piece somewhere
    monkeypatch.setenv("GTM_UPLOAD_MAX_ROWS", "40")
    assert decode.read_table(sheet(39)).frame.index[-1] == 40
    parsed = parsed_rows(monkeypatch)
    with pytest.raises(InputError, match=r"row 41 or beyond.*40 rows.*GTM_UPLOAD_MAX_ROWS"):
        decode.read_table(sheet(40))
    assert parsed == []

    monkeypatch.delenv("GTM_UPLOAD_MAX_ROWS")
    monkeypatch.setenv("GTM_UPLOAD_MAX_CELLS", "60")
    assert decode.read_table(sheet(29)).frame.shape == (29, 2)  # 30 rows of 2 cells
    parsed.clear()
    with pytest.raises(InputError, match=r"more than 60 cells \(its first sheet holds 6[12] or more\).*"
                                         r"GTM_UPLOAD_MAX_CELLS"):
        decode.read_table(sheet(30))
    assert parsed == []


# --- the time limit -------------------------------------------------------------------------------------------------


def ticking(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """A clock that moves one second each time the reader looks at it; returns the times it was read at."""
    seen: list[float] = []

    def clock() -> float:
        seen.append(float(len(seen)))
        return seen[-1]

    monkeypatch.setattr(reading, "_clock", clock)
    return seen


def test_a_csv_read_that_takes_too_long_is_stopped_between_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(delimited, "_CHUNK_ROWS", 10)
    monkeypatch.setenv("GTM_UPLOAD_MAX_SECONDS", "4")
    body = b"Account ID,Account Name\n" + b"".join(b"A%d,Name %d\n" % (i, i) for i in range(100))
    assert len(decode.read_table(body).frame) == 100  # with time to spare
    ticking(monkeypatch)
    with pytest.raises(InputError) as caught:
        decode.read_table(body, name="slow.csv")
    # The clock: 0 at the start, 1 after checking the text, then 2, 3, 4 and 5 after rows 10, 20, 30 and 40.
    assert str(caught.value) == (
        "'slow.csv' is too large: reading it takes more than 4 seconds (stopped at row 40); the limit for uploads "
        "is 4 seconds of reading. Export fewer columns or rows, or raise the limit with GTM_UPLOAD_MAX_SECONDS.")


def test_an_xlsx_read_that_takes_too_long_is_stopped_between_blocks_of_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    data = handmade("".join(inline(r, "Account ID" if r == 1 else f"A{r}", "Account Name" if r == 1 else "Acme")
                            for r in range(1, 200)))
    monkeypatch.setattr(xlsx, "_CHECK_EVERY", 30)  # rows plus cells: a look at the clock every 10 rows of 2 cells
    monkeypatch.setenv("GTM_CLI_MAX_SECONDS", "5")
    ticking(monkeypatch)
    with pytest.raises(InputError) as caught:
        decode.read_table(data, name="slow.xlsx", limits=Limits.command_line())
    # The clock: 0 at the start, 1 after the scan of the sheet, 2 once the workbook is open, then 3, 4, 5 and 6
    # at rows 11, 21, 31 and 41.
    assert str(caught.value) == (
        "'slow.xlsx' is too large: reading it takes more than 5 seconds (stopped at row 41 of its first sheet); "
        "the limit on the command line is 5 seconds of reading. Export fewer columns or rows, or raise the limit "
        "with GTM_CLI_MAX_SECONDS.")


def test_the_time_limits_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Limits.upload().max_seconds.value < Limits.command_line().max_seconds.value
    monkeypatch.setenv("GTM_UPLOAD_MAX_SECONDS", "30")
    monkeypatch.setenv("GTM_CLI_MAX_SECONDS", "0")  # nonsense: the default stays
    assert Limits.upload().max_seconds == Limit(30, "seconds of reading", "GTM_UPLOAD_MAX_SECONDS")
    assert Limits.command_line().max_seconds.value == 900


# --- paths that are not regular files -------------------------------------------------------------------------------


def test_dev_zero_is_refused_at_once_in_little_memory(tmp_path: Path) -> None:
    out = read_in_little_memory(Path("/dev/zero"), "command line", 200)
    assert out == "refused: '/dev/zero' is a device, not a file. Save the export as a file and import that file.\n"


def test_gtm_import_of_dev_zero_is_a_message(tmp_path: Path) -> None:
    def little_memory() -> None:  # in the child: a run away read fails fast instead of taking the machine
        resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30,) * 2)

    child = subprocess.run([sys.executable, "-m", "gtm", "import", "accounts", "/dev/zero", "--database",
                            f"sqlite:///{tmp_path / 'gtm.db'}"], capture_output=True, text=True, timeout=120,
                           cwd=ROOT, preexec_fn=little_memory)
    assert (child.returncode, child.stdout) == (2, "")
    assert child.stderr == ("error: '/dev/zero' is a device, not a file. Save the export as a file and import "
                            "that file.\n")


def write_to_fifo(path: Path, data: bytes) -> threading.Thread:
    """A writer that opens the FIFO (waiting for its reader) and writes ``data``; a reader that stops is fine."""
    def write() -> None:
        try:
            with path.open("wb") as fifo:
                fifo.write(data)
        except BrokenPipeError:
            pass

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    return writer


def test_a_pipe_is_read_up_to_the_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fifo = tmp_path / "export"
    os.mkfifo(fifo)
    body = b"Account ID,Account Name\n" + b"".join(b"A%d,Name %d\n" % (i, i) for i in range(50_000))  # 0.9 MB
    writer = write_to_fifo(fifo, body)
    table = decode.read_table(fifo, limits=Limits.command_line())  # as gtm import reads <(unzip -p export.zip)
    writer.join(10)
    assert len(table.frame) == 50_000 and table.frame.loc[50_001, "Account Name"] == "Name 49999"

    monkeypatch.setenv("GTM_CLI_MAX_MB", "0.5")
    writer = write_to_fifo(fifo, body)
    with pytest.raises(InputError) as caught:
        decode.read_table(fifo, limits=Limits.command_line())
    writer.join(10)
    assert str(caught.value) == ("'export' is too large: more than 0.5 MB; the limit on the command line is 0.5 MB. "
                                 "Export fewer columns or rows, or raise the limit with GTM_CLI_MAX_MB.")


# --- XLSX: the styles, and text between tags ------------------------------------------------------------------------


def test_a_styles_bomb_is_refused_before_openpyxl_makes_its_objects(monkeypatch: pytest.MonkeyPatch) -> None:
    # openpyxl makes an object of every cell format before the first row: 1,000,000 of them (45 KB zipped) took
    # 800 MB and 9 s. Here the limit is lowered to 300 elements.
    monkeypatch.setenv("GTM_UPLOAD_MAX_STYLE_ELEMENTS", "300")
    plain = workbook({"A1": "Account ID", "B1": "Account Name", "A2": "ACC-1", "B2": "Acme"})
    assert decode.read_table(plain).frame.to_dict("records") == [{"Account ID": "ACC-1", "Account Name": "Acme"}]
    source, bomb = zipfile.ZipFile(io.BytesIO(plain)), io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info.filename)
            if info.filename == "xl/styles.xml":
                part = re.sub(rb'<cellXfs count="\d+">', b'<cellXfs count="301">' + b'<xf numFmtId="0"/>' * 300, part)
            target.writestr(info.filename, part)
    with pytest.raises(InputError) as caught:
        decode.read_table(bomb.getvalue(), name="styled.xlsx")
    assert str(caught.value) == (
        "'styled.xlsx' is too large: its styles part holds more than 300 elements; the limit for uploads is 300 "
        "elements in its styles part (cell formats, fonts, fills, borders ...). Clear the workbook's unused cell "
        "styles, or raise the limit with GTM_UPLOAD_MAX_STYLE_ELEMENTS.")


def test_megabytes_of_text_between_two_tags_are_refused_before_openpyxl_keeps_them(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # 300 MB of spaces between two rows (300 kB zipped) took 800 MB; no cell holds more than 32,767 characters.
    rows = inline(1, "Account ID", "Account Name") + inline(2, "ACC-1", "Acme")
    assert len(decode.read_table(handmade(rows + " " * 300_000 + inline(3, "ACC-2", "Globex"))).frame) == 2
    parsed = parsed_rows(monkeypatch)
    with pytest.raises(InputError) as caught:
        decode.read_table(handmade(rows + " " * 3_000_000 + inline(3, "ACC-2", "Globex")), name="spaced.xlsx")
    assert str(caught.value) == (
        "'spaced.xlsx' looks truncated or damaged: its first sheet holds more than 1.0 MB of text between two tags, "
        "which no spreadsheet writes. Export or download it again.")
    assert parsed == []


def test_a_process_substitution_is_read_and_named_in_full(monkeypatch: pytest.MonkeyPatch) -> None:
    """gtm import accounts <(unzip -p export.zip) reads /dev/fd/63: a pipe, named in full in a message."""
    body = b"Account ID,Account Name\n" + b"".join(b"A%d,Name %d\n" % (i, i) for i in range(3000))  # 40 kB

    def piped() -> Path:
        read_end, write_end = os.pipe()
        os.write(write_end, body)  # within the pipe's buffer: no writer thread needed
        os.close(write_end)
        return Path(f"/dev/fd/{read_end}")

    path = piped()
    assert len(decode.read_table(path, limits=Limits.command_line()).frame) == 3000
    os.close(int(path.name))
    monkeypatch.setenv("GTM_CLI_MAX_MB", "0.01")
    path = piped()
    with pytest.raises(InputError, match=rf"^'/dev/fd/{path.name}' is too large: more than 10,485 bytes; .*GTM_CLI_MAX_MB"):
        decode.read_table(path, limits=Limits.command_line())
    os.close(int(path.name))
