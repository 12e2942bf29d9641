"""Step 1's shortlist: how the long list is narrowed (top N by size, or thresholds), the preview, and saving it."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from gtm.display import count, money, plain, plural
from gtm.domain.types import Actor, Axis, FunnelRules
from gtm.services import lists as lists_service
from gtm.services.workspaces import Store
from pages.common import widgets
from pages.common.key_accounts import keys
from pages.common.key_accounts.scatter import money_columns, size_column
from pages.common.key_accounts.state import HOW_NAMES, SHOWN, Lists, pipeline_column

Narrowing = tuple[int | None, float | None, float | None]  # top N, min. size, min. ease: the shortlist's arguments


def show_narrowing(rules: FunnelRules, accounts: int, size_ax: Axis, showing: bool) -> Narrowing:
    """How the long list of ``accounts`` is narrowed; in presentation mode, the deck's top N."""
    st.subheader(f"Shortlist: the long list of {accounts:,} narrowed", anchor=False)
    if showing:
        how, top_n, min_size, min_ease = "top", rules.shortlist_size, None, None
    else:
        b1, b2, b3, b4 = st.columns([1.4, 1, 1.3, 1], vertical_alignment="bottom")
        how = b1.radio("Narrow by", ["top", "thresholds"], horizontal=True, key=keys.HOW,
                       format_func=HOW_NAMES.__getitem__)
        top_n = int(b2.number_input("Top N", min_value=1, max_value=max(1, accounts),
                                    value=min(rules.shortlist_size, accounts), step=5, key=keys.TOP_N,
                                    disabled=how != "top"))
        min_size = b3.number_input(f"Min. size ({size_ax.label.split(' (')[0].lower()})", min_value=0.0, value=0.0,
                                   key=keys.MIN_SIZE, disabled=how != "thresholds", format="%.0f")
        min_ease = b4.number_input("Min. ease", min_value=0.0, value=0.0, key=keys.MIN_EASE,
                                   disabled=how != "thresholds", format="%.1f")
    if how == "top":
        return (top_n, None, None)
    return (None, float(min_size or 0) or None, float(min_ease or 0) or None)


def show_preview(preview: pd.DataFrame, lists: Lists, size_ax: Axis, ease_ax: Axis, cur: str) -> pd.DataFrame:
    """The preview's accounts in the list and the first 20 left out, with why; returns the accounts in it."""
    chosen = preview[preview["in_list"]]
    short = lists.short
    st.markdown(f"**{count(len(chosen), 'account')}** in the preview, "
                f"**{plain(money(float(chosen['value'].sum()), cur))}** of pipeline"
                + (f"; the saved shortlist **{plain(short['name'])} v{short['version']}** holds "
                   f"{len(lists.short_ids)}." if short else "; no shortlist saved yet."))
    table_cols = ["rank", "account_id", "name", "value", *([] if size_ax.code == "value" else ["size"]), "ease",
                  "reason"]
    shown = pd.concat([chosen.head(SHOWN), preview[~preview["in_list"]].head(20)])
    st.dataframe(widgets.money_table(shown[table_cols], money_columns(size_ax), cur), hide_index=True,
                 width="stretch", height=300, key=keys.PREVIEW,
                 column_config={"rank": st.column_config.NumberColumn("Rank", width="small"),
                                "account_id": "Account", "name": "Name",
                                "value": pipeline_column(cur), "size": size_column(size_ax),
                                "ease": st.column_config.NumberColumn(ease_ax.label, format="%.1f"),
                                "reason": "Why in or out"})
    return chosen


def show_save_shortlist(store: Store, who: Actor, lists: Lists, chosen: pd.DataFrame,
                        criteria: dict[str, Any]) -> None:
    """A list manager names and saves the preview as the next shortlist version, warned when picks are on it."""
    short = lists.short
    picked_on_short = int(lists_service.picks(store, int(short["list_id"]))["picked"].astype(bool).sum()) \
        if short else 0
    if short and picked_on_short:  # the BU leaders' picks belong to the version they were made on
        st.warning(f"{count(picked_on_short, 'pick')} of the BU leaders {plural(picked_on_short, 'is', 'are')} on "
                   f"{plain(str(short['name']))} "
                   f"v{short['version']}. Saving the shortlist again makes a new version whose picks start afresh; "
                   "the focus list is built from the latest version's picks.", icon=":material/warning:")
    n1, n2 = st.columns([3, 1], vertical_alignment="bottom")
    short_name = n1.text_input("Shortlist name", value=str(short["name"]) if short else "Shortlist",
                               key=keys.SHORT_NAME, max_chars=lists_service.MAX_NAME)
    if n2.button("Save shortlist", key=keys.SAVE_SHORT, type="primary", icon=":material/save:",
                 disabled=chosen.empty):
        widgets.run_action(lambda: lists_service.save_list(
            store, who, short_name, "short", chosen["account_id"].astype(str).tolist(), criteria=criteria),
            toast=f"Shortlist saved ({len(chosen)} accounts)")
