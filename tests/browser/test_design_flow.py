"""Chromium: a sales leader designs the organisation for the focus accounts. They open the Design page on the focus
list, read the three answers, try a higher uplift (every figure follows, the page says the assumptions are not saved),
and save it for everyone; at 1280x720 the five figures are whole."""

from __future__ import annotations

from conftest import App, shot, view_as, wait_for_app  # tests/browser/conftest.py (rootdir-relative, no package)
from playwright.sync_api import Page, expect

from gtm.domain.permissions import Actor, Role
from gtm.services import design, lists
from gtm.storage.repository import Store

TIMEOUT = 30_000


def _figure(page: Page, label: str) -> str:
    """The value of the metric whose label starts with ``label``."""
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return metric.locator('[data-testid="stMetricValue"]').inner_text().strip()


def test_a_sales_leader_designs_for_the_focus_accounts_tries_and_saves_an_assumption(page: Page,
                                                                                      app_server: App) -> None:
    page.goto(f"{app_server.url}/?workspace=demo")  # a fresh server's first request seeds the demo
    wait_for_app(page)
    store = Store(app_server.db_url)
    focus = [str(a) for a in store.accounts()["account_id"].head(15)]
    lists.save_list(store, Actor("Fay", Role.FACILITATOR), "Focus accounts", "focus", focus)
    page.goto(f"{app_server.url}/design?workspace=demo")
    wait_for_app(page)
    view_as(page, app_server, "sales_leader", "Sam Lee")
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_role("heading", name="What structure does each account need?")).to_be_visible(timeout=TIMEOUT)
    expect(main.get_by_text("15 of 15", exact=False).or_(main.get_by_text("of 15", exact=False)).first
           ).to_be_visible(timeout=TIMEOUT)
    before = _figure(page, "Value at stake")

    page.set_viewport_size({"width": 1280, "height": 720})
    wait_for_app(page)
    # The five figures are whole at a projector's size: no value is cut with an ellipsis.
    for metric in main.locator('[data-testid="stMetricValue"]').all():
        assert metric.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), metric.inner_text()
    shot(page, "design-focus-1280x720")

    main.get_by_text("Assumptions: the defaults", exact=False).click()
    uplift = main.locator("[class*='st-key-dz_assume_uplift_'] input")
    uplift.fill("40")
    uplift.press("Tab")  # the number input commits its value before the form is submitted (a race otherwise)
    main.get_by_role("button", name="Apply", exact=True).click()
    wait_for_app(page)
    expect(main.get_by_text("edited in this session, not saved", exact=False)).to_be_visible(timeout=TIMEOUT)
    after = _figure(page, "Value at stake")
    assert after != before, (before, after)
    main.get_by_role("button", name="Save for everyone").click()
    wait_for_app(page)
    expect(main.get_by_text("saved version 1 by Sam Lee", exact=False)).to_be_visible(timeout=TIMEOUT)
    assert design.assumptions(store).assumptions.uplift == 0.4

    page.set_viewport_size({"width": 1920, "height": 1080})
    wait_for_app(page)
    shot(page, "design-focus-1920x1080")
