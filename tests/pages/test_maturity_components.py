"""AppTest.from_function: the Maturity page's components, each run alone on typed inputs.

AppTest runs a function's source as the script, without this module's imports: an annotation naming pandas is
written as a string (and this module has no ``from __future__ import annotations``, so it stays one).
"""

import numpy as np
import pandas as pd
from streamlit.testing.v1 import AppTest

SUMMARY = pd.DataFrame({  # weakest first, as maturity.summary gives it
    "label": ["Account selection", "Value proposition", "Executive access", "Pricing"],
    "mean": [1.5, 2.0, 3.0, np.nan], "min": [1.0, 2.0, 1.0, np.nan], "max": [4.0, 2.0, 5.0, np.nan],
    "spread": [3.0, 0.0, 4.0, np.nan], "people": [3, 3, 3, 0],
    "winners_do": ["Choose few accounts", "Speak the client's language", "Meet the board", "Price on value"],
})


def _summary(summary: "pd.DataFrame") -> None:
    from datetime import date

    from pages.common.maturity.view import show_summary, show_weakest

    show_summary(summary, "the organisation", date(2026, 3, 5))
    show_weakest(summary)


def test_the_summary_names_the_weakest_and_where_people_disagree() -> None:
    at = AppTest.from_function(_summary, args=(SUMMARY,), default_timeout=30).run()
    assert not at.exception, [e.message for e in at.exception]
    said = at.markdown[0].value
    assert said.startswith("**3 people** scored the organisation on 05 Mar 2026.")
    assert "Weakest: **Account selection, Value proposition, Executive access**." in said
    assert "People disagree most on Account selection, Executive access (a spread of 2 or more)." in said
    weakest = [m.value for m in at.markdown[1:]]
    assert weakest[0].startswith("**Account selection** · mean 1.5, from 1 to 4")
    assert weakest[1].startswith("**Value proposition** · all 3 people scored 2")
    assert len(weakest) == 3 and not any("Pricing" in w for w in weakest)  # nobody scored it: not among the weakest
