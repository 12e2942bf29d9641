"""AppTest fixtures: the app pointed at a real SQLite file (shared per test process and put back after a write, or
fresh and empty), with or without the demo portfolio."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import pytest
from fixtures_sqlite import fingerprint  # tests/fixtures_sqlite.py

from gtm.services.demo import seed_demo
from gtm.storage.backup import restore_sqlite
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


def _point_app_at(url: str, monkeypatch: pytest.MonkeyPatch, seed: bool, workshop: bool = True) -> str:
    monkeypatch.setenv("GTM_DATABASE_URL", url)
    monkeypatch.setenv("GTM_SEED_DEMO", "1" if seed else "0")
    monkeypatch.setenv("GTM_DEMO_WORKSHOP", "1" if workshop else "0")
    monkeypatch.chdir(ROOT)
    return url


@pytest.fixture(scope="session")
def seeded_demo(tmp_path_factory: pytest.TempPathFactory) -> Callable[[bool], Path]:
    """The demo workspace's file as the app's first run seeds it (``seed_demo`` on an empty demo workspace, with or
    without its workshop), seeded once per test process and kept as a template: each page test's database is put
    back to it (``_SharedFiles``) instead of seeding the demo again (over half a second each, several on a busy
    machine). The app's own seeding on first run stays covered where nothing is copied: the browser tests' servers
    and the demo's service tests."""
    made: dict[bool, Path] = {}

    def template(workshop: bool) -> Path:
        if workshop not in made:
            main = tmp_path_factory.mktemp("demo-workshop" if workshop else "demo-bare") / "app.db"
            store = Store(f"sqlite:///{main}", workspace=DEMO)
            try:
                seed_demo(store, workshop_story=workshop)
                store.snapshot_secret()  # drawn here, not by a test's first page: a test that reads writes nothing
            finally:
                store.dispose()
            demo = Path(workspace_url(f"sqlite:///{main}", DEMO).split("///", 1)[1])
            assert not Path(f"{demo}-wal").exists(), "the template's WAL must be checkpointed before copies"
            made[workshop] = demo
        return made[workshop]

    return template


class _SharedFiles:
    """This test process's one pair of database files (main, demo) for the page tests on the demo, put back to a
    template before each test unless nothing was written since it last was.

    Put back through ``restore_sqlite``, as ``gtm restore`` while servers run: the data versions advance past every
    version the app has seen, so every cache keyed on them reads the restored data. A test that only reads leaves the
    files as they were: the next test opens the same database at the same versions and finds the judged portfolio,
    the diagnosis and the store already in Streamlit's caches, as a second visitor of a running server does (a fresh
    file per test made every test judge the demo afresh, a fifth of this folder's time)."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.main_url = f"sqlite:///{folder / 'app.db'}"
        self.pristine: tuple[Path, tuple[tuple[int, int] | None, ...]] | None = None

    def reset(self, main: Path, demo: Path) -> None:
        if self.pristine == (demo, fingerprint(self.main_url)):
            return
        restore_sqlite(main, self.main_url, create=True)
        restore_sqlite(demo, self.main_url, DEMO, create=True)
        self.pristine = (demo, fingerprint(self.main_url))


@pytest.fixture(scope="session")
def _shared_files(tmp_path_factory: pytest.TempPathFactory) -> _SharedFiles:
    return _SharedFiles(tmp_path_factory.mktemp("pages-app"))


def _seeded_app(shared: _SharedFiles, monkeypatch: pytest.MonkeyPatch, template: Path, workshop: bool,
                main: Path) -> str:
    """The app pointed at the shared app.db (main: migrated and empty, as ``migrated_sqlite``, so the app opens on
    the demo) beside the demo workspace as ``template`` holds it; the demo workspace's URL. The app's own migration
    of a new file on its first run is covered by the browser tests' servers and tests/storage."""
    shared.reset(main, template)
    return workspace_url(_point_app_at(shared.main_url, monkeypatch, seed=True, workshop=workshop), DEMO)


@pytest.fixture
def demo_db(_shared_files: _SharedFiles, monkeypatch: pytest.MonkeyPatch, seeded_demo: Callable[[bool], Path],
            migrated_sqlite: Path) -> str:
    """The app pointed at a SQLite file whose main workspace is empty, so it opens on the demo workspace, seeded
    with its workshop (``seeded_demo``'s), as no test before has left it (``_SharedFiles``). Returns the demo
    workspace's own file (app-demo.db): what the pages show and change."""
    return _seeded_app(_shared_files, monkeypatch, seeded_demo(True), workshop=True, main=migrated_sqlite)


@pytest.fixture
def bare_demo_db(_shared_files: _SharedFiles, monkeypatch: pytest.MonkeyPatch,
                 seeded_demo: Callable[[bool], Path], migrated_sqlite: Path) -> str:
    """As ``demo_db``, but the demo portfolio alone, without its workshop (no lists, assessments, plan, decisions
    or scenario): for tests that build the programme themselves, as a facilitator would live."""
    return _seeded_app(_shared_files, monkeypatch, seeded_demo(False), workshop=False, main=migrated_sqlite)


@pytest.fixture
def empty_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The app pointed at a fresh SQLite file that stays empty."""
    return _point_app_at(f"sqlite:///{tmp_path / 'empty.db'}", monkeypatch, seed=False)
