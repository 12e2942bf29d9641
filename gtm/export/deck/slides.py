"""The hand-out's slides before the economics: title, portfolio matrix, funnel, maturity; and one per focus account.

A section without data says so in one sentence (no funnel of zeros, no radar of nothing); a matrix cell without an
opportunity keeps its fit's tint and symbol and shows no count.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Pt

from gtm import display
from gtm.domain import maturity as maturity_rules
from gtm.domain import vocabulary as vocab
from gtm.domain.fmt import money
from gtm.domain.fmt import share as fmt_share
from gtm.domain.matrix import ApproachMatrix
from gtm.domain.vocabulary import Fit
from gtm.export.charts import FIT_SYMBOLS, FIT_TEXT, FIT_TINTS, TEXT, cell_colour, cell_strength, fit_words
from gtm.export.deck.content import SLIDE_TITLES, DeckContent, FocusAccount, Lead, day
from gtm.export.deck.layout import (
    CAPTION,
    FONT,
    HEAD_FILL,
    MARGIN,
    RECOMMENDED,
    SLIDE_H,
    SLIDE_W,
    Para,
    Slide,
    fit,
    inches,
    lines_of,
    needed_height,
    needed_width,
    rgb,
)

WIDTH = SLIDE_W - 2 * MARGIN  # the slide's width inside its margins
BOTTOM = SLIDE_H - 0.4  # nothing below this


def plural(n: int, one: str, many: str | None = None) -> str:
    """'1 account', '2,345 accounts'."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def say(slide: Slide, sentence: str) -> None:
    """A section without data: one sentence where its content would be."""
    slide.text(MARGIN, 1.6, WIDTH, 1.6, [Para(sentence, 20)])


# ------------------------------------------------------------------------------------------------------ title

CARD_FILL = "#F2F6FA"
CARD_MARGINS = (0.2, 0.15)


def headlines(content: DeckContent) -> list[tuple[str, str]]:
    """The title slide's three figures, each (figure, what it is): accounts and value, the share of value in a
    realistic structure, and the focus accounts' target (or, without one, their value at stake)."""
    fig, cur = content.figures, content.currency
    if fig is None or not fig.opportunities:
        accounts = ("No opportunities", "in this portfolio yet: import them on the Import page")
        share = ("Not known", "the share of value in a realistic structure: no opportunity is diagnosed yet")
    else:
        accounts = (plural(fig.accounts, "account"), f"{plural(fig.opportunities, 'opportunity', 'opportunities')} "
                                                     f"worth {money(fig.total_value, cur)}")
        share = ((fmt_share(fig.realistic_share), "of the diagnosed value sits in a realistic structure")
                 if fig.diagnosed_value > 0 else
                 ("Not known", "the share of value in a realistic structure: no opportunity is diagnosed yet"))
    amount, years = content.target
    n = len(content.accounts)
    if amount is not None:
        focus = (money(amount, cur), "the focus list's target of incremental sales"
                 + (f" over {plural(years, 'year')}" if years else ""))
    elif content.at_stake is not None and n:
        focus = (money(content.at_stake, cur), f"at stake in the {plural(n, 'focus account')}: the value of their "
                                               "opportunities outside the realistic band")
    else:
        focus = ("No target", "set for the focus accounts yet (the Key accounts page)")
    return [accounts, share, focus]


