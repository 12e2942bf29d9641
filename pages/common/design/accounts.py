"""The Design page's first question: what structure does each account need?"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gtm.services import design
from gtm.services.views import design as views
from pages.common import address, widgets
from pages.common.design import keys

SHOWN = 1000  # accounts listed on the page (largest first); the export holds every one


def show_need(result: design.Design, shown: pd.DataFrame, cur: str, showing: bool) -> None:
    """Each account's structure today and in the plan, its net and payback, its value and the playbook's card."""
    st.subheader("What structure does each account need?", anchor=False)
    t = result.totals
    plan_codes = result.economics.set_index("account_id").loc[shown["account_id"], "plan"].astype(str).to_numpy()
    structure_links = address.links("structures", "structure", plan_codes)
    if t.accounts > SHOWN:
        st.caption(f"The {SHOWN:,} accounts with the largest expected value of {t.accounts:,}; the export holds every "
                   "one.")
    need = pd.DataFrame({  # the answer first (today, plan, net, payback), then the value and the playbook's card
        "link": address.account_links(shown["account_id"]).to_numpy(), "Account": shown["name"].to_numpy(),
        "Today": shown["current"].to_numpy(), "In the plan": shown["plan"].to_numpy(),
        "Net": shown["net"].to_numpy(), "Payback": shown["payback"].to_numpy(),
        f"Expected value ({cur})": shown["value"].to_numpy(), "Playbook": structure_links,
    })
    st.dataframe(widgets.money_table(need, [f"Expected value ({cur})", "Net"], cur), hide_index=True, key=keys.NEED,
                 width="stretch", height=300 if showing else 360, column_config={
                     "link": st.column_config.LinkColumn("Account id", display_text=r"account=(.*)"),
                     f"Expected value ({cur})": st.column_config.NumberColumn(),
                     "Net": st.column_config.NumberColumn(f"Net ({cur})", help=views.FORMULAS["net"]),
                     "Payback": st.column_config.TextColumn(help=views.FORMULAS["payback"]),
                     "Playbook": st.column_config.LinkColumn("Playbook", display_text="See the card",
                                                             help="The plan's structure in the playbook (Structures "
                                                                  "page)")})
