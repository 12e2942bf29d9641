"""Use cases on the maturity self-assessment (losers and winners, docs/domain.md section 5): record one person's scores of
the organisation or a BU on a date, and the reads the Maturity page and the deck rely on (summary weakest first,
the dates assessed, two dates compared, who scored)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pandas as pd

from gtm.domain import maturity as rules
from gtm.domain.errors import InputError, PermissionDenied
from gtm.domain.maturity import ORGANISATION, Dimension
from gtm.domain.permissions import ROLE_LABELS, Action, Actor, Role, require
from gtm.services import audit
from gtm.storage.repository import Store, Transaction

# DIMENSIONS: the nine dimensions (module __getattr__, read on first use, never at import).
DIMENSIONS: tuple[Dimension, ...]

MAX_NOTE = 2000
MAX_SCOPE = 128  # the width of the scope column
EARLIEST = date(2000, 1, 1)
# "Who scored": the page's headers, before one column per dimension (by its label).
SCORED_BY_HEADERS = {"author": "Who", "author_role": "Role", "assessed_on": "Assessed on",
                     "created_at": "Saved at (UTC)", "note": "Note"}


def dimensions() -> tuple[Dimension, ...]:
    """The nine dimensions in the deck's order: code, label, losers, winners, winners_do (data/maturity.json)."""
    return rules.dimensions()


def scale() -> rules.Scale:
    """The scale every dimension is scored on (1 to 5, its ends' labels, the not-scored label)."""
    return rules.scale()


def scopes(store: Store) -> pd.DataFrame:
    """What can be assessed: scope ("organisation" or a BU id) and label, the organisation first, then every BU,
    and any scope assessed before whose BU is gone."""
    bus = store.business_units()
    frame = pd.DataFrame({"scope": [ORGANISATION, *bus["bu_id"].astype(str)],
                          "label": ["The organisation", *(f"{n} ({i})" for i, n in zip(bus["bu_id"], bus["name"]))]})
    gone = [s for s in store.assessed_scopes() if s not in set(frame["scope"])]
    return pd.concat([frame, pd.DataFrame({"scope": gone, "label": gone})], ignore_index=True)


def scope_label(store: Store, scope: str) -> str:
    """How a scope is shown: "The organisation", or the BU's name and id."""
    found = scopes(store)
    labels = found.loc[found["scope"] == scope, "label"]
    return str(labels.iloc[0]) if len(labels) else scope


def assessable_scopes(store: Store, actor: Actor) -> list[str]:
    """The scopes ``actor`` may assess: none for a viewer, the organisation and their own BUs for a BU head, the
    organisation and every BU for the others allowed."""
    if not actor.can(Action.ASSESS_MATURITY):
        return []
    every = scopes(store)["scope"].tolist()
    if actor.role == Role.BU_HEAD:
        return [s for s in every if s == ORGANISATION or s in actor.bus]
    return every


def _scope(store: Store, tx: Transaction, scope: Any) -> str:
    text = str(scope or "").strip()
    if text.lower() in (ORGANISATION, "organization"):
        return ORGANISATION
    if not text or len(text) > MAX_SCOPE or store.business_unit_key(tx, text) is None:
        known = store.business_units()["bu_id"].astype(str).tolist()
        shown = f"{text[:40]!r}" if text else "an empty scope"
        raise InputError(f"Cannot assess {shown}: no such BU. Accepted: {ORGANISATION!r}"
                         + (f" or a BU id: {', '.join(known)}" if known else " (no BU is imported yet)") + ".")
    return text


def _day(value: Any) -> date:
    if isinstance(value, datetime):
        value = value.date()
    today = date.today()
    if not isinstance(value, date) or not EARLIEST <= value <= today:
        shown = value.isoformat() if isinstance(value, date) else repr(value)
        raise InputError(f"The assessment's date {shown} is not accepted; give a date from {EARLIEST} to today "
                         f"({today}).")
    return value


def record_assessment(store: Store, actor: Actor, scope: str, assessed_on: date, scores: dict[str, Any],
                      note: str = "") -> int:
    """Record one person's scores of ``scope`` ("organisation" or a BU id) on ``assessed_on``; returns its id.

    Sales leaders, facilitators, BU heads (the organisation and their own BUs) and administrators. Every dimension
    is scored 1 to 5 or explicitly not scored; the assessment and its audit entry are written in one transaction.
    """
    require(actor, Action.ASSESS_MATURITY)
    checked = rules.check_scores(scores)
    day = _day(assessed_on)
    text = (note or "").strip()
    if len(text) > MAX_NOTE:
        raise InputError(f"The note has {len(text)} characters; {MAX_NOTE} at most are accepted.")
    if actor.role == Role.BU_HEAD and str(scope or "").strip() not in (ORGANISATION, "organization", *actor.bus):
        # Said before anything is read: a BU head's other BU is refused whether or not it exists.
        heads = ", ".join(actor.bus) or "no BU"
        raise PermissionDenied(f"A BU head assesses the organisation and their own BUs ({heads}), not "
                               f"{str(scope).strip()[:40]}.")

    def write(tx: Transaction) -> int:
        where = _scope(store, tx, scope)
        found = store.insert_assessment(tx, where, day, checked, text, actor.name.strip(), str(actor.role),
                                        actor.user_id)
        audit.log(store, tx, actor, "maturity.assessed", where, assessed_on=day.isoformat(), scores=checked,
                  assessment=found, scored=sum(v is not None for v in checked.values()))
        return found

    return store.write(write)


def dates(store: Store, scope: str = ORGANISATION) -> list[date]:
    """The dates ``scope`` was assessed on, earliest first."""
    return store.assessed_dates(scope)


def summary(store: Store, scope: str = ORGANISATION, assessed_on: date | None = None) -> pd.DataFrame:
    """Per dimension: dimension (code), label, losers, winners, winners_do, mean, min, max, people, spread; weakest
    first. The latest date assessed when ``assessed_on`` is None; an empty frame when there is no assessment."""
    if assessed_on is None:
        found = dates(store, scope)
        if not found:
            return rules.summarise(pd.DataFrame())
        assessed_on = found[-1]
    return rules.summarise(store.assessments(scope, assessed_on))


def compare(store: Store, scope: str, before: date, after: date) -> pd.DataFrame:
    """The mean per dimension on two dates and the change: dimension, label, before, after, delta (deck's order)."""
    return rules.compare(summary(store, scope, before), summary(store, scope, after))


def scored_by(store: Store, scope: str = ORGANISATION, assessed_on: date | None = None) -> pd.DataFrame:
    """Who scored ``scope`` on a date (every date when None), newest first: author, author_role (its label),
    assessed_on, created_at, note, then one column per dimension code (NaN: not scored). A person who scored a date
    twice is listed twice; the summary counts their last."""
    found = store.assessments(scope, assessed_on)
    table = rules.score_table(found)
    out = found[["author", "author_role", "assessed_on", "created_at", "note"]].copy()
    labels = {str(role): label for role, label in ROLE_LABELS.items()}
    out["author_role"] = out["author_role"].map(lambda r: labels.get(r, r or ""))
    return pd.concat([out, table], axis=1).iloc[::-1].reset_index(drop=True)


def __getattr__(name: str) -> Any:
    if name == "DIMENSIONS":
        return dimensions()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