def title_slide(prs: Any, content: DeckContent) -> None:
    """The organisation, the date, the scope and three headline figures."""
    slide = Slide(prs, content.title, title_top=0.55, title_height=1.2, title_size=36, title_lines=2)
    who = content.organisation or content.workspace
    slide.text(MARGIN, 1.85, WIDTH, 0.95, [
        Para(who, 24, True, max_lines=1, min_size=18),
        Para(f"{day(content.made_on)} · amounts in {content.currency}", 16, colour=CAPTION, max_lines=1)])
    scope = [Para("Scope", 12, True, CAPTION),
             Para(f"Focus accounts ({len(content.accounts)}): {content.chosen_by}", 16)]
    scope_h = min(1.0, needed_height(scope, WIDTH))
    slide.text(MARGIN, 2.95, WIDTH, scope_h, scope)
    top, gap = 2.95 + scope_h + 0.2, 0.3
    card_w = (WIDTH - 2 * gap) / 3
    cards = [[Para(figure, 36, True, max_lines=1, min_size=20, align=PP_ALIGN.LEFT),
              Para(words, 16, colour=TEXT, space_before=6, align=PP_ALIGN.LEFT)] for figure, words in headlines(content)]
    card_h = min(1.9, max(1.3, *(needed_height(c, card_w, CARD_MARGINS) + 0.1 for c in cards)))
    for i, paras in enumerate(cards):
        x = MARGIN + i * (card_w + gap)
        card = slide.shape(MSO_SHAPE.RECTANGLE, x, top, card_w, card_h, CARD_FILL, name=f"Headline {i + 1}")
        slide.fill(card.text_frame, paras, card_w, card_h, anchor=MSO_ANCHOR.MIDDLE, margins=CARD_MARGINS)
    y = top + card_h + 0.15
    if content.notes:
        slide.text(MARGIN, y, WIDTH, BOTTOM - 0.35 - y, [Para(n, 12, colour=CAPTION) for n in content.notes])
    slide.text(MARGIN, BOTTOM - 0.3, WIDTH, 0.3,
               [Para("Made with GTM Fit: every table and chart in this deck is editable.", 11, colour=CAPTION,
                     max_lines=1)])
    slide.notes += list(content.speaker_notes)
    slide.finish()


# ----------------------------------------------------------------------------------------------------- matrix


def fit_at(matrix: ApproachMatrix, ni: int, ai: int) -> Fit:
    """The fit of nature ``ni`` with approach ``ai`` (their indexes in the vocabulary)."""
    return tuple(Fit)[int(matrix.fit_table[ni, ai])]


