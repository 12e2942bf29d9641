"""AppTest: every chart on every page is sent to the browser with its text at 14 px or more in presentation mode
(12 px otherwise) and in a colour chosen for it, read from the figures the pages send (issue 23, part 2, item 4).
Chromium measures the same as drawn, with contrast, overlaps and cuts: tests/browser/test_chart_legibility.py.

The Plan page's timeline: every activity's name whole (wrapped, never cut with an ellipsis) in a row as tall as its
lines, and today's label above the dates, turned inwards near either end of the plan so that it is never cut."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from chart_text import smaller_than  # tests/chart_text.py (rootdir-relative, no package)
from streamlit.testing.v1 import AppTest
from test_apptest import run  # tests/pages/test_apptest.py (rootdir-relative, no package)

from gtm.domain import plan as plan_rules
from gtm.domain.permissions import Actor, Role
from gtm.services import plans
from gtm.storage.repository import Store

ROOT = Path(__file__).resolve().parents[2]
# The pages that draw charts, and how many each draws on the demo with its workshop (tabs are all drawn).
CHARTS = {"pages/portfolio.py": 1, "pages/account.py": 1, "pages/matrix.py": 1, "pages/key_accounts.py": 2,
          "pages/maturity.py": 1, "pages/plan.py": 1, "pages/design.py": 2, "pages/scenarios.py": 1}
LEAST = {"1": 14, "0": 12}  # ?present=: the smallest chart text, in CSS px


def specs(at: AppTest) -> list[dict[str, Any]]:
    """The Plotly figures a run sends to the browser, as JSON."""
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


@pytest.mark.parametrize("present", list(LEAST))
@pytest.mark.parametrize("page", list(CHARTS))
def test_every_chart_sends_its_text_at_the_floor_in_a_chosen_colour(demo_db: str, page: str, present: str) -> None:
    figures = specs(run(page, present=present))
    assert len(figures) == CHARTS[page], page
    for spec in figures:
        assert not smaller_than(spec, LEAST[present]), (page, smaller_than(spec, LEAST[present]))
        layout = spec["layout"]
        # Streamlit's chart theme would draw whatever has no colour in a grey of 3.7:1 on white.
        assert layout["font"].get("color"), (page, layout["font"])
        for name in [k for k in layout if k.startswith(("xaxis", "yaxis")) and layout[k].get("visible") is not False]:
            assert layout[name]["tickfont"].get("color"), (page, name)
        assert all(note["font"].get("color") for note in layout.get("annotations", [])), page


def test_every_page_draws_its_charts_through_the_one_legible_helper() -> None:
    """A chart drawn with st.plotly_chart itself would skip charts.legible: only widgets.chart calls it."""
    direct = [str(p.relative_to(ROOT)) for p in [ROOT / "app.py", *sorted((ROOT / "pages").rglob("*.py"))]
              if "plotly_chart(" in p.read_text(encoding="utf-8") and p.name != "widgets.py"]
    assert not direct, direct


def _save_plan(db: str, start: date, name: str = "Long names") -> str:
    """A plan whose first activity has a name of 150 characters, from ``start``; returns that name."""
    long_name = " ".join(["Interview the buying centre of every focus account"] * 3)
    plan = plans.default_plan()
    first = plan.phases[0]
    phases = (first.model_copy(update={"activities": (first.activities[0].model_copy(update={"name": long_name}),
                                                      *first.activities[1:])}), *plan.phases[1:])
    store = Store(db)
    try:
        plans.save_plan(store, Actor("Fay Chen", Role.FACILITATOR), name, start, plan_rules.Plan(phases=phases))
    finally:
        store.dispose()
    return long_name


def _timeline(present: str) -> dict[str, Any]:
    return specs(run("pages/plan.py", present=present))[0]["layout"]


@pytest.mark.parametrize("present", list(LEAST))
def test_a_long_activity_name_is_whole_on_the_timeline_in_a_row_as_tall_as_its_lines(bare_demo_db: str,
                                                                                    present: str) -> None:
    long_name = _save_plan(bare_demo_db, date.today())
    axis = _timeline(present)["yaxis"]
    labels, centres = axis["ticktext"], axis["tickvals"]
    assert not any("…" in label for label in labels)
    wrapped = next(i for i, label in enumerate(labels) if label.startswith("Interview"))
    lines = labels[wrapped].split("<br>")
    assert " ".join(lines) == long_name and len(lines) == 3 and max(map(len, lines)) <= 56
    # Rows stand a line apart, the long one three: its middle is two lines from its neighbours'.
    assert centres[wrapped] - centres[wrapped - 1] == 2 and centres[wrapped + 1] - centres[wrapped] == 2
    assert centres[wrapped + 2] - centres[wrapped + 1] == 1


@pytest.mark.parametrize(("days_in", "anchor"), [(0, "left"), (90, "center"), (-1, "right")])
def test_todays_label_stands_above_the_dates_and_inside_the_chart(bare_demo_db: str, days_in: int,
                                                                  anchor: str) -> None:
    # The default plan's 27 weeks: today on its first day, in its middle, on its last day.
    length = plan_rules.schedule(plans.default_plan(), date.today()).end - date.today()
    _save_plan(bare_demo_db, date.today() - timedelta(days=days_in if days_in >= 0 else length.days))
    layout = _timeline("1")
    today = next(n for n in layout["annotations"] if n["text"].startswith("Today"))
    size = layout["xaxis"]["tickfont"]["size"]
    assert today["xanchor"] == anchor
    assert today["yshift"] >= 2 * 1.3 * size  # above the two lines of the dates (day and month, the year)
    assert layout["margin"]["t"] >= today["yshift"] + 1.3 * today["font"]["size"]  # and inside the chart's top
    assert re.fullmatch(r"Today, \d\d \w{3}", today["text"])
