"""AppTest.from_function: the Plan page's components, each run alone on typed inputs.

AppTest runs a function's source as the script, without this module's imports: an annotation naming a type of ours
is written as a string (and this module has no ``from __future__ import annotations``, so it stays one).
"""

from datetime import date

import pandas as pd
from streamlit.testing.v1 import AppTest

from gtm.domain.types import InputError, Schedule
from gtm.services import plans


def _board(sched: "Schedule", problem: "InputError | None") -> None:
    from pages.common.plan.board import show_board

    show_board(sched, problem, compact=False, least=12.0)


def test_the_board_says_the_plans_weeks_dates_and_what_is_done() -> None:
    sched = plans.schedule(plans.default_plan(), date(2026, 3, 2))
    at = AppTest.from_function(_board, args=(sched, None), default_timeout=30).run()
    assert not at.exception, [e.message for e in at.exception]
    said = at.markdown[0].value
    assert said.startswith(f"**{sched.weeks:g} weeks**, 02 Mar 2026 → ")
    assert f"**0** of {len(sched.activities)} activities done" in said
    assert not at.error
    at = AppTest.from_function(_board, args=(sched, InputError("The weeks of row two are not a number")),
                               default_timeout=30).run()
    assert "The weeks of row two are not a number" in at.error[0].value
    assert "until the table below is valid" in at.caption[0].value


def _versions(saved: "pd.DataFrame") -> None:
    from pages.common.plan.board import show_versions

    show_versions(saved)


def test_the_saved_versions_say_when_there_is_none() -> None:
    at = AppTest.from_function(_versions, args=(pd.DataFrame(columns=list(plans.VERSION_HEADERS)),),
                               default_timeout=30).run()
    assert [c.value for c in at.caption] == ["No plan saved yet: the default plan is shown."]
    assert not at.dataframe
