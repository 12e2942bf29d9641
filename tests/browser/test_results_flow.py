"""Real browser: a Salesforce export imported on the Import page as of a quarter ago, the same export imported again
today with some deals won since, and the gain read on the Results page."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pandas as pd
from conftest import ROOT, App, shot, view_as, wait_for_app  # tests/browser/conftest.py (rootdir-relative, no package)
from playwright.sync_api import Page, expect

from gtm.domain.fmt import money
from gtm.domain.permissions import ADMIN
from gtm.services import imports as importer
from gtm.storage.repository import Store

CRM = ROOT / "tests" / "fixtures" / "crm"
TIMEOUT = 60_000
WON_NOW = "Negotiation/Review"  # the deals in negotiation at the kick-off are won by the next export


def _import(page: Page, app: App, file: Path, day: date, said: str) -> None:
    """Upload ``file`` as opportunities on the Import page, dated ``day``, and import it."""
    page.goto(f"{app.url}/data?workspace=main")
    wait_for_app(page)
    page.locator(".st-key-dt_kind").get_by_text("Opportunities", exact=True).click()
    wait_for_app(page)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(file))
    wait_for_app(page)
    page.locator(".st-key-dt_read_file button").click()
    wait_for_app(page)
    # The date field is three spin buttons (year, month, day) that move on as they fill; it commits on leaving it.
    page.locator(".st-key-dt_as_of [data-type=year]").click()
    page.keyboard.type(f"{day:%Y%m%d}", delay=40)
    page.locator("h1").first.click()
    wait_for_app(page)
    page.locator(".st-key-dt_commit button").click()
    wait_for_app(page)
    expect(page.locator('[data-testid="stAlertContentSuccess"]').filter(has_text="opportunities:")).to_contain_text(
        said, timeout=TIMEOUT)


def test_a_second_export_a_quarter_later_shows_its_gain_on_the_results_page(page: Page, app_server: App,
                                                                             tmp_path: Path) -> None:
    main = Store(app_server.main_url)
    importer.commit_import(main, importer.plan_import(main, "accounts", CRM / "sf_first_hour_accounts.csv"), ADMIN)
    first = CRM / "sf_first_hour_opportunities.csv"
    export = pd.read_csv(first, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    won = export["Stage"] == WON_NOW
    gained = pd.to_numeric(export.loc[won, "Amount"].str.replace(r"[$,]", "", regex=True)).sum()
    later = export.assign(Stage=export["Stage"].where(~won, "Closed Won"),
                          **{"Probability (%)": export["Probability (%)"].where(~won, "100"),
                             "Close Date": export["Close Date"].where(
                                 ~won, f"{date.today() - timedelta(days=30):%d/%m/%Y}")})
    second = tmp_path / "sf_first_hour_opportunities_a_quarter_later.csv"
    later.to_csv(second, index=False, encoding="utf-8-sig")

    page.goto(f"{app_server.url}/data?workspace=main")
    wait_for_app(page)
    view_as(page, app_server, "facilitator", "Sam Steward")
    _import(page, app_server, first, date.today() - timedelta(days=91), f"opportunities: {len(export)} added")
    _import(page, app_server, second, date.today(), f"0 added, {len(export)} updated")

    page.goto(f"{app_server.url}/results?workspace=main")
    wait_for_app(page)
    area = page.locator('[data-testid="stMain"]')
    expect(area).to_contain_text("The first import, of the export of", timeout=TIMEOUT)
    metric = area.locator('[data-testid="stMetric"]').filter(has_text="Won since the baseline")
    expect(metric.locator('[data-testid="stMetricValue"]')).to_have_text(money(gained), timeout=TIMEOUT)
    expect(area).to_contain_text(f"{money(gained)} of won value gained in 91 days")
    expect(area).to_contain_text("No target is set for these accounts")  # no focus list: every account, no pace
    expect(page.locator(".st-key-rs_chart")).to_be_visible()
    shot(page, "results-after-two-imports")
    main.dispose()
