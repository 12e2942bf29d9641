"""Real browser, 1280x720: the whole first hour with a Salesforce-style export, as a new user with no command line.

From an empty main workspace: open the app and find Start; import the accounts, then the opportunities (each stage
read as open, won or lost before anything is written), seeing what comes next; map the product families to BUs and
to natures in the Diagnose page's grids (the preview follows; the Account page then says each nature was found by the
mapping); set the current structures at once; record a decision; add the head of both BUs, who approves it once on
Review (a verdict for each BU); and Start's checklist is complete. The steps are scripts/first_hour.py's, which also
prints what they took; here the store is checked between them. Screenshots: test-artifacts/first-hour-*.png.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from conftest import ARTIFACTS, ROOT, streamlit_server  # tests/browser/conftest.py (rootdir-relative, no package)
from playwright.sync_api import Page

from gtm.domain.vocabulary import NATURES as NATURE_TERMS
from gtm.services import diagnosis
from gtm.storage.repository import Store

sys.path.insert(0, str(ROOT / "scripts"))

from first_hour import (  # scripts/first_hour.py: the steps, and what each took
    ACCOUNTS,
    BU_HEAD,
    BUS,
    BUS_VERSION,
    NATURES,
    NATURES_VERSION,
    OPPORTUNITIES,
    RATIONALE,
    VIEWPORT,
    FirstHour,
    Recorder,
    free_port,
    report,
)


@dataclass(frozen=True)
class Server:
    url: str
    main_url: str
    timing_log: Path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """This module's own app: a fresh SQLite file whose main workspace is empty (the demo seeded, without its
    workshop), the server's page runs logged (GTM_TIMING_LOG)."""
    tmp = tmp_path_factory.mktemp("first-hour")
    db_url = f"sqlite:///{tmp / 'first-hour.db'}"
    timing_log = tmp / "timing.jsonl"
    env = {**os.environ, "GTM_DATABASE_URL": db_url, "GTM_SEED_DEMO": "1", "GTM_DEMO_WORKSHOP": "0",
           "GTM_TIMING_LOG": str(timing_log)}
    log = tmp / "streamlit.log"
    try:
        with streamlit_server(env, ROOT, log, free_port()) as url:
            yield Server(url, db_url, timing_log)
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        if log.exists():
            (ARTIFACTS / "streamlit-first-hour.log").write_bytes(log.read_bytes())


def _file(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, encoding="utf-8-sig")


def test_the_first_hour_from_raw_files_to_a_reviewed_decision(page: Page, server: Server) -> None:
    page.set_viewport_size(VIEWPORT)
    main = Store(server.main_url)
    rec = Recorder(page, server.timing_log)
    hour = FirstHour(page, rec, server.url, ARTIFACTS)
    assert main.is_empty()

    hour.open_app()
    hour.import_accounts()
    accounts = main.accounts().set_index("account_id")
    assert len(accounts) == len(_file(ACCOUNTS))
    assert accounts.loc["name:acme corporation emea", "parent_id"] == "name:acme corporation"  # parents by name

    hour.import_opportunities()
    stored = main.opportunities()
    stages = _file(OPPORTUNITIES)["Stage"].value_counts()
    assert len(stored) == stages.sum()
    assert (stored["outcome"] == "lost").sum() == stages["Closed Lost"]
    assert (stored["outcome"] == "won").sum() == stages["Closed Won"]
    assert stored["bu"].isna().all() and stored["nature"].isna().all()  # the file says neither

    hour.map_bus()
    assert main.rule_version(diagnosis.FAMILY_BU) == (BUS_VERSION, {"rows": [
        {"product_family": family, "bu": bu} for family, bu in BUS.items()]})
    assert sorted(main.business_units()["name"]) == sorted(set(BUS.values()))  # created by the mapping's save

    hour.map_natures()
    codes = {t.label: t.code for t in NATURE_TERMS.terms}
    assert main.rule_version(diagnosis.FAMILY_NATURE) == (NATURES_VERSION, {"rows": [
        {"product_family": family, "nature": codes[NATURES[family]]} for family in BUS]})
    resolved = diagnosis.diagnosed_opportunities(main)
    assert (resolved["nature_source"] == "mapping").all()  # the mapping decides before any rule
    assert (resolved["nature"] == resolved["product_family"].map(lambda f: codes[NATURES[f]])).all()
    assert (resolved["bu"] == resolved["product_family"].map(BUS)).all()

    hour.see_what_is_next()
    hour.set_structures()
    assert (main.accounts()["current_approach"] == "traditional_sales").all()

    hour.decide()
    (decision,) = main.decisions().itertuples()
    assert decision.account_name == hour.decided and decision.rationale == RATIONALE
    assert decision.approach == decision.recommended_approach  # the recommendation, starred, kept
    assert decision.approvals == "Automation awaiting · Energy awaiting"  # both BUs have value there

    hour.add_bu_head()
    assert main.user(str(BU_HEAD["email"]))["bus"] == list(BU_HEAD["bus"])

    hour.approve_as_bu_head()
    reviews = main.reviews(decision.decision_id)
    assert sorted(reviews["bu"]) == ["Automation", "Energy"]  # one click, a verdict for each BU
    assert set(reviews["verdict"]) == {"approved"} and set(reviews["reviewer"]) == {BU_HEAD["name"]}
    (reviewed,) = main.decisions().itertuples()
    assert reviewed.review_status == "approved" and reviewed.approvals == "Automation ✓ · Energy ✓"

    hour.checklist_complete()
    print(report(rec.steps))
    assert all(step.page_runs for step in rec.steps)  # the server's time is measured at every step
    assert not [step.errors for step in rec.steps if step.errors]
    main.dispose()
