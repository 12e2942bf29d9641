"""The demo is a ready workshop: seeding (and a reset) carries out data/demo/workshop.json through the services."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from pptx import Presentation

from gtm.domain.permissions import Actor, Role
from gtm.domain.story import default_story
from gtm.services import design, lists, maturity, plans
from gtm.services.demo import seed_demo
from gtm.storage.repository import Store

ROOT = Path(__file__).resolve().parents[2]
FAY = Actor("Fay Chen", Role.FACILITATOR)


def _story_counts(store: Store) -> dict[str, object]:
    names = lists.list_versions(store)
    reviews = store.reviews()
    return {
        "lists": sorted(zip(names["name"], names["stage"], names["accounts"])),
        "dates": len(maturity.dates(store)),
        "assessments": sum(len(maturity.scored_by(store, "organisation", d)) for d in maturity.dates(store)),
        "plans": len(plans.versions(store)),
        "decisions": len(store.decisions()),
        "verdicts": sorted(set(reviews["verdict"])),
        "scenarios": len(design.scenarios(store)),
    }


def test_seeding_creates_the_deck_s_whole_story(db_url: str) -> None:
    demo = Store(db_url, workspace="demo")
    seed_demo(demo, workshop_story=True)
    story = default_story()
    found = _story_counts(demo)
    assert found["lists"] == [("Focus list", "focus", 15), ("Shortlist", "short", 50)]
    focus = lists.latest_list(demo, "Focus list")
    assert focus is not None and focus["target_value"] == story.focus.target_value and focus["target_years"] == 3
    picks = lists.picks(demo, int(lists.latest_list(demo, "Shortlist")["list_id"]))  # type: ignore[index]
    assert picks["bu"].nunique() >= 4  # several BU leaders picked
    assert found["dates"] == 2 and found["assessments"] == sum(len(a.people) for a in story.maturity)
    assert maturity.dates(demo)[0] == date.today() - timedelta(days=91)
    saved = plans.latest_plan(demo)
    assert saved is not None
    statuses = {a.status for p in saved[0].phases for a in p.activities}
    owners = {a.owner for p in saved[0].phases for a in p.activities}
    assert {"done", "in progress", "not started"} <= statuses and "" not in owners
    assert found["decisions"] == 3 and found["verdicts"] == ["approved", "challenged"]  # and one pending
    assert found["scenarios"] == 1
    # A reset makes the same story again, never twice.
    seed_demo(demo, reset=True, actor=FAY, confirm="demo", workshop_story=True)
    assert _story_counts(demo) == found
    # ... and without its workshop, the portfolio alone.
    seed_demo(demo, reset=True, actor=FAY, confirm="demo", workshop_story=False)
    bare = _story_counts(demo)
    assert bare["lists"] == [] and bare["dates"] == 0 and bare["decisions"] == 0 and bare["scenarios"] == 0
    demo.dispose()


def test_the_fresh_demo_s_hand_out_tells_the_story(tmp_path: Path) -> None:
    """`gtm deck --workspace demo` on a fresh install: the funnel 400 -> 50 -> 15, the radar, 15 accounts, the plan."""
    url = f"sqlite:///{tmp_path / 'gtm.db'}"
    target = tmp_path / "hand-out.pptx"
    env = {"GTM_DEMO_WORKSHOP": "1"}
    done = subprocess.run([sys.executable, "-m", "gtm", "deck", "-o", str(target), "--workspace", "demo",
                           "--database", url], capture_output=True, text=True, cwd=ROOT, timeout=300,
                          env={**os.environ, **env})
    assert done.returncode == 0, done.stderr
    prs = Presentation(str(target))
    texts = ["\n".join(sh.text_frame.text for sh in s.shapes if sh.has_text_frame) for s in prs.slides]
    funnel = next(t for t in texts if t.startswith("Key accounts: the funnel"))
    assert "400 accounts" in funnel and "50 accounts" in funnel and "15 accounts" in funnel
    maturity_slide = next(t for t in texts if t.startswith("Maturity"))
    assert "No maturity assessment yet" not in maturity_slide
    assert sum(1 for t in texts if "● Current structure" in t) == 15
    assert any(t.startswith("The engagement plan") and "Today" in t for t in texts)
