"""Results over time, measured: two dated imports of 1,000,000 opportunities at 100,000 accounts, then the results
between them, against a naive baseline in the same run.

The demo generator builds 100,000 accounts; their opportunities are topped up to --opportunities rows (copies of
generated rows under new ids). The first export holds a realistic mix of outcomes (a fifth won, a third lost, the
rest open); the second, a quarter later, closes a tenth of the open deals won and a tenth lost. Both are imported
as ``gtm import`` does (the command line's limits, the import services), each dated; the record step (the records of
what changed and the accounts' won totals each import adds) is timed on its own.

Then, median of --runs:

- ours: ``gtm.services.results.programme_results`` for every account, the whole Results page's read (the imports,
  each account's won totals at both imports, the records of the deals won in between for the new wins, first deals
  and cross-BU, the series, the decisions); and for a 15-account focus list;
- baseline: the naive way to the same per-account won_before / won_now: read every record of every opportunity,
  take each opportunity's latest record at or before each import (sort + drop_duplicates), merge, group by account.

    python scripts/bench_results.py [--accounts 100000] [--opportunities 1000000] [--runs 3] [--postgres URL]

Target: results between two imports of 1M rows in 2 s or less.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gtm.domain.permissions import ADMIN  # noqa: E402
from gtm.ingest import demo  # noqa: E402
from gtm.ingest.limits import Limits  # noqa: E402
from gtm.services import imports, lists, results  # noqa: E402
from gtm.storage.repository import Store  # noqa: E402


def portfolio(accounts: int, opportunities: int, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The generated accounts and BUs, and opportunities topped up to ``opportunities`` rows with outcomes."""
    frames = demo.generate(accounts=accounts)
    opps = frames["opportunities"]
    rng = np.random.default_rng(seed)
    if len(opps) < opportunities:
        extra = opps.iloc[rng.integers(0, len(opps), opportunities - len(opps))].copy()
        opps = pd.concat([opps, extra], ignore_index=True)
    opps = opps.head(opportunities).copy()
    opps["opportunity_id"] = [f"OPP-{i + 1:07d}" for i in range(len(opps))]
    draw = rng.random(len(opps))
    opps.loc[draw < 0.2, ["stage", "probability"]] = ("Closed Won", 100)
    opps.loc[(draw >= 0.2) & (draw < 0.53), ["stage", "probability"]] = ("Closed Lost", 0)
    return frames["business_units"], frames["accounts"], opps


def a_quarter_later(opps: pd.DataFrame, seed: int = 8) -> pd.DataFrame:
    """A tenth of the open deals won, a tenth lost."""
    rng = np.random.default_rng(seed)
    later = opps.copy()
    open_ = ~later["stage"].isin(["Closed Won", "Closed Lost"]).to_numpy()
    draw = rng.random(len(later))
    later.loc[open_ & (draw < 0.1), ["stage", "probability"]] = ("Closed Won", 100)
    later.loc[open_ & (draw >= 0.1) & (draw < 0.2), ["stage", "probability"]] = ("Closed Lost", 0)
    return later


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    out = call()
    return time.perf_counter() - start, out


def cpu_timed(call: Callable[[], Any]) -> tuple[float, float]:
    """Wall and CPU seconds of one call (SQLite runs in this process: its CPU time is what the call costs; on a
    shared machine the wall time adds the wait for a core)."""
    wall, cpu = time.perf_counter(), time.process_time()
    call()
    return time.perf_counter() - wall, time.process_time() - cpu


def median_of(runs: int, call: Callable[[], Any]) -> tuple[float, list[float], float]:
    """The median wall time of ``runs`` calls, every wall time, and the median CPU time."""
    both = [cpu_timed(call) for _ in range(runs)]
    walls = [w for w, _ in both]
    return statistics.median(walls), walls, statistics.median(c for _, c in both)


