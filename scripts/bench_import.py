"""Benchmark the CRM import: 100,000 Salesforce-style opportunity rows into SQLite (and PostgreSQL).

Target: plan_import + commit_import of 100,000 opportunities into a fresh SQLite file in <= 10 s.
Baseline in the same run: pandas.read_csv + DataFrame.to_sql of the same file (no validation at all).

    .venv/bin/python scripts/bench_import.py [--rows 100000] [--repeat 3] [--postgres URL] [--profile]

With --cli the opportunities go through the command line itself (`gtm import`, no setting changed), in a child
process whose wall time and peak resident memory are reported; targets for 1,000,000 rows: <= 60 s, <= 1.5 GB.

    .venv/bin/python scripts/bench_import.py --cli --rows 1000000 [--postgres URL]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import text

from gtm.domain.permissions import ADMIN
from gtm.services.imports import commit_import, plan_import
from gtm.storage.repository import Store

TARGET_S = 10.0
CLI_TARGET_S, CLI_TARGET_MB = 60.0, 1536  # per 1,000,000 rows through the command line
NATURE_LABELS = ("Info exchange / cost reduction", "Qualification / one-time action", "Cross-sell / referral",
                 "Coordinated account strategy", "Unique technical solutions", "Turnkey solutions",
                 "cross sell", "turnkey", "technical_solution")
STAGES = ("Prospecting", "Qualification", "Needs Analysis", "Proposal/Price Quote", "Negotiation/Review",
          "Closed Won", "Closed Lost")
TYPES = ("New Business", "Existing Business", "Renewal")
OWNERS = ("Dana Reyes", "Jörg Müller", "Zoë Laurent", "Luis Ortega", "Olga Nowak", "Maya Patel")
BUS = ("Automation Systems", "Power & Energy", "Sensors & Controls", "Industrial Software", "Field Services")


def write_files(folder: Path, rows: int, seed: int = 7) -> tuple[Path, Path]:
    """accounts.csv (rows/20 accounts) and opportunities.csv (``rows`` rows), as a Salesforce report exports."""
    rng = np.random.default_rng(seed)
    n_acc = max(1, rows // 20)
    acc_ids = np.array([f"001{i:012d}" for i in range(n_acc)])
    accounts = pd.DataFrame({
        "Account ID": acc_ids,
        "Account Name": [f"Account {i} Société Générale d'Énergie" if i % 7 == 0 else f"Müller {i} GmbH"
                         for i in range(n_acc)],
        "Industry": rng.choice(["Chemicals", "Utilities", "Rail", "Water"], n_acc),
        "Annual Revenue": [f"${v:,.2f}" for v in rng.integers(1_000_000, 9_000_000_000, n_acc)],
        "Account Owner": rng.choice(OWNERS, n_acc),
    })
    amounts = rng.integers(1_000, 50_000_000, rows) / 100
    days = rng.integers(0, 900, rows)
    dates = (pd.Timestamp("2025-01-01") + pd.to_timedelta(days, unit="D")).strftime("%d/%m/%Y")
    natures = rng.choice(NATURE_LABELS, rows).astype(object)
    blank = rng.random(rows) < 0.4  # 40 % without a nature: diagnosed from the signals
    natures[blank] = ""
    yes_no = np.array(["yes", "no"])
    opportunities = pd.DataFrame({
        "Opportunity ID": [f"006{i:012d}" for i in range(rows)],
        "Account ID": acc_ids[rng.integers(0, n_acc, rows)],
        "Opportunity Name": [f"Retrofit line {i % 97}" for i in range(rows)],
        "Business Unit": rng.choice(BUS, rows),
        "Stage": rng.choice(STAGES, rows),
        "Amount": [f"${v:,.2f}" for v in amounts],
        "Probability (%)": rng.choice([10, 20, 40, 60, 75, 90, 100], rows),
        "Close Date": dates,
        "Type": rng.choice(TYPES, rows),
        "Opportunity Owner": rng.choice(OWNERS, rows),
        "Nature": natures,
        "Turnkey": yes_no[(rng.random(rows) < 0.1).astype(int) ^ 1],
        "Engineered": yes_no[(rng.random(rows) < 0.15).astype(int) ^ 1],
        "Joint plan": yes_no[(rng.random(rows) < 0.2).astype(int) ^ 1],
        "BUs involved": rng.integers(1, 5, rows),
        "One time": yes_no[(rng.random(rows) < 0.3).astype(int) ^ 1],
    })
    acc_path, opp_path = folder / "accounts.csv", folder / "opportunities.csv"
    accounts.to_csv(acc_path, index=False, encoding="utf-8-sig")
    opportunities.to_csv(opp_path, index=False, encoding="utf-8-sig")
    return acc_path, opp_path


def best(fn: Callable[[], float], repeat: int) -> float:
    """The fastest of ``repeat`` runs of ``fn`` (which returns its own timed seconds)."""
    return min(fn() for _ in range(repeat))


def fresh_store(url: str | None, folder: Path, n: int) -> Store:
    """A new, migrated store: a new SQLite file, or the PostgreSQL database emptied first."""
    if url is None:
        return Store(f"sqlite:///{folder / f'bench{n}.db'}")
    s = Store(url, migrate=False)
    with s.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    s.dispose()
    return Store(url)


def run_ours(url: str | None, folder: Path, acc: Path, opp: Path, rows: int, repeat: int,
             label: str) -> tuple[float, float]:
    """Best first import and best re-import (all updates) of the opportunities; accounts imported first, untimed."""
    firsts: list[float] = []
    again: list[float] = []
    for n in range(repeat):
        store = fresh_store(url, folder, n)
        commit_import(store, plan_import(store, "accounts", acc, max_bytes=None), ADMIN)
        for target in (firsts, again):
            t0 = time.perf_counter()
            plan = plan_import(store, "opportunities", opp, max_bytes=None)
            t1 = time.perf_counter()
            result = commit_import(store, plan, ADMIN)
            t2 = time.perf_counter()
            assert not plan.problems, plan.problems[:3]
            expected = (rows, 0) if target is firsts else (0, rows)
            assert (result.added, result.updated) == expected, result
            target.append(t2 - t0)
            kind = "import  " if target is firsts else "re-import"
            print(f"  {label} run {n + 1} {kind}: plan {t1 - t0:5.2f} s + commit {t2 - t1:5.2f} s = {t2 - t0:5.2f} s")
        assert store.counts()["opportunities"] == rows
        store.dispose()
    return min(firsts), min(again)


def run_baseline(folder: Path, opp: Path, repeat: int) -> float:
    """pandas.read_csv + to_sql (sqlite3, no validation, no parsing of amounts or dates)."""
    def once() -> float:
        path = folder / "baseline.db"
        path.unlink(missing_ok=True)
        t0 = time.perf_counter()
        frame = pd.read_csv(opp, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        with sqlite3.connect(path) as conn:
            frame.to_sql("opportunities", conn, index=False, chunksize=10_000)
        return time.perf_counter() - t0
    return best(once, repeat)


def run_cli(url: str, acc: Path, opp: Path, folder: Path) -> tuple[float, float]:
    """`gtm import` of the accounts, then (timed) of the opportunities, each in a child process: the
    opportunities' wall time in seconds and that child's own peak resident memory in MB (from wait4)."""
    def gtm(*args: str) -> tuple[float, float, str]:
        log = folder / "cli.log"
        with log.open("w") as out:
            t0 = time.perf_counter()
            proc = subprocess.Popen([sys.executable, "-c", "import sys; from gtm.cli import main; sys.exit(main())",
                                     *args, "--database", url], stdout=out, stderr=subprocess.STDOUT)
            _, status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            raise SystemExit(log.read_text()[-4000:])
        return seconds, usage.ru_maxrss / 1024, log.read_text().strip().splitlines()[-1]

    gtm("import", "accounts", str(acc))
    seconds, peak, last = gtm("import", "opportunities", str(opp))
    print("  " + last)
    return seconds, peak


def cli_main(args: argparse.Namespace, folder: Path, acc: Path, opp: Path) -> int:
    """The command line's import of ``opp`` into a fresh SQLite file (and PostgreSQL), timed, with its peak."""
    scale = args.rows / 1_000_000
    ok = True
    targets = [("SQLite", f"sqlite:///{folder / 'cli.db'}")]
    if args.postgres:
        fresh_store(args.postgres, folder, 0).dispose()
        targets.append(("PostgreSQL", args.postgres))
    for label, url in targets:
        seconds, peak = run_cli(url, acc, opp, folder)
        passed = seconds <= CLI_TARGET_S * max(scale, 0.1) and peak <= CLI_TARGET_MB
        ok &= passed
        print(f"{label:<11} gtm import: {seconds:6.1f} s, peak {peak:,.0f} MB  (targets for 1,000,000 rows: "
              f"<= {CLI_TARGET_S:.0f} s, <= {CLI_TARGET_MB:,} MB): {'PASS' if passed else 'MISS'}")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgres", metavar="URL", default=os.environ.get("GTM_TEST_POSTGRES_URL"),
                        help="also time PostgreSQL (default: $GTM_TEST_POSTGRES_URL); the database is emptied")
    parser.add_argument("--profile", action="store_true", help="profile one SQLite import with pyinstrument")
    parser.add_argument("--cli", action="store_true", help="time `gtm import` in a child process, with its peak memory")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        acc, opp = write_files(folder, args.rows)
        print(f"{args.rows:,} opportunities ({opp.stat().st_size / 1e6:.1f} MB CSV), "
              f"{args.rows // 20:,} accounts; best of {args.repeat}")
        if args.cli:
            return cli_main(args, folder, acc, opp)
        if args.profile:
            from pyinstrument import Profiler

            store = fresh_store(None, folder, 99)
            commit_import(store, plan_import(store, "accounts", acc, max_bytes=None), ADMIN)
            with Profiler() as prof:
                commit_import(store, plan_import(store, "opportunities", opp, max_bytes=None), ADMIN)
            print(prof.output_text(unicode=True, color=False, show_all=False))
            return 0
        base = run_baseline(folder, opp, args.repeat)
        ours, reimport = run_ours(None, folder, acc, opp, args.rows, args.repeat, "sqlite")
        rate = args.rows / ours
        verdict = "PASS" if ours <= TARGET_S * args.rows / 100_000 else "MISS"
        print(f"SQLite     import   : {ours:6.2f} s  ({rate:,.0f} rows/s)  target <= {TARGET_S:.0f} s per 100,000 "
              f"rows: {verdict}")
        print(f"SQLite     re-import: {reimport:6.2f} s  ({args.rows / reimport:,.0f} rows/s), every row an update")
        print(f"baseline read_csv+to_sql: {base:6.2f} s  ({args.rows / base:,.0f} rows/s); "
              f"ours / baseline = {ours / base:.1f}x")
        if args.postgres:
            pg, pg_again = run_ours(args.postgres, folder, acc, opp, args.rows, args.repeat, "postgres")
            print(f"PostgreSQL import   : {pg:6.2f} s  ({args.rows / pg:,.0f} rows/s)")
            print(f"PostgreSQL re-import: {pg_again:6.2f} s  ({args.rows / pg_again:,.0f} rows/s)")
        return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    raise SystemExit(main())
