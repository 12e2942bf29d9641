"""The broad, slow fuzz corpus of the import, outside CI: hundreds of hostile files x every kind x each database.

Every file is imported as accounts and as opportunities, with the browser's upload limits (what the Data page
reads with), read as a product family -> BU and -> nature mapping (as the Diagnose page's upload does, then saved
as a version) and imported as diagnosis rules (as `gtm rules import`), into SQLite (and PostgreSQL when
GTM_TEST_POSTGRES_URL is set), in a worker process that is killed after 30 s. Prints how many runs were refused with a message, accepted, ended in a traceback or hung, and the
peak memory (the worker's resident set, reset before each run).

    .venv/bin/python scripts/fuzz_import.py [--files 200] [--seed 7] [--keep DIR]
"""

from __future__ import annotations

import argparse
import codecs
import io
import multiprocessing as mp
import os
import random
import tempfile
import time
import traceback
import zipfile
from collections import Counter
from multiprocessing.connection import Connection
from pathlib import Path

HANG_S = 30.0
HOSTILE = ["1e309", "4e308", "-inf", "nan", "1" * 400, "9" * 1_000_000, "٣٤٥", "１２３", "١٬٢٣٤٫٥", "3000-01-01",
           "0001-01-01", "9999-12-31", "2026-01-01T10:00+25:00", "a\x00b", "\x07", "=1+1", "\u202e", "€",
           "$1,234.50", "1.234,50 €", "(1,200)", "45%", "31/12/2026", "Turnkey", "", '"', "x" * 40_000]
HEADERS = {"accounts": ["Account ID", "Account Name", "Industry", "Annual Revenue", "Growth potential", "Owner"],
           "opportunities": ["Opportunity ID", "Account ID", "Amount", "Close Date", "Probability (%)", "Stage"],
           "family-bu": ["Product family", "BU"], "family-nature": ["product_family", "nature"]}
KINDS = ("accounts", "opportunities", "family_bu", "family_nature", "rules")
# Patterns a backtracking engine takes exponential time on, and what RE2 cannot run in linear time.
PATTERNS = [r"^(\D+)+\d", r"(a|aa)*b", r"(x+x+)+y", r"^(a)\1+$", r"(?=a)b", r"(?<!x)y", r"(?>a+)b", "a++b",
            "(" * 200 + "a" + ")" * 200, "a{1000}{1000}", "(unclosed", "x" * 5_000, "\x00", r"[\d-a]"]


# --------------------------------------------------------------------------- the corpus


def _xlsx(sheets: list[tuple[str | None, str]], extra: dict[str, bytes] | None = None,
          strings: bytes | None = None) -> bytes:
    """A hand-made workbook: per sheet an optional <dimension ref> and the <sheetData> content; ``strings`` is
    its shared-strings part (the whole <sst> element), if any."""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    n = len(sheets)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        # The workbook's content type is what openpyxl finds it by: without it every workbook is "damaged".
        z.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
                   + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{ct}.worksheet+xml"/>'
                             for i in range(1, n + 1))
                   + (f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ct}.sharedStrings+xml"/>'
                      if strings is not None else "") + "</Types>")
        z.writestr("_rels/.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<workbook {ns} xmlns:r="{rel}"><sheets>' + "".join(
            f'<sheet name="S{i}" sheetId="{i}" r:id="rId{i}"/>' for i in range(1, n + 1)) + "</sheets></workbook>")
        z.writestr("xl/_rels/workbook.xml.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                   'relationships">' + "".join(f'<Relationship Id="rId{i}" Type="{rel}/worksheet" '
                                               f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, n + 1))
                   + (f'<Relationship Id="rId{n + 1}" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
                      if strings is not None else "") + "</Relationships>")
        if strings is not None:
            z.writestr("xl/sharedStrings.xml", strings)
        for i, (dimension, data) in enumerate(sheets, start=1):
            dim = f'<dimension ref="{dimension}"/>' if dimension else ""
            z.writestr(f"xl/worksheets/sheet{i}.xml", f"<worksheet {ns}>{dim}<sheetData>{data}</sheetData></worksheet>")
        for name, content in (extra or {}).items():
            z.writestr(name, content)
    return out.getvalue()


def _row(number: int, cells: dict[str, str]) -> str:
    inner = "".join(f'<c r="{col}{number}" t="inlineStr"><is><t>{v.replace("&", "&amp;").replace("<", "&lt;")}'
                    f"</t></is></c>" for col, v in cells.items())
    return f'<row r="{number}">{inner}</row>'


def _strings(entry: bytes, n: int, prefix: bytes = b"") -> bytes:
    """A shared-strings part of ``n`` times ``entry``, its elements under namespace ``prefix`` (b"x:") if given."""
    main = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    xmlns = b"xmlns" + (b":" + prefix.rstrip(b":") if prefix else b"")
    return b"<" + prefix + b"sst " + xmlns + b'="' + main + b'">' + entry * n + b"</" + prefix + b"sst>"


