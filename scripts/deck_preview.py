"""Preview the workshop's hand-out as a facilitator would hand it out: after a full workshop, and before one.

Usage: python scripts/deck_preview.py [--out DIR] [--png]

Builds two demo workspaces in a temporary SQLite database, through the services a workshop uses:

- ``full``: the shortlist of the 50 accounts with the most pipeline, a focus list of 15 with the case's target
  ($3.5B over 3 years), decisions on three of them (one challenged), three people's maturity scores and a saved
  plan with owners and statuses that started five weeks ago;
- ``bare``: the demo as loaded (no list, no assessment, no plan);
- ``small``: the main workspace holding only the demo's first 8 accounts and their opportunities (no BU, no list):
  empty cells in the matrix, no value at stake, sections without data.

Writes DIR/full.pptx, DIR/bare.pptx and DIR/small.pptx (DIR: test-artifacts/deck). With --png, and LibreOffice's ``soffice`` and
poppler's ``pdftoppm`` on the PATH, also renders every slide to DIR/<deck>-NN.png at 60 dpi to look at.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from gtm.domain import funnel
from gtm.domain.permissions import ADMIN, Actor, Role
from gtm.ingest import demo
from gtm.services import decisions, imports, lists, maturity, plans
from gtm.services import deck as deck_service
from gtm.services.demo import seed_demo
from gtm.services.portfolio import frames
from gtm.storage.repository import Store


def full_workshop(store: Store, today: date) -> None:
    """The demo after a workshop: lists, decisions, maturity scores and a plan, through the services."""
    seed_demo(store)
    data = frames(store)
    pipeline = funnel.account_pipeline(data["opportunities"])["value"].sort_values(ascending=False, kind="stable")
    short = [str(a) for a in pipeline.index[:50]]
    lists.save_list(store, ADMIN, "Shortlist", "short", short)
    focus = short[::3][:15]
    lists.save_list(store, ADMIN, "Focus list", "focus", focus, target_value=3.5e9, target_years=3)
    first = decisions.record_decision(store, ADMIN, focus[0], "lead_unit", "Agreed with both BU heads in the room.")
    decisions.review_decision(store, ADMIN, first, "challenged", "Not before the BU heads agree.")
    decisions.record_decision(store, ADMIN, focus[1], "overlay_advisory", "Try the overlay for a year.")
    decisions.record_decision(store, ADMIN, focus[2], "common_front_end", "One front end for the whole account.")
    codes = [d.code for d in maturity.DIMENSIONS]
    for i, name in enumerate(("Sam", "Hans", "Ines")):
        scores = {c: 1 + (i + k) % 5 for k, c in enumerate(codes)}
        maturity.record_assessment(store, Actor(name, Role.FACILITATOR), "organisation", today, scores)
    plan = plans.default_plan()
    owners = ("Programme executive", "Fay (facilitator)", "BU heads", "Point persons")
    statuses = ("done", "in progress", "not started", "blocked")
    phases = []
    for p, phase in enumerate(plan.phases):
        acts = tuple(a.model_copy(update={"owner": owners[(p + k) % len(owners)],
                                          "status": statuses[min(p + (k % 2), 2)] if p < 2 else "not started"})
                     for k, a in enumerate(phase.activities))
        phases.append(phase.model_copy(update={"activities": acts}))
    plans.save_plan(store, ADMIN, "Workshop plan", today - timedelta(weeks=5),
                    plan.model_copy(update={"phases": tuple(phases)}), "Focus list")


def small_portfolio(store: Store) -> None:
    """A few of the demo's accounts and their opportunities, imported into ``store`` as a user would."""
    accounts = pd.read_csv(demo.DEMO_DIR / "accounts.csv", dtype=str).head(8)
    opps = pd.read_csv(demo.DEMO_DIR / "opportunities.csv", dtype=str)
    opps = opps[opps["account_id"].isin(accounts["account_id"])].drop(columns=["bu"])
    for kind, frame in (("accounts", accounts), ("opportunities", opps)):
        plan = imports.plan_import(store, kind, frame.to_csv(index=False).encode(), name=f"{kind}.csv")
        imports.commit_import(store, plan, ADMIN, skip_invalid=True)


def render_pngs(pptx: Path) -> list[Path]:
    """Every slide of ``pptx`` as a PNG beside it (LibreOffice, then pdftoppm at 60 dpi)."""
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(pptx.parent), str(pptx)],
                   check=True, capture_output=True, timeout=300)
    pdf = pptx.with_suffix(".pdf")
    for old in pptx.parent.glob(f"{pptx.stem}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(pptx.parent / pptx.stem)], check=True, timeout=300)
    return sorted(pptx.parent.glob(f"{pptx.stem}-*.png"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="test-artifacts/deck", help="where to write the decks (and PNGs)")
    parser.add_argument("--png", action="store_true", help="render every slide to PNG (needs soffice, pdftoppm)")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    today = date.today()
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("full", "bare", "small"):
            store = Store(f"sqlite:///{Path(tmp) / f'{name}.db'}", workspace="main" if name == "small" else "demo")
            try:
                if name == "full":
                    full_workshop(store, today)
                elif name == "bare":
                    seed_demo(store)
                else:
                    small_portfolio(store)
                target = out / f"{name}.pptx"
                target.write_bytes(deck_service.build_deck(store))
                print(f"wrote {target}")
            finally:
                store.dispose()
            if args.png:
                missing = [tool for tool in ("soffice", "pdftoppm") if shutil.which(tool) is None]
                if missing:
                    print(f"--png needs {' and '.join(missing)} on the PATH (Debian: libreoffice-impress, "
                          "poppler-utils); no PNG written", file=sys.stderr)
                    return 2
                pngs = render_pngs(target)
                print(f"rendered {len(pngs)} slides: {pngs[0].parent}/{name}-NN.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
