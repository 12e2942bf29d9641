"""The workshop's hand-out as PowerPoint slides. Pure: DeckContent in, .pptx bytes out (python-pptx, no streamlit).

Every table is a native PowerPoint table and every chart a native chart or shapes, so a facilitator can edit the
deck after the workshop; nothing is an image. Colours, symbols and words are the app's (gtm.export.charts), so a
cell reads the same on the screen and on the slide.

python-pptx cannot measure text, and PowerPoint grows a table row (or lets a text box spill) when its text is
longer than the space it was given. So every text is fitted before it is placed: its lines are estimated from
the box's width and the font size (Arial, whose widths LibreOffice's Liberation Sans matches), and what does not
fit is cut with an ellipsis; the slide says so and its speaker notes hold the full text.
"""

from __future__ import annotations

import dataclasses
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Emu, Pt

from gtm.domain import vocabulary as vocab
from gtm.domain.fmt import money
from gtm.domain.matrix import ApproachMatrix
from gtm.domain.playbook import Assumptions
from gtm.domain.portfolio import Figures
from gtm.domain.vocabulary import Fit
from gtm.export.charts import FIT_RAMPS, FIT_SYMBOLS, FIT_TEXT, FIT_TINTS, TEXT, cell_colour, cell_strength, fit_words

# 16:9 at PowerPoint's own size (13.333 x 7.5 in).
SLIDE_WIDTH, SLIDE_HEIGHT = Emu(12_192_000), Emu(6_858_000)
EMU_PER_INCH = 914_400
MARGIN = 0.4  # inches, on every side
FONT = "Arial"  # in every copy of PowerPoint; LibreOffice draws it with Liberation Sans, of the same widths
CHAR_EM = 0.56  # an average character's width in Arial, in ems, on the wide side (capitals, digits, symbols)
LINE = 1.2  # line height, in font sizes
CAPTION = "#595959"  # grey text on white: 7:1
HEAD_FILL = "#F2F2F2"  # header cells: the axis labels
RECOMMENDED = FIT_RAMPS[Fit.REALISTIC][0]  # the realistic band's green, dark enough for text on white (5:1)
SHORTENED = "Some text was shortened to fit the slide (…); the speaker notes hold it in full."
MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"

SLIDE_TITLES = {"title": "title", "matrix": "The portfolio matrix", "funnel": "Key accounts: the funnel",
                "maturity": "Maturity: losers and winners", "economics": "Economics of the focus accounts",
                "plan": "The engagement plan"}


@dataclass(frozen=True)
class Decision:
    """An account's latest recorded decision and where its review stands."""

    approach: str
    author: str | None
    decided_on: date | None
    review_status: str | None  # pending, approved, challenged (gtm.domain.reviews)
    approvals: str = ""  # e.g. "EMEA ✓ · APAC awaiting"
    rationale: str = ""


@dataclass(frozen=True)
class FocusAccount:
    """What one focus account's slide shows."""

    account_id: str
    name: str
    cells: pd.DataFrame  # cell_summary of its opportunities: nature, approach (its current one), count, value
    opportunities: int
    value: float
    current: str | None  # approach code; None: none recorded
    current_assumed: str  # the approach assumed when none is recorded (the lightest)
    recommended: str | None
    rationale: str  # why the recommendation (or why there is none)
    flagged: str  # why the current structure is (or is not) flagged: portfolio.fit_summary
    decision: Decision | None
    undiagnosed: int = 0  # opportunities without a nature: not in the matrix
    details: str = ""  # industry, region, owner


@dataclass(frozen=True)
class Economics:
    """The economics of moving the focus accounts from their current structures to the recommended ones, as
    gtm.services.design computed them (every figure here is theirs; the slide only formats and places them)."""

    # One row per focus account, largest value first: name, current, plan (approach codes), moved, value,
    # cost_year_current, cost_year_plan, setup_cost, stake_current, stake_plan, extra_benefit, net, payback_months
    # (NaN: never, or no move).
    rows: pd.DataFrame = field(default_factory=pd.DataFrame)
    totals: dict[str, float] = field(default_factory=dict)  # the money columns summed over every account
    accounts: int = 0
    moved: int = 0
    payback_months: float | None = None  # of all the moves together; None: never (or nothing moves)
    roles: pd.DataFrame | None = None  # label, source (hire/assign), people_current, people_plan
    assumptions: Assumptions | None = None  # in force, costs in the deck's currency
    version: int = 0  # of the saved assumptions; 0: the defaults of data/approaches.json
    tried: bool = False  # tried in a session and not saved (the Design page's edits)
    saved_by: str | None = None
    saved_on: date | None = None
    notes: Sequence[str] = ()  # conversions, and what was assumed where the data had nothing
    formulas: Sequence[str] = ()  # each figure's formula in words, for the speaker notes
    coverage: Sequence[tuple[str, float]] = ()  # each role's ratio in force, in words: accounts per person, or people
    problem: str = ""  # why the economics cannot be computed (then nothing else is set)


@dataclass(frozen=True)
class DeckContent:
    """Everything the slides show, gathered by gtm.services.deck."""

    title: str
    workspace: str
    made_on: date
    currency: str
    matrix: ApproachMatrix
    cells: pd.DataFrame  # portfolio.cell_summary of the whole portfolio
    figures: Figures | None
    chosen_by: str  # which rule chose the focus accounts, in words
    accounts: Sequence[FocusAccount]
    funnel: pd.DataFrame | None = None  # stage, accounts, value
    target: tuple[float | None, int | None] = (None, None)  # incremental sales, over so many years
    funnel_note: str = ""
    maturity: pd.DataFrame | None = None  # maturity.summary: dimension, label, losers, winners, winners_do, mean ...
    maturity_note: str = ""
    plan: pd.DataFrame | None = None  # plans.schedule_frame: phase, activity, owner, status, start, end, weeks
    plan_note: str = ""
    notes: Sequence[str] = field(default_factory=tuple)  # said on the title slide (accounts left out, say)
    economics: Economics | None = None  # None: no focus account


