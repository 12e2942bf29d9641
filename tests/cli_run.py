"""Run the command line in-process: ``gtm.cli.main`` as ``python -m gtm`` runs it, without a second interpreter."""

from __future__ import annotations

import logging
import sys

import pytest

from gtm.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """gtm.cli.main in-process: (exit code, stdout, stderr). The 'gtm' log reaches stderr as in a process of its own
    (incidents.configure_logging leaves pytest's logging set-up alone, so the handler is added here for the call)."""
    log = logging.getLogger("gtm")
    handler, level = logging.StreamHandler(sys.stderr), log.level
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    try:
        code = main(list(args))
    finally:
        log.removeHandler(handler)
        log.setLevel(level)
    out = capsys.readouterr()
    return code, out.out, out.err
