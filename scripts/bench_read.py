"""Bounded reading, measured: seconds and peak memory of read_table on files at and beyond the limits.

Each file is read in a child process of its own, with the upload limits unless it says "command line", and
the child reports wall and CPU seconds, its peak resident set during the read and the outcome:

- opportunities.csv: 249,999 Salesforce-style records of 16 columns, the upload row limit (bench_import's file);
- opportunities.xlsx: the same as Excel writes it (shared strings, numbers as numbers);
- opportunities-inline.xlsx: the same with inline strings, as openpyxl and pandas write it;
- strings-at-upload-limits.xlsx / strings-at-cli-limits.xlsx: shared-strings tables just within each profile's
  limits (entries and size), what a tiny file may still make openpyxl hold;
- styles-at-upload-limits.xlsx: a styles part just within the upload limit (499,980 cell formats);
- strings-bomb.xlsx: the probe's 526 KB workbook of 12,000,000 two-letter shared strings (216 MB unzipped);
- strings-bomb-empty.xlsx: 2,500,000 empty entries, within the size limit, beyond the number of entries;
- rows-250001.xlsx: 250,001 records, one beyond the upload row limit;
- /dev/zero, on the command line.

    .venv/bin/python scripts/bench_read.py [--keep DIR]
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
CHILD = """
import json, resource, sys, time
from pathlib import Path
from gtm.domain.errors import InputError
from gtm.ingest import decode
from gtm.ingest.limits import Limits
import openpyxl.reader.excel

def peak_mb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmHWM:"))

path, profile = Path(sys.argv[1]), sys.argv[2]
limits = Limits.upload() if profile == "upload" else Limits.command_line()
source = path.read_bytes() if profile == "upload" else path  # uploads arrive as bytes
before = peak_mb()
with open("/proc/self/clear_refs", "w") as refs:
    refs.write("5")  # the peak from here on
usage, started = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
try:
    outcome = "read {} rows".format(len(decode.read_table(source, name=path.name, limits=limits).frame))
except InputError as exc:
    outcome = "refused: " + str(exc).splitlines()[0]
