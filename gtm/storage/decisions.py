"""Decisions and reviews: the append-only history of approaches chosen and the BUs' verdicts on them."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import func, insert, select

from gtm.domain.reviews import review_status
from gtm.domain.vocabulary import normalise
from gtm.storage.core import StoreBase, Transaction
from gtm.storage.models import Account, BusinessUnit, Decision, Opportunity, Review, utcnow
from gtm.storage.versioned import _family_bus


class Decisions(StoreBase):
    """Decisions on accounts and the reviews of them."""

    def decisions(self, account_id: str | None = None) -> pd.DataFrame:
        """The decision history (newest first) with each decision's latest review status."""
        stmt = (
            select(
                Decision.id.label("decision_id"), Account.external_id.label("account_id"),
                Account.name.label("account_name"), Decision.approach, Decision.rationale, Decision.author,
                Decision.author_role, Decision.created_at, Decision.matrix_name, Decision.matrix_fingerprint,
                Decision.recommended_approach, Decision.in_band_share, Decision.lead_bu, Decision.lead_bu_proposed,
                Decision.point_person, Decision.point_person_proposed, Decision.lead_reason,
            )
            .join(Account, Decision.account_id == Account.id)
            .order_by(Decision.created_at.desc(), Decision.id.desc())
        )
        if account_id is not None:
            stmt = stmt.where(Account.external_id == account_id)
        frame = self._frame(stmt)
        status = review_status(frame, self.reviews(), self.decided_account_bus())
        return frame.merge(status, on="decision_id", how="left")

    def reviews(self, decision_id: int | None = None) -> pd.DataFrame:
        """Every review verdict (append-only), oldest first."""
        stmt = select(
            Review.id.label("review_id"), Review.decision_id, Review.verdict, Review.comment, Review.reviewer,
            BusinessUnit.external_id.label("bu"), Review.created_at,
        ).outerjoin(BusinessUnit, Review.bu_id == BusinessUnit.id).order_by(Review.created_at, Review.id)
        if decision_id is not None:
            stmt = stmt.where(Review.decision_id == decision_id)
        return self._frame(stmt)

    @staticmethod
    def latest_decision(tx: Transaction, account_key: int) -> tuple[int, str, Any] | None:
        """(id, author, created_at) of the account's latest decision, or None when it has none."""
        row = tx.execute(select(Decision.id, Decision.author, Decision.created_at)
                         .where(Decision.account_id == account_key).order_by(Decision.id.desc()).limit(1)).first()
        return None if row is None else (int(row.id), str(row.author), row.created_at)

    @staticmethod
    def decision_account_key(tx: Transaction, decision_id: int) -> int | None:
        """The row id of the account a decision is about, or None when there is no such decision."""
        return tx.execute(select(Decision.account_id).where(Decision.id == decision_id)).scalar()

    @staticmethod
    def account_touches_bu(tx: Transaction, account_key: int, bu_key: int) -> bool:
        """Whether the account has at least one opportunity of the BU: named by the file, or, where the file named
        none, through the active product family -> BU mapping (as the pages read BUs)."""
        if tx.execute(select(func.count()).select_from(Opportunity).where(
                Opportunity.account_id == account_key, Opportunity.bu_id == bu_key)).scalar():
            return True
        families = tx.execute(select(Opportunity.product_family).distinct().where(
            Opportunity.account_id == account_key, Opportunity.bu_id.is_(None),
            Opportunity.product_family.is_not(None))).scalars().all()
        if not families:
            return False
        bu = tx.execute(select(BusinessUnit.external_id, BusinessUnit.name).where(BusinessUnit.id == bu_key)).first()
        mapped = _family_bus(tx)
        names = {normalise(bu.external_id), normalise(bu.name)} if bu is not None else set()
        return any(normalise(mapped.get(normalise(f), "")) in names for f in families)

    @staticmethod
    def account_bus(tx: Transaction, account_key: int) -> list[str]:
        """The BUs (external ids) of the account's open and won opportunities: named by the file, or, where the file
        named none, through the active product family -> BU mapping (as the pages read BUs)."""
        named = set(tx.execute(select(BusinessUnit.external_id).distinct()
                               .join(Opportunity, Opportunity.bu_id == BusinessUnit.id)
                               .where(Opportunity.account_id == account_key, Opportunity.outcome != "lost"))
                    .scalars().all())
        families = tx.execute(select(Opportunity.product_family).distinct().where(
            Opportunity.account_id == account_key, Opportunity.bu_id.is_(None), Opportunity.outcome != "lost",
            Opportunity.product_family.is_not(None))).scalars().all()
        if families:
            mapped = _family_bus(tx)
            units = tx.execute(select(BusinessUnit.external_id, BusinessUnit.name)).all()
            ids = {normalise(name): ext for ext, name in units}
            ids.update({normalise(ext): ext for ext, _ in units})
            named |= {ids[k] for f in families if (k := normalise(mapped.get(normalise(f), ""))) in ids}
        return sorted(named)

    def decided_account_bus(self) -> pd.DataFrame:
        """account_id, bu: the BUs with value (opportunity value summed above zero, lost deals left out: they are no
        longer at stake) at each account that has a decision; each of them reviews it (gtm.domain.reviews). A BU
        comes from the file, or, where the file named none, from the active product family -> BU mapping, as the
        pages read BUs."""
        decided = select(Decision.account_id)
        named = (select(Account.external_id.label("account_id"), BusinessUnit.external_id.label("bu"),
                        func.sum(Opportunity.value).label("value"))
                 .join(Opportunity, Opportunity.account_id == Account.id)
                 .join(BusinessUnit, Opportunity.bu_id == BusinessUnit.id)
                 .where(Account.id.in_(decided), Opportunity.outcome != "lost")
                 .group_by(Account.external_id, BusinessUnit.external_id))
        by_family = (select(Account.external_id.label("account_id"), Opportunity.product_family,
                            func.sum(Opportunity.value).label("value"))
                     .join(Opportunity, Opportunity.account_id == Account.id)
                     .where(Account.id.in_(decided), Opportunity.bu_id.is_(None), Opportunity.outcome != "lost",
                            Opportunity.product_family.is_not(None))
                     .group_by(Account.external_id, Opportunity.product_family))
        with self.engine.connect() as conn:
            frames = [pd.read_sql(named, conn)]
            families = pd.read_sql(by_family, conn)
            if len(families):
                mapped = _family_bus(conn)
                units = conn.execute(select(BusinessUnit.external_id, BusinessUnit.name)).all()
                ids = {normalise(name): ext for ext, name in units}
                ids.update({normalise(ext): ext for ext, _ in units})
                target = families["product_family"].map(lambda f: ids.get(normalise(mapped.get(normalise(f), ""))))
                frames.append(families.assign(bu=target).dropna(subset=["bu"])[["account_id", "bu", "value"]])
        both = pd.concat(frames, ignore_index=True)
        sums = both.groupby(["account_id", "bu"], sort=True)["value"].sum()
        return sums[sums > 0].reset_index()[["account_id", "bu"]]

    @staticmethod
    def latest_review_id(tx: Transaction, decision_id: int) -> int:
        """The id of the decision's latest review (0: none yet)."""
        return int(tx.execute(select(func.max(Review.id)).where(Review.decision_id == decision_id)).scalar() or 0)

    def insert_decision(self, tx: Transaction, **values: Any) -> int:
        """Append a decision row; returns its id."""
        new_id = tx.execute(insert(Decision).values(created_at=utcnow(), **values).returning(Decision.id)).scalar_one()
        self.bump(tx, portfolio=False)
        return int(new_id)

    def insert_review(self, tx: Transaction, **values: Any) -> int:
        """Append a review row; returns its id."""
        new_id = tx.execute(insert(Review).values(created_at=utcnow(), **values).returning(Review.id)).scalar_one()
        self.bump(tx, portfolio=False)
        return int(new_id)
