"""The key-account funnel's pure rules: the two axes, the shortlist (top N, thresholds, ties), unknown ease never 0,
the focus list from the BU leaders' picks, and the funnel's counts and values."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from gtm.domain import funnel
from gtm.domain.errors import ConfigError, InputError
from gtm.domain.rules import DATA_DIR, check_examples

RULES = funnel.default_rules()


def _accounts() -> pd.DataFrame:
    return pd.DataFrame({"account_id": ["A", "B", "C", "D"], "name": ["Alpha", "Beta", "Gamma", "Delta"],
                         "revenue": [1e9, 2e9, np.nan, 5e8], "growth_potential": [10.0, np.nan, 50.0, 0.0],
                         "ease_of_access": [40.0, np.nan, 70.0, 20.0]})


def _opportunities() -> pd.DataFrame:
    return pd.DataFrame({"account_id": ["A", "A", "B", "C"], "bu": ["X", "Y", "X", "Y"],
                         "value": [100.0, 300.0, 250.0, 50.0], "probability": [50.0, np.nan, 100.0, 10.0]})


def test_the_rule_file_loads_with_the_decks_defaults_and_its_examples_hold() -> None:
    assert (RULES.shortlist_size, RULES.focus_size) == (50, 15)
    assert RULES.default_size == "value" and RULES.default_ease == "ease"
    assert check_examples(RULES, "funnel.json") == []


def test_a_focus_list_larger_than_the_shortlist_is_refused(tmp_path) -> None:
    raw = (DATA_DIR / "funnel.json").read_text(encoding="utf-8").replace('"focus_size": 15', '"focus_size": 99')
    (tmp_path / "funnel.json").write_text(raw, encoding="utf-8")
    with pytest.raises(ConfigError, match="focus_size 99"):
        funnel.load_funnel_rules(tmp_path / "funnel.json")


def test_size_is_the_pipeline_across_bus_and_ease_the_bu_scores_else_the_import() -> None:
    pipeline = funnel.account_pipeline(_opportunities())
    scores = pd.DataFrame({"account_id": ["A", "A", "C"], "bu": ["X", "Y", "X"], "measure": ["ease", "ease", "size"],
                           "score": [6.0, 8.0, 9.0]})
    m = funnel.measures(_accounts(), pipeline, funnel.score_means(scores, 10), RULES).set_index("account_id")
    assert m.loc["A", "value"] == 400.0 and m.loc["A", "expected_value"] == 50.0 + 300.0
    assert m.loc["D", "value"] == 0.0  # no opportunity: nothing in the pipeline, known
    assert m.loc["A", "bu_ease"] == 7.0 and m.loc["A", "ease"] == 70.0  # the BUs' mean, as a percent
    assert m.loc["C", "ease"] == 70.0 and m.loc["C", "bu_size"] == 9.0  # imported ease where no BU scored it
    assert math.isnan(m.loc["B", "ease"])  # unknown stays unknown
    grown = funnel.position(m.reset_index(), "value", "ease", growth=True).set_index("account_id")
    assert grown.loc["A", "size"] == pytest.approx(440.0) and grown.loc["B", "size"] == 250.0
    assert funnel.coverage(grown).growth_unknown == 1


def _frame(rows: list[tuple[str, float | None, float | None]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["account_id", "size", "ease"]).astype({"size": float, "ease": float})


def test_top_n_takes_the_largest_and_says_why_each_is_in_or_out() -> None:
    out = funnel.shortlist(_frame([("A", 10, 5), ("B", 30, 5), ("C", 20, 5), ("D", None, 5)]), top_n=2)
    assert out.loc[out["in_list"], "account_id"].tolist() == ["B", "C"]
    why = dict(zip(out["account_id"], out["reason"]))
    assert why["B"] == "in: rank 1 by size of opportunity"
    assert why["A"] == "out: rank 3, beyond the top 2"
    assert why["D"] == "out: size of opportunity not known"


def test_ties_on_size_go_to_the_easier_access_then_the_id() -> None:
    out = funnel.shortlist(_frame([("C", 5, 1), ("B", 5, 9), ("A", 5, 1), ("D", 5, None)]), top_n=2)
    assert out["account_id"].tolist() == ["B", "A", "C", "D"]
    assert out.loc[out["in_list"], "account_id"].tolist() == ["B", "A"]


def test_thresholds_and_an_unscored_ease_is_not_zero() -> None:
    frame = _frame([("A", 30, None), ("B", 20, 0.0), ("C", 5, 80), ("D", 25, 60)])
    out = funnel.shortlist(frame, min_size=10, min_ease=0)
    assert sorted(out.loc[out["in_list"], "account_id"]) == ["B", "D"]  # 0 passes a minimum of 0; unknown does not
    why = dict(zip(out["account_id"], out["reason"]))
    assert why["A"] == "out: ease not scored (a minimum ease is set)"
    assert why["C"] == "out: size below the minimum"
    # Without a minimum ease, an unscored account is ranked on its size alone.
    assert funnel.shortlist(frame, top_n=1).loc[0, "account_id"] == "A"


def test_a_shortlist_of_no_account_is_refused() -> None:
    with pytest.raises(InputError):
        funnel.shortlist(_frame([("A", 1, 1)]), top_n=0)


def test_the_focus_list_ranks_by_bus_picking_then_value_and_ignores_taken_back_marks() -> None:
    short = pd.DataFrame({"account_id": ["A", "B", "C", "D"], "value": [10.0, 500.0, 300.0, 900.0]})
    picks = pd.DataFrame({"account_id": ["A", "A", "B", "C", "D", "Z"], "bu": ["X", "Y", "X", "Y", "X", "X"],
                          "picked": [True, True, True, True, False, True]})
    out = funnel.focus(short, picks, top_n=2)
    assert out["account_id"].tolist() == ["A", "B", "C", "D"]
    assert out.loc[out["in_list"], "account_id"].tolist() == ["A", "B"]
    why = dict(zip(out["account_id"], out["reason"]))
    assert why["A"] == "in: picked by 2 BUs (X, Y)"
    assert why["C"] == "out: picked by 1 BU (Y), beyond the top 2"
    assert why["D"] == "out: no BU picked it"  # its mark was taken back; Z is not on the shortlist


def test_funnel_counts_and_values_add_up() -> None:
    values = funnel.account_pipeline(_opportunities())["value"]
    out = funnel.funnel([("Long list", ["A", "B", "C", "D"]), ("Shortlist", ["A", "B"]), ("Focus list", ["A"])],
                        values)
    assert out["accounts"].tolist() == [4, 2, 1]
    assert out["value"].tolist() == [700.0, 650.0, 400.0]
    assert funnel.funnel([("Focus list", [])], values)["value"].tolist() == [0.0]
