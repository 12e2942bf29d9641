"""The database schema (SQLAlchemy 2 declarative). Alembic migrations in gtm/migrations track it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Stable constraint names so migrations behave the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base with the shared naming convention."""

    metadata = MetaData(naming_convention=NAMING)


class Meta(Base):
    """Key/value facts about the database, e.g. the data version used as a cache key."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class BusinessUnit(Base):
    """A business unit (BU) of the seller."""

    __tablename__ = "business_units"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str] = mapped_column(String(128), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)


class Account(Base):
    """A customer account, identified by its CRM id (external_id)."""

    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str] = mapped_column(String(128), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(255), nullable=False, index=True)
    industry: Mapped[str | None] = mapped_column(String(128))
    region: Mapped[str | None] = mapped_column(String(128))
    # The parent's CRM id, not a foreign key: a parent may arrive in a later import.
    parent_external_id: Mapped[str | None] = mapped_column(String(128), index=True)
    revenue: Mapped[float | None] = mapped_column(Float)
    growth_potential: Mapped[float | None] = mapped_column(Float)
    ease_of_access: Mapped[float | None] = mapped_column(Float)
    current_approach: Mapped[str | None] = mapped_column(String(32))
    owner: Mapped[str | None] = mapped_column(String(255), index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)


class Opportunity(Base):
    """An opportunity on an account; its nature was given or diagnosed (diagnosis_rule says which rule)."""

    __tablename__ = "opportunities"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str] = mapped_column(String(128), unique=True, nullable=False)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False)
    bu_id: Mapped[int | None] = mapped_column(ForeignKey("business_units.id", ondelete="SET NULL"), index=True)
    name: Mapped[str | None] = mapped_column(String(255))
    # NULL: not yet diagnosed. nature_source says who set it: given (the file), rule, person, or undiagnosed.
    nature: Mapped[str | None] = mapped_column(String(32))
    nature_source: Mapped[str] = mapped_column(String(16), nullable=False, default="given")
    diagnosis_rule: Mapped[str | None] = mapped_column(String(64))
    value: Mapped[float] = mapped_column(Float, nullable=False)
    currency: Mapped[str | None] = mapped_column(String(3))  # ISO 4217; NULL: the file did not say
    product_family: Mapped[str | None] = mapped_column(String(128))
    probability: Mapped[float | None] = mapped_column(Float)
    stage: Mapped[str | None] = mapped_column(String(128))
    # open, won or lost, read at import from the stage, IsWon / IsClosed, the probability or a person's stage mapping
    # (gtm.domain.outcomes); a lost deal leaves the verdicts (migration 0011).
    outcome: Mapped[str] = mapped_column(String(8), nullable=False, default="open", server_default="open")
    close_date: Mapped[date | None] = mapped_column(Date)
    type: Mapped[str | None] = mapped_column(String(128))
    owner: Mapped[str | None] = mapped_column(String(255))
    signals: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The CRM columns the import did not map (header -> cell text), so a later rule can read them.
    attributes: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    # By account, and by account and BU (migration 0006): the pages read one account's opportunities.
    __table_args__ = (Index("ix_opportunities_account_id_bu_id", "account_id", "bu_id"),)


class NatureOverride(Base):
    """An append-only record: a person set an opportunity's nature, with a reason. The newest one counts."""

    __tablename__ = "nature_overrides"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"), nullable=False,
                                                index=True)
    nature: Mapped[str | None] = mapped_column(String(32))  # NULL: the person withdrew the override
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    author: Mapped[str] = mapped_column(String(255), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)


class RuleVersion(Base):
    """A named version of an editable rule table (diagnosis rules, product family mappings); one active per kind."""

    __tablename__ = "rule_versions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(128), nullable=False)
    content: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_by: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    __table_args__ = (
        UniqueConstraint("kind", "name", name="uq_rule_versions_kind_name"),
        # At most one active version per kind, kept by the database itself (migration 0003).
        Index("uq_rule_versions_one_active", "kind", unique=True, postgresql_where=text("is_active"),
              sqlite_where=text("is_active")),
    )


