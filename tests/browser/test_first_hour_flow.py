"""Real browser: the first hour with a Salesforce export. The preview shows each stage as read (open, won or lost)
and counts what the import will diagnose; after the import the Portfolio leaves the lost deals out and says so."""

from __future__ import annotations

import pandas as pd
from conftest import ROOT, App, shot, view_as, wait_for_app  # tests/browser/conftest.py (rootdir-relative, no package)
from playwright.sync_api import Page, expect

from gtm.domain.permissions import ADMIN
from gtm.services import imports as importer
from gtm.storage.repository import Store

CRM = ROOT / "tests" / "fixtures" / "crm"
TIMEOUT = 30_000


def test_the_stages_are_read_before_the_import_and_lost_deals_are_left_out_after(page: Page, app_server: App) -> None:
    main = Store(app_server.main_url)
    importer.commit_import(main, importer.plan_import(main, "accounts", CRM / "sf_first_hour_accounts.csv"), ADMIN)
    stages = pd.read_csv(CRM / "sf_first_hour_opportunities.csv", encoding="utf-8-sig")["Stage"].value_counts()
    page.goto(f"{app_server.url}/data?workspace=main")
    wait_for_app(page)
    view_as(page, app_server, "facilitator", "Sam Steward")
    page.locator(".st-key-dt_kind").get_by_text("Opportunities", exact=True).click()
    wait_for_app(page)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        str(CRM / "sf_first_hour_opportunities.csv"))
    wait_for_app(page)
    page.locator(".st-key-dt_read_file button").click()
    wait_for_app(page)
    area = page.locator('[data-testid="stMain"]')
    expect(area).to_contain_text("Open, won or lost: each stage as read", timeout=TIMEOUT)
    expect(area).to_contain_text(f"{stages['Closed Lost']:,} lost")
    expect(area).to_contain_text(f"of the {stages.sum():,} opportunities imported, 0 are diagnosed")
    editor = page.locator(".st-key-dt_stages_editor")
    expect(editor).to_contain_text("Closed Lost")
    expect(editor).to_contain_text("a word of the stage")
    editor.scroll_into_view_if_needed()
    shot(page, "first-hour-stages")

    page.locator(".st-key-dt_commit button").click()
    wait_for_app(page)
    expect(page.locator('[data-testid="stAlertContentSuccess"]').filter(
        has_text=f"opportunities: {stages.sum()} added")).to_be_visible(timeout=TIMEOUT)
    page.goto(f"{app_server.url}/portfolio?workspace=main")  # main is not set up yet: its root opens Start
    wait_for_app(page)
    area = page.locator('[data-testid="stMain"]')
    expect(area).to_contain_text(f"{stages['Closed Lost']:,} lost deals", timeout=TIMEOUT)
    expect(area).to_contain_text("left out of the figures, fits and recommendations")
    opportunities = area.locator('[data-testid="stMetric"]').filter(has_text="Opportunities")
    expect(opportunities.locator('[data-testid="stMetricValue"]')).to_have_text(
        f"{stages.sum() - stages['Closed Lost']:,}")
    shot(page, "first-hour-portfolio")
    main.dispose()
