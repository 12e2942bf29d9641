"""`gtm restore` while `streamlit run` serves the pages: the next page shows the backup's data, a change after the
restore shows too (no cache mistakes it for one it held), and after SIGTERM the database is one file again."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, _free_port, streamlit_server, wait_for_app  # tests/browser/conftest.py
from playwright.sync_api import Page, expect

from gtm.storage.repository import Store

TIMEOUT = 60_000


def _opportunities(page: Page, base: str) -> str:
    page.goto(f"{base}/portfolio?workspace=demo")
    wait_for_app(page)
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Opportunities")
    expect(metric).to_have_count(1, timeout=TIMEOUT)
    return metric.locator('[data-testid="stMetricValue"]').inner_text().strip()


def _drop_opportunities(store: Store, how_many: int) -> None:
    """A change to the portfolio, as an import that removes opportunities would make (new version, new stamp)."""
    with store.transaction() as tx:
        tx.exec_driver_sql("DELETE FROM opportunities WHERE id IN (SELECT id FROM opportunities ORDER BY id DESC "
                           f"LIMIT {int(how_many)})")
        store.bump(tx)


def test_a_restore_while_the_server_runs_shows_the_backups_data_and_what_follows(page: Page,
                                                                                 tmp_path: Path) -> None:
    main_url = f"sqlite:///{tmp_path / 'gtm.db'}"
    env = {**os.environ, "GTM_DATABASE_URL": main_url, "GTM_SEED_DEMO": "1", "GTM_CACHE_DIR": str(tmp_path / "cache")}
    log = tmp_path / "streamlit.log"
    with streamlit_server(env, ROOT, log, _free_port()) as base:
        start = _opportunities(page, base)  # the server has seeded the demo and holds its frames
        demo = Store(main_url, workspace="demo")
        backup = tmp_path / "backup.db"
        subprocess.run([sys.executable, "-m", "gtm", "backup", str(backup), "--database", main_url,
                        "--workspace", "demo"], cwd=ROOT, check=True, capture_output=True, timeout=120)
        _drop_opportunities(demo, 1)
        changed = _opportunities(page, base)
        assert int(changed.replace(",", "")) == int(start.replace(",", "")) - 1

        done = subprocess.run([sys.executable, "-m", "gtm", "restore", str(backup), "--database", main_url,
                               "--workspace", "demo"], cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert _opportunities(page, base) == start  # the backup's data, not the frames the server held

        # A change after the restore: were the versions back at the backup's, the server would serve the frames it
        # cached for the first change (one opportunity fewer) under the same version.
        _drop_opportunities(demo, 2)
        assert int(_opportunities(page, base).replace(",", "")) == int(start.replace(",", "")) - 2
        demo.dispose()
    leftovers = sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(("-wal", "-shm", ".restoring")))
    assert leftovers == [], leftovers  # SIGTERM: the server checkpointed and closed every database
