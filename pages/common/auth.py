"""How people sign in: OpenID Connect (st.login), a trusted reverse-proxy header, or local single-user mode.

This module says only *which email* is at the keyboard; the role comes from the store (gtm.services.users).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Literal

import streamlit as st

Mode = Literal["oidc", "header", "local"]
HEADER_ENV = "GTM_AUTH_HEADER"
# One line in the sidebar; the whole story in its help.
LOCAL_BANNER = "Local mode: you act as administrator"
LOCAL_HELP = ("Local single-user mode: no sign-in is configured, so anyone who can open this app acts as its "
              "administrator. Configure sign-in (OpenID Connect or a proxy header) before sharing this app.")


@dataclass(frozen=True)
class Who:
    """The person at the keyboard as sign-in knows them: an email (None: nobody signed in) and a name."""

    mode: Mode
    email: str | None = None
    name: str | None = None


def header_name() -> str | None:
    """The trusted header that carries the signed-in email (GTM_AUTH_HEADER), or None."""
    value = os.environ.get(HEADER_ENV, "").strip()
    return value or None


def oidc_configured() -> bool:
    """Whether .streamlit/secrets.toml has an [auth] section, so st.login() can run. Without a secrets file,
    st.secrets looks for one again at every access (every run asks): a look at the files' existence is enough."""
    if not any(os.path.exists(path) for path in st.get_option("secrets.files")):
        return False
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # Streamlit's StreamlitSecretNotFoundError: no secrets file at all
        return False


def mode() -> Mode:
    """The proxy header when one is named, else OpenID Connect when configured, else local single-user mode."""
    if header_name():
        return "header"
    if oidc_configured():
        return "oidc"
    return "local"


def who() -> Who:
    """Who is signed in, in the configured mode."""
    current = mode()
    if current == "header":
        header = header_name()
        assert header is not None
        # Streamlit hands over the headers of the request that opened the session: trustworthy only behind a proxy
        # that sets this header itself and strips any copy a client sends (README, "Sign-in and roles").
        email = (st.context.headers.get(header) or "").strip()
        return Who("header", email or None, None)
    if current == "oidc":
        if not st.user.is_logged_in:
            return Who("oidc")
        claimed, name = st.user.get("email"), st.user.get("name")
        return Who("oidc", str(claimed) if claimed else None, str(name) if name else None)
    return Who("local")


def sign_in_page() -> None:
    """The page shown to someone not signed in yet (OpenID Connect mode)."""
    st.title("GTM Fit")
    st.markdown("Sign in with your organisation's account to see the portfolio.")
    if st.button("Sign in", type="primary", key="au_sign_in", icon=":material/login:"):
        st.login()


def no_header_page() -> None:
    """The page shown when the proxy header is expected but missing (the proxy is not in front of the app)."""
    st.title("GTM Fit")
    st.error(f"This app expects the signed-in email in the {header_name()} header, set by the sign-in proxy in front "
             "of it; the request carried none. Open the app through that proxy.", icon=":material/lock:")


def sign_out() -> None:
    """Drop the identity cookie (OpenID Connect) and start again at the sign-in page."""
    st.logout()
