"""The address a page was asked for, resolved before st.navigation (pages/common/navigation.py): another spelling
opens its page, an unknown address and a page the person may not open go to the root with what was asked, a known
one is left to Streamlit. Streamlit's PagesManager is stood in for: AppTest cannot type an address."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from pages.common import navigation


class _Manager:
    """What PagesManager holds for a run: the page asked for by hash (a click) or by name (an address)."""

    def __init__(self, name: str, page_hash: str = "") -> None:
        self.intended_page_name, self.intended_page_script_hash = name, page_hash
        self.intent: tuple[str, str] | None = None

    def set_script_intent(self, page_hash: str, name: str) -> None:
        self.intent = (page_hash, name)


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, _Manager]]:
    held: dict[str, _Manager] = {}
    monkeypatch.setattr(navigation, "_pages_manager", lambda: held["manager"])
    yield held


def _follow() -> None:
    import streamlit as st

    from pages.common import navigation

    navigation.follow_address(["start", "portfolio", "key_accounts", "data"], {"admin": "Admin"})
    st.write(repr(st.session_state.get("nav_asked")))


@pytest.mark.parametrize(("name", "page_hash", "intent", "flag"), [
    ("key-accounts", "", ("", "key_accounts"), None),  # the other spelling opens the page itself
    ("import", "", ("", "data"), None),
    ("no-such-page", "", ("", ""), ("no-such-page", "unknown")),  # the root says so
    ("admin", "", ("", ""), ("admin", "Admin")),  # a page this person may not open: the root says whose it is
    ("portfolio", "", None, None),  # a known address: Streamlit resolves it
    ("", "", None, None),  # the root
    ("whatever", "a1b2c3", None, None),  # a click inside the app names its page by hash
])
def test_the_asked_address_is_resolved_before_navigation(empty_db: str, asked: dict[str, _Manager], name: str,
                                                        page_hash: str, intent: tuple[str, str] | None,
                                                        flag: tuple[str, str] | None) -> None:
    asked["manager"] = _Manager(name, page_hash)
    at = AppTest.from_function(_follow, default_timeout=60).run()
    assert not at.exception, [e.message for e in at.exception]
    assert asked["manager"].intent == intent
    assert at.markdown[0].value == repr(flag)
