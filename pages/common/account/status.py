"""The Account page's head: the account's name and link, where it stands (its structure today, the recommendation,
the latest decision) and why."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from gtm.display import count, money, plain, plural
from gtm.domain.types import APPROACHES
from gtm.services.views import portfolio
from pages.common import address, session
from pages.common.account import keys


def show_heading(acc: pd.Series, account_id: str) -> None:
    """The account's name, a link to copy, and its id, industry, region and owner."""
    head, share = st.columns([5, 1], vertical_alignment="bottom")
    head.header(plain(acc["name"]), anchor=False)
    with share.popover("Copy link", icon=":material/link:", key=keys.SHARE):
        # The address bar's URL (st.context.url: scheme, host and page, without the query), else a relative link.
        st.code(f"{st.context.url or 'account'}?{urlencode(address.here(account=account_id))}",
                language=None, wrap_lines=True)
        st.caption(f"Copy it with the copy button that shows when you point at it: the link opens this account in "
                   f"the **{plain(session.workspace())}** workspace.")
    st.caption(" · ".join(plain(x) for x in (acc["account_id"], acc["industry"], acc["region"], acc["owner"])
                          if pd.notna(x)))


def _known(value: Any, missing: str) -> str:
    """What the record does not say is said to be unknown."""
    return plain(value) if pd.notna(value) and str(value) else missing


def show_latest_decision(decided: pd.DataFrame) -> None:
    """The latest decision (``decided``: the account's decisions, newest first) and where its review stands."""
    st.caption("Latest decision")
    if decided.empty:
        st.markdown("— none yet (record one below)")
        return
    last = decided.iloc[0]
    bus = f" ({plain(last['approvals'])})" if pd.notna(last.get("approvals")) and last.get("approvals") else ""
    when = _known(str(last["created_at"])[:10] if pd.notna(last["created_at"]) else None, "date not known")
    st.markdown(f"**{APPROACHES.label(str(last['approach']))}** by {_known(last['author'], 'author not known')}, "
                f"{when} · review: **{_known(last.get('review_status'), 'not known')}**{bus}")


def show_status(acc: pd.Series, decisions: pd.DataFrame, current: str | None, recommended: str | None,
                weighing: str) -> None:
    """Status first: the structure today, the recommendation, and the latest decision with where its review stands."""
    c = st.columns([1.15, 1.4, 1.9, 1.9, 1.9])
    lost_count = int(acc.get("lost_count", 0) or 0)
    c[0].metric("Opportunities", int(acc["opportunities"]),
                help=f"Open and won; {count(lost_count, 'lost deal')} {plural(lost_count, 'is', 'are')} left out"
                if lost_count else "Open and won")
    c[1].metric("Value", money(acc["value"], session.currency()),
                help="The full amounts of its open and won opportunities (lost deals are left out). The verdicts "
                     "below weigh them by expected value: " + weighing.split(": ", 1)[1])
    with c[2]:
        st.caption("Current approach")
        st.markdown(f"**{APPROACHES.label(current)}**" if current else
                    f"not set (assumed {APPROACHES.label(portfolio.assumed_approach()).lower()})")
    with c[3]:
        st.caption("★ Recommended")
        st.markdown(f"**{APPROACHES.label(recommended)}**" if recommended else "— none yet")
    with c[4]:
        show_latest_decision(decisions[decisions["account_id"] == acc["account_id"]].head(1))


def show_playbook_link(playbook: dict[str, str]) -> None:
    """Both structures' cards in the playbook: who owns the account, who decides, what each needs and costs."""
    st.page_link("pages/structures.py", icon=":material/account_tree:",
                 query_params=address.here(**playbook),
                 label="See both structures in the playbook" if "compare" in playbook else
                 "See this structure in the playbook")


def show_why(acc: pd.Series, opps: pd.DataFrame, recommended: str | None, weighing: str) -> None:
    """Why the current structure is flagged, why the recommendation, and what is left out of both answers."""
    st.markdown("**Why is the current structure flagged?**")
    st.markdown(plain(portfolio.fit_summary(opps, session.currency())))
    if recommended:
        st.markdown(f"**Why {APPROACHES.label(recommended)}?**")
        st.markdown(plain(acc["recommendation_rationale"]))
    elif len(opps):
        st.warning(plain(acc["recommendation_rationale"]), icon=":material/help:")
    st.caption(weighing + " Both answers above weigh each opportunity by it; the tables show the full "
               "value beside it.")
    account_figures = portfolio.figures(opps) if len(opps) else None
    if account_figures is not None and account_figures.undiagnosed_count:
        st.warning(plain(account_figures.left_out(session.currency())) + " Set the nature of those not yet diagnosed "
                   "on the **Diagnose** page.", icon=":material/pending_actions:")
    elif account_figures is not None and account_figures.lost_count:
        st.caption(plain(account_figures.left_out(session.currency())))
