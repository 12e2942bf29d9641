"""Lead unit and point person, from the CRM's evidence (docs/domain.md section 4, the deck's lead-unit case).

For every account that two or more BUs sell into (open or won deals), the evidence proposes:
- a **lead BU**: the BU with the most won value at the account; ties go to the larger open expected value, then to
  the name;
- a **point person**: the opportunity owner with the most won value at the account; ties go to more won deals, then
  to the name.
Each comes with a sentence of why. Where the data cannot say (one BU, no won deal, won deals naming no BU or no
owner) nothing is proposed and a sentence says why: never a guess. A person may choose another with a reason, as
part of a decision; what a person chose wins over the evidence (``decided``). Pure functions over DataFrames,
vectorised over the accounts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gtm.domain.currency import DEFAULT_REPORTING
from gtm.domain.errors import InputError, Problem
from gtm.domain.fmt import moneys, shares
from gtm.domain.outcomes import in_play
from gtm.domain.whitespace import deal_values

# Why nothing is proposed (or that something is): one code per case, said in LEAD_WORDS / POINT_WORDS.
PROPOSED, ONE_BU, NO_BU, NO_WON, WON_WITHOUT_BU, WON_WITHOUT_OWNER = (
    "proposed", "one_bu", "no_bu", "no_won", "won_without_bu", "won_without_owner")
LEAD_WORDS = {
    ONE_BU: "Only one BU sells here, so there is no lead BU to choose: a lead unit is for accounts several BUs sell "
            "into.",
    NO_BU: "No BU is known for this account's deals (neither the file nor the product family mapping names one), "
           "so no lead BU can be proposed.",
    NO_WON: "No won deals at this account yet: the lead BU is the one with the most won value here, so none is "
            "proposed.",
    WON_WITHOUT_BU: "Its won deals name no BU (map their product families to BUs on the Diagnose page), so no lead "
                    "BU can be proposed.",
}
POINT_WORDS = {
    ONE_BU: "Only one BU sells here: a point person is proposed for accounts several BUs sell into.",
    NO_BU: "No BU is known for this account's deals, so no point person is proposed.",
    NO_WON: "No won deals at this account yet: the point person is the owner with the most won value here, so none "
            "is proposed.",
    WON_WITHOUT_OWNER: "Its won deals name no owner (import the opportunities' Owner column), so no point person "
                       "can be proposed.",
}
BOTH_WORDS = {  # when neither is proposed for the same reason: one sentence for both
    ONE_BU: "Only one BU sells here: a lead BU and a point person are proposed for accounts several BUs sell into.",
    NO_BU: "No BU is known for this account's deals (neither the file nor the product family mapping names one), "
           "so no lead BU and no point person are proposed.",
    NO_WON: "No won deals at this account yet: the lead BU and the point person are those with the most won value "
            "here, so neither is proposed.",
}
PROPOSAL_COLUMNS = ["account_id", "bus", "won_value", "lead_bu", "lead_bu_name", "lead_won", "lead_share", "lead_open",
                    "lead_status", "lead_why", "point_person", "point_won", "point_deals", "point_share",
                    "point_status", "point_why", "reason"]
MAX_NAME = 255  # a point person's name, as the opportunities' owner column keeps it


def _owners(opportunities: pd.DataFrame) -> pd.Series:
    """The opportunities' owners as written, spaces trimmed; None where the file names none."""
    if "owner" not in opportunities:
        return pd.Series(None, index=opportunities.index, dtype=object)
    text = opportunities["owner"].astype("string").str.strip()  # one vectorised pass, not a call per row
    return text.where(text != "", None)


def _codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Each value's code (-1 where missing) and the distinct values, as Python objects (a handful: BUs, owners)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return np.asarray(codes, dtype=np.int64), np.asarray(pd.Index(uniques).astype(object), dtype=object)