# ----------------------------------------------------------------------------------------------- fitting text


def _inches(value: float) -> Emu:
    return Emu(int(round(value * EMU_PER_INCH)))


def _wrap(text: str, chars: int) -> list[str]:
    """Greedy word wrap at ``chars`` characters a line (a longer word is broken); paragraphs kept."""
    lines: list[str] = []
    for para in text.split("\n"):
        line = ""
        for word in para.split():
            while len(word) > chars:
                if line:
                    lines.append(line)
                    line = ""
                lines.append(word[:chars])
                word = word[chars:]
            if line and len(line) + 1 + len(word) > chars:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
    return lines


def chars_per_line(width_in: float, size: float) -> int:
    """How many characters of ``size`` points fit on a line ``width_in`` inches wide (estimated on the wide side)."""
    return max(1, int(width_in * 72 / (size * CHAR_EM)))


def lines_in(height_in: float, size: float) -> int:
    """How many lines of ``size`` points fit in ``height_in`` inches."""
    return max(1, int(height_in * 72 / (size * LINE) + 1e-9))


def fit_text(text: str, width_in: float, size: float, max_lines: int) -> tuple[str, bool]:
    """``text`` as it fits in ``max_lines`` lines ``width_in`` wide at ``size`` points: cut at a word with an
    ellipsis when too long. Returns the text and whether it was shortened."""
    chars = chars_per_line(width_in, size)
    lines = _wrap(text, chars)
    if len(lines) <= max_lines:
        return text, False
    kept = lines[:max_lines]
    last = kept[-1]
    if len(last) + 1 > chars:
        cut = last[: chars - 1]
        last = cut.rsplit(" ", 1)[0] if " " in cut else cut
    kept[-1] = last.rstrip(" ,;:.-–") + "…"
    # Paragraph breaks inside the kept lines stay where they were.
    out, i = [], 0
    for para in text.split("\n"):
        n = len(_wrap(para, chars))
        if i >= len(kept):
            break
        out.append(" ".join(kept[i:i + n]))
        i += n
    return "\n".join(out), True


def needed_height(paras: Sequence[Para], width_in: float, margins: tuple[float, float] = (0.05, 0.03)) -> float:
    """The height in inches ``paras`` take in a box ``width_in`` wide (each at most its ``max_lines``)."""
    inner = width_in - 2 * margins[0]
    points = 0.0
    for para in paras:
        lines = len(_wrap(para.text, chars_per_line(inner, para.size)))
        if para.max_lines is not None:
            lines = min(lines, para.max_lines)
        points += para.space_before + lines * para.size * LINE
    return points / 72 + 2 * margins[1] + 0.02


def _rgb(colour: str) -> RGBColor:
    code = colour.lstrip("#")
    return RGBColor(int(code[0:2], 16), int(code[2:4], 16), int(code[4:6], 16))  # type: ignore[no-untyped-call]


@dataclass
class Para:
    """A paragraph of a text box: its text and how it looks."""

    text: str
    size: float = 14
    bold: bool = False
    colour: str = TEXT
    space_before: float = 0  # points
    max_lines: int | None = None  # at most this many lines (the box's height bounds it anyway)
    align: PP_ALIGN | None = None


