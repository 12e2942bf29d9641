"""The Diagnose page's Questionnaire tab: pick an opportunity, answer in plain words, and see the nature the active
rules give it and its fit."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from gtm.display import plain
from gtm.domain.types import APPROACHES, DiagnosisTable
from gtm.export import charts
from gtm.services import diagnosis
from gtm.services.views import diagnose as views
from pages.common import fragments, widgets
from pages.common.diagnose import keys
from pages.common.diagnose.context import Page
from pages.common.diagnose.picker import pick_opportunity
from pages.common.diagnose.preview import Preview


def start_questions(table: DiagnosisTable, opp: str | None, row: pd.Series | None) -> None:
    """A newly chosen opportunity: its name and the answers its file gives fill the questions (before they are
    drawn); the person answers the rest."""
    if st.session_state.get(keys.Q_FOR, "") == (opp or ""):
        return
    st.session_state[keys.Q_FOR] = opp or ""
    given = views.given_answers(row["signals"] if row is not None and "signals" in row else None, table)
    st.session_state[keys.Q_NAME] = "" if row is None or pd.isna(row["name"]) else str(row["name"])
    for signal, spec in table.signals.items():
        st.session_state[keys.answer(signal)] = given.get(signal, "no" if spec.type == "bool" else 0)
    st.session_state[keys.Q_GIVEN] = sorted(given)


def show_questions(table: DiagnosisTable) -> tuple[str, dict[str, Any]]:
    """The opportunity's name and one question per signal; returns the name and the answers."""
    name: str = st.text_input("The opportunity's name", key=keys.Q_NAME, placeholder="e.g. Line 4 turnkey plant")
    given = set(st.session_state.get(keys.Q_GIVEN, []))
    questions = views.questions(table)
    answers: dict[str, Any] = {}
    for signal, spec in table.signals.items():
        asked = questions[signal] + (" (the CRM file says)" if signal in given else "")
        if spec.type == "bool":
            answers[signal] = st.radio(asked, ["no", "yes"], horizontal=True, key=keys.answer(signal))
        else:
            answers[signal] = st.number_input(asked, min_value=0, step=1, key=keys.answer(signal))
    return name, answers


def show_answer(page: Page, result: views.Answer, row: pd.Series | None) -> None:
    """The nature the rules give, and the rule that gave it."""
    with st.container(border=True, key=keys.Q_RESULT):
        st.caption("Nature by the rules")
        st.markdown(f"### {plain(page.labels[result.nature]) if result.nature else 'Not yet diagnosed'}")
        st.markdown(f"Rule **{plain(result.rule)}**: {plain(result.wording)}")
        if result.mapped:
            family = row["product_family"] if row is not None else ""
            st.caption(plain(f"Its product family '{family}' is mapped to {page.labels[result.mapped]}: the mapping "
                             "decides before the rules. Applying your answer records a person's decision, which "
                             "decides before both."))


def show_fit(page: Page, result: views.Answer, row: pd.Series, opp: str, opp_names: dict[str, str]) -> None:
    """The fit of that nature with the account's approach (or another tried), and applying it."""
    d = page.d
    current = str(row["approach"]) if pd.notna(row["approach"]) else views.assumed_approach()
    approach = st.selectbox("Approach", list(APPROACHES.codes), index=APPROACHES.codes.index(current),
                            format_func=APPROACHES.label, key=keys.approach(opp),
                            help="The account's current approach; change it to try another.")
    if result.nature:
        fit, _steps = d.matrix.fit(result.nature, approach)
        st.markdown(f"**{plain(charts.fit_badge(fit))}** · {plain(d.matrix.explain(result.nature, approach))}")
    else:
        st.caption("No nature, so no place on the matrix yet.")
    if page.may_diagnose and st.button("Apply to this opportunity", type="primary", key=keys.Q_APPLY,
                                       disabled=not result.nature):
        s, who = page.store, page.who
        widgets.run_action(lambda: diagnosis.override_nature(s, who, opp, result.nature,
                                                             f"Questionnaire: {result.wording}"),
                           toast=f"Nature set for {plain(opp_names.get(opp, opp))}")


# Answering a question, or picking another opportunity, reruns only the questionnaire (a fragment), not the editors
# and previews of the other tabs.
@fragments.fragment("Diagnose: questionnaire")
def show_questionnaire(page: Page, pv: Preview) -> None:
    """Pick an opportunity, answer in plain words, and see the nature the active rules give it and its fit."""
    d, table = page.d, page.table
    st.caption(f"Pick an opportunity: what the data already says about it is filled in; answer the rest in plain "
               f"words and the active rules (**{plain(page.table_name)}**) classify as you go.")
    opp, opp_names = (pick_opportunity(d, pv.before, pv.draft_key, "The opportunity", keys.Q_OPP,
                                       "Opportunities not yet diagnosed come first, largest first.")
                      if page.has_data else (None, {}))
    row = pv.before.loc[pv.before["opportunity_id"] == opp].iloc[0] if opp is not None else None
    account = d.opportunities[d.opportunities["account_id"] == row["account_id"]] if row is not None else None
    start_questions(table, opp, row)
    left, right = st.columns(2)
    with left:
        if row is not None and account is not None:
            known = views.known_facts(account, str(opp), page.currency)
            st.markdown("**What the data says**\n\n" + "\n".join(f"- {plain(what)}: {plain(said)}"
                                                                  for what, said in known))
        name, answers = show_questions(table)
    with right:
        result = views.classify(table, name, answers, pv.active_mappings, account=account, opportunity_id=opp)
        show_answer(page, result, row)
        if row is not None and opp is not None:
            show_fit(page, result, row, opp, opp_names)
