"""The Design page's second question: who must we hire or assign?"""

from __future__ import annotations

import streamlit as st

from gtm.export import charts
from gtm.services import design
from gtm.services.views import design as views
from pages.common import capture, session
from pages.common.design import keys
from pages.common.design.bars import PLAN_COLOUR, TODAY_COLOUR, Side, show_bars


def show_people(d: session.PortfolioData, result: design.Design) -> None:
    """Each role's people today and in the plan, its coverage ratio, the point persons, and the chart."""
    st.subheader("Who must we hire or assign?", anchor=False)
    roles = result.roles
    shown_roles = roles.assign(source=roles["source"].map({"hire": "Hire", "assign": "Assign"}),
                               coverage=views.coverage_texts(roles))
    st.dataframe(shown_roles[list(design.ROLES_HEADERS)].rename(columns=design.ROLES_HEADERS), hide_index=True,
                 key=keys.ROLES, width="stretch", column_config={"Change": st.column_config.NumberColumn(format="%+d")})
    st.caption("Coverage ratios are assumptions: change them above. People are whole: accounts ÷ accounts per person, "
               "rounded up.")
    capture.show_point_persons(d, result)  # the lead-unit point persons by name, beside their count
    show_bars([charts.hover_text(x) for x in roles["label"]],
              [Side("Today", TODAY_COLOUR, roles["people_current"].tolist(), roles["people_current"].tolist()),
               Side("Plan", PLAN_COLOUR, roles["people_plan"].tolist(), roles["people_plan"].tolist())],
              least_height=300, right=40, key=keys.ROLES_CHART)
