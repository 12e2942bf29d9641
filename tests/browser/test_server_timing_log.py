"""A real server with GTM_TIMING_LOG set logs the page runs of each browser session: its Portfolio and, after a
click on a page link, its Account, under one session id; a second browser context is another session."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT, _free_port, streamlit_server, wait_for_app  # tests/browser/conftest.py
from playwright.sync_api import Browser, expect

from gtm import timing


@pytest.fixture(scope="module")
def timed_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    tmp = tmp_path_factory.mktemp("timed")
    log = tmp / "timing.jsonl"
    env = {**os.environ, "GTM_DATABASE_URL": f"sqlite:///{tmp / 'app.db'}", "GTM_SEED_DEMO": "1",
           timing.ENV: str(log)}
    with streamlit_server(env, ROOT, tmp / "streamlit.log", _free_port()) as base:
        yield base, log


def test_each_session_logs_its_page_runs_under_its_own_id(browser: Browser, timed_app: tuple[str, Path]) -> None:
    url, log = timed_app
    sessions = []
    for _ in range(2):
        context = browser.new_context(viewport={"width": 1440, "height": 1000})
        page = context.new_page()
        before = len(timing.read(log))
        page.goto(f"{url}/?workspace=demo")
        wait_for_app(page)
        link = page.locator('[data-testid="stPageLink-NavLink"]').filter(has_text=re.compile(r"\S")).first
        link.click()
        expect(page.locator('[data-testid="stMain"] h1')).to_have_text("Account", timeout=30_000)
        wait_for_app(page)
        lines = timing.read(log)[before:]
        context.close()
        finished = [(line["page"], line["raised"]) for line in lines if line["raised"] is None]
        assert ("Portfolio", None) in finished and ("Account", None) in finished, lines
        assert len({line["session"] for line in lines}) == 1, lines
        assert all(isinstance(line["ms"], float | int) and line["ms"] > 0 for line in lines)
        sessions.append(lines[0]["session"])
    assert sessions[0] != sessions[1]
