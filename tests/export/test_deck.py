"""The PowerPoint hand-out, opened as PowerPoint opens it (python-pptx): slides in order, the matrix table's counts,
the focus accounts' economics, one slide per focus account with its structures and decision, the funnel narrowing,
the radar on its fixed scale, the plan's timeline, and the geometry: nothing outside its slide, no text longer than
its box by the font's own metrics, no ellipsis, no file name or internal id."""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.presentation import Presentation as Deck
from pptx.util import Emu

from gtm.domain import portfolio
from gtm.domain import vocabulary as vocab
from gtm.domain.fmt import money, share
from gtm.domain.matrix import default_matrix
from gtm.domain.permissions import ADMIN, Actor, Role
from gtm.export import deck
from gtm.export.deck import layout
from gtm.services import decisions, design, lists, maturity, plans
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


TODAY = date.today()  # once: a run that crosses midnight still compares the deck with the day it was built for
PLAN_START = TODAY - timedelta(weeks=5)


def _worked_plan() -> plans.Plan:
    """The default plan with owners and statuses, as a workshop leaves it."""
    plan = plans.default_plan()
    owners, statuses = ("Programme executive", "Fay (facilitator)", ""), ("done", "in progress", "blocked")
    phases = []
    for p, phase in enumerate(plan.phases):
        acts = tuple(a.model_copy(update={"owner": owners[k % 3], "status": statuses[k % 3] if p == 0 else
                                          "not started"}) for k, a in enumerate(phase.activities))
        phases.append(phase.model_copy(update={"activities": acts}))
    return plan.model_copy(update={"phases": tuple(phases)})


@pytest.fixture(scope="module")
def workshop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, list[str], int]]:
    """The demo after a workshop: a shortlist of 40, a focus list of five of them with a target, a decision on the
    first (challenged) and one on the second (waiting for its BUs' verdicts), three people's maturity scores and a
    plan saved five weeks ago with owners and statuses."""
    store = _demo(tmp_path_factory.mktemp("workshop"))
    short = [str(a) for a in portfolio.biggest_misfits(_assessed(store), 40)["account_id"]]
    focus = short[20:25]
    lists.save_list(store, ADMIN, "Workshop shortlist", "short", short)
    lists.save_list(store, ADMIN, "Workshop focus", "focus", focus, target_value=3.5e9, target_years=3)
    codes = [d.code for d in maturity.DIMENSIONS]
    for i, name in enumerate(("Sam", "Hans", "Ines")):
        maturity.record_assessment(store, Actor(name, Role.FACILITATOR), "organisation", date.today(),
                                   {c: 1 + (i + k) % 5 for k, c in enumerate(codes)})
    plans.save_plan(store, ADMIN, "Workshop plan", PLAN_START, _worked_plan(), "Workshop focus")
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
    return _open(deck_service.build_deck(workshop[0], today=TODAY))


def _names(store: Store, ids: list[str]) -> list[str]:
    names = store.accounts().set_index("account_id")["name"]
    return [str(names[a]) for a in ids]


def test_without_a_list_the_slides_are_in_order_for_the_15_with_most_at_stake(plain_demo: Store,
                                                                              plain_deck: Deck) -> None:
    top = [str(a) for a in portfolio.biggest_misfits(_assessed(plain_demo), 15)["account_id"]]
    titles = [_title(s) for s in plain_deck.slides]
    assert titles[:5] == [deck_service.TITLE, "The portfolio matrix", "Key accounts: the funnel",
                          "Maturity: losers and winners", "Economics of the focus accounts"]
    assert titles[5:20] == _names(plain_demo, top)
    assert titles[20:-1] and all(t.startswith("The engagement plan") for t in titles[20:-1])
    assert titles[-1] == "Results so far"  # the closing slide (issue 25)
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
            symbol, *count = text.split("\n")[0].split()  # an empty cell: its symbol only, no "0"
            expected = cells.loc[(nature, approach.code), "count"]
            assert (int(count[0].replace(",", "")) if count else 0) == expected and (expected > 0) == bool(count)
            fit, _ = matrix.fit(nature, approach.code)
            assert symbol == {"realistic": "✓", "overkill": "▲", "insufficient": "▼"}[fit]
    assert int(cells["count"].sum()) > 0
    words = _text(plain_deck.slides[1])
    assert "Likely overkill: above the band" in words and "Likely insufficient: below the band" in words


