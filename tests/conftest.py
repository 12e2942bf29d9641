"""Shared fixtures: real SQLite files, a real PostgreSQL database when one is configured."""

from __future__ import annotations

import atexit
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import create_engine, make_url, text

from gtm.storage.models import Base
from gtm.storage.repository import Store

# Shared helpers (fixtures_import) sit here; test files in sub-folders import them by name.
sys.path.insert(0, str(Path(__file__).resolve().parent))

# The demo portfolio alone unless a test asks for its workshop (the pages' demo_db fixture, the story's own tests):
# a test that builds lists, assessments or decisions starts from none, and seeding stays quick.
os.environ.setdefault("GTM_DEMO_WORKSHOP", "0")

# Hypothesis: ``ci``, the default, tries a third of the examples of a property test that asks for hundreds
# (tests/hypothesis_budget.py); ``pytest --hypothesis-profile=thorough`` tries every one, for a broad local run.
settings.register_profile("ci")
settings.register_profile("thorough")
settings.load_profile("ci")  # the plugin loads --hypothesis-profile's afterwards, at configure time

_TESTS = Path(__file__).resolve().parent
# The tiers in the order they run: unit tests (a failure shows within a minute), then the pages in AppTest, then the
# real browser. Each tier keeps its files' order; pyproject's addopts keeps xdist from reordering the files by size.
_TIERS = {"pages": 1, "browser": 2}


# The browser modules, longest first (seconds each took in a whole run on 2 workers, rounded): the longest go first
# and the shortest last, so the two workers end the run together instead of one waiting while the other finishes
# a long module. A module not listed runs first, as if it were the longest, until it is placed here.
_LONG_FIRST = (
    "test_room_address.py",  # 66
    "test_chart_legibility.py",  # 56
    "test_first_hour_flow.py",  # 43
    "test_flows.py",  # 33
    "test_diagnose_flows.py",  # 27
    "test_navigation.py",  # 26
    "test_layout_facts.py",  # 21
    "test_sign_in.py",  # 18
    "test_two_servers.py",  # 17
    "test_key_accounts_flow.py",  # 17
    "test_scenarios_flow.py",  # 16
    "test_server_timing_log.py",  # 13
    "test_restore_while_running.py",  # 12
    "test_results_flow.py",  # 12
    "test_proxy_header.py",  # 11
    "test_plan_flow.py",  # 11
    "test_maturity_flow.py",  # 11
    "test_instant_band_edit.py",  # 10
    "test_review_and_words.py",  # 9
    "test_first_request.py",  # 8
    "test_band_draft.py",  # 7
    "test_design_flow.py",  # 7
    "test_account_plan_flow.py",  # 6
    "test_capture_flow.py",  # 5
    "test_presentation.py",  # 4
    "test_deck_download.py",  # 3
)


