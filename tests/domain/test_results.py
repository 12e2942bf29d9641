"""Results over time, pure: won value per account, new wins, first deals, the baseline's rules, who moved, the pace
and the sentences; a property test of the new wins against the obvious computation of each opportunity's state."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_budget import examples  # tests/hypothesis_budget.py: fewer in CI, all when thorough

from gtm.domain import results as rules

SETTINGS = settings(max_examples=examples(150), deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


def _records(rows: list[tuple[int, int, int, str, float]], bu: int | None = None) -> pd.DataFrame:
    """(opportunity, import, account, outcome, value) rows as the storage hands them out."""
    frame = pd.DataFrame(rows, columns=["opportunity_key", "import_id", "account_key", "outcome", "value"])
    return frame.assign(bu_key=bu, currency="USD", close_date=None)


def _imports(*dates: date, recorded: list[datetime] | None = None) -> pd.DataFrame:
    stamps = recorded or [datetime(2026, 1, 1) + timedelta(days=i) for i in range(len(dates))]
    return pd.DataFrame({"import_id": range(1, len(dates) + 1), "as_of": list(dates), "recorded_at": stamps,
                         "source": "f.csv"})


def test_won_value_per_account_sums_its_currencies_and_an_amount_without_a_rate_counts_as_nothing() -> None:
    totals = pd.DataFrame({"account_key": [10, 10, 11, 12], "won": [5.0, 2.5, float("nan"), 0.0]})
    assert rules.won_by_account(totals).to_dict() == {10: 7.5, 11: 0.0, 12: 0.0}


@st.composite
def histories(draw: st.DrawFn) -> pd.DataFrame:
    """Records of a few opportunities over a few imports: only changes are recorded, as the storage does."""
    imports = draw(st.integers(1, 5))
    rows = []
    for opp in range(draw(st.integers(1, 8))):
        first = draw(st.integers(1, imports))
        last: tuple[int, str, float] | None = None
        for imp in range(first, imports + 1):
            state = (draw(st.integers(1, 3)), draw(st.sampled_from(["open", "won", "lost"])),
                     float(draw(st.integers(0, 1000))))
            if state != last:
                rows.append((opp, imp, *state))
                last = state
    return _records(rows)


@SETTINGS
@given(histories(), st.integers(1, 5), st.integers(0, 4))
def test_new_wins_are_the_deals_won_at_the_latest_import_and_not_at_the_baseline(records: pd.DataFrame, base: int,
                                                                                  later: int) -> None:
    latest = base + later

    def won(at: int) -> set[int]:
        state = records[records["import_id"] <= at].sort_values(["opportunity_key", "import_id"]) \
            .drop_duplicates("opportunity_key", keep="last")
        return set(state.loc[state["outcome"] == "won", "opportunity_key"])

    # The storage hands out only the records of deals recorded won after the baseline; the answer must not change.
    since = records[(records["import_id"] > base) & (records["import_id"] <= latest) & (records["outcome"] == "won")]
    wins = rules.new_wins(records[records["opportunity_key"].isin(since["opportunity_key"])], base, latest)
    assert set(wins["opportunity_key"]) == won(latest) - won(base)
    assert set(rules.new_wins(records, base, latest)["opportunity_key"]) == won(latest) - won(base)
    assert ((wins["first_won"] > base) & (wins["first_won"] <= latest)).all()


def test_new_wins_are_won_now_and_not_at_the_baseline_with_the_import_that_first_saw_them() -> None:
    records = _records([(1, 1, 10, "won", 5.0), (2, 1, 10, "open", 7.0), (2, 2, 10, "won", 7.0),
                        (3, 2, 11, "won", 9.0), (3, 3, 11, "lost", 9.0), (4, 3, 11, "won", 1.0)])
    wins = rules.new_wins(records, base=1, latest=3)
    assert dict(zip(wins["opportunity_key"], wins["first_won"], strict=True)) == {2: 2, 4: 3}


def test_the_first_deal_is_dated_by_its_close_date_only_between_the_baseline_and_the_import_that_saw_it() -> None:
    as_of = pd.Series({1: date(2026, 1, 1), 2: date(2026, 4, 1)})
    wins = pd.DataFrame({"opportunity_key": [1, 2, 3], "account_key": [10, 10, 11], "first_won": [2, 2, 2],
                         "close_date": ["2026-02-10", "2025-12-01", None]})
    dated = rules.first_deals(wins, as_of, date(2026, 1, 1))
    assert dated["won_on"].tolist() == [date(2026, 2, 10), date(2026, 4, 1), date(2026, 4, 1)]
    assert dated["won_from"].tolist() == [rules.FROM_CLOSE, rules.FROM_IMPORT, rules.FROM_IMPORT]


def test_account_results_count_cross_bu_and_days_and_show_a_lists_accounts_without_wins() -> None:
    records = _records([(1, 1, 10, "open", 5.0), (1, 2, 10, "won", 5.0), (2, 1, 10, "open", 3.0),
                        (2, 2, 10, "won", 3.0), (3, 1, 11, "won", 4.0)])
    wins = rules.new_wins(records, 1, 2).assign(bu=["BU-A", "BU-B"], close_date=["2026-01-20", "2026-02-01"])
    wins = rules.first_deals(wins, pd.Series({1: date(2026, 1, 1), 2: date(2026, 4, 1)}), date(2026, 1, 1))
    before, now = pd.Series({11: 4.0}), pd.Series({10: 8.0, 11: 4.0})
    table = rules.account_results(before, now, wins, date(2026, 1, 1),
                                  accounts=pd.Index([10, 11, 12])).set_index("account_key")
    assert table.loc[10, ["won_before", "won_now", "won_gained", "new_wins", "bus_won"]].tolist() == [0, 8, 8, 2, 2]
    assert bool(table.loc[10, "cross_bu"]) and table.loc[10, "days_to_first_deal"] == 19
    assert table.loc[11, "won_gained"] == 0 and table.loc[11, "won_before"] == 4
    assert table.loc[12, "won_now"] == 0 and pd.isna(table.loc[12, "days_to_first_deal"])  # on the list, no win


def test_the_baseline_follows_its_rule_and_says_when_it_falls_back_to_the_first_import() -> None:
    imports = _imports(date(2026, 1, 1), date(2026, 4, 1), date(2026, 7, 1),
                       recorded=[datetime(2026, 1, 2), datetime(2026, 4, 2), datetime(2026, 7, 2)])
    assert rules.choose_baseline(imports, "first").import_id == 1
    on_date = rules.choose_baseline(imports, "date", on=date(2026, 5, 15))
    assert on_date.import_id == 2 and on_date.on == date(2026, 4, 1) and "on or before 15 May 2026" in on_date.words
    early = rules.choose_baseline(imports, "date", on=date(2025, 5, 15))
    assert early.import_id == 1 and "no export is dated on or before 15 May 2025" in early.words
    listed = rules.choose_baseline(imports, "list", list_saved=datetime(2026, 5, 1), list_name="Focus list v1")
    assert listed.import_id == 2 and "in force when Focus list v1 was saved on 1 May 2026" in listed.words
    before = rules.choose_baseline(imports, "list", list_saved=datetime(2025, 5, 1), list_name="Focus list v1")
    assert before.import_id == 1 and "no import was recorded before Focus list v1 was saved" in before.words
    assert rules.choose_baseline(imports.head(0), "first") is None


def test_moved_is_the_latest_decision_choosing_the_recommendation_recorded_with_it_else_todays() -> None:
    decisions = pd.DataFrame({"account_id": ["A", "A", "B", "C", "D"],
                              "approach": ["lead_unit", "market_bu", "lead_unit", "lead_unit", "lead_unit"],
                              "recommended_approach": ["lead_unit", "lead_unit", "overlay_advisory", None, None]})
    today = pd.Series({"C": "lead_unit"})
    groups = rules.moved(decisions, today, pd.Index(["A", "B", "C", "D", "E"]))
    assert groups.to_dict() == {"A": "moved", "B": "not moved", "C": "moved", "D": "not known", "E": "not moved"}


def test_the_pace_spreads_the_target_evenly_and_without_a_target_there_is_none() -> None:
    three_years = date(2026, 1, 1) + timedelta(days=1096)
    assert rules.pace(3.5e9, 3, date(2026, 1, 1), three_years) == pytest.approx(3.5e9, rel=1e-3)
    assert rules.pace(3.5e9, 3, date(2026, 1, 1), date(2025, 1, 1)) == 0.0  # never negative
    assert rules.pace(None, None, date(2026, 1, 1), date(2026, 4, 1)) is None


def test_the_sentences_say_the_pace_or_that_there_is_no_target() -> None:
    table = pd.DataFrame({"account_key": [1, 2], "won_before": [0.0, 0.0], "won_now": [60.0, 40.0],
                          "won_gained": [60.0, 40.0], "new_wins": [2, 1], "bus_won": [2, 1], "cross_bu": [True, False],
                          "days_to_first_deal": pd.array([30, 200], dtype="Int64")})
    groups = pd.Series({1: "moved", 2: "not moved"})
    s = rules.summarise(table, target_value=400.0, target_years=1, base_on=date(2026, 1, 1),
                        latest_on=date(2026, 4, 1), groups=groups)
    assert s.cross_bu == 1 and s.with_deal == 2 and s.within_six_months == 1 and s.median_days == 115
    assert s.group_share("moved") == 0.6
    words = " ".join(rules.sentences(s, "USD"))
    assert "The target of $400 over 1 year asks for $99 by now: 101.5% of its pace" in words
    assert "60% of the gains were won at the 1 account that moved" in words
    none = rules.summarise(table, target_value=None, target_years=None, base_on=date(2026, 1, 1),
                           latest_on=date(2026, 4, 1))
    assert "No target is set" in " ".join(rules.sentences(none, "USD"))


def test_when_no_account_moved_the_sentence_says_so_rather_than_a_share_of_nothing() -> None:
    table = pd.DataFrame({"account_key": [1], "won_before": [0.0], "won_now": [50.0], "won_gained": [50.0],
                          "new_wins": [1], "bus_won": [1], "cross_bu": [False],
                          "days_to_first_deal": pd.array([10], dtype="Int64")})
    s = rules.summarise(table, target_value=None, target_years=None, base_on=date(2026, 1, 1),
                        latest_on=date(2026, 4, 1), groups=pd.Series({1: "not moved"}), accounts=40,
                        group_counts=pd.Series({"not moved": 40}))
    words = " ".join(rules.sentences(s, "USD"))
    assert "at 40 accounts" in words and "No account has moved to its recommended structure yet" in words
    assert "0% of the gains" not in words
