"""AppTest: the Structures page (the playbook of the seven GTM structures) on the demo portfolio and on an empty
database; a link opens one card first or two side by side; an unknown code is said; the costs are the assumptions in
force; presentation mode shows less."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from streamlit.testing.v1 import AppTest
from test_apptest import run  # tests/pages/test_apptest.py (rootdir-relative, no package)

from gtm.domain.permissions import ADMIN
from gtm.domain.vocabulary import APPROACHES
from gtm.services import design
from gtm.storage.repository import Store

PAGE = "pages/structures.py"
OPENED, COMPARED = "The structure you opened", "The structure you compare it with"


@dataclass
class Card:
    code: str
    opened: bool  # drawn with the marker's blue border
    texts: list[str]  # every text in it, in order, without Markdown's escapes

    @property
    def text(self) -> str:
        return "\n".join(self.texts)

    def line(self, title: str) -> str:
        """The text after ``**title:**``."""
        return next(t.split(":**", 1)[1].strip() for t in self.texts if t.startswith(f"**{title}:**"))


def _texts(node: Any) -> list[str]:
    children = getattr(node, "children", None)
    if children is not None:
        return [t for k in sorted(children) for t in _texts(children[k])]
    value = getattr(node, "value", None)
    return [str(value).replace("\\", "")] if isinstance(value, str) else []


def cards(at: AppTest) -> list[Card]:
    """The cards in the order the page draws them, found by their keys (st_card_<code>, st_opened_<code>)."""
    found: list[Card] = []

    def walk(node: Any) -> None:
        children = getattr(node, "children", None)
        if children is None:
            return
        key = re.search(r"-st_(card|opened)_([a-z_]+)$", str(getattr(getattr(node, "proto", None), "id", "")))
        if key:
            found.append(Card(key.group(2), key.group(1) == "opened", _texts(node)))
            return
        for k in sorted(children):
            walk(children[k])

    walk(at.main)
    return found


def _heading(card: Card) -> str:
    return next(t for t in card.texts if re.match(r"\d · ", t))


def test_the_demo_shows_seven_cards_lightest_first_with_everything_a_card_says(demo_db: str) -> None:
    at = run(PAGE)
    assert at.title[0].value == "Structures" and not at.error and not at.warning
    shown = cards(at)
    assert [c.code for c in shown] == list(APPROACHES.codes)
    assert [_heading(c) for c in shown] == [f"{i} · {label}" for i, label in enumerate(APPROACHES.labels, 1)]
    assert not any(c.opened for c in shown) and OPENED not in "\n".join(c.text for c in shown)
    lead = shown[2]
    # the default band: a lead unit is realistic for qualification and cross-sell (the deck's case)
    assert lead.line("Realistic for") == "Qualification / one-time action, Cross-sell / referral"
    assert lead.line("Point person").startswith("The salesperson with the strongest relationship")
    assert lead.line("Pricing").startswith("Each BU prices its own products")
    assert lead.line("Signing") == "Each BU signs its own contracts"
    assert lead.line("Cost per account") == "$80.0k a year to serve · $25.0k once to set up"
    for title in ("Owner of the relationship", "Incentives", "Metrics", "Governance"):
        assert lead.line(title)
    assert "- Solid senior client relations" in lead.text
    assert "- Programme executive: hired, 1 for the whole programme" in lead.text
    assert "- Lead-unit point persons: assigned from existing staff, no new position, 1 per account" in lead.text
    assert "- Overlay account managers: hired, 1 per 3 accounts" in shown[3].text
    assert "- Common front-end sellers: hired, 2 per account" in shown[5].text
    assert any(p.proto.page == "design" for p in at.get("page_link"))


def test_the_counts_today_and_recommended_each_add_up_to_the_accounts(demo_db: str) -> None:
    at = run(PAGE)
    today, recommended = [], []
    for card in cards(at):
        m = re.fullmatch(r"([\d,]+) in it today · ([\d,]+) recommended for it", card.line("Accounts"))
        assert m, card.line("Accounts")
        today.append(int(m.group(1).replace(",", "")))
        recommended.append(int(m.group(2).replace(",", "")))
    accounts = len(Store(demo_db).accounts())
    assert accounts > 0 and sum(today) == accounts
    no_rec = re.search(r"([\d,]+) have no recommendation", " ".join(c.value for c in at.caption))
    assert sum(recommended) + (int(no_rec.group(1).replace(",", "")) if no_rec else 0) == accounts
    assert f"the {accounts:,} accounts of the portfolio" in " ".join(c.value for c in at.caption)


def test_an_empty_database_still_shows_the_seven_structures(empty_db: str) -> None:
    at = run(PAGE)
    assert not at.error and not at.warning
    shown = cards(at)
    assert [c.code for c in shown] == list(APPROACHES.codes)
    assert all(c.line("Accounts") == "0 in it today · 0 recommended for it" for c in shown)
    assert shown[0].line("Cost per account") == "$20.0k a year to serve · $0 once to set up"


def test_a_link_opens_its_structure_first_with_the_marker(demo_db: str) -> None:
    at = run(PAGE, structure="lead_unit")
    assert not at.warning
    shown = cards(at)
    assert [c.code for c in shown] == ["lead_unit", *(c for c in APPROACHES.codes if c != "lead_unit")]
    assert shown[0].opened and shown[0].texts[0] == f":blue-badge[:material/my_location: {OPENED}]"
    assert not any(c.opened for c in shown[1:])
    more = [e for e in at.expander if e.label.startswith("More")]
    assert [e.proto.expanded for e in more] == [True] + [False] * 6  # its details open, the others shut


def test_a_comparison_puts_the_two_side_by_side_above_the_others(demo_db: str) -> None:
    at = run(PAGE, structure="overlay_signing", compare="lead_unit")
    shown = cards(at)
    assert [(c.code, c.opened) for c in shown[:2]] == [("overlay_signing", True), ("lead_unit", True)]
    assert OPENED in shown[0].texts[0] and COMPARED in shown[1].texts[0]
    assert [c.code for c in shown[2:]] == [c for c in APPROACHES.codes if c not in ("overlay_signing", "lead_unit")]
    assert "The other structures" in [s.value for s in at.subheader]


def test_an_unknown_code_is_named_with_the_accepted_ones_and_every_card_stays(demo_db: str) -> None:
    at = run(PAGE, structure="lead_unit;drop")
    assert len(at.warning) == 1
    warning = at.warning[0].value.replace("\\", "")
    assert "'lead_unit;drop'" in warning and ", ".join(APPROACHES.codes) in warning
    assert [c.code for c in cards(at)] == list(APPROACHES.codes)
    assert not any(c.opened for c in cards(at))


def test_the_costs_and_ratios_shown_are_the_saved_assumptions(demo_db: str) -> None:
    store = Store(demo_db)
    a = design.assumptions(store).assumptions.as_dict()
    a["cost_to_serve"]["lead_unit"] = 123_000
    a["setup_cost"]["lead_unit"] = 45_000
    a["coverage"]["point_person"] = 4
    design.save_assumptions(store, ADMIN, a, note="a workshop's guess")
    lead = next(c for c in cards(run(PAGE)) if c.code == "lead_unit")
    assert lead.line("Cost per account") == "$123.0k a year to serve · $45.0k once to set up"
    assert "- Lead-unit point persons: assigned from existing staff, no new position, 1 per 4 accounts" in lead.text


def test_assumptions_tried_on_the_design_page_show_on_the_cards_and_say_so(demo_db: str) -> None:
    at = run(PAGE)
    tried = design.playbook().defaults.as_dict()
    tried["cost_to_serve"]["lead_unit"] = 90_000
    at.session_state["dz_edits"] = tried  # what the Design page's "Apply" keeps in the session
    at.run()
    lead = next(c for c in cards(at) if c.code == "lead_unit")
    assert lead.line("Cost per account") == "$90.0k a year to serve · $25.0k once to set up"
    assert any("as tried in this session on the Design page" in c.value for c in at.caption)
    assert design.assumptions(Store(demo_db)).version == 0


def test_costs_in_a_currency_without_a_rate_are_said_instead_of_the_figures(demo_db: str) -> None:
    store = Store(demo_db)
    a = design.assumptions(store).assumptions.as_dict()
    a["currency"] = "XAF"  # no rate to the reporting currency
    design.save_assumptions(store, ADMIN, a)
    at = run(PAGE)
    assert not at.exception and not at.error
    lead = next(c for c in cards(at) if c.code == "lead_unit")
    assert "Cost per account not shown: The cost assumptions are in XAF" in lead.text
    assert "1 per account" in lead.text  # the coverage ratios do not depend on the currency


def test_presentation_mode_shows_the_essentials_only(demo_db: str) -> None:
    full = cards(run(PAGE))
    at = run(PAGE, present="1", structure="lead_unit")
    short = cards(at)
    assert next(c.code for c in short) == "lead_unit" and short[0].opened and len(short) == 7
    for card in short:
        assert card.line("Realistic for") and card.line("Point person") and card.line("Pricing") and card.line("Signing")
        assert card.line("Cost per account")
        assert not any(t.startswith(("**Incentives:**", "**Accounts:**", "**Roles it needs")) for t in card.texts)
    assert sum(len(c.text) for c in short) < sum(len(c.text) for c in full) / 2
    assert not [e for e in at.expander if e.label.startswith("More")]
