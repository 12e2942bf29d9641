"""The Design page's third question: what does it cost, and what is it worth? Then what each figure means and the
design's export."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gtm.display import money, plain
from gtm.domain.types import APPROACHES
from gtm.services import design
from gtm.services.views import design as views
from pages.common import widgets
from pages.common.design import keys
from pages.common.design.bars import PLAN_COLOUR, TODAY_COLOUR, Side, show_bars

MONEY_FIGURES = [("Cost over the horizon", "cost_current", "cost_plan"),
                 ("Value at stake", "stake_current", "stake_plan"),
                 ("Benefit", "benefit_current", "benefit_plan"),
                 ("Overkill: cost without benefit", "cost_without_benefit_current", "cost_without_benefit_plan"),
                 ("Insufficient: benefit left on the table", "left_on_table_current", "left_on_table_plan")]
MONEY_COLUMNS = ["value", "cost_year_current", "cost_year_plan", "setup_cost", "stake_plan", "benefit_plan", "net",
                 "cost_without_benefit_plan", "left_on_table_plan"]


def show_worth(t: views.Totals, shown: pd.DataFrame, horizon: int, cur: str, showing: bool) -> None:
    """Today against the plan in money over the horizon, and each account's economics."""
    st.subheader("What does it cost, and what is it worth?", anchor=False)
    today = [t[current] for _, current, _ in MONEY_FIGURES]
    plan = [t[planned] for _, _, planned in MONEY_FIGURES]
    show_bars([name for name, _, _ in MONEY_FIGURES],
              [Side("Today", TODAY_COLOUR, today, [money(v, cur) for v in today]),
               Side("Plan", PLAN_COLOUR, plan, [money(v, cur) for v in plan])],
              least_height=340, right=70, key=keys.MONEY_CHART)
    st.caption(f"Over {horizon} years, in {cur}. The set-up of the moves costs {money(t['setup_cost'], cur)} once.")
    per_account = shown[["name", "current", "plan", *MONEY_COLUMNS, "payback"]].rename(columns=design.ECONOMICS_HEADERS)
    st.dataframe(widgets.money_table(per_account, [design.ECONOMICS_HEADERS[c] for c in MONEY_COLUMNS], cur),
                 hide_index=True, key=keys.ECONOMICS, width="stretch", height=300 if showing else 360,
                 column_config={design.ECONOMICS_HEADERS[c]: st.column_config.NumberColumn() for c in MONEY_COLUMNS})


def show_meanings() -> None:
    """What each figure means, and the structures lightest first."""
    with st.expander("What each figure means", icon=":material/functions:"):
        for name, formula in views.FORMULAS.items():
            st.markdown(f"**{plain(name.replace('_', ' ').capitalize())}**: {plain(formula)}")
        structures = ", ".join(f"{i + 1} {label}" for i, label in enumerate(APPROACHES.labels))
        st.markdown(f"**Structures**: {plain(structures)} — lightest first; moving an account down costs nothing once.")


def show_export(result: design.Design, cur: str, plan: str, for_accounts: str) -> None:
    """The design as a workbook: every account's economics, the roles and the assumptions."""
    st.download_button("Download the design (XLSX)",
                       lambda: design.design_xlsx(result, cur, plan=plan, for_accounts=for_accounts),
                       file_name="gtm-design.xlsx", key=keys.EXPORT, on_click="ignore", icon=":material/download:",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       help="Every account's economics, the roles and the assumptions they were computed with")
