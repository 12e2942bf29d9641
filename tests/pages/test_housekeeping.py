"""The server's housekeeping: libraries frozen out of the collector once, memory handed back when sessions end."""

from __future__ import annotations

import gc
import threading

import pytest
import streamlit as st

from pages.common import housekeeping


def test_outside_a_server_there_are_no_sessions_and_giving_memory_back_is_safe() -> None:
    assert housekeeping.open_sessions() == 0
    housekeeping.give_back_memory()  # gc + malloc_trim (a no-op where the C library has none)


def _watch_until_done(counts: list[int | Exception]) -> list[int]:
    """Run the watcher over these counts (an exception: a failing count); the calls to give memory back, by look."""
    given: list[int] = []
    looks = iter(counts)
    stop = threading.Event()
    seen = {"n": 0, "last": 0}

    def count() -> int:
        seen["n"] += 1
        found = next(looks, None)
        if found is None:  # no more looks: stop, with the count unchanged
            stop.set()
            return seen["last"]
        if isinstance(found, Exception):
            raise found
        seen["last"] = found
        return found

    # period and give-back passed in: the server's own watcher (started by any earlier page test in this process)
    # reads the module's, so patching them would let it call this test's give-back too
    watcher = threading.Thread(
        target=housekeeping._watch, args=(count, stop, 0.01, lambda: given.append(seen["n"])), daemon=True
    )
    watcher.start()
    watcher.join(timeout=5)
    assert not watcher.is_alive()
    return given


def test_memory_is_given_back_when_the_number_of_sessions_falls() -> None:
    assert _watch_until_done([3, 3, 1, 1, 0, 0]) == [3, 5]  # 3 -> 1 and 1 -> 0, nothing while held


def test_a_failing_count_is_logged_and_the_watch_goes_on() -> None:
    failing: list[int | Exception] = [RuntimeError("no session manager"), 2, RuntimeError("again"), 1]
    assert _watch_until_done(failing) == [4]  # the first count failed: 0, then 2, then 1 (a fall)


def test_start_freezes_once() -> None:
    housekeeping.start(lambda: 0)
    frozen = gc.get_freeze_count()
    housekeeping.start(lambda: 0)  # every later run of app.py: nothing more
    assert frozen > 0 and gc.get_freeze_count() == frozen


class _Server:
    """A stand-in for Streamlit's runtime: which sessions are connected."""

    def __init__(self) -> None:
        self.active: set[str] = set()

    def is_active_session(self, session_id: str) -> bool:
        return session_id in self.active


def test_sessions_are_counted_while_connected_and_while_kept_for_a_reconnect(monkeypatch: pytest.MonkeyPatch) -> None:
    """Public API only: the sessions this server ran, connected or gone for less than disconnectedSessionTTL."""
    from streamlit import runtime

    server, clock = _Server(), {"now": 0.0}
    monkeypatch.setattr(runtime, "exists", lambda: True)
    monkeypatch.setattr(runtime, "get_instance", lambda: server)
    sessions = housekeeping.Sessions()  # its own: the server's watcher, if an earlier test started one, counts too
    ttl = float(st.get_option("server.disconnectedSessionTTL"))

    def count() -> int:
        return sessions.count(lambda: clock["now"])

    for session_id in ("a", "b", "c"):
        sessions.remember(session_id)
    server.active.update({"a", "b", "c"})
    assert count() == 3
    server.active -= {"b", "c"}  # two tabs closed
    assert count() == 3  # kept for a reconnect
    clock["now"] = ttl / 2
    server.active.add("c")  # c came back after a blip
    assert count() == 3
    clock["now"] = ttl + 1
    assert count() == 2  # b is past its TTL: the count falls, the watcher gives memory back
    server.active.clear()
    assert count() == 2
    clock["now"] = 3 * ttl
    assert count() == 0


def test_a_run_remembers_its_session(monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.runtime import scriptrunner

    sessions = housekeeping.Sessions()
    monkeypatch.setattr(housekeeping, "_SESSIONS", sessions)
    monkeypatch.setattr(scriptrunner, "get_script_run_ctx", lambda: type("Ctx", (), {"session_id": "s-1"}))
    housekeeping.remember_session()
    assert sessions._seen == {"s-1"}