class _Slide:
    """A slide being built: text placed only once fitted; what was shortened goes to the speaker notes."""

    def __init__(self, prs: Any, title: str, subtitle: str = "") -> None:
        self.prs = prs
        self.slide = prs.slides.add_slide(prs.slide_layouts[5])  # "Title Only"
        self.shortened: list[str] = []
        self.notes: list[str] = []
        shape = self.slide.shapes.title
        shape.left, shape.top = _inches(MARGIN), _inches(0.25)
        shape.width, shape.height = _inches(13.333 - 2 * MARGIN), _inches(0.7)
        self._fill(shape.text_frame, [Para(title, 28, True, max_lines=1, align=PP_ALIGN.LEFT)],
                   13.333 - 2 * MARGIN, 0.7, anchor=MSO_ANCHOR.MIDDLE)
        if subtitle:
            self.text(MARGIN, 0.92, 13.333 - 2 * MARGIN, 0.4, [Para(subtitle, 13, colour=CAPTION, max_lines=1)])

    def _fill(self, frame: Any, paras: Sequence[Para], width_in: float, height_in: float,
              anchor: MSO_ANCHOR = MSO_ANCHOR.TOP, margins: tuple[float, float] = (0.05, 0.03)) -> None:
        """Put ``paras`` in ``frame`` (a text box's or a table cell's), each fitted to what is left of the box."""
        tf = frame
        tf.word_wrap = True
        inner_w = width_in - 2 * margins[0]
        left_pt = (height_in - 2 * margins[1]) * 72
        if hasattr(tf, "auto_size"):
            tf.auto_size = MSO_AUTO_SIZE.NONE  # the box keeps its size; the text was fitted to it
            tf.margin_left = tf.margin_right = _inches(margins[0])
            tf.margin_top = tf.margin_bottom = _inches(margins[1])
            tf.vertical_anchor = anchor
        first = True
        for para in paras:
            room = int((left_pt - para.space_before) / (para.size * LINE) + 1e-9)
            if room < 1:
                self.shortened.append(para.text)
                break
            lines = room if para.max_lines is None else min(room, para.max_lines)
            text, cut = fit_text(para.text, inner_w, para.size, lines)
            if cut:
                self.shortened.append(para.text)
            used = len(_wrap(text, chars_per_line(inner_w, para.size)))
            left_pt -= para.space_before + used * para.size * LINE
            p = tf.paragraphs[0] if first else tf.add_paragraph()
            first = False
            if para.space_before:
                p.space_before = Pt(para.space_before)
            if para.align is not None:
                p.alignment = para.align
            if not text:
                # An empty paragraph is as tall as its end mark (18 points unless told; LibreOffice drops an empty
                # run): an empty table cell would make its row taller than planned and push it onto what is below.
                p._p.get_or_add_endParaRPr().set("sz", str(int(round(para.size * 100))))
                continue
            run = p.add_run()
            run.text = text
            font = run.font
            font.size, font.bold, font.name = Pt(para.size), para.bold, FONT
            font.color.rgb = _rgb(para.colour)

    def text(self, x: float, y: float, w: float, h: float, paras: Sequence[Para],
             anchor: MSO_ANCHOR = MSO_ANCHOR.TOP) -> Any:
        """A text box at (x, y), w x h inches, holding ``paras`` fitted to it."""
        if x < 0 or y < 0 or w <= 0 or h <= 0 or x + w > 13.334 or y + h > 7.501:
            raise ValueError(f"a text box at ({x:.2f}, {y:.2f}) of {w:.2f} x {h:.2f} in is not inside the slide")
        box = self.slide.shapes.add_textbox(_inches(x), _inches(y), _inches(w), _inches(h))
        self._fill(box.text_frame, paras, w, h, anchor)
        return box

    def cell(self, cell: Any, paras: Sequence[Para], width_in: float, height_in: float, fill: str | None = None,
             anchor: MSO_ANCHOR = MSO_ANCHOR.MIDDLE) -> None:
        """A table cell's text (fitted) and fill."""
        c = cell
        c.margin_left = c.margin_right = _inches(0.05)
        c.margin_top = c.margin_bottom = _inches(0.03)
        c.vertical_anchor = anchor
        if fill:
            c.fill.solid()
            c.fill.fore_color.rgb = _rgb(fill)
        self._fill(c.text_frame, paras, width_in, height_in, anchor, margins=(0.05, 0.03))

    def table(self, rows: int, cols: int, x: float, y: float, widths: Sequence[float],
              heights: Sequence[float]) -> Any:
        """A native table, its columns and rows sized in inches."""
        shape = self.slide.shapes.add_table(rows, cols, _inches(x), _inches(y), _inches(sum(widths)),
                                            _inches(sum(heights)))
        table = shape.table
        for i, w in enumerate(widths):
            table.columns[i].width = _inches(w)
        for i, h in enumerate(heights):
            table.rows[i].height = _inches(h)
        table.first_row = True
        table.horz_banding = False
        return table

    def finish(self) -> None:
        """The footer and speaker notes saying what was shortened."""
        notes = list(self.notes)
        if self.shortened:
            self.text(MARGIN, 7.5 - 0.38, 13.333 - 2 * MARGIN, 0.3, [Para(SHORTENED, 10, colour=CAPTION, max_lines=1)])
            notes.append("Shortened on the slide, in full here:")
            notes += [f"- {t}" for t in dict.fromkeys(self.shortened)]
        if notes:
            self.slide.notes_slide.notes_text_frame.text = "\n".join(notes)


# --------------------------------------------------------------------------------------------------- slides


def day(d: date | pd.Timestamp | None) -> str:
    """A date as people read it: '2 Mar 2026' ('date not known' for none)."""
    if d is None or (isinstance(d, float) and math.isnan(d)) or pd.isna(d):
        return "date not known"
    d = pd.Timestamp(d)
    return f"{d.day} {d:%b %Y}"


def _title_slide(prs: Any, content: DeckContent) -> None:
    slide = _Slide(prs, content.title)
    s = slide.slide.shapes.title
    s.top, s.height = _inches(1.6), _inches(1.3)
    s.text_frame.paragraphs[0].runs[0].font.size = Pt(36)
    fig = content.figures
    paras = [Para(f"Workspace {content.workspace} · {day(content.made_on)} · amounts in {content.currency}", 18,
                  colour=CAPTION, max_lines=1)]
    if fig is not None and fig.accounts:
        paras.append(Para(
            f"{fig.accounts:,} accounts · {fig.opportunities:,} opportunities · {money(fig.total_value, content.currency)}"
            f" · {fig.realistic_share:.0%} of the diagnosed value sits in the realistic band", 16, space_before=12,
            max_lines=2))
    paras.append(Para(f"Focus accounts ({len(content.accounts)}): {content.chosen_by}", 16, space_before=12,
                      max_lines=3))
    paras += [Para(n, 13, colour=CAPTION, space_before=6, max_lines=2) for n in content.notes]
    slide.text(MARGIN + 0.1, 3.0, 13.333 - 2 * MARGIN - 0.2, 3.6, paras)
    slide.text(MARGIN + 0.1, 6.75, 13.333 - 2 * MARGIN - 0.2, 0.35,
               [Para("Made with GTM Fit: every table and chart in this deck is editable.", 11, colour=CAPTION,
                     max_lines=1)])
    slide.finish()


def _fit_at(matrix: ApproachMatrix, ni: int, ai: int) -> Fit:
    return tuple(Fit)[int(matrix.fit_table[ni, ai])]


