"""Who is acting: the person signed in, with the role the store gives their email; the sidebar says who that is."""

from __future__ import annotations

import streamlit as st

from gtm.display import plain
from gtm.domain.types import ROLE_LABELS, Actor, GtmError, Role
from gtm.services import users
from gtm.services.users import SignIn
from gtm.services.workspaces import Store
from pages.common import auth, session

LOCAL_NAME = "Local administrator"
VIEW_AS = "local_view_as"  # local mode only: the stored user whose view the administrator is looking at


def people_store() -> Store:
    """The store that holds the users: the main workspace's, so one set of roles covers every workspace."""
    main = getattr(session, "MAIN", None)
    return session.store(main) if main else session.store()  # type: ignore[call-arg, unused-ignore]


def signed_in() -> SignIn | None:
    """The signed-in person as an actor (None: nobody is signed in yet, in OpenID Connect or header mode)."""
    who = auth.who()
    if who.mode == "local":
        view_as = st.session_state.get(VIEW_AS)
        if view_as:
            return users.sign_in(people_store(), str(view_as))
        return SignIn(Actor(LOCAL_NAME, Role.ADMIN))
    if not who.email:
        return None
    try:
        return users.sign_in(people_store(), who.email, who.name)
    except GtmError as exc:  # the provider or proxy sent something that is not an email address
        return SignIn(Actor(who.name or "unknown", Role.VIEWER), plain(exc))


def actor() -> Actor:
    """The person acting; nobody signed in reads as a viewer who can change nothing."""
    current = signed_in()
    return current.actor if current else Actor("", Role.VIEWER)


def banner() -> None:
    """Local single-user mode says so on every page, in one line (its help says the rest): anyone who can open the
    app is its administrator."""
    if auth.mode() == "local":
        st.badge(auth.LOCAL_BANNER, icon=":material/lock_open:", color="orange", help=auth.LOCAL_HELP)


def _keep_view_as() -> None:
    # Widget state is dropped on pages that do not draw the widget; a plain key survives.
    st.session_state[VIEW_AS] = st.session_state["sb_view_as"]


def _view_as() -> None:
    """Local mode: the administrator may look at the app as a stored user sees it (for demos and tests)."""
    frame = users.list_users(people_store())
    frame = frame[frame["active"]]
    labels = {str(r["email"]): f"{r['name']} · {ROLE_LABELS[Role(str(r['role']))]}" for r in frame.to_dict("records")}
    if not labels:
        st.caption("Add people on the Admin page to see the app as they do.")
        return
    options = ["", *labels]
    if st.session_state.get(VIEW_AS) in options:
        st.session_state["sb_view_as"] = st.session_state[VIEW_AS]
    named = {e: labels.get(e, f"Yourself ({LOCAL_NAME.lower()})") for e in options}
    st.selectbox("View as", options, format_func=named.__getitem__,
                 key="sb_view_as", on_change=_keep_view_as,
                 help="Local single-user mode: see and use the app with a stored user's role.")


def acting_as() -> None:
    """The sidebar: who is signed in, their role and BUs, and how to sign out (or, locally, whose view to take)."""
    current = signed_in()
    if current is None:
        return
    who = current.actor
    st.caption("Signed in as")
    st.markdown(f"**{plain(who.name)}** · {ROLE_LABELS[who.role]}", help=who.email or None)
    if who.email:
        st.caption(who.email)
    if who.role == Role.BU_HEAD:
        st.caption("BUs: " + (", ".join(who.bus) or "none assigned yet"))
    if current.note:
        st.info(current.note, icon=":material/visibility:")
    mode = auth.mode()
    if mode == "local":
        _view_as()
    elif mode == "oidc" and st.button("Sign out", key="sb_sign_out", icon=":material/logout:"):
        auth.sign_out()