def _name_rank(names: np.ndarray) -> np.ndarray:
    """Each distinct name's place in alphabetical order, any case (the last tie-break)."""
    keys = np.array([str(n).casefold() for n in names], dtype=object)
    order = np.lexsort((np.array([str(n) for n in names], dtype=object), keys)) if len(names) else np.array([], int)
    rank = np.empty(len(names), dtype=np.int64)
    rank[order] = np.arange(len(names))
    return rank


@dataclass(frozen=True)
class _Ranked:
    """Per account (by code), the first and second of its candidates (a BU or an owner) in the proposal's order:
    their codes (-1: none) and their figures."""

    first: np.ndarray
    second: np.ndarray
    won: np.ndarray
    won2: np.ndarray
    tie: np.ndarray  # the first tie-break's figure (open expected value, or won deals), first and second
    tie2: np.ndarray


def _rank(a: np.ndarray, code: np.ndarray, won: np.ndarray, tie: np.ndarray, names: np.ndarray, n: int) -> _Ranked:
    """Sum won and ``tie`` per (account, candidate) and order each account's candidates: most won first, then the
    larger ``tie``, then the name."""
    keep = code >= 0
    k = len(names)
    pair = a[keep] * max(k, 1) + code[keep]
    keys, inverse = np.unique(pair, return_inverse=True)
    won_sum = np.bincount(inverse, weights=won[keep], minlength=len(keys))
    tie_sum = np.bincount(inverse, weights=tie[keep], minlength=len(keys))
    acc, cand = keys // max(k, 1), keys % max(k, 1)
    order = np.lexsort((_name_rank(names)[cand] if k else cand, -tie_sum, -won_sum, acc))
    acc, cand, won_sum, tie_sum = acc[order], cand[order], won_sum[order], tie_sum[order]
    starts = np.r_[True, acc[1:] != acc[:-1]] if len(acc) else np.zeros(0, dtype=bool)
    seconds = np.r_[False, starts[:-1] & ~starts[1:]] if len(acc) else np.zeros(0, dtype=bool)
    out = [np.full(n, -1, dtype=np.int64), np.full(n, -1, dtype=np.int64), np.zeros(n), np.full(n, np.nan),
           np.zeros(n), np.full(n, np.nan)]
    for target, mask, values in ((0, starts, cand), (1, seconds, cand), (2, starts, won_sum), (3, seconds, won_sum),
                                 (4, starts, tie_sum), (5, seconds, tie_sum)):
        out[target][acc[mask]] = values[mask]
    return _Ranked(*out)


