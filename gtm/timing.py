"""The server's own page timings: with GTM_TIMING_LOG=/path/file.jsonl set, every page run appends one JSON line.

A line holds the time (UTC), the page, the session id, the run's duration in milliseconds and the exception it
ended with, if any (Streamlit's st.rerun and st.stop end a run by raising; they are named, not hidden). Browser
timings include the browser's own work; these are what the server spent, which is what scripts/load_sessions.py
reports beside them. Unset, a page pays one environment lookup.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from gtm.settings import settings

ENV = "GTM_TIMING_LOG"
_lock = threading.Lock()  # sessions run in threads of one server process; O_APPEND covers other processes


def log_path() -> Path | None:
    """The timing log GTM_TIMING_LOG names, or None when timing is off."""
    value = settings().timing_log
    return Path(value) if value else None


def append(path: Path, record: dict[str, Any]) -> None:
    """Append ``record`` to ``path`` as one JSON line, in one write to a file opened for appending, so lines from
    concurrent sessions (or processes) never interleave. A log that can't be written never breaks a page."""
    data = (json.dumps(record, ensure_ascii=False, default=str) + "\n").encode("utf-8")
    try:
        with _lock:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, data)
            finally:
                os.close(fd)
    except OSError as exc:
        logging.getLogger("gtm").warning("timing log %s not written: %s", path, exc)


@contextmanager
def page_run(page: Callable[[], str], session_id: Callable[[], str | None]) -> Iterator[None]:
    """Time the body (a page's run) and append its line to the timing log, however the body ends.

    ``page`` and ``session_id`` are functions, called only when timing is on and after the run.
    """
    path = log_path()
    if path is None:
        yield
        return
    started = time.perf_counter()
    raised: str | None = None
    try:
        yield
    except BaseException as exc:  # st.rerun / st.stop are BaseExceptions too: named in the line, then re-raised
        raised = type(exc).__name__
        raise
    finally:
        duration_ms = (time.perf_counter() - started) * 1000
        append(path, {"time": datetime.now(UTC).isoformat(timespec="milliseconds"), "page": page(),
                      "session": session_id(), "ms": round(duration_ms, 1), "raised": raised})


def read(path: Path) -> list[dict[str, Any]]:
    """The lines of a timing log, oldest first (a missing file: none)."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]
