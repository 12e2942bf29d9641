"""Who is acting: the person chosen in the sidebar, and the sidebar's "acting as" widgets."""

from __future__ import annotations

import streamlit as st

from gtm.domain.permissions import ROLE_LABELS, Actor, Role
from pages.common import session

_FIELDS = ("role", "name", "bu")


def actor() -> Actor:
    """The person acting, as chosen in the sidebar."""
    role = Role(st.session_state.get("actor_role", Role.SALES_LEADER))
    return Actor(str(st.session_state.get("actor_name", "")).strip(), role,
                 st.session_state.get("actor_bu") if role == Role.BU_HEAD else None)


def _keep(field: str) -> None:
    # Widget state is dropped on pages that do not draw the widget; a plain key survives.
    st.session_state[f"actor_{field}"] = st.session_state[f"sb_{field}"]


def acting_as() -> None:
    """The sidebar's role, name and (for a BU head) BU, kept across pages."""
    for field in _FIELDS:
        if f"actor_{field}" in st.session_state:
            st.session_state[f"sb_{field}"] = st.session_state[f"actor_{field}"]
    st.caption("Acting as")
    roles = [Role.SALES_LEADER, Role.BU_HEAD, Role.FACILITATOR]
    st.selectbox("Role", roles, format_func=lambda r: ROLE_LABELS[Role(r)], key="sb_role", on_change=_keep,
                 args=("role",))
    st.text_input("Your name", key="sb_name", placeholder="e.g. Dana Reyes", on_change=_keep, args=("name",),
                  help="Recorded with every decision and review.")
    if actor().role == Role.BU_HEAD:
        bus = session.store().business_units()
        if len(bus):
            names = dict(zip(bus["bu_id"], bus["name"]))
            st.selectbox("Your BU", bus["bu_id"].tolist(), format_func=lambda b: names.get(b, b), key="sb_bu",
                         on_change=_keep, args=("bu",))
            st.session_state.setdefault("actor_bu", st.session_state.get("sb_bu"))
