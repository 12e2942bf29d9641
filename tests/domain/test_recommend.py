"""recommend: one structure per account, on examples worked out by hand.

Steps outside the default band, per nature, for approaches lightest first
(traditional_sales, coordinated_incentives, lead_unit, overlay_advisory, overlay_signing,
common_front_end, market_bu):

    info_exchange         0 0 1 2 3 4 5
    qualification         1 0 0 1 2 3 4
    cross_sell            2 1 0 0 1 2 3
    coordinated_strategy  3 2 1 0 0 1 2
    technical_solution    4 3 2 1 0 0 1
    turnkey               5 4 3 2 1 0 0
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from gtm.domain.errors import InputError
from gtm.domain.recommend import recommend


def opps(*rows: tuple, columns: tuple[str, ...] = ("account_id", "nature", "value")) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=list(columns))


def one(frame: pd.DataFrame) -> pd.Series:
    out = recommend(frame)
    assert len(out) == 1
    return out.iloc[0]


def test_output_has_one_row_per_account_with_the_spec_columns() -> None:
    out = recommend(opps(("B", "turnkey", 10), ("A", "info", 5), ("B", "cross sell", 1)))
    assert out["account_id"].tolist() == ["B", "A"]  # first appearance order
    for col in (
        "account_id", "recommended_approach", "current_in_band_share", "recommended_in_band_share",
        "overserved_count", "overserved_value", "underserved_count", "underserved_value", "rationale",
    ):
        assert col in out.columns


def test_without_rationale_the_same_recommendation_and_no_sentence() -> None:
    frame = opps(("B", "turnkey", 10), ("A", "info", 5), ("B", "cross sell", 1), ("C", "qualification", 7))
    full, bare = recommend(frame), recommend(frame, rationale=False)
    assert "rationale" not in bare.columns
    pd.testing.assert_frame_equal(full.drop(columns="rationale"), bare)


def test_a_single_opportunity_gets_the_lighter_end_of_its_band() -> None:
    # cross_sell 100: cost 200 100 0 0 100 200 300; lead_unit and overlay_advisory tie at 0 with
    # 100 in band each, so the lighter one wins.
    r = one(opps(("A", "Cross-sell / referral", 100)))
    assert r["recommended_approach"] == "lead_unit"
    assert r["recommended_in_band_share"] == 1.0
    assert r["overserved_count"] == r["underserved_count"] == 0
    assert math.isnan(r["current_in_band_share"])  # no approach column: nothing to say about today


def test_a_tie_on_steps_goes_to_more_value_in_band() -> None:
    # info 100, qualification 100, coordinated_strategy 200:
    #   traditional_sales      0 + 100 + 600 = 700
    #   coordinated_incentives 0 +   0 + 400 = 400
    #   lead_unit            100 +   0 + 200 = 300   in band: qualification      = 100
    #   overlay_advisory     200 + 100 +   0 = 300   in band: coordinated_strat. = 200  <- pick
    #   overlay_signing      300 + 200 +   0 = 500
    r = one(opps(("A", "info_exchange", 100), ("A", "qualification", 100), ("A", "coordinated_strategy", 200)))
    assert r["recommended_approach"] == "overlay_advisory"
    assert r["recommended_in_band_share"] == pytest.approx(0.5)
    assert (r["overserved_count"], r["overserved_value"]) == (2, 200.0)
    assert (r["underserved_count"], r["underserved_value"]) == (0, 0.0)


def test_a_tie_on_steps_and_band_value_goes_to_the_lighter_structure() -> None:
    # info 100, turnkey 100: coordinated_incentives .. common_front_end all cost 400; in band:
    # coordinated_incentives 100 (info), common_front_end 100 (turnkey), the others 0 -> the lighter.
    r = one(opps(("A", "info_exchange", 100), ("A", "turnkey", 100)))
    assert r["recommended_approach"] == "coordinated_incentives"
    assert (r["underserved_count"], r["underserved_value"]) == (1, 100.0)
    assert r["overserved_count"] == 0
    assert "under-serve 1 opportunity ($100 expected value)" in r["rationale"]


def test_probability_weights_the_value() -> None:
    # info 100 at 100% (weight 100), turnkey 1000 at 5% (weight 50):
    #   traditional 0+250=250, coordinated_incentives 0+200=200 <- pick, lead_unit 100+150=250, ...
    frame = opps(("A", "info_exchange", 100, 100), ("A", "turnkey", 1000, 5),
                 columns=("account_id", "nature", "value", "probability"))
    r = one(frame)
    assert r["recommended_approach"] == "coordinated_incentives"
    assert r["expected_value"] == pytest.approx(150.0)
    assert r["underserved_value"] == pytest.approx(50.0)
    assert r["recommended_in_band_share"] == pytest.approx(100 / 150)


def test_without_probability_the_full_value_counts() -> None:
    # info 100, turnkey 1000: common_front_end costs 400, every other approach more.
    r = one(opps(("A", "info_exchange", 100), ("A", "turnkey", 1000)))
    assert r["recommended_approach"] == "common_front_end"
    assert (r["overserved_count"], r["overserved_value"]) == (1, 100.0)


@pytest.mark.parametrize("missing", [None, np.nan])
def test_a_missing_probability_counts_as_100(missing: object) -> None:
    frame = opps(("A", "info_exchange", 100, 100), ("A", "turnkey", 1000, missing),
                 columns=("account_id", "nature", "value", "probability"))
    r = one(frame)
    assert r["recommended_approach"] == "common_front_end"
    assert r["expected_value"] == pytest.approx(1100.0)


def test_current_approach_gives_the_share_in_band_today() -> None:
    # cross_sell 300 on lead_unit (in band), turnkey 100 on lead_unit (3 below): 75% in band today.
    # Costs: lead_unit 0+300=300, overlay_advisory 0+200=200 <- pick, overlay_signing 300+100=400.
    frame = opps(("A", "cross_sell", 300, "lead unit"), ("A", "turnkey", 100, "Lead unit"),
                 columns=("account_id", "nature", "value", "approach"))
    r = one(frame)
    assert r["current_in_band_share"] == pytest.approx(0.75)
    assert r["recommended_approach"] == "overlay_advisory"
    assert r["recommended_in_band_share"] == pytest.approx(0.75)
    assert r["current_approach"] == "lead_unit"
    assert "today 75% of it is in band" in r["rationale"]


def test_accounts_are_independent_and_keep_their_ids() -> None:
    frame = opps((7, "turnkey", 10), (3, "info", 10), (7, "turnkey", 5))
    out = recommend(frame).set_index("account_id")
    assert out.loc[7, "recommended_approach"] == "common_front_end"
    assert out.loc[3, "recommended_approach"] == "traditional_sales"
    assert out.loc[7, "opportunities"] == 2
    assert out.loc[7, "expected_value"] == 15


def test_an_account_worth_nothing_gets_the_lightest_structure_and_no_share() -> None:
    r = one(opps(("A", "turnkey", 0)))
    assert r["recommended_approach"] == "traditional_sales"
    assert math.isnan(r["recommended_in_band_share"])


def test_the_rationale_names_the_pick_and_the_money() -> None:
    r = one(opps(("A", "info_exchange", 1000), ("A", "qualification", 1000), ("A", "coordinated_strategy", 2000)))
    assert r["rationale"] == (
        "'Overlay account management group without many decision rights' keeps 50% of the $4.0k expected value "
        "inside the realistic band; it would over-serve 2 opportunities ($2.0k expected value)."
    )


@pytest.mark.parametrize(
    ("column", "bad", "reason"),
    [
        ("value", -5, "not a number >= 0"),
        ("value", "lots", "not a number >= 0"),
        ("value", None, "not a number >= 0"),
        ("value", float("inf"), "not a number >= 0"),
        ("probability", 150, "not a probability between 0 and 100"),
        ("probability", -1, "not a probability between 0 and 100"),
        ("probability", "likely", "not a probability between 0 and 100"),
    ],
)
def test_bad_values_and_probabilities_name_row_column_and_value(column: str, bad: object, reason: str) -> None:
    good = {"account_id": "A", "nature": "turnkey", "value": 10, "probability": 50}
    frame = pd.DataFrame([good, {**good, column: bad}], index=["o1", "o2"])
    with pytest.raises(InputError) as info:
        recommend(frame)
    message = str(info.value)
    assert f"Column '{column}': 1 row {reason}" in message
    assert f"row o2, column '{column}'" in message


def test_missing_columns_and_accounts_are_named() -> None:
    with pytest.raises(InputError, match="recommend needs the column 'value'"):
        recommend(pd.DataFrame({"account_id": ["A"], "nature": ["turnkey"]}))
    with pytest.raises(InputError, match="row 1, column 'account_id': is empty"):
        recommend(opps(("A", "turnkey", 1), (None, "turnkey", 1)))


def test_an_unknown_nature_is_named() -> None:
    with pytest.raises(InputError, match="row 0, column 'nature': value 'mega': is not a known nature"):
        recommend(opps(("A", "mega", 1)))