class Setting(Base):
    """A portfolio-wide setting (the reporting currency), as JSON."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON, nullable=False)


class Secret(Base):
    """A random secret the app draws for itself on first use (the key that signs the pages' snapshots); never shown,
    exported or changed by a person. It travels with the database, so a copy of it (a backup) keeps its secrets."""

    __tablename__ = "secrets"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(128), nullable=False)  # hex


class ExchangeRate(Base):
    """How many units of the reporting currency one unit of ``currency`` is worth."""

    __tablename__ = "exchange_rates"
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    rate: Mapped[float] = mapped_column(Float, nullable=False)
    updated_by: Mapped[str | None] = mapped_column(String(255))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)


class MatrixVersion(Base):
    """A named matrix (its bands as JSON); exactly one is active."""

    __tablename__ = "matrix_versions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True, nullable=False)
    bands: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    fingerprint: Mapped[str] = mapped_column(String(32), nullable=False)
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_by: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    # At most one active version, kept by the database itself (migration 0003); the writers keep it at exactly one.
    __table_args__ = (Index("uq_matrix_versions_one_active", "is_active", unique=True,
                            postgresql_where=text("is_active"), sqlite_where=text("is_active")),)


class Decision(Base):
    """An append-only record: the approach chosen for an account, why, by whom, against which matrix."""

    __tablename__ = "decisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False, index=True)
    approach: Mapped[str] = mapped_column(String(32), nullable=False)
    rationale: Mapped[str] = mapped_column(Text, nullable=False)
    author: Mapped[str] = mapped_column(String(255), nullable=False)
    author_role: Mapped[str | None] = mapped_column(String(32))
    matrix_version_id: Mapped[int | None] = mapped_column(ForeignKey("matrix_versions.id", ondelete="SET NULL"),
                                                          index=True)
    matrix_name: Mapped[str] = mapped_column(String(128), nullable=False)
    matrix_fingerprint: Mapped[str] = mapped_column(String(32), nullable=False)
    recommended_approach: Mapped[str | None] = mapped_column(String(32))
    in_band_share: Mapped[float | None] = mapped_column(Float)
    # The lead BU (its external id) and point person a person chose, what the evidence proposed then (migration 0012);
    # None: not chosen in this decision, the evidence's proposal stands (gtm.domain.lead).
    lead_bu: Mapped[str | None] = mapped_column(String(128))
    lead_bu_proposed: Mapped[str | None] = mapped_column(String(128))
    point_person: Mapped[str | None] = mapped_column(String(255))
    point_person_proposed: Mapped[str | None] = mapped_column(String(255))
    lead_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False, index=True)


class Review(Base):
    """An append-only verdict on a decision by a BU head: approved or challenged, with a comment."""

    __tablename__ = "reviews"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id", ondelete="CASCADE"), nullable=False, index=True)
    verdict: Mapped[str] = mapped_column(String(16), nullable=False)
    comment: Mapped[str] = mapped_column(Text, nullable=False, default="")
    reviewer: Mapped[str] = mapped_column(String(255), nullable=False)
    bu_id: Mapped[int | None] = mapped_column(ForeignKey("business_units.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)


class User(Base):
    """A person who may sign in: their email (lower-cased), name, role and, for a BU head, the BUs they head."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    role: Mapped[str] = mapped_column(String(32), nullable=False)
    bus: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)  # BU external ids, for a BU head
    created_by: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)


