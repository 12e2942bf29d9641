"""Page components run alone (AppTest.from_function): each show_* function is given typed inputs and shows what a
person would read, without a page, a store or a database around it."""

from __future__ import annotations

from typing import Any

import pandas as pd
from streamlit.testing.v1 import AppTest

from gtm.domain.accounts import MatrixEffect
from gtm.domain.economics import Staffing, Totals
from gtm.domain.types import APPROACHES


def _sentences() -> None:
    from gtm.domain.diagnose import default_diagnosis
    from pages.common.diagnose import rule_draft
    from pages.common.diagnose.rule_sentences import show_sentences

    table = default_diagnosis()
    rule_draft.start(table, 0)
    show_sentences(0, table, "USD", {}, [])


def test_the_rules_read_as_sentences_and_adding_a_rule_adds_one() -> None:
    at = AppTest.from_function(_sentences, default_timeout=60).run()
    assert not at.exception, [e.message for e in at.exception]
    lines = at.markdown[0].value.splitlines()
    assert lines[0].startswith("1. ") and len(lines) >= 2
    assert len(at.selectbox(key="dg_s_pick").options) == len(lines)
    at.button(key="dg_s_add_rule").click().run()
    assert not at.exception, [e.message for e in at.exception]
    after = at.markdown[0].value.splitlines()
    assert len(after) == len(lines) + 1  # a new rule just above the last one
    assert after[-1].split(" :gray")[0].split(". ", 1)[1] == lines[-1].split(" :gray")[0].split(". ", 1)[1]


def _effect(effect: "MatrixEffect") -> None:  # noqa: UP037 (the body runs as a script: no names around it)
    from pages.common.matrix.effect import show_effect

    show_effect(effect, "USD")


def test_what_a_band_edit_changes_names_the_accounts_and_their_new_recommendation() -> None:
    light, heavy = APPROACHES.codes[0], APPROACHES.codes[-1]
    effect = MatrixEffect(
        changed=pd.DataFrame({"from_fit": ["realistic"], "to_fit": ["overkill"], "opportunities": [3],
                              "value": [1_500_000.0]}),
        changed_count=3, changed_value=1_500_000.0,
        recommendation_changes=pd.DataFrame({"account_id": ["A1", "A2"], "account_name": ["Acme", "Globex"],
                                             "before": [light, light], "after": [heavy, heavy]}))
    at = AppTest.from_function(_effect, args=(effect,), default_timeout=60).run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.subheader[0].value == "What this edit changes"
    assert "**3** opportunities" in at.markdown[0].value
    assert "**2** accounts get a different recommendation." in at.markdown[0].value
    moved = at.dataframe[1].value
    short = {t.code: t.short_label for t in APPROACHES.terms}
    assert list(moved["account_name"]) == ["Acme", "Globex"]
    assert list(moved["after"]) == [short[heavy]] * 2 and list(moved["before"]) == [short[light]] * 2


def _figures(t: "Totals", staff: "Staffing") -> None:  # noqa: UP037 (the body runs as a script)
    from pages.common.design.answers import show_figures

    show_figures(t, staff, 3, "USD")


def test_the_designs_figures_say_the_accounts_moved_and_the_people_to_hire_and_assign() -> None:
    sums: dict[str, Any] = {"cost_year_plan": 500_000.0, "cost_year_current": 400_000.0, "stake_plan": 2_000_000.0,
                            "benefit_plan": 900_000.0, "net": 300_000.0}
    t = Totals(accounts=10, moved=3, sums=sums, payback_months=14.0, unknown_waste=0)
    staff = Staffing(needed=12, today=9, hire=2, assign=1, freed=0)
    at = AppTest.from_function(_figures, args=(t, staff), default_timeout=60).run()
    assert not at.exception, [e.message for e in at.exception]
    figures = {m.label: m for m in at.metric}
    assert figures["Accounts moved"].value == "3 of 10"
    assert figures["To hire · to assign"].value == "2 · 1"
    assert "12 needed in all, 9 today" in str(figures["To hire · to assign"].proto.delta)
    assert "Value at stake, 3 years" in figures
