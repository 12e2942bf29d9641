"""Server-side run time of each page on the demo portfolio, and of a live matrix-band edit.

Runs the real app in Streamlit's AppTest (the same script runner the server uses) against a fresh
SQLite file seeded with the demo portfolio. For each page it reports the first (cold) run and the
median of later runs, which hit the data-version cache; as the baseline in the same run it times
the same page with every cache cleared before each run. Target: <= 300 ms per page after the first
run; a matrix-band edit reflected in <= 300 ms.

    python scripts/bench_pages.py [--runs 7] [--accounts N]

With --accounts N the portfolio is the demo generator's at N accounts (about 9 opportunities each),
imported through the same import code users run, instead of the bundled 400-account demo.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["pages/start.py", "pages/portfolio.py", "pages/account.py", "pages/diagnose.py", "pages/review.py",
         "pages/matrix.py", "pages/key_accounts.py", "pages/structures.py", "pages/design.py", "pages/scenarios.py",
         "pages/data.py", "pages/exports.py"]
TARGET_MS = 300.0


def _seed_generated(url: str, accounts: int, folder: Path) -> None:
    """Fill the database with a generated portfolio of ``accounts`` accounts through the import services."""
    from gtm.domain.permissions import ADMIN
    from gtm.ingest import demo
    from gtm.ingest.limits import Limits
    from gtm.services import portfolio as portfolio_service
    from gtm.services.imports import commit_import, plan_import
    from gtm.storage.repository import Store

    start = time.perf_counter()
    frames = demo.generate(accounts=accounts)
    demo.write(frames, folder)
    store = Store(url)
    with store.transaction() as tx:
        store.upsert_business_units(tx, frames["business_units"])
    for kind in ("accounts", "opportunities"):
        plan = plan_import(store, kind, folder / f"{kind}.csv", limits=Limits.command_line())  # as `gtm import`
        commit_import(store, plan, ADMIN, skip_invalid=True)
    portfolio_service.frames(store)  # as `gtm import` does: the pages' snapshot of a large portfolio
    print(f"seeded {accounts:,} accounts, {len(frames['opportunities']):,} opportunities in "
          f"{time.perf_counter() - start:.0f} s")


def _timed(at: Any) -> float:
    """One run of the page in ``at``, in milliseconds; a page that raises stops the benchmark."""
    t0 = time.perf_counter()
    at.run()
    elapsed = (time.perf_counter() - t0) * 1000
    if at.exception:
        raise SystemExit(f"page raised: {at.exception[0].message}")
    return elapsed


def _app() -> Any:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.run()
    return at


def page_times(page: str, runs: int, uncached_runs: int = 0) -> tuple[float, float, float | None]:
    """First run (cold caches), median of ``runs`` later runs and, with ``uncached_runs``, the median of runs
    with every cache cleared first, in ms. GTM_DATABASE_URL names the database; the working directory is ROOT."""
    import streamlit as st

    at = _app()
    at.switch_page(page)
    st.cache_data.clear()
    st.cache_resource.clear()  # cold: the portfolio is read from the database again (the store is reopened too)
    first = _timed(at)
    cached = statistics.median(_timed(at) for _ in range(max(1, runs)))
    uncached_list = []
    for _ in range(uncached_runs):
        st.cache_data.clear()
        st.cache_resource.clear()
        uncached_list.append(_timed(at))
    return first, cached, statistics.median(uncached_list) if uncached_list else None


def band_edit_times(runs: int) -> tuple[float, float]:
    """A live band edit on the Matrix page (the facilitator drags one slider; the portfolio is re-judged):
    the first edit and the median of the later ones, in ms."""
    at = _app()
    at.switch_page("pages/matrix.py")
    at.run()
    edits = []
    options = [("traditional_sales", "lead_unit"), ("coordinated_incentives", "lead_unit")]
    for i in range(max(2, runs)):
        at.select_slider(key="mx_band_qualification").set_value(options[i % 2])
        edits.append(_timed(at))
    return edits[0], statistics.median(edits[1:])


def draft_portfolio_times(runs: int) -> tuple[float, float]:
    """The Portfolio page showing an unsaved band draft (the facilitator edits a band, then shows its effect): the
    first run after the edit and the median of later ones, in ms."""
    at = _app()
    at.switch_page("pages/matrix.py")
    at.run()
    at.select_slider(key="mx_band_qualification").set_value(("traditional_sales", "lead_unit"))
    at.run()
    at.switch_page("pages/portfolio.py")
    first = _timed(at)
    return first, statistics.median(_timed(at) for _ in range(max(1, runs)))


def cell_click_times(runs: int) -> tuple[float, float]:
    """A click on a cell of the Portfolio matrix (its accounts and opportunities listed): the first click on a cell
    and the median of later runs with it open, in ms."""
    at = _app()
    at.switch_page("pages/portfolio.py")
    at.run()
    at.session_state["pf_matrix"] = {"selection": {"points": [{"customdata": ["cross_sell", "traditional_sales"]}],
                                                   "point_indices": [0], "box": [], "lasso": []}}
    first = _timed(at)
    return first, statistics.median(_timed(at) for _ in range(max(1, runs)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--accounts", type=int, default=0, help="a generated portfolio of N accounts")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp()
    os.environ["GTM_DATABASE_URL"] = f"sqlite:///{tmp}/bench.db"
    os.environ["GTM_SEED_DEMO"] = "1"
    if args.accounts:
        _seed_generated(os.environ["GTM_DATABASE_URL"], args.accounts, Path(tmp))
    os.chdir(ROOT)
    _app()  # seeds the demo portfolio once, outside the timings

    print(f"{'page':<22}{'first run':>12}{'median after':>15}{'uncached':>12}{'ratio':>8}  target <= {TARGET_MS:.0f} ms")
    for page in PAGES:
        first, cached, uncached = page_times(page, args.runs, max(3, args.runs // 2))
        assert uncached is not None
        verdict = "PASS" if cached <= TARGET_MS else "MISS"
        print(f"{page:<22}{first:>10.0f}ms{cached:>13.0f}ms{uncached:>10.0f}ms{uncached / cached:>7.1f}x  {verdict}")

    first_edit, edit = band_edit_times(args.runs)
    print(f"{'matrix band edit':<22}{first_edit:>10.0f}ms{edit:>13.0f}ms{'':>12}{'':>8}  "
          f"{'PASS' if edit <= TARGET_MS else 'MISS'}")
    for label, (first_run, later) in (("portfolio with draft", draft_portfolio_times(args.runs)),
                                      ("portfolio cell click", cell_click_times(args.runs))):
        print(f"{label:<22}{first_run:>10.0f}ms{later:>13.0f}ms{'':>12}{'':>8}  {'PASS' if later <= TARGET_MS else 'MISS'}")
    print("\nfirst run: cold caches; median after: later reruns (cached on data version and matrix);")
    print("uncached: every cache cleared before each run (the baseline); ratio = uncached / median after.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
