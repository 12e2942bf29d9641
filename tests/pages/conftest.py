"""AppTest fixtures: the app pointed at a real, fresh SQLite file, with or without the demo portfolio."""

from __future__ import annotations

import functools
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from gtm.services.demo import seed_demo
from gtm.storage.engine import DEMO, workspace_url
from gtm.storage.repository import Store

ROOT = Path(__file__).resolve().parents[2]


def _scan_once() -> None:
    """Every AppTest run asks Streamlit to scan the installed packages' metadata for custom components (a tenth of
    this folder's time: the venv's hundred-odd distributions parsed again on each run). The packages do not change
    while the tests run, so the scan's answer is kept from the first run. Without the scanner (another Streamlit
    version), nothing is changed."""
    try:
        from streamlit.components.v2 import manifest_scanner
    except ImportError:
        return
    scan = getattr(manifest_scanner, "scan_component_manifests", None)
    if scan is not None and not hasattr(scan, "cache_info"):
        manifest_scanner.scan_component_manifests = functools.lru_cache(maxsize=None)(scan)  # type: ignore[assignment]


_scan_once()


def _point_app_at(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, seed: bool,
                  workshop: bool = True) -> str:
    url = f"sqlite:///{tmp_path / name}"
    monkeypatch.setenv("GTM_DATABASE_URL", url)
    monkeypatch.setenv("GTM_SEED_DEMO", "1" if seed else "0")
    monkeypatch.setenv("GTM_DEMO_WORKSHOP", "1" if workshop else "0")
    monkeypatch.chdir(ROOT)
    return url


@pytest.fixture(scope="session")
def seeded_demo(tmp_path_factory: pytest.TempPathFactory) -> Callable[[bool], Path]:
    """The demo workspace's file as the app's first run seeds it (``seed_demo`` on an empty demo workspace, with or
    without its workshop), seeded once per test process and kept as a template: each page test gets a byte copy,
    instead of seeding the demo again (over half a second each, several on a busy machine). The app's own seeding
    on first run stays covered where nothing is copied: the browser tests' servers and the demo's service tests."""
    made: dict[bool, Path] = {}

    def template(workshop: bool) -> Path:
        if workshop not in made:
            main = tmp_path_factory.mktemp("demo-workshop" if workshop else "demo-bare") / "app.db"
            store = Store(f"sqlite:///{main}", workspace=DEMO)
            try:
                seed_demo(store, workshop_story=workshop)
            finally:
                store.dispose()
            demo = Path(workspace_url(f"sqlite:///{main}", DEMO).split("///", 1)[1])
            assert not Path(f"{demo}-wal").exists(), "the template's WAL must be checkpointed before copies"
            made[workshop] = demo
        return made[workshop]

    return template


def _seeded_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, template: Path, workshop: bool,
                main: Path) -> str:
    """The app pointed at a fresh app.db (main: migrated and empty, a copy of ``migrated_sqlite``, so the app opens
    on the demo) beside a copy of the seeded demo workspace; the demo workspace's URL. The app's own migration of a
    new file on its first run is covered by the browser tests' servers and tests/storage."""
    main_url = _point_app_at(tmp_path, monkeypatch, "app.db", seed=True, workshop=workshop)
    shutil.copyfile(main, Path(main_url.split("///", 1)[1]))
    url = workspace_url(main_url, DEMO)
    shutil.copyfile(template, Path(url.split("///", 1)[1]))
    return url


@pytest.fixture
def demo_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seeded_demo: Callable[[bool], Path],
            migrated_sqlite: Path) -> str:
    """The app pointed at a fresh SQLite file whose main workspace is empty, so it opens on the demo workspace,
    seeded with its workshop (a copy of ``seeded_demo``'s). Returns the demo workspace's own file (app-demo.db):
    what the pages show and change."""
    return _seeded_app(tmp_path, monkeypatch, seeded_demo(True), workshop=True, main=migrated_sqlite)


@pytest.fixture
def bare_demo_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seeded_demo: Callable[[bool], Path],
                 migrated_sqlite: Path) -> str:
    """As ``demo_db``, but the demo portfolio alone, without its workshop (no lists, assessments, plan, decisions
    or scenario): for tests that build the programme themselves, as a facilitator would live."""
    return _seeded_app(tmp_path, monkeypatch, seeded_demo(False), workshop=False, main=migrated_sqlite)


@pytest.fixture
def empty_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The app pointed at a fresh SQLite file that stays empty."""
    return _point_app_at(tmp_path, monkeypatch, "empty.db", seed=False)