def test_each_focus_account_has_its_slide_with_structures_and_decision(workshop: tuple[Store, list[str], int],
                                                                       workshop_deck: Deck) -> None:
    store, focus, _ = workshop
    titles = [_title(s) for s in workshop_deck.slides]
    assert titles[5:10] == _names(store, focus)  # the latest focus list, in its order
    assert "the latest focus list" in _text(workshop_deck.slides[0])
    assessed = _assessed(store)
    recs = portfolio.recommendations(assessed[assessed["account_id"].isin(focus)], default_matrix()).set_index(
        "account_id")
    current = store.accounts().set_index("account_id")["current_approach"]
    for i, account_id in enumerate(focus):
        text = _text(workshop_deck.slides[5 + i])
        assert account_id in text
        now = current[account_id]
        assert (vocab.APPROACHES.label(now) if pd.notna(now) else "not set (assumed") in text
        assert vocab.APPROACHES.label(str(recs.loc[account_id, "recommended_approach"])) in text
        assert str(recs.loc[account_id, "rationale"])[:60] in text.replace("\n", " ")
        (small,) = _tables(workshop_deck.slides[5 + i])
        counts = [small.cell(r, c).text_frame.text for r in range(1, 8) for c in range(1, 7)]  # type: ignore[attr-defined]
        total = sum(int(t.split()[1]) for t in counts if len(t.split()) == 2)
        diagnosed = int(assessed.loc[assessed["account_id"] == account_id, "nature"].notna().sum())
        same_row = now == recs.loc[account_id, "recommended_approach"]
        assert total == diagnosed * (1 if same_row else 2)  # in the current row and, moved, the recommended one
    first, second = (_text(workshop_deck.slides[5]), _text(workshop_deck.slides[6]))
    assert "Assignment of lead unit for multi-unit accounts" in first
    assert "by command line" in first and "Review: challenged" in first
    assert "Agreed with both BU heads in the room." in first
    assert "Review: pending" in second and "awaiting" in second and "Overlay account management group without many decision rights" in second
    assert all("No decision yet" in _text(s) for s in list(workshop_deck.slides)[7:10])
    funnel = _text(workshop_deck.slides[2])
    assert "Shortlist\n40 accounts · " in funnel and "Focus list\n5 accounts · " in funnel
    assert "$3.5B of incremental sales over 3 years" in funnel and "saved yet" not in funnel


def test_a_named_list_chooses_the_accounts_and_an_unknown_one_is_refused(workshop: tuple[Store, list[str], int]) -> None:
    store, focus, _ = workshop
    lists.save_list(store, ADMIN, "Two of them", "short", focus[3:5])
    named = _open(deck_service.build_deck(store, "Two of them"))
    assert [_title(s) for s in list(named.slides)[5:7]] == _names(store, focus[3:5])
    assert "the account list 'Two of them'" in _text(named.slides[0])
    with pytest.raises(deck_service.InputError, match=r"No account list named 'Nope'.*'Two of them'"):
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
        maturity=maturity, maturity_note="Scored by 3 people", plan=plan, plan_note="A plan", notes=["A note. " * 60],
        economics=_crowded_economics(100))


def _crowded_economics(n: int) -> deck.Economics:
    """The economics of ``n`` accounts with long names and big, negative and never-paying figures."""
    rows = pd.DataFrame({
        "name": [f"Account {i:03d} " + "Infrastrukturbeteiligungsgesellschaft " * 3 for i in range(n)],
        "current": ["coordinated_incentives"] * n, "plan": ["market_bu"] * (n - 1) + ["coordinated_incentives"],
        "moved": [True] * (n - 1) + [False], "value": [1e9 - i for i in range(n)],
        "cost_year_current": [40_000.0] * n, "cost_year_plan": [2e6] * (n - 1) + [40_000.0],
        "setup_cost": [1e6] * (n - 1) + [0.0], "stake_current": [0.0] * n, "stake_plan": [1.23e9] * n,
        "extra_benefit": [-1.5e8] * n, "net": [-9.99e8] * n, "payback_months": [float("nan")] * n})
    money_columns = [c for c in rows.columns if c not in ("name", "current", "plan", "moved", "payback_months")]
    totals = {c: float(rows[c].sum()) for c in money_columns}
    roles = pd.DataFrame({"label": ["Programme executive", "Common front-end sellers"], "source": ["hire", "hire"],
                          "people_current": [0, 0], "people_plan": [1, 2 * (n - 1)]})
    return deck.Economics(rows=rows, totals=totals, accounts=n, moved=n - 1, payback_months=None, roles=roles,
                          assumptions=design.playbook().defaults, version=7, saved_by="A facilitator " * 10,
                          saved_on=date(2026, 3, 1), notes=["A note on what was assumed. " * 20],
                          formulas=["How each figure is computed: " * 3])


