"""Amounts keep their currency: euro, dollar and mixed CRM exports on SQLite and PostgreSQL, rates, conversion."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from fixtures_import import LEADER, snapshot, text_bytes

from gtm.cli import main
from gtm.domain.errors import InputError, PermissionDenied
from gtm.domain.permissions import Actor, Role
from gtm.services import currency
from gtm.services.diagnosis import diagnosed_opportunities
from gtm.services.imports import commit_import, plan_import
from gtm.storage.repository import Store

CRM = Path(__file__).resolve().parents[1] / "fixtures" / "crm"
FACILITATOR = Actor("Sam Okafor", Role.FACILITATOR)


def _accounts(store: Store) -> None:
    plan = plan_import(store, "accounts", CRM / "sf_accounts_with_ids.csv")
    commit_import(store, plan, LEADER)


def _import(store: Store, name: str, **kwargs: str) -> None:
    commit_import(store, plan_import(store, "opportunities", CRM / name, **kwargs), LEADER)


def _stored(store: Store) -> pd.DataFrame:
    return store.opportunities().set_index("opportunity_id")


def test_a_euro_salesforce_export_keeps_its_euros(store: Store) -> None:
    _accounts(store)
    currency.set_reporting_currency(store, FACILITATOR, "eur")
    plan = plan_import(store, "opportunities", CRM / "sf_opportunities_eur.csv")
    assert plan.ok, plan.problems
    assert not any("No currency" in n for n in plan.notes)  # every amount names its currency
    _import(store, "sf_opportunities_eur.csv")
    stored = _stored(store)
    assert stored["currency"].to_dict() == {"0061x0000E1": "EUR", "0061x0000E2": "EUR", "0061x0000E3": "EUR"}
    assert stored["value"].to_dict() == {"0061x0000E1": 1_250_000.0, "0061x0000E2": 12_500.0, "0061x0000E3": 980.5}
    shown = diagnosed_opportunities(store).set_index("opportunity_id")
    assert shown.at["0061x0000E1", "value"] == 1_250_000.0 and shown.at["0061x0000E1", "currency"] == "EUR"


def test_a_euro_file_in_a_dollar_portfolio_needs_a_rate_and_is_then_converted(store: Store) -> None:
    _accounts(store)
    plan = plan_import(store, "opportunities", CRM / "sf_opportunities_eur.csv")
    assert [p.reason for p in plan.file_problems] == [
        "No exchange rate for EUR (3 rows): amounts in it cannot be converted to USD, the reporting currency. "
        "Add the rate on the Import page (Reporting currency and exchange rates), then import the file again."]
    currency.set_exchange_rates(store, FACILITATOR, [{"currency": "EUR", "rate": 1.1}])
    _import(store, "sf_opportunities_eur.csv")
    shown = diagnosed_opportunities(store).set_index("opportunity_id")
    assert math.isclose(shown.at["0061x0000E1", "value"], 1_375_000.0)
    assert shown.at["0061x0000E1", "value_original"] == 1_250_000.0 and shown.at["0061x0000E1", "currency"] == "EUR"


def test_a_dollar_hubspot_export_says_how_it_read_the_dollar_sign(store: Store) -> None:
    _accounts(store)
    plan = plan_import(store, "opportunities", CRM / "hs_deals_usd.csv")
    assert plan.ok and plan.currency_choice
    assert any(n.startswith("'$' read as US dollars (USD); if the file is in another dollar, choose its currency")
               for n in plan.notes)
    _import(store, "hs_deals_usd.csv")
    assert _stored(store)["currency"].tolist() == ["USD", "USD"]
    assert _stored(store).at["9001", "value"] == 1234.5
    # The same file said to be in Canadian dollars: no '$' note, and CAD needs a rate.
    cad = plan_import(store, "opportunities", CRM / "hs_deals_usd.csv", currency="CAD")
    assert not any("'$'" in n for n in cad.notes)
    assert "No exchange rate for CAD (2 rows)" in cad.file_problems[0].reason


def test_a_mixed_file_without_rates_is_refused_with_a_clear_report_and_nothing_written(store: Store) -> None:
    _accounts(store)
    before = snapshot(store)
    plan = plan_import(store, "opportunities", CRM / "sf_opportunities_mixed.csv")
    assert plan.columns.fields["currency"] == "Opportunity Currency"
    [problem] = plan.file_problems
    assert problem.reason.startswith("No exchange rate for CHF (1 row), EUR (1 row), GBP (2 rows): amounts in these "
                                     "currencies cannot be converted to USD, the reporting currency. Add the rate on "
                                     "the Import page")
    with pytest.raises(InputError, match="No exchange rate for CHF"):
        commit_import(store, plan, LEADER, skip_invalid=True)
    assert snapshot(store) == before

    currency.set_exchange_rates(store, FACILITATOR, [{"currency": "EUR", "rate": 1.1}, {"currency": "gbp", "rate": "1,3"},
                                                     {"currency": "CHF", "rate": 1.25}])
    _import(store, "sf_opportunities_mixed.csv")
    stored = _stored(store)
    assert stored["currency"].to_dict() == {"0061x0000M1": "EUR", "0061x0000M2": "GBP", "0061x0000M3": "GBP",
                                            "0061x0000M4": "USD", "0061x0000M5": "CHF"}
    shown = diagnosed_opportunities(store).set_index("opportunity_id")
    expected = {"0061x0000M1": 1_375_000.0, "0061x0000M2": 52_000.0, "0061x0000M3": 15_600.0,
                "0061x0000M4": 5_000.0, "0061x0000M5": 100_000.0}
    assert {k: round(v, 6) for k, v in shown["value"].items()} == expected
    assert shown.at["0061x0000M2", "value_original"] == 40_000.0


def test_a_symbol_that_disagrees_with_the_currency_column_names_row_column_value(store: Store) -> None:
    _accounts(store)
    data = text_bytes(["Opportunity ID", "Account ID", "Amount", "Currency"],
                      [["X1", "0011x00000FabrK", "£40,000.00", "EUR"], ["X2", "0011x00000FabrK", "$5", "EUR"],
                       ["X3", "0011x00000FabrK", "100", "Euro"]])
    plan = plan_import(store, "opportunities", data)
    found = {(p.row, p.column, p.value): p.reason for p in plan.problems if p.row is not None}
    assert found[(2, "Amount", "£40,000.00")] == ("names GBP but the Currency column says EUR; correct the amount "
                                                  "or the currency")
    assert "names '$' (read as USD)" in found[(3, "Amount", "$5")]
    assert found[(4, "Currency", "Euro")].startswith("is not a currency code; accepted: a three-letter ISO 4217 code")


def test_a_file_that_names_no_currency_takes_the_reporting_currency_and_says_so(store: Store) -> None:
    _accounts(store)
    data = text_bytes(["Opportunity ID", "Account ID", "Amount"], [["P1", "0011x00000FabrK", "1200"]])
    plan = plan_import(store, "opportunities", data)
    assert "No currency in the file: amounts are taken as USD (the reporting currency)." in plan.notes
    currency.set_reporting_currency(store, FACILITATOR, "EUR")
    plan = plan_import(store, "opportunities", data)
    assert "No currency in the file: amounts are taken as EUR (the reporting currency)." in plan.notes
    commit_import(store, plan, LEADER)
    assert _stored(store).at["P1", "currency"] == "EUR"


def test_exchange_rates_are_validated_row_by_row_and_nothing_is_saved_on_a_mistake(store: Store) -> None:
    with pytest.raises(InputError) as err:
        currency.set_exchange_rates(store, FACILITATOR, [
            {"currency": "EUR", "rate": 1.1}, {"currency": "euro", "rate": 1.1}, {"currency": "GBP", "rate": -2},
            {"currency": "EUR", "rate": 1.2}, {"currency": "CHF", "rate": float("inf")},
            {"currency": "USD", "rate": 1}, {"currency": "", "rate": None}])
    found = {(p.row, p.column, str(p.value)): p.reason for p in err.value.problems}
    assert found[(2, "currency", "euro")].startswith("is not a currency code; accepted: a three-letter ISO 4217")
    assert found[(3, "rate", "-2")].startswith("is not a usable rate; accepted: a number from 1e-06 to 1,000,000")
    assert found[(4, "currency", "EUR")] == "has a rate already (row 1); keep one"
    assert (5, "rate", "inf") in found
    assert "is the reporting currency (USD)" in found[(6, "currency", "USD")]
    assert len(found) == 5  # the blank row is ignored
    assert currency.exchange_rates(store).empty


def test_a_rate_still_used_cannot_be_removed_and_only_facilitators_set_rates(store: Store) -> None:
    _accounts(store)
    currency.set_exchange_rates(store, FACILITATOR, [{"currency": "EUR", "rate": 1.1}])
    _import(store, "sf_opportunities_eur.csv")
    with pytest.raises(InputError, match="is the currency of 3 stored opportunities; its rate cannot be removed"):
        currency.set_exchange_rates(store, FACILITATOR, [])
    with pytest.raises(PermissionDenied, match="Sales leader may not set currency"):
        currency.set_exchange_rates(store, LEADER, [{"currency": "EUR", "rate": 1.2}])
    with pytest.raises(PermissionDenied):
        currency.set_reporting_currency(store, LEADER, "EUR")
    assert currency.rates(store) == {"EUR": 1.1}


def test_changing_the_reporting_currency_rebases_the_rates(store: Store) -> None:
    _accounts(store)
    currency.set_exchange_rates(store, FACILITATOR, [{"currency": "EUR", "rate": 1.25}])
    _import(store, "hs_deals_usd.csv")
    with pytest.raises(InputError, match="Add an exchange rate for GBP first"):
        currency.set_reporting_currency(store, FACILITATOR, "GBP")
    currency.set_reporting_currency(store, FACILITATOR, "EUR")
    assert currency.reporting_currency(store) == "EUR"
    assert currency.rates(store) == {"USD": 0.8}
    shown = diagnosed_opportunities(store).set_index("opportunity_id")
    assert math.isclose(shown.at["9001", "value"], 1234.5 * 0.8) and shown.at["9001", "currency"] == "USD"


def test_the_opportunities_export_carries_value_original_and_currency(db_url: str, tmp_path: Path) -> None:
    store = Store(db_url)
    _accounts(store)
    currency.set_exchange_rates(store, FACILITATOR, [{"currency": "EUR", "rate": 1.1}])
    _import(store, "sf_opportunities_eur.csv")
    out = tmp_path / "opps.csv"
    assert main(["export", "opportunities", "--database", db_url, "--output", str(out)]) == 0
    exported = pd.read_csv(out, dtype={"opportunity_id": str}).set_index("opportunity_id")
    assert {"value", "value_original", "currency"} <= set(exported.columns)
    assert math.isclose(exported.at["0061x0000E2", "value"], 13_750.0)
    assert exported.at["0061x0000E2", "value_original"] == 12_500.0 and exported.at["0061x0000E2", "currency"] == "EUR"
    store.dispose()


def test_rows_from_the_data_page_editor_with_empty_cells_are_read_as_people_mean_them(store: Store) -> None:
    edited = pd.DataFrame({"currency": ["EUR", None, " chf "], "rate": [1.1, None, 1.25]}).astype(
        {"currency": "string", "rate": "float64"})  # what st.data_editor hands back: pd.NA and NaN
    assert currency.set_exchange_rates(store, FACILITATOR, edited.to_dict("records")) == {"EUR": 1.1, "CHF": 1.25}
    edited.loc[3] = [pd.NA, 0.9]
    with pytest.raises(InputError) as err:
        currency.set_exchange_rates(store, FACILITATOR, edited.to_dict("records"))
    assert [(p.row, p.column, p.reason) for p in err.value.problems] == [
        (4, "currency", "is empty; say which currency the rate is for")]
