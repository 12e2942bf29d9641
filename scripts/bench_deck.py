"""Benchmark the workshop's PowerPoint hand-out: build_deck for 15 focus accounts, against a plain python-pptx baseline.

Usage: python scripts/bench_deck.py [--runs N] [--accounts N] [--strict]

Times the whole use case as the Data page's download and `gtm deck` run it (read the portfolio, judge it, choose
the 15 accounts with the most value at stake, render), and the rendering alone, on the demo portfolio; with
--accounts, also on a generated portfolio of that many accounts (100000: about ten opportunities each; seeding it
takes minutes). The baseline, in the same run, is python-pptx with nothing of ours: an empty presentation with
the same number of slides and tables, every cell's text set plainly (no fills, fonts or fitting). Reports the
median of N runs (5 by default) and the ratio to the baseline. Target: the deck for 15 focus accounts in 5 s or
less. With --strict the exit status is 1 when it is missed.
"""

from __future__ import annotations

import argparse
import gc
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pptx import Presentation
from pptx.util import Inches

from gtm.export import deck
from gtm.services import deck as deck_service
from gtm.services.demo import seed_demo
from gtm.storage.repository import Store

TARGET_S = 5.0


def median_of(runs: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    """Median wall time of ``runs`` calls, and the last result."""
    times, result = [], None
    for _ in range(runs):
        result = None
        gc.collect()
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def baseline(slides: int, tables: list[tuple[int, int]]) -> bytes:
    """python-pptx alone: ``slides`` slides with a title, ``tables`` (rows, columns) filled with plain text."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = deck.SLIDE_WIDTH, deck.SLIDE_HEIGHT
    layout = prs.slide_layouts[5]
    for i in range(slides):
        slide = prs.slides.add_slide(layout)
        slide.shapes.title.text = f"Slide {i + 1}"
        if i < len(tables):
            rows, cols = tables[i]
            table = slide.shapes.add_table(rows, cols, Inches(0.4), Inches(1.4), Inches(12), Inches(5)).table
            for r in range(rows):
                for c in range(cols):
                    table.cell(r, c).text = f"▲ {r * cols + c}\n$1.2M"
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def shape_of(data: bytes) -> tuple[int, list[tuple[int, int]]]:
    """The number of slides of a deck and the (rows, columns) of its tables."""
    prs = Presentation(io.BytesIO(data))
    tables = [(len(s.table.rows), len(s.table.columns)) for slide in prs.slides for s in slide.shapes if s.has_table]
    return len(prs.slides), tables


def bench(store: Store, label: str, runs: int) -> float:
    """Time build_deck, its rendering alone and the baseline on ``store``; print them; return build_deck's median."""
    deck_service.build_deck(store)  # warm: imports, the first read of the portfolio
    full, data = median_of(runs, lambda: deck_service.build_deck(store))
    gather, content = median_of(runs, lambda: deck_service.deck_content(store))
    render, _ = median_of(runs, lambda: deck.render(content))
    slides, tables = shape_of(data)
    base, _ = median_of(runs, lambda: baseline(slides, tables))
    print(f"{label}: {len(content.accounts)} focus accounts, {slides} slides, {len(tables)} tables, "
          f"{len(data):,} bytes")
    print(f"  build_deck (gather + render)  {full:7.3f} s   target <= {TARGET_S:.0f} s "
          f"{'ok' if full <= TARGET_S else 'MISSED'}")
    print(f"    gather the content          {gather:7.3f} s")
    print(f"    render the slides           {render:7.3f} s")
    print(f"  baseline (plain python-pptx)  {base:7.3f} s   render / baseline = {render / base:.1f}x, "
          f"build_deck / baseline = {full / base:.1f}x")
    return full


def _generated(folder: Path, accounts: int) -> Store:
    """A main workspace holding a generated portfolio of ``accounts`` accounts, imported as `gtm import` does."""
    from gtm.domain.permissions import ADMIN
    from gtm.ingest import demo
    from gtm.ingest.limits import Limits
    from gtm.services.imports import commit_import, plan_import

    start = time.perf_counter()
    frames = demo.generate(accounts=accounts)
    demo.write(frames, folder)
    store = Store(f"sqlite:///{folder / 'big.db'}")
    with store.transaction() as tx:
        store.upsert_business_units(tx, frames["business_units"])
    for kind in ("accounts", "opportunities"):
        plan = plan_import(store, kind, folder / f"{kind}.csv", limits=Limits.command_line())
        commit_import(store, plan, ADMIN, skip_invalid=True)
    print(f"seeded {accounts:,} accounts, {len(frames['opportunities']):,} opportunities in "
          f"{time.perf_counter() - start:.0f} s")
    return store


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (the median is reported)")
    parser.add_argument("--accounts", type=int, default=0, help="also a generated portfolio of N accounts")
    parser.add_argument("--strict", action="store_true", help="exit 1 when the 5 s target is missed")
    args = parser.parse_args()
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{Path(tmp) / 'gtm.db'}", workspace="demo")
        seed_demo(store)
        worst = max(worst, bench(store, "demo portfolio", args.runs))
        store.dispose()
        if args.accounts:
            big = _generated(Path(tmp), args.accounts)
            worst = max(worst, bench(big, f"generated portfolio of {args.accounts:,} accounts", args.runs))
            big.dispose()
    return 1 if args.strict and worst > TARGET_S else 0


if __name__ == "__main__":
    sys.exit(main())