@pytest.fixture(scope="module")
def crowded_deck() -> Deck:
    return _open(deck.render(_crowded()))


def test_too_long_text_wraps_shrinks_and_continues_in_the_notes_never_cut_with_an_ellipsis(crowded_deck: Deck) -> None:
    content = _crowded()
    account = crowded_deck.slides[5]
    title = _title(account)
    assert title.endswith(layout.CONTINUED) and len(title) < len(content.accounts[0].name)
    assert title.removesuffix(layout.CONTINUED).strip() in content.accounts[0].name  # whole words of the name
    notes = account.notes_slide.notes_text_frame.text
    assert layout.CONTINUED_NOTE in notes and content.accounts[0].name in notes
    assert ("Because. " * 200).strip() in notes  # the rationale, in full
    assert "(continued in the notes)" in _text(account)
    assert _title(crowded_deck.slides[0]).endswith(layout.CONTINUED)
    assert not any("…" in _text(s) for s in crowded_deck.slides)
    plan_slides = [s for s in crowded_deck.slides if _title(s).startswith("The engagement plan")]
    assert len(plan_slides) > 1  # 30 activities of long names do not fit one slide at a legible size
    assert sum(len(_activities(s)) for s in plan_slides) == 30


def test_the_maturity_slide_is_a_native_radar_listing_the_weakest_first(crowded_deck: Deck) -> None:
    slide = crowded_deck.slides[3]
    charts = [s.chart for s in slide.shapes if s.has_chart]
    assert len(charts) == 1 and charts[0].chart_type == XL_CHART_TYPE.RADAR_MARKERS
    assert list(charts[0].plots[0].series[0].values) == pytest.approx([1.5 + i / 4 for i in range(9)])
    text = _text(slide)
    assert text.index("Dimension number 0") < text.index("Dimension number 1")  # weakest first
    assert "Winners: They tailor every delivery system." in text


def _activities(slide: object) -> list[str]:
    """The activities of a plan slide's timeline, top to bottom."""
    found = [(s.top, s.text_frame.text) for s in slide.shapes if s.name.startswith("Activity ")]  # type: ignore[attr-defined]
    return [t for _, t in sorted(found)]


def test_without_a_saved_plan_the_plan_slide_says_so_in_a_sentence(plain_deck: Deck) -> None:
    slides = [s for s in plain_deck.slides if _title(s).startswith("The engagement plan")]
    assert len(slides) == 1 and not _activities(slides[0]) and not _tables(slides[0])
    assert "No engagement plan saved yet: save one on the Plan page" in _text(slides[0])


def test_a_dimension_nobody_scored_is_a_gap_in_the_radar_not_a_zero() -> None:
    content = _crowded()
    unscored = content.maturity.assign(mean=[None, *list(content.maturity["mean"][1:])],  # type: ignore[union-attr]
                                       min=[None] + [1.0] * 8, max=[None] + [4.0] * 8)
    slide = _open(deck.render(dataclasses.replace(content, maturity=unscored))).slides[3]
    chart = next(s.chart for s in slide.shapes if s.has_chart)
    assert next(iter(chart.plots[0].series[0].values)) is None
    assert "Dimension number 0 with a long name: not scored" in _text(slide)


# ------------------------------------------------------------------------------------- the economics' slide

ECONOMICS = "Economics of the focus accounts"
MONEY = re.compile(r"^([+−-]?)(?:\$|€|£)?(\d[\d,]*(?:\.\d+)?)([kMB]?)$")


