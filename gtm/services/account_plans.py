"""Use cases of account plans (the deck's pilot account planning): save a focus account's plan as a new version, read
the latest and earlier versions, the open actions of the focus accounts, and the XLSX export.

Who may edit: the account's sales leader (the account's owner: their name or email), facilitators and
administrators; everyone reads. Plans are for the accounts of a focus list: the programme's pilots.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd

from gtm.domain import account_plans as rules
from gtm.domain.account_plans import AccountPlan
from gtm.domain.errors import InputError, PermissionDenied, Problem
from gtm.domain.fmt import count
from gtm.domain.permissions import Action, Actor, Role, require
from gtm.domain.vocabulary import normalise
from gtm.export import tables
from gtm.services import audit, lists
from gtm.storage.repository import Store, Transaction

MIME_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SUMMARY_COLUMNS = ["account_id", "account_name", "version", "saved_by", "saved_at", "objectives", "targets",
                   "stakeholders", "actions", "open_actions", "overdue_actions"]


@dataclass(frozen=True)
class SavedPlan:
    """A saved version of an account's plan: the plan, its version, who saved it and when."""

    account_id: str
    plan: AccountPlan
    version: int
    saved_by: str
    saved_at: datetime | None
    note: str = ""


# ---------------------------------------------------------------------------------------------- who may edit


def plan_frames(plan: AccountPlan | None) -> dict[str, pd.DataFrame]:
    """A plan's four parts as the editors hold them, one frame per part (empty frames for no plan)."""
    return rules.plan_frames(plan)


def plan_from_frames(frames: Mapping[str, pd.DataFrame], note: str = "") -> AccountPlan:
    """An AccountPlan from the editors' frames; raises InputError naming the part, row, column and value."""
    return rules.plan_from_frames(frames, note)


def plan_open_actions(plan: AccountPlan, today: date) -> pd.DataFrame:
    """One plan's actions not done yet, the overdue first."""
    return rules.open_actions(plan, today)


def _owns(actor: Actor, owner: str | None) -> bool:
    mine = {v.strip().casefold() for v in (actor.name, actor.email or "") if v and v.strip()}
    return (owner or "").strip().casefold() in mine


def may_edit(actor: Actor, owner: str | None) -> bool:
    """Whether the actor may save a plan for an account with this owner (what the page offers)."""
    return actor.can(Action.EDIT_ACCOUNT_PLAN) and (actor.role != Role.SALES_LEADER or _owns(actor, owner))


def why_not_edit(actor: Actor, owner: str | None) -> str:
    """Why the actor may not edit the plan of an account with this owner, in a sentence."""
    if actor.can(Action.EDIT_ACCOUNT_PLAN):
        return (f"Sales leaders plan the accounts they own; this one is owned by {owner or 'nobody'}. Ask its owner "
                "or a facilitator.")
    return "Account plans are edited by the account's sales leader, facilitators and administrators; you can read it."


def focus_accounts(store: Store) -> list[str]:
    """The accounts of every focus list (the latest version of each list whose latest version is a focus list)."""
    names = lists.list_names(store)
    out: list[str] = []
    for name in names.loc[names["stage"] == "focus", "name"] if len(names) else []:
        out += [a for a in lists.list_accounts(store, str(name)) if a not in out]
    return out


# ---------------------------------------------------------------------------------------------- writes


def _checked_bus(store: Store, plan: AccountPlan) -> AccountPlan:
    """The plan with each target's BU as its stored id (given by id or name, any case); unknown BUs are refused."""
    if not plan.targets:
        return plan
    units = store.business_units()
    ids = {normalise(n): str(b) for b, n in zip(units["bu_id"], units["name"], strict=True)}
    ids.update({normalise(b): str(b) for b in units["bu_id"]})
    problems = [Problem(i, f"{rules.PART_LABELS['targets']}: {rules.HEADERS['bu']}", t.bu,
                        f"accepted: {rules.ACCEPTED['bu']} ({', '.join(map(str, units['bu_id'])) or 'none yet'})")
                for i, t in enumerate(plan.targets, start=1) if normalise(t.bu) not in ids]
    if problems:
        raise InputError.from_problems(f"{count(len(problems), 'target')} of the plan name{'s' if len(problems) == 1 else ''} "
                                       "a BU this portfolio does not have; nothing was saved.", problems)
    targets = tuple(t.model_copy(update={"bu": ids[normalise(t.bu)]}) for t in plan.targets)
    return AccountPlan.model_validate({**plan.model_dump(), "targets": [t.model_dump() for t in targets]})


