"""Four real processes writing decisions and matrix versions at once: no deadlock, no lost decision, one active."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import IntegrityError

from gtm.domain.errors import InputError
from gtm.domain.matrix import default_matrix
from gtm.domain.permissions import Actor, Role
from gtm.services import decisions, matrices
from gtm.storage.models import MatrixVersion, utcnow
from gtm.storage.repository import Store

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import load_concurrent_writes as load

PROCESSES, ROUNDS = 4, 40
LEADER, FACILITATOR = Actor("Lee", Role.SALES_LEADER), Actor("Fay", Role.FACILITATOR)


def _check(url: str) -> None:
    started = time.perf_counter()
    figures = load.run(url, PROCESSES, ROUNDS)
    elapsed = time.perf_counter() - started
    calls = PROCESSES * ROUNDS * 3
    raw = {kind: n for kind, n in figures.errors.items() if kind != load.TRY_AGAIN}
    assert raw == {}, f"errors other than the clear 'try again': {raw}"
    assert figures.errors[load.TRY_AGAIN] <= calls // 20, figures.errors  # rare, after the retries gave up
    assert figures.operations == calls
    assert sum(figures.samples.values()) > 20, "the watcher barely sampled"
    assert set(figures.samples) == {1}, f"active versions seen (count: samples): {dict(figures.samples)}"
    store = Store(url)
    counts = store.counts()
    assert counts["decisions"] == figures.decisions  # every decision that was acknowledged is stored, no more
    assert counts["matrix_versions"] == 2 + figures.saves
    assert int(store.matrix_versions()["is_active"].sum()) == 1
    store.dispose()
    # A guard against a hang (a lock never released), not a speed test: 4 writers took 124 s on 2 busy cores.
    assert elapsed < 600, f"{elapsed:.0f} s for {calls} calls"


def test_four_processes_writing_at_once_on_sqlite(tmp_path: Path) -> None:
    _check(f"sqlite:///{tmp_path / 'busy.db'}")


@pytest.mark.postgres
def test_four_processes_writing_at_once_on_postgresql(empty_postgres: Callable[[], str]) -> None:
    _check(empty_postgres())


def test_the_database_refuses_a_second_active_version(store: Store) -> None:
    with pytest.raises(IntegrityError), store.engine.begin() as conn:
        m = default_matrix()
        conn.execute(insert(MatrixVersion).values(name="rogue", bands={}, fingerprint=m.fingerprint, is_active=True,
                                                  created_at=utcnow()))
    matrices.save_matrix(store, FACILITATOR, m, "workshop")
    with store.engine.connect() as conn:
        active = conn.execute(select(MatrixVersion.name).where(MatrixVersion.is_active.is_(True))).scalars().all()
    assert active == ["workshop"]


def test_a_stale_view_of_the_active_matrix_is_refused(store: Store) -> None:
    matrices.save_matrix(store, FACILITATOR, default_matrix(), "workshop", activate=False)
    matrices.activate_matrix(store, FACILITATOR, "workshop", expected_active="default")
    with pytest.raises(InputError, match="switched the active matrix version meanwhile: it is now 'workshop'"):
        matrices.activate_matrix(store, Actor("Sam", Role.FACILITATOR), "default", expected_active="default")
    with pytest.raises(InputError, match="meanwhile"):
        matrices.save_matrix(store, FACILITATOR, default_matrix(), "other", expected_active="default")
    assert store.active_matrix().name == "workshop"
    assert "other" not in store.matrix_versions()["name"].tolist()


def test_a_stale_view_of_the_decisions_is_refused(store: Store) -> None:
    load.prepare(store.url)
    first = decisions.record_decision(store, LEADER, "ACC-1", "lead_unit", "seen by nobody yet", expected_latest=0)
    with pytest.raises(InputError, match=r"Someone recorded a decision on this account meanwhile \(Lee, "):
        decisions.record_decision(store, Actor("Sam", Role.FACILITATOR), "ACC-1", "market_bu", "stale", expected_latest=0)
    second = decisions.record_decision(store, LEADER, "ACC-1", "market_bu", "saw the first", expected_latest=first)
    assert second > first
    assert store.decisions("ACC-1")["rationale"].tolist() == ["saw the first", "seen by nobody yet"]
    decisions.record_decision(store, LEADER, "ACC-2", "lead_unit", "no check asked")  # the old call still works


def test_0003_keeps_the_newest_active_version(tmp_path: Path) -> None:
    """A database that several active versions reached (before 0003) keeps the newest active, per table and kind."""
    from alembic import command

    from gtm.storage import engine as db

    engine = db.make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    command.upgrade(db.alembic_config(engine), "0002")
    with engine.begin() as conn:
        for i, when in enumerate(["2026-01-01", "2026-03-01", "2026-02-01"]):
            conn.execute(text("INSERT INTO matrix_versions (name, bands, fingerprint, is_active, created_at) "
                              "VALUES (:n, '{}', 'f', 1, :w)"), {"n": f"m{i}", "w": when})
            for kind in ("diagnosis", "product_family"):
                conn.execute(text("INSERT INTO rule_versions (kind, name, content, is_active, created_at) "
                                  "VALUES (:k, :n, '{}', 1, :w)"), {"k": kind, "n": f"r{i}", "w": when})
    command.upgrade(db.alembic_config(engine), "head")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM matrix_versions WHERE is_active")).scalars().all() == ["m1"]
        assert conn.execute(text("SELECT kind, name FROM rule_versions WHERE is_active ORDER BY kind")).all() == [
            ("diagnosis", "r1"), ("product_family", "r1")]
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text("UPDATE matrix_versions SET is_active = 1 WHERE name = 'm0'"))
    engine.dispose()


class _Deadlock(Exception):
    sqlstate = "40P01"  # what psycopg reports for a deadlock


def test_a_deadlock_is_tried_again_then_said_plainly(store: Store) -> None:
    from sqlalchemy.exc import OperationalError

    from gtm.domain.errors import WriteConflict

    attempts: list[int] = []

    def flaky(tx: object) -> str:
        attempts.append(1)
        if len(attempts) < 3:
            raise OperationalError("UPDATE matrix_versions ...", {}, _Deadlock("deadlock detected"))
        return "written"

    assert store.write(flaky) == "written" and len(attempts) == 3

    def hopeless(tx: object) -> None:
        raise OperationalError("UPDATE matrix_versions ...", {}, _Deadlock("deadlock detected"))

    with pytest.raises(WriteConflict, match="Another change was being saved at the same moment; try again"):
        store.write(hopeless, retries=2)
    attempts.clear()

    def mistaken(tx: object) -> None:
        attempts.append(1)
        raise InputError("No matrix version named 'nope'.")

    with pytest.raises(InputError):  # a person's mistake is never retried
        store.write(mistaken)
    assert len(attempts) == 1
