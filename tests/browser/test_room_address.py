"""Chromium, in front of a room at 1280x720: with ``?workspace=demo&present=1`` every navigation entry, in-page link,
button and reload keeps the demo in presentation mode, and no account name of the real portfolio (main) ever shows.

Main holds a real-looking CRM export (tests/fixtures/crm/sf_first_hour_*.csv, imported through the services), so
"no main account name on the page" is a real check: a fresh session without a workspace opens main."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from conftest import ARTIFACTS, App, wait_for_app  # tests/browser/conftest.py (rootdir-relative, no package)
from playwright.sync_api import Page, expect

from gtm.domain.permissions import Actor, Role
from gtm.services.imports import commit_import, plan_import
from gtm.storage.repository import Store

TIMEOUT = 60_000
ROOT = Path(__file__).resolve().parents[2]
CRM = ROOT / "tests" / "fixtures" / "crm"
DEMO_ACCOUNTS = ROOT / "data" / "demo" / "accounts.csv"
# The navigation in presentation mode: Start in the top bar, the other pages under their section's menu.
ENTRIES = [("", "Start"), ("Decide", "Portfolio"), ("Decide", "Account"), ("Decide", "Diagnose"),
           ("Decide", "Review"), ("Decide", "Matrix"), ("Programme", "Key accounts"), ("Programme", "Maturity"),
           ("Programme", "Plan"), ("Organisation", "Structures"), ("Organisation", "Design"),
           ("Organisation", "Scenarios"), ("Data", "Import"), ("Data", "Exports & hand-out"), ("Data", "Admin")]


def _names(path: Path, column: str) -> set[str]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return {row[column].strip() for row in csv.DictReader(f) if row[column].strip()}


# Main's account names that the demo does not also hold (none do today; a shared name would prove nothing).
MAIN_NAMES = sorted(_names(CRM / "sf_first_hour_accounts.csv", "Account Name") - _names(DEMO_ACCOUNTS, "name"))


@pytest.fixture(scope="module")
def room(app_server: App) -> App:
    """The app, with main holding the company's own portfolio (imported as a sales leader would)."""
    store = Store(app_server.main_url)
    try:
        who = Actor("Dana Reyes", Role.SALES_LEADER)
        for kind, name in (("accounts", "sf_first_hour_accounts.csv"), ("opportunities", "sf_first_hour_opportunities.csv")):
            commit_import(store, plan_import(store, kind, CRM / name), who, skip_invalid=True)
        assert len(store.accounts()) >= 30
    finally:
        store.dispose()
    return app_server


def heading(page: Page):  # type: ignore[no-untyped-def]
    return page.locator('[data-testid="stMain"] h1').first


def in_the_room(page: Page, where: str) -> None:
    """What the room may see: the demo in presentation mode, said by the address; no name of main's accounts."""
    expect(page).to_have_url(re.compile(r"[?&]present=1(&|$)"), timeout=TIMEOUT)
    query = parse_qs(urlparse(page.url).query)
    assert query.get("workspace") == ["demo"] and query.get("present") == ["1"], (where, page.url)
    expect(page.locator('[data-testid="stSidebar"]')).to_have_count(0)  # the projector view: no sidebar
    expect(page.locator(".st-key-present_leave_ask")).to_be_visible()  # ... and the way out, which asks first
    expect(page.locator(".st-key-present_workspace_ask")).to_contain_text("Workspace demo")
    text = page.locator("body").inner_text() + "\n" + page.title()  # the tab names the Account page's account
    shown = [name for name in MAIN_NAMES if name in text]
    assert not shown, (where, shown)


def open_entry(page: Page, section: str, entry: str) -> None:
    """Click a navigation entry where it stands: in the top bar, or under its section's menu (or "more")."""
    nav = page.locator('[data-testid="stTopNav"]')
    title = page.get_by_text(entry, exact=True)
    if not section:
        nav.locator('[data-testid="stTopNavLink"]').filter(has=title).click()
        return
    menu = nav.locator('[data-testid="stTopNavSection"]').filter(has_text=section)
    if not menu.is_visible():  # a narrow bar folds sections under "more"
        nav.get_by_text(re.compile(r"\bmore\b", re.I)).click()
    menu.click()
    page.locator('[data-testid="stTopNavDropdownLink"]').filter(has=title).click()