def _amount(text: str) -> float:
    """'+$1.2M' -> 1_200_000.0, '−$350.0k' -> -350_000.0, '$0' -> 0.0."""
    found = MONEY.match(text.strip())
    assert found, text
    sign, number, unit = found.groups()
    value = float(number.replace(",", "")) * {"": 1, "k": 1e3, "M": 1e6, "B": 1e9}[unit]
    return -value if sign in ("−", "-") else value


def _half_unit(text: str) -> float:
    """Half the last shown digit of a formatted amount: how far it may be from the number it rounds."""
    unit = {"k": 1e3, "M": 1e6, "B": 1e9}.get(text.strip()[-1], 1.0)
    return (0.05 if "." in text else 0.5) * unit


def _economics_table(slide: object) -> list[list[str]]:
    (table,) = _tables(slide)
    return [[cell.text_frame.text for cell in row.cells] for row in table.rows]  # type: ignore[attr-defined]


def _focus_design(store: Store, ids: list[str]) -> design.Design:
    """The design the slide should show, computed as the Design page would: recommended structures, saved
    assumptions."""
    matrix = store.active_matrix().matrix
    assessed = _assessed(store)
    opps = assessed[assessed["account_id"].isin(ids)]
    accounts = store.accounts()
    summary = portfolio.account_summary(accounts[accounts["account_id"].isin(ids)], opps,
                                        portfolio.recommendations(opps, matrix, "USD"))
    plan, _ = design.plan_structures(summary, store.decisions(), design.RECOMMENDED)
    return design.design(summary, opps, matrix, plan, design.assumptions(store).assumptions, account_ids=ids)


def test_the_economics_slide_comes_before_the_accounts_and_shows_each_move(workshop: tuple[Store, list[str], int],
                                                                           workshop_deck: Deck) -> None:
    store, focus, _ = workshop
    slide = workshop_deck.slides[4]
    assert _title(slide) == ECONOMICS
    rows = _economics_table(slide)
    assert rows[0][:3] == ["Account", "Structure now", "Recommended"] and rows[0][-2:] == ["Net, 3 years", "Payback"]
    body, total = rows[1:-1], rows[-1]
    expected = _focus_design(store, focus).economics.sort_values("value", ascending=False, kind="stable")
    assert [r[0] for r in body] == [str(n) for n in expected["name"]]  # every focus account, largest value first
    assert sorted(r[0] for r in body) == sorted(_names(store, focus))
    current = store.accounts().set_index("account_id")["current_approach"]
    recs = portfolio.recommendations(_assessed(store).query("account_id in @focus"), default_matrix()).set_index(
        "account_id")["recommended_approach"]
    for r, account_id in zip(body, expected["account_id"]):
        now = current[account_id] if pd.notna(current[account_id]) else portfolio.assumed_approach()
        assert r[1] == vocab.APPROACHES.term(str(now)).short_label
        assert r[2] == vocab.APPROACHES.term(str(recs[account_id])).short_label
        assert (r[-1] == "no move") == (now == recs[account_id])
    assert total[0] == "Total, 5 accounts"


def test_the_total_row_adds_up_the_rows_and_is_the_design_totals(workshop: tuple[Store, list[str], int],
                                                                 workshop_deck: Deck) -> None:
    store, focus, _ = workshop
    rows = _economics_table(workshop_deck.slides[4])
    body, total = rows[1:-1], rows[-1]
    totals = _focus_design(store, focus).totals
    columns = ["cost_year_current", "cost_year_plan", "setup_cost", "stake_current", "stake_plan", "extra_benefit",
               "net"]
    for c, column in enumerate(columns, start=3):
        cells = [r[c] for r in body]
        slack = sum(_half_unit(t) for t in cells) + _half_unit(total[c])
        assert abs(sum(_amount(t) for t in cells) - _amount(total[c])) <= slack, column  # the costs add up
        assert abs(_amount(total[c]) - totals[column]) <= _half_unit(total[c]), column  # and are the design's
    assert _amount(total[5]) > 0 and total[2] == f"{totals.moved} moved"
    assert totals["stake_plan"] > 0


