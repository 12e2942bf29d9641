"""Stored values the engine cannot use are set aside as problems, the rest goes on."""

from __future__ import annotations

import numpy as np
import pandas as pd

from gtm.domain import portfolio, sanity
from gtm.domain.matrix import default_matrix


def stored() -> pd.DataFrame:
    """Opportunities as the store hands them out, a few with values an older version could have written."""
    return pd.DataFrame({
        "opportunity_id": ["O1", "O2", "O3", "O4", "O5", "O6", "O7", "O8", "O9"],
        "account_id": ["A", "A", "B", "B", "C", "C", "D", "D", "E"],
        "nature": ["turnkey", "turnkey", None, "cross_sell", "bogus", "turnkey", "turnkey", "qualification", "turnkey"],
        "approach": ["market_bu", "market_bu", "lead_unit", "Assignment of lead unit for multi-unit accounts",
                     "lead_unit", "nobody knows", None, "lead_unit", "lead_unit"],
        "value": pd.Series([100.0, np.inf, 5.0, 7.0, 1.0, 2.0, "abc", -np.inf, np.nan], dtype=object),
        "probability": [None, 50.0, 500.0, 100.0, None, None, None, -1.0, None],
    })


def test_each_bad_cell_is_a_problem_row_naming_row_column_value_and_reason() -> None:
    usable, problems = sanity.quarantine(stored())
    assert list(problems.columns) == list(sanity.PROBLEM_COLUMNS)
    found = {(r.row, r.column, r.value) for r in problems.itertuples()}
    assert found == {
        ("O2", "value", "inf"), ("O3", "probability", "500.0"), ("O5", "nature", "bogus"),
        ("O6", "approach", "nobody knows"), ("O7", "value", "abc"), ("O8", "value", "-inf"),
        ("O8", "probability", "-1.0"), ("O9", "value", "(empty)"),
    }
    assert problems.loc[problems["row"] == "O2", "account_id"].tolist() == ["A"]
    assert all(problems["reason"].str.len() > 10)
    # Empty probabilities and natures are allowed (certain; not yet diagnosed), and so is an approach label.
    assert usable["opportunity_id"].tolist() == ["O1", "O4"]
    assert usable["value"].dtype == float


def test_the_usable_rows_go_through_the_engine() -> None:
    usable, _ = sanity.quarantine(stored())
    assessed = portfolio.assess_portfolio(usable, default_matrix())
    assert assessed["fit"].astype(str).tolist() == ["realistic", "realistic"]
    assert portfolio.figures(assessed).total_value == 107.0


def test_a_clean_frame_passes_untouched() -> None:
    clean = stored().iloc[[0, 3]].astype({"value": float})
    usable, problems = sanity.quarantine(clean)
    assert usable is clean and problems.empty
    assert list(problems.columns) == list(sanity.PROBLEM_COLUMNS)


def test_a_million_rows_with_one_inf_keep_all_but_one() -> None:
    n = 1_000_000
    frame = pd.DataFrame({"opportunity_id": np.arange(n).astype(str), "account_id": "A",
                          "nature": pd.Series(["turnkey", "cross_sell"] * (n // 2), dtype=object),
                          "approach": "lead_unit", "value": np.full(n, 10.0), "probability": np.nan})
    frame.loc[123_456, "value"] = np.inf
    usable, problems = sanity.quarantine(frame)
    assert len(usable) == n - 1
    assert problems[["row", "column", "value"]].values.tolist() == [["123456", "value", "inf"]]
