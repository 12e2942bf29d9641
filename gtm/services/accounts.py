"""Use cases on accounts: set the current approach of many accounts at once."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from gtm.domain import vocabulary as vocab
from gtm.domain.errors import InputError, Problem
from gtm.domain.fmt import count
from gtm.domain.permissions import Action, Actor, require
from gtm.services import audit
from gtm.storage.repository import Store

AUDITED_ROWS = 1000  # the audit entry lists at most this many accounts (and says how many it lists)


def set_current_approaches(store: Store, actor: Actor, approaches: Mapping[str, str | None]) -> int:
    """Set each account's current approach (a code or label; None or blank: not set) in one transaction.

    Raises InputError naming every unknown account and approach before anything is written; returns how many
    accounts changed.
    """
    require(actor, Action.IMPORT_DATA)
    problems: list[Problem] = []
    codes: dict[str, str | None] = {}
    for account_id, approach in approaches.items():
        if approach is None or not str(approach).strip():
            codes[account_id] = None
            continue
        found = vocab.APPROACHES.find(approach)
        if found is None:
            problems.append(Problem(account_id, "current approach", approach,
                                    f"is not an approach; accepted: {vocab.APPROACHES.accepted()}"))
        else:
            codes[account_id] = vocab.APPROACHES.codes[found]
    known = set(store.accounts()["account_id"])
    problems += [Problem(a, "account", a, "is not a stored account") for a in codes if a not in known]
    if problems:
        raise InputError.from_problems(f"{count(len(problems), 'row')} cannot be saved; nothing was changed.", problems)
    if not codes:
        return 0
    with store.transaction() as tx:
        changed = store.update_current_approaches(tx, codes)
        audit.log(store, tx, actor, "accounts.approach_set", count(len(codes), 'account'), changed=changed,
                  approaches=dict(list(codes.items())[:AUDITED_ROWS]), listed=min(len(codes), AUDITED_ROWS))
        return changed


def changed_approaches(before: pd.DataFrame, after: pd.DataFrame) -> dict[str, str | None]:
    """What an edited table (account_id, current_approach as labels) changes: account id -> new approach or None."""
    old = before.set_index("account_id")["current_approach"].astype(object)
    new = after.set_index("account_id")["current_approach"].astype(object)
    moved = ~((old == new) | (old.isna() & new.isna()))
    return {str(k): (None if pd.isna(v) else str(v)) for k, v in new[moved.reindex(new.index, fill_value=True)].items()}
