"""Exports read like the page that shows the same table: its headers, its words for codes and fits, whole ids,
numbers as numbers, timestamps with their zone, formulas neutralised; in CSV (',' and ';') and XLSX."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from gtm.domain.permissions import ADMIN
from gtm.domain.vocabulary import APPROACHES, FITS, NATURES
from gtm.export import charts, headers, tables
from gtm.services import decisions, diagnosis
from gtm.services import portfolio as portfolio_service
from gtm.services.currency import reporting_currency
from gtm.services.demo import seed_demo
from gtm.storage.engine import workspace_url
from gtm.storage.repository import Store

ROOT = Path(__file__).resolve().parents[2]
ISO_WITH_ZONE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$")
FIT_WORDS = {charts.fit_badge(f) for f in FITS.codes} | {charts.fit_badge(None)}
FORMULA = '=HYPERLINK("http://evil.example","click")'


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, dict[str, pd.DataFrame]]:
    """The demo portfolio with one decision whose rationale looks like a formula, and a review of it."""
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('exports') / 'demo.db'}", workspace="demo")
    seed_demo(store)
    account = str(store.accounts()["account_id"].iloc[0])
    decided = decisions.record_decision(store, ADMIN, account, "lead_unit", FORMULA)
    decisions.review_decision(store, ADMIN, decided, "challenged", "not convinced")
    return store, {what: portfolio_service.export_frame(store, what) for what in portfolio_service.EXPORTS}


def _csv(data: bytes, sep: str) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read accents and symbols as UTF-8"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=sep))


def _expected_headers(what: str, frame: pd.DataFrame, currency: str) -> list[str]:
    table = headers.EXPORTS[what]
    prepared = table.prepare(frame) if table.prepare else frame
    labels = headers.column_labels(table, currency)
    rest = [c for c in prepared.columns if c not in table.keys] if table.rest else []
    return [labels[k] for k in table.keys if k in prepared.columns] + rest


def test_every_column_of_an_export_has_the_pages_header(demo: tuple[Store, dict[str, pd.DataFrame]]) -> None:
    # A column added to an export without a header here would reach the spreadsheet as snake_case: say so.
    _, frames = demo
    for what, frame in frames.items():
        table = headers.EXPORTS[what]
        prepared = table.prepare(frame) if table.prepare else frame
        unnamed = [c for c in prepared.columns if c not in table.keys and not str(c).startswith(("signal: ", "crm: "))]
        assert not unnamed, f"{what}: no header for {unnamed}"
    for table in (*headers.EXPORTS.values(), headers.REVIEW, *headers.MAPPINGS.values()):
        labels = headers.column_labels(table, "EUR", bu="Drives").values()
        assert not [label for label in labels if "_" in label], table.name
        assert len(set(labels)) == len(table.columns), f"{table.name}: two columns under one header"


@pytest.mark.parametrize("sep", [",", ";"])
def test_csv_exports_have_the_pages_headers_words_and_numbers(demo: tuple[Store, dict[str, pd.DataFrame]],
                                                              sep: str) -> None:
    store, frames = demo
    currency = reporting_currency(store)
    rows = {what: _csv(tables.people_csv(frame, what, currency, sep=sep), sep) for what, frame in frames.items()}
    for what, records in rows.items():
        assert records[0] == _expected_headers(what, frames[what], currency), what
        assert {len(r) for r in records} == {len(records[0])}, f"{what}: every row splits into the header's columns"
        assert len(records) == len(frames[what]) + 1

    def column(what: str, header: str) -> list[str]:
        head = rows[what][0]
        return [r[head.index(header)] for r in rows[what][1:]]

    def number(cell: str) -> float:
        return float(cell.replace(",", ".") if sep == ";" else cell)

    assert "Account id" in rows["accounts"][0] and f"Value ({currency})" in rows["accounts"][0]
    # Vocabulary values in the page's words, never codes.
    assert set(column("accounts", "Recommended approach")) <= {*APPROACHES.labels, "none yet"}
    assert set(column("accounts", "Current approach")) <= {*APPROACHES.labels, "not set"}
    assert set(column("opportunities", "Nature")) <= {*NATURES.labels, "— not yet diagnosed"}
    assert set(column("opportunities", "Fit")) <= FIT_WORDS and len(set(column("opportunities", "Fit"))) > 1
    assert column("decisions", "What") == [APPROACHES.label("lead_unit")]
    assert column("decisions", "Role") == ["Administrator"]
    # Ids and counts whole, amounts numbers written without a trailing ".0", timestamps ISO 8601 with their zone.
    assert column("decisions", "Decision id") == ["1"] and column("decisions", "Latest review id") == ["1"]
    assert all(c.isdigit() for c in column("accounts", "Opportunities"))
    values = column("accounts", f"Value ({currency})")
    assert all(number(v) >= 0 for v in values) and not [v for v in values if v.endswith((".0", ",0"))]
    growth = [c for c in column("accounts", "Growth potential (%)") if c]
    assert any(("," if sep == ";" else ".") in c for c in growth) and all(0 <= number(c) <= 100 for c in growth)
    assert ISO_WITH_ZONE.match(column("decisions", "When")[0])
    assert [c for c in column("accounts", "Decided at") if c] and all(
        ISO_WITH_ZONE.match(c) for c in column("accounts", "Decided at") if c)
    # A formula-looking text is neutralised under the new headers too.
    assert column("decisions", "Why") == ["'" + FORMULA]


def test_the_xlsx_export_has_the_same_headers_numbers_and_dates_in_utc(
        demo: tuple[Store, dict[str, pd.DataFrame]], tmp_path: Path) -> None:
    store, frames = demo
    currency = reporting_currency(store)
    path = tmp_path / "gtm-export.xlsx"
    path.write_bytes(tables.people_xlsx(frames, currency))
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Accounts", "Opportunities", "Decisions"]
    for what, ws in zip(frames, wb.worksheets):
        header = [c.value for c in next(ws.iter_rows(max_row=1))]
        assert header == _expected_headers(what, frames[what], currency), what
        assert not [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"]
    ws = wb["Decisions"]
    header = [c.value for c in ws[1]]
    row = {h: c for h, c in zip(header, ws[2])}
    assert row["Decision id"].value == 1 and isinstance(row["Decision id"].value, int)
    assert row["What"].value == APPROACHES.label("lead_unit") and row["Why"].value == "'" + FORMULA
    assert row["When"].is_date and '"UTC"' in row["When"].number_format  # Excel has no zones: the format says UTC
    assert abs(row["When"].value - dt.datetime.now(dt.UTC).replace(tzinfo=None)) < dt.timedelta(hours=1)
    accounts = wb["Accounts"]
    head = [c.value for c in accounts[1]]
    first = {h: c for h, c in zip(head, accounts[2])}
    assert first[f"Value ({currency})"].data_type == "n" and isinstance(first["Opportunities"].value, int)
    assert first["Current approach"].value in {*APPROACHES.labels, "not set"}


def test_the_review_export_is_the_tables_view_under_its_headers() -> None:
    view = pd.DataFrame({
        "account_id": ["A-1", "A-2"], "account_name": ["=cmd", "Beta"], "review_status": ["pending", "no decision yet"],
        "fit_badge": [charts.fit_badge("overkill"), charts.fit_badge("insufficient")],
        "value_at_stake": [334836000.0, 1500.5], "approach_label": ["Lead unit", "Market BU"],
        "your_verdict": ["awaited", ""], "link": ["/account?account=A-1", "/account?account=A-2"],
        "worst_steps": [2.0, 1.0], "judged_on": ["latest decision", "current approach"], "author": ["Dana", ""],
        "approvals": ["", ""], "review_comment": ["", ""], "decision_id": [4.0, None], "waiting": [True, False],
    })
    for european, sep in ((False, ","), (True, ";")):
        records = _csv(tables.review_csv(view, "EUR", "Drives", european=european), sep)
        assert records[0] == ["Account", "Status", "Worst fit", "Value at stake (EUR)", "Approach", "Verdict of Drives",
                              "Account id", "Steps", "Judged on", "Decided by", "BUs (each with value must approve)",
                              "Review comment"]
        first = dict(zip(records[0], records[1]))
        assert first["Account"] == "'=cmd" and first["Account id"] == "A-1" and first["Steps"] == "2"
        assert first["Value at stake (EUR)"] == "334836000" and first["Worst fit"] == "▲ Likely overkill"
        assert dict(zip(records[0], records[2]))["Value at stake (EUR)"] == ("1500,5" if european else "1500.5")


def test_the_review_export_says_which_bus_of_a_head_of_several_a_decision_waits_on() -> None:
    view = pd.DataFrame({"account_id": ["A-1"], "account_name": ["Acme"], "your_verdict": ["awaited"],
                         "waiting_on": ["BU-AUT, BU-DRV"]})
    records = _csv(tables.review_csv(view, "EUR", "Automation Systems and Drives"), ",")
    assert records[0] == ["Account", "Waiting on", "Verdict of Automation Systems and Drives", "Account id"]
    assert records[1] == ["Acme", "BU-AUT, BU-DRV", "awaited", "A-1"]


def test_the_mapping_exports_read_back_through_the_diagnose_pages_import() -> None:
    assert set(headers.MAPPINGS) == {diagnosis.FAMILY_BU, diagnosis.FAMILY_NATURE}
    rows = pd.DataFrame({"product_family": ["Drives", "=Evil"], "nature": ["turnkey", "cross_sell"]})
    data = tables.people_csv(rows, headers.MAPPINGS[diagnosis.FAMILY_NATURE], "EUR")
    records = _csv(data, ",")
    assert records == [["Product family", "Nature"], ["Drives", NATURES.label("turnkey")],
                       ["'=Evil", NATURES.label("cross_sell")]]
    back = diagnosis.parse_mapping_csv(diagnosis.FAMILY_NATURE, data)["rows"]
    assert [r["nature"] for r in back] == ["turnkey", "cross_sell"]


# ------------------------------------------------------------------ the pages show the same headers

@pytest.fixture
def app_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The app on a fresh SQLite file that opens on the demo workspace (seeded on first run); the demo's URL."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("GTM_DATABASE_URL", url)
    monkeypatch.setenv("GTM_SEED_DEMO", "1")
    monkeypatch.chdir(ROOT)
    return workspace_url(url, "demo")


def _page(page: str, **query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    for k, v in query.items():
        at.query_params[k] = v
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _shown_labels(at: AppTest, key_column: str, aliases: dict[str, str]) -> dict[str, str]:
    """The labels of the first table on the page holding ``key_column``, keyed by the export's column names."""
    for table in at.dataframe:
        config = json.loads(table.proto.columns or "{}")
        if key_column in config:
            return {aliases.get(k, k): v["label"] for k, v in config.items() if "label" in v}
    raise AssertionError(f"no table with {key_column}")


