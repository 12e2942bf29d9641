"""Real-browser flows on the Diagnose page: import a name-keyed CRM export and map its product families (coverage
rises), answer the questionnaire and apply it, override a nature; screenshots at 1280x720 and 1920x1080."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from conftest import ROOT, App, shot, view_as, wait_for_app  # tests/browser/conftest.py (rootdir-relative, no package)
from playwright.sync_api import Locator, Page, expect

from gtm.services import diagnosis
from gtm.storage.repository import Store

FIXTURES = ROOT / "tests" / "fixtures"
TIMEOUT = 30_000


def open_page(page: Page, app: App, path: str = "", workspace: str = "demo") -> None:
    page.goto(f"{app.url}/{path}{'&' if '?' in path else '?'}workspace={workspace}")
    wait_for_app(page)




def tab(page: Page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    wait_for_app(page)


def metric(scope: Page | Locator, label: str) -> Locator:
    return scope.locator('[data-testid="stMetric"]').filter(has_text=label).locator('[data-testid="stMetricValue"]')


def percent(locator: Locator) -> float:
    return float(locator.inner_text().strip().rstrip("%"))


def no_exception(page: Page) -> None:
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def import_file(page: Page, app: App, kind_label: str, path: Path) -> None:
    """Upload a file on the Data page, skip the invalid rows, import (a new session: say who you are again)."""
    open_page(page, app, "data")
    view_as(page, app, "sales_leader", "Dana Reyes")
    page.locator(".st-key-dt_kind").get_by_text(kind_label, exact=True).click()
    wait_for_app(page)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(str(path))
    wait_for_app(page)
    page.locator(".st-key-dt_read_file button").click()  # an upload is read only when asked
    wait_for_app(page)
    page.locator(".st-key-dt_mode").get_by_text("Skip invalid rows", exact=True).click()
    wait_for_app(page)
    page.locator(".st-key-dt_commit button").click()
    wait_for_app(page)
    expect(page.locator('[data-testid="stAlertContentSuccess"]')).to_be_visible(timeout=TIMEOUT)
    no_exception(page)


def test_import_a_name_keyed_export_then_map_families_and_coverage_rises(page: Page, app_server: App) -> None:
    open_page(page, app_server, "diagnose")
    start = percent(metric(page, "Coverage").first)

    import_file(page, app_server, "Accounts", FIXTURES / "crm" / "sf_accounts_by_name_fixed.csv")
    import_file(page, app_server, "Opportunities", FIXTURES / "diagnose" / "opportunities_by_name.csv")
    # Imports go to main, and the app shows main from then on
    opps = Store(app_server.main_url).opportunities().set_index("opportunity_id")
    assert "DG-0001" in opps.index and "DG-0006" not in opps.index  # Fabrikam Inc is no known account

    page.get_by_role("link", name="Diagnose").first.click()
    wait_for_app(page)
    imported = percent(metric(page, "Coverage").first)
    assert imported < start  # $545M of new opportunities nothing diagnoses yet

    tab(page, "Product families")
    panel = page.locator('[role="tabpanel"]:visible')
    expect(panel).to_contain_text("Product family → nature")
    uploader = page.locator(f".st-key-dg_{diagnosis.FAMILY_NATURE}_csv_0 input[type='file']")
    uploader.set_input_files(str(FIXTURES / "diagnose" / "family_nature.csv"))
    wait_for_app(page)
    page.locator(f".st-key-dg_{diagnosis.FAMILY_NATURE}_csv_0__read_button button").click()  # read when asked
    wait_for_app(page)
    no_exception(page)
    expect(panel).to_contain_text("Loaded from the CSV", timeout=TIMEOUT)
    coverage = metric(panel, "Coverage")
    expect(coverage).not_to_have_text(f"{imported:.1f}%", timeout=TIMEOUT)
    assert percent(coverage) > imported
    expect(panel).to_contain_text("change nature")
    page.set_viewport_size({"width": 1280, "height": 720})
    wait_for_app(page)
    shot(page, "diagnose-families-1280")

    version = f"Families {uuid.uuid4().hex[:6]}"
    name_box = page.locator(f".st-key-dg_{diagnosis.FAMILY_NATURE}_name input")
    name_box.fill(version)
    name_box.press("Enter")
    wait_for_app(page)
    page.locator(f".st-key-dg_{diagnosis.FAMILY_NATURE}_save button").click()
    wait_for_app(page)
    no_exception(page)
    saved = Store(app_server.main_url).rule_version(diagnosis.FAMILY_NATURE)
    assert saved is not None and saved[0] == version
    resolved = diagnosis.diagnosed_opportunities(Store(app_server.main_url)).set_index("opportunity_id")
    assert resolved.loc["DG-0001", "nature"] == "turnkey"
    assert resolved.loc["DG-0002", "nature"] == "cross_sell"
    page.set_viewport_size({"width": 1440, "height": 1000})


def test_answer_the_questionnaire_and_apply_it(page: Page, app_server: App) -> None:
    open_page(page, app_server, "diagnose")
    view_as(page, app_server, "sales_leader", "Quinn Questioner")
    tab(page, "Questionnaire")
    result = page.locator(".st-key-dg_q_result")
    expect(result).to_contain_text("Not yet diagnosed")
    page.locator(".st-key-dg_q_engineered_solution").get_by_text("yes", exact=True).click()
    wait_for_app(page)
    expect(result).to_contain_text("Unique technical solutions", timeout=TIMEOUT)
    expect(result).to_contain_text("engineered-solution")
    panel = page.locator('[role="tabpanel"]:visible')
    expect(panel).to_contain_text(re.compile(r"Realistic|overkill|insufficient", re.I))
    chosen = page.locator(".st-key-dg_q_opp input").input_value()
    for size, name in (((1280, 720), "diagnose-questionnaire-1280"), ((1920, 1080), "diagnose-questionnaire-1920")):
        page.set_viewport_size({"width": size[0], "height": size[1]})
        wait_for_app(page)
        shot(page, name)
    page.locator(".st-key-dg_q_apply button").click()
    wait_for_app(page)
    no_exception(page)
    overrides = Store(app_server.db_url).nature_overrides()
    last = overrides.iloc[-1]
    assert last["nature"] == "technical_solution"
    assert last["author"] == "Quinn Questioner"
    assert last["reason"] == "Questionnaire: The customer needs a unique, engineered technical solution."
    assert last["opportunity_id"] in chosen
    page.set_viewport_size({"width": 1440, "height": 1000})


def test_override_a_nature_and_see_it_in_the_history(page: Page, app_server: App) -> None:
    open_page(page, app_server, "diagnose")
    view_as(page, app_server, "sales_leader", "Olga Override")
    tab(page, "To-do and overrides")
    panel = page.locator('[role="tabpanel"]:visible')
    expect(panel).to_contain_text("Not yet diagnosed:")
    box = page.locator(".st-key-dg_ov_nature input")
    box.click()
    box.fill("Cross-sell")
    page.get_by_role("option", name="Cross-sell / referral", exact=True).click()
    reason = f"Browser test {uuid.uuid4().hex[:6]}: the buyer asked for both BUs"
    page.locator(".st-key-dg_ov_reason textarea").fill(reason)
    page.locator(".st-key-dg_ov_save button").click()
    wait_for_app(page)
    no_exception(page)
    expect(panel.locator('[data-testid="stDataFrame"]').last).to_contain_text(reason, timeout=TIMEOUT)
    expect(panel).to_contain_text("(person)")
    overrides = Store(app_server.db_url).nature_overrides()
    assert overrides.iloc[-1]["reason"] == reason and overrides.iloc[-1]["nature"] == "cross_sell"
    for size, name in (((1280, 720), "diagnose-overrides-1280"), ((1920, 1080), "diagnose-overrides-1920")):
        page.set_viewport_size({"width": size[0], "height": size[1]})
        wait_for_app(page)
        shot(page, name)
    tab(page, "Rules")
    for size, name in (((1280, 720), "diagnose-rules-1280"), ((1920, 1080), "diagnose-rules-1920")):
        page.set_viewport_size({"width": size[0], "height": size[1]})
        wait_for_app(page)
        shot(page, name)
