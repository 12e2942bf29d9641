"""Real-browser flows: what a sales leader, a facilitator and a data steward do in front of the room.

Each test opens its own browser page (its own Streamlit session) against the module's running app and
its temporary database. Tests that change shared data (matrix, imports) measure their own "before".
"""

from __future__ import annotations

import re
import tomllib
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from conftest import ROOT, App, shot, view_as, wait_for_app  # tests/browser/conftest.py (rootdir-relative, no package)
from playwright.sync_api import Locator, Page, expect

from gtm.domain.permissions import ADMIN, Actor, Role
from gtm.services import currency
from gtm.services import imports as importer
from gtm.storage.repository import Store

DATA = Path(__file__).parent / "data"
TIMEOUT = 30_000
XSS_NAME = "<img src=x onerror=alert(1)>"

PAGES = [
    ("", "Portfolio", "portfolio"),  # the demo is set up: its root opens the Portfolio page
    ("start", "Start", "start"),
    ("account", "Account", "account"),
    ("diagnose", "Diagnose", "diagnose"),
    ("review", "Review", "review"),
    ("matrix", "Matrix", "matrix"),
    ("data", "Import", "data"),
    ("exports", "Exports & hand-out", "exports"),
]


# ---------------------------------------------------------------- helpers


def open_page(page: Page, app: App, path: str = "", workspace: str = "demo") -> None:
    """Load a page of the app in a workspace and wait until its script has finished."""
    page.goto(f"{app.url}/{path}{'&' if '?' in path else '?'}workspace={workspace}")
    wait_for_app(page)


def expect_no_exception(page: Page) -> None:
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def title(page: Page) -> Locator:
    return page.locator('[data-testid="stMain"] h1')






def metric(scope: Page | Locator, label: str) -> Locator:
    """The value of the metric whose label contains ``label``."""
    return scope.locator('[data-testid="stMetric"]').filter(has_text=label).locator('[data-testid="stMetricValue"]')


def count_of(text: str) -> int:
    """A metric's shown count ("2,620") as a number."""
    return int(re.sub(r"[^\d]", "", text))


def count(value: Locator) -> int:
    return count_of(value.inner_text())


def sidebar_matrix_name(page: Page) -> Locator:
    """The bold active matrix name under 'Active matrix' in the sidebar."""
    return page.locator('[data-testid="stSidebar"] [data-testid="stMarkdown"] strong').first


def dataframes(page: Page) -> Locator:
    """The st.dataframe grids of the main area. The grid draws on a canvas and mirrors its visible cells in an
    accessible table, which is what text assertions read. (A keyed st.dataframe gets no st-key class.)"""
    return page.locator('[data-testid="stMain"] [data-testid="stDataFrame"]')


# ---------------------------------------------------------------- 1. every page opens


@pytest.mark.parametrize(("path", "heading", "name"), PAGES, ids=[p[2] for p in PAGES])
def test_every_page_opens_without_an_exception(page: Page, app_server: App, path: str, heading: str, name: str) -> None:
    open_page(page, app_server, path)
    expect(title(page)).to_have_text(heading, timeout=TIMEOUT)
    expect_no_exception(page)
    expect(page.locator('[data-testid="stSidebar"]')).to_contain_text("Active matrix")
    expect(page).to_have_title(re.compile(rf"{heading} · GTM Fit$"))  # the tab names the page
    shot(page, name)


# ---------------------------------------------------------------- 2. decision from a portfolio link


def test_open_account_from_portfolio_and_record_a_decision(page: Page, app_server: App) -> None:
    open_page(page, app_server)
    expect(page.get_by_role("heading", name="Biggest misfits")).to_be_visible(timeout=TIMEOUT)
    link = page.locator('[data-testid="stPageLink-NavLink"]').filter(has_text=re.compile(r"\S")).first
    expect(link).to_be_visible()
    account_name = link.locator('[data-testid="stMarkdownContainer"]').inner_text().strip()
    href = link.get_attribute("href") or ""
    found = re.search(r"account=([^&]+)", href)
    assert found, f"page link has no account id: {href!r}"
    account_id = found.group(1)

    link.click()
    expect(page).to_have_url(re.compile(rf"/account\?workspace=demo&account={re.escape(account_id)}$"), timeout=TIMEOUT)
    wait_for_app(page)
    expect(title(page)).to_have_text("Account")
    expect(page.get_by_role("heading", name=account_name, exact=True)).to_be_visible(timeout=TIMEOUT)
    expect(page).to_have_title(f"{account_name} · Account · GTM Fit")  # the tab names the account

    author = "Dana Reyes"
    view_as(page, app_server, "facilitator", author)
    rationale = f"Browser test {uuid.uuid4().hex[:8]}: one lead unit fits these deals"
    page.locator(".st-key-dec_rationale textarea").fill(rationale)
    page.get_by_role("button", name="Record decision").click()
    wait_for_app(page)
    expect_no_exception(page)
    expect(page.locator('[data-testid="stAlertContentError"]')).to_have_count(0)

    expect(page.get_by_role("heading", name="Decision history")).to_be_visible()
    history = dataframes(page).last  # the page ends with the decision history
    expect(history).to_contain_text(rationale, timeout=TIMEOUT)
    expect(history).to_contain_text(author)
    shot(page, "account-decision")

    page.reload()
    wait_for_app(page)
    expect(page).to_have_url(re.compile(rf"[?&]account={re.escape(account_id)}(&|$)"))
    expect(page.get_by_role("heading", name=account_name, exact=True)).to_be_visible(timeout=TIMEOUT)
    expect(dataframes(page).last).to_contain_text(rationale, timeout=TIMEOUT)

    # And it is in the database, with who recorded it.
    stored = Store(app_server.db_url).decisions(account_id)
    assert rationale in stored["rationale"].tolist()
    assert author in stored["author"].tolist()


