"""CRM import on a real SQLite file and a real PostgreSQL database: messy files in, exact reports out.

Every failure is proven harmless: the whole store (counts, rows, decisions, data version) is compared
before and after.
"""

from __future__ import annotations

import codecs
import datetime as dt
from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest
from fixtures_import import (
    LEADER,
    SF_ACCOUNT_HEADER,
    SF_ACCOUNTS,
    SF_OPPORTUNITY_HEADER,
    docx_like_zip,
    load,
    small_portfolio,
    snapshot,
    text_bytes,
    xlsx_bytes,
)

from gtm.domain.errors import InputError, PermissionDenied
from gtm.domain.permissions import ADMIN, Actor, Role
from gtm.ingest import columns
from gtm.services import decisions
from gtm.services.currency import set_exchange_rates
from gtm.services.demo import seed_demo
from gtm.services.diagnosis import diagnosed_opportunities
from gtm.services.imports import commit_import, plan_import
from gtm.storage import bulk
from gtm.storage.repository import Store

SF_NAMES = [r[1] for r in SF_ACCOUNTS]


def _accounts_by_id(store: Store) -> pd.DataFrame:
    return store.accounts().set_index("account_id")


def _opps_by_id(store: Store) -> pd.DataFrame:
    return store.opportunities().set_index("opportunity_id")


# --------------------------------------------------------------------------- encodings, delimiters, formats

VARIANTS: list[tuple[str, Callable[[], bytes], str]] = [
    ("utf-8, comma", lambda: text_bytes(SF_ACCOUNT_HEADER, SF_ACCOUNTS), ","),
    ("utf-8 with BOM, semicolon", lambda: text_bytes(SF_ACCOUNT_HEADER, SF_ACCOUNTS, encoding="utf-8-sig",
                                                     delimiter=";"), ";"),
    ("cp1252, semicolon", lambda: text_bytes(SF_ACCOUNT_HEADER, SF_ACCOUNTS, encoding="cp1252", delimiter=";"), ";"),
    ("cp1252, comma, LF", lambda: text_bytes(SF_ACCOUNT_HEADER, SF_ACCOUNTS, encoding="cp1252", newline="\n"), ","),
    ("Excel Unicode text (UTF-16 LE with BOM, tab)",
     lambda: codecs.BOM_UTF16_LE + text_bytes(SF_ACCOUNT_HEADER, SF_ACCOUNTS, encoding="utf-16-le",
                                              delimiter="\t"), "\t"),
    ("UTF-16 BE with BOM, tab", lambda: text_bytes(SF_ACCOUNT_HEADER, SF_ACCOUNTS, encoding="utf-16",
                                                   delimiter="\t"), "\t"),
    ("UTF-16 LE without BOM, tab", lambda: text_bytes(SF_ACCOUNT_HEADER, SF_ACCOUNTS, encoding="utf-16-le",
                                                      delimiter="\t"), "\t"),
    ("utf-8, tab", lambda: text_bytes(SF_ACCOUNT_HEADER, SF_ACCOUNTS, delimiter="\t"), "\t"),
    ("xlsx", lambda: xlsx_bytes(SF_ACCOUNT_HEADER, SF_ACCOUNTS), ""),
]


def test_every_encoding_delimiter_and_format_imports_the_same_accounts(store: Store) -> None:
    for i, (label, make, delimiter) in enumerate(VARIANTS):
        plan = plan_import(store, "accounts", make(), name="accounts.xlsx" if label == "xlsx" else "accounts.csv")
        assert plan.ok, (label, plan.problems)
        if delimiter:
            assert plan.table.delimiter == delimiter, label
        result = commit_import(store, plan, LEADER)
        # the first file adds; every other export of the same accounts updates them, never duplicates
        assert (result.added, result.updated, result.rejected) == ((3, 0, 0) if i == 0 else (0, 3, 0)), label
        stored = _accounts_by_id(store)
        assert stored["name"].tolist() == SF_NAMES, label
        assert stored["revenue"].tolist() == [1234.5, 12_500_000.0, 980.0], label
        assert stored.loc["0011x000001AbcD", "owner"] == "Jörg Weiß", label
    assert store.counts()["accounts"] == 3


AMOUNTS = [
    ("$1,234.50", 1234.5), ("1.234,50 €", 1234.5), ("1234.50", 1234.5), ("USD 1,234.50", 1234.5),
    ("1 234,50", 1234.5), ("€ 1.234.567,89", 1234567.89), ("£2,000", 2000.0), ("1234", 1234.0),
    ("12,5", 12.5), ("1,200", 1200.0),
]


