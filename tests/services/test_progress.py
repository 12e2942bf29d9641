"""The first hour's checklist (gtm.services.progress) over the frames the pages read: what each step counts, what it
says is missing and where, a column the frames lack, lost deals, and a whole portfolio set up."""

from __future__ import annotations

import pandas as pd
import pytest

from gtm.domain import portfolio
from gtm.domain.matrix import default_matrix
from gtm.services import progress
from gtm.services.progress import Progress

KEYS = ["imported", "bus", "stages", "natures", "structures", "recommendations", "decisions", "reviews"]
MATRIX = default_matrix()


def _frames(opps: list[dict[str, object]], accounts: dict[str, str | None]) -> tuple[pd.DataFrame, pd.DataFrame,
                                                                                    pd.DataFrame]:
    """Accounts (id -> current approach), the opportunities assessed at it, and the recommendations."""
    acc = pd.DataFrame({"account_id": list(accounts), "name": list(accounts),
                        "current_approach": list(accounts.values())})
    frame = pd.DataFrame(opps)
    if "probability" not in frame:
        frame["probability"] = None
    frame["approach"] = frame["account_id"].map(accounts)
    assessed = portfolio.assess_portfolio(frame, MATRIX)
    return acc, assessed, portfolio.recommendations(assessed, MATRIX)


def _no_decisions() -> pd.DataFrame:
    return pd.DataFrame(columns=["decision_id", "account_id", "approach", "review_status"])


def _check(accounts: pd.DataFrame, assessed: pd.DataFrame, recs: pd.DataFrame,
           decisions: pd.DataFrame | None = None) -> Progress:
    return progress.progress(accounts, assessed, recs, _no_decisions() if decisions is None else decisions)


def test_an_empty_workspace_starts_with_the_import_and_every_other_step_waits_for_it() -> None:
    empty = pd.DataFrame(columns=["account_id", "current_approach"])
    opps = pd.DataFrame(columns=["opportunity_id", "account_id", "value", "nature", "approach"])
    p = _check(empty, portfolio.assess_portfolio(opps, MATRIX), pd.DataFrame(columns=["account_id"]))
    assert [s.key for s in p.steps] == KEYS
    assert p.done == 0 and not p.complete
    assert p.next_step is not None and p.next_step.key == "imported"
    assert "Nothing is imported yet" in p.next_step.missing and p.next_step.place == progress.IMPORT
    for step in p.steps[1:7]:
        assert step.missing.startswith("Waits for the"), step
        assert step.place == progress.IMPORT
    assert p.step("reviews").missing.startswith("Waits for a decision")


def test_half_way_accounts_imported_nothing_diagnosed_says_what_is_missing_and_where() -> None:
    accounts, assessed, recs = _frames(
        [{"opportunity_id": "O1", "account_id": "A1", "value": 300.0, "nature": None, "product_family": "Valves",
          "bu": None, "nature_source": "undiagnosed"},
         {"opportunity_id": "O2", "account_id": "A2", "value": 100.0, "nature": None, "product_family": "Pumps",
          "bu": None, "nature_source": "undiagnosed"}],
        {"A1": None, "A2": None})
    p = _check(accounts, assessed, recs)
    assert [s.key for s in p.steps if s.done] == ["imported"]
    bus = p.step("bus")
    assert bus.figures.startswith("0% of the value has a BU") and bus.place == progress.DIAGNOSE
    assert "map their product families to BUs on the Diagnose page" in bus.missing
    natures = p.step("natures")
    assert natures.figures == "0% of the value diagnosed" and natures.share == 0
    assert "2 opportunities (100% of the value) are not yet diagnosed" in natures.missing
    structures = p.step("structures")
    assert "2 accounts have no current approach recorded" in structures.missing
    assert "traditional sales (assumed)" in structures.missing and structures.place == progress.PORTFOLIO
    assert p.step("recommendations").figures == "0 of 2 accounts have one"
    assert p.step("decisions").place == progress.DIAGNOSE  # nothing to decide on before a recommendation


def test_without_an_outcome_column_the_stages_step_says_so_instead_of_passing() -> None:
    accounts, assessed, recs = _frames(
        [{"opportunity_id": "O1", "account_id": "A1", "value": 10.0, "nature": "turnkey", "bu": "BU-A"}],
        {"A1": "market_bu"})
    stages = _check(accounts, assessed, recs).step("stages")
    assert not stages.done and stages.figures == "no stage column imported"
    assert "import the opportunities again with their Stage" in stages.missing
    with_stage = _check(accounts, assessed.assign(stage="Prospecting"), recs).step("stages")
    assert not with_stage.done and with_stage.figures == "stages imported, not read as open, won or lost"


