"""The server process's housekeeping, started once by app.py: cheap garbage collection, memory given back.

- **Garbage collection.** Streamlit runs a full collection after every script run (``runner.postScriptGC``), and a
  full collection walks every object the process holds: some 180,000 for the libraries alone, about 70 ms on this
  machine, more than a page's own run at demo size, and with the GIL held, so every other session waits. Once the
  libraries are loaded, ``gc.freeze()`` moves what exists to a permanent generation the collector skips; it then
  walks only what sessions created since. What they create since (the shared caches of a portfolio, every session's
  state) still made that collection about 60 ms a run with 25 sessions open, a quarter of the server's CPU under
  load, so ``.streamlit/config.toml`` turns ``runner.postScriptGC`` off: Python's own collector runs as objects are
  made, and the watcher below collects when sessions close.
- **Memory back after sessions close.** Python frees a closed session's objects, but the C allocator keeps the
  freed pages (every thread has its arena), so the server's resident memory stays at its peak. A daemon thread
  looks every few seconds; when the number of sessions has fallen (counted through Streamlit's public API only:
  ``open_sessions``), it collects and asks glibc to return free
  pages to the system (``malloc_trim``). Elsewhere than glibc it only collects.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import threading
import time
from collections.abc import Callable

PERIOD_S = 5.0
_started = False
_lock = threading.Lock()
log = logging.getLogger("gtm")


def _load_libraries() -> None:
    """Import what the pages use, so the freeze covers their modules too (imports are cached: no cost later)."""
    import pandas  # noqa: F401
    import plotly.graph_objects  # noqa: F401
    import pyarrow  # noqa: F401


def _malloc_trim() -> Callable[[], None]:
    """glibc's malloc_trim(0), or a no-op where the C library has none (musl, macOS)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return lambda: None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int

    def run() -> None:
        trim(0)

    return run


def give_back_memory() -> None:
    """Collect garbage, then return the allocator's free pages to the system."""
    gc.collect()
    _TRIM()


_TRIM = _malloc_trim()


class Sessions:
    """The sessions this server has run app.py for and still holds, with when each stopped being connected."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: set[str] = set()
        self._gone: dict[str, float] = {}  # of those, the ones no longer connected: since when (time.monotonic)

    def remember(self, session_id: str) -> None:
        with self._lock:
            self._seen.add(session_id)

    def count(self, now: Callable[[], float] = time.monotonic) -> int:
        """How many sessions the server holds, connected or kept for a reconnect; 0 outside a server.

        Only Streamlit's public API: of the sessions this server has run (``remember``), those it says are
        active, and those gone for less than ``server.disconnectedSessionTTL`` (Streamlit keeps a closed tab's
        session that long for a reconnect). So the count falls when a tab closes and again when its session may be
        freed. Streamlit frees an expired session on its next write to its session store, which every closing tab
        makes; the last tab's session is freed when another tab closes.
        """
        import streamlit as st
        from streamlit import runtime

        if not runtime.exists():
            return 0
        server = runtime.get_instance()
        kept_for = float(st.get_option("server.disconnectedSessionTTL"))
        at = now()
        with self._lock:
            for session_id in list(self._seen):
                if server.is_active_session(session_id):
                    self._gone.pop(session_id, None)  # connected, or back after a blip
                elif at - self._gone.setdefault(session_id, at) > kept_for:
                    self._seen.discard(session_id)
                    del self._gone[session_id]
            return len(self._seen)


_SESSIONS = Sessions()


def remember_session() -> None:
    """Note the session this run of app.py belongs to: the sessions counted are the ones this server has run."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is not None:
        _SESSIONS.remember(ctx.session_id)


def open_sessions(now: Callable[[], float] = time.monotonic) -> int:
    """How many sessions this server holds (``Sessions.count``)."""
    return _SESSIONS.count(now)


def _watch(
    count_sessions: Callable[[], int],
    stop: threading.Event | None = None,
    period_s: float = PERIOD_S,
    give_back: Callable[[], None] = give_back_memory,
) -> None:
    """Every ``period_s`` seconds until ``stop`` is set (never, for the server's watcher): when fewer sessions are
    open than at the last look, ``give_back`` memory. A test passes its own period and give-back rather than
    patching this module, which the server's own watcher thread also reads."""
    stop = stop or threading.Event()
    try:
        last = count_sessions()
    except Exception:  # no count yet: the first look below sets one
        log.exception("housekeeping could not count sessions")
        last = 0
    while not stop.wait(period_s):
        try:
            now = count_sessions()
            if now < last:
                give_back()
            last = now
        except Exception:  # housekeeping must never take the server down; say so and go on
            log.exception("housekeeping failed")


def start(count_sessions: Callable[[], int] = open_sessions) -> None:
    """Remember this run's session; freeze the loaded libraries out of the collector's way and start the watcher,
    once per process."""
    global _started
    remember_session()
    with _lock:
        if _started:
            return
        _started = True
    _load_libraries()
    gc.collect()
    gc.freeze()
    threading.Thread(target=_watch, args=(count_sessions,), name="gtm-housekeeping", daemon=True).start()