def matrix_slide(prs: Any, content: DeckContent) -> None:
    """The whole portfolio's opportunities by nature and current approach, in the band's colours."""
    fig, cur = content.figures, content.currency
    sub = ""
    if fig is not None:
        sub = (f"{fig.opportunities - fig.undiagnosed_count:,} diagnosed opportunities by nature and their "
               f"account's current approach · {fmt_share(fig.realistic_share)} of their value is realistic")
    slide = Slide(prs, SLIDE_TITLES["matrix"], sub)
    natures, approaches = vocab.NATURES.terms, vocab.APPROACHES.terms
    label_w = 2.9
    col_w = (WIDTH - label_w) / len(natures)
    head_h, row_h = 0.55, 0.56
    table = slide.table(len(approaches) + 1, len(natures) + 1, MARGIN, 1.3, [label_w] + [col_w] * len(natures),
                        [head_h] + [row_h] * len(approaches))
    slide.cell(table.cell(0, 0), [Para("Approach ↑ heavier", 11, True), Para("Nature → heavier", 11, True)],
               label_w, head_h, HEAD_FILL)
    for ni, term in enumerate(natures):
        slide.cell(table.cell(0, ni + 1), [Para(term.label, 11, True, align=PP_ALIGN.CENTER, min_size=10)], col_w,
                   head_h, HEAD_FILL)
    count = np.zeros((len(approaches), len(natures)), dtype=np.int64)
    value = np.zeros((len(approaches), len(natures)))
    n_idx = {c: i for i, c in enumerate(vocab.NATURES.codes)}
    a_idx = {c: i for i, c in enumerate(vocab.APPROACHES.codes)}
    for n, a, k, v in zip(content.cells["nature"].astype(str), content.cells["approach"].astype(str),
                          content.cells["count"].astype(int), content.cells["value"].astype(float)):
        count[a_idx[a], n_idx[n]] += k
        value[a_idx[a], n_idx[n]] += v
    strength = cell_strength(content.cells)
    for r, ai in enumerate(range(len(approaches) - 1, -1, -1)):  # heaviest on top, as the chart stacks them
        slide.cell(table.cell(r + 1, 0), [Para(approaches[ai].short_label, 11, True, max_lines=1),
                                          Para(approaches[ai].label, 10, colour=CAPTION, min_size=9)],
                   label_w, row_h, HEAD_FILL)
        for ni in range(len(natures)):
            fit = fit_at(content.matrix, ni, ai)
            k = int(count[ai, ni])
            # A cell without an opportunity keeps its fit's tint and symbol: no "▲ 0" to read as a finding.
            paras = [Para(f"{FIT_SYMBOLS[fit]} {k:,}" if k else FIT_SYMBOLS[fit], 14 if k else 12, bool(k),
                          FIT_TEXT[fit] if k else CAPTION, align=PP_ALIGN.CENTER, max_lines=1)]
            if k:
                paras.append(Para(money(value[ai, ni], cur), 11, colour=FIT_TEXT[fit], align=PP_ALIGN.CENTER,
                                  max_lines=1))
            slide.cell(table.cell(r + 1, ni + 1), paras, col_w, row_h,
                       cell_colour(fit, float(strength[ai, ni])) if k else FIT_TINTS[fit])
    top = 1.3 + head_h + row_h * len(approaches) + 0.06
    legend = [
        (Fit.OVERKILL, f"{FIT_SYMBOLS[Fit.OVERKILL]} {fit_words(Fit.OVERKILL)}: above the band (upper left), "
                       "costing more than benefits created; possibly reducing effectiveness of component-only sale"),
        (Fit.REALISTIC, f"{FIT_SYMBOLS[Fit.REALISTIC]} {fit_words(Fit.REALISTIC)}s: the dark green diagonal band"),
        (Fit.INSUFFICIENT, f"{FIT_SYMBOLS[Fit.INSUFFICIENT]} {fit_words(Fit.INSUFFICIENT)}: below the band (lower "
                           "right), likely insufficient to accomplish objectives"),
    ]
    swatch, line_h = 0.2, 0.25
    for i, (fit, words) in enumerate(legend):
        y = top + i * line_h
        box = slide.shape(MSO_SHAPE.RECTANGLE, MARGIN, y + 0.02, swatch, swatch, cell_colour(fit, 0.5), TEXT)
        box.line.width = Pt(0.5)
        slide.text(MARGIN + swatch + 0.08, y, WIDTH - swatch - 0.08, line_h, [Para(words, 11, max_lines=1)],
                   anchor=MSO_ANCHOR.MIDDLE)
    note = ("Each cell: the symbol of its fit, the number of opportunities and their value; a darker shade, more "
            "value; a pale cell holds no opportunity.")
    if fig is not None and fig.left_out(cur):
        note += " " + fig.left_out(cur)
    y = top + 3 * line_h + 0.02
    slide.text(MARGIN, y, WIDTH, BOTTOM - y, [Para(note, 10, colour=CAPTION)])
    slide.finish()


# ----------------------------------------------------------------------------------------------------- funnel

FUNNEL_FILL = "#0072B2"  # Okabe-Ito blue; white text on it reads at 5.1:1
FUNNEL_STEP = 0.6  # a stage is at least this much narrower than the one above it (inches)
FUNNEL_MARGINS = (0.12, 0.06)


def funnel_widths(counts: list[int], floors: list[float], full: float) -> list[float]:
    """Each stage's width in inches: by the square root of its count against the largest (so 400, 50, 15 read as a
    funnel without the last stage vanishing), never narrower than its words (``floors``), each at least
    FUNNEL_STEP narrower than the one above it while its words allow."""
    most = max(max(counts, default=1), 1)
    widths: list[float] = []
    for k, floor in zip(counts, floors):
        w = max(floor, full * math.sqrt(k / most))
        if widths:
            w = max(floor, min(w, widths[-1] - FUNNEL_STEP))
        widths.append(min(w, full))
    return widths


def _stage_words(stage: str, k: int, value: float, currency: str) -> list[Para]:
    return [Para(stage, 18, True, "#FFFFFF", align=PP_ALIGN.CENTER),
            Para(f"{plural(k, 'account')} · {money(value, currency)}", 16, False, "#FFFFFF", align=PP_ALIGN.CENTER)]


