"""The PowerPoint hand-out, opened as PowerPoint opens it (python-pptx): slides in order, the matrix table's counts,
one slide per focus account with its structures and decision, and nothing outside its slide."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.presentation import Presentation as Deck
from pptx.util import Emu

from gtm.domain import portfolio
from gtm.domain import vocabulary as vocab
from gtm.domain.matrix import default_matrix
from gtm.domain.permissions import ADMIN
from gtm.export import deck
from gtm.services import decisions, lists
from gtm.services import deck as deck_service
from gtm.services.demo import seed_demo
from gtm.services.portfolio import frames
from gtm.storage.repository import Store


def _open(data: bytes) -> Deck:
    return Presentation(io.BytesIO(data))


def _title(slide: object) -> str:
    return str(slide.shapes.title.text_frame.text)  # type: ignore[attr-defined]


def _text(slide: object) -> str:
    """Every text on a slide: text boxes, shapes and table cells."""
    parts = []
    for shape in slide.shapes:  # type: ignore[attr-defined]
        if shape.has_text_frame:
            parts.append(shape.text_frame.text)
        if shape.has_table:
            parts += [cell.text_frame.text for row in shape.table.rows for cell in row.cells]
    return "\n".join(parts)


def _tables(slide: object) -> list[object]:
    return [s.table for s in slide.shapes if s.has_table]  # type: ignore[attr-defined]


def _demo(path: Path) -> Store:
    store = Store(f"sqlite:///{path / 'gtm.db'}", workspace="demo")
    seed_demo(store)
    return store


def _assessed(store: Store) -> pd.DataFrame:
    return portfolio.assess_portfolio(frames(store)["opportunities"], store.active_matrix().matrix)


@pytest.fixture(scope="module")
def plain_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The demo portfolio as loaded: no list, no decision, no assessment, no plan."""
    store = _demo(tmp_path_factory.mktemp("plain"))
    yield store
    store.dispose()


@pytest.fixture(scope="module")
def workshop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, list[str], int]]:
    """The demo after a workshop: a focus list of five accounts with a target, a decision on the first (challenged)
    and one on the second (waiting for its BUs' verdicts)."""
    store = _demo(tmp_path_factory.mktemp("workshop"))
    focus = [str(a) for a in portfolio.biggest_misfits(_assessed(store), 40)["account_id"].iloc[20:25]]
    lists.save_list(store, ADMIN, "Workshop focus", "focus", focus, target_value=3.5e9, target_years=3)
    first = decisions.record_decision(store, ADMIN, focus[0], "lead_unit", "Agreed with both BU heads in the room.")
    decisions.review_decision(store, ADMIN, first, "challenged", "Not before the BU heads agree.")
    decisions.record_decision(store, ADMIN, focus[1], "overlay_advisory", "Try the overlay for a year.")
    yield store, focus, first
    store.dispose()


@pytest.fixture(scope="module")
def plain_deck(plain_demo: Store) -> Deck:
    return _open(deck_service.build_deck(plain_demo))


@pytest.fixture(scope="module")
def workshop_deck(workshop: tuple[Store, list[str], int]) -> Deck:
    return _open(deck_service.build_deck(workshop[0]))


def _names(store: Store, ids: list[str]) -> list[str]:
    names = store.accounts().set_index("account_id")["name"]
    return [str(names[a]) for a in ids]


def test_without_a_list_the_slides_are_in_order_for_the_15_with_most_at_stake(plain_demo: Store,
                                                                              plain_deck: Deck) -> None:
    top = [str(a) for a in portfolio.biggest_misfits(_assessed(plain_demo), 15)["account_id"]]
    titles = [_title(s) for s in plain_deck.slides]
    assert titles[:4] == [deck_service.TITLE, "The portfolio matrix", "Key accounts: the funnel",
                          "Maturity: losers and winners"]
    assert titles[4:19] == _names(plain_demo, top)
    assert titles[19:] and all(t.startswith("The engagement plan") for t in titles[19:])
    cover = _text(plain_deck.slides[0])
    assert "Focus accounts (15)" in cover and "most value at stake" in cover
    assert "No maturity assessment yet" in _text(plain_deck.slides[3])
    assert plain_deck.slide_width == Emu(12_192_000) and plain_deck.slide_height == Emu(6_858_000)  # 16:9


