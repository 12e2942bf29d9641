"""The audit log: every change a service writes is recorded in the same transaction, and administrators export it.

An entry says who (name, email, role), when (UTC), in which workspace, what (an action such as
``decision.recorded``), on what (the target: an account id, a version name, a file) and the detail as JSON.
Entries are only ever appended; nothing in the product updates or deletes them, and a demo reset keeps them.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from gtm.domain.permissions import Action, Actor, require
from gtm.storage.repository import Store, Transaction

MAX_TARGET = 255


def log(store: Store, tx: Transaction, actor: Actor, action: str, target: object = "", **detail: Any) -> None:
    """Append one entry inside the caller's transaction: it lands with the change, or neither does."""
    store.insert_audit(
        tx, workspace=store.workspace, actor=actor.name.strip(), actor_email=actor.email,
        actor_role=str(actor.role), action=action, target=str(target)[:MAX_TARGET],
        detail=json.loads(json.dumps(detail, default=str)),
    )


def entries(store: Store, actor: Actor, *, limit: int | None = None) -> pd.DataFrame:
    """The log, newest first (administrators only); ``detail`` as compact JSON text, ready to show or export."""
    require(actor, Action.VIEW_AUDIT)
    frame = store.audit_log(limit)
    frame["detail"] = frame["detail"].map(lambda d: json.dumps(d, ensure_ascii=False, sort_keys=True))
    frame["actor_email"] = frame["actor_email"].astype(object).fillna("")  # the command line has none
    return frame
