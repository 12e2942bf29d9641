"""The engagement plan as a timeline of native shapes: phases as bands, activities as bars on a time axis with
month ticks, today marked, each activity's owner and status written beside it.

A plan too long for one slide goes on the next ones (the same axis, the phase named again) rather than being set
smaller than legible.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR

from gtm.export.deck.content import SLIDE_TITLES, DeckContent, day
from gtm.export.deck.layout import (
    CAPTION,
    MARGIN,
    SLIDE_H,
    SLIDE_W,
    Para,
    Slide,
    needed_height,
)

ACT_X, ACT_W = MARGIN, 4.1
OWNER_X, OWNER_W = ACT_X + ACT_W + 0.05, 1.65
STATUS_X, STATUS_W = OWNER_X + OWNER_W + 0.05, 0.95
AXIS_X = STATUS_X + STATUS_W + 0.15
AXIS_W = SLIDE_W - MARGIN - AXIS_X - 0.05
HEAD_Y, TODAY_Y, ROWS_Y = 1.3, 1.56, 1.8
ROWS_BOTTOM = SLIDE_H - 0.7  # the legend below
SIZE = 11
PHASE_H, MIN_ROW_H, BAR_H = 0.32, 0.26, 0.17
BAND_TINTS = ("#EAF1F8", "#F6F6F6")
TICK, TODAY = "#A6A6A6", "#C00000"  # today's red on white: 5.9:1
# Each status's bar: its fill and outline (its word is written beside it: the colour never says it alone).
STATUS_BARS = {"done": ("#2B7A5E", None), "in progress": ("#0072B2", None), "not started": ("#FFFFFF", "#595959"),
               "blocked": ("#D55E00", None)}
PHASE_BAR = "#1B1F24"


@dataclass(frozen=True)
class Row:
    """One line of the timeline: a phase's header or an activity."""

    kind: str  # "phase" or "activity"
    phase: str
    height: float
    record: dict[Any, Any]


def _text(value: Any) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value).strip()


def _weeks(w: float) -> str:
    return f"{w:g} week{'' if w == 1 else 's'}"


def _activity_paras(record: dict[Any, Any]) -> tuple[list[Para], list[Para], list[Para]]:
    owner = _text(record.get("owner"))
    return ([Para(_text(record.get("activity")), SIZE, max_lines=3)],
            [Para(owner or "owner not set", SIZE, colour="#1B1F24" if owner else CAPTION, max_lines=2)],
            [Para(_text(record.get("status")) or "not known", SIZE, max_lines=2)])


def _phase_words(phase: str, start: date, end: date, continued: bool = False) -> str:
    weeks = (pd.Timestamp(end) - pd.Timestamp(start)).days / 7
    return f"{phase}{' (continued)' if continued else ''} · {_weeks(round(weeks, 1))}"


def timeline_rows(plan: pd.DataFrame) -> list[Row]:
    """The plan's lines in order, each phase's header before its activities, each as tall as its words need."""
    rows: list[Row] = []
    frame = plan.reset_index(drop=True)
    for phase, group in frame.groupby(frame["phase"].astype(str), sort=False):
        start, end = min(group["start"]), max(group["end"])
        words = Para(_phase_words(str(phase), start, end), 12, True, max_lines=2)
        rows.append(Row("phase", str(phase), max(PHASE_H, needed_height([words], AXIS_X - ACT_X - 0.1)),
                        {"phase": phase, "start": start, "end": end}))
        for record in group.to_dict("records"):
            act, owner, status = _activity_paras(record)
            need = max(needed_height(act, ACT_W), needed_height(owner, OWNER_W), needed_height(status, STATUS_W))
            rows.append(Row("activity", str(phase), max(MIN_ROW_H, round(need, 3)), record))
    return rows


