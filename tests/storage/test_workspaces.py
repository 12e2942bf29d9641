"""Workspaces: separate stores beside the configured one (SQLite files, PostgreSQL schemas), names validated."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures_import import load, text_bytes
from sqlalchemy import text

from gtm.domain.errors import ConfigError
from gtm.storage.engine import workspace_name, workspace_schema, workspace_url
from gtm.storage.repository import Store


@pytest.mark.parametrize("name", ["Demo", "demo!", "../main", "", "-demo", "main demo", "demo_2", "x" * 41])
def test_a_name_other_than_lowercase_letters_digits_and_dashes_is_refused(name: str) -> None:
    with pytest.raises(ConfigError, match="is not a workspace name: use lowercase letters, digits and '-'"):
        workspace_name(name)


def test_valid_names_and_where_each_workspace_lives(tmp_path: Path) -> None:
    assert [workspace_name(n) for n in ("main", "demo", "team-2")] == ["main", "demo", "team-2"]
    assert workspace_name(None) == "main"
    url = f"sqlite:///{tmp_path / 'var' / 'gtm.db'}"
    assert workspace_url(url, "main") == url
    assert workspace_url(url, "demo") == f"sqlite:///{tmp_path / 'var' / 'gtm-demo.db'}"
    pg = "postgresql+psycopg://u:p@h/db"
    assert workspace_url(pg, "demo") == pg
    assert (workspace_schema(pg, "main"), workspace_schema(pg, "demo"), workspace_schema(pg, "team-2")) == \
        ("public", "gtm_demo", "gtm_team_2")
    assert workspace_schema(url, "demo") is None


def test_workspaces_are_separate_stores_each_migrated_in_its_own_place(db_url: str) -> None:
    main = Store(db_url)
    demo = Store(db_url, workspace="demo")
    load(main, "accounts", text_bytes(["Account ID", "Account Name"], [["M-1", "Main Ltd"]]))
    load(demo, "accounts", text_bytes(["Account ID", "Account Name"], [["D-1", "Demo AG"], ["D-2", "Demo SA"]]))
    assert main.accounts()["account_id"].tolist() == ["M-1"]
    assert sorted(demo.accounts()["account_id"]) == ["D-1", "D-2"]
    assert main.workspace == "main" and demo.workspace == "demo"
    if demo.backend == "sqlite":
        assert demo.display_url.endswith("gtm-demo.db") and Path(demo.url.split("///", 1)[1]).exists()
    else:
        assert "schema gtm_demo" in demo.display_url and "schema" not in main.display_url
        with main.engine.connect() as conn:
            where = conn.execute(text("SELECT table_schema FROM information_schema.tables "
                                      "WHERE table_name IN ('alembic_version', 'accounts') ORDER BY 1")).scalars().all()
        # each schema holds its own tables and its own Alembic version table
        assert where == ["gtm_demo", "gtm_demo", "public", "public"]
    again = Store(db_url, workspace="demo")  # reopening migrates nothing away
    assert sorted(again.accounts()["account_id"]) == ["D-1", "D-2"]
    for s in (main, demo, again):
        s.dispose()


def test_a_bad_workspace_name_never_opens_a_database(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="'Demo' is not a workspace name"):
        Store(f"sqlite:///{tmp_path / 'gtm.db'}", workspace="Demo")
    assert not list(tmp_path.iterdir())