def naive(store: Store, base: int, latest: int) -> pd.DataFrame:
    """The baseline: every record read, each opportunity's state at both imports, merged, summed per account."""
    records = store.outcome_records(latest)
    records = records.sort_values(["opportunity_key", "import_id"], kind="stable")

    def state(at: int) -> pd.DataFrame:
        upto = records[records["import_id"] <= at].drop_duplicates("opportunity_key", keep="last")
        won = upto["value"].where(upto["outcome"] == "won", 0.0)
        return upto.assign(won=won)[["opportunity_key", "account_key", "won"]]

    both = state(base).merge(state(latest), on="opportunity_key", how="outer", suffixes=("_before", "_now"))
    before = both.groupby("account_key_before")["won_before"].sum()
    now = both.groupby("account_key_now")["won_now"].sum()
    return pd.DataFrame({"won_before": before, "won_now": now}).fillna(0.0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--opportunities", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL database to run on (emptied) instead of SQLite")
    args = parser.parse_args(argv)

    folder = Path(tempfile.mkdtemp(prefix="gtm-bench-results-"))
    t, (bus, accounts, first) = timed(lambda: portfolio(args.accounts, args.opportunities))
    second = a_quarter_later(first)
    print(f"generated {len(accounts):,} accounts, {len(first):,} opportunities in {t:.1f} s "
          f"({int((first['stage'] == 'Closed Won').sum()):,} won, {int((first['stage'] == 'Closed Lost').sum()):,} "
          f"lost; a quarter later {int((second['stage'] == 'Closed Won').sum()):,} won)")
    (folder / "accounts.csv").write_bytes(demo.csv_bytes("accounts", accounts))
    (folder / "first.csv").write_bytes(demo.csv_bytes("opportunities", first))
    (folder / "second.csv").write_bytes(demo.csv_bytes("opportunities", second))
    del first, second

    if args.postgres:
        from sqlalchemy import text

        store = Store(args.postgres, migrate=False)
        with store.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        store.dispose()
        url = args.postgres
    else:
        url = f"sqlite:///{folder / 'gtm.db'}"
    store = Store(url)
    with store.transaction() as tx:
        store.upsert_business_units(tx, bus)

    recorded: list[tuple[float, float]] = []
    original = store.record_import

    def timed_record(tx: Any, **kwargs: Any) -> tuple[int, int]:
        start, cpu = time.perf_counter(), time.process_time()
        try:
            return original(tx, **kwargs)
        finally:
            recorded.append((time.perf_counter() - start, time.process_time() - cpu))

    store.record_import = timed_record  # type: ignore[method-assign]  # timed: the services call it on this store
    day = date.today() - timedelta(days=91)
    for name, as_of in (("accounts.csv", None), ("first.csv", day), ("second.csv", date.today())):
        kind = "accounts" if name == "accounts.csv" else "opportunities"
        started = time.perf_counter()
        plan = imports.plan_import(store, kind, folder / name, limits=Limits.command_line())
        t_plan = time.perf_counter() - started
        if plan.problems:
            raise SystemExit(f"{name}: {len(plan.problems)} problem(s), e.g. {plan.problems[0]}")
        started = time.perf_counter()
        result = imports.commit_import(store, plan, ADMIN, as_of=as_of)
        t_commit = time.perf_counter() - started
        extra = (f", of which recording {recorded[-1][0]:.1f} s ({recorded[-1][1]:.1f} s of CPU)"
                 if kind == "opportunities" else "")
        print(f"import {name}: read and checked in {t_plan:.1f} s, written in {t_commit:.1f} s{extra}; "
              f"{result.summary()}")
        del plan  # the file's rows: freed before the next one is read
    found = store.imports()
    print(f"records: {', '.join(f'{int(c):,}' for c in found['changes'])} (first import, then what changed)")
    base, latest = int(found["import_id"].iloc[0]), int(found["import_id"].iloc[-1])

    print(f"load average before the results: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    ours, ours_runs, ours_cpu = median_of(args.runs, lambda: results.programme_results(store, every_account=True))
    check = results.programme_results(store, every_account=True)
    ids = [str(a) for a in store.accounts()["account_id"].head(15)]
    lists.save_list(store, ADMIN, "Focus list", "focus", ids, target_value=3.5e9, target_years=3)
    listed, listed_runs, listed_cpu = median_of(args.runs, lambda: results.programme_results(store))
    base_s, base_runs, base_cpu = median_of(args.runs, lambda: naive(store, base, latest))
    naive_frame = naive(store, base, latest)
    got = check.accounts.set_index("account_id")
    keys = store.accounts_by_key().set_index("account_key")["account_id"]
    # pandas maps an index through a Series (its index to its values); pandas-stubs know mappings and callables only
    naive_frame.index = naive_frame.index.map(keys)  # type: ignore[arg-type]
    joined = naive_frame.join(got[["won_before", "won_now"]].add_suffix("_ours"), how="outer").fillna(0.0)
    equal = bool(np.allclose(joined["won_before"], joined["won_before_ours"])
                 and np.allclose(joined["won_now"], joined["won_now_ours"]))
    s = check.summary
    assert s is not None
    print(f"results, every account ({len(check.accounts):,} with won value): {ours:.2f} s median wall "
          f"({', '.join(f'{x:.2f}' for x in ours_runs)}), {ours_cpu:.2f} s of CPU; gained {s.gained / 1e9:.2f}B, "
          f"{s.cross_bu:,} cross-BU accounts, {s.with_deal:,} first deals")
    print(f"results, a 15-account focus list: {listed:.2f} s median wall "
          f"({', '.join(f'{x:.2f}' for x in listed_runs)}), {listed_cpu:.2f} s of CPU")
    print(f"baseline (every record, both states merged): {base_s:.2f} s median wall "
          f"({', '.join(f'{x:.2f}' for x in base_runs)}), {base_cpu:.2f} s of CPU; ours / baseline = "
          f"{ours / base_s:.2f}x wall, {ours_cpu / base_cpu:.2f}x CPU")
    print(f"per-account won before and now equal to the baseline's: {'yes' if equal else 'NO'}")
    print(f"target: results between two imports of {args.opportunities:,} rows <= 2 s: "
          f"{'met' if ours <= 2 else 'NOT met'} on the wall clock, {'met' if ours_cpu <= 2 else 'NOT met'} in CPU time")
    store.dispose()
    return 0 if equal else 1


if __name__ == "__main__":
    raise SystemExit(main())
