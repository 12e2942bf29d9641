"""Chromium: every page one click away at 1280x720 (no "View N more"), an old spelling of an address opens its page,
an unknown address says so with a link to Start, and the root opens Portfolio on the demo without a detour."""

from __future__ import annotations

import re

from conftest import App, shot, wait_for_app  # tests/browser/conftest.py (rootdir-relative, no package)
from playwright.sync_api import Page, expect

OWN_SERVER = True  # app_server: a server of this module's own, whose first request its first test makes
TIMEOUT = 60_000
# The navigation's entries in order, each with the heading its page shows.
ENTRIES = ["Start", "Portfolio", "Account", "Diagnose", "Review", "Matrix", "Key accounts", "Whitespace", "Maturity",
           "Plan", "Results", "Structures", "Design", "Scenarios", "Import", "Exports & hand-out", "Admin"]
SECTIONS = ["Decide", "Programme", "Organisation", "Data"]


def heading(page: Page):  # type: ignore[no-untyped-def]
    return page.locator('[data-testid="stMain"] h1').first


def test_a_fresh_servers_first_request_for_the_old_address_opens_key_accounts(app_server: App, page: Page) -> None:
    # This module has its own server, so this is that server's first request: Streamlit still answers it in folder
    # mode (pages/common/session/source.py), which cannot know the alias; the app resolves it on the rerun that follows.
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{app_server.url}/key-accounts?workspace=demo")
    wait_for_app(page)
    expect(heading(page)).to_have_text("Key accounts", timeout=TIMEOUT)
    assert "/key_accounts?workspace=demo" in page.url


def test_every_page_is_one_click_away_at_1280x720(app_server: App, page: Page) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{app_server.url}/start?workspace=demo")
    wait_for_app(page)
    nav = page.locator('[data-testid="stSidebarNav"]')
    links = nav.locator('[data-testid="stSidebarNavLink"]')
    expect(links).to_have_count(len(ENTRIES), timeout=TIMEOUT)
    assert [t.split("\n")[-1].strip() for t in links.all_inner_texts()] == ENTRIES  # an icon's name, then the title
    assert [h.strip() for h in nav.locator('[data-testid="stNavSectionHeader"]').all_inner_texts()] == SECTIONS
    expect(nav.get_by_text(re.compile(r"\bmore\b", re.I))).to_have_count(0)  # nothing under "View N more"
    for i in range(len(ENTRIES)):
        box = links.nth(i).bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 720, (ENTRIES[i], box)
    shot(page, "navigation-start-1280x720")
    page.screenshot(path="test-artifacts/navigation-1280x720.png")

    for i, entry in enumerate(ENTRIES):  # each entry, clicked where it stands, opens its page
        links.nth(i).click()
        wait_for_app(page)
        expect(heading(page)).to_have_text(entry, timeout=TIMEOUT)
        assert "workspace=demo" in page.url, (entry, page.url)  # the workspace goes along
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{app_server.url}/start?workspace=demo")
    wait_for_app(page)
    page.screenshot(path="test-artifacts/navigation-1920x1080.png")


def test_an_unknown_address_says_so_and_links_to_start(app_server: App, page: Page) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{app_server.url}/no-such-page?workspace=demo")
    wait_for_app(page)
    expect(heading(page)).to_have_text("No page here", timeout=TIMEOUT)
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_text("There is no page /no-such-page here")).to_be_visible()
    expect(page.get_by_text("Page not found")).to_have_count(0)  # not Streamlit's dialog over the Portfolio page
    expect(main.get_by_text("Biggest misfits")).to_have_count(0)
    shot(page, "navigation-unknown-address")
    main.get_by_role("link", name="Go to Start").click()
    wait_for_app(page)
    expect(heading(page)).to_have_text("Start", timeout=TIMEOUT)


def test_both_spellings_open_key_accounts_and_portfolio_keeps_its_address(app_server: App, page: Page) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    for path, title in (("key-accounts", "Key accounts"), ("key_accounts", "Key accounts"), ("import", "Import")):
        page.goto(f"{app_server.url}/{path}?workspace=demo")
        wait_for_app(page)
        expect(heading(page)).to_have_text(title, timeout=TIMEOUT)
        expect(page.get_by_text("Page not found")).to_have_count(0)
    page.goto(f"{app_server.url}/portfolio?workspace=demo&bu=BU-AUT")
    wait_for_app(page)
    expect(heading(page)).to_have_text("Portfolio", timeout=TIMEOUT)
    expect(page.get_by_text("Page not found")).to_have_count(0)
    page.goto(f"{app_server.url}/?workspace=demo&bu=BU-AUT")  # the demo is set up: its root is Portfolio
    wait_for_app(page)
    expect(heading(page)).to_have_text("Portfolio", timeout=TIMEOUT)
    expect(page).to_have_url(re.compile(r"/portfolio\?workspace=demo&bu=BU-AUT$"))  # the filter went along
