"""Less on show: the data source is an administrator's business; a database that cannot be opened is said plainly."""

from __future__ import annotations

import pytest
from acting import act_as
from test_apptest import run


def _sidebar_text(at) -> str:  # type: ignore[no-untyped-def]
    return " ".join(m.value for m in [*at.sidebar.markdown, *at.sidebar.caption])


def test_a_viewer_does_not_see_where_the_data_lives(demo_db: str) -> None:
    at = run()
    assert "Data source" in _sidebar_text(at)  # the local administrator does
    act_as(at, "viewer", "Vic Viewer").run()
    assert not at.exception
    text = _sidebar_text(at)
    assert "Data source" not in text and "app-demo.db" not in text and "sqlite" not in text.lower()


def test_a_database_that_cannot_be_opened_is_a_sentence_with_an_error_id(monkeypatch: pytest.MonkeyPatch) -> None:
    """A wrong password used to show the driver's words: its class, the host, the port and the role."""
    monkeypatch.setenv("GTM_DATABASE_URL", "postgresql+psycopg://probe:wrong@127.0.0.1:1/gtm")
    monkeypatch.setenv("GTM_SEED_DEMO", "0")
    at = run()
    shown = " ".join(e.value for e in at.error)
    assert "cannot be opened right now" in shown and "error id" in shown
    for leaked in ("probe", "127.0.0.1", "OperationalError", "psycopg", "5432", ":1"):
        assert leaked not in shown, leaked