def _csv(header: list[str], rows: list[list[str]], delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    def cell(v: str) -> str:
        return '"' + v.replace('"', '""') + '"' if any(c in v for c in (delimiter, '"', "\n", "\r")) else v
    text = "\r\n".join(delimiter.join(cell(c) for c in r) for r in [header, *rows]) + "\r\n"
    return text.encode(encoding, errors="replace")


def corpus(rng: random.Random, n: int) -> list[tuple[str, bytes]]:
    """``n`` hostile files: fixed bombs first, then random mixes of hostile cells, encodings and structures.

    Every workbook is one openpyxl opens (its content types name the workbook and sheets), so a bomb reaches
    the reader rather than being refused as damaged.
    """
    head = _row(1, {"A": "Account ID", "B": "Account Name"})
    one = head + _row(2, {"A": "ACC-1", "B": "Acme"})
    files: list[tuple[str, bytes]] = [
        # The probe's bomb: 12 M two-letter shared strings, 216 MB from a 526 KB file (2 GB and 90 s in openpyxl).
        ("strings-bomb-12m.xlsx", _xlsx([(None, one)], strings=_strings(b"<si><t>ab</t></si>", 12_000_000))),
        # Within the size limit but beyond the number of entries: empty entries, and entries under a prefix.
        ("strings-bomb-empty.xlsx", _xlsx([(None, one)], strings=_strings(b"<si/>", 2_500_000))),
        ("strings-bomb-prefixed.xlsx", _xlsx([(None, one)],
                                             strings=_strings(b"<x:si><x:t>a</x:t></x:si>", 2_500_000, b"x:"))),
        # 250,001 records of two cells: 58 s of openpyxl before the row limit refused it; the XML scan refuses it.
        ("rows-250001.xlsx", _xlsx([(None, head + "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c><c r="B{i}" '
                                                          f't="inlineStr"><is><t>N{i}</t></is></c></row>'
                                                          for i in range(2, 250_003)))])),
        ("bomb-xfd-declared.xlsx", _xlsx([("A1:XFD1048576", head + _row(2, {"XFD": "x"}) + _row(1048576, {"A": "y"}))])),
        ("bomb-xfd-undeclared.xlsx", _xlsx([(None, head + _row(2, {"XFD": "x"}) + _row(1048576, {"A": "y"}))])),
        ("far-row.xlsx", _xlsx([(None, head + _row(1048576, {"A": "ACC-1", "B": "Acme"}))])),
        ("many-sheets.xlsx", _xlsx([(None, head + _row(2, {"A": "1", "B": "x"}))] * 300)),
        ("empty-sheet.xlsx", _xlsx([(None, "")])),
        ("whitespace-bomb.xlsx", _xlsx([(None, head + " " * 300_000_000)])),
        ("styles-bomb.xlsx", _xlsx([(None, head)], {"xl/styles.xml": b"<styleSheet>" + b" " * 200_000_000
                                                      + b"</styleSheet>"})),
        # 2,000,000 cell formats (36 MB from 90 KB): openpyxl makes an object of each before the first row.
        ("styles-bomb-formats.xlsx", _xlsx([(None, one)], {"xl/styles.xml": (
            b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs>'
            + b'<xf numFmtId="0"/>' * 2_000_000 + b"</cellXfs></styleSheet>")})),
        ("wide-header.csv", (",".join(f"c{i}" for i in range(100_000)) + "\n1\n").encode()),
        ("commas.csv", b"Account ID,Account Name\n" + b"," * 40_000_000 + b"\n"),
        ("rows-300k.csv", b"Account ID,Account Name\n" + b"".join(b"A%d,N%d\n" % (i, i) for i in range(300_000))),
        ("one-mb-digits.csv", _csv(HEADERS["opportunities"], [["O1", "ACC-1", "9" * 1_000_000, "", "", ""]])),
        ("nul.csv", _csv(HEADERS["accounts"], [["ACC-N", "Nul\x00Corp", "", "", "", ""]])),
        ("opportunities-as-either.csv", _csv(HEADERS["opportunities"], [["O1", "ACC-1", "10", "2026-01-01", "5", "x"]])),
    ]
    files += _rule_files(rng) + _mapping_files()
    encodings = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252"]
    while len(files) < n:
        i = len(files)
        kind = rng.choice(list(HEADERS))
        header = list(HEADERS[kind])
        rng.shuffle(header)
        rows = [[rng.choice(HOSTILE) if rng.random() < 0.4 else f"ACC-{rng.randint(1, 3)}" if "Account ID" in h
                 else f"V{i}-{r}" if "ID" in h else "Acme" for h in header] for r in range(rng.randint(1, 30))]
        form = rng.random()
        if form < 0.55:
            data = _csv(header, rows, rng.choice([",", ";", "\t"]), rng.choice(encodings))
            if rng.random() < 0.2:
                data = data[: rng.randint(0, len(data))]
            files.append((f"mix-{i}.csv", data))
        elif form < 0.85:
            cols = ["A", "B", "C", "D", "E", "F", "ZZ", "XFD"]
            xml = _row(1, dict(zip(cols, header))) + "".join(
                _row(rng.choice([r + 2, r + 2, 250_001, 1_048_576]), dict(zip(cols, row))) for r, row in enumerate(rows))
            dim = rng.choice([None, "A1", "A1:F40", "A1:XFD1048576", "B2:A1", "A1:ZZ999999"])
            files.append((f"mix-{i}.xlsx", _xlsx([(dim, xml)] * rng.choice([1, 1, 2, 50]))))
        else:
            files.append((f"bytes-{i}.csv", rng.choice([codecs.BOM_UTF8, b"", b"PK\x03\x04", codecs.BOM_UTF16_LE])
                          + rng.randbytes(rng.randint(0, 50_000))))
    return files[:n]


