"""Each focus account's slide says who leads it: the lead BU and point person (from the won deals, or chosen in a
decision), or that none is proposed; the sentences of why in the speaker notes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from fixtures_capture import win_some
from pptx import Presentation

from gtm.domain.permissions import ADMIN
from gtm.services import capture, decisions
from gtm.services import deck as deck_service
from gtm.services.demo import seed_demo
from gtm.storage.repository import Store


def _slides(data: bytes) -> list[tuple[str, str]]:
    """(text, notes) of every slide."""
    out = []
    for slide in Presentation(io.BytesIO(data)).slides:
        text = "\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
        notes = slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""
        out.append((text, notes))
    return out


@pytest.fixture(scope="module")
def won_demo(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('deck') / 'demo.db'}", workspace="demo")
    seed_demo(store, workshop_story=False)
    win_some(store)
    return store


def test_the_focus_slides_name_the_lead_bu_and_point_person_and_say_why_in_the_notes(won_demo: Store) -> None:
    content = deck_service.deck_content(won_demo)
    leads = capture.account_leads(won_demo).set_index("account_id")
    first = content.accounts[0]
    assert first.lead is not None and first.lead.bu == leads.loc[first.account_id, "lead_bu_name"]
    assert first.lead.person == leads.loc[first.account_id, "point_person"]
    slides = _slides(deck_service.build_deck(won_demo))
    text, notes = slides[5]  # the first focus account's slide
    assert f"Lead BU: {first.lead.bu} · point person: {first.lead.person} (from the won deals here)" in text
    assert "Lead BU and point person: Lead BU " in notes and "won here" in notes


def test_a_choice_in_a_decision_is_what_the_slide_says(won_demo: Store, tmp_path: Path) -> None:
    content = deck_service.deck_content(won_demo)
    account = content.accounts[1]
    assert account.lead is not None
    opps = [b for b in won_demo.opportunities().query("account_id == @account.account_id")["bu"].dropna().unique()]
    decisions.record_decision(won_demo, ADMIN, account.account_id, "lead_unit", "Pilot", point_person="Kim Novak",
                              lead_reason="Runs the programme there", proposed_point_person=account.lead.person,
                              lead_bu=sorted(opps)[0], proposed_lead_bu=None)
    again = deck_service.deck_content(won_demo).accounts[1]
    assert again.lead is not None and again.lead.chosen and again.lead.person == "Kim Novak"
    text, notes = _slides(deck_service.build_deck(won_demo))[6]
    assert "point person: Kim Novak (chosen in a decision)" in text and "Runs the programme there" in notes


def test_without_won_deals_the_slide_says_none_is_proposed_and_the_notes_say_why(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'demo.db'}", workspace="demo")
    seed_demo(store, workshop_story=False)  # the demo as committed: every deal still open
    text, notes = _slides(deck_service.build_deck(store))[5]
    assert "Lead BU: none · point person: none (none proposed, see the notes)" in text
    assert "No won deals at this account yet" in notes
    store.dispose()
