"""Unexpected failures: the full trace goes to the log under a short error id, people are told only the id.

A GtmError is a message for people and is shown as is; anything else is a fault of ours, and its message may
hold SQL, parameter values or paths that are nobody's business but the operator's. Both the pages and the
command line report such a failure here, and show ``message(error_id)`` instead of a traceback.
"""

from __future__ import annotations

import logging
import secrets
import sys
from pathlib import Path

from gtm.settings import settings

LOGGER_NAME = "gtm"
# No 0/O or 1/I: an id is read aloud and typed from a screenshot.
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Beside the default database (var/gtm.db): the command line's traces.
DEFAULT_LOG = Path(__file__).resolve().parents[1] / "var" / "gtm-errors.log"


def new_id() -> str:
    """A fresh, random six-character error id, e.g. 'K7Q2MZ'."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(6))


_HANDLER = "gtm-stderr"  # the name of the handler configure_logging adds, so a second call adds none


def configure_logging() -> None:
    """Set up the 'gtm' logger, once per process, from the entry points (app.py, gtm.cli.main): INFO and above to
    stderr, with time, level and logger name. When the root logger already has handlers (a host program, pytest), its
    set-up is kept and nothing is added; calling it again (app.py runs on every rerun) changes nothing."""
    log = logging.getLogger(LOGGER_NAME)
    if logging.getLogger().handlers or any(h.get_name() == _HANDLER for h in log.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(_HANDLER)
    handler.setFormatter(logging.Formatter(_FORMAT))
    log.addHandler(handler)
    log.setLevel(logging.INFO)


def report(exc: BaseException, where: str) -> str:
    """Log ``exc`` with its traceback under a new error id (``where``: the page or command); return the id."""
    error_id = new_id()
    logging.getLogger(LOGGER_NAME).error("error id %s in %s: %s: %s", error_id, where, type(exc).__name__, exc, exc_info=exc)
    return error_id


def message(error_id: str) -> str:
    """What a person reads instead of a traceback."""
    return (f"Something went wrong (error id {error_id}). The details are in the server's log under this id; "
            "if it happens again, send the id to whoever runs GTM Fit.")


def log_file() -> Path:
    """Where the command line writes traces: GTM_ERROR_LOG, else var/gtm-errors.log."""
    return Path(settings().error_log or DEFAULT_LOG)


def report_to_file(exc: BaseException, where: str, path: Path) -> tuple[str, Path | None]:
    """Like ``report``, but append the trace to ``path`` (the command line's log); returns the id and the file,
    or None when the file cannot be written (the trace then goes to stderr, so it is never lost)."""
    error_id = new_id()
    log = logging.getLogger(f"{LOGGER_NAME}.cli")
    log.propagate = False
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8")
        written: Path | None = path
    except OSError:
        handler, written = logging.StreamHandler(sys.stderr), None
    handler.setFormatter(logging.Formatter(_FORMAT))
    log.addHandler(handler)
    try:
        log.error("error id %s in %s: %s: %s", error_id, where, type(exc).__name__, exc, exc_info=exc)
    finally:
        log.removeHandler(handler)
        handler.close()
    return error_id, written