# ---------------------------------------------------------------- 3. edit the matrix live, save, see the portfolio move


def test_facilitator_moves_a_band_saves_it_and_the_portfolio_changes(page: Page, app_server: App) -> None:
    open_page(page, app_server)
    portfolio_before = metric(page, "Insufficient").inner_text()

    open_page(page, app_server, "matrix")
    view_as(page, app_server, "facilitator", "Fran Facilitator")
    insufficient = metric(page, "Likely insufficient")
    before = insufficient.inner_text()
    expect(page.get_by_role("heading", name="What this edit changes")).to_have_count(0)

    band = page.locator(".st-key-mx_band_qualification")
    expect(band).to_contain_text("2 Coordinated incentives")
    low = band.get_by_role("slider").first
    low.focus()
    low.press("ArrowLeft")
    wait_for_app(page)
    expect(band.get_by_role("slider").first).to_have_attribute("aria-valuetext", re.compile("Traditional"),
                                                              timeout=TIMEOUT)
    expect(page.get_by_role("heading", name="What this edit changes")).to_be_visible(timeout=TIMEOUT)
    expect(insufficient).not_to_have_text(before, timeout=TIMEOUT)
    # A lighter approach now counts as realistic for qualification deals: fewer are judged insufficient.
    assert count(insufficient) < count_of(before), (before, insufficient.inner_text())
    shot(page, "matrix-edited")

    version = f"Workshop {uuid.uuid4().hex[:6]}"
    page.locator(".st-key-mx_name input").fill(version)
    page.locator(".st-key-mx_name input").press("Tab")
    wait_for_app(page)
    page.locator(".st-key-mx_save button").click()
    wait_for_app(page)
    expect_no_exception(page)
    expect(sidebar_matrix_name(page)).to_have_text(version, timeout=TIMEOUT)
    assert Store(app_server.db_url).active_matrix().name == version

    page.get_by_role("link", name="Portfolio").first.click()
    wait_for_app(page)
    expect(title(page)).to_have_text("Portfolio", timeout=TIMEOUT)
    expect(page.locator('[data-testid="stMain"]')).to_contain_text(version)
    portfolio_after = metric(page, "Insufficient")
    expect(portfolio_after).not_to_have_text(portfolio_before, timeout=TIMEOUT)
    assert count(portfolio_after) < count_of(portfolio_before)


# ---------------------------------------------------------------- 4. messy CSV upload, skip invalid, import