def missing_stages(names: list[str]) -> str:
    """The sentence for the stages no list was saved for: 'No shortlist and no focus list saved yet: …'."""
    said = " and ".join(f"no {n[:1].lower() + n[1:]}" for n in names)
    return (f"{said[:1].upper() + said[1:]} saved yet: {'they show' if len(names) > 1 else 'it shows'} here once "
            "saved on the Key accounts page.")


def funnel_slide(prs: Any, content: DeckContent) -> None:
    """The funnel: a box per stage, narrower with fewer accounts; a stage without accounts is said, not drawn."""
    slide = Slide(prs, SLIDE_TITLES["funnel"], "Potential accounts narrowed on size of opportunity and ease of "
                                               "access, then to the BU leaders' picks")
    stages = content.funnel
    if stages is None or stages.empty or not int(stages["accounts"].max()):
        say(slide, content.funnel_note or "No account lists yet: the funnel shows once a shortlist and a focus list "
                                          "are saved on the Key accounts page.")
        slide.finish()
        return
    rows = stages.to_dict("records")
    shown = [r for r in rows if int(r["accounts"]) > 0]
    empty = [str(r["stage"]) for r in rows if int(r["accounts"]) <= 0]
    cur = content.currency
    floors = []
    for r in shown:  # the widest of the stage's name, its count and its value, each on a line of its own
        words = _stage_words(str(r["stage"]), int(r["accounts"]), float(r["value"]), cur)
        count, value = words[1].text.split(" · ")
        floors.append(max(needed_width([words[0].text], 18, True, FUNNEL_MARGINS),
                          needed_width([count, value], 16, False, FUNNEL_MARGINS)))
    widths = funnel_widths([int(r["accounts"]) for r in shown], floors, WIDTH - 1.0)
    top, gap, h = 1.5, 0.14, 1.05
    for i, (r, w) in enumerate(zip(shown, widths)):
        x, y = (SLIDE_W - w) / 2, top + i * (h + gap)
        bar = slide.shape(MSO_SHAPE.RECTANGLE, x, y, w, h, FUNNEL_FILL, name=f"Funnel stage {i + 1}")
        slide.fill(bar.text_frame, _stage_words(str(r["stage"]), int(r["accounts"]), float(r["value"]), cur), w, h,
                   MSO_ANCHOR.MIDDLE, margins=FUNNEL_MARGINS)
    y = top + len(shown) * (h + gap) + 0.1
    lines = []
    if empty:
        lines.append(Para(missing_stages(empty), 16))
    amount, years = content.target
    if amount is not None:
        lines.append(Para(f"Target for the focus accounts: {money(amount, cur)} of incremental sales"
                          + (f" over {plural(years, 'year')}" if years else ""), 16, True, space_before=6))
    if content.funnel_note:
        lines.append(Para(content.funnel_note, 12, colour=CAPTION, space_before=6))
    if lines:
        slide.text(MARGIN, y, WIDTH, BOTTOM - y, lines)
    slide.finish()


# --------------------------------------------------------------------------------------------------- maturity


def _scores(values: pd.Series) -> list[float | None]:
    """Chart values: a missing score stays missing (None), never 0."""
    return [None if pd.isna(x) else float(x) for x in values]


def _dimension(row: dict[Any, Any]) -> list[Para]:
    spread = f", spread {float(row['spread']):.1f}" if pd.notna(row.get("spread")) else ""
    mean = f"mean {float(row['mean']):.1f}" if pd.notna(row.get("mean")) else "not scored"
    return [Para(f"{row['label']}: {mean}{spread}", 14, True, space_before=8),
            Para(f"Losers: {row['losers']}", 12, colour=CAPTION),
            Para(f"Winners: {row.get('winners_do') or row['winners']}", 12)]


