"""Use cases on the engagement plan: the default plan, a plan's schedule and its export, saving a version (workshop
facilitators and administrators), and reading saved versions (everyone; the deck reads the latest)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import pandas as pd

from gtm.domain import plan as plan_rules
from gtm.domain.errors import InputError
from gtm.domain.permissions import Action, Actor, require
from gtm.domain.plan import Phase, Plan, Schedule
from gtm.export import tables
from gtm.services import audit
from gtm.storage.repository import Store, Transaction

MAX_NAME = 128  # the width of the name and list-name columns
DEFAULT_NAME = "Engagement plan"
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)
# The schedule's headers, as the page shows them and the exports write them.
HEADERS = {"phase": "Phase", "activity": "Activity", "owner": "Owner", "status": "Status", "start": "Start",
           "end": "End", "weeks": "Weeks"}
VERSION_HEADERS = {"name": "Plan", "version": "Version", "start_date": "Start", "list_name": "For accounts",
                   "activities": "Activities", "created_by": "Saved by", "created_at": "Saved at (UTC)"}


def default_plan() -> Plan:
    """The default plan (data/engagement_plan.json): the deck's three phases and their activities."""
    return plan_rules.default_plan()


def schedule(plan: Plan, start: date) -> Schedule:
    """The plan laid out in dates from ``start``: each activity's start and end, and each phase's."""
    return plan_rules.schedule(plan, start)


def plan_from_rows(phases: Sequence[Phase] | Plan, rows: pd.DataFrame,
                   phase_weeks: Mapping[str, Any] | None = None) -> Plan:
    """A Plan from the editor's rows (one per activity) into the given phases; ``phase_weeks`` replaces phase
    lengths by name. Raises InputError naming the row, column and value at fault."""
    return plan_rules.plan_from_rows(phases, rows, phase_weeks)


def schedule_frame(plan: Plan, start: date) -> pd.DataFrame:
    """One row per activity: phase, activity, owner ("" while unknown), status, start, end (dates; the end is the
    day the next activity may start), weeks."""
    return plan_rules.schedule(plan, start).activities[list(plan_rules.SCHEDULE_COLUMNS)].copy()


def _name(value: str | None, what: str) -> str:
    """A name stripped ("" when none), refused when longer than the column."""
    text = (value or "").strip()
    if len(text) > MAX_NAME:
        raise InputError(f"The {what} {text[:40]!r}... has {len(text)} characters; {MAX_NAME} at most are accepted.")
    return text


def _start(value: Any) -> date:
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date) or not EARLIEST <= value <= LATEST:
        shown = value.isoformat() if isinstance(value, date) else repr(value)
        raise InputError(f"The start date {shown} is not accepted; give a date from {EARLIEST} to {LATEST}.")
    return value


def save_plan(store: Store, actor: Actor, name: str, start_date: date, plan: Plan,
              list_name: str | None = None) -> int:
    """Save ``plan`` from ``start_date`` as the next version of the plan ``name``, for the accounts of the list
    ``list_name`` (or a free text naming them); returns the version number. Facilitators and administrators."""
    require(actor, Action.EDIT_PLAN)
    plan_name = _name(name, "plan's name")
    if not plan_name:
        raise InputError(f"The plan's name is empty; give it a name of 1 to {MAX_NAME} characters.")
    for_accounts = _name(list_name, "accounts' list name") or None
    start = _start(start_date)
    checked = plan_rules.parse_plan(plan.body())  # a Plan built by hand (model_construct) is checked all the same
    sched = plan_rules.schedule(checked, start)

    def write(tx: Transaction) -> int:
        version = store.insert_plan_version(tx, plan_name, start, for_accounts, checked.body(),
                                            actor.name.strip())
        audit.log(store, tx, actor, "plan.saved", f"{plan_name} v{version}", name=plan_name, version=version,
                  start_date=start.isoformat(), end_date=sched.end.isoformat(), list_name=for_accounts,
                  activities=len(sched.activities), weeks=sched.weeks)
        return version

    return store.write(write)


def _loaded(row: dict[str, Any] | None) -> tuple[Plan, date, str | None] | None:
    if row is None:
        return None
    try:
        plan = plan_rules.parse_plan(row["body"])
    except InputError as exc:
        raise InputError(f"The saved plan {row['name']!r} version {row['version']} cannot be read: {exc}") from None
    return plan, row["start_date"], row["list_name"]


def latest_plan(store: Store, name: str | None = None) -> tuple[Plan, date, str | None] | None:
    """The latest saved version of plan ``name`` (of any plan when None): the plan, its start date, its list name;
    None when nothing is saved yet."""
    return _loaded(store.plan_version(name))


def plan_version(store: Store, name: str, version: int) -> tuple[Plan, date, str | None] | None:
    """One saved version of plan ``name``: the plan, its start date, its list name; None when there is no such."""
    return _loaded(store.plan_version(name, version))


def versions(store: Store, name: str | None = None) -> pd.DataFrame:
    """Saved versions, newest first: name, version, start_date, list_name, created_by, created_at, activities."""
    return store.plan_versions(name)


def export_frame(plan: Plan, start: date) -> pd.DataFrame:
    """The schedule under the page's headers (Phase, Activity, Owner, Status, Start, End, Weeks)."""
    return schedule_frame(plan, start).rename(columns=HEADERS)


def export_csv(plan: Plan, start: date, *, european: bool = False) -> bytes:
    """The schedule as CSV (';' and decimal commas for European Excel), formulas neutralised."""
    return tables.to_csv_bytes(export_frame(plan, start), sep=tables.separator(european))


def export_xlsx(plan: Plan, start: date) -> bytes:
    """The schedule as an XLSX workbook (sheet "Plan"), formulas neutralised, dates as date cells."""
    return tables.to_xlsx_bytes({"Plan": export_frame(plan, start)})
