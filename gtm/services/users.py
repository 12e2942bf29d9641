"""Use cases on users: who may sign in, with which role. Only an administrator changes them; anyone is looked up."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from gtm.domain.errors import InputError, Problem
from gtm.domain.permissions import MAX_NAME, ROLE_LABELS, Action, Actor, Role, require
from gtm.domain.portfolio import no_bu_sentence
from gtm.domain.vocabulary import normalise
from gtm.services import audit
from gtm.storage.repository import Store, Transaction

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
# Words people write for a role, folded by vocabulary.normalise: "admin", "BU head", "sales_leader" ...
_ROLE_WORDS = {normalise(w): role for role in Role for w in (role.value, role.value.replace("_", " "), ROLE_LABELS[role])}
_ROLE_WORDS.update({"administrator": Role.ADMIN, "leader": Role.SALES_LEADER, "bu": Role.BU_HEAD,
                    "workshop facilitator": Role.FACILITATOR, "read only": Role.VIEWER})


def email_key(email: str | None) -> str:
    """An email as stored: trimmed and lower-cased; refused with a message when it is not an address."""
    key = (email or "").strip().lower()
    if not _EMAIL.match(key) or len(key) > 320:
        raise InputError(f"{email!r} is not an email address (name@example.com).",
                         [Problem(None, "email", str(email or ""), "expected name@domain")])
    return key


def parse_role(value: str | Role) -> Role:
    """A role from its code or label, whatever the case ("admin", "BU head", "sales_leader")."""
    role = _ROLE_WORDS.get(normalise(str(value)))
    if role is None:
        accepted = ", ".join(r.value for r in Role)
        raise InputError(f"Role {value!r} is not known; use one of: {accepted}.",
                         [Problem(None, "role", str(value), f"one of {accepted}")])
    return role


def _bus(store: Store, role: Role, bus: Iterable[str] | None, *, active: bool = True) -> list[str]:
    """The BUs a user heads, checked: a BU head's are stored BUs, at least one while they may sign in; others none."""
    wanted = [b.strip() for b in (bus or ()) if b and b.strip()]
    if role != Role.BU_HEAD:
        if wanted:
            raise InputError(f"Only a BU head heads BUs; a {ROLE_LABELS[role].lower()} takes none.")
        return []
    known = store.business_units()["bu_id"].astype(str).tolist()
    if not wanted and active:  # a BU head of no BU reviews nothing and sees an empty inbox: say why instead
        raise InputError(no_bus_to_head(store, known), [Problem(None, "bu", "", "at least one BU")])
    unknown = [b for b in wanted if known and b not in known]
    if unknown:
        raise InputError(f"Unknown BU {', '.join(unknown)}; known BUs: {', '.join(known)}.",
                         [Problem(None, "bu", b, "a stored BU id") for b in unknown])
    return list(dict.fromkeys(wanted))


def no_bus_to_head(store: Store, known: list[str] | None = None) -> str:
    """Why a BU head cannot be saved without BUs, and where BUs come from when the portfolio has none yet."""
    known = store.business_units()["bu_id"].astype(str).tolist() if known is None else known
    if known:
        return f"A BU head heads at least one BU: choose theirs among {', '.join(known)}."
    opportunities = store.counts()["opportunities"]
    if opportunities:
        return f"A BU head heads at least one BU, and there is none to choose yet. {no_bu_sentence(opportunities)}"
    return ("A BU head heads at least one BU, and the portfolio has none yet: import opportunities with a BU "
            "column, or map product families to BUs on the Diagnose page.")


def _name(name: str | None, email: str) -> str:
    text = (name or "").strip() or email.split("@", 1)[0]
    if len(text) > MAX_NAME:
        raise InputError(f"A name is at most {MAX_NAME} characters.")
    return text


def _by(actor: Actor) -> str:
    return actor.email or actor.name.strip()


def add_user(store: Store, actor: Actor, email: str, role: str | Role, name: str | None = None,
             bus: Iterable[str] | None = None) -> str:
    """Add a user who may sign in with ``email`` (administrators only); returns the stored email."""
    require(actor, Action.MANAGE_USERS)
    key, parsed = email_key(email), parse_role(role)
    values = {"name": _name(name, key), "role": parsed.value, "bus": _bus(store, parsed, bus)}

    def write(tx: Transaction) -> str:
        if store.user(key, tx) is not None:
            raise InputError(f"{key} is already a user; change their role instead.")
        store.insert_user(tx, email=key, created_by=_by(actor), active=True, **values)
        audit.log(store, tx, actor, "user.added", key, **values)
        return key

    return store.write(write)


def update_user(store: Store, actor: Actor, email: str, *, role: str | Role | None = None, name: str | None = None,
                bus: Iterable[str] | None = None, active: bool | None = None) -> None:
    """Change a user's role, name, BUs or whether they may sign in (administrators only)."""
    require(actor, Action.MANAGE_USERS)
    key = email_key(email)

    def write(tx: Transaction) -> None:
        current = store.user(key, tx)
        if current is None:
            raise InputError(f"{key} is not a user; add them first.")
        new_role = parse_role(role) if role is not None else Role(current["role"])
        kept = current["bus"] if new_role == Role.BU_HEAD else []
        stays = bool(current["active"] if active is None else active)  # who can no longer sign in heads nothing
        values: dict[str, object] = {"role": new_role.value,
                                     "bus": _bus(store, new_role, kept if bus is None else bus, active=stays)}
        if name is not None:
            values["name"] = _name(name, key)
        if active is not None:
            values["active"] = bool(active)
        still_admin = new_role == Role.ADMIN and values.get("active", current["active"])
        if not still_admin and store.active_admin_emails(tx) == [key]:
            raise InputError(f"{key} is the last active administrator; make someone else administrator first.")
        store.update_user(tx, key, **values)
        audit.log(store, tx, actor, "user.changed", key, **values)

    store.write(write)


def deactivate_user(store: Store, actor: Actor, email: str) -> None:
    """Stop a user from signing in with their role (they are a viewer from then on); administrators only."""
    update_user(store, actor, email, active=False)


def list_users(store: Store) -> pd.DataFrame:
    """Every user: email, name, role, bus, created_by, created_at, active."""
    return store.users()


@dataclass(frozen=True)
class SignIn:
    """Who signed in: the actor to act as, and a sentence for them when their email gives no role."""

    actor: Actor
    note: str | None = None


def sign_in(store: Store, email: str, name: str | None = None) -> SignIn:
    """The actor for a signed-in email: the stored role; an unknown or deactivated email is a viewer, and says so."""
    key = email_key(email)
    user = store.user(key)
    if user is None or not user["active"]:
        why = "is not registered" if user is None else "has been deactivated"
        return SignIn(Actor(_name(user["name"] if user else name, key), Role.VIEWER, email=key),
                      f"{key} {why}: you can look but not change anything. Ask an administrator for a role.")
    return SignIn(Actor(user["name"], Role(user["role"]), tuple(user["bus"] or ()), email=key))


def actor_for(store: Store, email: str, name: str | None = None) -> Actor:
    """The actor for a signed-in email (unknown or deactivated: a viewer)."""
    return sign_in(store, email, name).actor