def maturity_slide(prs: Any, content: DeckContent) -> None:
    """The radar on the scale's fixed axis, and the weakest dimensions with what winners do."""
    summary = content.maturity
    slide = Slide(prs, SLIDE_TITLES["maturity"], content.maturity_note)
    if summary is None or summary.empty:
        say(slide, "No maturity assessment yet: score the organisation on the nine dimensions on the Maturity page, "
                   "and the radar shows here.")
        slide.finish()
        return
    scale = maturity_rules.scale()
    ordered = summary.reset_index(drop=True)
    data = CategoryChartData()  # type: ignore[no-untyped-call]
    data.categories = [str(label) for label in ordered["label"]]
    # A dimension nobody scored has no mean: a gap in the radar (None), never a 0 that would read as a score.
    data.add_series("Mean", _scores(ordered["mean"]))  # type: ignore[no-untyped-call]
    if "min" in ordered and "max" in ordered:
        data.add_series("Lowest", _scores(ordered["min"]))  # type: ignore[no-untyped-call]
        data.add_series("Highest", _scores(ordered["max"]))  # type: ignore[no-untyped-call]
    chart_w, top = 6.4, 1.35
    caption = (f"Scale {scale.low} to {scale.high}: {scale.low} = {scale.low_label}, {scale.high} = "
               f"{scale.high_label}; the centre of the radar is {scale.low}.")
    caption_h = needed_height([Para(caption, 12, colour=CAPTION)], chart_w)
    frame = slide.slide.shapes.add_chart(XL_CHART_TYPE.RADAR_MARKERS, inches(MARGIN), inches(top), inches(chart_w),
                                         inches(BOTTOM - top - caption_h - 0.05), data)
    chart = frame.chart
    chart.font.size, chart.font.name = Pt(12), FONT
    # The scale's ends, fixed: left to itself the chart starts at 0, and a 3 of 5 looks like a winner's score.
    axis = chart.value_axis
    axis.minimum_scale, axis.maximum_scale, axis.major_unit = scale.low, scale.high, 1
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    chart.legend.font.size = Pt(12)
    for series, colour, width in zip(chart.plots[0].series, ("#0072B2", "#D55E00", "#009E73"), (2.75, 1.25, 1.25)):
        series.format.line.color.rgb = rgb(colour)
        series.format.line.width = Pt(width)
        series.marker.format.fill.solid()
        series.marker.format.fill.fore_color.rgb = rgb(colour)
    slide.text(MARGIN, BOTTOM - caption_h, chart_w, caption_h, [Para(caption, 12, colour=CAPTION)],
               name="Scale")
    x = MARGIN + chart_w + 0.25
    w, h = SLIDE_W - MARGIN - x, BOTTOM - top
    records = ordered.to_dict("records")
    head = Para("Weakest first, and what winners do", 16, True)
    shown = min(4, len(records))
    while shown > 1:  # as many whole dimensions as fit; the others are in the notes
        paras = [head] + [p for row in records[:shown] for p in _dimension(row)]
        if not fit(paras, w, h).continued:
            break
        shown -= 1
    paras = [head] + [p for row in records[:shown] for p in _dimension(row)]
    slide.text(x, top, w, h, paras)
    slide.notes.append("Every dimension, weakest first:")
    for row in records:
        mean = f"mean {float(row['mean']):.1f}" if pd.notna(row.get("mean")) else "not scored"
        slide.notes.append(f"- {row['label']} ({mean}). Losers: {row['losers']}. Winners: "
                           f"{row.get('winners_do') or row['winners']}")
    if "people" in ordered:
        slide.notes.append(f"Scored by up to {int(pd.to_numeric(ordered['people'], errors='coerce').max() or 0)} "
                           "people.")
    slide.finish()


# ------------------------------------------------------------------------------------------ one focus account


def _blocks_in(heights: list[float], room: float, fixed: int) -> list[float]:
    """The blocks' heights in ``room``: each as tall as its text when all fit; else the first ``fixed`` keep theirs
    and the others share what is left by what they need."""
    if sum(heights) <= room:
        return heights
    left = room - sum(heights[:fixed])
    rest = sum(heights[fixed:])
    return heights[:fixed] + [h * left / rest for h in heights[fixed:]]


