"""Assumptions within sense: bounded ranges named in the message; an old out-of-range save is refused at load."""

from __future__ import annotations

import pytest

from gtm.domain import economics
from gtm.domain.errors import InputError
from gtm.domain.permissions import ADMIN, Actor, Role
from gtm.domain.playbook import default_playbook
from gtm.services import currency, design
from gtm.storage.repository import Store

LEADER = Actor("Dana", Role.SALES_LEADER)


def _with_coverage(ratio: float) -> dict[str, object]:
    body = default_playbook().defaults.as_dict()
    body["coverage"] = {**body["coverage"], "overlay_manager": ratio}
    return body


@pytest.mark.parametrize("ratio", [1e-300, 0.001, 1e6, 0.0, -1.0])
def test_a_coverage_ratio_out_of_range_is_refused_naming_the_range(store: Store, ratio: float) -> None:
    with pytest.raises(InputError, match=r"accepted: a number from 0\.01 to 10,000"):
        design.save_assumptions(store, LEADER, _with_coverage(ratio))


def test_a_ratio_saved_before_the_bounds_is_refused_at_load_and_said(store: Store) -> None:
    """The probe saved 1e-300: Design and Scenarios then failed for everyone with an OverflowError."""
    store.write(lambda tx: store.insert_assumptions(tx, _with_coverage(1e-300), note="", created_by="old",
                                                    created_role="admin"))
    saved = design.assumptions(store)
    assert saved.version == 0 and saved.assumptions == default_playbook().defaults
    assert saved.refused is not None and "version 1" in saved.refused and "0.01 to 10,000" in saved.refused


def test_the_roles_arithmetic_says_in_words_what_it_cannot_compute() -> None:
    book = default_playbook()
    tiny = book.defaults.model_copy(update={"coverage": {**book.defaults.coverage, "overlay_manager": 1e-300}})
    with pytest.raises(InputError, match="cannot be computed"):
        economics.roles_needed({"overlay_advisory": 100}, tiny, book)  # not an OverflowError


@pytest.mark.parametrize("rate", ["1e-300", "1e9", "0"])
def test_an_exchange_rate_out_of_range_is_refused_naming_the_range(store: Store, rate: str) -> None:
    with pytest.raises(InputError, match=r"from 1e-06 to 1,000,000"):
        currency.set_exchange_rates(store, ADMIN, [{"currency": "EUR", "rate": rate}])
