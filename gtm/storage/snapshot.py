"""The portfolio's frames kept on disk between server starts, so a cold page reads one file, not a million rows.

Building the frames every page reads (every opportunity read, diagnosed and converted to the reporting currency,
with the accounts and BUs) takes about 8 s at 100,000 accounts and 900,000 opportunities; loading them from a
snapshot takes about half a second. Pages keep the frames in memory once loaded (pages/common/session.py); a
snapshot serves the first run after a server starts, and the first after an import, which writes one.

A snapshot is named by a key that changes whenever its content could:

- the database (its URL, without the password) and the workspace;
- the portfolio version and stamp (``Store.portfolio_version`` / ``portfolio_stamp``): every write that changes
  accounts, opportunities, natures, rules or rates advances the version and draws a new random stamp, so two
  copies of one database that diverge never share a key;
- the code and data that build the frames: a hash of ``gtm/**/*.py`` and ``data/**/*.json``.

A database without a stamp (written before stamps existed, until its next change) gets no snapshot. A snapshot is
written under a temporary name and renamed whole, so a reader never sees half a file; a file that can't be read is
ignored and rebuilt. Only the newest ``KEEP`` files stay in the folder. The files are pickles written by this app:
like the database, the folder (GTM_CACHE_DIR, default var/cache; ``off``: no snapshots) must be writable by the
app's user only.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
import time
from functools import lru_cache
from pathlib import Path

import pandas as pd
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
ENV = "GTM_CACHE_DIR"
DEFAULT_FOLDER = ROOT / "var" / "cache"
FORMAT = 1
KEEP = 4
SUFFIX = ".portfolio.pickle"
log = logging.getLogger("gtm")

Frames = dict[str, pd.DataFrame]


def folder() -> Path | None:
    """Where snapshots live: GTM_CACHE_DIR, else var/cache beside the default database; None when GTM_CACHE_DIR is
    ``off`` (no snapshot is read or written: every server start rebuilds the frames from the database)."""
    value = os.environ.get(ENV, "").strip()
    if value.lower() == "off":
        return None
    return Path(value or DEFAULT_FOLDER)


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of the code and data files that build the frames: any change to them retires every snapshot."""
    digest = hashlib.sha256()
    for path in sorted([*(ROOT / "gtm").rglob("*.py"), *(ROOT / "data").rglob("*.json")]):
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def key(url: str, workspace: str, version: int, stamp: int) -> str | None:
    """The snapshot's name for this database, workspace and portfolio version; None without a stamp."""
    if not stamp:
        return None
    where = make_url(url).render_as_string(hide_password=True)
    text = "\n".join([str(FORMAT), code_fingerprint(), where, workspace, str(version), str(stamp)])
    return hashlib.sha256(text.encode()).hexdigest()[:40]


def load(name: str | None, where: Path | None = None) -> Frames | None:
    """The frames saved under ``name``, or None when there are none (or the file can't be read)."""
    place = where or folder()
    if name is None or place is None:
        return None
    path = place / f"{name}{SUFFIX}"
    try:
        with path.open("rb") as f:
            saved = pickle.load(f)
    except FileNotFoundError:
        return None
    except Exception as exc:  # a damaged or foreign file: rebuild rather than fail a page
        log.warning("portfolio snapshot %s not read, rebuilding: %s", path, exc)
        return None
    if not isinstance(saved, dict) or saved.get("format") != FORMAT or saved.get("key") != name:
        return None
    frames = saved.get("frames")
    return frames if isinstance(frames, dict) else None


def save(name: str | None, frames: Frames, where: Path | None = None) -> Path | None:
    """Write ``frames`` under ``name`` (whole, or not at all) and drop all but the newest KEEP snapshots.
    Returns the file, or None when there is no name or the folder can't be written (the pages work without)."""
    target = where or folder()
    if name is None or target is None:
        return None
    path = target / f"{name}{SUFFIX}"
    try:
        target.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target, prefix=".writing-", suffix=SUFFIX)
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump({"format": FORMAT, "key": name, "frames": frames}, f, protocol=5)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        log.warning("portfolio snapshot not written to %s: %s", target, exc)
        return None
    _prune(target)
    return path


def _prune(target: Path) -> None:
    """Keep the newest KEEP snapshots; remove older ones (and temporary files a killed writer left behind)."""
    try:
        files = sorted(target.glob(f"*{SUFFIX}"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in [f for f in files if not f.name.startswith(".writing-")][KEEP:]:
            old.unlink(missing_ok=True)
        for left in (f for f in files if f.name.startswith(".writing-") and time.time() - f.stat().st_mtime > 3600):
            left.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("old portfolio snapshots not removed from %s: %s", target, exc)
