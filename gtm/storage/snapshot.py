"""The portfolio's frames kept on disk between server starts, so a cold page reads one file, not a million rows.

Building the frames every page reads (every opportunity read, diagnosed and converted to the reporting currency,
with the accounts and BUs) takes about 8 s at 100,000 accounts and 900,000 opportunities; loading them from a
snapshot (an 84 MB file) takes about a quarter of a second, its HMAC included. Pages keep the frames in memory once loaded (pages/common/session/); a
snapshot serves the first run after a server starts, and the first after an import, which writes one.

A snapshot is named by a key that changes whenever its content could:

- the database (its URL, without the password) and the workspace;
- the portfolio version and stamp (``Store.portfolio_version`` / ``portfolio_stamp``): every write that changes
  accounts, opportunities, natures, rules or rates advances the version and draws a new random stamp, so two
  copies of one database that diverge never share a key;
- the code and data that build the frames: a hash of ``gtm/**/*.py`` and ``data/**/*.json``.

A database without a stamp (written before stamps existed, until its next change) gets no snapshot. A snapshot is
written under a temporary name and renamed whole, so a reader never sees half a file. Only the newest ``KEEP``
files stay in the folder (GTM_CACHE_DIR, default var/cache; ``off``: no snapshots).

A file is data, never code: the frames as Arrow IPC streams (gtm.storage.frame_ipc: columns, a JSON manifest; no
pickle) behind an HMAC-SHA256 keyed by a random secret kept in the database (``Store.snapshot_secret``) and taken
over the file's name and bytes. A file is parsed only after its HMAC verifies, from the very bytes that were
verified; one that does not verify (altered, cut short, renamed, signed by another database, or a pickle of an
older version) is logged, ignored and rebuilt. Nothing in the folder is ever unpickled: pickles an older version
left are removed unread. Who can write the folder can still delete a file (the pages then rebuild the frames), not
make the pages serve other numbers or run code; the key is as safe as the database: who can read it could sign one.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import tempfile
import time
from functools import lru_cache
from pathlib import Path

import pandas as pd
from sqlalchemy.engine import make_url

from gtm.settings import settings
from gtm.storage import frame_ipc

ROOT = Path(__file__).resolve().parents[2]
ENV = "GTM_CACHE_DIR"
DEFAULT_FOLDER = ROOT / "var" / "cache"
FORMAT = 2  # 1: pickles (never read again)
KEEP = 4
SUFFIX = ".portfolio.arrow"
OLD_SUFFIX = ".portfolio.pickle"  # an older version's files: removed, never opened
MAGIC = b"GTMSNAP2"
_MAC = hashlib.sha256().digest_size
log = logging.getLogger("gtm")

Frames = dict[str, pd.DataFrame]


def folder() -> Path | None:
    """Where snapshots live: GTM_CACHE_DIR, else var/cache beside the default database; None when GTM_CACHE_DIR is
    ``off`` (no snapshot is read or written: every server start rebuilds the frames from the database)."""
    value = (settings().cache_dir or "").strip()
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


def _mac(secret: bytes, name: str, body: bytes | memoryview) -> bytes:
    """The HMAC of a file's content under its name: a valid file renamed to another snapshot's name fails it."""
    mac = hmac.new(secret, MAGIC + name.encode() + b"\n", hashlib.sha256)
    mac.update(body)
    return mac.digest()


def load(name: str | None, secret: bytes, where: Path | None = None) -> Frames | None:
    """The frames saved under ``name`` and signed with ``secret``; None when there are none, or when the file is
    not one this database signed (logged: the caller rebuilds and writes a good one over it)."""
    place = where or folder()
    if name is None or place is None:
        return None
    path = place / f"{name}{SUFFIX}"
    try:
        data = path.read_bytes()  # once: the bytes verified are the bytes read
    except FileNotFoundError:
        return None
    except OSError as exc:
        log.warning("portfolio snapshot %s not read, rebuilding: %s", path, exc)
        return None
    head = len(MAGIC) + _MAC
    body = memoryview(data)[head:]
    if len(data) < head or data[:len(MAGIC)] != MAGIC \
            or not hmac.compare_digest(data[len(MAGIC):head], _mac(secret, name, body)):
        log.warning("portfolio snapshot %s ignored, rebuilding: it is not a snapshot this database signed "
                    "(altered, damaged, renamed or from another database)", path)
        return None
    try:
        return frame_ipc.loads(body)
    except Exception as exc:  # signed by us yet unreadable (a bug, another version's layout): rebuild, don't fail
        log.warning("portfolio snapshot %s not read, rebuilding: %s", path, exc)
        return None


def save(name: str | None, frames: Frames, secret: bytes, where: Path | None = None) -> Path | None:
    """Write ``frames`` under ``name``, signed with ``secret`` (whole, or not at all) and drop all but the newest
    KEEP snapshots. Returns the file, or None when there is no name, the folder can't be written or the frames
    hold something a snapshot can't give back exactly (the pages work without)."""
    target = where or folder()
    if name is None or target is None:
        return None
    try:
        body = frame_ipc.dumps(frames)
    except frame_ipc.Unsupported as exc:
        log.warning("portfolio snapshot not written: %s", exc)
        return None
    path = target / f"{name}{SUFFIX}"
    try:
        target.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target, prefix=".writing-", suffix=SUFFIX)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(MAGIC)
                f.write(_mac(secret, name, body))
                f.write(body)
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
    """Keep the newest KEEP snapshots; remove older ones, an older version's pickles (unread), and temporary files
    a killed writer left behind."""
    try:
        for old in target.glob(f"*{OLD_SUFFIX}"):
            old.unlink(missing_ok=True)
        files = sorted(target.glob(f"*{SUFFIX}"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in [f for f in files if not f.name.startswith(".writing-")][KEEP:]:
            old.unlink(missing_ok=True)
        for left in (f for f in files if f.name.startswith(".writing-") and time.time() - f.stat().st_mtime > 3600):
            left.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("old portfolio snapshots not removed from %s: %s", target, exc)
