"""What a page run costs the server, in what a user would notice at 100,000 accounts or 25 people at once: a run
reads the store's counters once, and a table sends the browser only the columns it shows.

A server runs app.py, where a run begins (session.begin_run), before the page on every run. AppTest runs app.py on
its first run only (later runs go to the page alone), so the counters are counted in a run that begins as app.py's
does and asks for every counter many times.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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


def _a_run_asking_for_every_counter() -> None:
    """What a page run asks of the store's counters, many times over, after app.py began the run."""
    import streamlit as st

    from pages.common import session

    session.begin_run()  # as app.py does first on every run of the server
    for _ in range(5):  # every amount asks for the currency; the pages, the list and the sidebar for the versions
        session.currency(), session.won_weight(), session.data_version(), session.portfolio_version()
        session.rows_version(), session.active_matrix()
    st.write("done")


def test_a_run_reads_the_stores_counters_once(demo_db: str) -> None:
    # Every amount on a page asks for the reporting currency, keyed on the portfolio version: it was read from the
    # database each time (15 queries a run on the Portfolio page, 25 people at once: 375).
    at = AppTest.from_function(_a_run_asking_for_every_counter, default_timeout=60)
    at.query_params["workspace"] = "demo"
    at.run()  # the first run fills the caches
    with statements() as seen:
        at.run()
    assert not at.exception, [e.message for e in at.exception]
    counters = [s for s in seen if "FROM meta" in s]
    assert len(counters) == 1, counters


def test_the_account_page_sends_only_the_columns_it_shows(demo_db: str) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["account"] = "ACC-0001"
    at.run()
    at.switch_page("pages/account.py").run()
    assert not at.exception, [e.message for e in at.exception]
    tables = [list(d.value.columns) for d in at.dataframe]  # AppTest names no table by its key: found by a column
    sent = next(c for c in tables if "fit_badge" in c)
    assert {"name", "fit_badge", "value", "nature_label"} <= set(sent)
    # The opportunity's signals, CRM columns and ids the table does not show stay on the server.
    assert not {"signals", "attributes", "account_id", "account_name"} & set(sent), sent