def test_the_pages_tables_show_the_export_headers(app_db: str) -> None:
    at = _page("pages/review.py")
    store = Store(app_db)
    currency = reporting_currency(store)
    bu_id = at.selectbox(key="rv_bu").value
    bu_name = dict(zip(store.business_units()["bu_id"], store.business_units()["name"]))[bu_id]
    shown = _shown_labels(at, "review_status", {"link": "account_id"})
    assert shown == headers.column_labels(headers.REVIEW, currency, bu=bu_name)

    for kind, table in headers.MAPPINGS.items():
        target = "bu" if kind == diagnosis.FAMILY_BU else "nature"
        diagnose = _page("pages/diagnose.py")
        # the mapping's editor shows the evidence beside each family; its own columns are the export's
        editors = [json.loads(t.proto.columns) for t in diagnose.dataframe
                   if {"product_family", target} <= set(json.loads(t.proto.columns or "{}"))]
        assert editors and {k: v["label"] for k, v in editors[0].items() if k in ("product_family", target)} == \
            headers.column_labels(table, currency)

    account = str(store.accounts()["account_id"].iloc[0])
    decisions.record_decision(store, ADMIN, account, "lead_unit", "One unit leads")
    at = _page("pages/account.py", account=account)
    expected = headers.column_labels(headers.DECISIONS, currency)
    shown = _shown_labels(at, "matrix_fingerprint", {"approach_label": "approach"})
    assert shown == {k: expected[k] for k in shown}
    expected = headers.column_labels(headers.OPPORTUNITIES, currency)
    shown = _shown_labels(at, "value_original", {"fit_badge": "fit", "nature_label": "nature", "found": "nature_found"})
    # The Account page says "Id" beside no other id; an export carries account and opportunity ids side by side
    # and takes the Portfolio page's "Opportunity id".
    assert shown.pop("opportunity_id") == "Id" and expected["opportunity_id"] == "Opportunity id"
    assert shown == {k: expected[k] for k in shown}
