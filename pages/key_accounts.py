"""Key accounts: the deck's funnel. Size of opportunity against ease of access, the shortlist (top N or thresholds),
the BU leaders' scores and picks, the focus list with its target, the funnel chart and every saved list version.
The parts are in pages/common/key_accounts/."""

from __future__ import annotations

import streamlit as st

from gtm.domain.types import Action
from gtm.services import lists as lists_service
from gtm.services.views import key_accounts
from pages.common import cache, identity, navigation, present, session, widgets
from pages.common.key_accounts.figures import STAGES, show_figures, show_intro, show_step, step_now
from pages.common.key_accounts.focus import show_focus
from pages.common.key_accounts.picks import show_picks
from pages.common.key_accounts.saved import show_funnel, show_saved_lists
from pages.common.key_accounts.scatter import show_axes, show_scatter
from pages.common.key_accounts.shortlist import show_narrowing, show_preview, show_save_shortlist
from pages.common.key_accounts.state import saved_lists

rules = key_accounts.rules()
# The funnel narrows every account itself: the sidebar's list does not filter this page (its figures, the pipeline
# values and the focus list built from the picks all need every account).
d = session.data(every_account=True)
showing = present.presenting()
least = widgets.text_px()  # the smallest chart text
who = identity.actor()
cur = session.currency()
show_intro(rules, session.chosen_list())
if d.accounts.empty:
    navigation.empty_state("No accounts yet: import accounts and opportunities on the Import page (or open the demo "
                           "workspace) to build the funnel.", icon=":material/filter_alt:")
    st.stop()

store = session.store()
url, ws, scope = session.database_url(), session.workspace(), session.list_scope()
FRAMES = (d.accounts, d.opportunities, session.won_weight())  # what the cached funnel frames are computed from
versions = cache.list_versions(url, ws, d.version)
lists = saved_lists(versions, lambda list_id: cache.list_members(url, ws, list_id, session.data_version()))

pipeline = cache.pipeline(url, ws, d.portfolio_version, scope, d.opportunities, session.won_weight())["value"]
stages = key_accounts.funnel_stages([(rules.stages["long"], d.accounts["account_id"].tolist()),
                                     (rules.stages["short"], lists.short_ids),
                                     (rules.stages["focus"], lists.focus_ids)], pipeline)
target_value, target_years = lists_service.focus_target(store)
show_figures(stages, target_value, target_years, cur)

# The deck's three steps as tabs, the current one open.
now = step_now(lists)
show_step(now, lists, len(d.accounts))
long_tab, short_tab, focus_tab, saved_tab = st.tabs(STAGES, default=STAGES[now])
manager = who.can(Action.MANAGE_LISTS) and not showing
with long_tab:
    st.subheader("Size of opportunity and ease of access", anchor=False)
    size_axis, ease_axis, growth = show_axes(rules)
    size_ax, ease_ax = rules.axis(size_axis), rules.axis(ease_axis)
    placed = cache.positioned(url, ws, d.portfolio_version, d.version, scope, size_axis, ease_axis, growth, *FRAMES)
    show_scatter(placed, lists, size_ax, ease_ax, growth, cur, least)
    args = show_narrowing(rules, len(d.accounts), size_ax, showing)
    preview = cache.shortlist(url, ws, d.portfolio_version, d.version, scope, size_axis, ease_axis, growth, *args,
                              *FRAMES)
    chosen = show_preview(preview, lists, size_ax, ease_ax, cur)
    if manager:
        show_save_shortlist(store, who, lists, chosen, {"size": size_axis, "ease": ease_axis, "growth": growth,
                                                        "top_n": args[0], "min_size": args[1], "min_ease": args[2]})
with short_tab:
    show_picks(store, who, lists, d.accounts, d.business_units, pipeline, rules, cur, showing)
with focus_tab:
    show_focus(store, who, lists, d.accounts, pipeline, rules, cur, showing=showing, manager=manager)
with saved_tab:
    show_funnel(stages, target_value, target_years, cur, least)
    show_saved_lists(versions, cur)