def _rule_files(rng: random.Random) -> list[tuple[str, bytes]]:
    """Diagnosis rule files: every dangerous pattern alone, JSON bombs, and files shaped wrong."""
    import json

    def rule(pattern: str) -> dict[str, object]:
        return {"id": "typed", "nature": "turnkey", "wording": "typed",
                "when": [{"column": "name", "op": "matches", "value": pattern}]}

    last: dict[str, object] = {"id": "none", "nature": None, "when": [], "wording": "Nothing says which."}
    out = [(f"rules-pattern-{i}.json", json.dumps([rule(p), last]).encode()) for i, p in enumerate(PATTERNS)]
    out += [
        ("rules-deep.json", b"[" * 100_000 + b"]" * 100_000),
        ("rules-big.json", b'{"rules": [' + b'{"id":"r","nature":null,"when":[],"wording":"x"},' * 40_000 + b"1]}"),
        ("rules-not-utf8.json", b'{"rules": "\xff\xfe"}' + bytes(range(128, 256))),
        ("rules-wrong-shape.json", b'{"signals": 1, "rules": {"a": 2}}'),
        ("rules-many-conditions.json", json.dumps([{**rule("x"), "when": [{"column": "name", "op": "matches",
                                                                            "value": rng.choice(PATTERNS[:3])}] * 500},
                                                   last]).encode()),
    ]
    return out


def _mapping_files() -> list[tuple[str, bytes]]:
    """Product family mappings: hostile cells, duplicates, many rows, wrong columns."""
    hostile = [[h, h] for h in HOSTILE]
    return [
        ("mapping-hostile.csv", _csv(HEADERS["family-bu"], hostile)),
        ("mapping-nature-hostile.csv", _csv(HEADERS["family-nature"], [[h, h] for h in HOSTILE] + [["Drives", "=1+1"]])),
        ("mapping-many.csv", _csv(HEADERS["family-bu"], [[f"F{i}", f"B{i % 7}"] for i in range(25_000)])),
        ("mapping-46mb.csv", b"product_family,bu\n" + b"x" * 46_000_000 + b",y\n"),
        ("mapping-duplicates.csv", _csv(HEADERS["family-bu"], [["Drives", "A"], ["drives ", "B"]])),
        ("mapping-wrong-columns.csv", _csv(["family", "unit"], [["Drives", "A"]])),
    ]


# --------------------------------------------------------------------------- the runs


def _peak_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _worker(conn: Connection) -> None:
    from gtm.domain.errors import GtmError
    from gtm.domain.permissions import ADMIN
    from gtm.services import diagnosis
    from gtm.services.imports import commit_import, plan_import
    from gtm.storage.repository import Store

    versions = 0

    def written(store: Store) -> tuple[object, ...]:
        return (store.counts(), *(len(store.rule_versions(k)) for k in ("diagnosis", "family_bu", "family_nature")))

    stores: dict[str, Store] = {}
    while True:
        job = conn.recv()
        if job is None:
            return
        path, kind, url = job
        store = stores.get(url) or stores.setdefault(url, Store(url))
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")  # reset the peak resident set, so each run reports its own
        before = written(store)
        started = time.perf_counter()
        name = Path(path).name
        versions += 1
        try:
            if kind in ("accounts", "opportunities"):
                plan = plan_import(store, kind, Path(path), name=name)
                commit_import(store, plan, ADMIN, skip_invalid=True)
                outcome, detail = "accepted", plan.summary()
            elif kind == "rules":
                with open(path, "rb") as f:  # as `gtm rules import` reads: a byte count
                    data = f.read(diagnosis.RULES_MAX_BYTES + 1)
                table = diagnosis.import_rules(store, ADMIN, data, name, f"fuzz-{versions}")
                outcome, detail = "accepted", f"{len(table.rules)} rules"
                diagnosis.activate_version(store, ADMIN, "diagnosis", "default")  # the next file starts afresh
            else:
                rows = diagnosis.read_mapping_file(ADMIN, kind, Path(path).read_bytes(), name)
                diagnosis.save_version(store, ADMIN, kind, f"fuzz-{versions}", rows)
                outcome, detail = "accepted", f"{len(rows['rows'])} rows"
        except GtmError as exc:
            outcome, detail = "refused", str(exc).splitlines()[0][:160]
            if written(store) != before:
                outcome, detail = "partial write", detail
        except BaseException:  # noqa: BLE001 - what the script counts
            outcome, detail = "traceback", traceback.format_exc(limit=3)[-600:]
        conn.send((outcome, time.perf_counter() - started, _peak_mb(), detail))


