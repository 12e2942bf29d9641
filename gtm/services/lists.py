"""Use cases of the key-account funnel: save lists (long list, shortlist, focus list) in versions, a BU's size and
ease scores, a BU leader's focus picks; and the reads other pages and the deck rely on. Every write checks the
permission, validates, lands in one transaction with its audit entry."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

from gtm.domain import funnel
from gtm.domain.errors import InputError, PermissionDenied
from gtm.domain.fmt import count, plural
from gtm.domain.permissions import Action, Actor, Role, require
from gtm.services import audit
from gtm.storage.repository import Store, Transaction

MAX_NAME = 128
MAX_NOTE = 2000
NAMES_COLUMNS = ["name", "stage", "version", "created_by", "created_at", "accounts"]
DEFAULT_NAMES = {"long": "Long list", "short": "Shortlist", "focus": "Focus list"}


# ---------------------------------------------------------------------------------------------- reads


def list_versions(store: Store) -> pd.DataFrame:
    """Every saved version of every list, newest first (list_id, name, version, stage, criteria, target_value,
    target_years, note, created_by, created_role, created_at, accounts)."""
    frame = store.account_lists()
    return frame.iloc[::-1].reset_index(drop=True)


def list_names(store: Store) -> pd.DataFrame:
    """One row per list name, its latest version: name, stage, version, created_by, created_at, accounts."""
    frame = store.account_lists()
    if frame.empty:
        return pd.DataFrame(columns=NAMES_COLUMNS)
    latest = frame.sort_values(["name", "version"]).drop_duplicates("name", keep="last")
    return latest.sort_values("created_at", ascending=False)[NAMES_COLUMNS].reset_index(drop=True)


def latest_list(store: Store, name: str | None = None, stage: str | None = None) -> dict[str, Any] | None:
    """The latest version of the list ``name`` (or, without a name, the latest list of ``stage``) as a dict of
    list_versions' columns; None when there is none."""
    frame = store.account_lists()
    if name is not None:
        frame = frame[frame["name"] == name] if len(frame) else frame
    if stage is not None:
        frame = frame[frame["stage"] == stage] if len(frame) else frame
    if frame.empty:
        return None
    # Of one name, the highest version counts even if clocks disagree; of a stage, the latest saved.
    return _row(frame.sort_values("version" if name is not None else ["created_at", "list_id"]))


def list_accounts(store: Store, name: str | None = None, stage: str | None = None) -> list[str]:
    """The account CRM ids of the latest version of list ``name`` (name None + stage "focus": the latest focus
    list), in the list's order; [] when there is none."""
    found = latest_list(store, name, stage)
    return [] if found is None else store.list_members(int(found["list_id"]))


def members(store: Store, list_id: int) -> list[str]:
    """The account CRM ids of one saved list version, in its order."""
    return store.list_members(list_id)


def funnel_stages(store: Store, accounts: pd.DataFrame, opportunities: pd.DataFrame) -> pd.DataFrame:
    """stage (label), accounts, value for long list / shortlist / focus list (the latest version of each stage; the
    long list is every account in ``accounts`` until one is saved). Value: the accounts' opportunity values."""
    labels = funnel.default_rules().stages
    values = funnel.account_pipeline(opportunities)["value"]
    long = list_accounts(store, stage="long") or accounts["account_id"].astype(str).tolist()
    return funnel.funnel([(labels["long"], long), (labels["short"], list_accounts(store, stage="short")),
                          (labels["focus"], list_accounts(store, stage="focus"))], values)


def focus_target(store: Store) -> tuple[float | None, int | None]:
    """(target value, years) of the latest focus list; (None, None) when there is none or it carries no target."""
    found = latest_list(store, stage="focus")
    if found is None:
        return None, None
    value, years = found.get("target_value"), found.get("target_years")
    value = None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)
    years = None if years is None or (isinstance(years, float) and math.isnan(years)) else int(years)
    return value, years


def scores(store: Store) -> pd.DataFrame:
    """The BUs' latest score per account, BU and measure: account_id, bu, measure, score, author, author_role,
    created_at."""
    return store.latest_scores()


def picks(store: Store, list_id: int) -> pd.DataFrame:
    """The latest mark per account and BU on a shortlist version: account_id, bu, picked, author, author_role,
    created_at (taken-back marks included, picked False)."""
    return store.latest_picks(list_id)


