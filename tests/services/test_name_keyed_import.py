"""Salesforce exports keyed by account name only, imported as a new user would, on SQLite and PostgreSQL.

The files under tests/fixtures/crm/ are saved as Excel on Windows does: Windows-1252, CRLF, "$12,500,000.00",
names with accents, stray spaces and two spellings of one company.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from fixtures_import import LEADER, snapshot

from gtm.cli import main
from gtm.domain.errors import InputError
from gtm.services.imports import ImportPlan, commit_import, plan_import
from gtm.storage.repository import Store

CRM = Path(__file__).resolve().parents[1] / "fixtures" / "crm"
ACCOUNTS_WITH_TWINS = CRM / "sf_accounts_by_name.csv"      # rows 5 'ACME Corp' and 7 'Acme Corp.'
ACCOUNTS = CRM / "sf_accounts_by_name_fixed.csv"           # the same, row 7 removed by the user
ACCOUNTS_WITH_IDS = CRM / "sf_accounts_with_ids.csv"       # 'Fabrikam, Inc.' and 'Acme Corp.' with CRM ids
OPPORTUNITIES = CRM / "sf_opportunities_by_name.csv"       # row 6 'Acme Corp' (two accounts), row 7 a typo


def _accounts(store: Store) -> pd.DataFrame:
    return store.accounts().set_index("account_id")


def test_accounts_by_name_only_get_ids_from_their_names_and_a_reimport_updates(store: Store) -> None:
    plan = plan_import(store, "accounts", ACCOUNTS)
    assert plan.table.encoding == "cp1252" and "account_id" not in plan.columns.fields
    assert any(n.startswith("No id column: each account's id is derived from its name") for n in plan.notes)
    assert plan.ok, plan.problems
    result = commit_import(store, plan, LEADER)
    assert (result.added, result.updated) == (5, 0)
    stored = _accounts(store)
    assert sorted(stored.index) == ["name:acme corp", "name:contoso ltd", "name:müller anlagenbau gmbh",
                                    "name:northwind industrial", "name:société générale énergie"]
    assert stored.loc["name:société générale énergie", "name"] == "Société Générale Énergie"  # spaces trimmed
    assert stored.loc["name:northwind industrial", "revenue"] == 12_500_000.0
    assert stored.loc["name:müller anlagenbau gmbh", "owner"] == "Jörg Weiß"

    # The same export a month later, one revenue changed: the accounts are updated, not duplicated.
    later = ACCOUNTS.read_bytes().replace(b'"$12,500,000.00"', b'"$13,000,000.00"')
    again = plan_import(store, "accounts", later, name="Accounts (2).csv")
    assert again.ok and again.existing == 5
    assert "0 to add, 5 to update" in again.summary()
    assert commit_import(store, again, LEADER).summary() == "accounts: 0 added, 5 updated, 0 rejected"
    stored = _accounts(store)
    assert len(stored) == 5 and stored.loc["name:northwind industrial", "revenue"] == 13_000_000.0


def test_two_spellings_of_one_name_are_both_reported_and_nothing_is_written(store: Store) -> None:
    before = snapshot(store)
    plan = plan_import(store, "accounts", ACCOUNTS_WITH_TWINS)
    found = {(p.row, p.column, p.value): p.reason for p in plan.problems}
    assert set(found) == {(5, "Account Name", "ACME Corp"), (7, "Account Name", "Acme Corp.")}
    assert found[(5, "Account Name", "ACME Corp")].startswith(
        "is the same account name as row 7 ('Acme Corp.') once case, spacing and punctuation are ignored")
    assert "row 5 ('ACME Corp')" in found[(7, "Account Name", "Acme Corp.")]
    with pytest.raises(InputError, match="nothing was imported"):
        commit_import(store, plan, LEADER)
    assert snapshot(store) == before


def _opportunity_plan(store: Store) -> ImportPlan:
    commit_import(store, plan_import(store, "accounts", ACCOUNTS), LEADER)
    commit_import(store, plan_import(store, "accounts", ACCOUNTS_WITH_IDS), LEADER)
    return plan_import(store, "opportunities", OPPORTUNITIES)


def test_opportunities_by_account_name_land_on_accounts_imported_by_name_or_by_id(store: Store) -> None:
    plan = _opportunity_plan(store)
    problems = {(p.row, p.column, p.value): p.reason for p in plan.problems}
    assert problems == {
        (6, "Account Name", "Acme Corp"):
            "matches several accounts (0011x00000AcmeB, name:acme corp); give the account id instead",
        (7, "Account Name", "Nortwind Industrial"):
            "is not a known account name; did you mean 'Northwind Industrial' (name:northwind industrial)? "
            "Import the accounts first or correct the name",
    }

    # All or nothing: one problem, and not a single opportunity is written.
    before = snapshot(store)
    with pytest.raises(InputError, match="2 rows have problems; nothing was imported") as caught:
        commit_import(store, plan, LEADER)
    assert "row 7, column 'Account Name': value 'Nortwind Industrial': is not a known account name; did you mean" \
        in str(caught.value)
    assert snapshot(store) == before and store.opportunities().empty

    result = commit_import(store, plan, LEADER, skip_invalid=True)
    assert (result.added, result.rejected) == (5, 2)
    landed = store.opportunities().set_index("opportunity_id")["account_id"].to_dict()
    assert landed == {
        "0061x00001": "name:northwind industrial",
        "0061x00002": "name:société générale énergie",    # 'société générale énergie ' in the file
        "0061x00003": "name:müller anlagenbau gmbh",      # 'MÜLLER ANLAGENBAU GMBH'
        "0061x00004": "0011x00000FabrK",                  # 'Fabrikam Inc' -> the CRM account 'Fabrikam, Inc.'
        "0061x00007": "name:contoso ltd",                 # 'contoso  ltd'
    }


def test_the_command_line_imports_by_name_and_writes_rejects_next_to_a_sensible_name(
        db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["import", "accounts", str(ACCOUNTS), "--database", db_url]) == 0
    assert main(["import", "accounts", str(ACCOUNTS_WITH_IDS), "--database", db_url]) == 0
    out = capsys.readouterr().out
    assert "note: No id column: each account's id is derived from its name" in out
    assert main(["import", "opportunities", str(OPPORTUNITIES), "--database", db_url, "--skip-invalid"]) == 0
    out = capsys.readouterr().out
    assert "wrote 2 rejected rows with reasons to sf_opportunities_by_name.rejected.csv" in out
    back = pd.read_csv(tmp_path / "sf_opportunities_by_name.rejected.csv", encoding="utf-8-sig", dtype=str)
    assert back["Account Name"].tolist() == ["Acme Corp", "Nortwind Industrial"]
    assert "did you mean 'Northwind Industrial'" in back["reasons"][1]
    store = Store(db_url)
    assert len(store.accounts()) == 7 and len(store.opportunities()) == 5
    store.dispose()
