"""What the fixtures that share one database between tests (tests/pages, tests/browser) read of its SQLite files."""

from __future__ import annotations

from pathlib import Path

from gtm.storage.engine import DEMO, workspace_url


def fingerprint(main_url: str) -> tuple[tuple[int, int] | None, ...]:
    """Size and modification time of a database's files, main and the demo workspace (and their WALs): any write
    changes one."""
    files = [Path(url.split("///", 1)[1]) for url in (main_url, workspace_url(main_url, DEMO))]
    return tuple((p.stat().st_size, p.stat().st_mtime_ns) if p.exists() else None
                 for f in files for p in (f, Path(f"{f}-wal")))
