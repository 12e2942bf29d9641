"""AppTest.from_function: the Key accounts page's components, each run alone on typed inputs.

AppTest runs a function's source as the script, without this module's imports: an annotation naming pandas is
written as a string (and this module has no ``from __future__ import annotations``, so it stays one).
"""

import pandas as pd
from streamlit.testing.v1 import AppTest


def _figures(stages: "pd.DataFrame", target_value: float | None, target_years: int | None) -> None:
    from pages.common.key_accounts.figures import show_figures

    show_figures(stages, target_value, target_years, "USD")


def test_the_figures_show_each_stage_and_the_focus_target() -> None:
    stages = pd.DataFrame({"stage": ["Long list", "Shortlist", "Focus list"], "accounts": [400, 50, 15],
                           "value": [2.5e9, 1.2e9, 4.0e8]})
    at = AppTest.from_function(_figures, args=(stages, 1.5e9, 3), default_timeout=30).run()
    assert not at.exception, [e.message for e in at.exception]
    shown = {m.label: (m.value, m.delta) for m in at.metric}
    assert shown["Long list"][0] == "400" and shown["Focus list"][0] == "15"
    assert "pipeline" in str(shown["Shortlist"][1])
    assert shown["Focus target"][1] == "over 3 years"
    at = AppTest.from_function(_figures, args=(stages, None, None), default_timeout=30).run()
    assert {m.label: m.value for m in at.metric}["Focus target"] == "not set"


def _step(now: int, short: dict[str, object] | None, focus: dict[str, object] | None) -> None:
    from pages.common.key_accounts.figures import show_step
    from pages.common.key_accounts.state import Lists

    show_step(now, Lists(short, focus, [], []), 400)


def test_the_step_says_which_of_the_three_is_current() -> None:
    at = AppTest.from_function(_step, args=(0, None, None), default_timeout=30).run()
    assert "step 1 of 3" in at.caption[0].value and "400 accounts" in at.caption[0].value
    short = {"name": "Top 50", "version": 2, "list_id": 7}
    at = AppTest.from_function(_step, args=(1, short, None), default_timeout=30).run()
    assert "step 2 of 3" in at.caption[0].value and "**Top 50** v2" in at.caption[0].value
    at = AppTest.from_function(_step, args=(2, short, {"name": "Focus 15", "version": 1, "list_id": 8}),
                               default_timeout=30).run()
    assert "**Focus 15** v1 is saved" in at.caption[0].value


def _saved(versions: "pd.DataFrame") -> None:
    from pages.common.key_accounts.saved import show_saved_lists

    show_saved_lists(versions, "EUR")


def test_the_saved_lists_table_or_a_word_that_there_is_none() -> None:
    columns = ["name", "version", "stage", "accounts", "created_by", "created_at", "target_value", "target_years"]
    at = AppTest.from_function(_saved, args=(pd.DataFrame(columns=columns),), default_timeout=30).run()
    assert [i.value for i in at.info] == ["No list saved yet."]
    versions = pd.DataFrame([["Top 50", 1, "short", 50, "ana", pd.Timestamp("2026-01-05 10:00"), None, None],
                             ["Focus 15", 1, "focus", 15, "ana", pd.Timestamp("2026-01-06 10:00"), 1.5e9, 3]],
                            columns=columns)
    at = AppTest.from_function(_saved, args=(versions,), default_timeout=30).run()
    assert not at.info and not at.exception
    assert at.dataframe[0].value["name"].tolist() == ["Top 50", "Focus 15"]
