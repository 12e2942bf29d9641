"""What a page run costs the server, in what a user would notice at 100,000 accounts or 25 people at once: a run
reads the store's counters once, and a table sends the browser only the columns it shows.

(AppTest sends only the first run after switch_page through app.py, where a run begins; that run is checked.)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def statements() -> Iterator[list[str]]:
    """Every SQL statement any engine runs meanwhile."""
    seen: list[str] = []

    def note(conn: object, cursor: object, statement: str, *args: object) -> None:
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", note)


@pytest.mark.parametrize("page", ["pages/portfolio.py", "pages/account.py", "pages/matrix.py", "pages/diagnose.py"])
def test_a_page_run_reads_the_stores_counters_once(demo_db: str, page: str) -> None:
    # Every amount on a page asks for the reporting currency, keyed on the portfolio version: it was read from the
    # database each time (15 queries a run on the Portfolio page, 25 people at once: 375).
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    with statements() as seen:
        at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    counters = [s for s in seen if "FROM meta" in s]
    assert len(counters) == 1, counters


def test_the_account_page_sends_only_the_columns_it_shows(demo_db: str) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["account"] = "ACC-0001"
    at.run()
    at.switch_page("pages/account.py").run()
    assert not at.exception, [e.message for e in at.exception]
    sent = list(at.dataframe(key="acc_opps").value.columns)
    assert {"name", "fit_badge", "value", "nature_label"} <= set(sent)
    # The opportunity's signals, CRM columns and ids the table does not show stay on the server.
    assert not {"signals", "attributes", "account_id", "account_name"} & set(sent), sent
