"""AppTest: the Data page's reporting currency and exchange rates, and amounts shown in the reporting currency."""

from __future__ import annotations

from pathlib import Path

from acting import act_as
from streamlit.testing.v1 import AppTest

from gtm.domain.permissions import ADMIN
from gtm.services import currency
from gtm.storage.repository import Store

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 60





def data_page(role: str = "facilitator") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.run()
    act_as(at, role, "Sam Okafor")
    at.switch_page("pages/data.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def button(at: AppTest, key: str):  # type: ignore[no-untyped-def]
    return next(b for b in at.button if b.key == key)


def test_the_demo_shows_usd_and_switching_to_euros_needs_a_rate_first(demo_db: str) -> None:
    at = data_page()
    assert any(h.value == "Reporting currency and exchange rates" for h in at.subheader)
    assert at.selectbox(key="dt_reporting").value == "USD"
    at.selectbox(key="dt_reporting").select("EUR").run()
    button(at, "dt_reporting_set").click().run()
    errors = " ".join(e.value for e in at.error)
    assert "Add an exchange rate for EUR first" in errors  # the demo's amounts are in USD
    store = Store(demo_db)
    assert currency.reporting_currency(store) == "USD"

    currency.set_exchange_rates(store, ADMIN, [{"currency": "EUR", "rate": 1.25}])
    at.run()
    at.selectbox(key="dt_reporting").select("EUR").run()
    button(at, "dt_reporting_set").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert currency.reporting_currency(store) == "EUR" and currency.rates(store) == {"USD": 0.8}

    at.switch_page("pages/portfolio.py").run()
    assert not at.exception
    total = next(m.value for m in at.metric if m.label == "Total value")
    assert total.startswith("€") and "$" not in total
    assert not any("$" in m.value for m in at.metric)


def test_a_sales_leader_sees_the_rates_but_cannot_change_them(demo_db: str) -> None:
    at = data_page(role="sales_leader")
    assert not [b for b in at.button if b.key in ("dt_rates_save", "dt_reporting_set")]  # not offered
    assert at.selectbox(key="dt_reporting").disabled


def test_an_empty_database_sets_its_reporting_currency_directly(empty_db: str) -> None:
    at = data_page()
    assert at.selectbox(key="dt_reporting").value == "USD"
    at.selectbox(key="dt_reporting").select("CHF").run()
    button(at, "dt_reporting_set").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert currency.reporting_currency(Store(empty_db)) == "CHF"
    assert at.selectbox(key="dt_reporting").value == "CHF"
    assert any("**CHF**" in c.value for c in at.caption)


def test_the_import_preview_asks_the_currency_of_a_file_that_names_none(demo_db: str) -> None:
    at = data_page()
    at.radio(key="dt_kind").set_value("opportunities").run()
    uploader = next(u for u in at.get("file_uploader"))
    uploader.upload("deals.csv", b"Opportunity ID,Account ID,Amount\r\nNEW-1,ACC-0002,1250000\r\n", "text/csv").run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.info or all("No currency" not in i.value for i in at.info)  # nothing is read before asked
    at.button(key="dt_read_file").click().run()
    notes = [i.value.replace("\\", "") for i in at.info]  # shown through fmt.plain, which escapes Markdown
    assert "No currency in the file: amounts are taken as USD (the reporting currency)." in notes, notes
    choice = next(s for s in at.selectbox if s.label.startswith("Currency of the amounts that name none"))
    assert choice.value == "USD"
    choice.select("EUR").run()
    errors = " ".join(e.value.replace("\\", "") for e in at.error)
    assert "No exchange rate for EUR (1 row)" in errors and "Import page" in errors
    assert button(at, "dt_commit").disabled
    assert any("taken as EUR (chosen on import)" in i.value.replace("\\", "") for i in at.info)
