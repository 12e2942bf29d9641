"""The workspace's reporting currency and exchange rates: seen by everyone, changed by who may."""

from __future__ import annotations

from typing import Any, cast

import streamlit as st

from gtm import display
from gtm.domain.types import Action, Actor
from gtm.services import currency as currency_service
from gtm.services.workspaces import Store
from pages.common import session, widgets
from pages.common.imports import keys
from pages.common.imports.upload import currency_choices


def show_currency(store: Store, who: Actor) -> None:
    """The reporting currency (set by who may) and the rates, an editor for who may set them."""
    st.subheader("Reporting currency and exchange rates", anchor=False)
    reporting = session.currency()
    may_set = who.can(Action.SET_CURRENCY)
    st.caption(f"Workspace **{session.workspace()}**: every amount is shown in **{reporting}**, the reporting "
               "currency; each opportunity keeps the currency "
               f"its file said. A rate is how many {reporting} one unit of a currency is worth. "
               + display.first_upper(f"{display.roles_allowed(Action.SET_CURRENCY)} change them."))
    r1, r2 = st.columns([2, 1], vertical_alignment="bottom")
    new_reporting = r1.selectbox("Reporting currency", currency_choices(reporting), key=keys.REPORTING,
                                 disabled=not may_set)
    if may_set and r2.button("Set reporting currency", key=keys.REPORTING_SET, disabled=new_reporting == reporting):
        widgets.run_action(lambda: currency_service.set_reporting_currency(store, who, new_reporting),
                           toast=f"Amounts are now shown in {new_reporting}; the rates were re-expressed in it")
    rates = currency_service.exchange_rates(store)
    edited_rates = st.data_editor(
        rates[["currency", "rate"]].astype({"currency": "string", "rate": "float64"}),
        num_rows="dynamic" if may_set else "fixed", disabled=not may_set,
        hide_index=True, key=keys.rates(session.data_version()),  # a fresh editor once the saved rates come back
        column_config={"currency": st.column_config.TextColumn("Currency", help="ISO 4217 code: EUR, GBP, CHF …"),
                       "rate": st.column_config.NumberColumn(f"{reporting} per unit", format="%.6g", min_value=0)})
    if may_set and st.button("Save exchange rates", key=keys.RATES_SAVE):
        widgets.run_action(lambda: currency_service.set_exchange_rates(  # records keyed by the column names
                               store, who, cast("list[dict[str, Any]]", edited_rates.to_dict("records"))),
                           toast="Exchange rates saved")
