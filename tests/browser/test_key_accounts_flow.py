"""Chromium: the deck's funnel in a workshop. The facilitator saves the shortlist of 50, a BU head ticks accounts of
interest in their table, the facilitator saves the focus list of 15; screenshots at 1280x720 and 1920x1080."""

from __future__ import annotations

from conftest import App, shot, still, view_as, wait_for_app  # tests/browser/conftest.py (rootdir-relative, no package)
from playwright.sync_api import Page, expect

from gtm.domain.permissions import ADMIN
from gtm.services import lists, users
from gtm.storage.repository import Store

TIMEOUT = 30_000


def test_the_facilitator_and_a_bu_head_find_the_50_then_the_15(page: Page, app_server: App) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{app_server.url}/?workspace=demo")  # a fresh server's first request opens the app, then the page
    wait_for_app(page)
    page.goto(f"{app_server.url}/key_accounts?workspace=demo")
    wait_for_app(page)
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_text("Now: step 1 of 3", exact=False).first).to_be_visible(timeout=TIMEOUT)  # the long list
    page.locator(".st-key-ka_save_short button").click()
    wait_for_app(page)
    expect(page.get_by_text("Shortlist saved (50 accounts)")).to_be_visible(timeout=TIMEOUT)
    store = Store(app_server.db_url)
    short = lists.list_accounts(store, stage="short")
    assert len(short) == 50

    # The head of BU-AUT ticks their accounts of interest in the table and saves them.
    people = Store(app_server.main_url)
    try:
        users.add_user(people, ADMIN, "hal@example.com", "bu_head", "Hal", ["BU-AUT"])
    finally:
        people.dispose()
    page.set_viewport_size({"width": 1440, "height": 1000})  # the sidebar's "View as" list opens in full
    view_as(page, app_server, "bu_head", "Hal")  # the same page, reloaded: a new address would be a new session
    page.set_viewport_size({"width": 1280, "height": 720})
    wait_for_app(page)
    # The page opens on step 2, the shortlist, where the BU leaders pick.
    expect(page.get_by_role("tab", name="2 · Shortlist: the BUs' picks")).to_have_attribute("aria-selected", "true")
    grid = page.locator(".st-key-ka_marks_1_BU-AUT, [class*='st-key-ka_marks_']").first
    expect(grid).to_be_visible(timeout=TIMEOUT)
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    assert box is not None
    # "Pick" (of interest) is the grid's first column (a canvas: its cells are clicked where they are drawn).
    for row in range(3):
        page.mouse.click(box["x"] + 37, box["y"] + 35 * (row + 1) + 17)
        page.wait_for_timeout(200)
    save = page.locator(".st-key-ka_save_marks button")
    expect(save).to_contain_text("Save 3 changes", timeout=TIMEOUT)
    shot(page, "key-accounts-bu-head-1280x720")
    save.click()
    wait_for_app(page)
    expect(page.get_by_text("Saved for BU-AUT")).to_be_visible(timeout=TIMEOUT)
    shortlist_id = int(lists.latest_list(store, stage="short")["list_id"])  # type: ignore[index]
    picks = lists.picks(store, shortlist_id)
    assert sorted(picks["account_id"]) == sorted(short[:3]) and set(picks["author"]) == {"Hal"}

    # More BU leaders pick (as the workshop goes on), then the facilitator saves the focus list of 15.
    for i, bu in enumerate(["BU-PWR", "BU-SNS", "BU-SFT"]):
        lists.save_bu_marks(store, ADMIN, bu, picks={a: True for a in short[i * 5: i * 5 + 8]}, list_name="Shortlist")
    page.set_viewport_size({"width": 1440, "height": 1000})
    view_as(page, app_server, "facilitator", "Fay")
    page.set_viewport_size({"width": 1280, "height": 720})
    wait_for_app(page)
    page.get_by_role("tab", name="3 · Focus list").click()  # step 3: the focus list from the picks
    page.locator(".st-key-ka_target input").fill("3500000000")
    page.locator(".st-key-ka_target input").press("Enter")
    wait_for_app(page)
    page.locator(".st-key-ka_save_focus button").click()
    wait_for_app(page)
    expect(page.get_by_text("Focus list saved (15 accounts)")).to_be_visible(timeout=TIMEOUT)
    assert len(lists.list_accounts(store, stage="focus")) == 15
    assert lists.focus_target(store) == (3_500_000_000.0, 3)
    page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollTo(0, 0)")
    still(page)
    page.screenshot(path="test-artifacts/key-accounts-1280x720.png")
    shot(page, "key-accounts-full-1280x720")
    page.set_viewport_size({"width": 1920, "height": 1080})
    wait_for_app(page)
    page.screenshot(path="test-artifacts/key-accounts-1920x1080.png")

    # The Portfolio filtered to the focus list says so.
    page.goto(f"{app_server.url}/?workspace=demo&list=Focus%20list")  # the default page is served at the root
    wait_for_app(page)
    expect(page.get_by_text("Filtered to the list", exact=False).first).to_be_visible(timeout=TIMEOUT)
    page.screenshot(path="test-artifacts/key-accounts-portfolio-filtered-1920x1080.png")

    # The sidebar's "Accounts" chooser: back to every account, then the focus list again.
    page.locator(".st-key-sb_list button[aria-label='Open']").click()
    page.get_by_role("option", name="all accounts", exact=True).click()
    wait_for_app(page)
    expect(page.get_by_text("Filtered to the list", exact=False)).to_have_count(0, timeout=TIMEOUT)
    page.locator(".st-key-sb_list button[aria-label='Open']").click()
    page.get_by_role("option", name="Focus list", exact=True).click()
    wait_for_app(page)
    expect(page.get_by_text("Filtered to the list", exact=False).first).to_be_visible(timeout=TIMEOUT)
    assert "list=Focus" in page.url
