"""Parts of a page that rerun alone (``st.fragment``): a widget inside one reruns that part, not the app around it.

A fragment's own runs are timed like a page's (GTM_TIMING_LOG, under its title) and keep the app's promise that no
traceback reaches a browser: app.py wraps a page's run, which a fragment's own run bypasses.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from gtm import timing
from pages.common import session, widgets

F = TypeVar("F", bound=Callable[..., Any])


def running_alone() -> bool:
    """True while a fragment reruns on its own (a widget inside it changed), False in a run of the whole page."""
    ctx = get_script_run_ctx()
    return bool(ctx is not None and getattr(ctx, "fragment_ids_this_run", None))


def fragment(title: str) -> Callable[[F], F]:
    """``st.fragment`` for ``body``; its runs on their own are timed under ``title`` and show an error id, not a
    traceback, when something unexpected fails."""

    def wrap(body: F) -> F:
        @functools.wraps(body)
        def run(*args: Any, **kwargs: Any) -> Any:
            if not running_alone():  # a run of the whole page: app.py times it and catches what fails
                return body(*args, **kwargs)
            session.begin_run()  # a run of its own: the store's versions are read again
            ctx = get_script_run_ctx()
            with timing.page_run(lambda: title, lambda: getattr(ctx, "session_id", None)), \
                    widgets.unexpected_errors(f"fragment {title}"):
                return body(*args, **kwargs)

        return st.fragment(run)  # type: ignore[return-value]

    return wrap