def save_plan(store: Store, actor: Actor, account_id: str, plan: AccountPlan, *,
              expected_version: int | None = None) -> int:
    """Save ``plan`` as the next version of the account's plan; returns that version. The account must be on a focus
    list; a sales leader must own it. ``expected_version``: the version the person started from (0: none); when
    someone saved another meanwhile, nothing is written and the error says who."""
    require(actor, Action.EDIT_ACCOUNT_PLAN)
    plan = _checked_bus(store, rules.parse_plan(plan.body()))
    on_focus = account_id in set(focus_accounts(store))

    def write(tx: Transaction) -> int:
        key = store.account_key(tx, account_id)
        if key is None:
            raise InputError(f"No account with id {account_id!r}.",
                             [Problem(None, "account_id", account_id, "unknown account")])
        owner = store.account_owner(tx, key)
        if actor.role == Role.SALES_LEADER and not _owns(actor, owner):
            raise PermissionDenied(f"A sales leader plans only the accounts they own; {account_id} is owned by "
                                   f"{owner or 'nobody'}, not {actor.name}. Ask its owner or a facilitator.")
        if not on_focus:
            raise InputError(f"{account_id} is on no focus list: account plans are for the focus accounts (the "
                             "deck's pilot account planning). Put it on the focus list on the Key accounts page.")
        latest = store.latest_account_plan_version(tx, key)
        if expected_version is not None and latest != expected_version:
            seen = store.account_plan_versions(account_id).head(1)
            who = f" ({seen['created_by'].iloc[0]}, {pd.Timestamp(seen['created_at'].iloc[0]):%Y-%m-%d %H:%M} UTC)" \
                if len(seen) else ""
            raise InputError(f"Someone saved version {latest} of this plan meanwhile{who}; look at it, then save "
                             "again. Nothing was saved.")
        version = latest + 1
        store.insert_account_plan(tx, account_key=key, version=version, body=plan.body(), note=plan.note,
                                  created_by=actor.name.strip(), created_by_id=actor.user_id, created_role=str(actor.role))
        audit.log(store, tx, actor, "account_plan.saved", account_id, version=version,
                  objectives=len(plan.objectives), targets=len(plan.targets), stakeholders=len(plan.stakeholders),
                  actions=len(plan.actions), open_actions=sum(a.open for a in plan.actions))
        return version

    return store.write(write)


# ---------------------------------------------------------------------------------------------- reads


def _saved(row: Mapping[Any, Any]) -> SavedPlan:
    account = str(row["account_id"])
    plan = rules.parse_plan(row["body"], f"The saved plan of {account} version {row['version']}")
    when = row.get("created_at")
    return SavedPlan(account, plan, int(row["version"]), str(row["created_by"]),
                     pd.Timestamp(when).to_pydatetime() if when is not None and not pd.isna(when) else None,
                     str(row.get("note") or ""))


def latest_plan(store: Store, account_id: str) -> SavedPlan | None:
    """The latest saved version of the account's plan (None: none yet)."""
    found = store.latest_account_plans([account_id])
    return None if found.empty else _saved(found.iloc[0].to_dict())


def plan_version(store: Store, account_id: str, version: int) -> SavedPlan | None:
    """One saved version of the account's plan (None: no such version)."""
    found = store.account_plan_versions(account_id)
    found = found[found["version"] == int(version)]
    return None if found.empty else _saved(found.iloc[0].to_dict())


def versions(store: Store, account_id: str) -> pd.DataFrame:
    """The account's saved versions, newest first: version, saved_by, role, saved_at, objectives, actions, open."""
    rows = []
    for row in store.account_plan_versions(account_id).to_dict("records"):
        saved = _saved(row)
        rows.append({"version": saved.version, "saved_by": saved.saved_by, "role": row["created_role"],
                     "saved_at": saved.saved_at, "objectives": len(saved.plan.objectives),
                     "actions": len(saved.plan.actions), "open_actions": sum(a.open for a in saved.plan.actions)})
    return pd.DataFrame(rows, columns=["version", "saved_by", "role", "saved_at", "objectives", "actions",
                                       "open_actions"])


def latest_plans(store: Store, account_ids: Sequence[str]) -> dict[str, SavedPlan]:
    """The latest saved plan of each of these accounts that has one, by account id."""
    return {str(r["account_id"]): _saved(r) for r in store.latest_account_plans(list(account_ids)).to_dict("records")}


