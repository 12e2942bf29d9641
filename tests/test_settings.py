"""Every GTM_* setting in one model: names in one scheme, old names still read with a note, nonsense said."""

from __future__ import annotations

import logging

import pytest

from gtm.ingest.limits import Limits
from gtm.settings import Settings, describe, settings


def test_every_setting_is_named_gtm_and_the_field(monkeypatch: pytest.MonkeyPatch) -> None:
    names = [name for name, _, _ in describe()]
    assert all(n.startswith("GTM_") and n == n.upper() for n in names)
    assert "GTM_UPLOAD_MAX_MB" in names and "GTM_MAX_UPLOAD_MB" not in names
    monkeypatch.setenv("GTM_UPLOAD_MAX_ROWS", "1,000")
    monkeypatch.setenv("GTM_DEMO_WORKSHOP", "off")
    s = settings()
    assert s.upload_max_rows == 1_000 and s.demo_workshop is False and isinstance(s, Settings)


def test_the_old_upload_size_name_is_read_with_a_deprecation_note(monkeypatch: pytest.MonkeyPatch,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("GTM_MAX_UPLOAD_MB", "2")
    with caplog.at_level(logging.WARNING, logger="gtm"):
        assert Limits.upload().max_bytes.value == 2 * 2**20
    assert "GTM_MAX_UPLOAD_MB is deprecated: name it GTM_UPLOAD_MAX_MB" in caplog.text
    monkeypatch.setenv("GTM_UPLOAD_MAX_MB", "3")  # the new name wins
    assert Limits.upload().max_bytes.value == 3 * 2**20


def test_a_limit_that_is_not_a_positive_number_keeps_its_default_and_says_so(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("GTM_CLI_MAX_SECONDS", "forever")
    with caplog.at_level(logging.WARNING, logger="gtm"):
        assert Limits.command_line().max_seconds.value == 900
    assert "GTM_CLI_MAX_SECONDS='forever' is not a positive number: 900 is used" in caplog.text