def _fresh_url(base: str, folder: Path, n: int) -> str:
    if base.startswith("sqlite"):
        return f"sqlite:///{folder / f'fuzz{n}.db'}"
    from sqlalchemy import text

    from gtm.storage.repository import Store

    store = Store(base, migrate=False)
    with store.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    store.dispose()
    return base


def main() -> int:
    """Generate the corpus, run every file x kind x database, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", metavar="DIR", help="write the corpus here (default: a temporary folder)")
    args = parser.parse_args()
    folder = Path(args.keep or tempfile.mkdtemp(prefix="gtm-fuzz-"))
    folder.mkdir(parents=True, exist_ok=True)
    files = corpus(random.Random(args.seed), args.files)
    paths = []
    for name, data in files:
        (folder / name).write_bytes(data)
        paths.append(folder / name)
    sizes = [len(d) for _, d in files]
    print(f"corpus: {len(files)} files in {folder}, {min(sizes):,} to {max(sizes):,} bytes")
    backends = ["sqlite"] + (["postgres"] if os.environ.get("GTM_TEST_POSTGRES_URL") else [])
    tally: Counter[str] = Counter()
    peaks: list[tuple[float, str]] = []
    slowest: list[tuple[float, str]] = []
    examples: dict[str, list[str]] = {}
    ctx = mp.get_context("spawn")
    for b, backend in enumerate(backends):
        base = "sqlite" if backend == "sqlite" else os.environ["GTM_TEST_POSTGRES_URL"]
        url = _fresh_url(base, folder, b)
        seed_store(url)
        parent, child = ctx.Pipe()
        worker = ctx.Process(target=_worker, args=(child,), daemon=True)
        worker.start()
        for path in paths:
            for kind in KINDS:
                parent.send((str(path), kind, url))
                if parent.poll(HANG_S):
                    outcome, seconds, peak, detail = parent.recv()
                else:
                    worker.kill()
                    worker.join()
                    outcome, seconds, peak, detail = "hang", HANG_S, 0.0, "killed after 30 s"
                    parent, child = ctx.Pipe()
                    worker = ctx.Process(target=_worker, args=(child,), daemon=True)
                    worker.start()
                tally[outcome] += 1
                label = f"{backend} {kind} {path.name} ({path.stat().st_size:,} bytes)"
                peaks.append((peak, label))
                slowest.append((seconds, label))
                if outcome not in ("accepted", "refused"):
                    examples.setdefault(outcome, []).append(f"{label}: {detail}")
        parent.send(None)
        worker.join(10)
    runs = sum(tally.values())
    print(f"runs: {runs} ({len(files)} files x {len(KINDS)} kinds x {len(backends)} database(s): "
          f"{', '.join(backends)})")
    for outcome in ("refused", "accepted", "traceback", "partial write", "hang"):
        print(f"  {outcome:14} {tally[outcome]}")
    peaks.sort(reverse=True)
    slowest.sort(reverse=True)
    print("peak memory (worker resident set, MB): " + "; ".join(f"{p:.0f} {label}" for p, label in peaks[:3]))
    print("slowest runs (s): " + "; ".join(f"{s:.1f} {label}" for s, label in slowest[:3]))
    for outcome, lines in examples.items():
        print(f"{outcome}:")
        for line in lines[:5]:
            print("  " + line.replace("\n", "\n    "))
    return 0 if not examples else 1


def seed_store(url: str) -> None:
    """Two accounts the fuzzed opportunities may refer to."""
    from gtm.domain.permissions import ADMIN
    from gtm.services.imports import commit_import, plan_import
    from gtm.storage.repository import Store

    store = Store(url)
    plan = plan_import(store, "accounts", b"Account ID,Account Name\nACC-1,Acme\nACC-2,Globex\nACC-3,Initech\n",
                       name="seed.csv")
    commit_import(store, plan, ADMIN)
    store.dispose()


if __name__ == "__main__":
    raise SystemExit(main())