def lead_block(lead: Lead) -> list[Para]:
    """Who leads the account, in a line: the lead BU and point person in force (or that none is proposed) and where
    they come from; the sentences of why go to the speaker notes."""
    source = "chosen in a decision" if lead.chosen else "from the won deals here" if lead.bu or lead.person else \
        "none proposed, see the notes"
    return [Para(f"Lead BU: {lead.bu or 'none'} · point person: {lead.person or 'none'} ({source})", 12, True)]


def _open_actions(acc: FocusAccount, w: float, h: float) -> list[Para]:
    """The open actions' lines that fit ``w`` x ``h`` inches, whole, the overdue first; the rest said to be in the
    notes (where every one is)."""
    n = len(acc.open_actions)
    head = Para(f"Open actions of the account plan (v{acc.plan_version}): {n}" if n else
                f"Account plan v{acc.plan_version}: no open action", 10, True)
    lines = [Para(f"• {line}", 10, max_lines=1) for line in acc.open_actions]
    for shown in range(n, -1, -1):
        rest = [Para(f"and {n - shown} more in the notes", 10, colour=CAPTION)] if shown < n else []
        paras = [head, *lines[:shown], *rest]
        if needed_height(paras, w) <= h and all(lines_of(p, w - 0.1) <= 1 for p in lines[:shown]):
            return paras
    return [head]


