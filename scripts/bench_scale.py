"""How every figure grows with the portfolio: generate, import, engine, pages, band edit and memory per size.

For each size the demo generator builds a portfolio of N accounts (about 9 opportunities each); it is written
as CSV and imported through the import services into a fresh SQLite file (and PostgreSQL with --postgres), in
a child process whose peak resident memory is read from getrusage. The engine's throughput is assess +
recommend over the whole portfolio. The pages run in Streamlit's AppTest (scripts/bench_pages.py) in another
child process, against the imported database: the first run (cold caches) and the median of later runs, then a
live band edit on the Matrix page, then that process's resident memory (the server's, with one session). As
``gtm import`` does, the import child then prepares the pages' snapshot (gtm.storage.snapshot), so a page's first
run reads it; the Portfolio page's first run without one (after an import in the browser) is measured too.

Each figure's growth exponent between two sizes is log(f2/f1)/log(n2/n1): 1 is linear. A figure whose
exponent exceeds 1.15 grows faster than linearly and is flagged.

    python scripts/bench_scale.py [--sizes 1000,10000,100000] [--runs 3] [--postgres URL] [--skip-pages]

Timings on a shared machine are noisy; the exponents are what to read.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = Path(__file__).resolve().parent
LINEAR_LIMIT = 1.15  # an exponent above this grows faster than linearly
PAGES = ["pages/portfolio.py", "pages/account.py", "pages/diagnose.py", "pages/review.py", "pages/matrix.py",
         "pages/data.py"]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def _current_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


# ---------------------------------------------------------------------------------------------- child processes


def child_import(folder: Path, url: str) -> dict[str, float]:
    """Import the portfolio's CSVs into ``url`` as the command line does: its limits, its services."""
    import pandas as pd

    from gtm.domain.permissions import ADMIN
    from gtm.ingest.limits import Limits
    from gtm.services import portfolio as portfolio_service
    from gtm.services.imports import commit_import, plan_import
    from gtm.storage.repository import Store

    store = Store(url)
    with store.transaction() as tx:
        store.upsert_business_units(tx, pd.read_csv(folder / "business_units.csv", dtype=str))
    out: dict[str, float] = {}
    start = time.perf_counter()
    for kind in ("accounts", "opportunities"):
        t0 = time.perf_counter()
        plan = plan_import(store, kind, folder / f"{kind}.csv", limits=Limits.command_line())
        if plan.problems:
            raise SystemExit(f"{kind}: {len(plan.problems)} problem(s), e.g. {plan.problems[0]}")
        commit_import(store, plan, ADMIN)
        out[f"{kind}_s"] = time.perf_counter() - t0
    out["import_s"] = time.perf_counter() - start
    out["peak_mb"] = _peak_mb()
    del plan
    t0 = time.perf_counter()
    portfolio_service.frames(store)  # as `gtm import` does after a large import: the pages' snapshot
    out["snapshot_s"] = time.perf_counter() - t0
    out["snapshot_peak_mb"] = _peak_mb()
    store.dispose()
    return out


def _figure(ms: float | None) -> float:
    """A time bench_pages always measures (only its runs with every cache cleared may be missing)."""
    assert ms is not None
    return ms


def child_pages(url: str, runs: int) -> dict[str, float]:
    """Page run times (first, later), the band edit, and this process's memory, as one server session sees them."""
    os.environ["GTM_DATABASE_URL"] = url
    os.environ["GTM_SEED_DEMO"] = "0"  # the imported portfolio is the main workspace
    os.chdir(ROOT)
    sys.path.insert(0, str(SCRIPTS))
    import bench_pages

    from gtm.storage import snapshot

    out: dict[str, float] = {}
    # The first run with no snapshot (after an import in the browser, or with GTM_CACHE_DIR=off): the portfolio
    # is built from the database. Every other first run reads the snapshot the import prepared.
    cache = os.environ[snapshot.ENV]
    os.environ[snapshot.ENV] = "off"
    out["portfolio_built_ms"] = _figure(bench_pages.page_times(ROOT, "pages/portfolio.py", 1, 0)["first"])
    os.environ[snapshot.ENV] = cache
    for page in PAGES:
        times = bench_pages.page_times(ROOT, page, runs, 0)
        name = Path(page).stem
        out[f"{name}_first_ms"], out[f"{name}_later_ms"] = _figure(times["first"]), _figure(times["later"])
    edit = bench_pages.band_edit_times(ROOT, runs)
    out["band_edit_first_ms"], out["band_edit_ms"] = edit["first"], edit["later"]
    out["rss_mb"] = _current_mb()
    out["peak_mb"] = _peak_mb()
    return out