def test_the_matrix_table_holds_the_portfolio_counts_heaviest_approach_on_top(plain_demo: Store,
                                                                            plain_deck: Deck) -> None:
    (table,) = _tables(plain_deck.slides[1])
    cells = portfolio.cell_summary(_assessed(plain_demo)).set_index(["nature", "approach"])
    approaches = list(reversed(vocab.APPROACHES.terms))
    assert [table.cell(0, c + 1).text_frame.text for c in range(6)] == list(vocab.NATURES.labels)  # type: ignore[attr-defined]
    matrix = default_matrix()
    for r, approach in enumerate(approaches):
        assert table.cell(r + 1, 0).text_frame.text.startswith(approach.short_label)  # type: ignore[attr-defined]
        for c, nature in enumerate(vocab.NATURES.codes):
            text = table.cell(r + 1, c + 1).text_frame.text  # type: ignore[attr-defined]
            symbol, count = text.split("\n")[0].split()
            assert int(count.replace(",", "")) == cells.loc[(nature, approach.code), "count"], (nature, approach.code)
            fit, _ = matrix.fit(nature, approach.code)
            assert symbol == {"realistic": "✓", "overkill": "▲", "insufficient": "▼"}[fit]
    assert sum(int(table.cell(r + 1, c + 1).text_frame.text.split("\n")[0].split()[1].replace(",", ""))  # type: ignore[attr-defined]
               for r in range(7) for c in range(6)) == int(cells["count"].sum()) > 0
    words = _text(plain_deck.slides[1])
    assert "Likely overkill: above the band" in words and "Likely insufficient: below the band" in words


def test_each_focus_account_has_its_slide_with_structures_and_decision(workshop: tuple[Store, list[str], int],
                                                                       workshop_deck: Deck) -> None:
    store, focus, _ = workshop
    titles = [_title(s) for s in workshop_deck.slides]
    assert titles[4:9] == _names(store, focus)  # the latest focus list, in its order
    assert "the latest focus list" in _text(workshop_deck.slides[0])
    assessed = _assessed(store)
    recs = portfolio.recommendations(assessed[assessed["account_id"].isin(focus)], default_matrix()).set_index(
        "account_id")
    current = store.accounts().set_index("account_id")["current_approach"]
    for i, account_id in enumerate(focus):
        text = _text(workshop_deck.slides[4 + i])
        assert account_id in text
        now = current[account_id]
        assert (vocab.APPROACHES.label(now) if pd.notna(now) else "not set (assumed") in text
        assert vocab.APPROACHES.label(str(recs.loc[account_id, "recommended_approach"])) in text
        assert str(recs.loc[account_id, "rationale"])[:60] in text.replace("\n", " ")
        (small,) = _tables(workshop_deck.slides[4 + i])
        counts = [small.cell(r, c).text_frame.text for r in range(1, 8) for c in range(1, 7)]  # type: ignore[attr-defined]
        total = sum(int(t.split()[1]) for t in counts if len(t.split()) == 2)
        diagnosed = int(assessed.loc[assessed["account_id"] == account_id, "nature"].notna().sum())
        same_row = now == recs.loc[account_id, "recommended_approach"]
        assert total == diagnosed * (1 if same_row else 2)  # in the current row and, moved, the recommended one
    first, second = (_text(workshop_deck.slides[4]), _text(workshop_deck.slides[5]))
    assert "Assignment of lead unit for multi-unit accounts" in first
    assert "by command line" in first and "Review: challenged" in first
    assert "Agreed with both BU heads in the room." in first
    assert "Review: pending" in second and "awaiting" in second and "Overlay account management group without many decision rights" in second
    assert all("No decision yet" in _text(s) for s in list(workshop_deck.slides)[6:9])
    funnel = _text(workshop_deck.slides[2])
    assert "Focus list: 5 accounts" in funnel and "$3.5B of incremental sales over 3 years" in funnel