def _matrix_slide(prs: Any, content: DeckContent) -> None:
    fig, cur = content.figures, content.currency
    sub = ""
    if fig is not None:
        sub = (f"{fig.opportunities - fig.undiagnosed_count:,} diagnosed opportunities by nature and their "
               f"account's current approach · {fig.realistic_share:.0%} of their value is realistic")
    slide = _Slide(prs, SLIDE_TITLES["matrix"], sub)
    natures, approaches = vocab.NATURES.terms, vocab.APPROACHES.terms
    label_w, col_w = 2.45, (13.333 - 2 * MARGIN - 2.45) / len(natures)
    head_h, row_h = 0.6, 0.54
    table = slide.table(len(approaches) + 1, len(natures) + 1, MARGIN, 1.38, [label_w] + [col_w] * len(natures),
                        [head_h] + [row_h] * len(approaches))
    slide.cell(table.cell(0, 0), [Para("Approach ↑ heavier", 10, True), Para("Nature → heavier", 10, True)],
               label_w, head_h, HEAD_FILL)
    for ni, term in enumerate(natures):
        slide.cell(table.cell(0, ni + 1), [Para(term.label, 11, True, align=PP_ALIGN.CENTER)], col_w, head_h,
                   HEAD_FILL)
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
        slide.cell(table.cell(r + 1, 0), [Para(approaches[ai].short_label, 12, True, max_lines=1),
                                          Para(approaches[ai].label, 8, colour=CAPTION, max_lines=2)],
                   label_w, row_h, HEAD_FILL)
        for ni in range(len(natures)):
            fit = _fit_at(content.matrix, ni, ai)
            paras = [Para(f"{FIT_SYMBOLS[fit]} {count[ai, ni]:,}", 14, True, FIT_TEXT[fit], align=PP_ALIGN.CENTER,
                          max_lines=1)]
            if count[ai, ni]:
                paras.append(Para(money(value[ai, ni], cur), 11, colour=FIT_TEXT[fit], align=PP_ALIGN.CENTER,
                                  max_lines=1))
            slide.cell(table.cell(r + 1, ni + 1), paras, col_w, row_h,
                       cell_colour(fit, float(strength[ai, ni])))
    top = 1.38 + head_h + row_h * len(approaches) + 0.1
    legend = [
        (Fit.OVERKILL, f"{FIT_SYMBOLS[Fit.OVERKILL]} {fit_words(Fit.OVERKILL)}: above the band (upper left), "
                       "costing more than benefits created; possibly reducing effectiveness of component-only sale"),
        (Fit.REALISTIC, f"{FIT_SYMBOLS[Fit.REALISTIC]} {fit_words(Fit.REALISTIC)}s: the dark green diagonal band"),
        (Fit.INSUFFICIENT, f"{FIT_SYMBOLS[Fit.INSUFFICIENT]} {fit_words(Fit.INSUFFICIENT)}: below the band (lower "
                           "right), likely insufficient to accomplish objectives"),
    ]
    swatch, line_h = 0.2, 0.26
    for i, (fit, words) in enumerate(legend):
        y = top + i * line_h
        box = slide.slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, _inches(MARGIN), _inches(y + 0.035),
                                           _inches(swatch), _inches(swatch))
        box.fill.solid()
        box.fill.fore_color.rgb = _rgb(cell_colour(fit, 0.5))
        box.line.color.rgb = _rgb(TEXT)
        box.line.width = Pt(0.5)
        slide.text(MARGIN + swatch + 0.08, y, 13.333 - 2 * MARGIN - swatch - 0.08, line_h,
                   [Para(words, 11, max_lines=1)], anchor=MSO_ANCHOR.MIDDLE)
    note = "Each cell: the symbol of its fit, the number of opportunities and their value; a darker shade, more value."
    if fig is not None and fig.left_out(cur):
        note += " " + fig.left_out(cur)
    y = top + 3 * line_h + 0.03
    slide.text(MARGIN, y, 13.333 - 2 * MARGIN, 7.5 - 0.4 - y, [Para(note, 10, colour=CAPTION)])
    slide.finish()


FUNNEL_FILL = "#0072B2"  # Okabe-Ito blue; white text on it reads at 5.1:1


def _funnel_slide(prs: Any, content: DeckContent) -> None:
    slide = _Slide(prs, SLIDE_TITLES["funnel"], "Potential accounts narrowed on size of opportunity and ease of "
                                                "access, then to the BU leaders' picks")
    stages = content.funnel
    if stages is None or stages.empty:
        slide.text(MARGIN, 1.6, 13.333 - 2 * MARGIN, 2.0, [Para(
            content.funnel_note or "No account lists yet: the funnel shows once a shortlist and a focus list are saved "
                                   "on the Key accounts page.", 18)])
        slide.finish()
        return
    top, bottom = 1.5, 6.3
    n = len(stages)
    gap = 0.12
    h = min(1.1, (bottom - top - gap * (n - 1)) / n)
    full = 13.333 - 2 * MARGIN - 1.0
    most = max(float(stages["accounts"].max()), 1.0)
    for i, row in enumerate(stages.to_dict("records")):
        k = int(row["accounts"])
        # Width by the square root of the count, never narrower than its words need.
        w = max(4.6, full * math.sqrt(k / most))
        x = (13.333 - w) / 2
        y = top + i * (h + gap)
        bar = slide.slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, _inches(x), _inches(y), _inches(w), _inches(h))
        bar.fill.solid()
        bar.fill.fore_color.rgb = _rgb(FUNNEL_FILL)
        bar.line.fill.background()
        words = f"{row['stage']}: {k:,} account{'s' if k != 1 else ''} · {money(float(row['value']), content.currency)}"
        slide._fill(bar.text_frame, [Para(words, 18, True, "#FFFFFF", align=PP_ALIGN.CENTER, max_lines=2)], w, h,
                    MSO_ANCHOR.MIDDLE)
    amount, years = content.target
    lines = []
    if amount is not None:
        lines.append(Para(f"Target for the focus accounts: {money(amount, content.currency)} of incremental sales"
                          + (f" over {years} year{'s' if years != 1 else ''}" if years else ""), 16, True, max_lines=2))
    if content.funnel_note:
        lines.append(Para(content.funnel_note, 12, colour=CAPTION, max_lines=2))
    if lines:
        slide.text(MARGIN, bottom + 0.1, 13.333 - 2 * MARGIN, 7.5 - 0.45 - bottom - 0.1, lines)
    slide.finish()


