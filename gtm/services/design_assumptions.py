"""Organisation design's assumptions: the playbook, and the economics' assumptions as saved (read by everyone,
saved by sales leaders, facilitators and administrators)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gtm.domain import economics as econ
from gtm.domain.errors import InputError
from gtm.domain.fmt import plural
from gtm.domain.permissions import Action, Actor, require
from gtm.domain.playbook import Assumptions, Playbook, assumptions_from, default_playbook
from gtm.services import audit
from gtm.services import currency as currency_service
from gtm.storage.repository import Store, Transaction

MAX_NAME = 128
MAX_NOTE = 2000


def playbook() -> Playbook:
    """The playbook of the seven structures (data/approaches.json)."""
    return default_playbook()


def _note(text: str | None) -> str:
    note = (text or "").strip()
    if len(note) > MAX_NOTE:
        raise InputError(f"The note has {len(note)} characters; {MAX_NOTE} at most are accepted.")
    return note


@dataclass(frozen=True)
class SavedAssumptions:
    """The assumptions in force: the latest saved version, or the playbook's defaults (version 0)."""

    assumptions: Assumptions
    version: int
    saved_by: str | None = None
    saved_at: Any = None
    note: str = ""
    refused: str | None = None  # why the latest saved version is not in force (the defaults are), for the pages


def assumptions(store: Store) -> SavedAssumptions:
    """The latest saved assumptions, else the playbook's defaults. A saved version that no longer validates (a
    structure renamed in the vocabulary, a coverage ratio saved before ratios were bounded) is refused, never used:
    the defaults are in force and ``refused`` says why, naming the version and the fault."""
    row = store.latest_assumptions()
    if row is None:
        return SavedAssumptions(playbook().defaults, 0)
    try:
        a = assumptions_from(row["body"])
    except InputError as exc:
        return SavedAssumptions(playbook().defaults, 0, refused=(
            f"The saved assumptions (version {row['version']}) are not used: {exc} The playbook's defaults are in "
            "force until a sales leader, facilitator or administrator saves corrected ones."))
    return SavedAssumptions(a, int(row["version"]), row["created_by"], row["created_at"], row["note"] or "")


def save_assumptions(store: Store, actor: Actor, raw: dict[str, Any] | Assumptions, note: str = "") -> int:
    """Validate and save the assumptions as the next version; returns it. Sales leaders, facilitators and admins."""
    require(actor, Action.EDIT_ASSUMPTIONS)
    a = raw if isinstance(raw, Assumptions) else assumptions_from(raw)
    a = assumptions_from(a.as_dict())  # one built by hand (model_construct) is checked all the same
    note = _note(note)
    missing = sorted(set(playbook().defaults.coverage) - set(a.coverage))
    if missing:
        raise InputError(f"The coverage ratios miss the {plural(len(missing), 'role')} {', '.join(missing)}; give "
                         "accounts per person for each.")

    def write(tx: Transaction) -> int:
        version = store.insert_assumptions(tx, a.as_dict(), note=note, created_by=actor.name.strip(),
                                           created_role=str(actor.role))
        audit.log(store, tx, actor, "assumptions.saved", f"v{version}", version=version, **_summary(a))
        return version

    return store.write(write)


def _summary(a: Assumptions) -> dict[str, Any]:
    return {"currency": a.currency, "horizon_years": a.horizon_years, "uplift": a.uplift, "margin": a.margin,
            "ramp_up_months": a.ramp_up_months}


def in_reporting_currency(store: Store, a: Assumptions, reporting: str) -> tuple[Assumptions, str | None]:
    """The assumptions with costs in the reporting currency, and the sentence saying the conversion (None: none)."""
    return econ.in_currency(a, reporting, currency_service.rates(store))
