"""Chromium on the demo with its workshop: the Plan page's pilot account planning links to a focus account's plan,
which the Account page shows in its own section (open actions first, the overdue marked); the Results page opens on
the focus list's gains; screenshots."""

from __future__ import annotations

from conftest import App, shot, wait_for_app  # tests/browser/conftest.py (rootdir-relative, no package)
from playwright.sync_api import Page, expect

TIMEOUT = 60_000
DEMO_WORKSHOP = True  # the app_server fixture seeds the demo with its workshop (lists, plans, two imports)


def test_the_plan_page_links_to_a_focus_accounts_plan_on_the_account_page(page: Page, app_server: App) -> None:
    page.goto(f"{app_server.url}/plan?workspace=demo")
    wait_for_app(page)
    area = page.locator('[data-testid="stMain"]')
    expect(area).to_contain_text("15 of the 15 focus accounts", timeout=TIMEOUT)
    section = page.get_by_role("heading", name="Pilot account planning")
    section.scroll_into_view_if_needed()
    shot(page, "plan-pilot-account-planning")
    link = page.locator(".st-key-pl_plan_links a").first  # a focus account's plan, by its name
    expect(link).to_be_visible(timeout=TIMEOUT)
    name = link.inner_text().strip().splitlines()[-1].strip()  # after the icon's name
    link.click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name=name)).to_be_visible(timeout=TIMEOUT)  # its Account page
    expect(page.get_by_role("heading", name="Account plan")).to_be_visible(timeout=TIMEOUT)
    expect(area).to_contain_text("Version 1, saved by Fay Chen")
    expect(area).to_contain_text("Open actions:")
    expect(page.locator(".st-key-ap_save button")).to_be_visible()  # local mode: an administrator may edit
    page.get_by_role("heading", name="Account plan").scroll_into_view_if_needed()
    shot(page, "account-plan-section")


def test_the_results_page_opens_on_the_focus_lists_gain_against_its_pace(page: Page, app_server: App) -> None:
    page.goto(f"{app_server.url}/results?workspace=demo")
    wait_for_app(page)
    area = page.locator('[data-testid="stMain"]')
    expect(area).to_contain_text("in force when Focus list v1 was saved", timeout=TIMEOUT)
    expect(area).to_contain_text("of its pace")
    pace = area.locator('[data-testid="stMetric"]').filter(has_text="Target's pace by now")
    expect(pace.locator('[data-testid="stMetricValue"]')).to_have_text("$290.7M")
    shot(page, "results-demo")