def propose(opportunities: pd.DataFrame, currency: str = DEFAULT_REPORTING) -> pd.DataFrame:
    """Per account with an open or won deal: how many BUs sell there (``bus``), its won value, and the proposed lead
    BU and point person with their evidence and a sentence of why (``lead_why``, ``point_why``); where none is
    proposed, ``lead_status`` / ``point_status`` say why (LEAD_WORDS, POINT_WORDS) and the names are None.

    Lost deals count nowhere. Amounts are in ``currency`` (the opportunities' ``value``, converted at import).
    Worked on integer codes (accounts, BUs, owners): a million opportunities in about a second."""
    opps = opportunities[in_play(opportunities)]
    if opps.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in PROPOSAL_COLUMNS})
    won, open_value, is_won = deal_values(opps)
    a, accounts = _codes(opps["account_id"])
    n = len(accounts)
    empty = pd.Series(None, index=opps.index, dtype=object)
    bu, bu_ids = _codes(opps.get("bu", empty))
    # A BU's name: the first the opportunities give it (its id where they give none).
    first_at = np.full(len(bu_ids), -1, dtype=np.int64)
    seen = bu >= 0
    first_at[bu[seen][::-1]] = np.flatnonzero(seen)[::-1]
    given = (opps.get("bu_name", empty)).to_numpy(dtype=object)[first_at] if len(bu_ids) else \
        np.array([], dtype=object)
    bu_names = np.array([g if isinstance(g, str) and g else b for g, b in zip(given, bu_ids)], dtype=object)
    won_total = np.bincount(a, weights=won, minlength=n)
    bus = np.bincount(np.unique(a[seen] * max(len(bu_ids), 1) + bu[seen]) // max(len(bu_ids), 1), minlength=n)
    leads = _rank(a, bu, won, open_value, bu_names, n)

    owner, owner_names = _codes(_owners(opps))
    named = is_won & (owner >= 0)
    points = _rank(a, np.where(named, owner, -1), won, is_won.astype(float), owner_names, n)

    lead_status = np.select([bus == 0, bus == 1, won_total <= 0, leads.won <= 0],
                            [NO_BU, ONE_BU, NO_WON, WON_WITHOUT_BU], PROPOSED)
    point_status = np.select([bus == 0, bus == 1, won_total <= 0, points.won <= 0],
                             [NO_BU, ONE_BU, NO_WON, WON_WITHOUT_OWNER], PROPOSED)
    has_lead, has_point = lead_status == PROPOSED, point_status == PROPOSED
    share = np.divide(1.0, won_total, out=np.full(n, np.nan), where=won_total > 0)

    def named_as(names: np.ndarray, code: np.ndarray, mask: np.ndarray) -> np.ndarray:
        out = np.full(n, None, dtype=object)
        out[mask] = names[code[mask]]
        return out

    def text(values: np.ndarray) -> pd.Series:  # kept as Python objects: turning 100,000 sentences into Arrow
        return pd.Series(values, dtype=object)  # text and back took most of a second

    lead_why = _why(LEAD_WORDS, lead_status, has_lead, bu_names, leads, share, currency, "lead")
    point_why = _why(POINT_WORDS, point_status, has_point, owner_names, points, share, currency, "point")
    out = pd.DataFrame({
        "account_id": text(accounts), "bus": bus.astype(np.int64), "won_value": won_total,
        "lead_bu": text(named_as(bu_ids, leads.first, has_lead)),
        "lead_bu_name": text(named_as(bu_names, leads.first, has_lead)),
        "lead_won": np.where(has_lead, leads.won, np.nan), "lead_share": np.where(has_lead, leads.won * share, np.nan),
        "lead_open": np.where(has_lead, leads.tie, np.nan), "lead_status": text(lead_status.astype(object)),
        "lead_why": text(lead_why), "point_person": text(named_as(owner_names, points.first, has_point)),
        "point_won": np.where(has_point, points.won, np.nan), "point_deals": np.where(has_point, points.tie, 0)
        .astype(np.int64), "point_share": np.where(has_point, points.won * share, np.nan),
        "point_status": text(point_status.astype(object)), "point_why": text(point_why),
    })
    out["reason"] = pd.Series(_evidence_reason(out), dtype=object)
    return out[PROPOSAL_COLUMNS]


def _said_for(words: dict[str, str], status: np.ndarray) -> np.ndarray:
    """Each status's sentence ("" for one without), looked up once per distinct status."""
    codes, uniques = pd.factorize(pd.Series(status, dtype=object))
    table = np.array([words.get(str(u), "") for u in uniques] + [""], dtype=object)
    return np.asarray(table[codes], dtype=object)


def _evidence_reason(out: pd.DataFrame) -> np.ndarray:
    """Both sides' sentences as the export's lead_reason says them when no person chose: 'Lead BU …. Point person
    ….', or one sentence for both when neither is proposed for the same reason (one BU, no BU, no won deal)."""
    lead_status, point_status = out["lead_status"].to_numpy(dtype=object), out["point_status"].to_numpy(dtype=object)
    lead_why, point_why = out["lead_why"].to_numpy(dtype=object), out["point_why"].to_numpy(dtype=object)
    said = (np.where(lead_status == PROPOSED, "Lead BU " + lead_why, lead_why) + " "
            + np.where(point_status == PROPOSED, "Point person " + point_why, point_why))
    both = _said_for(BOTH_WORDS, lead_status)
    same = (lead_status == point_status) & (lead_status != PROPOSED) & (both != "")
    return np.asarray(np.where(same, both, said), dtype=object)


def _why(words: dict[str, str], status: np.ndarray, proposed: np.ndarray, names: np.ndarray, ranked: _Ranked,
         share: np.ndarray, currency: str, side: str) -> np.ndarray:
    """Each account's sentence: the proposal with its evidence ('GTX Systems: $412k won here, 61% of the account's
    won value'; a point person's 'in 3 deals') and how a tie was settled; else why none is proposed."""
    out = _said_for(words, status)
    at = np.flatnonzero(proposed)
    if not len(at):
        return out
    first, won = ranked.first[at], ranked.won[at]
    amounts = np.array(moneys(won.tolist(), currency), dtype=object)
    shares_said = shares(pd.Series(won * share[at])).to_numpy(dtype=object)
    text = names[first] + ": " + amounts + " won here"
    if side == "point":
        deals = ranked.tie[at].astype(np.int64)
        text = text + " in " + deals.astype(str).astype(object) + np.where(deals == 1, " deal", " deals")
    text = text + ", " + shares_said + " of the account's won value"
    tied = np.flatnonzero(ranked.won2[at] == won)  # a runner-up with as much won: say how the tie was settled
    if len(tied):
        i = at[tied]
        other = names[ranked.second[i]]
        mine, theirs = ranked.tie[i], ranked.tie2[i]
        if side == "lead":
            ahead = np.array(moneys(mine.tolist(), currency), dtype=object)
            behind = np.array(moneys(theirs.tolist(), currency), dtype=object)
            settled = np.where(mine != theirs, "; tied with " + other + " on won value, ahead on open expected value ("
                               + ahead + " against " + behind + ")",
                               "; tied with " + other + " on won value and open expected value, first by name")
        else:
            settled = np.where(mine != theirs, "; tied with " + other + " on won value, ahead on won deals ("
                               + mine.astype(np.int64).astype(str).astype(object) + " against "
                               + theirs.astype(np.int64).astype(str).astype(object) + ")",
                               "; tied with " + other + " on won value and won deals, first by name")
        text[tied] = text[tied] + settled
    out[at] = text + "."
    return out


# ---------------------------------------------------------------------------------------------- a person's choice
@dataclass(frozen=True)
class LeadChoice:
    """What a person chose as part of a decision: a lead BU (its id) and a point person, each None when not chosen,
    with the reason for choosing other than the evidence, and what the evidence proposed when they chose."""

    lead_bu: str | None = None
    point_person: str | None = None
    reason: str = ""
    proposed_lead_bu: str | None = None
    proposed_point_person: str | None = None

    @property
    def chosen(self) -> bool:
        """Whether anything was chosen at all."""
        return self.lead_bu is not None or self.point_person is not None

    @property
    def departs(self) -> bool:
        """Whether the choice differs from what the evidence proposed (it then needs a reason)."""
        return ((self.lead_bu is not None and self.lead_bu != self.proposed_lead_bu)
                or (self.point_person is not None and self.point_person != self.proposed_point_person))


def _name(value: str | None) -> str | None:
    text = " ".join((value or "").split())
    return text or None


def check_choice(lead_bu: str | None, point_person: str | None, reason: str | None, *,
                 account_bus: Sequence[str], proposed_lead_bu: str | None = None,
                 proposed_point_person: str | None = None) -> LeadChoice:
    """A person's lead BU and point person, checked: the lead BU is one the account buys from (``account_bus``), the
    point person a name of at most MAX_NAME characters, and a choice other than the evidence's proposal comes with
    a reason. Raises InputError naming the field, the value and what is accepted."""
    bu, person = _name(lead_bu), _name(point_person)
    said = (reason or "").strip()
    if bu is not None and bu not in set(account_bus):
        accepted = ", ".join(sorted(account_bus)) or "none: no BU sells at this account"
        raise InputError(f"Lead BU {bu!r} does not sell at this account; accepted: {accepted}.",
                         [Problem(None, "lead_bu", bu, f"not a BU of the account; accepted: {accepted}")])
    if person is not None and len(person) > MAX_NAME:
        raise InputError(f"The point person's name is {len(person)} characters; at most {MAX_NAME} are kept.",
                         [Problem(None, "point_person", person[:40] + "…", f"at most {MAX_NAME} characters")])
    choice = LeadChoice(bu, person, said, _name(proposed_lead_bu), _name(proposed_point_person))
    if choice.departs and not said:
        what = [w for w, mine, theirs in (("lead BU", bu, choice.proposed_lead_bu),
                                          ("point person", person, choice.proposed_point_person))
                if mine is not None and mine != theirs]
        raise InputError(f"Choosing another {' and '.join(what)} than the evidence proposes needs a reason: say why.",
                         [Problem(None, "lead_reason", "", "is required when the choice differs from the evidence")])
    return choice


DECIDED_COLUMNS = ["account_id", "lead_bu", "lead_bu_name", "point_person", "lead_source", "point_source",
                   "lead_reason"]


def decided(proposals: pd.DataFrame, decisions: pd.DataFrame, bu_names: pd.Series | None = None) -> pd.DataFrame:
    """Per account of ``proposals``: the lead BU and point person in force (a person's choice in the account's latest
    decision wins over the evidence), where each comes from (``lead_source``, ``point_source``: person, evidence or
    None) and ``lead_reason``, the whole story in sentences. ``decisions`` as Store.decisions (newest first, with
    lead_bu, point_person, lead_reason, author, created_at); ``bu_names``: BU id -> name. Only the accounts whose
    latest decision chose something are worded again: the evidence's sentences are the proposals' own."""
    # The proposals' own columns, as they are (Arrow text: turning 100,000 names into Python objects took seconds).
    out = proposals[["account_id", "lead_bu", "lead_bu_name", "point_person", "reason"]].rename(
        columns={"reason": "lead_reason"}).reset_index(drop=True)
    none = np.zeros(len(out), dtype=bool)
    out["lead_source"] = _source(none, out["lead_bu"].notna().to_numpy())
    out["point_source"] = _source(none, out["point_person"].notna().to_numpy())
    columns = ["account_id", "lead_bu", "point_person", "lead_reason", "author", "created_at"]
    if not len(decisions) or not all(c in decisions for c in columns):
        return out[DECIDED_COLUMNS]
    latest = decisions.drop_duplicates("account_id", keep="first")[columns]
    latest = latest[latest["lead_bu"].notna() | latest["point_person"].notna()]
    at = pd.Index(out["account_id"]).get_indexer(pd.Index(latest["account_id"]))
    latest, at = latest[at >= 0], at[at >= 0]
    if not len(at):
        return out[DECIDED_COLUMNS]
    mine = proposals.iloc[at].reset_index(drop=True)
    chosen_bu = latest["lead_bu"].astype(object).reset_index(drop=True)
    chosen_person = latest["point_person"].astype(object).reset_index(drop=True)
    by_bu, by_person = chosen_bu.notna().to_numpy(), chosen_person.notna().to_numpy()
    names = bu_names if bu_names is not None else pd.Series(dtype=object)
    chosen_name = chosen_bu.map(names).astype(object)
    chosen_name = chosen_name.where(chosen_name.notna(), chosen_bu)
    when = pd.to_datetime(latest["created_at"], utc=True, errors="coerce").dt.strftime("%Y-%m-%d").astype(object)
    who = (", chosen by " + latest["author"].astype(object).fillna("someone").astype(str) + " on "
           + when.fillna("a date not known").astype(str)).to_numpy(dtype=object)
    reason = latest["lead_reason"].astype(object).fillna("").astype(str).str.strip().str.rstrip(".").to_numpy(
        dtype=object)
    because = np.where(reason != "", ": " + reason, " as the evidence proposed")

    def story(word: str, chosen: np.ndarray, person: np.ndarray, theirs: np.ndarray, status: np.ndarray,
              why: np.ndarray) -> np.ndarray:
        """One side's sentences: the person's choice (and what the evidence proposes, where it differs), else the
        evidence's proposal, else why there is none."""
        differs = pd.notna(theirs) & (theirs != chosen)
        chose = word + " " + np.where(person, chosen, "").astype(object) + who + because + "." + np.where(
            differs, " The evidence proposes " + why, "")
        said = np.where(status == PROPOSED, word + " " + why, why)
        return np.asarray(np.where(person, chose, said), dtype=object)

    lead_words = story("Lead BU", chosen_name.fillna("").to_numpy(dtype=object), by_bu,
                       mine["lead_bu_name"].to_numpy(dtype=object), mine["lead_status"].to_numpy(dtype=object),
                       mine["lead_why"].fillna("").to_numpy(dtype=object))
    point_words = story("Point person", chosen_person.fillna("").to_numpy(dtype=object), by_person,
                        mine["point_person"].to_numpy(dtype=object), mine["point_status"].to_numpy(dtype=object),
                        mine["point_why"].fillna("").to_numpy(dtype=object))
    for column, chosen, where in (("lead_bu", chosen_bu, by_bu), ("lead_bu_name", chosen_name, by_bu),
                                  ("point_person", chosen_person, by_person)):
        out.loc[at[where], column] = chosen.to_numpy(dtype=object)[where]  # labels are positions: a RangeIndex
    out.loc[at[by_bu], "lead_source"] = "person"
    out.loc[at[by_person], "point_source"] = "person"
    out.loc[at, "lead_reason"] = lead_words + " " + point_words
    return out[DECIDED_COLUMNS]


def _source(person: np.ndarray, evidence: np.ndarray) -> np.ndarray:
    """Where each account's lead BU (or point person) comes from: person, evidence, or None (neither says one)."""
    out = np.full(len(person), None, dtype=object)
    out[evidence] = "evidence"
    out[person] = "person"
    return out


def evidence(opportunities: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One account's evidence, in the order the proposal reads it: per BU (bu, bu_name, won_value, won_deals,
    open_value, open_deals; most won first, then open expected value, then the name) and per owner (owner,
    won_value, won_deals, open_deals; most won first, then more won deals, then the name). Lost deals count nowhere;
    a deal without a BU or an owner is in the row None."""
    opps = opportunities[in_play(opportunities)]
    won, open_value, is_won = deal_values(opps)
    bu = opps["bu"].astype(object) if "bu" in opps else pd.Series(None, index=opps.index, dtype=object)
    names = opps["bu_name"].astype(object) if "bu_name" in opps else bu
    base = pd.DataFrame({"bu": bu.fillna("").to_numpy(), "bu_name": names.where(names.notna(), bu).to_numpy(),
                         "owner": _owners(opps).fillna("").to_numpy(), "won_value": won,
                         "won_deals": is_won.astype(np.int64), "open_value": open_value,
                         "open_deals": (~is_won).astype(np.int64)})
    by_bu = base.groupby("bu", sort=False).agg(bu_name=("bu_name", "first"), won_value=("won_value", "sum"),
                                               won_deals=("won_deals", "sum"), open_value=("open_value", "sum"),
                                               open_deals=("open_deals", "sum")).reset_index()
    by_bu = by_bu.assign(key=by_bu["bu_name"].astype(str).str.casefold()).sort_values(
        ["won_value", "open_value", "key"], ascending=[False, False, True], kind="stable").drop(columns="key")
    by_owner = base.groupby("owner", sort=False).agg(won_value=("won_value", "sum"), won_deals=("won_deals", "sum"),
                                                     open_deals=("open_deals", "sum")).reset_index()
    by_owner = by_owner.assign(key=by_owner["owner"].str.casefold()).sort_values(
        ["won_value", "won_deals", "key"], ascending=[False, False, True], kind="stable").drop(columns="key")
    for frame, column in ((by_bu, "bu"), (by_owner, "owner")):
        frame[column] = frame[column].where(frame[column] != "", None)
    by_bu["bu_name"] = by_bu["bu_name"].where(by_bu["bu"].notna(), None)
    return by_bu.reset_index(drop=True), by_owner.reset_index(drop=True)