def pages(rows: list[Row], room: float) -> list[list[Row]]:
    """The rows split into slides of at most ``room`` inches: a phase that fits a slide of its own is not split; one
    that does not is continued on the next slide, its header repeated."""
    out: list[list[Row]] = []
    page: list[Row] = []
    used = 0.0
    i = 0
    while i < len(rows):
        row = rows[i]
        if row.kind == "phase":
            block = [row]
            j = i + 1
            while j < len(rows) and rows[j].kind == "activity":
                block.append(rows[j])
                j += 1
            block_h = sum(r.height for r in block)
            if page and used + block_h > room and block_h <= room:
                out.append(page)
                page, used = [], 0.0
        if page and used + row.height > room:
            out.append(page)
            page, used = [], 0.0
            if row.kind == "activity":  # the phase goes on: its header again, said to be continued
                header = next(r for r in reversed(rows[:i]) if r.kind == "phase")
                page.append(Row("phase", header.phase, header.height, {**header.record, "continued": True}))
                used = header.height
        page.append(row)
        used += row.height
        i += 1
    if page:
        out.append(page)
    return out


class Axis:
    """Dates to inches on the time axis."""

    def __init__(self, start: date, end: date) -> None:
        self.start, self.end = pd.Timestamp(start), pd.Timestamp(end)
        self.days = max(1, (self.end - self.start).days)

    def x(self, d: Any) -> float:
        """The x in inches of the date ``d``."""
        return AXIS_X + (pd.Timestamp(d) - self.start).days / self.days * AXIS_W

    def months(self) -> list[pd.Timestamp]:
        """The first day of every month after the start, up to the end."""
        first = (self.start + pd.offsets.MonthBegin(1)).normalize()
        return list(pd.date_range(first, self.end, freq="MS"))


def _draw_axis(slide: Slide, axis: Axis, bottom: float, today: date) -> None:
    months = axis.months()
    month_w = AXIS_W * 30.4 / axis.days
    every = 1 if month_w >= 0.75 else 2 if month_w >= 0.38 else 3 if month_w >= 0.26 else 6
    starts = [axis.start, *months]
    for m in months:
        slide.shape(MSO_SHAPE.RECTANGLE, axis.x(m), HEAD_Y + 0.27, 0.01, bottom - HEAD_Y - 0.27, TICK,
                    name="Month tick")
    for k, m in enumerate(starts):
        if k % every:
            continue
        x = axis.x(m)
        nxt = starts[k + every] if k + every < len(starts) else axis.end
        w = min(axis.x(nxt), AXIS_X + AXIS_W) - x
        if w < 0.55:
            continue
        label = f"{m:%b}" if (m.month != 1 and k) else f"{m:%b %Y}"
        slide.text(x, HEAD_Y, w, 0.28, [Para(label, SIZE, colour=CAPTION, max_lines=1, min_size=SIZE)],
                   name="Month label")
    t = pd.Timestamp(today)
    if axis.start <= t <= axis.end:
        x = axis.x(t)
        slide.shape(MSO_SHAPE.RECTANGLE, x - 0.015, TODAY_Y + 0.2, 0.03, bottom - TODAY_Y - 0.2, TODAY, name="Today")
        label_w = 1.5
        lx = min(max(AXIS_X, x - label_w / 2), SLIDE_W - MARGIN - label_w)
        slide.text(lx, TODAY_Y - 0.03, label_w, 0.26, [Para(f"Today, {day(today)}", SIZE, True, TODAY, max_lines=1,
                                                            align=None, min_size=SIZE)],
                   anchor=MSO_ANCHOR.MIDDLE, name="Today label")


def _legend(slide: Slide, axis: Axis, today: date) -> None:
    y = ROWS_BOTTOM + 0.08
    x = MARGIN
    for status, (fill, line) in STATUS_BARS.items():
        slide.shape(MSO_SHAPE.RECTANGLE, x, y + 0.06, 0.3, BAR_H, fill, line, name="Legend bar")
        slide.text(x + 0.35, y, 1.05, 0.3, [Para(status, SIZE, max_lines=1, min_size=SIZE)],
                   anchor=MSO_ANCHOR.MIDDLE)
        x += 1.45
    t = pd.Timestamp(today)
    where = ("the red line is today" if axis.start <= t <= axis.end else
             f"today ({day(today)}) is {'before the plan starts' if t < axis.start else 'after the plan ends'}")
    slide.text(x, y, SLIDE_W - MARGIN - x, 0.5, [Para(f"Bars: each activity's weeks, coloured by its status; {where}.",
                                                      SIZE, colour=CAPTION)], anchor=MSO_ANCHOR.TOP)


