"""A server's very first request may be a deep link: it must still run through app.py's navigation."""

from __future__ import annotations

from conftest import App, shot, wait_for_app  # tests/browser/conftest.py
from playwright.sync_api import Page, expect

OWN_SERVER = True  # app_server: a server of this module's own, whose first request its first test makes


def test_first_request_to_a_deep_link_gets_the_whole_app(app_server: App, page: Page) -> None:
    # This module has its own server, so this is that server's first page request.
    page.goto(f"{app_server.url}/account?account=ACC-0002")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Account", exact=True)).to_be_visible()
    expect(page.get_by_text("Active matrix")).to_be_visible()  # app.py's sidebar ran
    expect(page.get_by_text("Page not found")).to_have_count(0)
    # The app's navigation in sections, not the folder-style list of every file in pages/ (which has no sections).
    nav = page.locator('[data-testid="stSidebarNav"]')
    expect(nav.locator('[data-testid="stNavSectionHeader"]').filter(has_text="Decide")).to_have_count(1)
    expect(nav.get_by_text("common", exact=True)).to_have_count(0)
    assert "account=ACC-0002" in page.url
    shot(page, "account-first-request")
