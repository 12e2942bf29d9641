"""AppTest fixtures: the app pointed at a real, fresh SQLite file, with or without the demo portfolio."""

from __future__ import annotations

from pathlib import Path

import pytest

from gtm.storage.engine import workspace_url

ROOT = Path(__file__).resolve().parents[2]


def _point_app_at(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, seed: bool,
                  workshop: bool = True) -> str:
    url = f"sqlite:///{tmp_path / name}"
    monkeypatch.setenv("GTM_DATABASE_URL", url)
    monkeypatch.setenv("GTM_SEED_DEMO", "1" if seed else "0")
    monkeypatch.setenv("GTM_DEMO_WORKSHOP", "1" if workshop else "0")
    monkeypatch.chdir(ROOT)
    return url


@pytest.fixture
def demo_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The app pointed at a fresh SQLite file whose main workspace is empty, so it opens on the demo workspace,
    seeded on first run. Returns the demo workspace's own file (app-demo.db): what the pages show and change."""
    return workspace_url(_point_app_at(tmp_path, monkeypatch, "app.db", seed=True), "demo")


@pytest.fixture
def bare_demo_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """As ``demo_db``, but the demo portfolio alone, without its workshop (no lists, assessments, plan, decisions
    or scenario): for tests that build the programme themselves, as a facilitator would live."""
    return workspace_url(_point_app_at(tmp_path, monkeypatch, "app.db", seed=True, workshop=False), "demo")


@pytest.fixture
def empty_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The app pointed at a fresh SQLite file that stays empty."""
    return _point_app_at(tmp_path, monkeypatch, "empty.db", seed=False)
