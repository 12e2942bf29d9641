"""Results over time through the services, on SQLite and PostgreSQL (the ``store`` fixture runs both when
GTM_TEST_POSTGRES_URL is set): dated imports keep what changed, won value is compared between any two imports, for a
list since its baseline, against its target; an export date that would turn results back in time is refused."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
from fixtures_import import text_bytes

from gtm.domain.errors import InputError
from gtm.domain.permissions import ADMIN, Actor, Role
from gtm.services import decisions, lists, results
from gtm.services.currency import set_exchange_rates
from gtm.services.imports import commit_import, plan_import
from gtm.storage.repository import Store

TODAY = date.today()
KICK_OFF = TODAY - timedelta(days=91)
FAY = Actor("Fay Chen", Role.FACILITATOR, email="fay@example.com")
ACCOUNTS = [["A1", "Acme", "Dana"], ["A2", "Globex", "Dana"], ["A3", "Initech", "Sam"]]
HEADER = ["opportunity_id", "account_id", "bu", "name", "value", "stage", "close_date", "currency"]


def _deals(changes: dict[str, tuple[str, str | None]] | None = None) -> list[list[object]]:
    """The CRM export: each deal's stage (and close date) as ``changes`` says, else as at the kick-off."""
    rows = [["O1", "A1", "BU-A", "Lines", 100, "Proposal", None, "USD"],
            ["O2", "A1", "BU-B", "Sensors", 40, "Qualification", None, "USD"],
            ["O3", "A2", "BU-A", "Retrofit", 70, "Closed Won", "2026-01-10", "USD"],
            ["O4", "A2", "BU-A", "Drives", 30, "Negotiation", None, "EUR"],
            ["O5", "A3", "BU-C", "Spares", 5, "Prospecting", None, "USD"]]
    for row in rows:
        stage, closed = (changes or {}).get(str(row[0]), (row[5], row[6]))
        row[5], row[6] = stage, closed
    return rows


def _import(store: Store, rows: list[list[object]], as_of: date | None, name: str = "deals.csv") -> None:
    plan = plan_import(store, "opportunities", text_bytes(HEADER, rows), name=name)
    assert not plan.problems, plan.problems
    commit_import(store, plan, ADMIN, as_of=as_of)


@pytest.fixture
def two_imports(store: Store) -> Store:
    """Three accounts; the kick-off export a quarter ago, then today's: O1 (BU-A) and O2 (BU-B) at A1 won (a cross-BU
    win), O4 at A2 won (in EUR, rated 1.1), O3 (won before) lost."""
    set_exchange_rates(store, ADMIN, [{"currency": "EUR", "rate": 1.1}])
    commit_import(store, plan_import(store, "accounts", text_bytes(["account_id", "name", "owner"], ACCOUNTS)), ADMIN)
    _import(store, _deals(), KICK_OFF, "kick-off.csv")
    closed = (TODAY - timedelta(days=30)).isoformat()
    _import(store, _deals({"O1": ("Closed Won", closed), "O2": ("Closed Won", None), "O3": ("Closed Lost", None),
                           "O4": ("Closed Won", closed)}), TODAY, "quarter.csv")
    return store


def test_each_import_is_dated_and_records_only_what_changed(two_imports: Store) -> None:
    found = two_imports.imports()
    assert found["as_of"].tolist() == [KICK_OFF, TODAY] and found["source"].tolist() == ["kick-off.csv", "quarter.csv"]
    assert found["rows"].tolist() == [5, 5] and found["changes"].tolist() == [5, 4]  # O5 did not change
    _import(two_imports, _deals({"O1": ("Closed Won", (TODAY - timedelta(days=30)).isoformat()),
                                 "O2": ("Closed Won", None), "O3": ("Closed Lost", None),
                                 "O4": ("Closed Won", (TODAY - timedelta(days=30)).isoformat())}), TODAY, "again.csv")
    assert two_imports.imports()["changes"].tolist() == [5, 4, 0]  # the same export again: nothing new


def test_won_value_gained_per_account_between_the_two_imports(two_imports: Store) -> None:
    res = results.programme_results(two_imports, every_account=True)
    assert res.baseline is not None and res.baseline.import_id == 1 and res.waiting_for is None
    table = res.accounts.set_index("account_id")
    assert table.loc["A1", ["won_before", "won_now", "won_gained"]].tolist() == [0.0, 140.0, 140.0]
    # A2: the deal won before was lost (its 70 taken back), the EUR deal won (30 x 1.1)
    assert table.loc["A2", ["won_before", "won_now"]].tolist() == pytest.approx([70.0, 33.0])
    assert table.loc["A2", "won_gained"] == pytest.approx(-37.0)
    assert bool(table.loc["A1", "cross_bu"]) and not bool(table.loc["A2", "cross_bu"])
    assert table.loc["A1", "first_deal_from"] == "close date" and table.loc["A1", "days_to_first_deal"] == 61
    assert "A3" not in table.index  # every account: those with won value or a new win
    assert res.summary is not None and res.summary.gained == pytest.approx(103.0)
    assert results.export_frame(res).columns.tolist() == ["account_id", "account_name", "won_before", "won_now",
                                                          "won_gained"]
    assert res.series["gained"].tolist() == pytest.approx([0.0, 103.0])


