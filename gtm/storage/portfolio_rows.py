"""Portfolio rows: business units, accounts and opportunities, as read and as an import writes them."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
from sqlalchemy import select, update

from gtm.domain.vocabulary import normalise
from gtm.storage import arrow
from gtm.storage.bulk import Progress, _beside, _bulk_upsert, _business_units, _keys, _upsert
from gtm.storage.core import StoreBase, Transaction
from gtm.storage.models import Account, BusinessUnit, Opportunity, utcnow

ACCOUNT_COLUMNS = ("external_id", "name", "industry", "region", "parent_external_id", "revenue", "growth_potential",
                   "ease_of_access", "current_approach", "owner")


class PortfolioRows(StoreBase):
    """The stored portfolio's rows: BUs, accounts and opportunities."""

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
        return arrow.read_frame(self.engine, stmt, text_as_objects=True)

    _OPPORTUNITY_COLUMNS = ("opportunity_id", "account_id", "account_name", "bu", "bu_name", "name", "nature",
                            "nature_source", "diagnosis_rule", "value", "currency", "probability", "stage", "outcome",
                            "close_date", "type", "owner", "product_family", "signals", "attributes", "approach",
                            "industry", "region")

    def opportunities(self) -> pd.DataFrame:
        """One row per opportunity, with its account's name and current approach (as ``approach``).

        Read in bulk (gtm.storage.arrow): the opportunities with their account's and BU's row ids, then the
        account and BU columns put beside them by position, so a million rows carry no text they don't own.
        """
        opps = arrow.read_frame(self.engine, select(
            Opportunity.external_id.label("opportunity_id"), Opportunity.account_id.label("account_key"),
            Opportunity.bu_id.label("bu_key"), Opportunity.name, Opportunity.nature, Opportunity.nature_source,
            Opportunity.diagnosis_rule, Opportunity.value, Opportunity.currency, Opportunity.probability,
            Opportunity.stage, Opportunity.outcome, Opportunity.close_date, Opportunity.type, Opportunity.owner,
            Opportunity.product_family, Opportunity.signals, Opportunity.attributes,
        ).order_by(Opportunity.external_id), json_columns=("signals", "attributes"), date_columns=("close_date",))
        accounts = arrow.read_frame(self.engine, select(
            Account.id.label("account_key"), Account.external_id.label("account_id"),
            Account.name.label("account_name"), Account.current_approach.label("approach"), Account.industry,
            Account.region))
        bus = arrow.read_frame(self.engine, select(
            BusinessUnit.id.label("bu_key"), BusinessUnit.external_id.label("bu"), BusinessUnit.name.label("bu_name")))
        _beside(opps, accounts, "account_key")
        _beside(opps, bus, "bu_key")
        return opps[list(self._OPPORTUNITY_COLUMNS)]

    @staticmethod
    def account_key(tx: Transaction, account_id: str) -> int | None:
        """The row id of the account with this CRM id, or None."""
        return tx.execute(select(Account.id).where(Account.external_id == account_id)).scalar()

    @staticmethod
    def business_unit_key(tx: Transaction, bu_id: str | None) -> int | None:
        """The row id of the BU with this external id, or None."""
        if bu_id is None:
            return None
        return tx.execute(select(BusinessUnit.id).where(BusinessUnit.external_id == bu_id)).scalar()

    @staticmethod
    def opportunity_key(tx: Transaction, opportunity_id: str) -> int | None:
        """The row id of the opportunity with this CRM id, or None."""
        return tx.execute(select(Opportunity.id).where(Opportunity.external_id == opportunity_id)).scalar()

    def update_current_approaches(self, tx: Transaction, approaches: dict[str, str | None]) -> int:
        """Set the current approach (None: not set) of accounts by CRM id; returns how many rows changed."""
        changed = 0
        for account_id, approach in approaches.items():
            changed += tx.execute(update(Account).where(Account.external_id == account_id).values(
                current_approach=approach, updated_at=utcnow())).rowcount
        self.bump(tx)
        return changed

    # ------------------------------------------------------------------ imports

    def stored_ids(self, kind: str) -> pd.Series:
        """The CRM ids already stored for ``kind`` ('accounts' or 'opportunities'), as Arrow-backed strings.

        Read a part at a time into Arrow buffers: a million ids take about 20 MB, where a set of Python strings
        takes about 150 MB.
        """
        model = Account if kind == "accounts" else Opportunity
        parts: list[pa.Array] = []
        with self.engine.connect() as conn:
            result = conn.execution_options(yield_per=50_000).execute(select(model.external_id))
            for part in result.scalars().partitions():
                parts.append(pa.array(part, type=pa.large_string()))
        ids = pa.chunked_array(parts, type=pa.large_string())
        return pd.Series(pd.arrays.ArrowStringArray(ids), dtype="str", name="external_id")

    def upsert_accounts(self, tx: Transaction, rows: pd.DataFrame, keep: frozenset[str] = frozenset(),
                        progress: Progress | None = None) -> None:
        """Insert new accounts and update stored ones by CRM id; columns in ``keep`` are written on insert only."""
        data = {c: rows[c] for c in ACCOUNT_COLUMNS}
        _bulk_upsert(tx, Account.__table__, data, len(rows), keep, progress, "accounts")  # type: ignore[arg-type]
        self.bump(tx)

    def upsert_opportunities(self, tx: Transaction, rows: pd.DataFrame, keep: frozenset[str] = frozenset(),
                             progress: Progress | None = None) -> int:
        """Insert or update opportunities by CRM id, finding accounts by CRM id and BUs by id or name.

        BUs named for the first time are created; returns how many were.
        """
        acc_keys: dict[str, int] = {ext: pk for ext, pk in tx.execute(select(Account.external_id, Account.id))}
        bu_keys, bus_added = _business_units(tx, rows["bu"])
        data: dict[str, pd.Series] = {
            "external_id": rows["external_id"],
            "account_id": _keys(rows["account_external_id"], acc_keys.get),
            "bu_id": _keys(rows["bu"], lambda name: bu_keys.get(normalise(name))),
            **{c: rows[c] for c in ("name", "nature", "nature_source", "diagnosis_rule", "value", "probability",
                                    "stage", "outcome", "close_date", "type", "owner", "currency", "product_family",
                                    "signals", "attributes")},
        }
        _bulk_upsert(tx, Opportunity.__table__, data, len(rows), keep, progress,  # type: ignore[arg-type]
                     "opportunities")
        self.bump(tx)
        return bus_added

    def ensure_business_units(self, tx: Transaction, names: list[str]) -> list[str]:
        """Create the BUs ``names`` names that no stored BU has as id or name (any case and punctuation), with the
        name as given for both, as an import does; returns the names created."""
        known = {normalise(ext) for ext, in tx.execute(select(BusinessUnit.external_id))}
        known |= {normalise(name) for name, in tx.execute(select(BusinessUnit.name))}
        spelled = (str(n).strip() for n in names)
        new = list({normalise(b): b for b in spelled if b and normalise(b) not in known}.values())
        _business_units(tx, pd.Series(new, dtype=object))
        if new:
            self.bump(tx)  # the stored rows changed: the BU lists read them again
        return new

    def upsert_business_units(self, tx: Transaction, frame: pd.DataFrame) -> None:
        """Insert or update business units (bu_id, name, description) by their id."""
        rows = [{"external_id": r.bu_id, "name": r.name, "description": getattr(r, "description", None)}
                for r in frame.itertuples()]
        _upsert(tx, BusinessUnit.__table__, rows, "external_id")  # type: ignore[arg-type]
        self.bump(tx)
