"""The headers and words an export shares with the page that shows the same table: one table per export.

Each table lists its columns in the page's order with the page's header (``{currency}`` stands for the reporting
currency) and how a cell reads there: an approach or nature as its label, a fit as its symbol and words, a role
by its name, an id or a count as a whole number, a timestamp as a timestamp. ``column_labels`` gives a page its
``column_config`` headers from the same table; ``for_people`` turns an export frame into what the page shows.
Text stays text for ``tables.neutralise``, which every writer applies after this.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from gtm.domain import portfolio
from gtm.domain.permissions import ROLE_LABELS
from gtm.domain.vocabulary import APPROACHES, FITS, NATURES
from gtm.export import charts

Kind = Literal["text", "number", "whole", "timestamp", "approach", "approach_short", "nature", "fit", "role",
               "yes_no"]


@dataclass(frozen=True)
class Column:
    """One exported column: the frame's column ``key``, the page's header, how a cell reads, and the words for an
    empty cell (unknown is a value: shown, not left blank) where the page shows some."""

    key: str
    label: str
    kind: Kind = "text"
    missing: str | None = None


@dataclass(frozen=True)
class Table:
    """An export's columns in the page's order. ``rest``: keep the frame's other columns after them under their
    own names (the opportunities' ``signal: …`` and ``crm: …`` columns); otherwise only these are exported.
    ``prepare`` derives a column the page shows from the frame's (e.g. how the nature was found)."""

    name: str
    columns: tuple[Column, ...]
    rest: bool = False
    prepare: Callable[[pd.DataFrame], pd.DataFrame] | None = field(default=None, compare=False)

    @property
    def keys(self) -> list[str]:
        """The frame's columns this table exports, in order."""
        return [c.key for c in self.columns]


def _nature_found(frame: pd.DataFrame) -> pd.DataFrame:
    """The Account page's "Nature found" (given, which rule, which person) in place of the two columns it reads."""
    if "nature_source" not in frame:
        return frame
    return frame.assign(nature_found=portfolio.nature_found(frame)).drop(
        columns=[c for c in ("nature_source", "diagnosis_rule") if c in frame])


_ACCOUNT_ID = Column("account_id", "Account id")
_ACCOUNT = Column("account_name", "Account")

# Exports page "Accounts": the account's own fields (as imported), its figures, recommendation and latest decision.
ACCOUNTS = Table("Accounts", (
    _ACCOUNT_ID, Column("name", "Account"), Column("industry", "Industry"), Column("region", "Region"),
    Column("parent_id", "Parent account id"), Column("owner", "Owner"),
    Column("revenue", "Annual revenue", "number"), Column("growth_potential", "Growth potential (%)", "number"),
    Column("ease_of_access", "Ease of access (%)", "number"),
    Column("current_approach", "Current approach", "approach", missing="not set"),
    Column("approach_assumed", "Approach assumed", "yes_no"),
    Column("opportunities", "Opportunities", "whole"), Column("value", "Value ({currency})", "number"),
    Column("misfit_value", "Misfit value ({currency})", "number"), Column("worst_steps", "Worst steps", "whole"),
    Column("undiagnosed_value", "Value not yet diagnosed ({currency})", "number"),
    Column("lost_count", "Lost deals (left out)", "whole"), Column("lost_value", "Lost value ({currency})", "number"),
    Column("recommended_approach", "Recommended approach", "approach", missing="none yet"),
    Column("current_in_band_share", "In band today (share of expected value)", "number"),
    Column("recommended_in_band_share", "In band if recommended (share of expected value)", "number"),
    Column("overserved_count", "Over-served opportunities", "whole"),
    Column("overserved_value", "Over-served value ({currency})", "number"),
    Column("underserved_count", "Under-served opportunities", "whole"),
    Column("underserved_value", "Under-served value ({currency})", "number"),
    Column("recommendation_rationale", "Why this recommendation"),
    Column("decided_approach", "Latest decision", "approach", missing="none yet"),
    Column("decided_by", "Decided by"), Column("decided_at", "Decided at", "timestamp"),
    Column("review_status", "Review"),
    Column("lead_bu", "Lead BU id"), Column("lead_bu_name", "Lead BU", missing="none proposed"),
    Column("point_person", "Point person", missing="none proposed"), Column("lead_reason", "Lead BU and point person: why"),
))

# Exports page "Opportunities": the Account page's opportunity table, then the rest of what the engine read.
OPPORTUNITIES = Table("Opportunities", (
    Column("opportunity_id", "Opportunity id"), _ACCOUNT_ID, _ACCOUNT, Column("name", "Opportunity"),
    Column("fit", "Fit", "fit"), Column("steps", "Steps", "whole"),
    Column("value", "Full value ({currency})", "number"),
    Column("expected_value", "Expected value ({currency})", "number"),
    Column("value_original", "In the file", "number"), Column("currency", "Currency"),
    Column("nature", "Nature", "nature", missing="— not yet diagnosed"), Column("nature_found", "Nature found"),
    Column("bu_name", "BU"), Column("bu", "BU id"), Column("bu_source", "BU from"),
    Column("probability", "Prob. %", "number"),
    Column("stage", "Stage"), Column("outcome", "Outcome"), Column("rationale", "Why"),
    Column("approach", "Approach", "approach"), Column("approach_assumed", "Approach assumed", "yes_no"),
    Column("band_low", "Realistic from", "approach"), Column("band_high", "Realistic to", "approach"),
    Column("diagnosis_reason", "Diagnosis"), Column("close_date", "Close date"), Column("type", "Type"),
    Column("owner", "Owner"), Column("product_family", "Product family"), Column("industry", "Industry"),
    Column("region", "Region"),
), rest=True, prepare=_nature_found)

# Exports page "Decisions": the Account page's decision history, with the account and the review trail.
DECISIONS = Table("Decisions", (
    Column("decision_id", "Decision id", "whole"), _ACCOUNT_ID, _ACCOUNT,
    Column("created_at", "When", "timestamp"), Column("author", "Who"), Column("author_role", "Role", "role"),
    Column("approach", "What", "approach"), Column("rationale", "Why"), Column("matrix_name", "Matrix version"),
    Column("matrix_fingerprint", "Matrix id"), Column("review_status", "Review"), Column("approvals", "BUs"),
    Column("review_comment", "Review comment"),
    Column("recommended_approach", "Recommended approach", "approach"),
    Column("in_band_share", "In band (share of expected value)", "number"), Column("reviewer", "Reviewer"),
    Column("latest_review_id", "Latest review id", "whole"), Column("review_history", "Review history"),
    Column("lead_bu", "Lead BU chosen"), Column("lead_bu_proposed", "Lead BU proposed then"),
    Column("point_person", "Point person chosen"), Column("point_person_proposed", "Point person proposed then"),
    Column("lead_reason", "Why another lead BU or point person"),
))

# Review page "Export this view": the queue table as the page words it (its ``_view``), the account id in place of
# its link, every row (the page lists the first thousand). ``{bu}``: the names of the BUs reviewed; "Waiting on":
# the BUs of a head of several that a decision still waits on.
REVIEW = Table("Review", (
    _ACCOUNT, Column("review_status", "Status"), Column("fit_badge", "Worst fit"),
    Column("value_at_stake", "Value at stake ({currency})", "number"), Column("approach_label", "Approach"),
    Column("waiting_on", "Waiting on"), Column("your_verdict", "Verdict of {bu}"), _ACCOUNT_ID, Column("worst_steps", "Steps", "whole"),
    Column("judged_on", "Judged on"), Column("author", "Decided by"),
    Column("approvals", "BUs (each with value must approve)"), Column("review_comment", "Review comment"),
))

# Whitespace page "Download the whitespace": per account and BU, won, open, the potential from peers and the gap.
WHITESPACE = Table("Whitespace", (
    _ACCOUNT_ID, _ACCOUNT, Column("bu", "BU id"), Column("bu_name", "BU"),
    Column("won_value", "Won ({currency})", "number"), Column("open_value", "Open, expected ({currency})", "number"),
    Column("potential", "Potential from peers ({currency})", "number", missing="not known"),
    Column("whitespace", "Whitespace ({currency})", "number", missing="not known"),
))

# Diagnose page "Product families": the two mapping editors (their CSV import reads these headers back).
FAMILY_BU = Table("Product family to BU", (Column("product_family", "Product family"), Column("bu", "BU")))
FAMILY_NATURE = Table("Product family to nature", (Column("product_family", "Product family"),
                                                   Column("nature", "Nature", "nature")))

# Admin page "Audit log".
AUDIT = Table("Audit log", (
    Column("entry_id", "Entry id", "whole"), Column("at", "When (UTC)", "timestamp"), Column("workspace", "Workspace"),
    Column("actor", "Who"), Column("actor_email", "Email"), Column("actor_role", "Role"), Column("action", "What"),
    Column("target", "On"), Column("detail", "Detail"),
))

# Results page "Per account" (issue 25): won value at the baseline import and at the latest, and the gain.
RESULTS = Table("Results", (
    _ACCOUNT_ID, _ACCOUNT, Column("won_before", "Won at the baseline ({currency})", "number"),
    Column("won_now", "Won now ({currency})", "number"), Column("won_gained", "Gained ({currency})", "number"),
))

MAPPINGS: Mapping[str, Table] = {"family_bu": FAMILY_BU, "family_nature": FAMILY_NATURE}  # by rule kind
EXPORTS: Mapping[str, Table] = {"accounts": ACCOUNTS, "opportunities": OPPORTUNITIES, "decisions": DECISIONS,
                                "audit": AUDIT, "whitespace": WHITESPACE, "results": RESULTS}


def column_labels(table: Table, currency: str, **names: str) -> dict[str, str]:
    """The page's header of each column, for ``st.dataframe(column_config=...)``; ``names`` fill the other
    placeholders (``bu``)."""
    return {c.key: c.label.format(currency=currency, **names) for c in table.columns}


def _words(series: pd.Series, words: Callable[[str], str]) -> pd.Series:
    """Each distinct code in words (once per distinct value, so a million rows cost a few look-ups)."""
    codes, uniques = pd.factorize(series.astype(object), use_na_sentinel=True)
    table = np.empty(len(uniques) + 1, dtype=object)
    table[:-1] = [words(str(u)) for u in uniques]
    table[-1] = None
    return pd.Series(table[codes], index=series.index, name=series.name, dtype=object)


def _term_words(vocabulary_label: Callable[[str], str], codes: tuple[str, ...]) -> Callable[[str], str]:
    # A code the vocabulary does not know is shown as it is rather than dropped: the page shows it too.
    return lambda code: vocabulary_label(code) if code in codes else code


_READERS: dict[str, Callable[[str], str]] = {
    "approach": _term_words(APPROACHES.label, APPROACHES.codes),
    "approach_short": _term_words(lambda c: APPROACHES.term(c).short_label, APPROACHES.codes),
    "nature": _term_words(NATURES.label, NATURES.codes),
    "fit": lambda code: charts.fit_badge(code) if code in FITS.codes else code,
    "role": lambda code: ROLE_LABELS.get(code, code),  # type: ignore[call-overload]  # Role is a StrEnum
}


def _cells(series: pd.Series, column: Column) -> pd.Series:
    """One column as the page shows it."""
    kind = column.kind
    if kind in _READERS:
        out = _words(series, _READERS[kind])
    elif kind == "yes_no":
        out = series.map({True: "yes", False: "no"}).astype(object)
    elif kind == "whole":
        numbers = pd.to_numeric(series, errors="coerce")
        out = numbers.round().astype("Int64") if numbers.notna().sum() == series.notna().sum() else series
    elif kind == "number":
        out = pd.to_numeric(series, errors="coerce") if series.dtype == object else series
    elif kind == "timestamp":
        out = series if pd.api.types.is_datetime64_any_dtype(series.dtype) else pd.to_datetime(
            series, utc=True, errors="coerce", format="mixed")
    else:
        out = series
    if column.missing is not None:
        out = out.astype(object).where(out.notna(), column.missing)
    elif kind == "fit":
        out = out.where(out.notna(), charts.fit_badge(None))
    return out


def for_people(frame: pd.DataFrame, table: Table, currency: str, **names: str) -> pd.DataFrame:
    """``frame`` with the page's columns, headers and words: labels for codes, fits in words, ids and counts as
    whole numbers, numbers as numbers, timestamps as timestamps (in UTC). A column the frame lacks is left out;
    ``names`` fill the headers' other placeholders."""
    if table.prepare is not None:
        frame = table.prepare(frame)
    labels = column_labels(table, currency, **names)
    present = [c for c in table.columns if c.key in frame.columns]
    out = pd.DataFrame({labels[c.key]: _cells(frame[c.key], c) for c in present}, index=frame.index)
    if table.rest:
        known = set(table.keys)
        for name in frame.columns:
            if name not in known and name not in out.columns:
                out[name] = frame[name]
    return out.reset_index(drop=True)