def test_every_navigation_entry_and_reload_keeps_the_room_on_the_demo(room: App, page: Page) -> None:
    assert len(MAIN_NAMES) >= 30
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{room.url}/?workspace=demo&present=1")
    wait_for_app(page)
    expect(heading(page)).to_have_text("Portfolio", timeout=TIMEOUT)
    in_the_room(page, "the root")
    ARTIFACTS.mkdir(exist_ok=True)
    for section, entry in ENTRIES:
        open_entry(page, section, entry)
        wait_for_app(page)
        expect(heading(page)).to_have_text(entry, timeout=TIMEOUT)
        in_the_room(page, f"{entry}, clicked")
        page.screenshot(path=str(ARTIFACTS / f"room-{re.sub(r'[^a-z]+', '-', entry.lower())}-1280x720.png"))
        page.reload()
        wait_for_app(page)
        expect(heading(page)).to_have_text(entry, timeout=TIMEOUT)
        in_the_room(page, f"{entry}, reloaded")


def test_links_and_buttons_in_the_pages_keep_the_room_on_the_demo(room: App, page: Page) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    main = page.locator('[data-testid="stMain"]')

    # Start: a step's link, and no link to the other workspace.
    page.goto(f"{room.url}/start?workspace=demo&present=1")
    wait_for_app(page)
    expect(main.get_by_text("The room stays on this workspace while presenting.")).to_be_visible(timeout=TIMEOUT)
    expect(main.get_by_role("link", name=re.compile("your own portfolio"))).to_have_count(0)
    step = main.locator('[data-testid="stPageLink-NavLink"]').first
    assert "workspace=demo" in (step.get_attribute("href") or "") and "present=1" in (step.get_attribute("href") or "")
    step.click()
    wait_for_app(page)
    in_the_room(page, "a step's link on Start")
    page.reload()
    wait_for_app(page)
    in_the_room(page, "a step's link on Start, reloaded")

    # Portfolio: a misfit cell's accounts, and an account's link (a table's links open a new tab: a new session that
    # knows only the link's address).
    page.goto(f"{room.url}/portfolio?workspace=demo&present=1")
    wait_for_app(page)
    cells = page.locator(".st-key-pf_matrix .textpoint").filter(has_text="▼")  # likely insufficient
    counts = [int(re.search(r"▼\s*([\d,]+)", t).group(1).replace(",", "")) for t in cells.all_text_contents()]  # type: ignore[union-attr]
    box = cells.nth(counts.index(max(counts))).bounding_box()  # the largest: its list fills the table's width
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    wait_for_app(page)
    in_the_room(page, "a cell of the Portfolio's matrix")
    accounts = page.locator('[data-testid="stDataFrame"]').first
    accounts.scroll_into_view_if_needed()
    grid = accounts.bounding_box()
    assert grid is not None
    # The first row's account link: the last column, cut by the table's right edge (a canvas: where it is drawn; the
    # grid opens a link under a pointer that rests on it).
    link = (grid["x"] + grid["width"] - 12, grid["y"] + 38 + 18)
    page.mouse.move(*link)
    page.wait_for_timeout(300)
    with page.context.expect_page(timeout=TIMEOUT) as opened:
        page.mouse.click(*link)
    account = opened.value
    account.set_viewport_size({"width": 1280, "height": 720})
    wait_for_app(account)
    expect(heading(account)).to_have_text("Account", timeout=TIMEOUT)
    in_the_room(account, "an account's link in a cell's list (new tab)")
    account.screenshot(path=str(ARTIFACTS / "room-account-from-a-cell-1280x720.png"))
    account.reload()
    wait_for_app(account)
    in_the_room(account, "an account's link in a cell's list (new tab), reloaded")

    # Buttons: the Account page's structure switch, and both ways out opened and not confirmed.
    account.locator(".st-key-acc_shown").get_by_text("★ recommended").click()
    wait_for_app(account)
    in_the_room(account, "the Account page's structure switch")
    account.locator(".st-key-present_workspace_ask").click()
    expect(account.get_by_role("button", name="Yes, show main to the room")).to_be_visible()
    account.keyboard.press("Escape")
    account.locator(".st-key-present_leave_ask").click()
    expect(account.get_by_role("button", name="Yes, leave presentation mode")).to_be_visible()
    account.keyboard.press("Escape")
    account.locator(".st-key-acc_shown").get_by_text("current structure").click()
    wait_for_app(account)
    in_the_room(account, "the Account page after both popovers were closed unconfirmed")
    account.reload()
    wait_for_app(account)
    in_the_room(account, "the Account page after its buttons, reloaded")

    # Matrix: a band edit (a widget's rerun) and its undo button.
    page.goto(f"{room.url}/matrix?workspace=demo&present=1")
    wait_for_app(page)
    low = page.locator(".st-key-mx_band_qualification").get_by_role("slider").first
    low.focus()
    low.press("ArrowLeft")
    wait_for_app(page)
    in_the_room(page, "a band edit on the Matrix page")
    page.locator(".st-key-mx_undo button").first.click()
    wait_for_app(page)
    in_the_room(page, "the Matrix page's undo")
    page.reload()
    wait_for_app(page)
    in_the_room(page, "the Matrix page after a band edit, reloaded")

    # Design: a form submitted (the assumptions tried in this session).
    page.goto(f"{room.url}/design?workspace=demo&present=1")
    wait_for_app(page)
    page.get_by_text("Assumptions:").first.click()  # the expander
    uplift = page.locator(".st-key-dz_assume_uplift_0 input")
    uplift.fill("25")
    uplift.press("Tab")  # the number input commits its value before the form is submitted (a race otherwise)
    page.locator(".st-key-dz_assume_apply button").first.click()
    wait_for_app(page)
    expect(page.get_by_text("edited in this session, not saved")).to_be_visible(timeout=TIMEOUT)
    in_the_room(page, "the Design page's assumptions form, submitted")
    page.reload()
    wait_for_app(page)
    in_the_room(page, "the Design page after its form, reloaded")


