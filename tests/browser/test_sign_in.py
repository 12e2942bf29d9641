"""Sign-in end to end: a real OpenID Connect provider (oidc-provider-mock) on loopback, the app configured with an
[auth] secrets section, Chromium signing in through the provider's login form. The role comes from the store."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator

import pytest
from conftest import ROOT, _free_port, shot, streamlit_server, wait_for_app  # tests/browser/conftest.py
from oidc_provider_mock import run_server_in_thread
from playwright.sync_api import Browser, Page, expect

FACILITATOR = "fay.chen@example.com"


@pytest.fixture(scope="module")
def oidc_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app, signing in through a mock OpenID Connect provider; Fay Chen added as facilitator by `users add`."""
    tmp = tmp_path_factory.mktemp("oidc")
    db_url = f"sqlite:///{tmp / 'signin.db'}"
    subprocess.run([sys.executable, "-m", "gtm", "users", "add", FACILITATOR.upper(), "--role", "facilitator",
                    "--name", "Fay Chen", "--database", db_url], cwd=ROOT, check=True, capture_output=True)
    port = _free_port()
    with run_server_in_thread(port=_free_port()) as provider:
        # Streamlit reads .streamlit/secrets.toml under the working directory: the app runs from a folder of its own.
        config = tmp / "run" / ".streamlit"
        config.mkdir(parents=True)
        shutil.copy(ROOT / ".streamlit" / "config.toml", config / "config.toml")
        (config / "secrets.toml").write_text(
            "[auth]\n"
            f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
            'cookie_secret = "a-test-cookie-secret-of-enough-length"\n'
            'client_id = "gtm-fit-test"\n'
            'client_secret = "gtm-fit-test-secret"\n'
            f'server_metadata_url = "http://127.0.0.1:{provider.server_port}/.well-known/openid-configuration"\n')
        env = {**os.environ, "GTM_DATABASE_URL": db_url, "GTM_SEED_DEMO": "1"}
        env.pop("GTM_AUTH_HEADER", None)
        with streamlit_server(env, config.parent, tmp / "streamlit.log", port) as base:
            yield base


def sign_in(page: Page, base: str, email: str) -> None:
    """Open the app, click "Sign in", type the email on the provider's form and authorize."""
    page.goto(base)
    wait_for_app(page)
    expect(page.get_by_text("Local single-user mode")).to_have_count(0)
    page.locator(".st-key-au_sign_in button").click()
    page.locator("input[name=sub]").fill(email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{base}/**")
    wait_for_app(page)


def test_a_facilitator_signs_in_and_may_edit_the_matrix(oidc_app: str, page: Page) -> None:
    sign_in(page, oidc_app, FACILITATOR)
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar.get_by_text("Fay Chen")).to_be_visible()
    expect(sidebar.get_by_text("Workshop facilitator")).to_be_visible()
    expect(sidebar.get_by_text(FACILITATOR)).to_be_visible()
    page.goto(f"{oidc_app}/matrix")
    wait_for_app(page)
    expect(page.locator(".st-key-mx_save button")).to_be_visible()
    shot(page, "sign-in-facilitator-matrix")
    page.reload()  # the identity cookie keeps them signed in
    wait_for_app(page)
    expect(page.locator('[data-testid="stSidebar"]').get_by_text("Workshop facilitator")).to_be_visible()


def test_an_email_unknown_to_the_store_sees_the_viewer_view(oidc_app: str, browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    try:
        sign_in(page, oidc_app, "stranger@example.com")
        sidebar = page.locator('[data-testid="stSidebar"]')
        expect(sidebar.get_by_text("Viewer", exact=False).first).to_be_visible()
        expect(sidebar.get_by_text("is not registered")).to_be_visible()
        expect(page.get_by_role("link", name="Admin")).to_have_count(0)
        page.goto(f"{oidc_app}/matrix")
        wait_for_app(page)
        expect(page.get_by_text("Saving, switching and resetting the matrix is for")).to_be_visible()
        expect(page.locator(".st-key-mx_save")).to_have_count(0)
        shot(page, "sign-in-viewer-matrix")
    finally:
        context.close()
