"""The hand-out's closing slide "Results so far" and each focus account's open actions, on the demo with its
workshop (two dated imports, plans) and without it (one import: said in a sentence)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE

from gtm.domain.fmt import money
from gtm.services import deck as deck_service
from gtm.services import lists, results
from gtm.services.demo import seed_demo
from gtm.storage.repository import Store


def _text(slide: object) -> str:
    return "\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def workshop_deck(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, object]:
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('deck') / 'gtm.db'}", workspace="demo")
    seed_demo(store, workshop_story=True)
    prs = Presentation(io.BytesIO(deck_service.build_deck(store)))
    yield store, prs
    store.dispose()


def test_the_last_slide_shows_the_gain_against_the_pace_over_the_import_dates(workshop_deck: tuple[Store, object]) -> None:
    store, prs = workshop_deck
    slide = list(prs.slides)[-1]  # type: ignore[attr-defined]
    assert slide.shapes.title.text_frame.text == "Results so far"
    expected = results.programme_results(store).summary
    assert expected is not None
    (chart,) = [s.chart for s in slide.shapes if s.has_chart]
    assert chart.chart_type == XL_CHART_TYPE.LINE_MARKERS
    assert [s.name for s in chart.plots[0].series] == ["Won since the baseline", "The target's pace"]
    assert list(chart.plots[0].series[0].values) == pytest.approx([0.0, expected.gained])
    assert len(list(chart.plots[0].categories)) == 2
    text = _text(slide)
    assert money(expected.gained) in text and "of the target's pace" in text and "cross-BU" in text
    assert "in force when Focus list v1 was saved" in text
    notes = slide.notes_slide.notes_text_frame.text
    assert "of won value gained in 91 days" in notes  # every figure in words, in the notes


def test_each_focus_accounts_slide_lists_its_open_actions(workshop_deck: tuple[Store, object]) -> None:
    store, prs = workshop_deck
    focus = lists.list_accounts(store, stage="focus")
    slides = list(prs.slides)[5:5 + len(focus)]  # type: ignore[attr-defined]
    boxes = [next(s for s in slide.shapes if s.name == "Open actions") for slide in slides]
    assert all(b.text_frame.text.startswith("Open actions of the account plan (v1):") for b in boxes)
    assert any("(overdue)" in b.text_frame.text for b in boxes)
    assert all("Open actions of the account plan (version 1):" in s.notes_slide.notes_text_frame.text for s in slides)


def test_with_one_import_the_slide_says_what_to_import(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'gtm.db'}", workspace="demo")
    seed_demo(store, workshop_story=False)
    prs = Presentation(io.BytesIO(deck_service.build_deck(store)))
    store.dispose()
    last = list(prs.slides)[-1]
    assert last.shapes.title.text_frame.text == "Results so far"
    assert "Only the baseline import so far" in _text(last) and not any(s.has_chart for s in last.shapes)
    assert not any(s.name == "Open actions" for slide in prs.slides for s in slide.shapes)  # no plan, no block