def _run_child(*args: str) -> dict[str, float]:
    """Run this script as a child with ``args``; its last output line is a JSON object of figures."""
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", *args],
                          capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit(f"child {args[0]} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
    result: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


# ---------------------------------------------------------------------------------------------- in this process


def engine_seconds(frames: dict[str, Any], repeat: int = 3) -> float:
    """Best time of assess + recommend over the whole portfolio, natures diagnosed where the file has none."""
    from gtm.domain.diagnose import diagnose
    from gtm.domain.matrix import default_matrix
    from gtm.domain.portfolio import assess_portfolio, recommendations

    opp, acc = frames["opportunities"], frames["accounts"]
    diagnosed = diagnose(opp.drop(columns="nature"))["nature"]
    approach = opp["account_id"].map(acc.set_index("account_id")["current_approach"].astype(str))
    portfolio = opp.assign(nature=opp["nature"].astype(object).where(opp["nature"].notna(), diagnosed),
                           approach=approach)
    matrix = default_matrix()
    best = math.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        assessed = assess_portfolio(portfolio, matrix)
        recommendations(assessed, matrix)
        best = min(best, time.perf_counter() - t0)
    return best


def _fresh_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def measure(size: int, runs: int, folder: Path, postgres: str | None, pages: bool) -> dict[str, float]:
    """Every figure for a portfolio of ``size`` accounts."""
    from gtm.ingest import demo

    figures: dict[str, float] = {}
    t0 = time.perf_counter()
    frames = demo.generate(accounts=size)
    figures["generate_s"] = time.perf_counter() - t0
    figures["opportunities"] = float(len(frames["opportunities"]))
    demo.write(frames, folder)
    figures["engine_s"] = engine_seconds(frames)
    figures["engine_rows_per_s"] = figures["opportunities"] / figures["engine_s"]
    del frames
    url = f"sqlite:///{folder / 'bench.db'}"
    os.environ["GTM_CACHE_DIR"] = str(folder / "cache")  # the children's snapshots: in this size's folder
    done = _run_child("import", str(folder), url)
    figures["import_sqlite_s"], figures["import_sqlite_peak_mb"] = done["import_s"], done["peak_mb"]
    figures["snapshot_s"], figures["snapshot_peak_mb"] = done["snapshot_s"], done["snapshot_peak_mb"]
    if postgres:
        _fresh_postgres(postgres)
        done = _run_child("import", str(folder), postgres)
        figures["import_postgres_s"], figures["import_postgres_peak_mb"] = done["import_s"], done["peak_mb"]
    if pages:
        seen = _run_child("pages", url, str(runs))
        for key, value in seen.items():
            name = f"server_{key}" if key.endswith("_mb") else key if key.startswith("band") else f"page_{key}"
            figures[name] = value
    return figures


LABELS = {
    "opportunities": "opportunities", "generate_s": "demo generator (s)", "engine_s": "engine: assess+recommend (s)",
    "engine_rows_per_s": "engine throughput (opps/s)", "import_sqlite_s": "import SQLite (s)",
    "import_sqlite_peak_mb": "import SQLite peak (MB)", "import_postgres_s": "import PostgreSQL (s)",
    "import_postgres_peak_mb": "import PostgreSQL peak (MB)", "band_edit_first_ms": "band edit, first (ms)",
    "band_edit_ms": "band edit preview (ms)", "snapshot_s": "pages' snapshot after import (s)",
    "snapshot_peak_mb": "import + snapshot peak (MB)", "page_portfolio_built_ms": "portfolio, first run, no snapshot (ms)", "server_rss_mb": "server RSS after pages (MB)", "server_peak_mb": "server peak RSS (MB)",
}
# Figures where more is better (a throughput): growth is judged on their inverse, the time per row.
_INVERSE = {"engine_rows_per_s"}
# Counts and memory with a fixed baseline: shown, and their exponent too, but memory is not a run time.
_NOT_TIMED = {"opportunities"}


def label(key: str) -> str:
    if key in LABELS:
        return LABELS[key]
    if key.startswith("page_"):
        name, _, when = key[5:-3].rpartition("_")
        return f"page {name}, {when} run (ms)"
    return key


def exponent(n1: float, f1: float, n2: float, f2: float) -> float:
    """log(f2/f1)/log(n2/n1): 1 grows linearly, 2 quadratically; NaN when a figure is missing or zero."""
    if not (f1 > 0 and f2 > 0 and n2 != n1):
        return float("nan")
    return math.log(f2 / f1) / math.log(n2 / n1)


def _short(n: int) -> str:
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else str(n)


def table(sizes: list[int], results: dict[int, dict[str, float]]) -> tuple[str, list[str]]:
    """One table: a row per figure, a column per size, then the exponent between consecutive sizes."""
    keys = [k for k in dict.fromkeys(k for s in sizes for k in results[s]) if k not in _NOT_TIMED]
    keys = ["opportunities", *keys]
    pairs = list(itertools.pairwise(sizes))
    head = f"{'figure':<36}" + "".join(f"{s:>12,}" for s in sizes) + "".join(
        f"{f'exp {_short(a)}>{_short(b)}':>14}" for a, b in pairs)
    lines = [head, "-" * len(head)]
    flagged: list[str] = []
    for key in keys:
        row = f"{label(key):<36}"
        for s in sizes:
            v = results[s].get(key, float("nan"))
            row += f"{v:>12,.0f}" if abs(v) >= 100 or key == "opportunities" else f"{v:>12.3g}"
        for a, b in pairs:
            fa, fb = results[a].get(key, float("nan")), results[b].get(key, float("nan"))
            if key in _INVERSE:
                fa, fb = 1 / fa if fa else float("nan"), 1 / fb if fb else float("nan")
            # Per portfolio size: accounts here, the generator's own unit.
            e = exponent(a, fa, b, fb) if key != "opportunities" else float("nan")
            mark = " !" if e > LINEAR_LIMIT else "  "
            row += f"{e:>12.2f}{mark}" if not math.isnan(e) else f"{'':>14}"
            if e > LINEAR_LIMIT:
                flagged.append(f"{label(key)}: exponent {e:.2f} between {a:,} and {b:,} accounts")
        lines.append(row)
    return "\n".join(lines), flagged


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000", help="accounts per portfolio, comma-separated")
    parser.add_argument("--runs", type=int, default=3, help="later page runs and band edits timed per size")
    parser.add_argument("--postgres", metavar="URL", help="also import into this PostgreSQL database (emptied)")
    parser.add_argument("--skip-pages", action="store_true", help="generator, import and engine only")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        mode, *rest = args.child
        figures = child_import(Path(rest[0]), rest[1]) if mode == "import" else child_pages(rest[0], int(rest[1]))
        print(json.dumps(figures))
        return 0

    sizes = sorted(int(s) for s in args.sizes.split(","))
    results: dict[int, dict[str, float]] = {}
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            results[size] = measure(size, args.runs, Path(tmp), args.postgres, not args.skip_pages)
            print(f"measured {size:,} accounts in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    text, flagged = table(sizes, results)
    print(text)
    print(f"\nexponent: log(f2/f1)/log(n2/n1) between sizes (accounts); 1 is linear; ! above {LINEAR_LIMIT} "
          "(throughput judged as time per opportunity).")
    print(f"memory figures include the process's fixed baseline, so their exponents understate growth; "
          f"median of {args.runs} later runs per page.")
    if flagged:
        print("\nfaster than linear:\n" + "\n".join(f"  {f}" for f in flagged))
    if args.json:
        Path(args.json).write_text(json.dumps({str(k): v for k, v in results.items()}, indent=2))
    return 1 if flagged else 0


if __name__ == "__main__":
    raise SystemExit(main())
