"""Use cases on the approach matrix: save a version, switch the active one, reset to the default."""

from __future__ import annotations

from gtm.domain.errors import InputError
from gtm.domain.matrix import ApproachMatrix
from gtm.domain.permissions import Action, Actor, require
from gtm.storage.repository import NameTaken, Store

MAX_NAME = 128


def save_matrix(store: Store, actor: Actor, matrix: ApproachMatrix, name: str, *, activate: bool = True) -> None:
    """Save bands under a new name (names are never overwritten) and optionally make it the active version."""
    require(actor, Action.EDIT_MATRIX)
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME:
        raise InputError(f"A matrix version needs a name of 1 to {MAX_NAME} characters.")
    taken = InputError(f"A matrix version named {name!r} already exists; choose another name.")
    try:
        with store.transaction() as tx:
            if store.matrix_name_taken(tx, name):
                raise taken
            store.insert_matrix_version(tx, matrix, name, actor.name.strip(), activate=activate)
    except NameTaken:
        raise taken from None


def activate_matrix(store: Store, actor: Actor, name: str) -> None:
    """Make a saved version the active one, for every user."""
    require(actor, Action.EDIT_MATRIX)
    with store.transaction() as tx:
        if not store.matrix_name_taken(tx, name):
            raise InputError(f"No matrix version named {name!r}.")
        store.activate_matrix_version(tx, name)


def reset_matrix(store: Store, actor: Actor) -> None:
    """Activate the default version (data/matrix.json); nothing changes when it is active already."""
    require(actor, Action.EDIT_MATRIX)
    if store.active_matrix().name != "default":
        activate_matrix(store, actor, "default")