# ---------------------------------------------------------------------------------------------- writes


def _name(name: str | None, stage: str) -> str:
    text = (name or "").strip() or DEFAULT_NAMES[stage]
    if len(text) > MAX_NAME:
        raise InputError(f"A list's name is at most {MAX_NAME} characters; this one has {len(text)}.")
    return text


def _stage(stage: str) -> str:
    if stage not in funnel.STAGES:
        raise InputError(f"Stage {stage!r} is not accepted; use one of: {', '.join(funnel.STAGES)}.")
    return stage


def _target(value: float | None, years: int | None) -> tuple[float | None, int | None]:
    if value is None and years is None:
        return None, None
    if value is None or years is None:
        raise InputError("An incremental-sales target needs both a value and a number of years (the deck's case: "
                         "$3-4B over 3 years).")
    try:
        amount, span = float(value), float(years)
    except (TypeError, ValueError):
        raise InputError(f"The target is an amount above 0 over 1 to 10 whole years; got {value!r} over "
                         f"{years!r}.") from None
    if not math.isfinite(amount) or amount <= 0:
        raise InputError(f"The target value is an amount above 0; got {value!r}.")
    if not math.isfinite(span) or span != int(span) or not 1 <= span <= 10:
        raise InputError(f"The target runs over 1 to 10 whole years; got {years!r}.")
    return amount, int(span)


def _write_list(store: Store, tx: Transaction, actor: Actor, *, name: str, stage: str, account_ids: Sequence[str],
                criteria: dict[str, Any], target_value: float | None, target_years: int | None,
                note: str) -> tuple[int, int]:
    keys = store.account_keys(tx, account_ids)
    missing = [a for a in account_ids if a not in keys]
    if missing:
        raise InputError(f"{count(len(missing), 'account')} of the list {plural(len(missing), 'is', 'are')} not in this portfolio: "
                         f"{', '.join(missing[:5])}{' ...' if len(missing) > 5 else ''}.")
    list_id, version = store.insert_list(
        tx, name=name, stage=stage, criteria=criteria, account_keys=[keys[a] for a in account_ids],
        created_by=actor.name.strip(), created_role=str(actor.role), target_value=target_value,
        target_years=target_years, note=note, created_by_id=actor.user_id)
    audit.log(store, tx, actor, "list.saved", f"{name} v{version}", stage=stage, accounts=len(account_ids),
              criteria=criteria, target_value=target_value, target_years=target_years)
    return list_id, version


def save_list(store: Store, actor: Actor, name: str | None, stage: str, account_ids: Sequence[str], *,
              criteria: dict[str, Any] | None = None, target_value: float | None = None,
              target_years: int | None = None, note: str = "") -> tuple[int, int]:
    """Save a new version of a list (name, stage long|short|focus, accounts in order, how it was built);
    returns (list id, version). Facilitators and administrators."""
    require(actor, Action.MANAGE_LISTS)
    stage = _stage(stage)
    name = _name(name, stage)
    ids = list(dict.fromkeys(str(a) for a in account_ids))
    if not ids:
        raise InputError("A list needs at least one account.")
    target_value, target_years = _target(target_value, target_years)
    if note and len(note) > MAX_NOTE:
        raise InputError(f"A note is at most {MAX_NOTE} characters.")
    return store.write(lambda tx: _write_list(store, tx, actor, name=name, stage=stage, account_ids=ids,
                                              criteria=dict(criteria or {}), target_value=target_value,
                                              target_years=target_years, note=(note or "").strip()))


def build_shortlist(store: Store, actor: Actor, positioned: pd.DataFrame, *, top_n: int | None = None,
                    min_size: float | None = None, min_ease: float | None = None, name: str | None = None,
                    criteria: dict[str, Any] | None = None) -> tuple[int, int, pd.DataFrame]:
    """Rank ``positioned`` (funnel.position's frame) into a shortlist by top N and/or thresholds and save it as a
    new version; returns (list id, version, the ranked frame with in_list and reason)."""
    require(actor, Action.MANAGE_LISTS)
    if top_n is None and min_size is None and min_ease is None:
        top_n = funnel.default_rules().shortlist_size
    ranked = funnel.shortlist(positioned, top_n=top_n, min_size=min_size, min_ease=min_ease)
    chosen = ranked.loc[ranked["in_list"], "account_id"].astype(str).tolist()
    if not chosen:
        raise InputError("No account passes these thresholds; lower them or use the top N.")
    how = {**(criteria or {}), "top_n": top_n, "min_size": min_size, "min_ease": min_ease}
    list_id, version = save_list(store, actor, name, "short", chosen, criteria=how)
    return list_id, version, ranked