def _scores(values: pd.Series) -> list[float | None]:
    """Chart values: a missing score stays missing (None), never 0."""
    return [None if pd.isna(x) else float(x) for x in values]


def _maturity_slide(prs: Any, content: DeckContent) -> None:
    summary = content.maturity
    slide = _Slide(prs, SLIDE_TITLES["maturity"], content.maturity_note)
    if summary is None or summary.empty:
        slide.text(MARGIN, 1.6, 13.333 - 2 * MARGIN, 2.0, [Para(
            "No maturity assessment yet: score the organisation on the nine dimensions on the Maturity page, and the "
            "radar shows here.", 18)])
        slide.finish()
        return
    ordered = summary.reset_index(drop=True)
    data = CategoryChartData()  # type: ignore[no-untyped-call]
    # Short category names: the chart places them itself and cannot wrap them.
    data.categories = [fit_text(str(label), 2.0, 10, 1)[0] for label in ordered["label"]]
    # A dimension nobody scored has no mean: a gap in the radar (None), never a 0 that would read as a score.
    data.add_series("Mean", _scores(ordered["mean"]))  # type: ignore[no-untyped-call]
    if "min" in ordered and "max" in ordered:
        data.add_series("Lowest", _scores(ordered["min"]))  # type: ignore[no-untyped-call]
        data.add_series("Highest", _scores(ordered["max"]))  # type: ignore[no-untyped-call]
    chart_w = 6.9
    frame = slide.slide.shapes.add_chart(XL_CHART_TYPE.RADAR_MARKERS, _inches(MARGIN), _inches(1.4),
                                         _inches(chart_w), _inches(5.6), data)
    chart = frame.chart
    chart.font.size, chart.font.name = Pt(10), FONT
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    for series, colour, width in zip(chart.plots[0].series, ("#0072B2", "#D55E00", "#009E73"), (2.75, 1.25, 1.25)):
        series.format.line.color.rgb = _rgb(colour)
        series.format.line.width = Pt(width)
        series.marker.format.fill.solid()
        series.marker.format.fill.fore_color.rgb = _rgb(colour)
    x = MARGIN + chart_w + 0.25
    w = 13.333 - MARGIN - x
    paras = [Para("Weakest first, and what winners do", 14, True)]
    for row in ordered.head(4).to_dict("records"):
        spread = f", spread {float(row['spread']):.1f}" if pd.notna(row.get("spread")) else ""
        mean = f"mean {float(row['mean']):.1f}" if pd.notna(row.get("mean")) else "not scored"
        paras.append(Para(f"{row['label']}: {mean}{spread}", 12, True, space_before=8, max_lines=2))
        paras.append(Para(f"Losers: {row['losers']}", 11, colour=CAPTION, max_lines=2))
        paras.append(Para(f"Winners: {row.get('winners_do') or row['winners']}", 11, max_lines=3))
    slide.text(x, 1.4, w, 7.5 - 0.45 - 1.4, paras)
    if "people" in ordered:
        slide.notes.append(f"Scored by up to {int(pd.to_numeric(ordered['people'], errors='coerce').max() or 0)} "
                           "people.")
    slide.finish()


