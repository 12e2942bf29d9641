"""Recognising CRM headers as canonical fields; mapping files; templates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gtm.domain.diagnose import default_diagnosis
from gtm.domain.errors import ConfigError, InputError
from gtm.ingest import columns, decode

SALESFORCE_ACCOUNTS_REPORT = ["Account ID", "Account Name", "Industry", "Billing Country", "Annual Revenue",
                              "Account Owner", "Parent Account", "Parent Account ID", "Type", "Phone"]
SALESFORCE_ACCOUNTS_API = ["Id", "Name", "Industry", "BillingCountry", "AnnualRevenue", "OwnerId", "ParentId"]
HUBSPOT_COMPANIES = ["Record ID", "Company name", "Company owner", "Industry", "Country/Region", "Annual Revenue",
                     "Create Date", "Phone Number"]
SALESFORCE_OPPORTUNITIES_REPORT = ["Opportunity ID", "Opportunity Name", "Account Name", "Account ID", "Amount",
                                   "Probability (%)", "Expected Revenue", "Stage", "Close Date", "Type",
                                   "Opportunity Owner", "Fiscal Period", "Lead Source"]
SALESFORCE_OPPORTUNITIES_API = ["Id", "AccountId", "Name", "Amount", "Probability", "StageName", "CloseDate", "Type",
                                "OwnerId", "ExpectedRevenue"]
HUBSPOT_DEALS = ["Record ID", "Deal Name", "Deal Stage", "Close Date", "Deal owner", "Amount", "Associated Company",
                 "Pipeline", "Deal Type"]


def test_salesforce_account_report() -> None:
    cmap = columns.map_columns(SALESFORCE_ACCOUNTS_REPORT, "accounts")
    assert cmap.fields == {
        "account_id": "Account ID", "name": "Account Name", "industry": "Industry", "region": "Billing Country",
        "parent_id": "Parent Account ID", "parent_name": "Parent Account", "revenue": "Annual Revenue",
        "owner": "Account Owner",
    }
    assert cmap.missing == []
    assert cmap.unmapped == ["Type", "Phone"]  # the parent's name is read too: linked where no parent id is given


def test_salesforce_account_api_names() -> None:
    cmap = columns.map_columns(SALESFORCE_ACCOUNTS_API, "accounts")
    assert cmap.fields == {"account_id": "Id", "name": "Name", "industry": "Industry", "region": "BillingCountry",
                           "parent_id": "ParentId", "revenue": "AnnualRevenue", "owner": "OwnerId"}


def test_hubspot_companies() -> None:
    cmap = columns.map_columns(HUBSPOT_COMPANIES, "accounts")
    assert cmap.fields == {"account_id": "Record ID", "name": "Company name", "industry": "Industry",
                           "region": "Country/Region", "revenue": "Annual Revenue", "owner": "Company owner"}
    assert cmap.missing == []


def test_salesforce_opportunity_report_keeps_account_and_opportunity_apart() -> None:
    cmap = columns.map_columns(SALESFORCE_OPPORTUNITIES_REPORT, "opportunities")
    assert cmap.fields == {
        "opportunity_id": "Opportunity ID", "account_id": "Account ID", "account_name": "Account Name",
        "name": "Opportunity Name", "value": "Amount", "probability": "Probability (%)", "stage": "Stage",
        "close_date": "Close Date", "type": "Type", "owner": "Opportunity Owner",
    }
    assert "Expected Revenue" in cmap.unmapped  # value x probability: never the amount
    assert cmap.missing == []


def test_salesforce_opportunity_api_names_id_and_name_mean_the_opportunity() -> None:
    cmap = columns.map_columns(SALESFORCE_OPPORTUNITIES_API, "opportunities")
    assert cmap.fields["opportunity_id"] == "Id"
    assert cmap.fields["name"] == "Name"
    assert cmap.fields["account_id"] == "AccountId"
    assert cmap.fields["stage"] == "StageName" and cmap.fields["close_date"] == "CloseDate"
    assert cmap.unmapped == ["ExpectedRevenue"]


def test_hubspot_deals() -> None:
    cmap = columns.map_columns(HUBSPOT_DEALS, "opportunities")
    assert cmap.fields == {"opportunity_id": "Record ID", "account_name": "Associated Company", "name": "Deal Name",
                           "value": "Amount", "stage": "Deal Stage", "close_date": "Close Date",
                           "type": "Deal Type", "owner": "Deal owner"}
    assert cmap.missing == []


def test_matching_ignores_case_spacing_and_punctuation() -> None:
    cmap = columns.map_columns(["  ACCOUNT-ID ", "account_name", "deal amount", "opportunity id"], "opportunities")
    assert cmap.fields == {"opportunity_id": "opportunity id", "account_id": "ACCOUNT-ID",
                           "account_name": "account_name", "value": "deal amount"}


def test_exact_canonical_name_wins_over_a_synonym() -> None:
    cmap = columns.map_columns(["Id", "account_id", "Name"], "accounts")
    assert cmap.fields["account_id"] == "account_id"
    assert "Id" in cmap.unmapped


def test_diagnosis_signals_take_their_aliases_from_diagnosis_json() -> None:
    headers = ["Opportunity ID", "Account ID", "Amount", "Turnkey requested", "Engineered",
               "Joint account planning", "BUs involved", "One-time purchase"]
    cmap = columns.map_columns(headers, "opportunities")
    assert cmap.fields["turnkey"] == "Turnkey requested"
    assert cmap.fields["engineered_solution"] == "Engineered"
    assert cmap.fields["joint_planning"] == "Joint account planning"
    assert cmap.fields["bu_count"] == "BUs involved"
    assert cmap.fields["one_time"] == "One-time purchase"
    specs = {f.name: f for f in columns.fields("opportunities")}
    for name, signal in default_diagnosis().signals.items():
        assert set(signal.aliases) <= set(specs[name].synonyms)
        assert specs[name].type == signal.type


def test_missing_required_fields_are_phrased_for_people() -> None:
    cmap = columns.map_columns(["Deal Size", "Stage"], "opportunities")
    assert len(cmap.missing) == 3
    joined = "\n".join(cmap.missing)
    assert "'opportunity_id'" in joined and "'Deal ID'" in joined
    assert "'value'" in joined and "'Amount'" in joined
    assert "account (its id or its name)" in joined and "'Account Name'" in joined and "'AccountId'" in joined
    assert cmap.unmapped == ["Deal Size"]


def test_either_account_column_satisfies_the_one_of_group() -> None:
    by_name = columns.map_columns(["Opportunity ID", "Amount", "Company"], "opportunities")
    by_id = columns.map_columns(["Opportunity ID", "Amount", "Company ID"], "opportunities")
    assert by_name.missing == [] and by_name.fields["account_name"] == "Company"
    assert by_id.missing == [] and by_id.fields["account_id"] == "Company ID"


def test_override_maps_an_unrecognised_header() -> None:
    cmap = columns.map_columns(["Deal #", "Client", "Deal Size"], "opportunities",
                               {"opportunity_id": "Deal #", "account_name": "client", "value": "Deal Size"})
    assert cmap.fields == {"opportunity_id": "Deal #", "account_name": "Client", "value": "Deal Size"}
    assert cmap.missing == [] and cmap.unmapped == []


def test_override_takes_a_header_from_another_field_and_none_switches_a_field_off() -> None:
    cmap = columns.map_columns(["Opportunity ID", "Account ID", "Amount", "Expected Revenue", "Region"],
                               "opportunities", {"value": "Expected Revenue", "account_id": None})
    assert cmap.fields["value"] == "Expected Revenue"
    assert "account_id" not in cmap.fields
    assert "Amount" in cmap.unmapped and "Account ID" in cmap.unmapped
    assert len(cmap.missing) == 1  # the account is now missing


def test_override_naming_a_header_not_in_the_file() -> None:
    with pytest.raises(InputError) as err:
        columns.map_columns(["Opportunity ID", "Amount"], "opportunities", {"value": "Deal Size"})
    message = str(err.value)
    assert "'Deal Size'" in message and "no such column" in message
    assert "'Opportunity ID', 'Amount'" in message


def test_override_naming_an_unknown_field() -> None:
    with pytest.raises(InputError) as err:
        columns.map_columns(["Opportunity ID", "Amount"], "opportunities", {"amount": "Amount"})
    message = str(err.value)
    assert "'amount'" in message and "opportunity_id" in message and "close_date" in message


def test_describe_lists_every_field_in_order() -> None:
    cmap = columns.map_columns(SALESFORCE_ACCOUNTS_API, "accounts")
    described = cmap.describe()
    assert [c for c, _ in described] == [f.name for f in columns.fields("accounts")]
    assert ("growth_potential", None) in described and ("account_id", "Id") in described


def test_unknown_kind() -> None:
    with pytest.raises(InputError, match="accounts, opportunities"):
        columns.map_columns(["Id"], "deals")  # type: ignore[arg-type]


# --- the rules file -------------------------------------------------------------------------------------------


def test_rules_file_fields_and_types() -> None:
    accounts = {f.name: f for f in columns.fields("accounts")}
    assert [n for n, f in accounts.items() if f.required] == ["name"]  # no id column: ids derive from names
    assert accounts["revenue"].type == "amount" and accounts["current_approach"].type == "approach"
    opportunities = {f.name: f for f in columns.fields("opportunities")}
    assert [n for n, f in opportunities.items() if f.required] == ["opportunity_id", "value"]
    assert opportunities["close_date"].type == "date" and opportunities["nature"].type == "nature"
    assert "Expected Revenue" not in opportunities["value"].synonyms


def test_rules_file_refuses_a_synonym_meaning_two_fields(tmp_path: Path) -> None:
    raw = json.loads((columns.DATA_DIR / "columns.json").read_text(encoding="utf-8"))
    raw["kinds"]["accounts"]["fields"][2]["synonyms"].append("Account Name")  # industry would steal the name
    path = tmp_path / "columns.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(ConfigError, match="'Account Name' would mean both"):
        columns.load_column_rules(path)


def test_rules_file_refuses_an_unknown_one_of_member(tmp_path: Path) -> None:
    raw = json.loads((columns.DATA_DIR / "columns.json").read_text(encoding="utf-8"))
    raw["kinds"]["opportunities"]["one_of"][0]["fields"] = ["account_id", "customer"]
    path = tmp_path / "columns.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(ConfigError, match="customer"):
        columns.load_column_rules(path)


# --- mapping files --------------------------------------------------------------------------------------------


def test_json_mapping_file(tmp_path: Path) -> None:
    path = tmp_path / "mapping.json"
    path.write_text(json.dumps({"columns": {"value": "Deal Size"}, "date_format": "DD.MM.YYYY"}), encoding="utf-8")
    mapping = columns.load_mapping_file(path)
    assert mapping.columns == {"value": "Deal Size"}
    assert mapping.date_format == "dd/mm/yyyy"


def test_simple_mapping_file(tmp_path: Path) -> None:
    path = tmp_path / "mapping.txt"
    path.write_text("# our CRM\nvalue = Deal Size\nopportunity_id: Deal #\ndate_format = mm/dd/yyyy\n",
                    encoding="utf-8")
    mapping = columns.load_mapping_file(path)
    assert mapping.columns == {"value": "Deal Size", "opportunity_id": "Deal #"}
    assert mapping.date_format == "mm/dd/yyyy"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('{"columns": {"value": "Deal Size"}, "date_format": "yyyy/dd/mm"}', "date_format"),
        ('{"columns": {"value": "Deal Size"},}', "not valid JSON"),
        ('{"columns": {"value": "Deal Size"}, "sheet": 2}', "sheet"),
        ("value Deal Size\n", "line 1"),
    ],
)
def test_bad_mapping_files_are_input_errors(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "mapping.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        columns.load_mapping_file(path)
    assert fragment in str(err.value) and "mapping.json" in str(err.value)


# --- templates ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["accounts", "opportunities"])
def test_template_reads_back_and_maps_every_field(kind: columns.Kind) -> None:
    data = columns.template_csv(kind)
    assert data.startswith(b"\xef\xbb\xbf")
    table = decode.read_table(data)
    cmap = columns.map_columns(list(table.frame.columns), kind)
    assert set(cmap.fields) == {f.name for f in columns.fields(kind)}
    assert cmap.missing == [] and cmap.unmapped == []
    assert len(table.frame) == 1


# --- signals: defined once, in diagnosis.json ------------------------------------------------------------------


def test_every_diagnosis_signal_is_an_opportunity_field_and_columns_json_lists_none() -> None:
    table = default_diagnosis()
    specs = {f.name: f for f in columns.fields("opportunities")}
    for name, signal in table.signals.items():
        spec = specs[name]
        assert spec.type == signal.type and not spec.required
        assert spec.synonyms == signal.aliases and spec.example == signal.example
        assert spec.description.lower().startswith(signal.description.lower())
    raw = json.loads((columns.DATA_DIR / "columns.json").read_text(encoding="utf-8"))
    listed = {f["name"] for f in raw["kinds"]["opportunities"]["fields"]}
    assert not listed & set(table.signals)
    header = columns.template_csv("opportunities").decode("utf-8-sig").splitlines()[0].split(",")
    assert header[-len(table.signals):] == list(table.signal_names)


def test_a_new_signal_in_the_diagnosis_table_is_recognised_on_import(tmp_path: Path) -> None:
    raw = json.loads((columns.DATA_DIR / "diagnosis.json").read_text(encoding="utf-8"))
    raw["signals"]["framework_agreement"] = {"type": "bool", "description": "A framework agreement covers it",
                                             "aliases": ["Framework agreement", "Frame contract"], "example": "no"}
    table = type(default_diagnosis()).model_validate(raw)
    rules = columns.load_column_rules(diagnosis=table)
    cmap = columns.map_columns(["Opportunity ID", "Amount", "Frame contract"], "opportunities", rules=rules)
    assert cmap.fields["framework_agreement"] == "Frame contract"
    assert rules.kind("opportunities").spec("framework_agreement").description == (
        "a framework agreement covers it (yes/no)")


def test_a_signal_clashing_with_a_field_is_a_config_error(tmp_path: Path) -> None:
    raw = json.loads((columns.DATA_DIR / "diagnosis.json").read_text(encoding="utf-8"))
    raw["signals"]["stage"] = {"type": "int", "description": "A stage number", "example": "1"}
    table = type(default_diagnosis()).model_validate(raw)
    with pytest.raises(ConfigError, match=r"columns\.json: invalid column rules \(with the signals .*field names must"):
        columns.load_column_rules(diagnosis=table)