def _bu_key(store: Store, tx: Transaction, actor: Actor, bu_id: str, what: str) -> int:
    if actor.role == Role.BU_HEAD and bu_id not in actor.bus:
        raise PermissionDenied(f"BU head of {', '.join(actor.bus) or 'no BU'} may {what} only for their own BUs, "
                               f"not for {bu_id}.")
    key = store.business_unit_key(tx, bu_id)
    if key is None:
        raise InputError(f"No business unit with id {bu_id!r}.")
    return key


def _account_key(store: Store, tx: Transaction, account_id: str) -> int:
    key = store.account_key(tx, account_id)
    if key is None:
        raise InputError(f"No account with id {account_id!r}.")
    return key


def score_account(store: Store, actor: Actor, account_id: str, bu_id: str, measure: str, score: float) -> int:
    """Record a BU's score (0 to the funnel's scale) of an account on ``measure`` (size or ease); the latest
    counts. A BU head scores for their own BUs only. Returns the score's id."""
    require(actor, Action.SCORE_ACCOUNTS)
    if measure not in funnel.MEASURES:
        raise InputError(f"Measure {measure!r} is not accepted; use one of: {', '.join(funnel.MEASURES)}.")
    scale = funnel.default_rules().score_scale
    try:
        value = float(score)
    except (TypeError, ValueError):
        raise InputError(f"A score is a number from 0 to {scale}; got {score!r}.") from None
    if not math.isfinite(value) or not 0 <= value <= scale:
        raise InputError(f"A score is a number from 0 to {scale}; got {score!r}.")

    def write(tx: Transaction) -> int:
        bu = _bu_key(store, tx, actor, bu_id, "score accounts")
        new_id = store.insert_score(tx, account_key=_account_key(store, tx, account_id), bu_key=bu, measure=measure,
                                    score=value, author=actor.name.strip(), author_role=str(actor.role))
        audit.log(store, tx, actor, "account.scored", account_id, bu=bu_id, measure=measure, score=value)
        return new_id

    return store.write(write)


def pick_focus(store: Store, actor: Actor, list_name: str, account_id: str, bu_id: str, picked: bool = True, *,
               version: int | None = None) -> int:
    """Mark (or, ``picked`` False, unmark) an account of a shortlist as of interest to a BU; the latest mark per
    account and BU counts, with its author and time. A BU head marks for their own BUs only. ``version``: the
    list's version (default: the latest). Returns the mark's id."""
    require(actor, Action.PICK_FOCUS)
    found = _version(store, list_name, version)  # saved versions never change: read before the write
    on_list = set(store.list_members(int(found["list_id"])))

    def write(tx: Transaction) -> int:
        bu = _bu_key(store, tx, actor, bu_id, "pick focus accounts")
        if account_id not in on_list:
            raise InputError(f"{account_id} is not on {list_name} v{found['version']}; only its accounts are picked.")
        new_id = store.insert_pick(tx, list_id=int(found["list_id"]), account_key=_account_key(store, tx, account_id),
                                   bu_key=bu, picked=bool(picked), author=actor.name.strip(),
                                   author_role=str(actor.role))
        audit.log(store, tx, actor, "focus.picked" if picked else "focus.unpicked", account_id, bu=bu_id,
                  list=list_name, version=int(found["version"]))
        return new_id

    return store.write(write)