def test_the_small_print_names_the_assumptions_and_the_roles(workshop_deck: Deck) -> None:
    text = _text(workshop_deck.slides[4]).replace("\n", " ")
    assert ("Assumptions in force (the workshop's default assumptions, not yet changed on the Design page): "
            "horizon 3 years") in text
    assert "uplift 20%" in text and "margin 30%" in text and "ramp-up 6 months" in text
    assert "cost to serve per structure" in text and "Common front end $900.0k ($400.0k)" in text
    assert "The plan needs: " in text and "(hire;" in text
    notes = workshop_deck.slides[4].notes_slide.notes_text_frame.text
    assert "Value at stake: Uplift × value in band" in notes
    assert "The default assumptions are kept in data/approaches.json." in notes  # the file: in the notes only


def test_saved_assumptions_change_the_value_at_stake(tmp_path: Path) -> None:
    store = _demo(tmp_path)
    top = [str(a) for a in portfolio.biggest_misfits(_assessed(store), 15)["account_id"]]
    before = _economics_table(_open(deck_service.build_deck(store)).slides[4])[-1]
    body = design.playbook().defaults.as_dict() | {"uplift": 0.5}
    version = design.save_assumptions(store, ADMIN, body, note="A bolder uplift")
    slide = _open(deck_service.build_deck(store)).slides[4]
    after = _economics_table(slide)[-1]
    stake = _focus_design(store, top).totals["stake_plan"]
    assert after[7] == money(stake) != before[7]
    assert _amount(after[7]) == pytest.approx(_amount(before[7]) * 0.5 / 0.2, rel=0.01)
    assert after[3:5] == before[3:5]  # costs are not the uplift's
    text = _text(slide).replace("\n", " ")
    assert f"Assumptions in force (version {version}, saved by {ADMIN.name}" in text and "uplift 50%" in text
    store.dispose()


def test_economics_that_cannot_be_computed_are_said_in_words(tmp_path: Path) -> None:
    store = _demo(tmp_path)
    design.save_assumptions(store, ADMIN, design.playbook().defaults.as_dict() | {"currency": "JPY"})
    slide = _open(deck_service.build_deck(store)).slides[4]
    assert _title(slide) == ECONOMICS and not _tables(slide)
    text = _text(slide).replace("\n", " ")
    assert "The economics cannot be computed. The cost assumptions are in JPY" in text
    assert "no exchange rate for JPY" in text and "$" not in text
    store.dispose()


def test_more_accounts_than_fit_show_the_largest_and_the_totals_cover_all(crowded_deck: Deck) -> None:
    slide = crowded_deck.slides[4]
    rows = _economics_table(slide)
    more = next(r for r in rows if r[0].startswith("And "))
    shown = rows[1:rows.index(more)]
    assert 5 <= len(shown) < 100 and more[0] == f"And {100 - len(shown)} more, in the totals (named in the notes)"
    assert [r[0][:11] for r in shown] == [f"Account {i:03d}" for i in range(len(shown))]  # largest value first
    total = rows[-1]
    assert total[0] == "Total, 100 accounts" and total[2] == "99 moved"
    assert total[3] == "€4.0M" and total[9] == "−€99.9B" and total[10] == "never"
    assert shown[0][9] == "−€999.0M" and shown[0][10] == "never"
    assert all(r[0].startswith(f"Account {i:03d} Infrastruktur") and "…" not in r[0] for i, r in enumerate(shown))
    notes = slide.notes_slide.notes_text_frame.text
    assert "In the totals but not in the table (" in notes and "Account 099" in notes


def test_without_focus_accounts_the_economics_slide_says_so() -> None:
    slide = _open(deck.render(dataclasses.replace(_crowded(), accounts=[], economics=None))).slides[4]
    assert _title(slide) == ECONOMICS and "No focus accounts" in _text(slide)


def test_assumptions_tried_in_a_session_make_the_economics_slide_and_say_so(tmp_path: Path) -> None:
    store = _demo(tmp_path)
    tried = design.playbook().defaults.model_copy(update={"uplift": 0.4})
    with_tried = _text(_open(deck_service.build_deck(store, assumptions=tried)).slides[4]).replace("\n", " ")
    assert "tried in the session that made this hand-out, not saved" in with_tried and "uplift 40%" in with_tried
    assert "Coverage: Programme executive: people 1" in with_tried
    saved = _text(_open(deck_service.build_deck(store)).slides[4]).replace("\n", " ")
    assert "the workshop's default assumptions" in saved and "uplift 20%" in saved
    store.dispose()


