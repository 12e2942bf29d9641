"""What a script run has read of a store, kept for the rest of the run. (pages.common.session)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar, cast

# What a script run has read of a store: its versions and active matrix, read once per run. A page asks for them a
# dozen times (every amount asks for the currency, which is keyed on the portfolio version): one query instead of
# fifteen. Writes go through widgets.run_action, which reruns, so a run never reads its own writes through this.
_RUN = threading.local()
T = TypeVar("T")


def begin_run() -> None:
    """A new script run (app.py; a fragment's own run): the store's versions and active matrix are read again."""
    _RUN.read = {}


def _once(key: tuple[str, ...], read: Callable[[], T]) -> T:
    memo: dict[tuple[str, ...], Any] | None = getattr(_RUN, "read", None)
    if memo is None:  # outside a run app.py began (a component run on its own): read every time
        return read()
    if key not in memo:
        memo[key] = read()
    return cast(T, memo[key])