def save_bu_marks(store: Store, actor: Actor, bu_id: str, *, scores: dict[tuple[str, str], float] | None = None,
                  picks: dict[str, bool] | None = None, list_name: str | None = None,
                  version: int | None = None) -> int:
    """One BU's scores ((account id, measure) -> score) and marks on a shortlist (account id -> picked) at once, all
    or none (the page's table). Scores need SCORE_ACCOUNTS, marks PICK_FOCUS; a BU head writes for their own BUs
    only. Returns how many rows were written."""
    scores, picks = dict(scores or {}), dict(picks or {})
    if scores:
        require(actor, Action.SCORE_ACCOUNTS)
    if picks:
        require(actor, Action.PICK_FOCUS)
        if list_name is None:
            raise InputError("Marks are made on a saved shortlist; save one first.")
    if not scores and not picks:
        return 0
    scale = funnel.default_rules().score_scale
    for (account_id, measure), score in scores.items():
        if measure not in funnel.MEASURES:
            raise InputError(f"Measure {measure!r} is not accepted; use one of: {', '.join(funnel.MEASURES)}.")
        try:
            number = float(score)
        except (TypeError, ValueError):
            number = math.nan
        if not math.isfinite(number) or not 0 <= number <= scale:
            raise InputError(f"{account_id}: a {measure} score is a number from 0 to {scale}; got {score!r}.")
    found = _version(store, list_name, version) if picks and list_name is not None else None
    on_list = set(store.list_members(int(found["list_id"]))) if found is not None else set()

    def write(tx: Transaction) -> int:
        bu = _bu_key(store, tx, actor, bu_id, "score and pick accounts")
        who, role = actor.name.strip(), str(actor.role)
        for (account_id, measure), score in scores.items():
            store.insert_score(tx, account_key=_account_key(store, tx, account_id), bu_key=bu, measure=measure,
                               score=float(score), author=who, author_role=role)
            audit.log(store, tx, actor, "account.scored", account_id, bu=bu_id, measure=measure, score=float(score))
        for account_id, picked in picks.items():
            assert found is not None
            if account_id not in on_list:
                raise InputError(f"{account_id} is not on {list_name} v{found['version']}; nothing was recorded.")
            store.insert_pick(tx, list_id=int(found["list_id"]), account_key=_account_key(store, tx, account_id),
                              bu_key=bu, picked=bool(picked), author=who, author_role=role)
            audit.log(store, tx, actor, "focus.picked" if picked else "focus.unpicked", account_id, bu=bu_id,
                      list=list_name, version=int(found["version"]))
        return len(scores) + len(picks)

    return store.write(write)


def _version(store: Store, list_name: str, version: int | None) -> dict[str, Any]:
    frame = store.account_lists()
    if len(frame):
        frame = frame[frame["name"] == list_name]
        if version is not None:
            frame = frame[frame["version"] == int(version)]
    if frame.empty:
        raise InputError(f"No saved list {list_name!r}{'' if version is None else f' version {version}'}.")
    return _row(frame.sort_values("version"))


def _row(frame: pd.DataFrame) -> dict[str, Any]:
    """The last row of ``frame`` as a dict."""
    return {str(k): v for k, v in frame.iloc[-1].to_dict().items()}


def save_focus_list(store: Store, actor: Actor, shortlist_name: str, values: pd.Series, *,
                    top_n: int | None = None, name: str | None = None, target_value: float | None = None,
                    target_years: int | None = None, shortlist_version: int | None = None) -> tuple[int, int]:
    """Save the focus list built from the BU leaders' picks on a shortlist version (most BUs first, then value;
    ``top_n`` default from data/funnel.json), with an optional incremental-sales target; returns (list id, version).
    ``values``: each account's value, by account id."""
    require(actor, Action.MANAGE_LISTS)
    found = _version(store, shortlist_name, shortlist_version)
    n = top_n or funnel.default_rules().focus_size
    ranked = focus_from_picks(store, found, values, n)
    chosen = ranked.loc[ranked["in_list"], "account_id"].astype(str).tolist()
    if not chosen:
        raise InputError(f"No BU has picked an account of {shortlist_name} v{found['version']} yet; the focus list "
                         "is built from their picks.")
    criteria = {"from": shortlist_name, "from_version": int(found["version"]), "top_n": n,
                "picks": {a: p for a, p in zip(ranked["account_id"].astype(str), ranked["picked_by"]) if p}}
    return save_list(store, actor, name, "focus", chosen, criteria=criteria, target_value=target_value,
                     target_years=target_years)


def focus_from_picks(store: Store, shortlist: dict[str, Any], values: pd.Series, top_n: int) -> pd.DataFrame:
    """The shortlist version's accounts ranked for the focus list (funnel.focus) from its latest picks."""
    ids = store.list_members(int(shortlist["list_id"]))
    frame = pd.DataFrame({"account_id": ids,
                          "value": values.reindex(pd.Index(ids)).fillna(0.0).to_numpy(dtype=float)})
    return funnel.focus(frame, store.latest_picks(int(shortlist["list_id"])), top_n=top_n)
