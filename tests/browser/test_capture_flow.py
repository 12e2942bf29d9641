"""Chromium: the demo's deals a third won, a sales leader opens the Whitespace page, clicks a cell of the heatmap and
reads where its potential comes from; then opens the account and reads its lead BU and point person."""

from __future__ import annotations

import re

from conftest import App, shot, wait_for_app
from fixtures_capture import win_some
from playwright.sync_api import Page, expect

from gtm.storage.repository import Store

TIMEOUT = 60_000


def test_a_click_on_a_whitespace_cell_opens_it_and_its_account_names_who_leads(page: Page, app_server: App) -> None:
    page.set_viewport_size({"width": 1440, "height": 1000})
    page.goto(f"{app_server.url}/whitespace?workspace=demo")
    wait_for_app(page)  # the first run seeds the demo
    expect(page.get_by_text("No won deals yet, so no whitespace")).to_be_visible(timeout=TIMEOUT)
    store = Store(app_server.db_url)
    win_some(store)
    store.dispose()
    page.reload()
    wait_for_app(page)
    chart = page.locator(".st-key-ws_heatmap")
    expect(chart).to_be_visible(timeout=TIMEOUT)
    sentence = page.locator('[data-testid="stMain"]').get_by_text(re.compile(r" at .*: \$.* won, \$.* open"))
    before = sentence.first.text_content()
    cells = chart.locator("g.textpoint")
    expect(cells).to_have_count(150, timeout=TIMEOUT)  # 25 accounts x 6 BUs
    box = cells.nth(40).bounding_box()
    assert box is not None
    # Anywhere in the cell, not only on its figure.
    page.mouse.click(box["x"] + box["width"] / 2 + 30, box["y"] + box["height"] / 2 + 4)
    wait_for_app(page)
    expect(sentence.first).not_to_have_text(before or "", timeout=TIMEOUT)
    expect(page.get_by_text("The peers the potential comes from")).to_be_visible()
    shot(page, "whitespace-cell")
    # The chart keeps its selection: an account chosen in the picker afterwards still counts.
    clicked = sentence.first.text_content() or ""
    picker = page.locator(".st-key-ws_account input")
    picker.scroll_into_view_if_needed()
    picker.click()  # the list opens on the account shown: the next one down is another
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    wait_for_app(page)
    expect(sentence.first).not_to_have_text(clicked, timeout=TIMEOUT)
    page.locator('[data-testid="stMain"] [data-testid="stPageLink"] a', has_text=re.compile(r"Open ")).first.click()
    wait_for_app(page)
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_role("heading", name="Lead unit, point person and whitespace")).to_be_visible(timeout=TIMEOUT)
    expect(main.get_by_text(re.compile(r"^Lead BU |Only one BU sells here|No won deals"))).to_have_count(1)
    shot(page, "account-lead")
