"""python -m gtm export results and import --as-of, as a user runs them (in-process, as tests/test_import_cli.py)."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from fixtures_import import text_bytes

from gtm.cli import main
from gtm.domain.permissions import ADMIN
from gtm.services import lists
from gtm.storage.repository import Store

HEADER = ["opportunity_id", "account_id", "bu", "value", "stage"]


@pytest.fixture
def two_exports(tmp_path: Path) -> tuple[str, Path]:
    """A database with three accounts, their kick-off export imported dated a quarter back, and today's export."""
    url = f"sqlite:///{tmp_path / 'gtm.db'}"
    (tmp_path / "accounts.csv").write_bytes(text_bytes(["account_id", "name"], [["A1", "Acme"], ["A2", "Globex"],
                                                                                 ["A3", "Initech"]]))
    (tmp_path / "kick-off.csv").write_bytes(text_bytes(HEADER, [["O1", "A1", "BU-A", 100, "Proposal"],
                                                                ["O2", "A1", "BU-B", 40, "Proposal"],
                                                                ["O3", "A2", "BU-A", 70, "Negotiation"]]))
    (tmp_path / "today.csv").write_bytes(text_bytes(HEADER, [["O1", "A1", "BU-A", 100, "Closed Won"],
                                                             ["O2", "A1", "BU-B", 40, "Closed Won"],
                                                             ["O3", "A2", "BU-A", 70, "Negotiation"]]))
    kick_off = (date.today() - timedelta(days=91)).isoformat()
    assert main(["import", "accounts", str(tmp_path / "accounts.csv"), "--database", url]) == 0
    assert main(["import", "opportunities", str(tmp_path / "kick-off.csv"), "--database", url, "--as-of",
                 kick_off, "--no-snapshot"]) == 0
    return url, tmp_path


def test_export_results_writes_each_accounts_won_before_now_and_gained(two_exports: tuple[str, Path],
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    url, folder = two_exports
    assert main(["import", "opportunities", str(folder / "today.csv"), "--database", url, "--no-snapshot"]) == 0
    store = Store(url)
    assert [d.isoformat() for d in store.imports()["as_of"]][1] == date.today().isoformat()
    lists.save_list(store, ADMIN, "Focus list", "focus", ["A1", "A3"], target_value=1000.0, target_years=1)
    store.dispose()
    capsys.readouterr()
    out = folder / "results.csv"
    assert main(["export", "results", "-o", str(out), "--database", url, "--since",
                 (date.today() - timedelta(days=100)).isoformat()]) == 0
    said = capsys.readouterr().err
    assert "$140 of won value gained in 91 days at 2 accounts" in said and "of its pace" in said
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert rows[0] == ["account_id", "account_name", "won_before", "won_now", "won_gained"]
    assert rows[1:] == [["A1", "Acme", "0", "140", "140"], ["A3", "Initech", "0", "0", "0"]]
    every = folder / "every.csv"
    assert main(["export", "results", "-o", str(every), "--database", url, "--list", "Focus list", "--labels"]) == 0
    header = next(csv.reader(io.StringIO(every.read_bytes().decode("utf-8-sig"))))
    assert header == ["Account id", "Account", "Won at the baseline (USD)", "Won now (USD)", "Gained (USD)"]


def test_a_wrong_date_or_list_is_said_without_a_traceback(two_exports: tuple[str, Path],
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    url, folder = two_exports
    capsys.readouterr()
    assert main(["export", "results", "--database", url, "--since", "31/12/2026"]) == 2
    assert "--since '31/12/2026' is not a date; accepted: a date as YYYY-MM-DD" in capsys.readouterr().err
    assert main(["export", "results", "--database", url, "--list", "Nope"]) == 2
    assert "No account list named 'Nope'" in capsys.readouterr().err
    assert main(["export", "accounts", "--database", url, "--since", "2026-01-01"]) == 2
    assert "takes neither" in capsys.readouterr().err
    assert main(["import", "opportunities", str(folder / "today.csv"), "--database", url, "--as-of",
                 (date.today() - timedelta(days=200)).isoformat()]) == 2
    assert "before the latest import's" in capsys.readouterr().err
    assert main(["import", "accounts", str(folder / "accounts.csv"), "--database", url, "--as-of", "2026-01-01"]) == 2
    assert "an import of accounts takes none" in capsys.readouterr().err
    store = Store(url)
    assert len(store.imports()) == 1  # nothing was imported
    store.dispose()