# ------------------------------------------------------------------------------ geometry, read back from the file


def _paras(frame: object) -> list[layout.Para]:
    """A text frame's paragraphs as placed: text, size, weight and space before, read back from the XML."""
    out = []
    for p in frame.paragraphs:  # type: ignore[attr-defined]
        runs = list(p.runs)
        if runs:
            size, bold = runs[0].font.size.pt, bool(runs[0].font.bold)
        else:
            end = p._p.find("{http://schemas.openxmlformats.org/drawingml/2006/main}endParaRPr")
            size, bold = (int(end.get("sz")) / 100 if end is not None and end.get("sz") else 18.0), False
        before = p.space_before.pt if p.space_before is not None else 0.0
        out.append(layout.Para("".join(r.text for r in runs), size, bold, space_before=before))
    return out


def _boxes(prs: Deck) -> Iterator[tuple[str, list[layout.Para], float, float, tuple[float, float]]]:
    """Every text box, shape and table cell holding text: where, its paragraphs, its width, height and margins."""
    inch = layout.EMU_PER_INCH
    for i, slide in enumerate(prs.slides):
        for shape in slide.shapes:
            where = f"slide {i + 1} ({_title(slide)[:30]}), {shape.name}"
            if shape.has_text_frame and shape.text_frame.text:
                tf = shape.text_frame
                yield (where, _paras(tf), shape.width / inch, shape.height / inch,
                       (tf.margin_left / inch, tf.margin_top / inch))
            if shape.has_table:
                table = shape.table
                widths = [c.width / inch for c in table.columns]
                heights = [r.height / inch for r in table.rows]
                for r, row in enumerate(table.rows):
                    for c, cell in enumerate(row.cells):
                        if cell.is_spanned or not cell.text_frame.text:
                            continue
                        w = sum(widths[c:c + cell.span_width])
                        h = sum(heights[r:r + cell.span_height])
                        yield (f"{where}, cell {r},{c}", _paras(cell.text_frame), w, h,
                               (cell.margin_left / inch, cell.margin_top / inch))


@pytest.mark.parametrize("which", ["plain_deck", "workshop_deck", "crowded_deck"])
def test_every_text_fits_its_box_by_the_fonts_own_metrics(which: str, request: pytest.FixtureRequest) -> None:
    prs: Deck = request.getfixturevalue(which)
    checked = 0
    for where, paras, w, h, margins in _boxes(prs):
        assert layout.overflow(paras, w, h, margins) <= 0.001, (where, [p.text[:40] for p in paras])
        checked += 1
    assert checked > 100


@pytest.mark.parametrize("which", ["plain_deck", "workshop_deck", "crowded_deck"])
def test_no_ellipsis_file_name_internal_id_or_zero_count_on_a_slide(which: str, request: pytest.FixtureRequest) -> None:
    prs: Deck = request.getfixturevalue(which)
    for i, slide in enumerate(prs.slides):
        text = _text(slide)
        assert "…" not in text, (i, text[text.find("…") - 60:text.find("…") + 5])
        assert "data/" not in text and ".json" not in text and not re.search(r"\bname:\S", text), i
        assert not re.search(r"[▲✓▼] 0(?![\d,.])", text), i
        assert not re.search(r"\b0 accounts", text), i


