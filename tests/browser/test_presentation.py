"""Chromium: presentation mode at a projector's 1280x720. The sliders, "Save and activate" and the whole matrix
are on one screen; a band edit moves the figures; leaving the mode brings the sidebar back."""

from __future__ import annotations

import re

from conftest import App, settle, wait_for_app  # tests/browser/conftest.py (rootdir-relative, no package)
from playwright.sync_api import Locator, Page, expect

TIMEOUT = 30_000


def _inside(box: dict[str, float] | None, width: int, height: int) -> bool:
    return box is not None and box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= width \
        and box["y"] + box["height"] <= height


def _box(locator: Locator) -> dict[str, float] | None:
    return locator.bounding_box()


def test_a_facilitator_at_1280x720_sees_sliders_matrix_and_save_on_one_screen(page: Page, app_server: App) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{app_server.url}/matrix?workspace=demo&present=1")
    wait_for_app(page)
    expect(page.locator('[data-testid="stMain"] h1')).to_have_text("Matrix", timeout=TIMEOUT)
    expect(page.locator('[data-testid="stSidebar"]')).not_to_be_visible()  # no sidebar in the projector view
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    expect(chart).to_be_visible(timeout=TIMEOUT)
    settle(page, quiet=150)  # the chart lays out to its column
    assert _inside(_box(chart), 1280, 720), _box(chart)  # the whole matrix, without scrolling
    save = page.locator(".st-key-mx_save button")
    assert _inside(_box(save), 1280, 720), _box(save)
    for nature in ("info_exchange", "turnkey"):  # the first and the last band
        assert _inside(_box(page.locator(f".st-key-mx_band_{nature}").get_by_role("slider").last), 1280, 720), nature
    page.screenshot(path="test-artifacts/present-matrix-1280x720.png")

    figures = page.locator('[data-testid="stMain"]').get_by_text(re.compile("of value in band"))
    before = figures.inner_text()
    low = page.locator(".st-key-mx_band_qualification").get_by_role("slider").first
    low.focus()
    low.press("ArrowLeft")
    wait_for_app(page)
    expect(figures).not_to_have_text(before, timeout=TIMEOUT)
    expect(figures).to_contain_text("pts)")
    assert _inside(_box(chart), 1280, 720)  # still whole after the edit

    page.get_by_role("button", name="Leave presentation mode").click()  # it asks first
    page.get_by_role("button", name="Yes, leave presentation mode").click()
    wait_for_app(page)
    expect(page.locator('[data-testid="stSidebar"]')).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("Presentation mode")).to_be_visible()


def test_the_portfolio_matrix_is_whole_above_the_fold_at_1280x720(page: Page, app_server: App) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{app_server.url}/?workspace=demo&present=1")
    wait_for_app(page)
    expect(page.locator('[data-testid="stMain"] h1')).to_have_text("Portfolio", timeout=TIMEOUT)
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    expect(chart).to_be_visible(timeout=TIMEOUT)
    settle(page, quiet=150)
    assert _inside(_box(chart), 1280, 720), _box(chart)
    expect(page.locator('[data-testid="stMain"]').get_by_text(re.compile("of value in band"))).to_be_visible()
    page.screenshot(path="test-artifacts/present-portfolio-1280x720.png")


def test_the_portfolio_matrix_is_whole_above_the_fold_at_1280x720_in_the_normal_view_too(page: Page,
                                                                                         app_server: App) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{app_server.url}/?workspace=demo")
    wait_for_app(page)
    expect(page.locator('[data-testid="stSidebar"]')).to_be_visible(timeout=TIMEOUT)  # the sidebar takes its room
    chart = page.locator(".st-key-pf_matrix [data-testid='stPlotlyChart']")
    expect(chart).to_be_visible(timeout=TIMEOUT)
    settle(page, quiet=150)
    assert _inside(_box(chart), 1280, 720), _box(chart)
    for label in ("Accounts", "▲ Overkill", "▼ Insufficient"):  # the figures above it, whole
        assert _inside(_box(page.locator('[data-testid="stMetric"]').filter(has_text=label).first), 1280, 720), label
    page.screenshot(path="test-artifacts/portfolio-1280x720.png")
