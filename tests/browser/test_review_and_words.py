"""Real-browser checks of engineer D's part of "the first hour": the link beside the Portfolio's figures that leads
to where current structures are set, and a head of two BUs approving a decision once, at 1280x720."""

from __future__ import annotations

import sys
from pathlib import Path

from conftest import App, shot, still, view_as, wait_for_app  # tests/browser/conftest.py (rootdir-relative, no package)
from playwright.sync_api import Page, expect

from gtm.domain.permissions import Actor, Role
from gtm.services import decisions
from gtm.storage.repository import Store

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for the import fixtures
from fixtures_import import small_portfolio

TIMEOUT = 30_000


def test_the_assumed_structures_link_leads_to_where_they_are_set(page: Page, app_server: App) -> None:
    main = Store(app_server.main_url)
    if main.is_empty():
        small_portfolio(main)  # a CRM report without a current approach column
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{app_server.url}/portfolio?workspace=main")  # main is not set up yet: its root opens Start
    wait_for_app(page)
    content = page.locator('[data-testid="stMain"]')
    link = content.get_by_role("link", name="Set current structures")
    expect(content.get_by_text("All 3 accounts have no current structure recorded", exact=False)).to_be_visible(
        timeout=TIMEOUT)
    expect(link).to_be_in_viewport()  # beside the figures, above the fold
    link.click()
    still(page)
    expect(content.get_by_role("heading", name="Current structures")).to_be_in_viewport(timeout=TIMEOUT)
    shot(page, "portfolio-assumed-structures-1280x720")


def test_a_head_of_two_bus_approves_once_in_the_browser(page: Page, app_server: App) -> None:
    page.set_viewport_size({"width": 1440, "height": 1000})
    page.goto(f"{app_server.url}/review?workspace=demo")
    wait_for_app(page)
    demo = Store(app_server.db_url)
    opps = demo.opportunities()
    per_bu = opps[opps["value"] > 0].groupby(["account_id", "bu"])["value"].sum().reset_index()
    counts = per_bu.groupby("account_id")["bu"].agg(list)
    account = next(a for a, bus in counts.items() if len(bus) == 2)
    bus = sorted(counts[account])
    decision = decisions.record_decision(demo, Actor("Fay", Role.FACILITATOR), str(account), "lead_unit", "why")
    view_as(page, app_server, "bu_head", "Hal Both", bus=bus)
    page.set_viewport_size({"width": 1280, "height": 720})
    wait_for_app(page)
    content = page.locator('[data-testid="stMain"]')
    expect(content.get_by_text("Waiting for my verdict (1)")).to_be_visible(timeout=TIMEOUT)
    grid = content.locator('[data-testid="stDataFrame"]').first
    expect(grid).to_be_visible(timeout=TIMEOUT)
    box = grid.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 14, box["y"] + 35 + 17)  # the first row's selection box (a canvas: where it is drawn)
    wait_for_app(page)
    shot(page, "review-one-act-1280x720")
    page.locator(".st-key-rv_approve button").click()
    wait_for_app(page)
    reviews = demo.reviews(decision)
    assert sorted(reviews["bu"]) == bus and set(reviews["verdict"]) == {"approved"}


def test_a_search_result_clicked_opens_that_account_with_its_value_as_the_figure_says(page: Page,
                                                                                      app_server: App) -> None:
    """The search results' values are written as the figures are (a styled table, checked cell by cell in
    tests/pages/test_words_and_figures.py): a click on the third result still opens the third account."""
    page.set_viewport_size({"width": 1440, "height": 1000})
    page.goto(f"{app_server.url}/account?workspace=demo")
    wait_for_app(page)
    demo = Store(app_server.db_url)
    accounts = demo.accounts()
    field = page.locator(".st-key-acc_search input")
    field.fill("gmbh")
    field.press("Enter")
    wait_for_app(page)
    content = page.locator('[data-testid="stMain"]')
    grid = content.locator('[data-testid="stDataFrame"]').first
    expect(grid).to_be_visible(timeout=TIMEOUT)
    box = grid.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 14, box["y"] + 35 * 3 + 17)  # the third result's selection box
    wait_for_app(page)
    opened = page.evaluate("() => new URL(location.href).searchParams.get('account')")
    rows = grid.locator("table tbody tr")  # the grid's accessible mirror of its visible cells
    third = rows.nth(2).inner_text()
    assert opened in third, (opened, third)  # the row clicked is the account opened
    name = str(accounts.set_index("account_id").loc[opened, "name"])
    expect(content.locator("h2").first).to_have_text(name, timeout=TIMEOUT)
    shot(page, "account-search-styled-values")  # the canvas draws "$33.4M" as the figure beside it does