class AuditEntry(Base):
    """One change, append-only: who made it, when, in which workspace, what it was and on what."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False, index=True)
    workspace: Mapped[str] = mapped_column(String(64), nullable=False)
    actor: Mapped[str] = mapped_column(String(255), nullable=False)
    actor_email: Mapped[str | None] = mapped_column(String(320))
    actor_role: Mapped[str] = mapped_column(String(32), nullable=False)
    action: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    target: Mapped[str] = mapped_column(String(255), nullable=False, default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)


# The deck's programme (issue 13): key-account lists (long list -> shortlist -> focus list), the BUs' scores and
# picks, maturity self-assessments and the engagement plan. Every table is append-only or versioned: a list or a
# plan is saved as a new version, a score, a pick or an assessment is a new row, the latest one counts.


class AccountList(Base):
    """One saved version of a named list of accounts: its stage in the funnel, how it was built, its target."""

    __tablename__ = "account_lists"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    stage: Mapped[str] = mapped_column(String(16), nullable=False)  # long, short, focus
    criteria: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)  # how it was built
    target_value: Mapped[float | None] = mapped_column(Float)  # incremental sales aimed at, reporting currency
    target_years: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_by: Mapped[str] = mapped_column(String(255), nullable=False)
    created_by_id: Mapped[str | None] = mapped_column(String(320))  # the user's id (email): names may be shared
    created_role: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    __table_args__ = (UniqueConstraint("name", "version", name="uq_account_lists_name_version"),)


class AccountListMember(Base):
    """An account on one version of a list, at its position (1 = first)."""

    __tablename__ = "account_list_members"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("account_lists.id", ondelete="CASCADE"), nullable=False,
                                         index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False, index=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    __table_args__ = (UniqueConstraint("list_id", "account_id", name="uq_account_list_members_list_account"),)


class AccountScore(Base):
    """A BU's score of an account on one measure of the funnel (size of opportunity or ease of access), 0-10."""

    __tablename__ = "account_scores"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False, index=True)
    bu_id: Mapped[int | None] = mapped_column(ForeignKey("business_units.id", ondelete="SET NULL"), index=True)
    measure: Mapped[str] = mapped_column(String(16), nullable=False)  # size, ease
    score: Mapped[float] = mapped_column(Float, nullable=False)
    author: Mapped[str] = mapped_column(String(255), nullable=False)
    author_role: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)


class FocusPick(Base):
    """A BU leader marking an account of a shortlist version as of interest (or taking the mark back)."""

    __tablename__ = "focus_picks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("account_lists.id", ondelete="CASCADE"), nullable=False,
                                         index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False, index=True)
    bu_id: Mapped[int | None] = mapped_column(ForeignKey("business_units.id", ondelete="SET NULL"), index=True)
    picked: Mapped[bool] = mapped_column(Boolean, nullable=False)
    author: Mapped[str] = mapped_column(String(255), nullable=False)
    author_role: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)


class MaturityAssessment(Base):
    """One person's scores of an organisation or a BU on the nine dimensions (data/maturity.json), on a date."""

    __tablename__ = "maturity_assessments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(128), nullable=False, index=True)  # "organisation" or a BU id
    assessed_on: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    scores: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)  # dimension code -> score
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    author: Mapped[str] = mapped_column(String(255), nullable=False)
    author_id: Mapped[str | None] = mapped_column(String(320))  # the user's id (email): names may be shared
    author_role: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)


class EngagementPlan(Base):
    """One saved version of a named engagement plan: its start date and its phases and activities (JSON)."""

    __tablename__ = "engagement_plans"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    list_name: Mapped[str | None] = mapped_column(String(128))  # the accounts it is for (a list's name)
    body: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)  # phases -> activities
    created_by: Mapped[str] = mapped_column(String(255), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    __table_args__ = (UniqueConstraint("name", "version", name="uq_engagement_plans_name_version"),)


# Organisation design (issue 14): the economics' assumptions in versions, and saved scenarios (a structure per
# account). Append-only like the programme's tables: a save is a new version, the latest counts.


class DesignAssumption(Base):
    """One saved version of the economics' assumptions (costs, uplift, margin, horizon, coverage ratios)."""

    __tablename__ = "design_assumptions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, unique=True)
    body: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_by: Mapped[str] = mapped_column(String(255), nullable=False)
    created_role: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)