def account_slide(prs: Any, content: DeckContent, acc: FocusAccount) -> None:
    """One focus account: its matrix (now and recommended rows), structures, why, and the latest decision."""
    cur = content.currency
    n = acc.opportunities
    sub = " · ".join(x for x in ("" if acc.id_is_internal else acc.account_id, acc.details,
                                 plural(n, "opportunity", "opportunities"), money(acc.value, cur)) if x)
    slide = Slide(prs, acc.name, sub)
    slide.notes.append(f"Account id: {acc.account_id}")
    natures, approaches = vocab.NATURES.terms, vocab.APPROACHES.terms
    matrix = content.matrix
    current = acc.current or acc.current_assumed
    rec = acc.recommended
    # The account's opportunities sit in its current approach's row; the recommended row shows where they would sit.
    by_nature = acc.cells.groupby(acc.cells["nature"].astype(str))["count"].sum() if len(acc.cells) else pd.Series(
        dtype="int64")
    counts = [int(by_nature.get(c, 0)) for c in vocab.NATURES.codes]
    label_w, col_w = 2.1, 0.98
    head_h, row_h = 0.75, 0.5 if acc.plan_version else 0.56  # tighter rows leave room for the open actions
    x0, y0 = MARGIN, 1.45
    table = slide.table(len(approaches) + 1, len(natures) + 1, x0, y0, [label_w] + [col_w] * len(natures),
                        [head_h] + [row_h] * len(approaches))
    slide.cell(table.cell(0, 0), [Para("Approach ↑ / nature →", 10, True)], label_w, head_h, HEAD_FILL)
    for ni, term in enumerate(natures):
        slide.cell(table.cell(0, ni + 1), [Para(term.label, 10, True, align=PP_ALIGN.CENTER, min_size=9)], col_w,
                   head_h, HEAD_FILL)
    most = max(counts) if counts else 0
    for r, ai in enumerate(range(len(approaches) - 1, -1, -1)):
        code = vocab.APPROACHES.codes[ai]
        marks = ("● now " if code == current else "") + ("★ " if code == rec else "")
        slide.cell(table.cell(r + 1, 0), [Para(marks + approaches[ai].short_label, 11, code in (current, rec),
                                               max_lines=2)], label_w, row_h, HEAD_FILL)
        shown = code in (current, rec)
        for ni in range(len(natures)):
            fit = fit_at(matrix, ni, ai)
            k = counts[ni] if shown else 0
            if k:
                fill, colour = cell_colour(fit, math.sqrt(k / most) if most else 0.0), FIT_TEXT[fit]
                paras = [Para(f"{FIT_SYMBOLS[fit]} {k}", 12, True, colour, align=PP_ALIGN.CENTER, max_lines=1)]
            else:
                fill = FIT_TINTS[fit]
                paras = [Para(FIT_SYMBOLS[fit] if shown else "", 11, colour=CAPTION, align=PP_ALIGN.CENTER,
                              max_lines=1)]
            slide.cell(table.cell(r + 1, ni + 1), paras, col_w, row_h, fill)
    legend_y = y0 + head_h + row_h * len(approaches) + 0.08
    legend = ("Counts of opportunities by nature, in the current structure's row (● now) and, moved, in the "
              "recommended one's (★). "
              f"{display.CHECK} realistic · {display.UP} likely overkill · {display.DOWN} likely insufficient; pale: no "
              "opportunity.")
    if acc.undiagnosed:
        legend += (f" {plural(acc.undiagnosed, 'opportunity', 'opportunities')} not yet diagnosed "
                   f"{'is' if acc.undiagnosed == 1 else 'are'} not in the matrix.")
    table_w = label_w + col_w * len(natures)
    legend_paras = [Para(legend, 10, colour=CAPTION)]
    legend_h = min(BOTTOM - legend_y, needed_height(legend_paras, table_w))
    slide.text(x0, legend_y, table_w, legend_h, legend_paras)
    below_y = legend_y + legend_h
    if acc.lead is not None:  # who leads the account, under the matrix: one line, the sentences of why in the notes
        lead_paras = lead_block(acc.lead)
        lead_h = min(needed_height(lead_paras, table_w), max(BOTTOM - below_y, 0.1))
        slide.text(x0, below_y, table_w, lead_h, lead_paras)
        slide.notes.append(f"Lead BU and point person: {acc.lead.reason}")
        below_y += lead_h
    actions_y = below_y + 0.05
    if acc.plan_version and BOTTOM - actions_y >= 0.3:  # the account plan's open actions (issue 25), under the matrix
        slide.notes += [f"Open actions of the account plan (version {acc.plan_version}):"] + \
            [f"- {line}" for line in acc.open_actions]
        slide.text(x0, actions_y, table_w, BOTTOM - actions_y, _open_actions(acc, table_w, BOTTOM - actions_y),
                   name="Open actions")

    x = x0 + table_w + 0.3
    w = SLIDE_W - MARGIN - x
    now = vocab.APPROACHES.label(acc.current) if acc.current else (
        f"not set (assumed: {vocab.APPROACHES.label(acc.current_assumed)})")
    blocks: list[list[Para]] = [
        [Para("● Current structure", 11, True, CAPTION), Para(now, 14, True)],
        [Para("★ Recommended", 11, True, CAPTION),
         Para(vocab.APPROACHES.label(rec) if rec else "none yet", 14, True, RECOMMENDED if rec else TEXT)],
        [Para("Why", 11, True, CAPTION), Para(acc.rationale, 12)],
        [Para("Today", 11, True, CAPTION), Para(acc.flagged, 12)],
    ]
    dec = acc.decision
    if dec is None:
        blocks.append([Para("Latest decision", 11, True, CAPTION), Para("No decision yet", 14, True)])
    else:
        decided = [Para("Latest decision", 11, True, CAPTION), Para(vocab.APPROACHES.label(dec.approach), 14, True),
                   Para(f"Review: {dec.review_status or 'not known'}", 12, True),
                   Para(f"by {dec.author or 'author not known'}, {day(dec.decided_on)}", 12)]
        if dec.approvals:
            decided.append(Para(dec.approvals, 11))
        if dec.rationale:
            decided.append(Para(f"“{dec.rationale}”", 11, colour=CAPTION, space_before=3))
        blocks.append(decided)
    # Each block as tall as its text; when they do not all fit, the structures keep theirs and the others share.
    gap, top = 0.1, 1.45
    heights = _blocks_in([needed_height(b, w) for b in blocks], BOTTOM - top - gap * (len(blocks) - 1), 2)
    y = top
    for h, paras in zip(heights, blocks):
        slide.text(x, y, w, h, paras)
        y += h + gap
    slide.finish()
