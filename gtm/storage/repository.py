"""The repository: the only module that talks to the database. It hands out DataFrames, never sessions."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from gtm.domain.errors import ConfigError, GtmError, InputError, PermissionDenied, Problem
from gtm.domain.matrix import ApproachMatrix, default_matrix, parse_matrix
from gtm.domain.permissions import Actor, Role, require
from gtm.domain.vocabulary import APPROACHES
from gtm.storage import engine as db
from gtm.storage.models import Account, BusinessUnit, Decision, MatrixVersion, Meta, Opportunity, Review, utcnow

VERDICTS = ("approved", "challenged")
MAX_TEXT = 5000


@dataclass(frozen=True)
class ActiveMatrix:
    """The active matrix and the version it came from."""

    matrix: ApproachMatrix
    version_id: int | None
    name: str


class Store:
    """A portfolio database (SQLite file by default, PostgreSQL by URL), migrated to the newest schema."""

    def __init__(self, url: str | None = None, *, migrate: bool = True) -> None:
        self.url = db.resolve_url(url)
        self.engine: Engine = db.make_engine(self.url)
        if migrate:
            try:
                db.upgrade(self.engine)
            except GtmError:
                raise
            except Exception as exc:  # unreachable server, bad credentials, read-only file
                raise ConfigError(f"cannot open database {self.display_url}: {exc.__class__.__name__}: {exc}") from None
            self.ensure_default_matrix()

    @property
    def display_url(self) -> str:
        """The URL with the password hidden; a SQLite file inside the project by its relative path."""
        if self.url.startswith("sqlite:///"):
            path = Path(self.url.split("///", 1)[1])
            try:
                return str(path.relative_to(db.ROOT))
            except ValueError:
                return str(path)
        return db.safe_url(self.url)

    @property
    def backend(self) -> str:
        """'sqlite' or 'postgresql'."""
        return self.engine.dialect.name

    def dispose(self) -> None:
        """Close pooled connections."""
        self.engine.dispose()

    # ------------------------------------------------------------------ versions

    def data_version(self) -> int:
        """A number that changes on every write: the cache key for everything derived from the data."""
        with self.engine.connect() as conn:
            value = conn.execute(select(Meta.value).where(Meta.key == "data_version")).scalar()
        return int(value or 0)

    @staticmethod
    def bump(conn: Connection) -> None:
        """Advance the data version inside the caller's transaction."""
        updated = conn.execute(update(Meta).where(Meta.key == "data_version").values(value=Meta.value + 1))
        if updated.rowcount == 0:
            conn.execute(insert(Meta).values(key="data_version", value=1))

    # ------------------------------------------------------------------ reads

    def is_empty(self) -> bool:
        """True when no account is stored."""
        with self.engine.connect() as conn:
            return not conn.execute(select(func.count()).select_from(Account)).scalar()

    def counts(self) -> dict[str, int]:
        """Row counts per table, for status lines and tests."""
        out = {}
        with self.engine.connect() as conn:
            for model in (BusinessUnit, Account, Opportunity, Decision, Review, MatrixVersion):
                out[model.__tablename__] = int(conn.execute(select(func.count()).select_from(model)).scalar() or 0)
        return out

    def _frame(self, stmt: Any) -> pd.DataFrame:
        with self.engine.connect() as conn:
            return pd.read_sql(stmt, conn)

    def business_units(self) -> pd.DataFrame:
        """bu_id, name, description."""
        stmt = select(
            BusinessUnit.external_id.label("bu_id"), BusinessUnit.name, BusinessUnit.description
        ).order_by(BusinessUnit.external_id)
        return self._frame(stmt)

    def accounts(self) -> pd.DataFrame:
        """One row per account, by CRM id."""
        stmt = select(
            Account.external_id.label("account_id"), Account.name, Account.industry, Account.region,
            Account.parent_external_id.label("parent_id"), Account.revenue, Account.growth_potential,
            Account.ease_of_access, Account.current_approach, Account.owner,
        ).order_by(Account.external_id)
        return self._frame(stmt)

    def opportunities(self) -> pd.DataFrame:
        """One row per opportunity, with its account's name and current approach (as ``approach``)."""
        stmt = (
            select(
                Opportunity.external_id.label("opportunity_id"), Account.external_id.label("account_id"),
                Account.name.label("account_name"), BusinessUnit.external_id.label("bu"),
                BusinessUnit.name.label("bu_name"), Opportunity.name, Opportunity.nature, Opportunity.nature_source,
                Opportunity.diagnosis_rule, Opportunity.value, Opportunity.probability, Opportunity.stage,
                Opportunity.close_date, Opportunity.type, Opportunity.owner,
                Account.current_approach.label("approach"), Account.industry, Account.region,
            )
            .join(Account, Opportunity.account_id == Account.id)
            .outerjoin(BusinessUnit, Opportunity.bu_id == BusinessUnit.id)
            .order_by(Opportunity.external_id)
        )
        return self._frame(stmt)

    def decisions(self, account_id: str | None = None) -> pd.DataFrame:
        """The decision history (newest first) with each decision's latest review status."""
        stmt = (
            select(
                Decision.id.label("decision_id"), Account.external_id.label("account_id"),
                Account.name.label("account_name"), Decision.approach, Decision.rationale, Decision.author,
                Decision.author_role, Decision.created_at, Decision.matrix_name, Decision.matrix_fingerprint,
                Decision.recommended_approach, Decision.in_band_share,
            )
            .join(Account, Decision.account_id == Account.id)
            .order_by(Decision.created_at.desc(), Decision.id.desc())
        )
        if account_id is not None:
            stmt = stmt.where(Account.external_id == account_id)
        frame = self._frame(stmt)
        reviews = self.reviews()
        if reviews.empty:
            frame["review_status"] = "pending"
            frame["review_comment"] = ""
            frame["reviewer"] = ""
            return frame
        latest = reviews.sort_values(["created_at", "review_id"]).groupby("decision_id").tail(1)
        latest = latest.rename(columns={"verdict": "review_status", "comment": "review_comment"})
        frame = frame.merge(latest[["decision_id", "review_status", "review_comment", "reviewer"]],
                            on="decision_id", how="left")
        frame["review_status"] = frame["review_status"].fillna("pending")
        frame["review_comment"] = frame["review_comment"].fillna("")
        frame["reviewer"] = frame["reviewer"].fillna("")
        return frame

    def reviews(self, decision_id: int | None = None) -> pd.DataFrame:
        """Every review verdict (append-only), oldest first."""
        stmt = select(
            Review.id.label("review_id"), Review.decision_id, Review.verdict, Review.comment, Review.reviewer,
            BusinessUnit.external_id.label("bu"), Review.created_at,
        ).outerjoin(BusinessUnit, Review.bu_id == BusinessUnit.id).order_by(Review.created_at, Review.id)
        if decision_id is not None:
            stmt = stmt.where(Review.decision_id == decision_id)
        return self._frame(stmt)

    # ------------------------------------------------------------------ decisions and reviews

    def record_decision(
        self, actor: Actor, account_id: str, approach: str, rationale: str,
        *, recommended_approach: str | None = None, in_band_share: float | None = None,
    ) -> int:
        """Append a decision for an account, judged against the active matrix; returns its id."""
        require(actor, "record_decision")
        term = APPROACHES.parse(approach, "approach")
        rationale = (rationale or "").strip()
        if not rationale:
            raise InputError("A decision needs a rationale: say why this structure fits the account.",
                             [Problem(None, "rationale", "", "is required")])
        if len(rationale) > MAX_TEXT:
            raise InputError(f"The rationale is {len(rationale)} characters; at most {MAX_TEXT} are kept.")
        with self.engine.begin() as conn:
            active = self.active_matrix(conn)  # the version in force when the decision is written
            acc = conn.execute(select(Account.id).where(Account.external_id == account_id)).scalar()
            if acc is None:
                raise InputError(f"No account with id {account_id!r}.", [Problem(None, "account_id", account_id, "unknown account")])
            new_id = conn.execute(
                insert(Decision).values(
                    account_id=acc, approach=term.code, rationale=rationale, author=actor.name.strip(),
                    author_role=str(actor.role), matrix_version_id=active.version_id, matrix_name=active.name,
                    matrix_fingerprint=active.matrix.fingerprint, recommended_approach=recommended_approach,
                    in_band_share=in_band_share, created_at=utcnow(),
                ).returning(Decision.id)
            ).scalar_one()
            self.bump(conn)
        return int(new_id)

    def review_decision(self, actor: Actor, decision_id: int, verdict: str, comment: str) -> int:
        """Append a BU head's verdict (approved or challenged) on a decision touching their BU."""
        require(actor, "review_decision")
        verdict = (verdict or "").strip().lower()
        if verdict not in VERDICTS:
            raise InputError(f"Verdict {verdict!r} is not accepted; use one of: {', '.join(VERDICTS)}.")
        comment = (comment or "").strip()
        if verdict == "challenged" and not comment:
            raise InputError("A challenge needs a comment: say what should change.")
        if len(comment) > MAX_TEXT:
            raise InputError(f"The comment is {len(comment)} characters; at most {MAX_TEXT} are kept.")
        with self.engine.begin() as conn:
            acc = conn.execute(select(Decision.account_id).where(Decision.id == decision_id)).scalar()
            if acc is None:
                raise InputError(f"No decision with id {decision_id}.")
            bu_pk = None
            if actor.role == Role.BU_HEAD:
                bu_pk = conn.execute(select(BusinessUnit.id).where(BusinessUnit.external_id == actor.bu)).scalar()
                touches = conn.execute(
                    select(func.count()).select_from(Opportunity)
                    .where(Opportunity.account_id == acc, Opportunity.bu_id == bu_pk)
                ).scalar() if bu_pk is not None else 0
                if not touches:
                    raise PermissionDenied(
                        f"BU head of {actor.bu or 'no BU'} may review only decisions on accounts that touch that BU."
                    )
            new_id = conn.execute(
                insert(Review).values(decision_id=decision_id, verdict=verdict, comment=comment,
                                      reviewer=actor.name.strip(), bu_id=bu_pk, created_at=utcnow())
                .returning(Review.id)
            ).scalar_one()
            self.bump(conn)
        return int(new_id)

    # ------------------------------------------------------------------ matrix versions

    def ensure_default_matrix(self) -> None:
        """Store data/matrix.json as version 'default' (active) when no version exists yet."""
        with self.engine.begin() as conn:
            if conn.execute(select(func.count()).select_from(MatrixVersion)).scalar():
                return
            m = default_matrix()
            conn.execute(insert(MatrixVersion).values(
                name="default", bands=_bands_json(m), fingerprint=m.fingerprint, is_active=True,
                created_by="data/matrix.json", created_at=utcnow()))
            self.bump(conn)

    def matrix_versions(self) -> pd.DataFrame:
        """name, fingerprint, is_active, created_by, created_at of every saved version."""
        stmt = select(MatrixVersion.id.label("version_id"), MatrixVersion.name, MatrixVersion.fingerprint,
                      MatrixVersion.is_active, MatrixVersion.created_by, MatrixVersion.created_at
                      ).order_by(MatrixVersion.created_at, MatrixVersion.id)
        return self._frame(stmt)

    def matrix_version(self, name: str) -> ApproachMatrix:
        """A saved version by name."""
        with self.engine.connect() as conn:
            row = conn.execute(select(MatrixVersion.name, MatrixVersion.bands).where(MatrixVersion.name == name)).first()
        if row is None:
            raise InputError(f"No matrix version named {name!r}.")
        return parse_matrix({"name": row.name, "bands": row.bands}, source=f"matrix version {name!r}")

    def active_matrix(self, conn: Connection | None = None) -> ActiveMatrix:
        """The active version (the default file's matrix if none is stored); read in ``conn`` when given."""
        stmt = select(MatrixVersion.id, MatrixVersion.name, MatrixVersion.bands).where(
            MatrixVersion.is_active.is_(True)).limit(1)
        if conn is None:
            with self.engine.connect() as own:
                row = own.execute(stmt).first()
        else:
            row = conn.execute(stmt).first()
        if row is None:
            return ActiveMatrix(default_matrix(), None, "default")
        matrix = parse_matrix({"name": row.name, "bands": row.bands}, source=f"matrix version {row.name!r}")
        return ActiveMatrix(matrix, int(row.id), str(row.name))

    def save_matrix(self, actor: Actor, matrix: ApproachMatrix, name: str, *, activate: bool = True) -> None:
        """Save bands under a new name (names are never overwritten) and optionally make it active."""
        require(actor, "edit_matrix")
        name = (name or "").strip()
        if not name or len(name) > 128:
            raise InputError("A matrix version needs a name of 1 to 128 characters.")
        taken = InputError(f"A matrix version named {name!r} already exists; choose another name.")
        try:
            with self.engine.begin() as conn:
                if conn.execute(select(MatrixVersion.id).where(MatrixVersion.name == name)).first():
                    raise taken
                if activate:
                    conn.execute(update(MatrixVersion).values(is_active=False))
                conn.execute(insert(MatrixVersion).values(
                    name=name, bands=_bands_json(matrix), fingerprint=matrix.fingerprint, is_active=activate,
                    created_by=actor.name.strip(), created_at=utcnow()))
                self.bump(conn)
        except IntegrityError:  # another user saved the same name a moment earlier
            raise taken from None

    def activate_matrix(self, actor: Actor, name: str) -> None:
        """Make a saved version the active one."""
        require(actor, "edit_matrix")
        with self.engine.begin() as conn:
            if not conn.execute(select(MatrixVersion.id).where(MatrixVersion.name == name)).first():
                raise InputError(f"No matrix version named {name!r}.")
            conn.execute(update(MatrixVersion).values(is_active=MatrixVersion.name == name))
            self.bump(conn)

    def reset_matrix(self, actor: Actor) -> None:
        """Activate the default version (data/matrix.json); nothing changes when it is active already."""
        require(actor, "edit_matrix")
        if self.active_matrix().name != "default":
            self.activate_matrix(actor, "default")

    # ------------------------------------------------------------------ demo, maintenance

    def clear_portfolio(self, conn: Connection) -> None:
        """Delete every business unit, account, opportunity, decision and review (inside a transaction)."""
        for model in (Review, Decision, Opportunity, Account, BusinessUnit):
            conn.execute(delete(model))
        self.bump(conn)

    def backup(self, target: Path | str) -> Path:
        """A consistent copy of a live SQLite database through SQLite's backup API."""
        if self.backend != "sqlite":
            raise ConfigError("backup copies SQLite databases; for PostgreSQL use pg_dump (see README).")
        source_path = self.url.split("///", 1)[-1]
        target = Path(target)
        if target.exists():
            raise InputError(f"{target} exists already; choose a new file name for the backup.")
        target.parent.mkdir(parents=True, exist_ok=True)
        src = sqlite3.connect(source_path)
        dst = sqlite3.connect(target)
        try:
            with dst:
                src.backup(dst)
        finally:
            dst.close()
            src.close()
        return target


def _bands_json(matrix: ApproachMatrix) -> dict[str, Any]:
    return {k: {"low": b.low, "high": b.high} for k, b in matrix.bands.items()}