def test_a_named_list_chooses_the_accounts_and_an_unknown_one_is_refused(workshop: tuple[Store, list[str], int]) -> None:
    store, focus, _ = workshop
    lists.save_list(store, ADMIN, "Two of them", "short", focus[3:5])
    named = _open(deck_service.build_deck(store, "Two of them"))
    assert [_title(s) for s in list(named.slides)[4:6]] == _names(store, focus[3:5])
    assert "the account list 'Two of them'" in _text(named.slides[0])
    with pytest.raises(deck_service.InputError, match="No account list named 'Nope'.*'Two of them'"):
        deck_service.build_deck(store, "Nope")


def _all_shapes(prs: Deck) -> Iterator[tuple[int, object]]:
    for i, slide in enumerate(prs.slides):
        for shape in slide.shapes:
            yield i, shape


@pytest.mark.parametrize("which", ["plain_deck", "workshop_deck", "crowded_deck"])
def test_no_shape_leaves_its_slide_and_every_text_wraps(which: str, request: pytest.FixtureRequest) -> None:
    prs: Deck = request.getfixturevalue(which)
    width, height = prs.slide_width, prs.slide_height
    for i, shape in _all_shapes(prs):
        s = shape
        where = f"slide {i + 1}, {s.name}"  # type: ignore[attr-defined]
        assert s.left >= 0 and s.top >= 0, where  # type: ignore[attr-defined]
        assert s.left + s.width <= width and s.top + s.height <= height, where  # type: ignore[attr-defined]
        if s.has_table:  # type: ignore[attr-defined]
            table = s.table  # type: ignore[attr-defined]
            assert s.top + sum(r.height for r in table.rows) <= height, where  # type: ignore[attr-defined]
            assert s.left + sum(c.width for c in table.columns) <= width, where  # type: ignore[attr-defined]
            for row in table.rows:
                for cell in row.cells:
                    assert cell.text_frame.word_wrap is True, where
        if s.has_text_frame and s.text_frame.text:  # type: ignore[attr-defined]
            assert s.text_frame.word_wrap is True, where  # type: ignore[attr-defined]


def _crowded() -> deck.DeckContent:
    """A deck whose texts are all far too long for their boxes."""
    long_name = "Internationale Versorgungs- und Infrastrukturbeteiligungsgesellschaft " * 6
    cells = portfolio.cell_summary(pd.DataFrame({"nature": ["turnkey"] * 3, "approach": ["traditional_sales"] * 3,
                                                 "value": [1e9, 2e9, 3e9]}))
    acc = deck.FocusAccount(
        account_id="ACC-LONG", name=long_name.strip(), cells=cells, opportunities=3, value=6e9, current=None,
        current_assumed="traditional_sales", recommended="market_bu", rationale="Because. " * 200,
        flagged="Flagged. " * 200, details="Industry " * 40,
        decision=deck.Decision("market_bu", "A very long name " * 20, date(2026, 3, 1), "challenged",
                               "EMEA ✗ challenged · " * 30, "Why not. " * 300), undiagnosed=2)
    maturity = pd.DataFrame({
        "dimension": [f"d{i}" for i in range(9)], "label": [f"Dimension number {i} with a long name" for i in range(9)],
        "losers": ["all key accounts alike; band-aid organisational changes " * 3] * 9,
        "winners": ["tailored delivery systems"] * 9, "winners_do": ["They tailor every delivery system. " * 10] * 9,
        "mean": [1.5 + i / 4 for i in range(9)], "min": [1.0] * 9, "max": [4.0] * 9, "people": [3] * 9,
        "spread": [3.0] * 9})
    plan = pd.DataFrame({"phase": ["A phase with a name far too long for its column " * 3] * 30,
                         "activity": ["An activity " * 30] * 30, "owner": ["Someone"] * 30,
                         "status": ["not started"] * 30, "start": [date(2026, 1, 5)] * 30,
                         "end": [date(2026, 2, 5)] * 30, "weeks": [4] * 30})
    funnel = pd.DataFrame({"stage": ["Long list", "Shortlist", "Focus list"], "accounts": [400, 50, 15],
                           "value": [2e10, 8e9, 3e9]})
    return deck.DeckContent(
        title="A title " * 40, workspace="main", made_on=date(2026, 3, 2), currency="EUR", matrix=default_matrix(),
        cells=cells, figures=None, chosen_by="a list. " * 50, accounts=[acc], funnel=funnel, target=(3.5e9, 3),
        maturity=maturity, maturity_note="Scored by 3 people", plan=plan, plan_note="A plan", notes=["A note. " * 60])


