"""The server's housekeeping: libraries frozen out of the collector once, memory handed back when sessions end."""

from __future__ import annotations

import gc
import threading

import pytest

from pages.common import housekeeping


def test_outside_a_server_there_are_no_sessions_and_giving_memory_back_is_safe() -> None:
    assert housekeeping.open_sessions() == 0
    housekeeping.give_back_memory()  # gc + malloc_trim (a no-op where the C library has none)


def _watch_until_done(counts: list[int | Exception], monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Run the watcher over these counts (an exception: a failing count); the calls to give memory back, by look."""
    monkeypatch.setattr(housekeeping, "PERIOD_S", 0.01)
    given: list[int] = []
    looks = iter(counts)
    stop = threading.Event()
    seen = {"n": 0, "last": 0}
    monkeypatch.setattr(housekeeping, "give_back_memory", lambda: given.append(seen["n"]))

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

    watcher = threading.Thread(target=housekeeping._watch, args=(count, stop), daemon=True)
    watcher.start()
    watcher.join(timeout=5)
    assert not watcher.is_alive()
    return given


def test_memory_is_given_back_when_the_number_of_sessions_falls(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _watch_until_done([3, 3, 1, 1, 0, 0], monkeypatch) == [3, 5]  # 3 -> 1 and 1 -> 0, nothing while held


def test_a_failing_count_is_logged_and_the_watch_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    failing: list[int | Exception] = [RuntimeError("no session manager"), 2, RuntimeError("again"), 1]
    assert _watch_until_done(failing, monkeypatch) == [4]  # the first count failed: 0, then 2, then 1 (a fall)


def test_start_freezes_once() -> None:
    housekeeping.start(lambda: 0)
    frozen = gc.get_freeze_count()
    housekeeping.start(lambda: 0)  # every later run of app.py: nothing more
    assert frozen > 0 and gc.get_freeze_count() == frozen
