"""No page can be poisoned by stored data: values an older version wrote (inf, a probability of 500, text in an
amount) are shown as problem rows, and every page and the export keep working without them."""

from __future__ import annotations

import os
import secrets
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from gtm import cli
from gtm.services.demo import seed_demo
from gtm.storage.repository import Store

ROOT = Path(__file__).resolve().parents[2]
PAGES = ["pages/portfolio.py", "pages/account.py", "pages/diagnose.py", "pages/review.py", "pages/matrix.py"]
# What older versions let through, written straight into the table as they would have stored it.
POISON = {"OPP-00001": ("value", "9e999"), "OPP-00002": ("probability", "500"), "OPP-00003": ("value", "'abc'")}


@pytest.fixture
def poisoned(demo_db: str) -> dict[str, str]:
    """The demo workspace with three poisoned opportunities; returns each one's account."""
    store = Store(os.environ["GTM_DATABASE_URL"], workspace="demo")
    seed_demo(store)
    store.dispose()
    path = demo_db.split("///", 1)[1]
    with sqlite3.connect(path) as conn:
        for opportunity, (column, literal) in POISON.items():
            assert conn.execute(f"UPDATE opportunities SET {column} = {literal} WHERE external_id = ?",
                                (opportunity,)).rowcount == 1
        # As any write of the portfolio does (StoreBase.bump), so no cache or snapshot of the rows before is read.
        conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 "
                     "WHERE key IN ('data_version', 'portfolio_version', 'rows_version')")
        conn.execute("UPDATE meta SET value = ? WHERE key = 'portfolio_stamp'", (secrets.randbelow(2**31 - 2) + 1,))
        owners = dict(conn.execute("SELECT o.external_id, a.external_id FROM opportunities o JOIN accounts a "
                                   "ON a.id = o.account_id WHERE o.external_id IN (?, ?, ?)", tuple(POISON)))
    return owners


def _problems(at: AppTest) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if list(d.value.columns)[:3] == ["row", "account_id", "column"])


@pytest.mark.parametrize("page", PAGES)
def test_every_page_shows_the_poisoned_rows_and_keeps_working(poisoned: dict[str, str], page: str) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["account"] = poisoned["OPP-00001"]  # the Account page opens the account holding the inf
    at.run()
    if page != "pages/portfolio.py":
        at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert at.title[0].value
    assert any("3 stored opportunities hold values the engine can't use" in w.value for w in at.warning)
    shown = _problems(at)
    assert {(r.row, r.column, r.value) for r in shown.itertuples()} == \
        {("OPP-00001", "value", "inf"), ("OPP-00002", "probability", "500.0"), ("OPP-00003", "value", "abc")}
    assert shown.set_index("row")["account_id"].to_dict() == poisoned


def test_the_portfolio_counts_every_other_opportunity(poisoned: dict[str, str], demo_db: str) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    stored = Store(demo_db).counts()["opportunities"]
    shown = next(m.value for m in at.metric if m.label == "Opportunities")
    assert int(shown.replace(",", "")) == stored - len(POISON)


@pytest.mark.parametrize("what", ["accounts", "opportunities"])
def test_the_export_works_without_the_poisoned_rows(poisoned: dict[str, str], tmp_path: Path, what: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / f"{what}.csv"
    code = cli.main(["export", what, "--workspace", "demo", "-o", str(out)])
    assert code == 0, capsys.readouterr().err
    frame = pd.read_csv(out, encoding="utf-8-sig")
    if what == "accounts":
        assert len(frame) == 400
    else:
        assert not set(POISON) & set(frame["opportunity_id"])
        assert len(frame) == 3552 - len(POISON)