@pytest.fixture(scope="module")
def crowded_deck() -> Deck:
    return _open(deck.render(_crowded()))


def test_too_long_text_is_cut_with_an_ellipsis_and_kept_in_the_notes(crowded_deck: Deck) -> None:
    content = _crowded()
    account = crowded_deck.slides[4]
    title = _title(account)
    assert title.endswith("…") and len(title) < len(content.accounts[0].name)
    assert content.accounts[0].name in account.notes_slide.notes_text_frame.text
    assert "shortened to fit the slide" in _text(account)
    assert _title(crowded_deck.slides[0]).endswith("…")
    plan_slides = [s for s in crowded_deck.slides if _title(s).startswith("The engagement plan")]
    assert len(plan_slides) > 1  # 30 activities do not fit one slide
    assert sum(len(t.rows) - 1 for s in plan_slides for t in _tables(s)) == 30  # type: ignore[attr-defined]


def test_the_maturity_slide_is_a_native_radar_listing_the_weakest_first(crowded_deck: Deck) -> None:
    slide = crowded_deck.slides[3]
    charts = [s.chart for s in slide.shapes if s.has_chart]
    assert len(charts) == 1 and charts[0].chart_type == XL_CHART_TYPE.RADAR_MARKERS
    assert list(charts[0].plots[0].series[0].values) == pytest.approx([1.5 + i / 4 for i in range(9)])
    text = _text(slide)
    assert text.index("Dimension number 0") < text.index("Dimension number 1")  # weakest first
    assert "Winners: They tailor every delivery system." in text


def test_the_default_plan_shows_when_none_is_saved(plain_deck: Deck) -> None:
    from gtm.services import plans

    slides = [s for s in plain_deck.slides if _title(s).startswith("The engagement plan")]
    rows = [r for s in slides for t in _tables(s) for r in list(t.rows)[1:]]  # type: ignore[attr-defined]
    schedule = plans.schedule_frame(plans.default_plan(), date.today())
    assert len(rows) == len(schedule)
    assert [r.cells[1].text_frame.text for r in rows] == [str(a) for a in schedule["activity"]]
    assert "No plan saved yet: the default plan" in _text(slides[0])


def test_fit_text_cuts_at_a_word_with_an_ellipsis() -> None:
    text, cut = deck.fit_text("one two three four five six seven eight nine ten", 1.0, 10, 2)
    assert cut and text.endswith("…") and len(text) < 50
    assert deck.fit_text("short", 1.0, 10, 1) == ("short", False)


def test_a_dimension_nobody_scored_is_a_gap_in_the_radar_not_a_zero() -> None:
    content = _crowded()
    unscored = content.maturity.assign(mean=[None] + list(content.maturity["mean"][1:]),  # type: ignore[union-attr]
                                       min=[None] + [1.0] * 8, max=[None] + [4.0] * 8)
    slide = _open(deck.render(dataclasses.replace(content, maturity=unscored))).slides[3]
    chart = next(s.chart for s in slide.shapes if s.has_chart)
    assert list(chart.plots[0].series[0].values)[0] is None
    assert "Dimension number 0 with a long name: not scored" in _text(slide)
