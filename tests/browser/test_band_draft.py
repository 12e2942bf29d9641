"""Chromium, at a projector's 1280x720 in presentation mode: a facilitator edits a band, sees the cells it changes
outlined, shows its effect on the Portfolio page, comes back to the draft, undoes an edit and saves, without
scrolling; and a click on a cell of the portfolio matrix lists who stands in it."""

from __future__ import annotations

import re

from conftest import App, settle, shot, wait_for_app  # tests/browser/conftest.py (rootdir-relative, no package)
from playwright.sync_api import Locator, Page, expect

TIMEOUT = 30_000


def _inside(locator: Locator, width: int = 1280, height: int = 720) -> bool:
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= width \
        and box["y"] + box["height"] <= height


def _dashed(page: Page) -> int:
    """How many dashed outlines the matrix draws (the cells an edit changes)."""
    return int(page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot .layer-above path')]
        .filter(p => (p.style.strokeDasharray || '').length && p.style.strokeDasharray !== 'none'
                     && p.style.stroke !== 'rgb(85, 85, 85)').length"""))


def _nudge(page: Page, nature: str, key: str = "ArrowLeft") -> None:
    thumb = page.locator(f".st-key-mx_band_{nature}").get_by_role("slider").first
    thumb.focus()
    thumb.press(key)
    wait_for_app(page)


def _open(page: Page, title: str, section: str = "Decide") -> None:
    """In presentation mode the navigation's sections stand in the top bar: open one, then click the page."""
    page.locator('[data-testid="stTopNavSection"]').filter(has_text=section).click()
    page.get_by_role("menuitem", name=title, exact=True).click()


def test_a_band_edit_is_shown_kept_undone_and_saved_on_one_screen(page: Page, app_server: App) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{app_server.url}/matrix?workspace=demo&present=1")
    wait_for_app(page)
    chart = page.locator(".st-key-mx_chart")
    expect(chart).to_be_visible(timeout=TIMEOUT)
    assert _dashed(page) == 0

    _nudge(page, "qualification")  # the band of "qualification" now starts one approach lower
    expect(page.get_by_text("Unsaved draft")).to_be_visible(timeout=TIMEOUT)
    assert _dashed(page) == 1  # one cell changes fit: qualification at "coordinating incentives"... moved in
    _nudge(page, "cross_sell")
    assert _dashed(page) == 2
    for part in (chart, page.get_by_role("button", name="Save and activate"), page.locator(".st-key-mx_undo button").first):
        assert _inside(part), part  # the matrix, Save and Undo, all on the one screen
    page.screenshot(path="test-artifacts/draft-matrix-1280x720.png")

    # The room sees the effect on the Portfolio page (the top navigation's Decide section: the same session, so the
    # same draft).
    _open(page, "Portfolio")
    wait_for_app(page)
    expect(page.locator(".st-key-pf_draft")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator('[data-testid="stMain"]').get_by_text("under the unsaved band draft")).to_be_visible()
    assert _dashed(page) == 2
    assert _inside(page.locator(".st-key-pf_matrix"))  # with the draft's marker and toggle, still above the fold
    page.screenshot(path="test-artifacts/draft-portfolio-1280x720.png")

    # Back on the Matrix page the draft is still there; undo takes back the last edit only.
    page.get_by_role("link", name="Open the draft").click()
    wait_for_app(page)
    expect(page.get_by_text("Unsaved draft")).to_be_visible(timeout=TIMEOUT)
    assert _dashed(page) == 2
    page.locator(".st-key-mx_undo button").first.click()
    wait_for_app(page)
    assert _dashed(page) == 1
    page.locator(".st-key-mx_name input").fill("Workshop draft")
    page.locator(".st-key-mx_name input").press("Enter")
    wait_for_app(page)
    page.get_by_role("button", name="Save and activate").click()
    wait_for_app(page)
    expect(page.get_by_text("Saved and activated")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("Unsaved draft")).to_have_count(0)
    expect(page.locator('[data-testid="stMain"]').get_by_text("Whole portfolio under 'Workshop draft'")).to_be_visible()
    assert _dashed(page) == 0

    _open(page, "Portfolio")
    wait_for_app(page)
    expect(page.locator('[data-testid="stMain"] h1')).to_have_text("Portfolio", timeout=TIMEOUT)
    expect(page.get_by_role("link", name="Open the draft")).to_have_count(0)
    expect(page.locator(".st-key-pf_draft")).to_have_count(0)


def test_a_click_on_a_cell_lists_its_accounts_and_opportunities(page: Page, app_server: App) -> None:
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{app_server.url}/?workspace=demo")
    wait_for_app(page)
    chart = page.locator(".st-key-pf_matrix")
    expect(chart).to_be_visible(timeout=TIMEOUT)
    settle(page, quiet=150)
    cell = chart.locator("g.textpoint").filter(has_text=re.compile(r"▼\s*677"))  # cross-sell at traditional sales
    expect(cell).to_have_count(1, timeout=TIMEOUT)
    tables = page.locator('[data-testid="stMain"] [data-testid="stDataFrame"]')
    before = tables.count()
    cell.click(force=True)
    wait_for_app(page)
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_role("heading", name="Cross-sell / referral at Traditional sales representatives and "
                                               "distributors")).to_be_visible(timeout=TIMEOUT)
    expect(main.get_by_text(re.compile(r"677 opportunities at [\d,]+ accounts"))).to_be_visible()
    expect(tables).to_have_count(before + 2)  # its accounts and its opportunities
    shot(page, "portfolio-cell-1920x1080")
