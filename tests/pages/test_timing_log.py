"""With GTM_TIMING_LOG set, the app itself logs each page run: page, session and how long the server took.

(AppTest sends only its first run through app.py; with a pages/ folder later runs execute the page script alone,
so one run is what can be checked here. tests/browser/test_timing_log.py checks a real server's sessions.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from gtm import timing

ROOT = Path(__file__).resolve().parents[2]


def test_a_page_run_appends_one_line_naming_the_page_and_the_session(demo_db: str, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "timing.jsonl"
    monkeypatch.setenv(timing.ENV, str(log))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Portfolio"]
    [line] = timing.read(log)
    assert line["page"] == "Portfolio"
    assert line["session"] == "test session id"  # AppTest's session id, read from the script-run context
    assert line["raised"] is None and line["ms"] > 0