def _account_slide(prs: Any, content: DeckContent, acc: FocusAccount) -> None:
    cur = content.currency
    sub = " · ".join(x for x in (acc.account_id, acc.details,
                                 f"{acc.opportunities:,} opportunit{'y' if acc.opportunities == 1 else 'ies'}",
                                 money(acc.value, cur)) if x)
    slide = _Slide(prs, acc.name, sub)
    natures, approaches = vocab.NATURES.terms, vocab.APPROACHES.terms
    matrix = content.matrix
    current = acc.current or acc.current_assumed
    rec = acc.recommended
    # The account's opportunities sit in its current approach's row; the recommended row shows where they would sit.
    by_nature = acc.cells.groupby(acc.cells["nature"].astype(str))["count"].sum() if len(acc.cells) else pd.Series(
        dtype="int64")
    counts = [int(by_nature.get(c, 0)) for c in vocab.NATURES.codes]
    label_w, col_w = 1.95, 0.98
    head_h, row_h = 0.72, 0.56
    x0, y0 = MARGIN, 1.45
    table = slide.table(len(approaches) + 1, len(natures) + 1, x0, y0, [label_w] + [col_w] * len(natures),
                        [head_h] + [row_h] * len(approaches))
    slide.cell(table.cell(0, 0), [Para("Approach ↑ / nature →", 9, True)], label_w, head_h, HEAD_FILL)
    for ni, term in enumerate(natures):
        slide.cell(table.cell(0, ni + 1), [Para(term.label, 9, True, align=PP_ALIGN.CENTER)], col_w, head_h,
                   HEAD_FILL)
    most = max(counts) if counts else 0
    for r, ai in enumerate(range(len(approaches) - 1, -1, -1)):
        code = vocab.APPROACHES.codes[ai]
        marks = ("● now " if code == current else "") + ("★ " if code == rec else "")
        slide.cell(table.cell(r + 1, 0), [Para(marks + approaches[ai].short_label, 10, code in (current, rec),
                                               max_lines=2)], label_w, row_h, HEAD_FILL)
        shown = code in (current, rec)
        for ni in range(len(natures)):
            fit = _fit_at(matrix, ni, ai)
            k = counts[ni] if shown else 0
            if k:
                fill, colour = cell_colour(fit, math.sqrt(k / most) if most else 0.0), FIT_TEXT[fit]
                paras = [Para(f"{FIT_SYMBOLS[fit]} {k}", 12, True, colour, align=PP_ALIGN.CENTER, max_lines=1)]
            else:
                fill, colour = FIT_TINTS[fit], TEXT
                paras = [Para(FIT_SYMBOLS[fit] if shown else "", 10, colour=CAPTION, align=PP_ALIGN.CENTER,
                              max_lines=1)]
            slide.cell(table.cell(r + 1, ni + 1), paras, col_w, row_h, fill)
    legend_y = y0 + head_h + row_h * len(approaches) + 0.08
    legend = ("Counts of opportunities by nature, in the current structure's row (● now) and, moved, in the "
              "recommended one's (★). ✓ realistic · ▲ likely overkill · ▼ likely insufficient; pale: no opportunity.")
    if acc.undiagnosed:
        legend += (f" {acc.undiagnosed} opportunit{'y' if acc.undiagnosed == 1 else 'ies'} not yet diagnosed "
                   "are not in the matrix.")
    table_w = label_w + col_w * len(natures)
    slide.text(x0, legend_y, table_w, 7.5 - 0.42 - legend_y, [Para(legend, 10, colour=CAPTION)])

    x = x0 + table_w + 0.3
    w = 13.333 - MARGIN - x
    now = vocab.APPROACHES.label(acc.current) if acc.current else (
        f"not set (assumed: {vocab.APPROACHES.label(acc.current_assumed)})")
    blocks: list[tuple[float, list[Para]]] = [
        (1.0, [Para("● Current structure", 11, True, CAPTION), Para(now, 14, True, max_lines=2)]),
        (1.0, [Para("★ Recommended", 11, True, CAPTION),
               Para(vocab.APPROACHES.label(rec) if rec else "none yet", 14, True, RECOMMENDED
                    if rec else TEXT, max_lines=2)]),
        (1.45, [Para("Why", 11, True, CAPTION), Para(acc.rationale, 11)]),
        (1.1, [Para("Today", 11, True, CAPTION), Para(acc.flagged, 11)]),
    ]
    dec = acc.decision
    if dec is None:
        decided = [Para("Latest decision", 11, True, CAPTION), Para("No decision yet", 13, True)]
    else:
        decided = [Para("Latest decision", 11, True, CAPTION),
                   Para(vocab.APPROACHES.label(dec.approach), 13, True, max_lines=2),
                   Para(f"Review: {dec.review_status or 'not known'}", 11, True, max_lines=1),
                   Para(f"by {dec.author or 'author not known'}, {day(dec.decided_on)}", 11, max_lines=1)]
        if dec.approvals:
            decided.append(Para(dec.approvals, 10, max_lines=2))
        if dec.rationale:
            decided.append(Para(f"“{dec.rationale}”", 10, colour=CAPTION, space_before=3))
    # Each block as tall as its text (at most its share), the decision below them in what is left.
    gap, top, bottom = 0.1, 1.45, 7.5 - 0.42
    heights = [min(cap, needed_height(paras, w)) for cap, paras in blocks]
    y = top
    for h, (_, paras) in zip(heights, blocks):
        slide.text(x, y, w, h, paras)
        y += h + gap
    slide.text(x, y, w, bottom - y, decided)
    slide.finish()


def signed(x: float, currency: str) -> str:
    """A change of money with its sign: +$1.2M, −$350.0k, $0."""
    if round(x) == 0:
        return money(0.0, currency)
    return ("+" if x > 0 else "−") + money(abs(x), currency)


def months(m: float | None, moved: bool = True) -> str:
    """A payback in whole months, rounded up: '14 months', 'at once', 'never' (no move: 'no move')."""
    if not moved:
        return "no move"
    if m is None or math.isnan(m):
        return "never"
    n = math.ceil(m - 1e-9)
    return "at once" if n <= 0 else f"{n} month{'s' if n != 1 else ''}"


def _share(x: float) -> str:
    return f"{x * 100:.4g}%"


def _short(code: str) -> str:
    return vocab.APPROACHES.term(code).short_label


# The money columns of the economics' table, in order: (column, header, signed).
ECON_MONEY = (("cost_year_current", "Cost a year, now", False), ("cost_year_plan", "Cost a year, plan", False),
              ("setup_cost", "Set-up, once", False), ("stake_current", "Value at stake, now", False),
              ("stake_plan", "Value at stake, plan", False), ("extra_benefit", "Extra benefit", True),
              ("net", "Net, {h} years", True))
ECON_SIZE, ECON_HEAD_SIZE = 9.5, 9.0
ECON_HEAD_FILL = "#1B1F24"


def _width_for(texts: Sequence[str], size: float) -> float:
    """The width in inches a cell needs for the longest of ``texts`` on one line at ``size`` points."""
    longest = max((len(t) for t in texts), default=1)
    return longest * size * CHAR_EM / 72 + 0.12


