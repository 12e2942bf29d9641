"""The supported way for page tests to act as someone: add them to the store, as an administrator would, and view
the app as them with local single-user mode's "View as" (the app signs nobody in under AppTest)."""

from __future__ import annotations

import os
from collections.abc import Sequence

from streamlit.testing.v1 import AppTest

from gtm.domain.permissions import ADMIN
from gtm.services import users
from gtm.storage.repository import Store


def add_person(email: str, role: str, name: str, bus: Sequence[str] = ()) -> str:
    """Add (or update) a user in the database the app under test reads (GTM_DATABASE_URL); returns the email."""
    store = Store(os.environ["GTM_DATABASE_URL"])
    try:
        if store.user(email) is None:
            users.add_user(store, ADMIN, email, role, name, bus)
        else:
            users.update_user(store, ADMIN, email, role=role, name=name, bus=bus)
    finally:
        store.dispose()
    return email


def act_as(at: AppTest, role: str, name: str, bus: Sequence[str] = (), email: str | None = None) -> AppTest:
    """From the next run on, ``at`` acts as a stored user with this role and name."""
    email = email or name.lower().replace(" ", ".") + "@example.com"
    at.session_state["local_view_as"] = add_person(email, role, name, bus)
    return at
