"""The timing log: one whole JSON line per page run, however the run ends, from many threads and processes at once."""

from __future__ import annotations

import json
import logging
import threading
from multiprocessing import get_context
from pathlib import Path

import pytest

from gtm import timing


class _Rerun(BaseException):
    """Stands for Streamlit's RerunException: a run ended on purpose, not an Exception."""


def _run(path: Path | None, monkeypatch: pytest.MonkeyPatch, body: object = None) -> None:
    if path is None:
        monkeypatch.delenv(timing.ENV, raising=False)
    else:
        monkeypatch.setenv(timing.ENV, str(path))
    with timing.page_run(lambda: "Portfolio", lambda: "session-1"):
        if isinstance(body, BaseException):
            raise body


def test_off_by_default_nothing_is_written_and_names_are_not_asked(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(timing.ENV, raising=False)
    asked: list[str] = []
    with timing.page_run(lambda: asked.append("page") or "P", lambda: asked.append("session") or "S"):
        pass
    assert asked == [] and list(tmp_path.iterdir()) == []


def test_a_run_appends_one_line_with_page_session_duration_and_no_exception(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "timing.jsonl"
    _run(log, monkeypatch)
    _run(log, monkeypatch)
    lines = timing.read(log)
    assert len(lines) == 2
    first = lines[0]
    assert first["page"] == "Portfolio" and first["session"] == "session-1" and first["raised"] is None
    assert first["ms"] >= 0 and first["time"].endswith("+00:00")


def test_a_run_ended_by_rerun_or_error_is_logged_by_name_and_still_raises(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "timing.jsonl"
    with pytest.raises(_Rerun):
        _run(log, monkeypatch, _Rerun())
    with pytest.raises(ValueError):
        _run(log, monkeypatch, ValueError("boom"))
    assert [line["raised"] for line in timing.read(log)] == ["_Rerun", "ValueError"]


def test_an_unwritable_log_never_breaks_the_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="gtm"):
        _run(tmp_path / "no-such-folder" / "timing.jsonl", monkeypatch)
    assert "timing log" in caplog.text


def _write_many(path: str, writer: int, count: int) -> None:
    padding = "x" * 3000  # long lines: a torn or interleaved write would show as a line that does not parse
    for i in range(count):
        timing.append(Path(path), {"writer": writer, "i": i, "pad": padding})


def test_concurrent_threads_and_processes_never_interleave_lines(tmp_path: Path) -> None:
    log = tmp_path / "timing.jsonl"
    threads = [threading.Thread(target=_write_many, args=(str(log), w, 200)) for w in range(8)]
    processes = [get_context("spawn").Process(target=_write_many, args=(str(log), 100 + w, 200)) for w in range(3)]
    for t in [*threads, *processes]:
        t.start()
    for t in [*threads, *processes]:
        t.join()
    assert all(p.exitcode == 0 for p in processes)
    raw = log.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in raw]  # every line whole
    assert len(records) == 11 * 200
    for writer in [*range(8), *range(100, 103)]:
        assert sorted(r["i"] for r in records if r["writer"] == writer) == list(range(200))
