"""Use cases on the approach matrix: save a version, switch the active one, reset to the default."""

from __future__ import annotations

import pandas as pd

from gtm.domain.errors import InputError
from gtm.domain.matrix import ApproachMatrix, parse_matrix
from gtm.domain.permissions import Action, Actor, require
from gtm.services import audit
from gtm.storage.repository import NameTaken, Store, Transaction

MAX_NAME = 128


def save_matrix(store: Store, actor: Actor, matrix: ApproachMatrix, name: str, *, activate: bool = True,
                expected_active: str | None = None) -> None:
    """Save bands under a new name (names are never overwritten) and optionally make it the active version.

    ``expected_active``: the active version the person saw; when someone switched it meanwhile, nothing is saved.
    """
    require(actor, Action.EDIT_MATRIX)
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME:
        raise InputError(f"A matrix version needs a name of 1 to {MAX_NAME} characters.")
    taken = InputError(f"A matrix version named {name!r} already exists; choose another name.")

    def write(tx: Transaction) -> None:
        store.lock_matrix_versions(tx)  # the checks below stay true until the version is written
        _check_active(store, tx, expected_active)
        if store.matrix_name_taken(tx, name):
            raise taken
        store.insert_matrix_version(tx, matrix, name, actor.name.strip(), activate=activate)
        audit.log(store, tx, actor, "matrix.saved", name, activated=activate,
                  bands={k: [b.low, b.high] for k, b in matrix.bands.items()})

    try:
        store.write(write)
    except NameTaken:
        raise taken from None


def activate_matrix(store: Store, actor: Actor, name: str, expected_active: str | None = None) -> None:
    """Make a saved version the active one, for every user.

    ``expected_active``: the active version the person saw; when someone switched it meanwhile, nothing changes.
    """
    require(actor, Action.EDIT_MATRIX)

    def write(tx: Transaction) -> None:
        store.lock_matrix_versions(tx)
        _check_active(store, tx, expected_active)
        if not store.matrix_name_taken(tx, name):
            raise InputError(f"No matrix version named {name!r}.")
        before = store.active_matrix(tx).name
        store.activate_matrix_version(tx, name)
        audit.log(store, tx, actor, "matrix.activated", name, previous=before)

    store.write(write)


def _check_active(store: Store, tx: Transaction, expected: str | None) -> None:
    if expected is None:
        return
    now = store.active_matrix(tx).name
    if now != expected:
        raise InputError(f"Someone switched the active matrix version meanwhile: it is now {now!r}, not "
                         f"{expected!r}; look at it, then try again.")


def reset_matrix(store: Store, actor: Actor) -> None:
    """Activate the default version (data/matrix.json); nothing changes when it is active already."""
    require(actor, Action.EDIT_MATRIX)
    if store.active_matrix().name != "default":
        activate_matrix(store, actor, "default")


Bands = dict[str, tuple[str, str]]  # each nature's band as the Matrix page's sliders hold it: (low, high) codes


def bands_of(matrix: ApproachMatrix) -> Bands:
    """A matrix's bands as the sliders hold them."""
    return {code: (band.low, band.high) for code, band in matrix.bands.items()}


def draft(bands: Bands) -> ApproachMatrix:
    """A band edit not saved, validated as a matrix named "draft" (GtmError when not valid): what the read model
    judges the portfolio against for the Matrix page's preview (gtm.services.views.portfolio.judge)."""
    return parse_matrix({"name": "draft", "bands": {c: {"low": lo, "high": hi} for c, (lo, hi) in bands.items()}},
                        source="the edited band")


def versions(store: Store) -> pd.DataFrame:
    """Every saved matrix version (name, is_active, ...), for the Matrix page's switcher."""
    return store.matrix_versions()
