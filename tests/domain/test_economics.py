"""The economics of a structure and the roles it needs: unit cases a sales leader can check by hand, and properties
over random portfolios and assumptions (costs add up; moving an overkill account to its band never raises cost)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_budget import examples  # tests/hypothesis_budget.py: fewer in CI, all when thorough

from gtm import display
from gtm.domain import economics as econ
from gtm.domain import vocabulary as vocab
from gtm.domain.errors import InputError
from gtm.domain.matrix import default_matrix
from gtm.domain.playbook import Assumptions, assumptions_from, default_playbook
from gtm.domain.recommend import recommend

CODES = vocab.APPROACHES.codes
NATURES = vocab.NATURES.codes
BOOK = default_playbook()
DEFAULTS = BOOK.defaults


def _assumptions(**change: object) -> Assumptions:
    return assumptions_from({**DEFAULTS.as_dict(), **change})


def _opps(rows: list[tuple[str, str | None, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["account_id", "nature", "expected_value"])


# ---------------------------------------------------------------------------------------------- unit cases


def test_value_in_band_overkill_and_insufficient_follow_the_matrix_band() -> None:
    # cross_sell is realistic with lead_unit and overlay_advisory (docs/domain.md), turnkey with common_front_end, market_bu
    exp = econ.exposure(_opps([("A", "cross_sell", 10.0), ("A", "turnkey", 5.0), ("A", None, 2.0)]),
                        default_matrix(), ["A", "B"])
    row = dict(zip(CODES, exp.in_band[0]))
    assert row["lead_unit"] == 10 and row["overlay_advisory"] == 10 and row["common_front_end"] == 5
    assert row["traditional_sales"] == 0
    over = dict(zip(CODES, exp.over[0]))
    under = dict(zip(CODES, exp.under[0]))
    assert over["market_bu"] == 10 and under["market_bu"] == 0  # turnkey is in band for market_bu
    assert under["traditional_sales"] == 15 and over["traditional_sales"] == 0
    assert exp.total.tolist() == [15, 0] and exp.undiagnosed.tolist() == [2, 0]  # B has nothing: zeros


def test_one_account_moved_from_traditional_sales_to_a_lead_unit_by_hand() -> None:
    a = DEFAULTS
    exp = econ.exposure(_opps([("A", "cross_sell", 10_000_000.0)]), default_matrix(), ["A"])
    e = econ.economics(exp, np.array([0]), np.array([CODES.index("lead_unit")]), a).iloc[0]
    assert e["cost_year_current"] == 20_000 and e["cost_year_plan"] == 80_000
    assert e["setup_cost"] == 25_000 and e["cost_plan"] == 80_000 * 3 + 25_000
    assert e["stake_current"] == 0 and e["stake_plan"] == pytest.approx(0.2 * 10_000_000)
    assert e["benefit_plan"] == pytest.approx(0.3 * 0.2 * 10_000_000)
    assert e["left_on_table_current"] == pytest.approx(0.3 * 0.2 * 10_000_000)  # insufficient today
    assert e["left_on_table_plan"] == 0 and e["cost_without_benefit_plan"] == 0
    # 145,000 to recover (set-up 25,000 + 6 months of benefit foregone at 20,000) at 15,000 a month net
    assert e["payback_months"] == pytest.approx(145_000 / 15_000)
    assert display.payback(e["payback_months"], True, 3) == "in 10 months"


def test_an_overkill_account_costs_without_benefit_and_moving_it_down_saves_at_once() -> None:
    exp = econ.exposure(_opps([("A", "info_exchange", 1_000_000.0)]), default_matrix(), ["A"])
    heavy, light = CODES.index("market_bu"), CODES.index("traditional_sales")
    e = econ.economics(exp, np.array([heavy]), np.array([light]), DEFAULTS).iloc[0]
    assert e["cost_without_benefit_current"] == pytest.approx(2_000_000 * 3)  # all of it serves overkill
    assert e["cost_without_benefit_plan"] == 0 and e["setup_cost"] == 0  # moving down costs nothing once
    assert e["extra_cost"] == pytest.approx((20_000 - 2_000_000) * 3)
    assert e["payback_months"] == 0 and display.payback(0.0, True, 3) == "at once"


def test_a_heavier_structure_that_wins_nothing_more_never_pays_back() -> None:
    move = econ.single_move({"traditional_sales": 1e6, "market_bu": 1e6}, "traditional_sales", "market_bu", DEFAULTS)
    assert move["payback_months"] is None and move["extra_benefit"] == 0
    assert display.payback(float("nan"), True, 3) == "never"
    assert display.payback(float("nan"), False, 3) == "no move"
    assert display.payback(50.0, True, 3) == "in 50 months (after the 3-year horizon)"


def test_an_account_with_nothing_diagnosed_has_unknown_waste_not_zero() -> None:
    exp = econ.exposure(_opps([("A", None, 5.0)]), default_matrix(), ["A"])
    e = econ.economics(exp, np.array([3]), np.array([3]), DEFAULTS)
    assert math.isnan(e.loc[0, "cost_without_benefit_plan"])
    t = econ.totals(e, DEFAULTS)
    assert t.unknown_waste == 1 and t["undiagnosed_value"] == 5 and t["stake_plan"] == 0


def test_roles_round_up_to_whole_people_and_the_programme_only_when_a_key_account_structure_is_used() -> None:
    table = econ.roles_needed({"overlay_advisory": 7, "lead_unit": 2}, DEFAULTS, BOOK).set_index("role")
    assert table.loc["overlay_manager", "people"] == 3  # 7 accounts at 3 each
    assert table.loc["point_person", "people"] == 2 and table.loc["program_executive", "people"] == 1
    none = econ.roles_needed({"traditional_sales": 100}, DEFAULTS, BOOK)
    assert none["people"].sum() == 0
    ratio = _assumptions(coverage={**DEFAULTS.coverage, "overlay_manager": 7})
    assert econ.roles_needed({"overlay_advisory": 7}, ratio, BOOK).set_index("role").loc["overlay_manager",
                                                                                         "people"] == 1
    with pytest.raises(InputError, match="Unknown structure"):
        econ.roles_needed({"sales_bot": 1}, DEFAULTS, BOOK)


def test_roles_compared_counts_the_change_from_today_to_the_plan() -> None:
    out = econ.roles_compared({"traditional_sales": 5}, {"overlay_signing": 5}, DEFAULTS, BOOK).set_index("role")
    assert out.loc["overlay_manager", "people_current"] == 0 and out.loc["overlay_manager", "people_plan"] == 2
    assert out.loc["specialist", "change"] == 2 and out.loc["program_executive", "change"] == 1


def test_staffing_counts_new_hires_and_assignments_above_today_s_people() -> None:
    roles = econ.roles_compared({"overlay_advisory": 6, "lead_unit": 4}, {"overlay_advisory": 9, "lead_unit": 1},
                                DEFAULTS, BOOK)
    s = econ.staffing(roles)
    # today: 1 executive, 4 point persons, 2 overlay managers; plan: 1, 1, 3
    assert (s.today, s.needed) == (7, 5)
    assert (s.hire, s.assign, s.freed) == (1, 0, 3)  # one more overlay manager; three point persons freed


def test_a_move_down_that_loses_more_benefit_than_it_saves_never_pays_back() -> None:
    move = econ.single_move({"overlay_signing": 20e6}, "overlay_signing", "lead_unit", DEFAULTS)
    assert move["net"] < 0 and move["payback_months"] is None


@pytest.mark.parametrize(("change", "says"), [
    ({"cost_to_serve": {**DEFAULTS.cost_to_serve, "lead_unit": 10}}, "must not fall as the structure gets heavier"),
    ({"cost_to_serve": {k: v for k, v in DEFAULTS.cost_to_serve.items() if k != "market_bu"}}, "missing ['market_bu']"),
    ({"ramp_up_months": 36}, "the ramp-up (36 months) must be shorter than the horizon (3 years = 36 months)"),
    ({"margin": 1.5}, "Margin: Input should be less than or equal to 1"),
    ({"coverage": {**DEFAULTS.coverage, "specialist": 0}}, "the coverage of Specialists and consultants is 0"),
    ({"setup_cost": {**DEFAULTS.setup_cost, "lead_unit": -5}}, "accepted: a number from 0"),
    ({"cost_to_serve": {**DEFAULTS.cost_to_serve, "lead_unit": None}},
     "Cost to serve a year, Assignment of lead unit for multi-unit accounts: Input should be a valid number"),
    ({"coverage": {**DEFAULTS.coverage, "astrologer": 1}}, "unknown ['astrologer']"),
])
def test_wrong_assumptions_are_refused_naming_the_value_and_what_is_accepted(change: dict[str, object],
                                                                             says: str) -> None:
    with pytest.raises(InputError) as err:
        _assumptions(**change)
    assert says in str(err.value)


def test_costs_in_another_currency_are_converted_with_a_trace_or_refused_without_a_rate() -> None:
    a, note = econ.in_currency(DEFAULTS, "EUR", {"USD": 0.9})
    assert a.currency == "EUR" and a.cost_to_serve["lead_unit"] == pytest.approx(72_000)
    assert note == "Costs converted from USD at 0.9 EUR per USD."
    assert econ.in_currency(DEFAULTS, "USD", {}) == (DEFAULTS, None)
    with pytest.raises(InputError, match="no exchange rate for USD"):
        econ.in_currency(DEFAULTS, "EUR", {})


# ---------------------------------------------------------------------------------------------- properties


def _monotone(values: list[float]) -> dict[str, float]:
    return dict(zip(CODES, sorted(values)))


costs = st.lists(st.floats(0, 5e6, allow_nan=False), min_size=len(CODES), max_size=len(CODES)).map(_monotone)
setups = st.lists(st.floats(0, 2e6, allow_nan=False), min_size=len(CODES), max_size=len(CODES)).map(
    lambda v: dict(zip(CODES, v)))
assumption_sets = st.builds(
    lambda serve, setup, h, u, m, r: _assumptions(cost_to_serve=serve, setup_cost=setup, horizon_years=h, uplift=u,
                                                  margin=m, ramp_up_months=min(r, 12 * h - 1)),
    costs, setups, st.integers(1, 10), st.floats(0, 5), st.floats(0, 1), st.integers(0, 60))
opportunity_rows = st.lists(
    st.tuples(st.sampled_from(["A", "B", "C", "D", "E"]), st.sampled_from([*NATURES, None]),
              st.floats(0, 1e8, allow_nan=False)), min_size=1, max_size=40)
structures = st.lists(st.integers(0, len(CODES) - 1), min_size=5, max_size=5)


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(opportunity_rows, structures, structures, assumption_sets)
def test_costs_and_every_other_figure_add_up_over_the_portfolio(rows: list[tuple[str, str | None, float]],
                                                                current: list[int], plan: list[int],
                                                                a: Assumptions) -> None:
    ids = ["A", "B", "C", "D", "E"]
    exp = econ.exposure(_opps(rows), default_matrix(), ids)
    whole = econ.economics(exp, np.array(current), np.array(plan), a)
    t = econ.totals(whole, a)
    for column in econ.ADDITIVE:
        assert t[column] == pytest.approx(float(np.nansum(whole[column])), rel=1e-9, abs=1e-6)
    # The portfolio is the sum of its parts: two halves computed apart add up to the whole.
    first = econ.exposure(_opps([r for r in rows if r[0] in ids[:2]]), default_matrix(), ids[:2])
    second = econ.exposure(_opps([r for r in rows if r[0] in ids[2:]]), default_matrix(), ids[2:])
    t1 = econ.totals(econ.economics(first, np.array(current[:2]), np.array(plan[:2]), a), a)
    t2 = econ.totals(econ.economics(second, np.array(current[2:]), np.array(plan[2:]), a), a)
    for column in ("cost_current", "cost_plan", "extra_cost", "stake_plan", "benefit_plan", "net",
                   "cost_without_benefit_plan", "left_on_table_plan"):
        assert t1[column] + t2[column] == pytest.approx(t[column], rel=1e-9, abs=1e-6)
    # The moves that pay and the others make the whole net of the moves.
    assert t.paying_net + t.losing_net == pytest.approx(float(whole.loc[whole["moved"], "net"].sum()), abs=1e-6)
    assert t.paying == int((whole.loc[whole["moved"], "net"] > 0).sum())
    # Each account's horizon cost is its cost a year times the horizon plus its set-up.
    assert np.allclose(whole["cost_plan"], whole["cost_year_plan"] * a.horizon_years + whole["setup_cost"])
    assert np.allclose(whole["net"], whole["extra_benefit"] - whole["extra_cost"])
    # Value in band, overkilled and under-served make the diagnosed value, whatever the structure.
    diagnosed = whole["value"] - whole["undiagnosed_value"]
    assert np.allclose(whole["in_band_plan"] + whole["overkill_value_plan"] + whole["insufficient_value_plan"],
                       diagnosed, rtol=1e-9, atol=1e-6)


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(NATURES), st.floats(1, 1e8, allow_nan=False)), min_size=1, max_size=8),
       st.integers(0, len(CODES) - 1), assumption_sets)
def test_moving_an_overkill_account_to_its_band_never_raises_the_cost(opps: list[tuple[str, float]], heavier: int,
                                                                      a: Assumptions) -> None:
    matrix = default_matrix()
    frame = pd.DataFrame({"account_id": "A", "nature": [n for n, _ in opps], "value": [v for _, v in opps]})
    top = max(CODES.index(matrix.bands[n].high) for n, _ in opps)  # the heaviest realistic structure
    current = max(heavier, top + 1)
    if current >= len(CODES):
        return  # no structure above this account's band: it cannot be overkill
    # Served above every opportunity's band: every opportunity is overkill, the account is an overkill account.
    recommended = CODES.index(str(recommend(frame, matrix, rationale=False).loc[0, "recommended_approach"]))
    exp = econ.exposure(frame.rename(columns={"value": "expected_value"}), matrix, ["A"])
    assert exp.over[0, current] == pytest.approx(exp.total[0])
    e = econ.economics(exp, np.array([current]), np.array([recommended]), a).iloc[0]
    assert recommended < current
    assert e["cost_plan"] <= e["cost_current"] + 1e-6
    assert e["cost_without_benefit_plan"] <= e["cost_without_benefit_current"] + 1e-6
    assert e["setup_cost"] == 0


@settings(max_examples=100, deadline=None)
@given(st.floats(0, 1e7), st.floats(-1e7, 1e7), st.floats(-1e8, 1e8), assumption_sets)
def test_a_payback_is_the_month_the_cumulative_net_turns_positive(setup: float, extra_year: float, benefit: float,
                                                                   a: Assumptions) -> None:
    months = float(econ.payback_months(np.array([setup]), np.array([extra_year]), np.array([benefit]), a)[0])

    def cumulative(t: float) -> float:
        earning = 12 * a.horizon_years - a.ramp_up_months
        return -setup - extra_year / 12 * t + benefit / earning * max(0.0, t - a.ramp_up_months)

    scale = 1e-6 * max(1.0, setup + abs(extra_year) * a.horizon_years + abs(benefit))
    horizon = 12.0 * a.horizon_years
    if math.isnan(months):
        assert cumulative(horizon) <= scale  # never: the net over the horizon is not positive
    else:
        # From the payback month to the end of the horizon the cumulative net never falls below zero.
        assert cumulative(horizon) > 0
        for t in (months, max(months, a.ramp_up_months), (months + horizon) / 2, horizon):
            if months <= t <= horizon:
                assert cumulative(t + 1e-6) >= -scale, t
