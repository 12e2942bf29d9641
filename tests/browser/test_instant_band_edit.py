"""Chromium against a server logging its runs (GTM_TIMING_LOG): a band edit on the Matrix page, an answer in the
Diagnose page's questionnaire and a pick in its to-do tab rerun only their part of the page (a fragment), not the
app around it; the page says what the edit changed, and the sidebar stays."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT, App, _free_port, streamlit_server, wait_for_app  # tests/browser/conftest.py
from playwright.sync_api import Page, expect

from gtm import timing
from gtm.storage.engine import workspace_url

TIMEOUT = 30_000


@pytest.fixture(scope="module")
def logged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[App, Path]]:
    """The app on the demo, each run of a page or of a fragment of one logged as a line."""
    tmp = tmp_path_factory.mktemp("instant")
    db_url = f"sqlite:///{tmp / 'browser.db'}"
    log = tmp / "timing.jsonl"
    env = {**os.environ, "GTM_DATABASE_URL": db_url, "GTM_SEED_DEMO": "1", "GTM_DEMO_WORKSHOP": "0",
           timing.ENV: str(log)}
    with streamlit_server(env, ROOT, tmp / "streamlit.log", _free_port()) as base:
        yield App(base, workspace_url(db_url, "demo"), tmp / "streamlit.log", main_url=db_url), log


def runs_after(log: Path, before: int) -> list[str]:
    return [str(line["page"]) for line in timing.read(log)[before:]]


def test_a_band_edit_reruns_the_band_editor_alone(page: Page, logged: tuple[App, Path]) -> None:
    app, log = logged
    page.goto(f"{app.url}/matrix?workspace=demo")
    wait_for_app(page)
    expect(page.locator(".st-key-mx_chart")).to_be_visible(timeout=TIMEOUT)
    before = len(timing.read(log))
    thumb = page.locator(".st-key-mx_band_qualification").get_by_role("slider").first
    thumb.focus()
    thumb.press("ArrowLeft")  # the band of "qualification" now starts one approach lower
    wait_for_app(page)
    expect(page.get_by_text("Unsaved draft")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("What this edit changes")).to_be_visible(timeout=TIMEOUT)
    assert runs_after(log, before) == ["Matrix: band edit"]  # the band editor, not the page and its sidebar
    expect(page.locator('[data-testid="stSidebar"]').get_by_text("Active matrix")).to_be_visible()


def test_an_answer_reruns_the_questionnaire_alone(page: Page, logged: tuple[App, Path]) -> None:
    app, log = logged
    page.goto(f"{app.url}/diagnose?workspace=demo")
    wait_for_app(page)
    page.get_by_role("tab", name="Questionnaire").click()
    wait_for_app(page)
    result = page.locator(".st-key-dg_q_result")
    expect(result).to_be_visible(timeout=TIMEOUT)
    before = len(timing.read(log))
    page.locator(".st-key-dg_q_engineered_solution").get_by_text("yes", exact=True).click()
    wait_for_app(page)
    expect(result).to_contain_text("Unique technical solutions", timeout=TIMEOUT)
    assert runs_after(log, before) == ["Diagnose: questionnaire"]

    page.get_by_role("tab", name="To-do and overrides").click()
    wait_for_app(page)
    before = len(timing.read(log))
    page.locator(".st-key-dg_ov_opp_find input").fill("a")
    page.locator(".st-key-dg_ov_opp_find input").press("Enter")
    wait_for_app(page)
    assert runs_after(log, before) == ["Diagnose: to-do and overrides"]
