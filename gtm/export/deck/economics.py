"""The economics slide: what moving each focus account to its recommended structure costs and is worth.

Every figure is gtm.services.design's; this module only formats and places them. The table shows as many accounts
as fit, largest value first, and its total row covers them all; the small print says which assumptions are in force
and where they come from, in words (the files they live in are named in the speaker notes only).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd
from pptx.enum.text import PP_ALIGN

from gtm import display
from gtm.domain import vocabulary as vocab
from gtm.domain.fmt import money
from gtm.export.charts import TEXT
from gtm.export.deck.content import SLIDE_TITLES, DeckContent, Economics, day
from gtm.export.deck.layout import (
    CAPTION,
    HEAD_FILL,
    MARGIN,
    MARGINS,
    RECOMMENDED,
    SLIDE_H,
    SLIDE_W,
    Para,
    Slide,
    lines_of,
    needed_height,
    needed_width,
    width_in_lines,
)

# The money columns of the economics' table, in order: (column, header, signed).
ECON_MONEY = (("cost_year_current", "Cost a year, now", False), ("cost_year_plan", "Cost a year, plan", False),
              ("setup_cost", "Set-up, once", False), ("stake_current", "Value at stake, now", False),
              ("stake_plan", "Value at stake, plan", False), ("extra_benefit", "Extra benefit", True),
              ("net", "Net, {h} years", True))
ECON_SIZE, ECON_HEAD_SIZE = 10.5, 10
ECON_HEAD_FILL = "#1B1F24"
NAME_LINES = 3  # an account's name wraps to at most this many lines in its row
DEFAULTS_SOURCE = "the workshop's default assumptions, not yet changed on the Design page"
DEFAULTS_FILE = "The default assumptions are kept in data/approaches.json."


def signed(x: float, currency: str) -> str:
    """A change of money with its sign: +$1.2M, −$350.0k, $0."""
    return display.signed_money(x, currency)


def months(m: float | None, moved: bool = True) -> str:
    """A payback as every page says it (display.payback): 'in 14 months', 'at once', 'never', 'no move'."""
    return display.payback(m, moved)


def _share(x: float) -> str:
    return f"{x * 100:.4g}%"


def _short(code: str) -> str:
    return vocab.APPROACHES.term(code).short_label


def economics_roles(roles: pd.DataFrame | None) -> str:
    """The roles line: what the plan needs per role, hired or assigned, against today."""
    if roles is None or roles.empty:
        return ""
    parts = []
    for row in roles.to_dict("records"):
        now, plan = int(row["people_current"]), int(row["people_plan"])
        if not now and not plan:
            continue
        today = "as today" if now == plan else f"{now:,} today" if now else "none today"
        parts.append(f"{row['label']} {plan:,} ({row['source']}; {today})")
    return ("The plan needs: " + " · ".join(parts)) if parts else "The plan needs no role beyond today's sales force."


def economics_assumptions(e: Economics, currency: str) -> str:
    """The small print: the assumptions in force and where they come from, so that every figure traces to one."""
    a = e.assumptions
    if a is None:
        return ""
    if e.tried:
        source = "tried in the session that made this hand-out, not saved"
    elif e.version:
        source = f"version {e.version}, saved by {e.saved_by or 'someone not known'}" + (
            f" on {day(e.saved_on)}" if e.saved_on is not None else "")
    else:
        source = DEFAULTS_SOURCE
    costs = " · ".join(f"{_short(c)} {money(a.cost_to_serve[c], currency)} ({money(a.setup_cost[c], currency)})"
                       for c in vocab.APPROACHES.codes)
    text = (f"Assumptions in force ({source}): horizon {a.horizon_years} year{'s' if a.horizon_years != 1 else ''} · "
            f"uplift {_share(a.uplift)}: value at stake = uplift × value in band · margin {_share(a.margin)}: "
            f"benefit = margin × value at stake · ramp-up {a.ramp_up_months} months before deals close · "
            f"cost to serve per structure, a year per account (set-up once, when moving up): {costs}. "
            "Net = extra benefit − extra cost (cost a year × horizon + set-up) against today's structure. Coverage: "
            + " · ".join(f"{label} {n:g}" for label, n in e.coverage) + ".")
    return " ".join([text, *e.notes])


def _row_height(lines: int) -> float:
    return round(lines * ECON_SIZE * 1.2 / 72 + 2 * MARGINS[1] + 0.01, 3)


def economics_slide(prs: Any, content: DeckContent) -> None:
    """The focus accounts' moves, costs, value at stake, net and payback; the roles; the assumptions in force."""
    e, cur = content.economics, content.currency
    width = SLIDE_W - 2 * MARGIN
    if e is None or e.problem or e.assumptions is None:
        slide = Slide(prs, SLIDE_TITLES["economics"], "What moving each focus account to its recommended "
                                                      "structure costs and is worth")
        words = ("No focus accounts in this portfolio: no economics to show." if e is None else
                 f"The economics cannot be computed. {e.problem or 'No assumptions are known.'}")
        slide.text(MARGIN, 1.6, width, 3.0, [Para(words, 18)])
        slide.finish()
        return
    h = e.assumptions.horizon_years
    slide = Slide(prs, SLIDE_TITLES["economics"],
                  f"Each focus account moved from its current structure to the recommended one, over {h} year"
                  f"{'s' if h != 1 else ''}, in {cur}; largest value first")
    rows = e.rows.reset_index(drop=True)
    # What the table leaves room for below it: the roles line and the small print, each as tall as its text.
    # The table leaves the small print at least three lines; it takes whatever more the table leaves.
    below = [Para(economics_roles(e.roles), 11, True), Para(economics_assumptions(e, cur), 9, colour=CAPTION,
                                                           space_before=4, min_size=9)]
    below = [p for p in below if p.text]
    bottom = SLIDE_H - 0.4
    roles = [p for p in below if p.size == 11]
    text_h = (needed_height(roles, width) if roles else 0.0) + (3 * 9 * 1.2 + 4) / 72 + 0.06
    top, head_h, gap = 1.38, 0.42, 0.08

    # Texts first, then each column as wide as its longest text; the account's name takes what is left.
    heads = ["Account", "Structure now", "Recommended"] + [head.format(h=h) for _, head, _ in ECON_MONEY] + [
        "Payback"]
    records = rows.to_dict("records")
    cells: list[list[str]] = []
    for row in records:
        moved = bool(row["moved"])
        cells.append([str(row["name"]), _short(str(row["current"])), _short(str(row["plan"]))]
                     + [signed(float(row[c]), cur) if sign else money(float(row[c]), cur) for c, _, sign in ECON_MONEY]
                     + [months(float(row["payback_months"]), moved)])
    total = ([f"Total, {e.accounts:,} account{'s' if e.accounts != 1 else ''}", "", f"{e.moved:,} moved"]
             + [signed(e.totals[c], cur) if sign else money(e.totals[c], cur) for c, _, sign in ECON_MONEY]
             + [months(e.payback_months, e.moved > 0)])
    structures = [_short(c) for c in vocab.APPROACHES.codes]
    widths = []
    for i in range(len(heads)):  # the total row is bold: every column as wide as its bold text
        column = [total[i]] + ([r[i] for r in cells] + (structures if i in (1, 2) else []) if i else [])
        widths.append(max(needed_width(column, ECON_SIZE, True), width_in_lines(heads[i], ECON_HEAD_SIZE, 2, True),
                          1.8 if i == 0 else 0.7))
    others = sum(widths[1:])
    spare = width - widths[0] - others
    if spare >= 0:  # the names first, up to their length on one line; what is left to every column alike
        names = needed_width([r[0] for r in cells], ECON_SIZE, True)
        grow = min(spare, max(0.0, names - widths[0]))
        widths[0] += grow
        widths = [w + (spare - grow) / len(widths) for w in widths]
    else:  # a currency with a long symbol: every column but the names gives way by as much
        scale = (width - widths[0]) / others
        widths = [widths[0]] + [w * scale for w in widths[1:]]
    name_inner = widths[0] - 2 * MARGINS[0]
    row_heights = [_row_height(min(NAME_LINES, lines_of(Para(c[0], ECON_SIZE, True), name_inner))) for c in cells]
    more_h = total_h = _row_height(1) + 0.02
    room = bottom - text_h - gap - top - head_h - total_h
    used, shown_n = 0.0, 0
    for rh in row_heights:
        if used + rh > room + 1e-9:
            break
        used, shown_n = used + rh, shown_n + 1
    more = 0
    if shown_n < len(cells):
        while shown_n and used + more_h > room + 1e-9:
            shown_n -= 1
            used -= row_heights[shown_n]
        more = len(cells) - shown_n
    shown_cells = cells[:shown_n]
    n_rows = 1 + len(shown_cells) + (1 if more else 0) + 1
    heights = [head_h] + row_heights[:shown_n] + ([more_h] if more else []) + [total_h]
    table = slide.table(n_rows, len(heads), MARGIN, top, widths, heights)
    right = PP_ALIGN.RIGHT
    for c, (head, w) in enumerate(zip(heads, widths)):
        slide.cell(table.cell(0, c), [Para(head, ECON_HEAD_SIZE, True, "#FFFFFF", max_lines=2,
                                           align=right if c >= 3 else None, min_size=9)], w, head_h, ECON_HEAD_FILL)
    for r, (texts, row) in enumerate(zip(shown_cells, records), start=1):
        fill = "#FFFFFF" if r % 2 else "#F7F7F7"
        for c, (text, w) in enumerate(zip(texts, widths)):
            colour = RECOMMENDED if c == 2 and bool(row["moved"]) else TEXT
            slide.cell(table.cell(r, c), [Para(text, ECON_SIZE, c in (0, 9), colour, align=right if c >= 3 else None,
                                               max_lines=NAME_LINES if c == 0 else 1, min_size=9)],
                       w, heights[r], fill)
    r = len(shown_cells) + 1
    if more:
        first = table.cell(r, 0)
        first.merge(table.cell(r, 2))
        slide.cell(first, [Para(f"And {more:,} more, in the totals (named in the notes)", ECON_SIZE, colour=CAPTION,
                                max_lines=1, min_size=9)], sum(widths[:3]), more_h, "#FFFFFF")
        for c in range(1, len(heads)):  # the merged-away cells too: every cell's text wraps
            slide.cell(table.cell(r, c), [Para("", ECON_SIZE)], widths[c], more_h, "#FFFFFF")
        r += 1
    for c, (text, w) in enumerate(zip(total, widths)):
        slide.cell(table.cell(r, c), [Para(text, ECON_SIZE, True, max_lines=1, align=right if c >= 3 else None,
                                           min_size=9)], w, total_h, HEAD_FILL)
    if below:
        y = top + sum(heights) + gap
        slide.text(MARGIN, y, width, bottom - y, [dataclasses.replace(p) for p in below])
    if more:
        slide.notes.append(f"In the totals but not in the table ({more:,}): "
                           + ", ".join(str(n) for n in rows["name"].iloc[shown_n:]) + ".")
    if not e.version and not e.tried:
        slide.notes.append(DEFAULTS_FILE)
    slide.notes += list(e.formulas)
    slide.finish()
