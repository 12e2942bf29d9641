"""Concurrent writers on one database: decisions, matrix saves and switches from several OS processes at once.

    .venv/bin/python scripts/load_concurrent_writes.py [--processes 4] [--rounds 300] [--postgres URL]

Each process opens its own Store and, every round, records a decision, saves and activates a new matrix version,
then activates an existing one. A watcher process counts the active matrix versions as fast as it can. Prints the
time, the operations, the errors by kind and the most active versions the watcher saw, for SQLite (a temporary
file) and, when a URL is given (or GTM_TEST_POSTGRES_URL is set), for PostgreSQL. tests/storage uses run().
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ACCOUNTS = [f"ACC-{i}" for i in range(4)]
OWNER = "Lee"  # the sales leader who owns every account of the workload
SWITCH_TO = ("default", "base")
TRY_AGAIN = "try again"


@dataclass
class Figures:
    """What one run did: calls that succeeded, errors by kind, active counts the watcher saw."""

    seconds: float = 0.0
    decisions: int = 0
    saves: int = 0
    switches: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    samples: Counter[int] = field(default_factory=Counter)

    @property
    def operations(self) -> int:
        """Every call made, failed or not."""
        return self.decisions + self.saves + self.switches + sum(self.errors.values())


def prepare(url: str) -> None:
    """Accounts to decide on and a second matrix version to switch to, in a fresh database."""
    import pandas as pd

    from gtm.domain.matrix import default_matrix
    from gtm.domain.permissions import Actor, Role
    from gtm.services import matrices
    from gtm.storage.repository import ACCOUNT_COLUMNS, Store

    store = Store(url)
    rows = pd.DataFrame({c: [None] * len(ACCOUNTS) for c in ACCOUNT_COLUMNS})
    rows["external_id"] = ACCOUNTS
    rows["name"] = [f"Account {a}" for a in ACCOUNTS]
    rows["owner"] = OWNER  # a sales leader records decisions only on the accounts they own
    with store.transaction() as tx:
        store.upsert_accounts(tx, rows)
    matrices.save_matrix(store, Actor("Setup", Role.FACILITATOR), default_matrix(), "base", activate=False)
    store.dispose()


def _kind(exc: BaseException) -> str:
    """'try again' for the clear conflict message, 'stale view' for the optimistic check, else the class name."""
    from gtm.domain.errors import GtmError

    if isinstance(exc, GtmError):
        text = str(exc)
        if "try again" in text.lower() and "meanwhile" not in text:
            return TRY_AGAIN
        if "meanwhile" in text:
            return "stale view"
        return f"GtmError: {text[:80]}"
    return f"{type(exc).__module__}.{type(exc).__name__}"


def writer(url: str, process: int, rounds: int) -> Figures:
    """One process's rounds: a decision, a new version saved and activated, a switch to an existing version."""
    from gtm.domain.matrix import default_matrix
    from gtm.domain.permissions import Actor, Role
    from gtm.services import decisions, matrices
    from gtm.storage.repository import Store

    store = Store(url)
    leader, facilitator = Actor(OWNER, Role.SALES_LEADER), Actor(f"Facilitator {process}", Role.FACILITATOR)
    matrix = default_matrix()
    out = Figures()
    for r in range(rounds):
        calls = (
            ("decisions", lambda r=r: decisions.record_decision(
                store, leader, ACCOUNTS[(process + r) % len(ACCOUNTS)], "lead_unit", f"p{process} r{r}")),
            ("saves", lambda r=r: matrices.save_matrix(store, facilitator, matrix, f"p{process}-r{r}")),
            ("switches", lambda r=r: matrices.activate_matrix(store, facilitator, SWITCH_TO[(process + r) % 2])),
        )
        for counter, call in calls:
            try:
                call()
            except Exception as exc:  # noqa: BLE001 - every failure is counted by kind, none may be a raw one
                out.errors[_kind(exc)] += 1
            else:
                setattr(out, counter, getattr(out, counter) + 1)
    store.dispose()
    return out


def decide_until(url: str, stop_file: str) -> int:
    """Record decisions 'd0', 'd1', ... on one account until ``stop_file`` exists; returns how many (the backup drill)."""
    from gtm.domain.permissions import Actor, Role
    from gtm.services import decisions
    from gtm.storage.repository import Store

    store = Store(url)
    leader = Actor(OWNER, Role.SALES_LEADER)
    n = 0
    while not os.path.exists(stop_file):
        decisions.record_decision(store, leader, ACCOUNTS[0], "lead_unit", f"d{n}")
        n += 1
    store.dispose()
    return n


def watcher(url: str, stop_file: str) -> Counter[int]:
    """Count the active matrix versions again and again until ``stop_file`` exists; how often each count was seen."""
    from sqlalchemy import text

    from gtm.storage import engine as db

    engine = db.make_engine(url)
    seen: Counter[int] = Counter()
    with engine.connect() as conn:
        while not os.path.exists(stop_file):
            seen[int(conn.execute(text("SELECT count(*) FROM matrix_versions WHERE is_active")).scalar() or 0)] += 1
            conn.rollback()  # a fresh snapshot for the next sample
            time.sleep(0.002)
    engine.dispose()
    return seen


def run(url: str, processes: int = 4, rounds: int = 40) -> Figures:
    """Prepare ``url``, run the writers and the watcher in spawned processes, and add up their figures."""
    prepare(url)
    stop_file = tempfile.mktemp(prefix="gtm-load-stop-")
    total = Figures()
    with ProcessPoolExecutor(max_workers=processes + 1, mp_context=get_context("spawn")) as pool:
        watching = pool.submit(watcher, url, stop_file)
        started = time.perf_counter()
        writers = [pool.submit(writer, url, p, rounds) for p in range(processes)]
        try:
            results = [w.result() for w in writers]
        finally:
            total.seconds = time.perf_counter() - started
            Path(stop_file).touch()
        total.samples = watching.result()
    os.unlink(stop_file)
    for f in results:
        total.decisions += f.decisions
        total.saves += f.saves
        total.switches += f.switches
        total.errors.update(f.errors)
    return total


def report(backend: str, f: Figures) -> str:
    """The figures in a few lines."""
    errors = ", ".join(f"{k}: {v}" for k, v in f.errors.most_common()) or "none"
    return (f"{backend}: {f.seconds:.1f} s, {f.operations} operations ({f.decisions} decisions, {f.saves} saves, "
            f"{f.switches} switches succeeded)\n  errors: {errors}\n"
            f"  active versions seen: {dict(sorted(f.samples.items()))} (max {max(f.samples, default=0)})")


def main() -> int:
    """Run the load on SQLite and, when configured, PostgreSQL; print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--postgres", default=os.environ.get("GTM_TEST_POSTGRES_URL"),
                        help="a PostgreSQL URL of a database this script may empty (default: GTM_TEST_POSTGRES_URL)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print(report("SQLite", run(f"sqlite:///{tmp}/load.db", args.processes, args.rounds)), flush=True)
    if args.postgres:
        from sqlalchemy import create_engine, make_url, text

        base = make_url(args.postgres)
        name = f"{base.database}_load_{os.getpid()}"
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            url = base.set(database=name).render_as_string(hide_password=False)
            print(report("PostgreSQL", run(url, args.processes, args.rounds)), flush=True)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
