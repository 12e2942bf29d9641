"""Sign-in behind a trusted proxy: the app reads the email from GTM_AUTH_HEADER, the role from the store.

Chromium sends the header on every request (as the proxy in front of the app would add it), the page and the
websocket included. Without the header, the app shows no portfolio at all.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from conftest import ROOT, _free_port, shot, streamlit_server, wait_for_app  # tests/browser/conftest.py
from playwright.sync_api import Browser, expect

from gtm.domain.permissions import ADMIN
from gtm.services import users
from gtm.storage.repository import Store

HEADER = "X-Forwarded-Email"


@pytest.fixture(scope="module")
def header_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app in proxy-header mode; a BU head of BU-AUT and a facilitator are stored users."""
    tmp = tmp_path_factory.mktemp("header")
    db_url = f"sqlite:///{tmp / 'header.db'}"
    store = Store(db_url)
    users.add_user(store, ADMIN, "bo@example.com", "facilitator", "Bo Facilitator")
    store.dispose()
    config = tmp / "run" / ".streamlit"
    config.mkdir(parents=True)
    shutil.copy(ROOT / ".streamlit" / "config.toml", config / "config.toml")
    env = {**os.environ, "GTM_DATABASE_URL": db_url, "GTM_SEED_DEMO": "1", "GTM_AUTH_HEADER": HEADER}
    with streamlit_server(env, config.parent, tmp / "streamlit.log", _free_port()) as base:
        yield base


def _open(browser: Browser, base: str, path: str, email: str | None):  # type: ignore[no-untyped-def]
    headers = {HEADER: email} if email else {}
    context = browser.new_context(viewport={"width": 1280, "height": 720}, extra_http_headers=headers)
    page = context.new_page()
    page.goto(f"{base}{path}")
    wait_for_app(page)
    return context, page


def test_the_header_names_a_facilitator_who_may_edit_the_matrix(header_app: str, browser: Browser) -> None:
    context, page = _open(browser, header_app, "/matrix", "Bo@Example.com")
    try:
        sidebar = page.locator('[data-testid="stSidebar"]')
        expect(sidebar.get_by_text("Bo Facilitator")).to_be_visible()
        expect(sidebar.get_by_text("Workshop facilitator")).to_be_visible()
        expect(page.get_by_text("Local single-user mode")).to_have_count(0)
        expect(page.locator(".st-key-mx_save button")).to_be_visible()
        expect(page.get_by_role("link", name="Admin")).to_have_count(0)
        shot(page, "proxy-header-facilitator-matrix")
    finally:
        context.close()


def test_an_unknown_email_in_the_header_is_a_viewer(header_app: str, browser: Browser) -> None:
    context, page = _open(browser, header_app, "/matrix", "stranger@example.com")
    try:
        expect(page.locator('[data-testid="stSidebar"]').get_by_text("is not registered")).to_be_visible()
        expect(page.locator(".st-key-mx_save")).to_have_count(0)
        expect(page.get_by_role("link", name="Admin")).to_have_count(0)
    finally:
        context.close()


def test_without_the_header_no_portfolio_is_shown(header_app: str, browser: Browser) -> None:
    context, page = _open(browser, header_app, "/", None)
    try:
        expect(page.get_by_text(f"expects the signed-in email in the {HEADER} header")).to_be_visible()
        expect(page.locator('[data-testid="stMetric"]')).to_have_count(0)
        shot(page, "proxy-header-missing")
    finally:
        context.close()
