"""The Structures page's cards: realistic natures per structure, accounts counted today and recommended, coverage
ratios in words, and which cards a link opens first."""

from __future__ import annotations

import pandas as pd
import pytest

from gtm.domain.matrix import default_matrix
from gtm.domain.structures import account_counts, coverage_text, opened, playbook_link, realistic_for
from gtm.domain.vocabulary import APPROACHES, NATURES


def test_the_default_band_makes_each_structure_realistic_for_its_neighbouring_natures() -> None:
    realistic = realistic_for(default_matrix())
    assert list(realistic) == list(APPROACHES.codes)  # lightest first
    # docs/domain.md: nature n is realistic with approaches n and n+1, so approach a serves natures a-1 and a.
    assert realistic["traditional_sales"] == ("info_exchange",)
    assert realistic["lead_unit"] == ("qualification", "cross_sell")  # the deck's case: a lead unit cross-sells
    assert realistic["market_bu"] == ("turnkey",)


def test_a_structure_outside_every_band_is_realistic_for_no_nature() -> None:
    m = default_matrix()
    for nature in NATURES.codes:  # every band narrowed to its lower end: nothing is left for the heaviest
        m = m.with_band(nature, m.bands[nature].low, m.bands[nature].low)
    realistic = realistic_for(m)
    assert realistic["market_bu"] == ()
    assert realistic["common_front_end"] == ("turnkey",)


def test_accounts_are_counted_today_with_the_lightest_assumed_and_recommended_where_diagnosed() -> None:
    accounts = pd.DataFrame({
        "account_id": ["A", "B", "C", "D"],
        "current_approach": ["lead_unit", None, "lead_unit", None],
        "recommended_approach": ["overlay_advisory", "lead_unit", None, "overlay_advisory"],
    })
    counts = account_counts(accounts)
    assert counts.accounts == 4
    assert counts.today == {**dict.fromkeys(APPROACHES.codes, 0), "lead_unit": 2, "traditional_sales": 2}
    assert counts.assumed == 2
    assert counts.recommended == {**dict.fromkeys(APPROACHES.codes, 0), "overlay_advisory": 2, "lead_unit": 1}
    assert counts.no_recommendation == 1
    assert sum(counts.today.values()) == counts.accounts
    assert sum(counts.recommended.values()) + counts.no_recommendation == counts.accounts


def test_an_empty_portfolio_counts_zero_everywhere_even_without_the_columns() -> None:
    counts = account_counts(pd.DataFrame())
    assert counts.accounts == counts.assumed == counts.no_recommendation == 0
    assert set(counts.today.values()) == set(counts.recommended.values()) == {0}


@pytest.mark.parametrize(("basis", "ratio", "text"), [
    ("accounts", 3, "1 per 3 accounts"), ("accounts", 1, "1 per account"), ("accounts", 0.5, "2 per account"),
    ("accounts", 2.5, "1 per 2.5 accounts"), ("programme", 1, "1 for the whole programme"),
    ("programme", 2, "2 for the whole programme"),
])
def test_coverage_ratios_read_as_people_say_them(basis: str, ratio: float, text: str) -> None:
    assert coverage_text(basis, ratio) == text


def test_a_link_opens_one_structure_first_and_the_others_after_lightest_first() -> None:
    o = opened("lead_unit")
    assert o.first == ("lead_unit",) and not o.problems
    assert o.rest == tuple(c for c in APPROACHES.codes if c != "lead_unit")


def test_a_link_compares_two_structures_in_the_order_asked() -> None:
    o = opened("overlay_signing", "lead_unit")
    assert o.first == ("overlay_signing", "lead_unit")
    assert len(o.first + o.rest) == 7 and set(o.first + o.rest) == set(APPROACHES.codes)
    assert opened("lead_unit", "lead_unit").first == ("lead_unit",)  # current and recommended the same: one card
    assert opened("Lead unit").first == ("lead_unit",)  # a label names it too


@pytest.mark.parametrize(("structure", "compare"), [("nonsense", None), ("lead_unit,market_bu", None),
                                                     (None, "nonsense")])
def test_an_unknown_value_is_named_with_the_accepted_codes_and_every_card_stays(structure: str | None,
                                                                                compare: str | None) -> None:
    o = opened(structure, compare)
    assert o.first == () and o.rest == APPROACHES.codes
    assert len(o.problems) == 1
    asked = structure or compare
    assert f"'{asked}'" in o.problems[0] and ", ".join(APPROACHES.codes) in o.problems[0]


def test_no_link_opens_nothing_first() -> None:
    assert opened(None, None) == opened("", "  ") == opened(None)
    assert opened(None).first == () and opened(None).rest == APPROACHES.codes and not opened(None).problems


def test_an_accounts_link_opens_its_current_structure_beside_the_recommended_one() -> None:
    assert playbook_link("lead_unit", "overlay_advisory") == {"structure": "lead_unit", "compare": "overlay_advisory"}
    assert playbook_link(None, "lead_unit") == {"structure": "traditional_sales", "compare": "lead_unit"}  # assumed
    assert playbook_link("lead_unit", "lead_unit") == {"structure": "lead_unit"}  # the same: one card
    assert playbook_link("lead_unit", None) == {"structure": "lead_unit"}  # nothing diagnosed yet
    assert opened(**playbook_link("lead_unit", "market_bu")).first == ("lead_unit", "market_bu")
