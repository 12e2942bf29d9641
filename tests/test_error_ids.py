"""An unexpected failure on the command line: a short message with an error id, the trace in the log under it."""

from __future__ import annotations

import argparse
import logging
import re
from pathlib import Path

import pytest

from gtm import cli, incidents
from gtm.domain.errors import InputError

SECRET = "SELECT * FROM users WHERE password = 'hunter2'"


def _boom(args: argparse.Namespace) -> int:
    raise RuntimeError(SECRET)


def test_an_unexpected_error_prints_an_id_and_logs_the_trace_under_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "logs" / "errors.log"
    monkeypatch.setenv("GTM_ERROR_LOG", str(log))
    monkeypatch.setattr(cli, "cmd_matrix", _boom)
    code = cli.main(["matrix"])
    err = capsys.readouterr().err
    assert code == 3
    assert "Traceback" not in err and SECRET not in err and "RuntimeError" not in err
    found = re.search(r"error id ([A-Z2-9]{6})", err)
    assert found, err
    assert str(log) in err
    logged = log.read_text(encoding="utf-8")
    assert f"error id {found.group(1)} in gtm matrix" in logged
    assert "Traceback (most recent call last)" in logged and SECRET in logged and "_boom" in logged


def test_a_second_failure_appends_with_a_new_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "errors.log"
    monkeypatch.setenv("GTM_ERROR_LOG", str(log))
    monkeypatch.setattr(cli, "cmd_matrix", _boom)
    ids = []
    for _ in range(2):
        assert cli.main(["matrix"]) == 3
        ids.append(re.findall(r"error id ([A-Z2-9]{6})", capsys.readouterr().err)[0])
    assert ids[0] != ids[1]
    assert all(f"error id {i}" in log.read_text(encoding="utf-8") for i in ids)


def test_an_unwritable_log_puts_the_trace_on_stderr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("GTM_ERROR_LOG", str(blocker / "errors.log"))
    monkeypatch.setattr(cli, "cmd_matrix", _boom)
    assert cli.main(["matrix"]) == 3
    err = capsys.readouterr().err
    assert "details are above" in err and "Traceback" in err  # never lost, even without a log file


def test_a_users_mistake_stays_a_plain_message_without_an_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    def mistake(args: argparse.Namespace) -> int:
        raise InputError("Column 'value': row 3 is empty; every opportunity needs a value.")

    log = tmp_path / "errors.log"
    monkeypatch.setenv("GTM_ERROR_LOG", str(log))
    monkeypatch.setattr(cli, "cmd_matrix", mistake)
    assert cli.main(["matrix"]) == 2
    err = capsys.readouterr().err
    assert err == "error: Column 'value': row 3 is empty; every opportunity needs a value.\n"
    assert not log.exists()


def test_report_logs_under_the_id_it_returns(caplog: pytest.LogCaptureFixture) -> None:
    try:
        raise ValueError("the details")
    except ValueError as exc:
        error_id = incidents.report(exc, "page portfolio")
    record = next(r for r in caplog.records if error_id in r.getMessage())
    assert record.name == "gtm" and record.exc_info is not None
    assert "page portfolio" in record.getMessage()
    assert error_id in incidents.message(error_id) and "the details" not in incidents.message(error_id)


def test_logging_is_configured_once_and_leaves_a_host_programs_set_up_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """app.py runs configure_logging on every rerun: one stderr handler, however often; none beside a root handler."""
    gtm_log = logging.getLogger("gtm")
    monkeypatch.setattr(logging.getLogger(), "handlers", [])
    monkeypatch.setattr(gtm_log, "handlers", [])
    monkeypatch.setattr(gtm_log, "level", logging.NOTSET)
    incidents.configure_logging()
    incidents.configure_logging()
    assert len(gtm_log.handlers) == 1 and gtm_log.level == logging.INFO
    monkeypatch.setattr(logging.getLogger(), "handlers", [logging.NullHandler()])
    monkeypatch.setattr(gtm_log, "handlers", [])
    incidents.configure_logging()
    assert gtm_log.handlers == []
