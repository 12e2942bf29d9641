"""Chromium: the workshop's hand-out downloads from the Exports & hand-out page and opens as a PowerPoint deck whose slides are
the portfolio matrix (a native table), the funnel, the maturity radar, the focus accounts and the plan."""

from __future__ import annotations

from pathlib import Path

from conftest import App, wait_for_app  # tests/browser/conftest.py (rootdir-relative, no package)
from playwright.sync_api import Page, expect
from pptx import Presentation

TIMEOUT = 60_000


def test_the_hand_out_downloads_and_opens(page: Page, app_server: App) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{app_server.url}/exports?workspace=demo")
    wait_for_app(page)
    button = page.locator(".st-key-ex_export_deck button").first
    expect(button).to_be_visible(timeout=TIMEOUT)
    with page.expect_download(timeout=TIMEOUT) as download:
        button.click()
    assert download.value.suggested_filename == "gtm-hand-out-demo.pptx"
    deck = Presentation(str(Path(download.value.path())))
    titles = [s.shapes.title.text if s.shapes.title is not None else "" for s in deck.slides]
    assert len(titles) >= 5 + 15, titles  # title, matrix, funnel, maturity, 15 accounts, the plan
    matrix = next(s for s in deck.slides if any(sh.has_table for sh in s.shapes))
    table = next(sh.table for sh in matrix.shapes if sh.has_table)
    assert len(table.rows) >= 7 and len(table.columns) >= 6  # the 7 approaches by the 6 natures, and their names