def test_outcomes_are_counted_and_lost_deals_leave_the_bus_and_natures_shares() -> None:
    accounts, assessed, recs = _frames(
        [{"opportunity_id": "O1", "account_id": "A1", "value": 100.0, "nature": "turnkey", "bu": "BU-A",
          "outcome": "open", "nature_source": "given"},
         {"opportunity_id": "O2", "account_id": "A1", "value": 900.0, "nature": None, "bu": None,
          "outcome": "lost", "nature_source": "undiagnosed"},
         {"opportunity_id": "O3", "account_id": "A1", "value": 100.0, "nature": "turnkey", "bu": "BU-A",
          "outcome": None, "nature_source": "rule"}],
        {"A1": "market_bu"})
    p = _check(accounts, assessed, recs)
    stages = p.step("stages")
    assert stages.figures == "1 open · 0 won · 1 lost · 1 not known" and not stages.done
    assert stages.missing.startswith("1 opportunity has a stage that says neither open, won nor lost")
    natures = p.step("natures")  # the lost deal's 900 needs no nature
    assert natures.done and natures.figures == ("100% of the value at stake (lost deals left out) diagnosed: "
                                                "50% by the file, 50% by a rule")
    assert p.step("bus").done


def test_a_missing_column_degrades_to_not_known_never_to_done() -> None:
    accounts = pd.DataFrame({"account_id": ["A1"]})  # no current_approach column
    opps = pd.DataFrame({"account_id": ["A1"], "value": [5.0]})  # no bu, nature, nature_source, fit
    p = _check(accounts, opps, pd.DataFrame())
    assert p.step("imported").done
    assert not any(p.step(k).done for k in KEYS[1:])
    assert p.step("structures").figures == "not known"
    assert p.step("natures").figures == "0% of the value diagnosed"
    assert p.step("recommendations").figures == "0 of 1 accounts have one"


def test_shares_never_round_a_part_to_all_or_nothing() -> None:
    accounts, assessed, recs = _frames(
        [{"opportunity_id": "O1", "account_id": "A1", "value": 100_000.0, "nature": "turnkey", "bu": "BU-A"},
         {"opportunity_id": "O2", "account_id": "A1", "value": 1.0, "nature": None, "bu": None}],
        {"A1": "market_bu"})
    p = _check(accounts, assessed, recs)
    assert p.step("natures").figures.startswith("over 99% of the value diagnosed")
    assert "(under 1% of the value)" in p.step("natures").missing
    assert p.step("bus").figures.startswith("over 99% of the value has a BU")


def test_the_first_decision_goes_to_the_account_with_the_most_value_in_misfits() -> None:
    accounts, assessed, recs = _frames(
        [{"opportunity_id": "O1", "account_id": "A1", "value": 5_000.0, "nature": "info_exchange", "bu": "B"},
         {"opportunity_id": "O2", "account_id": "A2", "value": 1_000.0, "nature": "turnkey", "bu": "B"},
         {"opportunity_id": "O3", "account_id": "A3", "value": 3_000.0, "nature": "turnkey", "bu": "B"}],
        {"A1": "traditional_sales", "A2": "traditional_sales", "A3": "traditional_sales"})
    step = _check(accounts, assessed, recs).step("decisions")
    assert not step.done and step.place == progress.ACCOUNT and step.query == {"account": "A3"}


def test_decisions_and_reviews_count_each_accounts_latest_decision() -> None:
    accounts, assessed, recs = _frames(
        [{"opportunity_id": "O1", "account_id": "A1", "value": 1.0, "nature": "turnkey", "bu": "B"},
         {"opportunity_id": "O2", "account_id": "A2", "value": 1.0, "nature": "turnkey", "bu": "B"}],
        {"A1": "market_bu", "A2": "market_bu"})
    newest_first = pd.DataFrame({"decision_id": [3, 2, 1], "account_id": ["A1", "A2", "A1"],
                                 "review_status": ["pending", "approved", "approved"]})
    p = _check(accounts, assessed, recs, newest_first)
    assert p.step("decisions").done and p.step("decisions").figures == ("2 of 2 accounts with a recommendation "
                                                                        "have a decision")
    reviews = p.step("reviews")  # a first verdict is recorded: done, and the one waiting is said
    assert reviews.done and reviews.figures == "1 of 2 decisions reviewed (1 approved, 0 challenged)"
    assert reviews.missing == "1 decision waits for a BU head's verdict on the Review page."
    waiting = _check(accounts, assessed, recs, newest_first.assign(review_status=["pending", "pending", "approved"]))
    assert not waiting.step("reviews").done and waiting.step("reviews").missing.startswith("2 decisions wait")
    done = _check(accounts, assessed, recs, newest_first.assign(review_status=["challenged", "approved", "x"]))
    assert done.step("reviews").done and not done.step("reviews").missing


@pytest.mark.parametrize("outcome", [True, False])
def test_a_portfolio_walked_through_once_is_set_up(outcome: bool) -> None:
    rows = [{"opportunity_id": "O1", "account_id": "A1", "value": 10.0, "nature": "turnkey", "bu": "B",
             "nature_source": "mapping", "bu_source": "mapping"}]
    if outcome:
        rows[0]["outcome"] = "won"
    accounts, assessed, recs = _frames(rows, {"A1": "market_bu"})
    p = _check(accounts, assessed, recs, pd.DataFrame({"decision_id": [1], "account_id": ["A1"],
                                                       "review_status": ["approved"]}))
    assert p.complete is outcome  # without an outcome column nothing says the stages are understood
    assert p.step("natures").figures == "100% of the value diagnosed: 100% by a mapping"
    assert p.step("bus").figures.endswith(": 100% from the family → BU mapping")
    assert (p.next_step is None) is outcome
