"""The store on a real SQLite file and a real PostgreSQL server: migrations, decisions, reviews, versions."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import insert, inspect, select

from gtm.domain.errors import ConfigError, InputError, PermissionDenied
from gtm.domain.matrix import default_matrix
from gtm.domain.permissions import Actor, Role
from gtm.services import decisions, matrices
from gtm.storage.models import Account, BusinessUnit, Opportunity
from gtm.storage.repository import Store

LEADER = Actor("Dana Reyes", Role.SALES_LEADER)
FACILITATOR = Actor("Fay Chen", Role.FACILITATOR)


def _account(store: Store, ext: str = "ACC-1", bu: str = "BU-A") -> None:
    with store.engine.begin() as conn:
        bu_pk = conn.execute(insert(BusinessUnit).values(external_id=bu, name=bu).returning(BusinessUnit.id)).scalar_one()
        acc = conn.execute(insert(Account).values(external_id=ext, name="Acme", current_approach="traditional_sales",
                                                  owner=LEADER.name)
                           .returning(Account.id)).scalar_one()
        conn.execute(insert(Opportunity).values(external_id=f"{ext}-O1", account_id=acc, bu_id=bu_pk, nature="turnkey",
                                                value=1000.0))


def test_first_start_creates_schema_and_default_matrix(store: Store) -> None:
    tables = set(inspect(store.engine).get_table_names())
    assert {"accounts", "opportunities", "decisions", "reviews", "matrix_versions", "alembic_version"} <= tables
    active = store.active_matrix()
    assert active.name == "default"
    assert active.matrix.fingerprint == default_matrix().fingerprint
    assert store.is_empty()


def test_reopening_never_drops_data(db_url: str) -> None:
    first = Store(db_url)
    _account(first)
    decisions.record_decision(first, LEADER, "ACC-1", "common_front_end", "Turnkey work needs one front end")
    first.dispose()
    again = Store(db_url)  # runs the migrations again: a no-op
    assert again.counts()["decisions"] == 1
    assert again.accounts()["account_id"].tolist() == ["ACC-1"]
    again.dispose()


def test_decisions_are_append_only_and_read_back_newest_first(store: Store) -> None:
    _account(store)
    decisions.record_decision(store, LEADER, "ACC-1", "lead_unit", "first thought")
    decisions.record_decision(store, LEADER, "ACC-1", "Common front-end sales force across all/most product groups", "on reflection")
    history = store.decisions("ACC-1")
    assert history["approach"].tolist() == ["common_front_end", "lead_unit"]
    assert history["rationale"].tolist() == ["on reflection", "first thought"]
    assert set(history["matrix_name"]) == {"default"}
    assert set(history["author"]) == {"Dana Reyes"}
    assert set(history["review_status"]) == {"pending"}


def test_decision_needs_rationale_known_approach_and_account(store: Store) -> None:
    _account(store)
    with pytest.raises(InputError, match="rationale"):
        decisions.record_decision(store, LEADER, "ACC-1", "lead_unit", "   ")
    with pytest.raises(InputError, match="not a known approach"):
        decisions.record_decision(store, LEADER, "ACC-1", "hire a consultant", "why not")
    with pytest.raises(InputError, match="No account"):
        decisions.record_decision(store, LEADER, "NOPE", "lead_unit", "why not")
    assert store.counts()["decisions"] == 0


def test_permissions_are_checked_in_the_service(store: Store) -> None:
    _account(store)
    with pytest.raises(PermissionDenied):
        decisions.record_decision(store, Actor("Bo", Role.BU_HEAD, "BU-A"), "ACC-1", "lead_unit", "not my call")
    with pytest.raises(PermissionDenied, match="name"):
        decisions.record_decision(store, Actor("  ", Role.SALES_LEADER), "ACC-1", "lead_unit", "anonymous")
    with pytest.raises(PermissionDenied):
        matrices.save_matrix(store, LEADER, default_matrix().with_band("turnkey", "overlay_signing", "market_bu"), "mine")
    decision = decisions.record_decision(store, LEADER, "ACC-1", "lead_unit", "cheap start")
    with pytest.raises(PermissionDenied):
        decisions.review_decision(store, LEADER, decision, "approved", "")
    with pytest.raises(PermissionDenied, match="touch"):
        decisions.review_decision(store, Actor("Bo", Role.BU_HEAD, "BU-OTHER"), decision, "approved", "")
    assert store.counts()["reviews"] == 0


def test_bu_head_approves_and_challenges_with_history(store: Store) -> None:
    _account(store)
    decision = decisions.record_decision(store, LEADER, "ACC-1", "lead_unit", "cheap start")
    head = Actor("Bo Lind", Role.BU_HEAD, "BU-A")
    with pytest.raises(InputError, match="comment"):
        decisions.review_decision(store, head, decision, "challenged", "")
    decisions.review_decision(store, head, decision, "approved", "fine")
    decisions.review_decision(store, head, decision, "challenged", "turnkey needs more than a lead unit")
    assert store.reviews(decision)["verdict"].tolist() == ["approved", "challenged"]
    latest = store.decisions("ACC-1").iloc[0]
    assert latest["review_status"] == "challenged"
    assert latest["reviewer"] == "Bo Lind"


def test_matrix_versions_save_switch_reset(store: Store) -> None:
    wider = default_matrix().with_band("turnkey", "overlay_signing", "market_bu")
    before = store.data_version()
    matrices.save_matrix(store, FACILITATOR, wider, "workshop")
    assert store.data_version() > before
    assert store.active_matrix().name == "workshop"
    assert store.active_matrix().matrix.fit("turnkey", "overlay_signing") == ("realistic", 0)
    with pytest.raises(InputError, match="already exists"):
        matrices.save_matrix(store, FACILITATOR, wider, "workshop")
    matrices.reset_matrix(store, FACILITATOR)
    assert store.active_matrix().name == "default"
    matrices.activate_matrix(store, FACILITATOR, "workshop")
    versions = store.matrix_versions()
    assert versions["is_active"].astype(bool).sum() == 1
    assert store.matrix_version("default").fingerprint == default_matrix().fingerprint


def test_decision_records_matrix_version_it_was_judged_against(store: Store) -> None:
    _account(store)
    matrices.save_matrix(store, FACILITATOR, default_matrix().with_band("turnkey", "overlay_signing", "market_bu"), "wide")
    decisions.record_decision(store, LEADER, "ACC-1", "overlay_signing", "realistic under the wide band")
    row = store.decisions("ACC-1").iloc[0]
    assert row["matrix_name"] == "wide"
    assert row["matrix_fingerprint"] == store.active_matrix().matrix.fingerprint


def test_sqlite_runs_in_wal_with_foreign_keys(sqlite_store: Store) -> None:
    with sqlite_store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000


def test_backup_is_a_consistent_copy_that_opens(sqlite_store: Store, tmp_path: Path) -> None:
    _account(sqlite_store)
    decisions.record_decision(sqlite_store, LEADER, "ACC-1", "lead_unit", "kept in the backup")
    target = sqlite_store.backup(tmp_path / "backup.db")
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT rationale FROM decisions").fetchall() == [("kept in the backup",)]
    restored = Store(f"sqlite:///{target}")
    assert restored.decisions()["rationale"].tolist() == ["kept in the backup"]
    with pytest.raises(InputError, match="exists"):
        sqlite_store.backup(target)


@pytest.mark.postgres
def test_backup_refuses_postgres_and_points_to_pg_dump(pg_store: Store, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="pg_dump"):
        pg_store.backup(tmp_path / "x.db")


def test_bad_database_url_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="cannot"):
        Store("postgresql+psycopg://nobody:secret@127.0.0.1:1/none")


def test_foreign_keys_hold(store: Store) -> None:
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), store.engine.begin() as conn:
        conn.execute(insert(Opportunity).values(external_id="O", account_id=999, nature="turnkey", value=1.0))
    with store.engine.connect() as conn:
        assert conn.execute(select(Opportunity.id)).first() is None