def _draw_rows(slide: Slide, axis: Axis, page: list[Row], first_index: int) -> float:
    y, band, n = ROWS_Y, -1, first_index
    # Phase bands first, behind everything else on their rows.
    spans: list[tuple[float, float]] = []
    for row in page:
        if row.kind == "phase":
            spans.append((y, 0.0))
        top, h = spans[-1]
        spans[-1] = (top, h + row.height)
        y += row.height
    for k, (top, h) in enumerate(spans):
        slide.shape(MSO_SHAPE.RECTANGLE, MARGIN, top, SLIDE_W - 2 * MARGIN, h, BAND_TINTS[k % 2],
                    name=f"Phase band {k + 1}")
    y = ROWS_Y
    for row in page:
        r = row.record
        if row.kind == "phase":
            band += 1
            words = _phase_words(row.phase, r["start"], r["end"], bool(r.get("continued")))
            slide.text(ACT_X, y, AXIS_X - ACT_X - 0.1, row.height, [Para(words, 12, True, max_lines=2)],
                       anchor=MSO_ANCHOR.MIDDLE, name="Phase")
            x0, x1 = axis.x(r["start"]), axis.x(r["end"])
            slide.shape(MSO_SHAPE.RECTANGLE, x0, y + row.height / 2 - 0.04, max(0.02, x1 - x0), 0.08, PHASE_BAR,
                        name="Phase span")
        else:
            n += 1
            act, owner, status = _activity_paras(r)
            slide.text(ACT_X, y, ACT_W, row.height, act, anchor=MSO_ANCHOR.MIDDLE, name=f"Activity {n}")
            slide.text(OWNER_X, y, OWNER_W, row.height, owner, anchor=MSO_ANCHOR.MIDDLE, name=f"Owner {n}")
            slide.text(STATUS_X, y, STATUS_W, row.height, status, anchor=MSO_ANCHOR.MIDDLE, name=f"Status {n}")
            fill, line = STATUS_BARS.get(_text(r.get("status")), ("#BFBFBF", None))
            x0, x1 = axis.x(r["start"]), axis.x(r["end"])
            slide.shape(MSO_SHAPE.RECTANGLE, x0, y + (row.height - BAR_H) / 2, max(0.03, x1 - x0), BAR_H, fill,
                        line, name=f"Bar {n}")
        y += row.height
    return y


def plan_slides(prs: Any, content: DeckContent) -> None:
    """The plan's timeline on as many slides as it needs; a sentence when there is no plan."""
    plan = content.plan
    if plan is None or plan.empty:
        slide = Slide(prs, SLIDE_TITLES["plan"], content.plan_note)
        slide.text(MARGIN, 1.6, SLIDE_W - 2 * MARGIN, 1.6, [Para(
            "No engagement plan saved yet: save one on the Plan page (it starts from the deck's three phases) and its "
            "timeline shows here.", 20)])
        slide.finish()
        return
    axis = Axis(min(plan["start"]), max(plan["end"]))
    chunks = pages(timeline_rows(plan), ROWS_BOTTOM - ROWS_Y)
    done = 0
    for p, page in enumerate(chunks):
        title = SLIDE_TITLES["plan"] + (" (continued)" if p else "")
        slide = Slide(prs, title, content.plan_note)
        for x, w, words in ((ACT_X, ACT_W, "Activity"), (OWNER_X, OWNER_W, "Owner"), (STATUS_X, STATUS_W, "Status")):
            slide.text(x, HEAD_Y, w, 0.28, [Para(words, SIZE, True, CAPTION, max_lines=1, min_size=SIZE)])
        bottom = _draw_rows(slide, axis, page, done)
        _draw_axis(slide, axis, bottom, content.made_on)
        _legend(slide, axis, content.made_on)
        activities = [r.record for r in page if r.kind == "activity"]
        slide.notes += [f"Phase {r.phase}: {day(r.record['start'])} to {day(r.record['end'])}." for r in page
                        if r.kind == "phase" and not r.record.get("continued")]
        slide.notes.append("Each activity: its dates (the end is the day the next may start), weeks, owner, status.")
        slide.notes += [f"- {_text(a.get('activity'))}: {day(a.get('start'))} to {day(a.get('end'))}, "
                        f"{_weeks(float(a.get('weeks') or 0))}, {_text(a.get('owner')) or 'owner not set'}, "
                        f"{_text(a.get('status')) or 'status not known'}" for a in activities]
        done += len(activities)
        slide.finish()