def test_every_amount_form_is_stored_as_its_number(store: Store) -> None:
    small_portfolio(store)
    set_exchange_rates(store, ADMIN, [{"currency": "EUR", "rate": 1.1}, {"currency": "GBP", "rate": 1.3}])
    for i, (text, _) in enumerate(AMOUNTS):
        data = text_bytes(["Opportunity ID", "Account ID", "Amount"], [[f"AMT-{i}", "0011x000001AbcD", text]],
                          delimiter=";")
        result = load(store, "opportunities", data)
        assert result.added == 1, text
    stored = _opps_by_id(store)
    assert {text: stored.loc[f"AMT-{i}", "value"] for i, (text, _) in enumerate(AMOUNTS)} == dict(AMOUNTS)


def test_negative_and_unreadable_amounts_are_rejected_with_the_cell_as_written(store: Store) -> None:
    small_portfolio(store)
    data = text_bytes(["Opportunity ID", "Account ID", "Amount"],
                      [["N1", "0011x000001AbcD", "(1,200)"], ["N2", "0011x000001AbcD", "-$5.00"],
                       ["N3", "0011x000001AbcD", "TBD"], ["N4", "0011x000001AbcD", "1,2,3"],
                       ["N5", "0011x000001AbcD", ""], ["N6", "0011x000001AbcD", "$10.00"]])
    plan = plan_import(store, "opportunities", data, name="deals.csv")
    problems = {(p.row, p.value): p.reason for p in plan.problems}
    assert set(problems) == {(2, "(1,200)"), (3, "-$5.00"), (4, "TBD"), (5, "1,2,3"), (6, "")}
    assert "negative" in problems[(2, "(1,200)")] and "negative" in problems[(3, "-$5.00")]
    assert "is not an amount" in problems[(4, "TBD")] and "$1,234.50" in problems[(4, "TBD")]
    assert "empty" in problems[(6, "")]
    assert all(p.column == "Amount" for p in plan.problems)
    assert plan.valid["external_id"].tolist() == ["N6"]


def test_dates_iso_day_first_month_first_and_ambiguous_columns(store: Store) -> None:
    small_portfolio(store)
    header = ["Opportunity ID", "Account ID", "Amount", "Close Date"]

    def dates(rows: list[list[str]], mapping: columns.Mapping | None = None) -> tuple[list[Any], list[str]]:
        plan = plan_import(store, "opportunities", text_bytes(header, rows), mapping=mapping)
        assert plan.ok, plan.problems
        commit_import(store, plan, LEADER)
        stored = _opps_by_id(store)
        return [stored.loc[r[0], "close_date"] for r in rows], plan.notes

    def d(y: int, m: int, day: int) -> dt.date:
        return dt.date(y, m, day)

    acc = "0011x000001AbcD"
    got, notes = dates([["D1", acc, "1", "2026-03-31"], ["D2", acc, "1", "2026-12-01"]])
    assert got == [d(2026, 3, 31), d(2026, 12, 1)] and not any("ambiguous" in n for n in notes)
    got, notes = dates([["D1", acc, "1", "31/03/2026"], ["D2", acc, "1", "01/02/2026"]])
    assert got == [d(2026, 3, 31), d(2026, 2, 1)] and not any("ambiguous" in n for n in notes)  # 31 decides: dd/mm
    got, notes = dates([["D1", acc, "1", "03/31/2026"], ["D2", acc, "1", "01/02/2026"]])
    assert got == [d(2026, 3, 31), d(2026, 1, 2)] and not any("ambiguous" in n for n in notes)  # 31 decides: mm/dd
    # Nothing in the column decides: the import says so instead of guessing silently ...
    got, notes = dates([["D1", acc, "1", "01/02/2026"], ["D2", acc, "1", "03/04/2026"]])
    assert got == [d(2026, 2, 1), d(2026, 4, 3)]
    assert any("ambiguous" in n and "Close Date" in n and "mapping" in n for n in notes)
    # ... and a mapping file's date format settles it.
    got, notes = dates([["D1", acc, "1", "01/02/2026"], ["D2", acc, "1", "03/04/2026"]],
                       columns.Mapping(date_format="mm/dd/yyyy"))
    assert got == [d(2026, 1, 2), d(2026, 3, 4)] and not any("ambiguous" in n for n in notes)


# --------------------------------------------------------------------------- failed imports change nothing

def _cut_mid_row() -> bytes:
    data = text_bytes(SF_ACCOUNT_HEADER, SF_ACCOUNTS, encoding="cp1252")
    return data[: data.rindex(b"Denmark") + 3]


def _cut_mid_character() -> bytes:
    data = text_bytes(SF_ACCOUNT_HEADER, SF_ACCOUNTS)
    return data[: data.rindex("Ørsted".encode()) + 1]


