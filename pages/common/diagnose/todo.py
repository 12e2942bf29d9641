"""The Diagnose page's To-do tab: the opportunities not yet diagnosed, and a person's decision on one opportunity's
nature with its history."""

from __future__ import annotations

import streamlit as st

from gtm import display
from gtm.display import money, plain
from gtm.domain.types import NATURES, Action
from gtm.services import diagnosis
from gtm.services.views import diagnose as views
from pages.common import address, cache, capture, fragments, session, widgets
from pages.common.diagnose import keys
from pages.common.diagnose.context import Page
from pages.common.diagnose.picker import pick_opportunity
from pages.common.diagnose.preview import Preview

WITHDRAW = "withdraw the override (back to the rules)"


def show_todo(page: Page) -> None:
    """The opportunities not yet diagnosed, largest first."""
    d, cur = page.d, page.currency
    todo = cache.todo(session.database_url(), session.workspace(), d.portfolio_version, d.list_id, d.assessed)
    st.subheader(f"Not yet diagnosed: {len(todo):,} ({money(todo['value'].sum(), cur)})", anchor=False)
    if todo.empty:
        st.success("Every opportunity has a nature.")
        return
    shown = todo.head(1000)
    st.dataframe(widgets.money_table(shown.assign(link=address.account_links(shown["account_id"], "/account")),
                                     ["value"], cur),
                 hide_index=True, key=keys.TODO, width="stretch",
                 column_order=["opportunity_id", "name", "value", "link", "account_name",
                               *(["product_family"] if todo["product_family"].notna().any() else [])],
                 column_config={"opportunity_id": "Id", "name": "Opportunity",
                                "link": st.column_config.LinkColumn("Account id", display_text=r"account=(.*)"),
                                "account_name": "Account", "product_family": "Product family",
                                "value": st.column_config.NumberColumn(f"Value ({cur})")})


def show_override(page: Page, pv: Preview) -> None:
    """Pick an opportunity, see its nature and why, record a person's decision on it, and its history."""
    st.subheader("Set an opportunity's nature", anchor=False)
    pick, _names = pick_opportunity(page.d, pv.before, pv.draft_key, "Opportunity", keys.OV_OPP,
                                    "Opportunities not yet diagnosed come first, largest first.")
    if pick is None:
        return
    chosen = pv.before.loc[pv.before["opportunity_id"] == pick].iloc[0]
    st.markdown(f"Now: **{plain(page.labels.get(str(chosen['nature']), 'not yet diagnosed'))}** "
                f"({plain(chosen['nature_source'])}) · {plain(chosen['diagnosis_reason'])}")
    if not page.may_diagnose:
        st.caption(display.first_upper(f"{display.roles_allowed(Action.DIAGNOSE)} set an opportunity's nature."))
    else:
        s, who = page.store, page.who
        with st.form(keys.OV_FORM, border=True):
            nature = st.selectbox("Nature", [*NATURES.labels, WITHDRAW], key=keys.OV_NATURE)
            reason = st.text_area("Reason", key=keys.OV_REASON,
                                  placeholder="What you know that the data does not say")
            if st.form_submit_button("Record", type="primary", key=keys.OV_SAVE):
                widgets.run_action(lambda: diagnosis.override_nature(s, who, pick, None if nature == WITHDRAW
                                                                     else nature, reason),
                                   toast="Recorded")
    history = views.override_history(diagnosis.nature_overrides(page.store), pick)
    st.caption("Overrides of this opportunity, newest first")
    if history.empty:
        st.caption("None yet.")
    else:
        st.dataframe(history, hide_index=True, key=keys.OV_HISTORY, width="stretch",
                     column_config={"nature": "Nature", "reason": "Reason", "author": "By",
                                    "created_at": st.column_config.DatetimeColumn("When")})


# Picking an opportunity to set its nature reruns only this tab's part (a fragment).
@fragments.fragment("Diagnose: to-do and overrides")
def show_todo_and_overrides(page: Page, pv: Preview) -> None:
    """The opportunities not yet diagnosed, and a person's decision on one opportunity's nature."""
    if not page.has_data:
        st.info("No opportunities yet, so nothing to diagnose.", icon=":material/inbox:")
        return
    show_todo(page)
    capture.show_cross_sell(page.d)  # the biggest whitespace cells: evidence for the cross-sell natures
    show_override(page, pv)
