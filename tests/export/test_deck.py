"""The PowerPoint hand-out, opened as PowerPoint opens it (python-pptx): slides in order, the matrix table's counts,
the focus accounts' economics, one slide per focus account with its structures and decision, and nothing outside
its slide."""

from __future__ import annotations

import dataclasses
import io
import re
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
from gtm.domain.fmt import money
from gtm.domain.matrix import default_matrix
from gtm.domain.permissions import ADMIN
from gtm.export import deck
from gtm.services import decisions, design, lists
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
    assert titles[:5] == [deck_service.TITLE, "The portfolio matrix", "Key accounts: the funnel",
                          "Maturity: losers and winners", "Economics of the focus accounts"]
    assert titles[5:20] == _names(plain_demo, top)
    assert titles[20:] and all(t.startswith("The engagement plan") for t in titles[20:])
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
    assert "Focus list: 5 accounts" in funnel and "$3.5B of incremental sales over 3 years" in funnel


def test_a_named_list_chooses_the_accounts_and_an_unknown_one_is_refused(workshop: tuple[Store, list[str], int]) -> None:
    store, focus, _ = workshop
    lists.save_list(store, ADMIN, "Two of them", "short", focus[3:5])
    named = _open(deck_service.build_deck(store, "Two of them"))
    assert [_title(s) for s in list(named.slides)[5:7]] == _names(store, focus[3:5])
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


def test_too_long_text_is_cut_with_an_ellipsis_and_kept_in_the_notes(crowded_deck: Deck) -> None:
    content = _crowded()
    account = crowded_deck.slides[5]
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
    assert "Assumptions in force (defaults from data/approaches.json): horizon 3 years" in text
    assert "uplift 20%" in text and "margin 30%" in text and "ramp-up 6 months" in text
    assert "cost to serve per structure" in text and "Common front end $900.0k ($400.0k)" in text
    assert "The plan needs: " in text and "(hire;" in text
    notes = workshop_deck.slides[4].notes_slide.notes_text_frame.text
    assert "Value at stake: Uplift × value in band" in notes


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
    more = next(r for r in rows if r[0].startswith("… and "))
    shown = rows[1:rows.index(more)]
    assert 10 <= len(shown) < 100 and more[0] == f"… and {100 - len(shown)} more, in the totals"
    assert [r[0][:11] for r in shown] == [f"Account {i:03d}" for i in range(len(shown))]  # largest value first
    total = rows[-1]
    assert total[0] == "Total, 100 accounts" and total[2] == "99 moved"
    assert total[3] == "€4.0M" and total[9] == "−€99.9B" and total[10] == "never"
    assert shown[0][9] == "−€999.0M" and shown[0][10] == "never" and rows[rows.index(more) - 1][0].endswith("…")
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
    assert "defaults from data/approaches.json" in saved and "uplift 20%" in saved
    store.dispose()