def _width_in_lines(text: str, size: float, lines: int) -> float:
    """The narrowest width in inches (to a twentieth) that holds ``text`` in ``lines`` lines at ``size`` points."""
    w = _width_for([max(text.split() or [""], key=len)], size)
    while len(_wrap(text, chars_per_line(w - 0.1, size))) > lines:
        w += 0.05
    return w


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
        source = "defaults from data/approaches.json"
    costs = " · ".join(f"{_short(c)} {money(a.cost_to_serve[c], currency)} ({money(a.setup_cost[c], currency)})"
                       for c in vocab.APPROACHES.codes)
    text = (f"Assumptions in force ({source}): horizon {a.horizon_years} year{'s' if a.horizon_years != 1 else ''} · "
            f"uplift {_share(a.uplift)}: value at stake = uplift × value in band · margin {_share(a.margin)}: "
            f"benefit = margin × value at stake · ramp-up {a.ramp_up_months} months before deals close · "
            f"cost to serve per structure, a year per account (set-up once, when moving up): {costs}. "
            "Net = extra benefit − extra cost (cost a year × horizon + set-up) against today's structure. Coverage: "
            + " · ".join(f"{label} {n:g}" for label, n in e.coverage) + ".")
    return " ".join([text, *e.notes])


def _economics_slide(prs: Any, content: DeckContent) -> None:
    e, cur = content.economics, content.currency
    if e is None or e.problem or e.assumptions is None:
        slide = _Slide(prs, SLIDE_TITLES["economics"], "What moving each focus account to its recommended "
                                                       "structure costs and is worth")
        words = ("No focus accounts in this portfolio: no economics to show." if e is None else
                 f"The economics cannot be computed. {e.problem or 'No assumptions are known.'}")
        slide.text(MARGIN, 1.6, 13.333 - 2 * MARGIN, 3.0, [Para(words, 18)])
        slide.finish()
        return
    h = e.assumptions.horizon_years
    slide = _Slide(prs, SLIDE_TITLES["economics"],
                   f"Each focus account moved from its current structure to the recommended one, over {h} year"
                   f"{'s' if h != 1 else ''}, in {cur}; largest value first")
    rows = e.rows.reset_index(drop=True)
    width = 13.333 - 2 * MARGIN
    # What the table leaves room for below it: the roles line and the small print, each as tall as its text.
    # The table leaves the small print at least three lines; it takes whatever more the table leaves.
    below = [Para(economics_roles(e.roles), 11, True, max_lines=2),
             Para(economics_assumptions(e, cur), 9, colour=CAPTION, space_before=4)]
    below = [p for p in below if p.text]
    bottom = 7.5 - 0.42
    text_h = needed_height([dataclasses.replace(p, max_lines=p.max_lines or 3) for p in below], width) \
        if below else 0.0
    top, head_h, row_h, total_h, gap = 1.38, 0.4, 0.235, 0.27, 0.08
    room = int((bottom - text_h - gap - top - head_h - total_h) / row_h + 1e-9)
    if len(rows) <= room:
        shown, more = rows, 0
    else:
        shown, more = rows.head(max(room - 1, 0)), len(rows) - max(room - 1, 0)

    # Texts first, then each column as wide as its longest text; the account's name takes what is left.
    heads = ["Account", "Structure now", "Recommended"] + [head.format(h=h) for _, head, _ in ECON_MONEY] + [
        "Payback"]
    cells: list[list[str]] = []
    for row in shown.to_dict("records"):
        moved = bool(row["moved"])
        cells.append([str(row["name"]), _short(str(row["current"])), _short(str(row["plan"]))]
                     + [signed(float(row[c]), cur) if sign else money(float(row[c]), cur) for c, _, sign in ECON_MONEY]
                     + [months(float(row["payback_months"]), moved)])
    total = ([f"Total, {e.accounts:,} account{'s' if e.accounts != 1 else ''}", "", f"{e.moved:,} moved"]
             + [signed(e.totals[c], cur) if sign else money(e.totals[c], cur) for c, _, sign in ECON_MONEY]
             + [months(e.payback_months, e.moved > 0)])
    structures = [_short(c) for c in vocab.APPROACHES.codes]
    widths = []
    for i in range(len(heads)):
        column = [r[i] for r in cells] + [total[i]] + (structures if i in (1, 2) else [])
        widths.append(max(_width_for(column, ECON_SIZE), _width_in_lines(heads[i], ECON_HEAD_SIZE, 2), 0.7))
    name_w = widths[0]
    others = sum(widths[1:])
    if name_w + others <= width:  # what is left is shared by every column
        spare = (width - name_w - others) / len(widths)
        widths = [w + spare for w in widths]
    else:  # long names (or a currency with a long symbol): the names give way first, then every column
        widths[0] = max(1.6, width - others)
        if widths[0] + others > width:
            scale = (width - widths[0]) / others
            widths = [widths[0]] + [w * scale for w in widths[1:]]
    n_rows = 1 + len(cells) + (1 if more else 0) + 1
    heights = [head_h] + [row_h] * len(cells) + ([row_h] if more else []) + [total_h]
    table = slide.table(n_rows, len(heads), MARGIN, top, widths, heights)
    right = PP_ALIGN.RIGHT
    for c, (head, w) in enumerate(zip(heads, widths)):
        slide.cell(table.cell(0, c), [Para(head, ECON_HEAD_SIZE, True, "#FFFFFF", max_lines=2,
                                           align=right if c >= 3 else None)], w, head_h, ECON_HEAD_FILL)
    for r, (texts, row) in enumerate(zip(cells, shown.to_dict("records")), start=1):
        fill = "#FFFFFF" if r % 2 else "#F7F7F7"
        for c, (text, w) in enumerate(zip(texts, widths)):
            colour = RECOMMENDED if c == 2 and bool(row["moved"]) else TEXT
            slide.cell(table.cell(r, c), [Para(text, ECON_SIZE, c in (0, 9), colour, max_lines=1,
                                               align=right if c >= 3 else None)], w, row_h, fill)
    r = len(cells) + 1
    if more:
        first = table.cell(r, 0)
        first.merge(table.cell(r, 2))
        slide.cell(first, [Para(f"… and {more:,} more, in the totals", ECON_SIZE, colour=CAPTION, max_lines=1)],
                   sum(widths[:3]), row_h, "#FFFFFF")
        for c in range(1, len(heads)):  # the merged-away cells too: every cell's text wraps
            slide.cell(table.cell(r, c), [Para("", ECON_SIZE)], widths[c], row_h, "#FFFFFF")
        r += 1
    for c, (text, w) in enumerate(zip(total, widths)):
        slide.cell(table.cell(r, c), [Para(text, ECON_SIZE, True, max_lines=1, align=right if c >= 3 else None)],
                   w, total_h, HEAD_FILL)
    if below:
        y = top + sum(heights) + gap
        slide.text(MARGIN, y, width, bottom - y, below)
    if more:
        slide.notes.append(f"In the totals but not in the table ({more:,}): "
                           + ", ".join(str(n) for n in rows["name"].iloc[len(shown):]) + ".")
    slide.notes += list(e.formulas)
    slide.finish()