BAD_FILES: list[tuple[str, str, Callable[[], bytes], str]] = [
    ("empty file", "accounts", lambda: b"", "is empty"),
    ("only a byte-order mark", "accounts", lambda: codecs.BOM_UTF8 + b"\r\n", "is empty"),
    ("header only", "accounts", lambda: text_bytes(SF_ACCOUNT_HEADER, []), "no data rows"),
    ("header only, xlsx", "accounts", lambda: xlsx_bytes(SF_ACCOUNT_HEADER, []), "no data rows"),
    ("truncated mid-row", "accounts", _cut_mid_row, "truncated"),
    ("truncated mid-character", "accounts", _cut_mid_character, "truncated"),
    ("truncated inside a quoted cell", "accounts",
     lambda: b'Account ID,Account Name\r\nX1,"Acme\r\nX2,Beta', "never ends"),
    ("truncated xlsx", "accounts", lambda: xlsx_bytes(SF_ACCOUNT_HEADER, SF_ACCOUNTS)[:1500], "truncated"),
    ("a PNG image", "accounts", lambda: b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "not a spreadsheet"),
    ("a PDF", "opportunities", lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "not a spreadsheet"),
    ("a Word document", "accounts", docx_like_zip, "not a spreadsheet"),
    ("random binary", "opportunities", lambda: bytes((i * 37 + 11) % 256 for i in range(4096)), "not a spreadsheet"),
    ("an old .xls", "accounts", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ".xls"),
    ("no name column", "accounts", lambda: text_bytes(["Account ID", "Industry"], [["A1", "Rail"]]), "Required column 'name'"),
    ("no account column", "opportunities",
     lambda: text_bytes(["Opportunity ID", "Amount"], [["Z1", "5"]]), "the opportunity's account"),
    ("one bad row among good ones", "opportunities",
     lambda: text_bytes(["Opportunity ID", "Account ID", "Amount", "Business Unit"],
                        [["G1", "0011x000001AbcD", "$5.00", "New BU"], ["G2", "0011x000001AbcD", "-$5.00", "New BU"],
                         ["006A", "0011x000001AbcE", "$1.00", "New BU"]]), "nothing was imported"),
    ("a json file", "accounts", lambda: b'[\n  {"id": 1, "name": "Acme"},\n  {"id": 2, "name": "Beta"}\n]\n',
     "Required column 'name'"),
]


@pytest.mark.parametrize("kind, make, fragment", [c[1:] for c in BAD_FILES], ids=[c[0] for c in BAD_FILES])
def test_a_failed_import_leaves_the_database_exactly_as_it_was(
        store: Store, kind: str, make: Callable[[], bytes], fragment: str) -> None:
    small_portfolio(store)
    before = snapshot(store)
    with pytest.raises(InputError) as caught:
        plan = plan_import(store, kind, make(), name="crm-export.csv")
        commit_import(store, plan, LEADER)
    message = str(caught.value)
    assert fragment in message
    assert "Traceback" not in message and "crm-export.csv" in message
    assert snapshot(store) == before


