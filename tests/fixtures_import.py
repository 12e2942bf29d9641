"""Helpers for the import tests: CRM exports as people really produce them, and a snapshot of a whole store."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from typing import Any

import pandas as pd

from gtm.domain.permissions import Actor, Role
from gtm.services import decisions
from gtm.services.imports import commit_import, plan_import
from gtm.storage.repository import Store

LEADER = Actor("Dana Reyes", Role.SALES_LEADER)

# A Salesforce "Accounts" report: labels as Salesforce writes them, accented names, dollar amounts.
SF_ACCOUNT_HEADER = ["Account ID", "Account Name", "Industry", "Billing Country", "Annual Revenue", "Account Owner"]
SF_ACCOUNTS = [
    ["0011x000001AbcD", "Müller Anlagenbau GmbH", "Chemicals", "Germany", "$1,234.50", "Jörg Weiß"],
    ["0011x000001AbcE", "Société Générale d'Énergie", "Utilities", "France", "$12,500,000.00", "Zoë Laurent"],
    ["0011x000001AbcF", "Ørsted Façades A/S", "Construction", "Denmark", "$980.00", "Dana Reyes"],
]
SF_OPPORTUNITY_HEADER = ["Opportunity ID", "Account Name", "Opportunity Name", "Stage", "Amount", "Probability (%)",
                         "Close Date", "Type", "Opportunity Owner"]


def text_bytes(header: Sequence[str], rows: Sequence[Sequence[Any]], *, encoding: str = "utf-8",
               delimiter: str = ",", newline: str = "\r\n") -> bytes:
    """A delimited text file; cells holding the delimiter, a quote or a line break are quoted."""
    def cell(value: Any) -> str:
        s = "" if value is None else str(value)
        if delimiter in s or '"' in s or "\n" in s or "\r" in s:
            return '"' + s.replace('"', '""') + '"'
        return s
    lines = [delimiter.join(cell(v) for v in row) for row in [list(header), *rows]]
    return (newline.join(lines) + newline).encode(encoding)


def xlsx_bytes(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """A one-sheet workbook, written as Excel would (numbers as numbers)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Report"
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def docx_like_zip() -> bytes:
    """A ZIP that is a Word document, not a workbook."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
        zf.writestr("[Content_Types].xml", "<Types/>")
    return buffer.getvalue()


def load(store: Store, kind: str, data: bytes, name: str = "file.csv", **kwargs: Any) -> Any:
    """plan_import + commit_import of bytes as the sales leader; returns the ImportResult."""
    plan = plan_import(store, kind, data, name=name)
    return commit_import(store, plan, LEADER, **kwargs)


def small_portfolio(store: Store) -> None:
    """Three accounts, four opportunities (one with each way of naming its account) and a decision."""
    load(store, "accounts", text_bytes(SF_ACCOUNT_HEADER, SF_ACCOUNTS, encoding="cp1252"))
    load(store, "opportunities", text_bytes(
        ["Opportunity ID", "Account ID", "Account Name", "Amount", "Nature", "Probability (%)"],
        [["006A", "0011x000001AbcD", "", "$250,000.00", "Turnkey", "40"],
         ["006B", "", "Société Générale d'Énergie", "$1,000.00", "", "10"],
         ["006C", "0011x000001AbcF", "", "$75,000.00", "cross sell", ""],
         ["006D", "0011x000001AbcE", "", "$5.00", "", "100"]]))
    decisions.record_decision(store, Actor("Jörg Weiß", Role.SALES_LEADER), "0011x000001AbcD", "lead_unit", "Strongest relationship sits in Automation.")


def snapshot(store: Store) -> dict[str, Any]:
    """Everything a user could see in the store, to compare before and after a failed import."""
    def rows(frame: pd.DataFrame) -> list[tuple[Any, ...]]:
        frame = frame.astype(object).where(frame.notna(), None)
        return [tuple(r) for r in frame.itertuples(index=False)]
    return {
        "counts": store.counts(),
        "data_version": store.data_version(),
        "business_units": rows(store.business_units()),
        "accounts": rows(store.accounts()),
        "opportunities": rows(store.opportunities()),
        "decisions": rows(store.decisions()),
        "reviews": rows(store.reviews()),
    }