def test_a_list_is_counted_since_it_was_saved_against_its_target(two_imports: Store) -> None:
    lists.save_list(two_imports, FAY, "Focus list", "focus", ["A1", "A3"], target_value=1000.0, target_years=1)
    res = results.programme_results(two_imports)  # the latest focus list by default
    assert res.scope.list_name == "Focus list" and res.accounts["account_id"].tolist() == ["A1", "A3"]
    assert res.baseline is not None and res.baseline.rule == "list" and res.baseline.import_id == 2
    assert res.waiting_for is not None and "Only the baseline import so far" in res.waiting_for  # saved after both
    since = results.programme_results(two_imports, rule="first")
    assert since.summary is not None and since.summary.gained == 140.0
    assert since.summary.pace == pytest.approx(1000.0 * 91 / 365.25)
    assert since.accounts.set_index("account_id").loc["A3", "won_now"] == 0.0  # on the list, nothing won: shown
    dated = results.programme_results(two_imports, since=KICK_OFF - timedelta(days=1))
    assert dated.baseline is not None and "no export is dated on or before" in dated.baseline.words


def test_gains_at_accounts_that_moved_to_their_recommended_structure_against_the_others(two_imports: Store) -> None:
    decisions.record_decision(two_imports, ADMIN, "A1", "lead_unit", "agreed", recommended_approach="lead_unit")
    decisions.record_decision(two_imports, ADMIN, "A2", "market_bu", "our call", recommended_approach="lead_unit")
    res = results.programme_results(two_imports, every_account=True)
    assert res.accounts.set_index("account_id")["group"].to_dict() == {"A1": "moved", "A2": "not moved"}
    assert res.summary is not None and res.summary.gained_by_group == {"moved": 140.0, "not moved": pytest.approx(-37.0)}


def test_an_older_or_a_future_export_date_is_refused_and_nothing_is_written(two_imports: Store) -> None:
    before = two_imports.opportunities().set_index("opportunity_id")["outcome"].to_dict()
    with pytest.raises(InputError, match=r"before the latest import's .*accepted: .* or later") as caught:
        _import(two_imports, _deals({"O5": ("Closed Won", None)}), KICK_OFF + timedelta(days=1))
    assert caught.value.problems[0].column == "export date"
    with pytest.raises(InputError, match="is after today"):
        _import(two_imports, _deals({"O5": ("Closed Won", None)}), date.today() + timedelta(days=1))  # at call time
    with pytest.raises(InputError, match="'someday' is not a date"):
        _import(two_imports, _deals({"O5": ("Closed Won", None)}), "someday")  # type: ignore[arg-type]
    assert two_imports.opportunities().set_index("opportunity_id")["outcome"].to_dict() == before
    assert len(two_imports.imports()) == 2


def test_an_import_of_accounts_is_not_dated_and_without_imports_results_say_what_to_do(store: Store) -> None:
    commit_import(store, plan_import(store, "accounts", text_bytes(["account_id", "name"], [["A1", "Acme"]])), ADMIN)
    res = results.programme_results(store)
    assert res.imports.empty and res.waiting_for is not None and "No import of opportunities" in res.waiting_for
    assert results.export_frame(res).empty and res.sentences() == [res.waiting_for]


def test_an_unknown_list_names_the_lists_there_are(two_imports: Store) -> None:
    lists.save_list(two_imports, FAY, "Shortlist", "short", ["A1"])
    with pytest.raises(InputError, match=r"No account list named 'Nope'.*'Shortlist'"):
        results.programme_results(two_imports, "Nope")


def test_a_deal_whose_bu_comes_from_the_family_mapping_counts_for_that_bu(store: Store) -> None:
    from gtm.services import diagnosis

    commit_import(store, plan_import(store, "accounts", text_bytes(["account_id", "name"], [["A1", "Acme"]])), ADMIN)
    header = ["opportunity_id", "account_id", "bu", "product_family", "value", "stage"]
    store_rows = [["O1", "A1", "BU-A", "", 10, "Proposal"], ["O2", "A1", "", "Valves", 20, "Proposal"]]
    commit_import(store, plan_import(store, "opportunities", text_bytes(header, store_rows)), ADMIN, as_of=KICK_OFF)
    diagnosis.save_version(store, ADMIN, "family_bu", "map", diagnosis.mapping_content(
        "family_bu", [{"product_family": "Valves", "bu": "BU-V"}]))
    won = [[*r[:5], "Closed Won"] for r in store_rows]
    commit_import(store, plan_import(store, "opportunities", text_bytes(header, won)), ADMIN, as_of=TODAY)
    res = results.programme_results(store, every_account=True)
    row = res.accounts.set_index("account_id").loc["A1"]
    assert row["bus_won"] == 2 and bool(row["cross_bu"])
    assert res.summary is not None and res.summary.wins_without_bu == 0


def test_results_read_the_totals_and_only_the_records_of_deals_won_since_the_baseline(two_imports: Store) -> None:
    every = two_imports.outcome_records(2)
    since = two_imports.new_win_records(1, 2)
    assert len(every) == 9 and set(since["opportunity_key"]) == set(
        every.loc[(every["import_id"] == 2) & (every["outcome"] == "won"), "opportunity_key"])
    totals = two_imports.won_totals(1, 2).sort_values(["account_key", "currency"])
    rows = [[None if pd.isna(x) else x for x in row]
            for row in totals[["currency", "before", "now", "deals"]].itertuples(index=False)]
    assert rows == [["USD", None, 140.0, 2], ["EUR", None, 30.0, 1], ["USD", 70.0, None, None]]