def test_a_crash_half_way_through_writing_rolls_everything_back(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    small_portfolio(store)
    before = snapshot(store)
    monkeypatch.setattr(bulk, "BATCH", 2)  # where the bulk writer reads it
    rows = [[f"C{i}", "0011x000001AbcD" if i % 2 else "", "" if i % 2 else "Ørsted Façades A/S", "$1.00", "BU New"]
            for i in range(7)] + [["006A", "0011x000001AbcE", "", "$9.00", "BU New"]]  # 006A exists: an update
    plan = plan_import(store, "opportunities",
                       text_bytes(["Opportunity ID", "Account ID", "Account Name", "Amount", "BU"], rows))
    assert plan.ok and plan.existing == 1
    calls: list[str] = []

    def progress(share: float, text: str) -> None:
        calls.append(text)
        if len(calls) == 2:  # after two batches are written
            raise RuntimeError("connection lost")

    with pytest.raises(RuntimeError):
        commit_import(store, plan, LEADER, progress=progress)
    assert calls == ["2 of 8 opportunities", "4 of 8 opportunities"]
    assert snapshot(store) == before
    result = commit_import(store, plan, LEADER)  # the same plan, written again, goes through whole
    assert (result.added, result.updated, result.business_units_added) == (7, 1, 1)


def test_a_file_over_the_upload_limit_is_a_clear_message_and_writes_nothing(store: Store) -> None:
    small_portfolio(store)
    before = snapshot(store)
    data = text_bytes(SF_ACCOUNT_HEADER, SF_ACCOUNTS * 200)
    with pytest.raises(InputError) as caught:
        plan_import(store, "accounts", data, name="big.csv", max_bytes=10_000)
    assert "too large" in str(caught.value) and "GTM_UPLOAD_MAX_MB" in str(caught.value)
    assert snapshot(store) == before


def test_only_roles_allowed_to_import_may_commit(store: Store) -> None:
    small_portfolio(store)
    before = snapshot(store)
    plan = plan_import(store, "accounts", text_bytes(SF_ACCOUNT_HEADER, [["NEW1", "New Co", "", "", "", ""]]))
    with pytest.raises(PermissionDenied):
        commit_import(store, plan, Actor("Ben Head", Role.BU_HEAD, bu="BU-A"))
    assert snapshot(store) == before


# --------------------------------------------------------------------------- a Salesforce export, problem by problem

def test_salesforce_cp1252_export_imports_and_reports_each_problem_row_precisely(store: Store) -> None:
    accounts = load(store, "accounts", text_bytes(SF_ACCOUNT_HEADER, SF_ACCOUNTS, encoding="cp1252"))
    assert (accounts.added, accounts.rejected) == (3, 0)
    rows = [
        ["006A", "Müller Anlagenbau GmbH", "Retrofit", "Prospecting", "$1,234.50", "20", "31/03/2026", "New Business",
         "Jörg Weiß"],                                                                                      # row 2
        ["006B", "Mueller AG", "Pumps", "Prospecting", "$10.00", "20", "31/03/2026", "", ""],               # row 3
        ["006C", "Société Générale d'Énergie", "Grid", "Closed Won", "($500.00)", "100", "01/04/2026", "", ""],  # 4
        ["006D", "Société Générale d'Énergie", "Grid", "Proposal", "TBD", "50", "01/04/2026", "", ""],      # row 5
        ["006E", "Ørsted Façades A/S", "Façade", "Proposal", "$7.00", "150", "01/04/2026", "", ""],         # row 6
        ["", "", "", "", "", "", "", "", ""],                                                              # row 7
        ["006A", "Ørsted Façades A/S", "Again", "Proposal", "$7.00", "10", "01/04/2026", "", ""],           # row 8
        ["006F", "", "No account", "Proposal", "$7.00", "10", "01/04/2026", "", ""],                       # row 9
        ["006G", "Société Générale d'Énergie", "Wind", "Negotiation", "$12,000.00", "75%", "30/06/2026",
         "Existing Business", "Zoë Laurent"],                                                               # row 10
    ]
    plan = plan_import(store, "opportunities", text_bytes(SF_OPPORTUNITY_HEADER, rows, encoding="cp1252"),
                       name="Opportunities.csv")
    assert plan.table.encoding == "cp1252"
    found = {(p.row, p.column, p.value) for p in plan.problems}
    assert found == {
        (3, "Account Name", "Mueller AG"),
        (4, "Amount", "($500.00)"),
        (5, "Amount", "TBD"),
        (6, "Probability (%)", "150"),
        (8, "Opportunity ID", "006A"),
        (9, "Account Name", None),
    }
    reasons = {p.row: p.reason for p in plan.problems}
    assert "not a known account name" in reasons[3]
    assert "negative" in reasons[4]
    assert "not an amount" in reasons[5]
    assert "0-100" in reasons[6]
    assert "duplicate" in reasons[8] and "row 2" in reasons[8]
    assert "needs an account" in reasons[9]
    frame = plan.problems_frame()
    assert list(frame.columns) == ["row", "column", "value", "reason"] and len(frame) == 6
    assert "Mueller AG" in str(InputError.from_problems("x", plan.problems))

    # all-or-nothing by default ...
    before = snapshot(store)
    with pytest.raises(InputError, match="nothing was imported"):
        commit_import(store, plan, LEADER)
    assert snapshot(store) == before
    # ... or the valid rows only, with the rejected ones kept as they were written, with reasons
    result = commit_import(store, plan, LEADER, skip_invalid=True)
    assert (result.added, result.updated, result.rejected) == (2, 0, 6)
    stored = _opps_by_id(store)
    assert sorted(stored.index) == ["006A", "006G"]
    assert stored.loc["006A", "account_name"] == "Müller Anlagenbau GmbH"
    assert stored.loc["006A", "value"] == 1234.5 and stored.loc["006A", "probability"] == 20
    assert stored.loc["006A", "close_date"] == dt.date(2026, 3, 31) and stored.loc["006A", "owner"] == "Jörg Weiß"
    assert stored.loc["006G", "value"] == 12000.0 and stored.loc["006G", "probability"] == 75
    assert stored.loc["006G", "type"] == "Existing Business"
    rejects = plan.rejects_frame()
    assert rejects["row"].tolist() == [3, 4, 5, 6, 8, 9]
    assert rejects.set_index("row").loc[4, "Amount"] == "($500.00)"
    assert "Amount: is negative" in str(rejects.set_index("row").loc[4, "reasons"])


def test_salesforce_api_names_and_hubspot_headers_are_recognised(store: Store) -> None:
    api = load(store, "accounts", text_bytes(["Id", "Name", "AnnualRevenue", "Industry", "OwnerId"],
                                             [["001X", "Api Co", "5000", "Rail", "005A"]]))
    hub = load(store, "accounts", text_bytes(
        ["Record ID", "Company name", "Industry", "Country/Region", "Annual Revenue", "Company owner"],
        [["9001", "Hub Co", "Water", "Spain", "1.000,00 €", "Ana"]], delimiter=";"))
    assert api.added == hub.added == 1
    acc = _accounts_by_id(store)
    assert list(acc.loc["001X", ["name", "revenue", "industry", "owner"]]) == ["Api Co", 5000.0, "Rail", "005A"]
    assert list(acc.loc["9001", ["name", "region", "revenue", "owner"]]) == ["Hub Co", "Spain", 1000.0, "Ana"]
    load(store, "opportunities", text_bytes(
        ["Id", "AccountId", "Name", "StageName", "Amount", "Probability", "CloseDate", "Type", "OwnerId"],
        [["006X", "001X", "Api deal", "Closed Won", "100", "100", "2026-01-31", "Renewal", "005A"]]))
    load(store, "opportunities", text_bytes(
        ["Record ID", "Deal Name", "Associated Company", "Deal Stage", "Amount", "Close Date", "Deal owner",
         "Deal Type"],
        [["77", "Hub deal", "Hub Co", "appointmentscheduled", "250.5", "2026-02-28", "Ana", "newbusiness"]]))
    opp = _opps_by_id(store)
    assert list(opp.loc["006X", ["account_id", "name", "stage", "value", "probability", "type", "owner"]]) == \
        ["001X", "Api deal", "Closed Won", 100.0, 100.0, "Renewal", "005A"]
    assert list(opp.loc["77", ["account_id", "name", "stage", "value", "owner", "type"]]) == \
        ["9001", "Hub deal", "appointmentscheduled", 250.5, "Ana", "newbusiness"]


def test_mapping_file_overrides_recognition(store: Store, tmp_path: Any) -> None:
    small_portfolio(store)
    path = tmp_path / "mapping.json"
    path.write_text('{"columns": {"value": "Deal Size", "account_name": "Client", "opportunity_id": "Ref"}}',
                    encoding="utf-8")
    mapping = columns.load_mapping_file(path)
    data = text_bytes(["Ref", "Client", "Deal Size", "Amount"], [["M1", "Müller Anlagenbau GmbH", "$40.00", "999"]])
    plan = plan_import(store, "opportunities", data, mapping=mapping)
    assert plan.ok and "Amount" in plan.columns.unmapped
    commit_import(store, plan, LEADER)
    stored = _opps_by_id(store)
    assert stored.loc["M1", "value"] == 40.0 and stored.loc["M1", "account_id"] == "0011x000001AbcD"
    with pytest.raises(InputError, match="no such column"):
        plan_import(store, "opportunities", data, mapping={"value": "Deal Value"})


# --------------------------------------------------------------------------- accounts by id or name, natures

def test_opportunities_name_their_account_by_id_or_by_name(store: Store) -> None:
    small_portfolio(store)
    load(store, "accounts", text_bytes(["Account ID", "Account Name"], [["DUP1", "Twin Corp"], ["DUP2", "twin  corp."]]))
    data = text_bytes(["Opportunity ID", "Account ID", "Account Name", "Amount"], [
        ["B1", "", "  müller anlagenbau gmbh ", "1"],   # row 2: by name, any case and spacing
        ["B2", "0011x000001AbcF", "Some other name", "1"],  # row 3: the id wins over the name
        ["B3", "", "Twin Corp", "1"],                   # row 4: two accounts go by that name
        ["B4", "NOPE", "", "1"],                        # row 5: unknown id
    ])
    plan = plan_import(store, "opportunities", data)
    found = {(p.row, p.column): p.reason for p in plan.problems}
    assert set(found) == {(4, "Account Name"), (5, "Account ID")}
    assert "several accounts" in found[(4, "Account Name")] and "account id" in found[(4, "Account Name")]
    assert "not a known account id" in found[(5, "Account ID")]
    commit_import(store, plan, LEADER, skip_invalid=True)
    stored = _opps_by_id(store)
    assert stored.loc["B1", "account_id"] == "0011x000001AbcD" and stored.loc["B2", "account_id"] == "0011x000001AbcF"


def test_natures_are_given_labels_or_diagnosed_with_the_rule_that_fired(store: Store) -> None:
    small_portfolio(store)
    data = text_bytes(
        ["Opportunity ID", "Account ID", "Amount", "Nature", "Turnkey delivery", "Engineered", "Joint plan",
         "BUs involved", "One time"],
        [["N1", "0011x000001AbcD", "1", "Cross-sell/referral", "", "", "", "", ""],
         ["N2", "0011x000001AbcD", "1", "  UNIQUE technical solutions ", "", "", "", "", ""],
         ["N3", "0011x000001AbcD", "1", "", "yes", "no", "no", "1", "no"],
         ["N4", "0011x000001AbcD", "1", "", "no", "no", "yes", "3", "no"],
         ["N5", "0011x000001AbcD", "1", "", "no", "no", "no", "1", "no"]])
    plan = plan_import(store, "opportunities", data)
    assert any("3 opportunities have no nature in the file" in n for n in plan.notes)
    assert "of the 5 opportunities imported, 4 are diagnosed and 1 stay not yet diagnosed" in " ".join(plan.notes)
    commit_import(store, plan, LEADER)
    stored = _opps_by_id(store)  # the store keeps what the file gives; the rules decide the rest on every read
    assert stored.loc[["N1", "N2"], "nature"].tolist() == ["cross_sell", "technical_solution"]
    assert stored.loc[["N3", "N4", "N5"], "nature"].isna().all()
    opp = diagnosed_opportunities(store).set_index("opportunity_id")
    assert opp.loc[["N1", "N2"], "nature"].tolist() == ["cross_sell", "technical_solution"]
    assert opp.loc[["N1", "N2"], "nature_source"].tolist() == ["given", "given"]
    assert opp.loc[["N3", "N4"], "nature"].tolist() == ["turnkey", "coordinated_strategy"]
    assert pd.isna(opp.loc["N5", "nature"])  # every signal says no: not yet diagnosed, never "info exchange"
    assert opp.loc[["N3", "N4", "N5"], "nature_source"].tolist() == ["rule", "rule", "undiagnosed"]
    assert opp.loc[["N3", "N4", "N5"], "diagnosis_rule"].tolist() == \
        ["turnkey-delivery", "joint-account-planning", "not-yet-diagnosed"]


def test_no_nature_column_means_every_nature_is_diagnosed(store: Store) -> None:
    small_portfolio(store)
    plan = plan_import(store, "opportunities", text_bytes(["Opportunity ID", "Account ID", "Amount"],
                                                          [["Q1", "0011x000001AbcD", "1"]]))
    assert any("of the 1 opportunity imported, 0 are diagnosed and 1 stay not yet diagnosed" in n for n in plan.notes)
    commit_import(store, plan, LEADER)
    row = diagnosed_opportunities(store).set_index("opportunity_id").loc["Q1"]
    assert pd.isna(row["nature"])
    assert (row["nature_source"], row["diagnosis_rule"]) == ("undiagnosed", "not-yet-diagnosed")


def test_unknown_nature_label_is_reported_with_what_is_accepted(store: Store) -> None:
    small_portfolio(store)
    before = snapshot(store)
    plan = plan_import(store, "opportunities", text_bytes(
        ["Opportunity ID", "Account ID", "Amount", "Nature"],
        [["U1", "0011x000001AbcD", "1", "turnkey"], ["U2", "0011x000001AbcD", "1", "Synergy play"]]))
    [problem] = plan.problems
    assert (problem.row, problem.column, problem.value) == (3, "Nature", "Synergy play")
    assert "cross_sell" in problem.reason or "Cross-sell" in problem.reason
    with pytest.raises(InputError):
        commit_import(store, plan, LEADER)
    assert snapshot(store) == before


# --------------------------------------------------------------------------- re-import

def test_reimporting_updates_by_external_id_and_never_duplicates(store: Store) -> None:
    data = text_bytes(SF_ACCOUNT_HEADER, SF_ACCOUNTS, encoding="cp1252")
    first = load(store, "accounts", data)
    version = store.data_version()
    again = load(store, "accounts", data)
    assert (first.added, first.updated) == (3, 0) and (again.added, again.updated) == (0, 3)
    assert store.counts()["accounts"] == 3 and store.data_version() > version
    changed = [[*r[:4], "$2,000.00", *r[5:]] for r in SF_ACCOUNTS[:1]] + [["NEW", "New GmbH", "", "", "", ""]]
    plan = plan_import(store, "accounts", text_bytes(SF_ACCOUNT_HEADER, changed))
    assert "1 to add, 1 to update" in plan.summary()
    result = commit_import(store, plan, LEADER)
    assert (result.added, result.updated) == (1, 1)
    acc = _accounts_by_id(store)
    assert len(acc) == 4 and acc.loc["0011x000001AbcD", "revenue"] == 2000.0


def test_reimporting_a_file_with_fewer_columns_keeps_what_it_does_not_mention(store: Store) -> None:
    load(store, "accounts", text_bytes(["Account ID", "Account Name", "Industry", "Current Approach"],
                                       [["K1", "Keep AG", "Rail", "Assignment of lead unit for multi-unit accounts"]]))
    load(store, "opportunities", text_bytes(["Opportunity ID", "Account ID", "Amount", "Nature", "Stage"],
                                            [["KO1", "K1", "100", "Turnkey", "Proposal"]]))
    # a plain CRM export, without the columns only this product knows
    load(store, "accounts", text_bytes(["Account ID", "Account Name"], [["K1", "Keep AG (renamed)"]]))
    load(store, "opportunities", text_bytes(["Opportunity ID", "Account ID", "Amount"], [["KO1", "K1", "250"]]))
    acc = _accounts_by_id(store).loc["K1"]
    assert (acc["name"], acc["industry"], acc["current_approach"]) == ("Keep AG (renamed)", "Rail", "lead_unit")
    opp = _opps_by_id(store).loc["KO1"]
    assert (opp["value"], opp["nature"], opp["nature_source"], opp["stage"]) == (250.0, "turnkey", "given", "Proposal")
    # a column that is present but blank does clear the value: the file says it is empty now
    load(store, "accounts", text_bytes(["Account ID", "Account Name", "Industry"], [["K1", "Keep AG", ""]]))
    assert _accounts_by_id(store).loc["K1", "industry"] is None


# --------------------------------------------------------------------------- the demo portfolio

def test_demo_seeds_an_empty_store_and_reset_replaces_the_portfolio(db_url: str) -> None:
    store = Store(db_url, workspace="demo")
    results = seed_demo(store)
    assert results is not None and [(r.added, r.rejected) for r in results] == [(400, 0), (3552, 0)]
    counts = store.counts()
    assert (counts["accounts"], counts["opportunities"], counts["business_units"]) == (400, 3552, 6)
    opps = diagnosed_opportunities(store)
    assert set(opps["nature_source"]) == {"given", "rule", "undiagnosed"}
    assert opps["diagnosis_rule"].notna().all()
    assert seed_demo(store) is None  # a stored portfolio is never overwritten without reset
    account = str(store.accounts()["account_id"].iloc[0])
    decisions.record_decision(store, Actor("Fay", Role.FACILITATOR), account, "lead_unit", "Pilot account.")
    load(store, "accounts", text_bytes(["Account ID", "Account Name"], [["EXTRA-1", "Not in the demo"]]))
    first = snapshot(store)
    seed_demo(store, reset=True, confirm="demo")
    after = store.counts()
    assert (after["accounts"], after["opportunities"], after["business_units"], after["decisions"]) == \
        (400, 3552, 6, 0)
    assert "EXTRA-1" not in set(store.accounts()["account_id"])
    once = snapshot(store)
    seed_demo(store, reset=True, confirm="demo")
    twice = snapshot(store)
    assert twice["data_version"] > once["data_version"] > first["data_version"]
    assert {k: v for k, v in twice.items() if k != "data_version"} == \
        {k: v for k, v in once.items() if k != "data_version"}
    with pytest.raises(PermissionDenied):
        seed_demo(store, reset=True, actor=LEADER, confirm="demo")


# --------------------------------------------------------------------------- values the engine cannot hold

HOSTILE_AMOUNTS = {"1e309": "too large", "4e308": "too large", "inf": "is not an amount", "nan": "is not an amount",
                   "1" * 400: "400 characters long", "9" * 30_000: "30,000 characters long",
                   "2e15": "too large"}
HOSTILE_DATES = {"3000-01-01": "years 1900 to 2199", "0001-01-01": "years 1900 to 2199",
                 "9999-12-31": "years 1900 to 2199", "2026-01-01T10:00+25:00": "UTC offset +25:00"}


def test_values_the_engine_cannot_hold_are_row_problems_and_never_stored(store: Store) -> None:
    small_portfolio(store)
    rows = [[f"X{i}", "0011x000001AbcD", amount, "2026-03-31", "x"] for i, amount in enumerate(HOSTILE_AMOUNTS)]
    rows += [[f"D{i}", "0011x000001AbcD", "10", date, "x"] for i, date in enumerate(HOSTILE_DATES)]
    rows += [["OK-1", "0011x000001AbcD", "١٬٢٣٤٫٥٠", "٢٠٢٦-٠٣-٣١", "Ac\x00me\x07 retrofit"],
             ["OK-2", "0011x000001AbcD", "１２３", "2026-03-31T10:00+14:00", "plain"]]
    data = text_bytes(["Opportunity ID", "Account ID", "Amount", "Close Date", "Opportunity Name"], rows)
    plan = plan_import(store, "opportunities", data, name="hostile.csv")
    reasons = {p.value: p.reason for p in plan.problems}
    for value, why in {**HOSTILE_AMOUNTS, **HOSTILE_DATES}.items():
        shown = next(r for v, r in reasons.items() if str(v).startswith(value[:80]))
        assert why in shown, (value[:20], shown)
    assert len(plan.rejected_rows) == len(HOSTILE_AMOUNTS) + len(HOSTILE_DATES)
    assert all(len(str(p.value)) < 200 for p in plan.problems)  # a 30,000-digit cell is cut in the message
    assert any("digits of another script" in n and "'١٬٢٣٤٫٥٠'" in n for n in plan.notes)
    assert any("Removed control characters" in n for n in plan.notes)

    before = snapshot(store)
    with pytest.raises(InputError):
        commit_import(store, plan, LEADER)  # all or nothing: nothing written
    assert snapshot(store) == before
    result = commit_import(store, plan, LEADER, skip_invalid=True)
    assert (result.added, result.rejected) == (2, len(plan.rejected_rows))
    opps = _opps_by_id(store)
    assert opps.at["OK-1", "value"] == pytest.approx(1234.50)
    assert opps.at["OK-2", "value"] == pytest.approx(123)
    assert opps.at["OK-1", "name"] == "Acme retrofit"  # NUL and BEL removed the same way on SQLite and PostgreSQL
    assert pd.Timestamp(opps.at["OK-1", "close_date"]).date() == dt.date(2026, 3, 31)
    assert pd.Timestamp(opps.at["OK-2", "close_date"]).date() == dt.date(2026, 3, 30)  # +14:00, kept in UTC
    assert not any(str(i).startswith(("X", "D")) for i in opps.index)


def test_an_opportunities_file_imported_as_accounts_is_refused_before_anything_is_planned(store: Store) -> None:
    small_portfolio(store)
    before = snapshot(store)
    opportunities = text_bytes(SF_OPPORTUNITY_HEADER, [["006Z", "Müller Anlagenbau GmbH", "Retrofit", "Prospecting",
                                                        "$10.00", "10", "2026-03-31", "New Business", "Dana Reyes"]])
    with pytest.raises(InputError) as caught:
        plan_import(store, "accounts", opportunities, name="deals.csv")
    message = str(caught.value)
    assert "'deals.csv' looks like an opportunities file, not an accounts file" in message
    assert "'Opportunity ID'" in message and "'Amount'" in message and "Import it as opportunities" in message
    with pytest.raises(InputError, match="looks like an accounts file, not an opportunities file"):
        plan_import(store, "opportunities", text_bytes(SF_ACCOUNT_HEADER, SF_ACCOUNTS), name="accounts.csv")
    assert snapshot(store) == before
    # A mapping of the user's own says what the columns mean: then the file is planned as asked.
    plan = plan_import(store, "accounts", opportunities, name="deals.csv", mapping={"name": "Opportunity Name"})
    assert plan.kind == "accounts"


def test_each_opportunity_keeps_its_own_signals_extra_columns_dates_and_blanks(store: Store) -> None:
    """Rows alike are written from one converted value (one signals dict, one date): each stored row still reads
    back as its own file row, blanks as blanks, and a re-import of one row changes that row only."""
    load(store, "accounts", text_bytes(["Account ID", "Account Name"], [["A1", "One AG"], ["A2", "Two SA"]]))
    header = ["Opportunity ID", "Account ID", "Amount", "Close Date", "Turnkey", "BUs involved", "Lead Source"]
    rows = [["O1", "A1", "100", "2027-03-31", "yes", "2", "Fair"],
            ["O2", "A1", "200", "2027-03-31", "yes", "2", "Fair"],
            ["O3", "A2", "300", "", "no", "2", ""],
            ["O4", "A2", "", "2027-04-01", "yes", "2", "Web"]]
    plan = plan_import(store, "opportunities", text_bytes(header, rows), name="crm.csv")
    assert [p.row for p in plan.problems] == [5]  # O4 has no amount
    commit_import(store, plan, ADMIN, skip_invalid=True)
    opp = _opps_by_id(store)
    assert sorted(opp.index) == ["O1", "O2", "O3"]
    assert opp.loc["O1", "signals"] == opp.loc["O2", "signals"] == {"turnkey": "yes", "bu_count": "2"}
    assert opp.loc["O3", "signals"] == {"turnkey": "no", "bu_count": "2"}
    assert opp.loc["O1", "attributes"] == {"Lead Source": "Fair"} and pd.isna(opp.loc["O3", "attributes"])
    assert opp.loc["O2", "close_date"] == dt.date(2027, 3, 31) and pd.isna(opp.loc["O3", "close_date"])
    assert opp["value"].to_dict() == {"O1": 100.0, "O2": 200.0, "O3": 300.0}

    load(store, "opportunities", text_bytes(header, [["O2", "A1", "250", "2027-05-02", "no", "3", "Partner"]]))
    opp = _opps_by_id(store)
    assert opp.loc["O2", "signals"] == {"turnkey": "no", "bu_count": "3"}
    assert opp.loc["O1", "signals"] == {"turnkey": "yes", "bu_count": "2"}  # its former twin is untouched
    assert (opp.loc["O2", "value"], opp.loc["O2", "close_date"]) == (250.0, dt.date(2027, 5, 2))
    assert opp.loc["O2", "attributes"] == {"Lead Source": "Partner"}
    assert opp.loc["O1", "attributes"] == {"Lead Source": "Fair"}