def test_the_funnel_narrows_stage_by_stage(workshop_deck: Deck) -> None:
    boxes = sorted((s for s in workshop_deck.slides[2].shapes if s.name.startswith("Funnel stage")),
                   key=lambda s: s.top)
    assert [b.text_frame.text.split("\n")[0] for b in boxes] == ["Long list", "Shortlist", "Focus list"]
    widths = [b.width for b in boxes]
    assert widths[0] > widths[1] > widths[2] and widths[2] < widths[0] / 3  # 400, 40, 5: visibly a funnel
    centres = {b.left + b.width // 2 for b in boxes}
    assert max(centres) - min(centres) <= 2


def test_a_funnel_without_lists_shows_the_long_list_and_says_the_rest_in_a_sentence(plain_deck: Deck) -> None:
    slide = plain_deck.slides[2]
    boxes = [s for s in slide.shapes if s.name.startswith("Funnel stage")]
    assert len(boxes) == 1 and boxes[0].text_frame.text.startswith("Long list\n400 accounts")
    assert "No shortlist and no focus list saved yet" in _text(slide) and "$0" not in _text(slide)


def test_the_radar_axis_is_fixed_to_the_scale_with_its_two_ends_said(workshop: tuple[Store, list[str], int],
                                                                       workshop_deck: Deck) -> None:
    slide = workshop_deck.slides[3]
    chart = next(s.chart for s in slide.shapes if s.has_chart)
    axis = chart.value_axis
    assert (axis.minimum_scale, axis.maximum_scale, axis.major_unit) == (1.0, 5.0, 1.0)
    assert chart.font.size.pt >= 12
    assert "1 = like the losers, 5 = like the winners" in _text(slide)
    # What winners do is there in full for the weakest dimensions: no text cut.
    summary = maturity.summary(workshop[0])
    text = _text(slide).replace("\n", " ")
    assert all(str(w) in text for w in summary["winners_do"].iloc[:3])


def test_the_title_slide_says_whose_when_which_accounts_and_three_figures(workshop: tuple[Store, list[str], int],
                                                                          workshop_deck: Deck) -> None:
    store, _focus, _ = workshop
    slide = workshop_deck.slides[0]
    text = _text(slide)
    fig = portfolio.figures(_assessed(store))
    assert "The demo portfolio (workspace demo)" in text and deck.day(TODAY) in text
    assert "Focus accounts (5): the latest focus list." in text
    cards = sorted((s for s in slide.shapes if s.name.startswith("Headline")), key=lambda s: s.left)
    assert [c.text_frame.text.split("\n")[0] for c in cards] == [
        f"{fig.accounts} accounts", share(fig.realistic_share), "$3.5B"]
    assert money(fig.total_value) in cards[0].text_frame.text
    assert "in a realistic structure" in cards[1].text_frame.text and "target" in cards[2].text_frame.text


def test_without_a_target_the_title_slide_shows_the_value_at_stake(plain_demo: Store, plain_deck: Deck) -> None:
    top = [str(a) for a in portfolio.biggest_misfits(_assessed(plain_demo), 15)["account_id"]]
    assessed = _assessed(plain_demo)
    mine = assessed[assessed["account_id"].isin(top)]
    at_stake = float(mine.loc[mine["fit"].isin(["overkill", "insufficient"]), "value"].sum())
    cards = sorted((s for s in plain_deck.slides[0].shapes if s.name.startswith("Headline")), key=lambda s: s.left)
    assert cards[2].text_frame.text.startswith(money(at_stake) + "\nat stake in the 15 focus accounts")


def test_the_plan_is_a_timeline_of_bars_with_months_today_owners_and_statuses(workshop_deck: Deck) -> None:
    slides = [s for s in workshop_deck.slides if _title(s).startswith("The engagement plan")]
    assert len(slides) == 1 and not _tables(slides[0])  # shapes, not a table; the default plan fits one slide
    slide = slides[0]
    schedule = plans.schedule_frame(_worked_plan(), PLAN_START)
    assert _activities(slide) == [str(a) for a in schedule["activity"]]
    shapes = {s.name: s for s in slide.shapes}
    bars = [shapes[f"Bar {i + 1}"] for i in range(len(schedule))]
    weeks = schedule["weeks"].to_numpy()
    per_week = [b.width / w for b, w in zip(bars, weeks)]
    assert max(per_week) / min(per_week) < 1.02  # a bar's length is its weeks
    # Bars start where their dates are: the second phase's first activity after the first phase's.
    assert bars[4].left > bars[0].left and bars[1].left == bars[0].left
    today = shapes["Today"]
    first_start = bars[0].left
    days = (TODAY - PLAN_START).days
    assert today.left + today.width // 2 == pytest.approx(first_start + per_week[0] * days / 7, abs=layout.inches(0.03))
    assert "Today, " + deck.day(TODAY) in _text(slide)
    assert sum(1 for s in slide.shapes if s.name == "Month tick") >= 5
    assert sum(1 for s in slide.shapes if s.name.startswith("Phase band")) == 3
    owners = [shapes[f"Owner {i + 1}"].text_frame.text for i in range(len(schedule))]
    statuses = [shapes[f"Status {i + 1}"].text_frame.text for i in range(len(schedule))]
    assert owners[:3] == ["Programme executive", "Fay (facilitator)", "owner not set"]
    assert statuses[:3] == ["done", "in progress", "blocked"]
    assert bars[0].fill.fore_color.rgb != bars[1].fill.fore_color.rgb


def test_a_section_without_data_says_so_in_a_sentence(plain_deck: Deck) -> None:
    assert "No maturity assessment yet" in _text(plain_deck.slides[3])
    assert not any(s.has_chart for s in plain_deck.slides[3].shapes)
    empty = dataclasses.replace(_crowded(), funnel=None, maturity=None, plan=None, accounts=[], economics=None,
                                cells=deck.empty_cells())
    prs = _open(deck.render(empty))
    texts = [_text(s) for s in prs.slides]
    assert "No account lists yet" in texts[2] and "No maturity assessment yet" in texts[3]
    assert "No focus accounts" in texts[4] and "No engagement plan saved yet" in texts[5]
    (table,) = _tables(prs.slides[1])
    cells = [table.cell(r, c).text_frame.text for r in range(1, 8) for c in range(1, 7)]  # type: ignore[attr-defined]
    assert set(cells) == {"✓", "▲", "▼"}  # every cell its fit's symbol, no count


def test_an_account_known_by_its_name_shows_its_name_and_keeps_its_id_in_the_notes(tmp_path: Path) -> None:
    from gtm.services.imports import commit_import, plan_import

    crm = Path(__file__).resolve().parents[1] / "fixtures" / "crm"
    store = Store(f"sqlite:///{tmp_path / 'gtm.db'}")
    try:
        commit_import(store, plan_import(store, "accounts", crm / "sf_accounts_by_name_fixed.csv"), ADMIN)
        commit_import(store, plan_import(store, "opportunities", crm / "sf_opportunities_by_name.csv"), ADMIN,
                      skip_invalid=True)
        ids = [str(a) for a in store.accounts()["account_id"]]
        assert all(a.startswith("name:") for a in ids)
        before = _open(deck_service.build_deck(store))  # no list, no opportunity outside its band: no focus account
        assert "Focus accounts (0): no focus list yet, and no account has value at stake" in _text(before.slides[0])
        assert "No focus accounts" in _text(before.slides[4]) and len(before.slides) == 7  # plan, then results
        lists.save_list(store, ADMIN, "Named", "focus", ids)
        prs = _open(deck_service.build_deck(store))
    finally:
        store.dispose()
    slides = list(prs.slides)[5:5 + len(ids)]
    assert sorted(_title(s) for s in slides) == sorted(_names_of(ids))
    for slide in prs.slides:
        assert "name:" not in _text(slide)
    assert all("Account id: name:" in s.notes_slide.notes_text_frame.text for s in slides)


def _names_of(ids: list[str]) -> list[str]:
    return ["ACME Corp", "Contoso Ltd", "Müller Anlagenbau GmbH", "Northwind Industrial",
            "Société Générale Énergie"][:len(ids)]


def test_a_workspace_without_accounts_is_refused_in_a_sentence(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'gtm.db'}")
    try:
        assert deck_service.refusal(store) is not None
        with pytest.raises(deck_service.InputError, match="Workspace 'main' holds no accounts yet"):
            deck_service.build_deck(store)
    finally:
        store.dispose()


def test_fewer_accounts_at_stake_than_a_focus_list_are_counted_as_they_are(plain_demo: Store) -> None:
    assessed = _assessed(plain_demo)
    three = portfolio.biggest_misfits(assessed, 3)["account_id"]
    ids, why = deck_service.focus_accounts(plain_demo, assessed[assessed["account_id"].isin(three)], None)
    assert ids == [str(a) for a in three]
    assert "the 3 accounts with any value at stake (fewer than 15 have some)" in why
