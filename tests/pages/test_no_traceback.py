"""No traceback reaches a user: an unexpected error on a page shows an error id, the trace goes to the log under it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import streamlit as st
from streamlit.config import ShowErrorDetailsConfigOptions
from streamlit.testing.v1 import AppTest

from gtm.domain import portfolio
from gtm.domain.errors import InputError

ROOT = Path(__file__).resolve().parents[2]
SECRET = "postgresql://gtm:hunter2@db/gtm"


@pytest.fixture
def cold_caches(demo_db: str) -> str:
    """The demo, with nothing of it in Streamlit's caches: the page computes its figures in this test, through the
    function the test breaks (a test before may have left them cached for the same data)."""
    st.cache_data.clear()
    st.cache_resource.clear()
    return demo_db


def _everything_shown(at: AppTest) -> str:
    return " ".join(str(getattr(e, "value", "")) for e in at.main) + " ".join(e.message for e in at.exception)


def test_an_unexpected_error_shows_an_id_and_logs_the_trace(cold_caches: str, monkeypatch: pytest.MonkeyPatch,
                                                           caplog: pytest.LogCaptureFixture) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError(f"cannot reach {SECRET}")

    monkeypatch.setattr(portfolio, "figures", broken)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    shown = [e.value for e in at.error]
    found = re.search(r"Something went wrong \(error id ([A-Z2-9]{6})\)", " ".join(shown))
    assert found, shown
    assert SECRET not in _everything_shown(at) and "RuntimeError" not in _everything_shown(at)
    logged = [r for r in caplog.records if found.group(1) in r.getMessage()]
    assert logged and logged[0].exc_info is not None
    assert SECRET in logged[0].getMessage() and "page Portfolio" in logged[0].getMessage()
    assert at.title[0].value == "Portfolio"  # what was drawn before the failure stays


def test_a_message_for_people_escaping_a_page_is_shown_as_is(cold_caches: str,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*args: object, **kwargs: object) -> None:
        raise InputError("Column 'value': row 3 is empty; every opportunity needs a value.")

    monkeypatch.setattr(portfolio, "figures", refused)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    shown = [e.value.replace("\\", "") for e in at.error]  # as Markdown shows it, without its escapes
    assert shown == ["Column 'value': row 3 is empty; every opportunity needs a value."]


def test_the_shipped_config_hides_error_details_keeps_xsrf_and_binds_to_this_machine() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == ShowErrorDetailsConfigOptions.NONE
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["address"] == "127.0.0.1"
