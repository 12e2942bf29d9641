"""Several servers opening one new database at the same moment: one migrates and seeds, the others wait."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from gtm.storage.repository import Store

SERVERS = 4
ROUNDS = 5


def _open_together(url: str) -> list[BaseException]:
    """Open ``url`` from several threads released at once; returns what each raised (nothing, ideally)."""
    gate = threading.Barrier(SERVERS)
    errors: list[BaseException] = []
    stores: list[Store] = []

    def server() -> None:
        gate.wait()
        try:
            stores.append(Store(url))
        except BaseException as exc:  # noqa: BLE001 - collected and asserted on below
            errors.append(exc)

    threads = [threading.Thread(target=server) for _ in range(SERVERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for s in stores:
        s.dispose()
    return errors


def _one_default_version(url: str) -> None:
    store = Store(url)
    versions = store.matrix_versions()
    store.dispose()
    assert versions["name"].tolist() == ["default"]
    assert versions["is_active"].tolist() == [True]


def test_servers_starting_together_on_a_new_sqlite_file(tmp_path: Path) -> None:
    for i in range(ROUNDS):
        url = f"sqlite:///{tmp_path / f'new-{i}.db'}"
        assert _open_together(url) == []
        _one_default_version(url)


@pytest.mark.postgres
def test_servers_starting_together_on_a_new_postgresql_database(empty_postgres: Callable[[], str]) -> None:
    for _ in range(ROUNDS):
        url = empty_postgres()
        assert _open_together(url) == []
        _one_default_version(url)


def test_the_old_silent_default_becomes_not_yet_diagnosed(tmp_path: Path) -> None:
    """0002: a nature the old default rule made up (info exchange) is dropped; real diagnoses and given ones stay."""
    from alembic import command
    from sqlalchemy import text

    from gtm.storage import engine as db

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = db.make_engine(url)
    command.upgrade(db.alembic_config(engine), "0001")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO accounts (id, external_id, name, updated_at) VALUES (1, 'A', 'Acme', '2026-01-01')"))
        for i, (nature, source, rule) in enumerate([("info_exchange", "diagnosed", "default-info-exchange"),
                                                    ("turnkey", "diagnosed", "turnkey-delivery"),
                                                    ("info_exchange", "given", None)]):
            conn.execute(text("INSERT INTO opportunities (id, external_id, account_id, nature, nature_source, "
                              "diagnosis_rule, value, updated_at) VALUES (:i, :e, 1, :n, :s, :r, 1.0, '2026-01-01')"),
                         {"i": i + 1, "e": f"O{i}", "n": nature, "s": source, "r": rule})
    engine.dispose()
    store = Store(url)  # migrates to the newest schema
    opps = store.opportunities().set_index("opportunity_id")
    store.dispose()
    assert pd.isna(opps.loc["O0", "nature"])
    assert opps["nature_source"].tolist() == ["undiagnosed", "rule", "given"]
    assert opps.loc["O2", "nature"] == "info_exchange"  # given by the file: kept


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_0011_reads_the_outcome_of_every_stored_opportunity_from_its_stage_and_probability(
        backend: str, tmp_path: Path, empty_postgres: Callable[[], str]) -> None:
    """Rows stored before outcomes existed are read once, as an import would read them today: a closed-lost stage or
    a probability of 0 where the stage says nothing is lost, a closed-won stage or 100 is won, the rest open."""
    from alembic import command
    from sqlalchemy import text

    from gtm.storage import engine as db

    url = f"sqlite:///{tmp_path / 'old.db'}" if backend == "sqlite" else empty_postgres()
    engine = db.make_engine(url)
    command.upgrade(db.alembic_config(engine), "0010")
    rows = [("Closed Lost", 0.0), ("Closed Won", 100.0), ("Negotiation", 0.0), ("Proposal", 100.0),
            ("Proposal", 40.0), (None, None), ("closedlost", None), ("Closed Won", 0.0)]
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO accounts (id, external_id, name, updated_at) VALUES (1, 'A', 'Acme', "
                          "'2026-01-01')"))
        for i, (stage, probability) in enumerate(rows):
            conn.execute(text("INSERT INTO opportunities (id, external_id, account_id, nature_source, value, stage, "
                              "probability, updated_at) VALUES (:i, :e, 1, 'rule', 1.0, :s, :p, '2026-01-01')"),
                         {"i": i + 1, "e": f"O{i}", "s": stage, "p": probability})
        conn.execute(text("INSERT INTO meta (key, value) VALUES ('portfolio_version', 7), ('portfolio_stamp', 5)"))
    engine.dispose()
    store = Store(url)
    opps = store.opportunities().set_index("opportunity_id")
    assert store.portfolio_version() == 8 and store.portfolio_stamp() != 5  # no frame of the old one is read again
    store.dispose()
    assert opps.loc[[f"O{i}" for i in range(len(rows))], "outcome"].tolist() == \
        ["lost", "won", "lost", "won", "open", "open", "lost", "won"]