def test_an_account_of_main_in_the_address_is_said_and_never_shown(room: App, page: Page) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{room.url}/account?workspace=demo&present=1&account=name:acme+corporation")
    wait_for_app(page)
    expect(page.get_by_text("The account in the address is not in the demo workspace")).to_be_visible(
        timeout=TIMEOUT)
    in_the_room(page, "an account of main in the address")  # the id (it holds a name) is not repeated either
    page.screenshot(path=str(ARTIFACTS / "room-account-of-main-1280x720.png"))
    page.reload()
    wait_for_app(page)
    in_the_room(page, "an account of main in the address, reloaded")


def test_showing_main_to_the_room_is_a_confirmed_act(room: App, page: Page) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{room.url}/portfolio?workspace=demo&present=1")
    wait_for_app(page)
    in_the_room(page, "the Portfolio")
    page.locator(".st-key-present_workspace_ask").click()
    page.get_by_role("button", name="Yes, show main to the room").click()
    wait_for_app(page)
    expect(page).to_have_url(re.compile(r"workspace=main"), timeout=TIMEOUT)
    assert parse_qs(urlparse(page.url).query).get("present") == ["1"]
    expect(page.locator(".st-key-present_workspace_ask")).to_contain_text("Workspace main")
    page.reload()  # and the room stays on main, until someone shows it another workspace
    wait_for_app(page)
    expect(page.locator(".st-key-present_workspace_ask")).to_contain_text("Workspace main", timeout=TIMEOUT)
    expect(page.locator('[data-testid="stSidebar"]')).to_have_count(0)


def test_an_address_that_does_not_say_opens_the_room_in_the_presenting_browser(room: App, page: Page) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{room.url}/matrix?workspace=demo&present=1")
    wait_for_app(page)
    in_the_room(page, "the Matrix page")
    # A navigation link opened in a new tab, or the app's address typed in: a new session, and the address says
    # nothing of the workspace or of presentation mode. The browser remembers the room.
    bare = page.locator('[data-testid="stTopNavLink"]').first.get_attribute("href") or ""
    assert "?" not in bare, bare  # Streamlit's own links carry no parameters
    tab = page.context.new_page()
    tab.set_viewport_size({"width": 1280, "height": 720})
    for address in (bare, f"{room.url}/", f"{room.url}/account"):
        tab.goto(address)
        wait_for_app(tab)
        expect(tab.get_by_text("This browser is presenting the demo workspace")).to_be_visible(timeout=TIMEOUT)
        in_the_room(tab, f"{address} in a new tab")
        tab.reload()  # the address says it now
        wait_for_app(tab)
        in_the_room(tab, f"{address} in a new tab, reloaded")
    tab.screenshot(path=str(ARTIFACTS / "room-bare-address-1280x720.png"))
    # Leaving presentation mode (it asks first) makes the browser forget: a bare address is the normal view again.
    tab.locator(".st-key-present_leave_ask").click()
    tab.get_by_role("button", name="Yes, leave presentation mode").click()
    wait_for_app(tab)
    expect(tab.locator('[data-testid="stSidebar"]')).to_be_visible(timeout=TIMEOUT)
    tab.goto(f"{room.url}/start")
    wait_for_app(tab)
    expect(tab.locator('[data-testid="stSidebar"]')).to_be_visible(timeout=TIMEOUT)
    assert "present=1" not in tab.url