def _plan_rows(plan: pd.DataFrame) -> list[list[str]]:
    rows, last = [], None
    for row in plan.to_dict("records"):
        phase = str(row["phase"])
        weeks = row.get("weeks")

        def text(column: str) -> str:
            value = row.get(column)
            return "" if value is None or pd.isna(value) else str(value)

        rows.append([phase if phase != last else "", text("activity"), text("owner"), text("status"),
                     day(row.get("start")), day(row.get("end")),
                     f"{float(weeks):g}" if weeks is not None and pd.notna(weeks) else ""])
        last = phase
    return rows


PLAN_HEADERS = ("Phase", "Activity", "Owner", "Status", "Start", "End", "Weeks")
PLAN_WIDTHS = (2.55, 4.3, 1.55, 1.15, 1.1, 1.1, 0.78)
PHASE_TINTS = ("#E8F1F8", "#FFFFFF")


def _plan_slides(prs: Any, content: DeckContent) -> None:
    plan = content.plan
    if plan is None or plan.empty:
        slide = _Slide(prs, SLIDE_TITLES["plan"], content.plan_note)
        slide.text(MARGIN, 1.6, 13.333 - 2 * MARGIN, 2.0, [Para("No engagement plan yet.", 18)])
        slide.finish()
        return
    size, head_h = 10.5, 0.4
    rows = _plan_rows(plan)
    heights = []
    for cells in rows:
        lines = max(min(len(_wrap(t, chars_per_line(w - 0.1, size))), 2) for t, w in zip(cells, PLAN_WIDTHS))
        heights.append(round(lines * size * LINE / 72 + 0.1, 3))
    phase_of = [str(p) for p in plan["phase"]]
    tints = {p: PHASE_TINTS[i % 2] for i, p in enumerate(dict.fromkeys(phase_of))}
    room = 7.5 - 0.45 - 1.4 - head_h
    start = 0
    page = 0
    while start < len(rows):
        stop, used = start, 0.0
        while stop < len(rows) and used + heights[stop] <= room:
            used += heights[stop]
            stop += 1
        stop = max(stop, start + 1)
        title = SLIDE_TITLES["plan"] + (" (continued)" if page else "")
        slide = _Slide(prs, title, content.plan_note)
        table = slide.table(stop - start + 1, len(PLAN_HEADERS), MARGIN, 1.4, PLAN_WIDTHS,
                            [head_h] + heights[start:stop])
        for c, (head, w) in enumerate(zip(PLAN_HEADERS, PLAN_WIDTHS)):
            slide.cell(table.cell(0, c), [Para(head, 11, True, "#FFFFFF", max_lines=1)], w, head_h, "#1B1F24")
        for r in range(start, stop):
            cells = list(rows[r])
            if r == start and not cells[0]:
                cells[0] = phase_of[r]  # a phase carried over to the next slide is named again
            for c, (text, w) in enumerate(zip(cells, PLAN_WIDTHS)):
                slide.cell(table.cell(r - start + 1, c), [Para(text, size, c == 0, max_lines=2)], w,
                           heights[r], tints[phase_of[r]])
        slide.finish()
        start, page = stop, page + 1


def render(content: DeckContent) -> bytes:
    """The hand-out as .pptx bytes: title, portfolio matrix, funnel, maturity, the focus accounts' economics, one
    slide per focus account, plan."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    _title_slide(prs, content)
    _matrix_slide(prs, content)
    _funnel_slide(prs, content)
    _maturity_slide(prs, content)
    _economics_slide(prs, content)
    for acc in content.accounts:
        _account_slide(prs, content, acc)
    _plan_slides(prs, content)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def empty_cells() -> pd.DataFrame:
    """A cell summary with every cell empty (a portfolio without opportunities)."""
    grid = pd.MultiIndex.from_product([vocab.NATURES.codes, vocab.APPROACHES.codes],
                                      names=["nature", "approach"]).to_frame(index=False)
    return grid.assign(count=0, value=0.0)


__all__ = ["MIME", "Decision", "DeckContent", "Economics", "FocusAccount", "fit_text", "render"]
