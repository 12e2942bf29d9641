"""Use cases of deal outcomes: the workspace's won-deal weight, read by every recommendation and set by a facilitator."""

from __future__ import annotations

import math

from gtm.domain.errors import InputError, Problem
from gtm.domain.outcomes import WON_WEIGHT_DEFAULT, WON_WEIGHT_RANGE
from gtm.domain.permissions import Action, Actor, require
from gtm.services import audit
from gtm.storage.repository import Store

WON_WEIGHT_KEY = "won_weight"
ACCEPTED = (f"accepted: a share from {WON_WEIGHT_RANGE[0]:.0%} to {WON_WEIGHT_RANGE[1]:.0%} of a won deal's amount "
            "(0 %: won deals weigh nothing; 100 %: as much as a sure open deal)")


def won_weight(store: Store) -> float:
    """What a won deal weighs in the recommendations, as a share of its amount (WON_WEIGHT_DEFAULT until someone sets
    it). A stored value outside the range (written by hand) is not used: the default stands in and
    ``refused_won_weight`` says so for the pages to show."""
    return _read(store.setting(WON_WEIGHT_KEY))[0]


def refused_won_weight(store: Store) -> str | None:
    """Why the stored won-deal weight is not used (and the default stands in), or None."""
    return _read(store.setting(WON_WEIGHT_KEY))[1]


def _read(value: object) -> tuple[float, str | None]:
    if value is None:
        return WON_WEIGHT_DEFAULT, None
    try:
        weight = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        weight = math.nan
    if math.isfinite(weight) and WON_WEIGHT_RANGE[0] <= weight <= WON_WEIGHT_RANGE[1]:
        return weight, None
    return WON_WEIGHT_DEFAULT, (f"The stored won-deal weight {value!r} is not used ({ACCEPTED}): won deals weigh "
                                f"{WON_WEIGHT_DEFAULT:.0%}, the default, until a facilitator sets it again.")


def set_won_weight(store: Store, actor: Actor, weight: float | str) -> float:
    """Set the won-deal weight (a share from 0 to 1; "40 %" and "0.4" alike); every recommendation follows. Returns
    what is stored; InputError says what is accepted."""
    require(actor, Action.SET_WON_WEIGHT)
    text = str(weight).strip()
    try:
        value = float(text.removesuffix("%").strip().replace(",", ".")) / (100.0 if text.endswith("%") else 1.0)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not WON_WEIGHT_RANGE[0] <= value <= WON_WEIGHT_RANGE[1]:
        raise InputError(f"The won-deal weight {text!r} is not accepted; {ACCEPTED}.",
                         [Problem(None, "won-deal weight", text, ACCEPTED)])
    before = won_weight(store)
    if value == before and store.setting(WON_WEIGHT_KEY) is not None:
        return value
    with store.transaction() as tx:
        store.put_setting(tx, WON_WEIGHT_KEY, value)  # a new portfolio version: every page re-judges
        audit.log(store, tx, actor, "outcomes.won_weight_set", f"{value:.0%}", previous=before, weight=value)
    return value
