"""What a draft of the diagnosis rules or mappings changes: natures before and after, and coverage.

Both sides are opportunities as ``resolve_natures`` returns them (nature blank: not yet diagnosed; nature_source
person, given, rule or undiagnosed), in the same order. A lost deal (``outcome``) is no longer at stake: as it is no
to-do, it is left out of the coverage and of the natures counted (``left_out`` says how many).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from gtm.domain import portfolio
from gtm.domain import vocabulary as vocab
from gtm.domain.fmt import count, money
from gtm.domain.outcomes import in_play

UNDIAGNOSED = "not yet diagnosed"


def nature_labels(opps: pd.DataFrame) -> pd.Series:
    """Each opportunity's nature label, 'not yet diagnosed' where it has none."""
    labels = {t.code: t.label for t in vocab.NATURES.terms}
    return opps["nature"].astype(object).map(labels).fillna(UNDIAGNOSED)


def distribution(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Count and value per nature (lightest first, then 'not yet diagnosed'), before and after, of the opportunities
    at stake (lost deals left out)."""
    order = [*vocab.NATURES.labels, UNDIAGNOSED]
    out = pd.DataFrame({"nature": order})
    for side, opps in (("before", before), ("after", after)):
        opps = opps[in_play(opps)]
        # Counted on the nature's category code (the last bin: none), not on a label per row.
        code = pd.Categorical(opps["nature"], categories=vocab.NATURES.codes).codes.astype(np.int64)
        code[code < 0] = len(vocab.NATURES.codes)
        value = opps["value"].to_numpy(dtype=float, na_value=np.nan)
        counted = ~np.isnan(value)  # as groupby's count: an amount without an exchange rate is not counted
        out[f"count_{side}"] = np.bincount(code[counted], minlength=len(order)).astype(int)
        out[f"value_{side}"] = np.bincount(code[counted], weights=value[counted], minlength=len(order))
    out["count_change"] = out["count_after"] - out["count_before"]
    return out[["nature", "count_before", "count_after", "count_change", "value_before", "value_after"]]


@dataclass(frozen=True)
class Coverage:
    """How much of the value the file gave no nature for is diagnosed by a rule, a mapping or a person, over the
    opportunities at stake; the lost deals left out are counted apart."""

    diagnosed_value: float
    to_diagnose_value: float
    undiagnosed_count: int
    undiagnosed_value: float
    lost_count: int = 0
    lost_value: float = 0.0

    @property
    def share(self) -> float:
        """Diagnosed value / value to diagnose (1.0 when the file gave every nature)."""
        return self.diagnosed_value / self.to_diagnose_value if self.to_diagnose_value else 1.0


def coverage(opps: pd.DataFrame) -> Coverage:
    """Coverage of one side: value diagnosed by a rule, a mapping or a person over the value the file left to
    diagnose, both over the deals at stake: a lost deal is no to-do (as on the to-do list), so it counts neither as
    diagnosed nor as not yet diagnosed."""
    value = np.nan_to_num(opps["value"].to_numpy(dtype=float, na_value=np.nan), nan=0.0)
    at_stake = in_play(opps)
    undiagnosed = opps["nature"].isna().to_numpy() & at_stake
    to_diagnose = (opps["nature_source"] != "given").to_numpy(dtype=bool) & at_stake  # on the categories
    return Coverage(diagnosed_value=float(value[to_diagnose & ~undiagnosed].sum()),
                    to_diagnose_value=float(value[to_diagnose].sum()),
                    undiagnosed_count=int(undiagnosed.sum()), undiagnosed_value=float(value[undiagnosed].sum()),
                    lost_count=int((~at_stake).sum()), lost_value=float(value[~at_stake].sum()))


def left_out(cov: Coverage, currency: str) -> str:
    """The sentence beside the coverage that says which lost deals it leaves out ("" when none)."""
    if not cov.lost_count:
        return ""
    verb = "is" if cov.lost_count == 1 else "are"
    return (f"{count(cov.lost_count, 'lost deal')} ({money(cov.lost_value, currency)}) {verb} left out of the "
            "coverage, the counts by nature and the to-do list: a lost deal is no longer at stake, so it needs no "
            "nature.")


@dataclass(frozen=True)
class Comparison:
    """What a preview of the diagnosis shows: coverage and the nature distribution on both sides, and (when they
    differ) the opportunities and accounts whose nature changes, and a rule that decides most of the value after."""

    before: Coverage
    after: Coverage
    distribution: pd.DataFrame
    changes: pd.DataFrame  # empty when the sides are the same diagnosis
    accounts: pd.DataFrame
    dominant: Dominant | None


def compare(before: pd.DataFrame, after: pd.DataFrame, changed: bool) -> Comparison:
    """Both sides' coverage and distribution; with ``changed`` (a draft of the rules or mappings) what changes, else
    ``after`` is the same diagnosis as ``before`` and nothing is listed."""
    moved = changes(before, after) if changed else pd.DataFrame(columns=CHANGE_COLUMNS)
    said = coverage(before)
    return Comparison(said, coverage(after) if changed else said, distribution(before, after), moved,
                      account_changes(moved), dominant_rule(after))


CHANGE_COLUMNS = ["opportunity_id", "name", "account_id", "account_name", "value", "nature_before", "nature_after",
                  "rule_after"]


def sample_accounts(opps: pd.DataFrame, limit: int) -> pd.DataFrame:
    """Whole accounts, in a fixed pseudo-random order, while their opportunities number at most ``limit``.

    A what-if on a sample: every account keeps all its opportunities (account facts such as its BUs stay true),
    and the same portfolio always gives the same sample, so two edits compare on the same rows.
    """
    if len(opps) <= limit or "account_id" not in opps:
        return opps
    ids, firsts = np.unique(opps["account_id"].astype(str).to_numpy(), return_inverse=True)
    order = np.argsort(pd.util.hash_array(ids.astype(object)), kind="stable")  # a shuffle fixed by the ids
    sizes = np.bincount(firsts, minlength=len(ids))[order]
    kept = order[np.cumsum(sizes) <= limit]
    chosen = np.zeros(len(ids), dtype=bool)
    chosen[kept] = True
    return opps[chosen[firsts]]


def changes(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """The opportunities whose nature differs between the two sides, largest value first (matched by id)."""
    if "opportunity_id" in before and "opportunity_id" in after:
        after = after.set_index("opportunity_id").reindex(before["opportunity_id"]).reset_index()
    old, new = nature_labels(before).to_numpy(), nature_labels(after).to_numpy()
    moved = old != new
    cols = [c for c in ("opportunity_id", "name", "account_id", "account_name", "value") if c in after]
    out = after.loc[moved, cols].copy()
    out["nature_before"] = old[moved]
    out["nature_after"] = new[moved]
    # how the new nature was found, in the Account page's words: "mapping: product family 'Spares'", "rule: …"
    out["rule_after"] = portfolio.nature_found(after.loc[moved]).to_numpy() if "nature_source" in after else ""
    ordered: pd.DataFrame = out.sort_values(["value", "opportunity_id"], ascending=[False, True])
    return ordered.reset_index(drop=True)


def account_changes(changed: pd.DataFrame) -> pd.DataFrame:
    """Per account touched by ``changes``: how many of its opportunities change nature and their value."""
    if changed.empty:
        return pd.DataFrame(columns=["account_id", "account_name", "opportunities", "value"])
    grouped = changed.groupby(["account_id", "account_name"], sort=False, dropna=False)["value"]
    out = grouped.agg(opportunities="count", value="sum").reset_index()
    return out.sort_values(["value", "account_id"], ascending=[False, True]).reset_index(drop=True)


def family_gaps(mapping: pd.DataFrame, opps: pd.DataFrame, key: str = "product_family") -> pd.DataFrame:
    """The mapping's rows, then one blank row per product family in the data that it does not map yet.

    Families are matched after ``normalise``; the unmapped ones come largest value first so the blanks that
    matter most are at the top.
    """
    target = [c for c in mapping.columns if c != key]
    known = {vocab.normalise(f) for f in mapping[key].astype(str)}
    if key not in opps or opps.empty:
        return mapping.reset_index(drop=True)
    families = opps[key].astype("string").str.strip()
    present = opps.assign(_family=families)[families.notna() & (families != "")]
    totals = present.groupby("_family")["value"].sum().sort_values(ascending=False)
    missing = [f for f in totals.index if vocab.normalise(f) not in known]
    # the first spelling of each folded name only
    seen: set[str] = set()
    blanks = []
    for family in missing:
        folded = vocab.normalise(family)
        if folded not in seen:
            seen.add(folded)
            blanks.append({key: family, **{c: None for c in target}})
    extra = pd.DataFrame(blanks, columns=[key, *target])
    return pd.concat([mapping, extra], ignore_index=True) if len(extra) else mapping.reset_index(drop=True)


def override_history(overrides: pd.DataFrame, opportunity_id: str) -> pd.DataFrame:
    """One opportunity's overrides, newest first, with the nature as a label ('withdrawn' where it was blank)."""
    rows = overrides.loc[overrides["opportunity_id"] == opportunity_id].iloc[::-1].copy()
    labels = {t.code: t.label for t in vocab.NATURES.terms}
    rows["nature"] = rows["nature"].astype(object).map(labels).fillna("withdrawn (back to the rules)")
    return rows.drop(columns=["opportunity_id"]).reset_index(drop=True)



def filled(edited: pd.DataFrame, target: str) -> list[dict[str, object]]:
    """The mapping rows a person filled in: rows whose ``target`` is still blank are to-dos, not mistakes."""
    values = edited[target].astype("string").str.strip()
    keep = values.notna() & (values != "")
    return [{str(k): (None if pd.isna(v) else v) for k, v in row.items()}
            for row in edited.loc[keep.to_numpy()].to_dict("records")]


def pick_list(opps: pd.DataFrame, query: str = "", limit: int = 500) -> list[str]:
    """Opportunity ids to choose from: those matching ``query`` (name, account or id, any case), the not yet
    diagnosed first, then largest value first; at most ``limit``."""
    frame = opps
    query = query.strip()
    if query:
        text = _words(opps, "name") + " " + _words(opps, "account_name") + " " + _words(opps, "opportunity_id")
        frame = opps[text.str.contains(query, case=False, regex=False).to_numpy()]
    # Sort only the rows that can make the list: per group (not yet diagnosed, diagnosed) those at least as large
    # as its limit-th largest value, ties included; a full sort of a million rows took a second.
    is_open = frame["nature"].isna().to_numpy()
    value = frame["value"].to_numpy(dtype=float, na_value=np.nan)
    keep = np.zeros(len(frame), dtype=bool)
    for group in (is_open, ~is_open):
        values = np.nan_to_num(value[group], nan=-np.inf)
        if len(values) > limit:
            cut = np.partition(values, len(values) - limit)[len(values) - limit]
            keep[np.flatnonzero(group)[values >= cut]] = True
        else:
            keep[group] = True
    ordered = frame[keep].assign(_open=is_open[keep]).sort_values(["_open", "value", "opportunity_id"],
                                                                  ascending=[False, False, True])
    return [str(o) for o in ordered["opportunity_id"].head(limit)]


def labels(opps: pd.DataFrame, ids: list[str]) -> dict[str, str]:
    """``id · name · account`` for the given opportunity ids that are stored."""
    rows = opps[opps["opportunity_id"].isin(ids)]
    text = _words(rows, "opportunity_id") + " · " + _words(rows, "name") + " · " + _words(rows, "account_name")
    return dict(zip(rows["opportunity_id"].astype(str), text))


def _words(frame: pd.DataFrame, column: str) -> pd.Series:
    """A text column with its missing cells blank: a file without opportunity names (a missing cell would make the
    whole label missing, and a selectbox of labels fail)."""
    return frame[column].astype(str).fillna("")


@dataclass(frozen=True)
class Dominant:
    """A rule that decides most of the diagnosed value: worth a look before trusting it."""

    rule: str
    share: float  # of the value of every opportunity with a nature
    value: float


def dominant_rule(opps: pd.DataFrame, threshold: float = 0.5) -> Dominant | None:
    """The rule deciding more than ``threshold`` of the diagnosed value (every opportunity with a nature, however
    found), or None. One rule deciding most of it is usually a blanket rule, not evidence."""
    if opps.empty or "diagnosis_rule" not in opps:
        return None
    value = np.nan_to_num(opps["value"].to_numpy(dtype=float, na_value=np.nan), nan=0.0)
    diagnosed = opps["nature"].notna().to_numpy()
    total = float(value[diagnosed].sum())
    by_rule = (opps["nature_source"] == "rule").to_numpy(dtype=bool) & diagnosed
    if total <= 0 or not by_rule.any():
        return None
    rules = pd.Categorical(opps["diagnosis_rule"])  # the diagnosis's categories: no text per row
    codes = rules.codes[by_rule]
    per_rule = np.bincount(codes[codes >= 0], weights=value[by_rule][codes >= 0], minlength=len(rules.categories))
    best = int(per_rule.argmax())
    share = float(per_rule[best]) / total
    return Dominant(str(rules.categories[best]), share, float(per_rule[best])) if share > threshold else None


EVIDENCE_COLUMNS = ["opportunities", "value", "median_value", "won", "bus", "accounts"]


def _names(names: pd.Series, most: int = 3) -> str:
    listed = sorted(str(n) for n in names)
    return ", ".join(listed[:most]) + (f" +{len(listed) - most} more" if len(listed) > most else "")


def evidence(opps: pd.DataFrame, key: str = "product_family") -> pd.DataFrame:
    """What a person mapping ``key``'s values (product families, else Type or Stage) can go on, per value (spellings
    that fold alike together, shown as the first): its opportunities, value, median deal size, won share (of its
    closed deals, from ``outcome`` open/won/lost: "unknown" without the column or a closed deal), the BUs and the
    number of accounts it touches; largest value first. The won share reads "62% of 29" (closed deals),
    "unknown" without an outcome column, "unknown (all open)" before any deal closed. One pass: a groupby over integer codes."""
    columns = [key, *EVIDENCE_COLUMNS]
    if key not in opps or opps.empty:
        return pd.DataFrame(columns=columns)
    codes, uniques = pd.factorize(opps[key].astype("string").str.strip(), use_na_sentinel=True)
    folded_codes, _folded = pd.factorize(pd.Index([vocab.normalise(u) for u in uniques], dtype=object))
    spelling = pd.Series(uniques.astype(object)).groupby(folded_codes).first()
    group = np.append(folded_codes, -1)[codes]
    blank = np.append(pd.Index([vocab.normalise(u) for u in uniques]) == "", True)[codes]
    keep = (group >= 0) & ~blank
    value = opps["value"].to_numpy(dtype=float, na_value=np.nan)
    outcome = opps["outcome"].astype("string").str.strip().str.lower() if "outcome" in opps else None
    bu = opps["bu_name"] if "bu_name" in opps else opps["bu"] if "bu" in opps else pd.Series(None, index=opps.index)
    frame = pd.DataFrame({
        "group": group, "value": value, "account": pd.factorize(opps["account_id"])[0] if "account_id" in opps
        else np.zeros(len(opps), dtype=np.int64), "bu": bu.to_numpy(dtype=object),
        "won": (outcome == "won").fillna(False).to_numpy(dtype=bool) if outcome is not None else False,
        "closed": outcome.isin(["won", "lost"]).fillna(False).to_numpy(dtype=bool) if outcome is not None else False,
    })[keep]
    agg = frame.groupby("group").agg(opportunities=("value", "size"), value=("value", "sum"),
                                     median_value=("value", "median"), won_count=("won", "sum"),
                                     closed=("closed", "sum"), accounts=("account", "nunique"))
    bus = frame[["group", "bu"]].dropna().drop_duplicates().groupby("group")["bu"].agg(_names)
    agg["bus"] = bus.reindex(agg.index).fillna("")
    share = agg["won_count"] / agg["closed"].where(agg["closed"] > 0)
    agg["won"] = [("unknown" if outcome is None else "unknown (all open)") if pd.isna(s)
                  else f"{s:.0%} of {int(c)}" for s, c in zip(share, agg["closed"])]
    agg[key] = spelling.reindex(agg.index).to_numpy()
    out: pd.DataFrame = agg.sort_values(["value", key], ascending=[False, True])[columns]
    return out.reset_index(drop=True)


def with_evidence(mapping: pd.DataFrame, found: pd.DataFrame, key: str = "product_family") -> pd.DataFrame:
    """The mapping's rows with the evidence of their value beside them (matched after ``normalise``; blank where the
    data holds none of it)."""
    by_folded = found.assign(_k=[vocab.normalise(v) for v in found[key]]).drop(columns=[key]).set_index("_k")
    folded = pd.Index([vocab.normalise(v) for v in mapping[key].astype(str)])
    extra = by_folded.reindex(folded).reset_index(drop=True)
    return pd.concat([mapping.reset_index(drop=True), extra], axis=1)


def mapping_table(mapping: pd.DataFrame, found: pd.DataFrame, key: str = "product_family") -> pd.DataFrame:
    """The table a mapping is filled in: its rows, then a blank row per value of ``key`` in the data it does not map
    yet (largest value first: the blanks that matter most on top), each with its evidence beside it (``evidence``)."""
    target = [c for c in mapping.columns if c != key]
    known = {vocab.normalise(f) for f in mapping[key].astype(str)}
    missing = [f for f in found[key] if vocab.normalise(f) not in known]
    blanks = pd.DataFrame([{key: f, **{c: None for c in target}} for f in missing], columns=[key, *target])
    rows = pd.concat([mapping, blanks], ignore_index=True) if len(blanks) else mapping.reset_index(drop=True)
    return with_evidence(rows.astype(object), found, key)