def _tier(item: pytest.Item) -> tuple[int, int]:
    parts = item.path.relative_to(_TESTS).parts if item.path.is_relative_to(_TESTS) else ()
    tier = _TIERS.get(parts[0], 0) if len(parts) > 1 else 0
    place = _LONG_FIRST.index(item.path.name) + 1 if item.path.name in _LONG_FIRST else 0
    return tier, place if tier == _TIERS["browser"] else 0


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Unit tests first, AppTest pages next, browser flows last, longest module first (a stable sort: otherwise
    as collected)."""
    items.sort(key=_tier)


_MAIN = sys.modules["__main__"]


@pytest.fixture(autouse=True)
def _main_module_back() -> Iterator[None]:
    """Streamlit runs a page as the module ``__main__`` and AppTest leaves it there: a process spawned afterwards (the
    concurrent-writes and recovery drills, the timing log's writers) would run that page as its own main module and
    die before its work. Every test ends with the interpreter's own ``__main__`` back."""
    yield
    sys.modules["__main__"] = _MAIN


SERVER_URL = os.environ.get("GTM_TEST_POSTGRES_URL")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _own_database(server_url: str | None) -> str | None:
    """A database of this test run's own on the test server, so that two runs at once never empty each other's."""
    if not server_url:
        return None
    url = make_url(server_url)
    name = f"{url.database}_{os.getpid()}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    atexit.register(_drop_database, server_url, name)
    return url.set(database=name).render_as_string(hide_password=False)


def _drop_database(server_url: str, name: str) -> None:
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


PG_URL = _own_database(SERVER_URL)


def _reset_postgres(url: str) -> None:
    store = Store(url, migrate=False)
    with store.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
        conn.execute(text("DROP SCHEMA IF EXISTS gtm_demo CASCADE"))  # the demo workspace
    store.dispose()


_PG_TEMPLATE: list[str] = []  # the migrated template database's name, once made


def _admin(sql: str) -> None:
    assert SERVER_URL
    admin = create_engine(SERVER_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(sql))
    admin.dispose()


# What a freshly migrated database holds, read from the template once: its schema's fingerprint (tables, columns,
# indexes, constraints, Alembic's version), the rows the migration and the store's first opening wrote (the default
# matrix, the data versions) and where each sequence stands.
_SCHEMA = """SELECT 'c', table_name, column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '')
  FROM information_schema.columns WHERE table_schema = 'public'
UNION ALL SELECT 'i', tablename, indexdef FROM pg_indexes WHERE schemaname = 'public'
UNION ALL SELECT 'k', conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint
  WHERE connamespace = 'public'::regnamespace
UNION ALL SELECT 'v', 'alembic_version', version_num FROM alembic_version
UNION ALL SELECT 's', nspname, '' FROM pg_namespace WHERE nspname NOT IN ('public', 'information_schema')
  AND nspname NOT LIKE 'pg\\_%'
ORDER BY 1, 2, 3"""
_SEQUENCES = "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"


class _Fresh:
    """A freshly migrated PostgreSQL database as the template holds it, and how to put the test database back to it
    in place: delete every table's rows, insert the template's again and set each sequence where it stood. That is
    a fraction of ``CREATE DATABASE … TEMPLATE`` (0.3 s a test); when anything else differs (a test changed the
    schema or made a workspace), the test database is made again from the template instead."""

    def __init__(self, template_url: str) -> None:
        engine = create_engine(template_url)
        try:
            with engine.connect() as conn:
                self.schema = conn.execute(text(_SCHEMA)).fetchall()
                tables = {r[0] for r in conn.execute(text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"))}
                assert tables == {t.name for t in Base.metadata.tables.values()}, "a table the models do not know"
                self.tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
                self.rows = {t: conn.execute(text(f'SELECT coalesce(json_agg(r), \'[]\')::text FROM "{t}" r')).scalar_one()
                             for t in self.tables}
                self.sequences = conn.execute(text(_SEQUENCES)).fetchall()
        finally:
            engine.dispose()
        self.rows = {t: rows for t, rows in self.rows.items() if rows != "[]"}  # each table's rows as JSON

    def restore(self, url: str) -> bool:
        """Put the database at ``url`` back to the template's state in one transaction; False (nothing changed)
        when its schema is no longer the template's."""
        engine = create_engine(url)
        try:
            with engine.begin() as conn:
                if conn.execute(text("SELECT to_regclass('public.alembic_version')")).scalar() is None \
                        or conn.execute(text(_SCHEMA)).fetchall() != self.schema:
                    return False
                for table in self.tables:  # rows that refer to others first: a few rows each, quicker than TRUNCATE
                    conn.execute(text(f'DELETE FROM "{table}"'))
                for table, rows in self.rows.items():
                    conn.execute(text(f'INSERT INTO "{table}" SELECT * FROM json_populate_recordset(NULL::"{table}", '
                                      ':rows)'), {"rows": rows})
                for name, last in self.sequences:
                    conn.execute(text("SELECT setval(:name, :value, :called)"),
                                 {"name": name, "value": last or 1, "called": last is not None})
            return True
        finally:
            engine.dispose()


_PG_FRESH: list[_Fresh] = []


def _migrated_postgres() -> str:
    """This run's test database as freshly migrated: put back in place when only its rows changed (``_Fresh``),
    else dropped and made again from a template database migrated once per process (``CREATE DATABASE …
    TEMPLATE``: a file copy on the server, several times quicker than Alembic's steps). Either way it holds what a
    new database migrated in place holds."""
    assert PG_URL and SERVER_URL
    url = make_url(PG_URL)
    if not _PG_TEMPLATE:
        name = f"{url.database}_template"
        _drop_own_database(name)
        _admin(f'CREATE DATABASE "{name}"')
        atexit.register(_drop_database, SERVER_URL, name)
        template_url = url.set(database=name).render_as_string(hide_password=False)
        Store(template_url).dispose()  # no session left open on it
        _PG_FRESH.append(_Fresh(template_url))
        _PG_TEMPLATE.append(name)
    else:
        _end_sessions(url.database)  # a test's leftover pool would hold locks that TRUNCATE waits for
        if _PG_FRESH[0].restore(PG_URL):
            return PG_URL
    _drop_own_database(url.database)
    _admin(f'CREATE DATABASE "{url.database}" TEMPLATE "{_PG_TEMPLATE[0]}"')
    return PG_URL


def _end_sessions(name: str) -> None:
    """End our own role's other sessions on a database of this run's (a test's leftover pool)."""
    _admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' "
           "AND usename = current_user AND pid <> pg_backend_pid()")


def _drop_own_database(name: str) -> None:
    """Drop a database of this run's: end our own role's sessions on it (a test's leftover pool), then a plain DROP,
    which ends an autovacuum worker busy with the fresh database itself. ``WITH (FORCE)`` would refuse one: only
    members of pg_signal_backend may end the worker's process, and the test role is not."""
    _end_sessions(name)
    _admin(f'DROP DATABASE IF EXISTS "{name}"')


def _require_postgres() -> str:
    """The test database's URL; CI fails without one, elsewhere the test skips and says why."""
    if not PG_URL:
        if IN_CI:
            pytest.fail("CI must run the PostgreSQL tests: GTM_TEST_POSTGRES_URL is not set")
        pytest.skip("PostgreSQL tests skipped outside CI: set GTM_TEST_POSTGRES_URL to run them")
    return PG_URL


def _empty_postgres() -> str:
    """The test server's URL, emptied (no schema at all)."""
    url = _require_postgres()
    _reset_postgres(url)
    return url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A URL of a fresh SQLite file."""
    return f"sqlite:///{tmp_path / 'gtm.db'}"


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once per test process, empty but for the default matrix: the template the store
    fixtures copy (a byte copy of a finished migration costs a millisecond; running every Alembic migration on
    every test's fresh file took 0.05 s on a quiet machine, seconds on a busy one). Opening the copy still runs
    ``Store(url)`` whole: the migration check and the default matrix, as on any reopened file."""
    path = tmp_path_factory.mktemp("migrated") / "gtm.db"
    Store(f"sqlite:///{path}").dispose()
    assert not Path(f"{path}-wal").exists(), "the template's WAL must be checkpointed into the file before copies"
    return path


def sqlite_copy(template: Path, url: str) -> None:
    """Put a copy of ``template`` at the SQLite URL's file (which must not exist yet)."""
    target = Path(url.split("///", 1)[1])
    assert not target.exists(), f"{target} exists already: a template copy never overwrites a database"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, target)


@pytest.fixture
def sqlite_store(sqlite_url: str, migrated_sqlite: Path) -> Iterator[Store]:
    """A migrated, empty store in a real SQLite file."""
    sqlite_copy(migrated_sqlite, sqlite_url)
    store = Store(sqlite_url)
    yield store
    store.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh database URL: a SQLite file, then a PostgreSQL database (emptied first)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'gtm.db'}"
    if PG_URL and "store" in request.fixturenames:
        return PG_URL  # the store fixture makes the database again from the migrated template: emptying it is moot
    return _empty_postgres()


@pytest.fixture
def store(db_url: str, migrated_sqlite: Path) -> Iterator[Store]:
    """A migrated, empty store on each backend: a copy of a migrated SQLite file, a PostgreSQL database made from a
    migrated template database."""
    if db_url.startswith("sqlite"):
        sqlite_copy(migrated_sqlite, db_url)
    else:
        db_url = _migrated_postgres()
    s = Store(db_url)
    yield s
    s.dispose()


@pytest.fixture
def pg_store() -> Iterator[Store]:
    """A migrated, empty store on the PostgreSQL server (skipped outside CI when none is configured)."""
    _require_postgres()  # fails in CI, skips elsewhere, when there is no server
    s = Store(_migrated_postgres())
    yield s
    s.dispose()


@pytest.fixture
def empty_postgres() -> Callable[[], str]:
    """A function that empties the PostgreSQL test database and returns its URL (skipped outside CI without one)."""
    return _empty_postgres