def summary(store: Store, account_ids: Sequence[str], names: pd.Series | None = None,
            today: date | None = None) -> pd.DataFrame:
    """One row per account of ``account_ids`` (in that order; SUMMARY_COLUMNS): its latest plan's version, who saved it
    and when, how many objectives, targets, stakeholders, actions, open and overdue actions (version 0 and no counts
    where it has no plan yet). ``names``: account names by id."""
    today = today or date.today()
    plans = latest_plans(store, account_ids)
    rows = []
    for account_id in account_ids:
        saved = plans.get(account_id)
        name = names.get(account_id) if names is not None else None
        if saved is None:
            rows.append({"account_id": account_id, "account_name": name, "version": 0})
            continue
        opened = rules.open_actions(saved.plan, today)
        rows.append({"account_id": account_id, "account_name": name, "version": saved.version,
                     "saved_by": saved.saved_by, "saved_at": saved.saved_at,
                     "objectives": len(saved.plan.objectives), "targets": len(saved.plan.targets),
                     "stakeholders": len(saved.plan.stakeholders), "actions": len(saved.plan.actions),
                     "open_actions": len(opened), "overdue_actions": int(opened["overdue"].sum()) if len(opened) else 0})
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def open_actions(store: Store, account_ids: Sequence[str], today: date | None = None) -> pd.DataFrame:
    """The open actions of these accounts' latest plans, overdue first: account_id, action, owner, due, status,
    overdue, version."""
    today = today or date.today()
    frames = [rules.open_actions(saved.plan, today).assign(account_id=account_id, version=saved.version)
              for account_id, saved in latest_plans(store, account_ids).items()]
    columns = ["account_id", "action", "owner", "due", "status", "overdue", "version"]
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)


# ---------------------------------------------------------------------------------------------- export

SHEETS = ("Open actions", "Actions", "Objectives", "Targets", "Stakeholders", "Plans")


def export_frames(store: Store, account_ids: Sequence[str], names: pd.Series | None = None,
                  today: date | None = None) -> dict[str, pd.DataFrame]:
    """The latest plans of these accounts as sheets (SHEETS), under the headers people read; every sheet names the
    account, and the plan version it comes from."""
    today = today or date.today()
    plans = latest_plans(store, account_ids)
    parts: dict[str, list[pd.DataFrame]] = {name: [] for name in rules.PARTS}
    opened: list[pd.DataFrame] = []
    for account_id in account_ids:
        saved = plans.get(account_id)
        if saved is None:
            continue
        head = {"Account id": account_id, "Account": names.get(account_id) if names is not None else None,
                "Version": saved.version}
        for part, frame in rules.plan_frames(saved.plan).items():
            if len(frame):
                parts[part].append(frame.rename(columns=rules.HEADERS).assign(**head))
        acts = rules.open_actions(saved.plan, today)
        if len(acts):
            opened.append(acts.rename(columns={**rules.HEADERS, "overdue": "Overdue"}).assign(**head))

    def sheet(frames: list[pd.DataFrame], columns: Sequence[str]) -> pd.DataFrame:
        order = ["Account id", "Account", "Version", *columns]
        return pd.concat(frames, ignore_index=True)[order] if frames else pd.DataFrame(columns=order)

    headers = {part: [rules.HEADERS[c] for c in cols] for part, cols in rules.PARTS.items()}
    strength = sheet(parts["stakeholders"], headers["stakeholders"])
    strength["Relationship"] = strength["Relationship"].astype(object).where(strength["Relationship"].notna(),
                                                                               rules.NOT_KNOWN)
    plans_sheet = summary(store, account_ids, names, today).rename(columns={
        "account_id": "Account id", "account_name": "Account", "version": "Version", "saved_by": "Saved by",
        "saved_at": "Saved at (UTC)", "objectives": "Objectives", "targets": "Targets", "stakeholders": "Stakeholders",
        "actions": "Actions", "open_actions": "Open actions", "overdue_actions": "Overdue actions"})
    return {"Open actions": sheet(opened, [*headers["actions"], "Overdue"]),
            "Actions": sheet(parts["actions"], headers["actions"]),
            "Objectives": sheet(parts["objectives"], headers["objectives"]),
            "Targets": sheet(parts["targets"], headers["targets"]),
            "Stakeholders": strength, "Plans": plans_sheet}


def export_xlsx(store: Store, account_ids: Sequence[str], names: pd.Series | None = None,
                today: date | None = None) -> bytes:
    """The latest plans of these accounts as an XLSX workbook (SHEETS), formulas neutralised, dates as date cells."""
    return tables.to_xlsx_bytes(export_frames(store, account_ids, names, today))