class Scenario(Base):
    """One saved version of a named scenario: which accounts it covers (a list's name, or the whole portfolio) and
    what it started from; its structures are ScenarioStructure rows."""

    __tablename__ = "scenarios"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    scope: Mapped[str | None] = mapped_column(String(128))  # a list's name; None: the whole portfolio
    base: Mapped[str] = mapped_column(String(160), nullable=False)  # what it started from, in words
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_by: Mapped[str] = mapped_column(String(255), nullable=False)
    created_by_id: Mapped[str | None] = mapped_column(String(320))  # the user's id (email): names may be shared
    created_role: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    __table_args__ = (UniqueConstraint("name", "version", name="uq_scenarios_name_version"),)


class ScenarioStructure(Base):
    """The structure (approach code) a scenario gives one account."""

    __tablename__ = "scenario_structures"
    scenario_id: Mapped[int] = mapped_column(ForeignKey("scenarios.id", ondelete="CASCADE"), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True,
                                            index=True)
    approach: Mapped[str] = mapped_column(String(32), nullable=False)


# Results over time and account plans (issue 25). Every import of opportunities is dated, and keeps each opportunity's
# outcome and value as it left them, so that won value can be compared between any two imports; an account plan is
# saved in versions. Append-only, like the programme's tables.


class ImportRecord(Base):
    """One import of opportunities: the date of the CRM export it read (``as_of``), when and by whom it was recorded,
    how many rows it wrote and how many opportunities' outcome or value it changed."""

    __tablename__ = "imports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    as_of: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    source: Mapped[str] = mapped_column(String(255), nullable=False, default="")
    rows: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    changes: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    recorded_by: Mapped[str] = mapped_column(String(255), nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)


class OutcomeRecord(Base):
    """An opportunity's account, BU, outcome, value, currency and close date as an import left them. Written only when
    one of them changed since the opportunity's previous record (or it is new): its state after any import is its
    latest record at or before that import.

    Derived rows, like an index: the opportunity, account and BU are row ids without foreign keys, because PostgreSQL
    checks (and locks) a parent row for each of a million records an import writes, a minute per key; they go with
    their import (which cascades) and with the portfolio (Store.clear_portfolio deletes them first)."""

    __tablename__ = "outcome_records"
    opportunity_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id", ondelete="CASCADE"), primary_key=True, index=True)
    account_id: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    bu_id: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(8), nullable=False)
    value: Mapped[float] = mapped_column(Float, nullable=False)
    currency: Mapped[str | None] = mapped_column(String(3))
    close_date: Mapped[date | None] = mapped_column(Date)


class WonTotal(Base):
    """An account's won value in one currency as an import left it (the sum of its opportunities won, in the currency
    each file gave; NULL: the file said none), and how many deals: the results read two imports' totals instead of a
    million records. Derived like the records: the account is a row id without a foreign key."""

    __tablename__ = "won_totals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id", ondelete="CASCADE"), nullable=False)
    account_id: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    currency: Mapped[str | None] = mapped_column(String(3))
    won: Mapped[float] = mapped_column(Float, nullable=False)
    deals: Mapped[int] = mapped_column(Integer, nullable=False)
    __table_args__ = (Index("ix_won_totals_import_id_account_id", "import_id", "account_id"),)


class AccountPlan(Base):
    """One saved version of a focus account's plan (the deck's pilot account planning): objectives, targets per BU,
    stakeholders and actions, as JSON (gtm.domain.account_plans)."""

    __tablename__ = "account_plans"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False, index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    body: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_by: Mapped[str] = mapped_column(String(255), nullable=False)
    created_by_id: Mapped[str | None] = mapped_column(String(320))
    created_role: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    __table_args__ = (UniqueConstraint("account_id", "version", name="uq_account_plans_account_version"),)