seconds = time.perf_counter() - started
after = resource.getrusage(resource.RUSAGE_SELF)
cpu = after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime
print(json.dumps({"seconds": seconds, "cpu": cpu, "peak": peak_mb(), "before": before, "outcome": outcome}))
"""


def workbook(rows: list[str], strings: list[str] | None = None, styles: bytes | None = None) -> bytes:
    """A valid one-sheet workbook of these <row> elements and, if given, this shared-strings table and styles."""
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
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
        with z.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(f'<worksheet xmlns="{MAIN}"><sheetData>'.encode())
            for row in rows:
                sheet.write(row.encode())
            sheet.write(b"</sheetData></worksheet>")
        if styles is not None:
            z.writestr("xl/styles.xml", styles)
        if strings is not None:
            with z.open("xl/sharedStrings.xml", "w") as table:
                table.write(f'<sst xmlns="{MAIN}">'.encode())
                for text in strings:
                    table.write(f"<si><t>{escape(text)}</t></si>".encode())
                table.write(b"</sst>")
    return out.getvalue()


def letters(position: int) -> str:
    out, n = "", position + 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def frame_workbook(frame: pd.DataFrame, *, shared: bool, numbers: tuple[str, ...]) -> bytes:
    """``frame`` with its header as a workbook: texts shared (as Excel writes) or inline (as openpyxl writes)."""
    index: dict[str, int] = {}
    columns = [letters(i) for i in range(frame.shape[1])]
    numeric = [c in numbers for c in frame.columns]

    def cell(ref: str, value: str, number: bool) -> str:
        if value == "":
            return ""
        if number:
            return f'<c r="{ref}"><v>{value}</v></c>'
        if shared:
            return f'<c r="{ref}" t="s"><v>{index.setdefault(value, len(index))}</v></c>'
        return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'

    rows = ['<row r="1">' + "".join(cell(f"{c}1", str(h), False) for c, h in zip(columns, frame.columns)) + "</row>"]
    for n, record in enumerate(frame.itertuples(index=False), start=2):
        rows.append(f'<row r="{n}">' + "".join(cell(f"{c}{n}", v, k) for c, v, k in zip(columns, record, numeric))
                    + "</row>")
    return workbook(rows, list(index) if shared else None)


def files(folder: Path) -> list[tuple[str, Path, str]]:
    """Write the files; (what, path, profile) for each read."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_import import write_files

    _, csv = write_files(folder, 249_999)
    frame = pd.read_csv(csv, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    numbers = ("Probability (%)", "BUs involved")
    head = ['<row r="1"><c r="A1" t="inlineStr"><is><t>Account ID</t></is></c></row>',
            '<row r="2"><c r="A2" t="inlineStr"><is><t>ACC-1</t></is></c></row>']
    written = {
        "opportunities.xlsx": frame_workbook(frame, shared=True, numbers=numbers),
        "opportunities-inline.xlsx": frame_workbook(frame, shared=False, numbers=numbers),
        "strings-at-upload-limits.xlsx": workbook(head, [f"{i:034d}" for i in range(2_000_000)]),  # 50 B each
        "strings-at-cli-limits.xlsx": workbook(head, [f"{i:034d}" for i in range(5_000_000)]),
        "styles-at-upload-limits.xlsx": workbook(head, styles=(
            f'<styleSheet xmlns="{MAIN}"><cellXfs>'.encode() + b'<xf numFmtId="0"/>' * 499_980
            + b"</cellXfs></styleSheet>")),
        "strings-bomb.xlsx": workbook(head, ["ab"] * 12_000_000),
        "rows-250001.xlsx": workbook(head[:1] + [f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>'
                                                 for i in range(2, 250_003)]),
    }
    empty = workbook(head, [])
    with zipfile.ZipFile(io.BytesIO(empty)) as source, zipfile.ZipFile(folder / "strings-bomb-empty.xlsx", "w",
                                                                        zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info.filename)
            if info.filename == "xl/sharedStrings.xml":
                part = part.replace(b"</sst>", b"<si/>" * 2_500_000 + b"</sst>")
            target.writestr(info.filename, part)
    for name, data in written.items():
        (folder / name).write_bytes(data)
    return [("CSV at the upload limits", csv, "upload"),
            ("XLSX at the upload limits (shared strings)", folder / "opportunities.xlsx", "upload"),
            ("XLSX at the upload limits (inline strings)", folder / "opportunities-inline.xlsx", "upload"),
            ("shared strings at the upload limits", folder / "strings-at-upload-limits.xlsx", "upload"),
            ("shared strings at the command-line limits", folder / "strings-at-cli-limits.xlsx", "command line"),
            ("styles at the upload limits", folder / "styles-at-upload-limits.xlsx", "upload"),
            ("shared-strings bomb (12 M entries)", folder / "strings-bomb.xlsx", "upload"),
            ("shared-strings bomb (12 M entries)", folder / "strings-bomb.xlsx", "command line"),
            ("shared-strings bomb (2.5 M empty entries)", folder / "strings-bomb-empty.xlsx", "upload"),
            ("250,001 records", folder / "rows-250001.xlsx", "upload"),
            ("250,001 records", folder / "rows-250001.xlsx", "command line"),
            ("/dev/zero", Path("/dev/zero"), "command line")]


def main() -> int:
    """Write the files, read each in a child process, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", metavar="DIR", help="write the files here (default: a temporary folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for what, path, profile in files(folder):
            child = subprocess.run([sys.executable, "-c", CHILD, str(path), profile], capture_output=True,
                                   text=True, cwd=ROOT)
            if child.returncode:
                print(f"{what} ({profile}): failed\n{child.stderr[-1500:]}")
                continue
            r = json.loads(child.stdout)
            size = path.stat().st_size if path.is_file() else 0
            print(f"{what} ({path.name}, {size / 1e6:.1f} MB, {profile}): {r['seconds']:.2f} s "
                  f"({r['cpu']:.2f} s CPU), peak {r['peak']:.0f} MB ({r['peak'] - r['before']:+.0f} MB): "
                  f"{r['outcome'][:160]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
