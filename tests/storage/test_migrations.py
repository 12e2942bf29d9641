"""Several servers opening one new database at the same moment: one migrates and seeds, the others wait."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

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