def test_messy_salesforce_csv_upload_reports_problems_and_imports_the_valid_rows(page: Page, app_server: App) -> None:
    csv = DATA / "opportunities_messy_cp1252.csv"
    # Imports go to main: it holds the accounts the file refers to (the demo's), and being in euros the file needs
    # main's EUR rate first (main reports in US dollars), or it is refused whole.
    main = Store(app_server.main_url)
    accounts = importer.plan_import(main, "accounts", ROOT / "data" / "demo" / "accounts.csv")
    importer.commit_import(main, accounts, ADMIN)
    currency.set_exchange_rates(main, ADMIN, [{"currency": "EUR", "rate": 1.1}])
    open_page(page, app_server, "data")
    view_as(page, app_server, "facilitator", "Sam Steward")
    page.locator(".st-key-dt_kind").get_by_text("Opportunities", exact=True).click()
    wait_for_app(page)

    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(csv))
    wait_for_app(page)
    page.locator(".st-key-dt_read_file button").click()  # an upload is read only when asked
    wait_for_app(page)
    main = page.locator('[data-testid="stMain"]')
    expect(main).to_contain_text("cp1252", timeout=TIMEOUT)
    expect(main).to_contain_text("7 rows read, 3 valid, 4 rejected")
    expect(page.locator('[data-testid="stAlertContentWarning"]').filter(has_text="problems in")).to_contain_text(
        "4 problems in 4 rows")  # the other warning: local single-user mode's banner
    problems = dataframes(page).filter(has_text="Synergy wizardry")  # beside the preview and exchange-rate grids
    expect(problems).to_have_count(1)
    for value in ("ACC-9999", "-300,00 €", "150", "Synergy wizardry"):
        expect(problems).to_contain_text(value)
    shot(page, "data-problems")

    import_button = page.locator(".st-key-dt_commit button")
    expect(import_button).to_be_disabled()  # all or nothing refuses a file with problems
    page.locator(".st-key-dt_mode").get_by_text("Skip invalid rows", exact=True).click()
    wait_for_app(page)
    expect(import_button).to_be_enabled()
    import_button.click()
    wait_for_app(page)
    expect(page.locator('[data-testid="stAlertContentSuccess"]').filter(
        has_text="opportunities: 3 added, 0 updated, 4 rejected")).to_be_visible(timeout=TIMEOUT)
    expect_no_exception(page)
    shot(page, "data-imported")

    opps = Store(app_server.main_url).opportunities().set_index("opportunity_id")
    for good in ("OPP-BRW-001", "OPP-BRW-002", "OPP-BRW-003"):
        assert good in opps.index
    for bad in ("OPP-BRW-004", "OPP-BRW-005", "OPP-BRW-006", "OPP-BRW-007"):
        assert bad not in opps.index
    assert opps.at["OPP-BRW-001", "value"] == pytest.approx(1234.50)
    assert opps.at["OPP-BRW-001", "account_id"] == "ACC-0001"
    assert opps.at["OPP-BRW-001", "name"] == "Café expansion – phase 1"
    assert opps.at["OPP-BRW-002", "nature"] == "cross_sell"


# ---------------------------------------------------------------- 5. a hostile account name is plain text


def test_html_in_an_account_name_shows_as_text(page: Page, app_server: App) -> None:
    store = Store(app_server.db_url)
    account_id = f"ACC-XSS-{uuid.uuid4().hex[:6]}"
    body = f'account_id,name,industry\n{account_id},"{XSS_NAME}",Security\n'.encode()
    plan = importer.plan_import(store, "accounts", body, name="xss.csv")
    assert plan.ok, plan.problems_frame()
    importer.commit_import(store, plan, Actor("browser test", Role.SALES_LEADER))

    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_page(page, app_server, f"account?account={account_id}")
    expect(page.get_by_role("heading", name=XSS_NAME, exact=True)).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text(XSS_NAME, exact=True).first).to_be_visible()
    expect(page.locator('img[src="x"]')).to_have_count(0)
    expect_no_exception(page)
    page.wait_for_timeout(500)  # give a stray onerror handler the chance to fire
    assert dialogs == []
    shot(page, "account-xss")


# ---------------------------------------------------------------- XSRF stays on


def test_xsrf_protection_is_on(page: Page, app_server: App) -> None:
    config = ROOT / ".streamlit" / "config.toml"
    if config.exists():
        server = tomllib.loads(config.read_text(encoding="utf-8")).get("server", {})
        assert server.get("enableXsrfProtection", True) is True, "config.toml must not disable XSRF protection"

    with urllib.request.urlopen(f"{app_server.url}/_stcore/health", timeout=10) as r:
        assert r.status == 200

    # The browser session receives the XSRF cookie that uploads must echo ...
    open_page(page, app_server, "data")
    assert any(c["name"] == "_streamlit_xsrf" for c in page.context.cookies()), page.context.cookies()

    # ... and an upload without it is refused by the server before anything else is looked at.
    request = urllib.request.Request(f"{app_server.url}/_stcore/upload_file/session/file", data=b"x", method="PUT")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 403
    assert "xsrf" in refused.value.read().decode(errors="replace").lower()


# ---------------------------------------------------------------- the tables' own CSV download is off


def test_no_table_offers_its_own_unsafe_csv_download(page: Page, app_server: App) -> None:
    """Streamlit's table toolbar wrote '=HYPERLINK(...)' raw into its CSV; the app's own exports neutralise it."""
    open_page(page, app_server, "diagnose")
    grid = page.locator('[data-testid="stDataFrame"]:visible').first
    expect(grid).to_be_visible(timeout=TIMEOUT)
    grid.hover()
    page.wait_for_timeout(300)
    toolbar = page.locator('[data-testid="stElementToolbar"]').first
    expect(toolbar).to_be_attached(timeout=TIMEOUT)  # the toolbar is there (search, fullscreen) ...
    expect(page.get_by_role("button", name="Download as CSV")).to_have_count(0)  # ... without the download
    shot(page, "table-toolbar-without-download")
