"""Two app servers behind one PostgreSQL database, as a team runs them behind a load balancer with sticky
sessions: a decision recorded through one server is seen through the other on its next rerun.

Both are real `streamlit run app.py` processes on loopback ports, driven in Chromium; each browser page is a
session on its own server, with that server's caches, so only the database connects them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from conftest import ARTIFACTS, ROOT, _free_port, streamlit_server, wait_for_app  # tests/browser/conftest.py
from playwright.sync_api import Browser, Locator, Page, expect

from gtm.storage.repository import Store

pytestmark = pytest.mark.postgres
TIMEOUT = 30_000
ACCOUNT = "ACC-0001"  # an account of the demo portfolio both servers seed into the one database


@pytest.fixture
def two_servers(empty_postgres: Callable[[], str], tmp_path: Path) -> Iterator[tuple[str, str, str]]:
    """Servers A and B (their base URLs) on one emptied PostgreSQL database, and that database's URL."""
    url = empty_postgres()
    env = {**os.environ, "GTM_DATABASE_URL": url, "GTM_SEED_DEMO": "1"}
    logs = [tmp_path / "server-a.log", tmp_path / "server-b.log"]
    try:
        with ExitStack() as stack:
            a, b = (stack.enter_context(streamlit_server(env, ROOT, log, _free_port())) for log in logs)
            yield a, b, url
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        for log in logs:
            if log.exists():
                (ARTIFACTS / f"two-servers-{log.name}").write_bytes(log.read_bytes())


def open_account(page: Page, base: str) -> None:
    page.goto(f"{base}/account?workspace=demo&account={ACCOUNT}")
    wait_for_app(page)
    expect(page.locator('[data-testid="stMain"] h1')).to_have_text("Account", timeout=TIMEOUT)
    expect(page.get_by_role("heading", name="Decision history")).to_be_visible(timeout=TIMEOUT)


def main(page: Page) -> Locator:
    return page.locator('[data-testid="stMain"]')


def test_a_decision_written_through_one_server_is_seen_through_the_other(
        browser: Browser, two_servers: tuple[str, str, str]) -> None:
    server_a, server_b, url = two_servers
    assert server_a != server_b
    page_b = browser.new_page()
    open_account(page_b, server_b)  # B's session has read (and cached) the account before the decision
    rationale = f"Two servers {uuid.uuid4().hex[:8]}: one lead unit fits these deals"
    expect(main(page_b)).not_to_contain_text(rationale)

    page_a = browser.new_page()
    open_account(page_a, server_a)
    page_a.locator(".st-key-dec_rationale textarea").fill(rationale)
    page_a.get_by_role("button", name="Record decision").click()
    wait_for_app(page_a)
    expect(page_a.locator('[data-testid="stException"]')).to_have_count(0)
    expect(page_a.locator('[data-testid="stDataFrame"]').last).to_contain_text(rationale, timeout=TIMEOUT)

    # B's next rerun, in the same session (no reload, no new session): Streamlit's rerun key.
    page_b.evaluate("document.activeElement && document.activeElement.blur()")  # the key goes to the app
    page_b.keyboard.press("r")
    wait_for_app(page_b)
    expect(page_b.locator('[data-testid="stDataFrame"]').last).to_contain_text(rationale, timeout=TIMEOUT)
    expect(page_b.locator('[data-testid="stException"]')).to_have_count(0)

    # One decision, in the one database, whichever server is asked.
    store = Store(url, workspace="demo")
    try:
        assert store.decisions(ACCOUNT)["rationale"].tolist().count(rationale) == 1
    finally:
        store.dispose()
