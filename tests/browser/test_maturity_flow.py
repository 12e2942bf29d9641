"""Chromium: the maturity check in a workshop. A sales leader scores the organisation on the nine dimensions, a BU
head adds their own scores, and the radar with its lowest-to-highest band, the weakest first and the spread show;
screenshots at 1280x720 and 1920x1080."""

from __future__ import annotations

from conftest import App, shot, still, view_as, wait_for_app  # tests/browser/conftest.py (rootdir-relative, no package)
from playwright.sync_api import Page, expect

from gtm.services import maturity
from gtm.storage.repository import Store

TIMEOUT = 30_000
CODES = [d.code for d in maturity.DIMENSIONS]


def _score(page: Page, scores: dict[str, str], note: str) -> None:
    """Click one option per dimension in the form, write a note and save."""
    for code, option in scores.items():
        control = page.locator(f"[class*='st-key-mt_score_{code}_']").first
        control.scroll_into_view_if_needed()
        control.get_by_role("radio", name=option, exact=True).click()
    page.locator("[class*='st-key-mt_note_'] textarea").fill(note)
    page.locator(".st-key-mt_save button").click()
    wait_for_app(page)


def test_two_people_score_the_organisation_and_the_radar_shows_the_spread(page: Page, app_server: App) -> None:
    page.goto(f"{app_server.url}/?workspace=demo")  # a fresh server's first request opens the app, then the page
    wait_for_app(page)
    page.goto(f"{app_server.url}/maturity?workspace=demo")
    wait_for_app(page)
    view_as(page, app_server, "sales_leader", "Sam Lee")
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_text("No maturity assessment yet for the organisation", exact=False)).to_be_visible(
        timeout=TIMEOUT)
    page.set_viewport_size({"width": 1280, "height": 720})
    wait_for_app(page)
    shot(page, "maturity-form-1280x720")

    first = {**dict.fromkeys(CODES, "4"), "decisions": "1", "planning": "2", "feedback": "Not scored"}
    _score(page, first, "Sam's first look")
    expect(main.get_by_text("1 person", exact=False).first).to_be_visible(timeout=TIMEOUT)
    expect(main.locator('[data-testid="stPlotlyChart"]')).to_have_count(1, timeout=TIMEOUT)

    page.set_viewport_size({"width": 1440, "height": 1000})  # the sidebar's "View as" list opens in full
    view_as(page, app_server, "bu_head", "Hans Berg")
    page.set_viewport_size({"width": 1280, "height": 720})
    wait_for_app(page)
    second = {**dict.fromkeys(CODES, "3"), "decisions": "3", "planning": "2", "feedback": "2"}
    _score(page, second, "From the Automation side")
    expect(main.get_by_text("2 people", exact=False).first).to_be_visible(timeout=TIMEOUT)
    expect(main.get_by_text("People disagree most on Basis of decisions", exact=False)).to_be_visible(
        timeout=TIMEOUT)

    store = Store(app_server.db_url)
    summary = maturity.summary(store)
    # Equal means of 2: the one people disagree on (1 and 3) before the one they agree on (2 and 2).
    assert summary["dimension"].tolist()[:2] == ["decisions", "planning"]
    assert summary.iloc[0][["mean", "min", "max", "people", "spread"]].tolist() == [2.0, 1.0, 3.0, 2, 2.0]
    assert summary.iloc[1][["mean", "people", "spread"]].tolist() == [2.0, 2, 0.0]
    assert summary.set_index("dimension").loc["feedback", "people"] == 1
    assert maturity.scored_by(store)["author"].tolist() == ["Hans Berg", "Sam Lee"]

    radar = main.locator('[data-testid="stPlotlyChart"]')
    expect(radar).to_have_count(1)
    expect(radar.locator(".polarlayer path.js-fill").first).to_be_attached()  # the spread band, drawn
    expect(radar.get_by_text("Lowest to highest score")).to_be_visible()
    page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollTo(0, 0)")
    still(page)
    page.screenshot(path="test-artifacts/maturity-1280x720.png")
    shot(page, "maturity-full-1280x720")
    page.set_viewport_size({"width": 1920, "height": 1080})
    wait_for_app(page)
    page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollTo(0, 0)")
    still(page)
    page.screenshot(path="test-artifacts/maturity-1920x1080.png")
    shot(page, "maturity-full-1920x1080")
