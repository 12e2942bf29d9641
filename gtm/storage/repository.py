"""The repository: the only door to the database. It hands out DataFrames, never sessions.

``Store`` composes one repository per aggregate, each over the shared base (gtm.storage.core: engine, versions,
transactions, locks): portfolio rows (gtm.storage.portfolio_rows, written in bulk by gtm.storage.bulk), decisions
and reviews (gtm.storage.decisions), versioned settings (gtm.storage.versioned: matrices, rule tables, overrides,
settings, rates), people and the audit (gtm.storage.people), the key-account funnel's lists, scores and picks
(gtm.storage.lists), engagement plans (gtm.storage.plans), the design's assumptions and scenarios
(gtm.storage.design), maturity assessments (gtm.storage.maturity), results over time (gtm.storage.results) and
account plans (gtm.storage.account_plans). Reads are ``store.something(...)``; writes take the caller's transaction,
``store.insert_something(tx, ...)`` inside ``store.write``.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, delete, func, select

from gtm.domain.errors import DatabaseUnavailable, GtmError
from gtm.storage import engine as db
from gtm.storage.account_plans import AccountPlans
from gtm.storage.bulk import BATCH, Progress
from gtm.storage.core import RETRIES, SNAPSHOT_SECRET, TRY_AGAIN, StoreBase, Transaction
from gtm.storage.decisions import Decisions
from gtm.storage.design import DesignVersions
from gtm.storage.lists import AccountLists
from gtm.storage.maturity import MaturityAssessments
from gtm.storage.models import (
    Account,
    AccountList,
    AccountListMember,
    AccountPlan,
    AccountScore,
    BusinessUnit,
    Decision,
    EngagementPlan,
    FocusPick,
    ImportRecord,
    MatrixVersion,
    MaturityAssessment,
    NatureOverride,
    Opportunity,
    OutcomeRecord,
    Review,
    RuleVersion,
    Scenario,
    ScenarioStructure,
    WonTotal,
)
from gtm.storage.people import People
from gtm.storage.plans import EngagementPlans
from gtm.storage.portfolio_rows import ACCOUNT_COLUMNS, PortfolioRows
from gtm.storage.results import Results
from gtm.storage.versioned import ActiveMatrix, NameTaken, VersionedSettings

__all__ = ["ACCOUNT_COLUMNS", "BATCH", "RETRIES", "SNAPSHOT_SECRET", "TRY_AGAIN", "ActiveMatrix", "NameTaken",
           "Progress", "Store", "StoreBase", "Transaction"]


class Store(PortfolioRows, Decisions, VersionedSettings, People, AccountLists, EngagementPlans, DesignVersions,
            MaturityAssessments, Results, AccountPlans):
    """A portfolio database (SQLite file by default, PostgreSQL by URL), migrated to the newest schema.

    ``workspace`` names a separate store beside the configured one (``demo``: var/gtm-demo.db on SQLite, schema
    gtm_demo on PostgreSQL); ``main``, the default, is the configured database itself.
    """

    def __init__(self, url: str | None = None, *, migrate: bool = True, workspace: str = db.MAIN) -> None:
        self.workspace = db.workspace_name(workspace)
        self.url = db.workspace_url(url, self.workspace)
        self.schema = db.workspace_schema(self.url, self.workspace)
        self.engine: Engine = db.make_engine(self.url, schema=self.schema)
        if migrate:
            try:
                with db.migration_lock(self.engine):
                    db.upgrade(self.engine, self.schema)
                    self.ensure_default_matrix()
            except GtmError:
                raise
            except Exception as exc:  # unreachable server, bad credentials, read-only file
                raise DatabaseUnavailable(
                    "The portfolio database cannot be opened right now. Try again in a minute; if it persists, tell "
                    "your administrator (the error id leads to the details in the server's log).",
                    f"cannot open database {self.display_url}: {exc.__class__.__name__}: {exc}") from None

    @property
    def display_url(self) -> str:
        """The URL with the password hidden; a SQLite file inside the project by its relative path."""
        if self.url.startswith("sqlite:///"):
            path = Path(self.url.split("///", 1)[1])
            try:
                return str(path.relative_to(db.ROOT))
            except ValueError:
                return str(path)
        shown = db.safe_url(self.url)
        return shown if self.schema in (None, "public") else f"{shown} (schema {self.schema})"

    @property
    def backend(self) -> str:
        """'sqlite' or 'postgresql'."""
        return self.engine.dialect.name

    def dispose(self) -> None:
        """Close pooled connections."""
        self.engine.dispose()

    # ------------------------------------------------------------------ reads

    def is_empty(self) -> bool:
        """True when no account is stored."""
        with self.engine.connect() as conn:
            return not conn.execute(select(func.count()).select_from(Account)).scalar()

    def counts(self) -> dict[str, int]:
        """Row counts per table, for status lines and tests."""
        out = {}
        with self.engine.connect() as conn:
            for model in (BusinessUnit, Account, Opportunity, Decision, Review, MatrixVersion, NatureOverride,
                          RuleVersion):
                out[model.__tablename__] = int(conn.execute(select(func.count()).select_from(model)).scalar() or 0)
        return out

    # ------------------------------------------------------------------ demo, maintenance

    def clear_portfolio(self, tx: Transaction) -> None:
        """Delete every business unit, account, opportunity, decision and review, and the account lists, scores,
        focus picks, scenarios, account plans and dated imports that name them (inside a transaction): a list emptied
        of its accounts would mislead."""
        for model in (OutcomeRecord, WonTotal, ImportRecord, AccountPlan, ScenarioStructure, Scenario, FocusPick,
                      AccountScore, AccountListMember, AccountList, NatureOverride, Review, Decision, Opportunity,
                      Account, BusinessUnit):
            tx.execute(delete(model))
        self.bump(tx)

    def clear_programme(self, tx: Transaction) -> None:
        """Delete every maturity assessment and engagement plan (inside a transaction): a demo reset's clean slate."""
        for model in (MaturityAssessment, EngagementPlan):
            tx.execute(delete(model))
        self.bump(tx, portfolio=False)

    def backup(self, target: Path | str) -> Path:
        """A consistent, checked copy of a live SQLite database (see gtm.storage.backup)."""
        from gtm.storage.backup import backup_sqlite

        return backup_sqlite(self.url, target)
