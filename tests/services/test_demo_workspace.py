"""The demo lives in its own workspace: resetting it, however often, never changes a byte of main."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from fixtures_import import LEADER, load, text_bytes
from sqlalchemy import select, text

from gtm.domain.errors import InputError, PermissionDenied
from gtm.domain.permissions import Actor, Role
from gtm.ingest import demo
from gtm.services import decisions
from gtm.services.demo import seed_demo
from gtm.storage.models import Base
from gtm.storage.repository import Store

FACILITATOR = Actor("Fran Facilitator", Role.FACILITATOR)


def every_table(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (and Alembic's version), in a fixed order: the whole store as data."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with store.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            out[table.name] = [tuple(r) for r in conn.execute(select(table).order_by(*order)).all()]
        out["alembic_version"] = [tuple(r) for r in conn.execute(text("SELECT version_num FROM alembic_version"))]
    return out


def file_digest(store: Store) -> str | None:
    """SHA-256 of a SQLite workspace's file (after its pool is closed, so the WAL is checkpointed); None on PostgreSQL."""
    if store.backend != "sqlite":
        return None
    store.dispose()
    path = Path(store.url.split("///", 1)[1])
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def main_with_history(db_url: str) -> Store:
    """Main holding an organisation's portfolio with a decision in its history."""
    main = Store(db_url)
    load(main, "accounts", text_bytes(["Account ID", "Account Name", "Industry"],
                                      [["M-1", "Northwind Industrial", "Rail"], ["M-2", "Contoso", "Energy"]]))
    load(main, "opportunities", text_bytes(["Opportunity ID", "Account ID", "Amount", "Nature"],
                                           [["MO-1", "M-1", "250000", "Turnkey"], ["MO-2", "M-2", "1000", ""]]))
    decisions.record_decision(main, FACILITATOR, "M-1", "lead_unit", "Our real decision.")
    return main


@pytest.fixture
def tiny_demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A generated demo of 3 accounts in place of the bundled 400, so a hundred resets stay quick."""
    folder = tmp_path / "tiny-demo"
    demo.write(demo.generate(accounts=3), folder)
    monkeypatch.setattr(demo, "DEMO_DIR", folder)
    return folder


def test_resetting_the_demo_a_hundred_times_leaves_main_unchanged(
        db_url: str, main_with_history: Store, tiny_demo: Path) -> None:
    before, digest = every_table(main_with_history), file_digest(main_with_history)
    assert before["decisions"] and before["accounts"]
    demo_store = Store(db_url, workspace="demo")
    assert seed_demo(demo_store) is not None
    expected = len(demo.load(tiny_demo)["accounts"])
    for _ in range(100):
        results = seed_demo(demo_store, reset=True, actor=FACILITATOR, confirm="demo")
        assert results is not None and results[0].added == expected
    assert every_table(main_with_history) == before
    assert file_digest(main_with_history) == digest
    demo_store.dispose()


def test_the_real_demo_resets_three_times_and_main_is_unchanged(db_url: str, main_with_history: Store) -> None:
    before, digest = every_table(main_with_history), file_digest(main_with_history)
    demo_store = Store(db_url, workspace="demo")
    seed_demo(demo_store)
    decisions.record_decision(demo_store, FACILITATOR, "ACC-0001", "lead_unit", "Tried in the workshop.")
    for _ in range(3):
        seed_demo(demo_store, reset=True, actor=FACILITATOR, confirm="demo")
        counts = demo_store.counts()
        assert (counts["accounts"], counts["opportunities"], counts["decisions"]) == (400, 3552, 0)
    assert every_table(main_with_history) == before
    assert file_digest(main_with_history) == digest
    demo_store.dispose()


def test_main_is_never_reset_nor_seeded_whoever_asks_and_whatever_is_typed(main_with_history: Store) -> None:
    before = every_table(main_with_history)
    for confirm in (None, "", "main", "demo"):
        with pytest.raises(InputError, match="workspace 'main' holds your own portfolio"):
            seed_demo(main_with_history, reset=True, actor=FACILITATOR, confirm=confirm)
    with pytest.raises(InputError, match="never filled with, or replaced by, the demo"):
        seed_demo(main_with_history)
    assert every_table(main_with_history) == before


def test_a_demo_reset_needs_the_typed_workspace_name_and_a_facilitator(db_url: str, tiny_demo: Path) -> None:
    demo_store = Store(db_url, workspace="demo")
    seed_demo(demo_store)
    load(demo_store, "accounts", text_bytes(["Account ID", "Account Name"], [["EXTRA-1", "Added in the workshop"]]))
    before = every_table(demo_store)
    for confirm in (None, "", "Demo", "main", "yes"):
        with pytest.raises(InputError, match="Type demo to confirm"):
            seed_demo(demo_store, reset=True, actor=FACILITATOR, confirm=confirm)
    with pytest.raises(PermissionDenied):
        seed_demo(demo_store, reset=True, actor=LEADER, confirm="demo")
    assert every_table(demo_store) == before
    seed_demo(demo_store, reset=True, actor=FACILITATOR, confirm=" demo ")  # as typed, spaces around forgiven
    assert "EXTRA-1" not in set(demo_store.accounts()["account_id"])
    demo_store.dispose()
