"""Server-side run time of each page and of a live band edit, on the demo or at 100,000 accounts, against a baseline
measured in the same run.

    python scripts/bench_pages.py [--runs 7] [--accounts N | --database URL] [--pages matrix,diagnose]
                                  [--baseline REF] [--browser] [--json FILE]

The pages run in Streamlit's AppTest, the script runner the server uses, against a SQLite file seeded with the demo
portfolio (with ``--accounts N``: the demo generator's portfolio of N accounts, about 9 opportunities each, imported
through the import services; with ``--database URL``: a portfolio already there, in its main workspace). A server
compiles each page once and keeps its bytecode; AppTest compiles it on every run, so the script shares one compiled
cache across runs as the server does. Each set of figures is measured in a child process.

Reported, per page: the first run (every cache cleared: the portfolio is read again), the median of later runs
(warm caches), and the median with every cache cleared before each run; for the Matrix page's band edit: a band
seen before, a new band each time (a facilitator dragging), the Portfolio page showing the draft and a click on a
cell. AppTest has no fragment runs: a band edit there is a run of the whole page, an upper bound of the server's run
of the band editor alone (``--browser`` measures that).

Baselines in the same run:

- ``uncached``: the same page with every cache cleared first (the ratio is uncached / later runs);
- the band edit's work (judge the portfolio under a new band, its figures, its recommendations and what changes)
  done by a plain pandas implementation over the same frames, against ours (the ratio is plain / ours);
- with ``--baseline REF``: every figure again on the code of git REF (``git archive``, in a temporary folder: the
  previous code path), on the same database; the ratio is REF / ours.

``--browser`` also starts ``streamlit run`` on the same database (and on REF's code with ``--baseline``) and presses
the arrow keys on a band's slider in Chromium: the time from the key press until the page is settled (the server
logged the run, the app says it is not running, no element is stale) and the server's own run time of it
(GTM_TIMING_LOG), for new bands and bands seen before. Target: 300 ms at the server after the first run, 1 s in
Chromium.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["pages/start.py", "pages/portfolio.py", "pages/account.py", "pages/diagnose.py", "pages/review.py",
         "pages/matrix.py", "pages/key_accounts.py", "pages/structures.py", "pages/design.py", "pages/scenarios.py",
         "pages/data.py", "pages/exports.py"]
TARGET_MS = 300.0
BROWSER_TARGET_MS = 1000.0


# ---------------------------------------------------------------------------------------------- seeding


def _seed_generated(url: str, accounts: int, folder: Path) -> None:
    """Fill the database with a generated portfolio of ``accounts`` accounts through the import services."""
    from gtm.domain.permissions import ADMIN
    from gtm.ingest import demo
    from gtm.ingest.limits import Limits
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
    store.dispose()
    print(f"seeded {accounts:,} accounts, {len(frames['opportunities']):,} opportunities in "
          f"{time.perf_counter() - start:.0f} s", flush=True)


# ---------------------------------------------------------------------------------------------- in the child


def _share_compiled_pages() -> None:
    """Make AppTest run a page as a server does. AppTest compiles every page on every run (a new ScriptCache per
    run); a server compiles each once: one cache is shared across runs. And AppTest forgets on every run that the
    app navigates with st.navigation (it resets PagesManager.uses_pages_directory), so a run after the first runs
    the page's file alone, without app.py (the sidebar, the navigation); a server runs app.py every time
    (pages/common/session/source.py switches folder mode off once): it is kept off."""
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    shared = ScriptCache()
    for module in (app_test, local_script_runner):
        module.ScriptCache = lambda: shared  # type: ignore[attr-defined]  # imported there, not re-exported
    init = PagesManager.__init__

    def navigating(self: Any, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = navigating  # type: ignore[method-assign]


def _timed(at: Any) -> float:
    """One run of the page in ``at``, in milliseconds; a page that raises stops the benchmark."""
    t0 = time.perf_counter()
    at.run()
    elapsed = (time.perf_counter() - t0) * 1000
    if at.exception:
        raise SystemExit(f"page raised: {at.exception[0].message}")
    return elapsed


def _app(root: Path) -> Any:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(root / "app.py"), default_timeout=600)
    at.run()
    return at


def page_times(root: Path, page: str, runs: int, uncached_runs: int) -> dict[str, float | None]:
    """First run (cold caches), median of ``runs`` later runs and the median of ``uncached_runs`` runs with every
    cache cleared first, in ms."""
    import streamlit as st

    at = _app(root)
    at.switch_page(page)
    st.cache_data.clear()
    st.cache_resource.clear()  # cold: the portfolio is read from the database again (the store is reopened too)
    first = _timed(at)
    later = statistics.median(_timed(at) for _ in range(max(1, runs)))
    uncached = []
    for _ in range(uncached_runs):
        st.cache_data.clear()
        st.cache_resource.clear()
        uncached.append(_timed(at))
    return {"first": first, "later": later, "uncached": statistics.median(uncached) if uncached else None}


def _slider(at: Any, nature: str) -> Any:
    return next(s for s in at.select_slider if str(s.key).startswith(f"mx_band_{nature}"))


def band_edit_times(root: Path, runs: int) -> dict[str, float]:
    """A band edit on the Matrix page, a band seen before: the first edit and the median of the later ones, in ms (two
    bands in turn)."""
    at = _app(root)
    at.switch_page("pages/matrix.py")
    at.run()
    edits = []
    options = [("traditional_sales", "lead_unit"), ("coordinated_incentives", "lead_unit")]
    for i in range(max(2, runs)):
        _slider(at, "qualification").set_value(options[i % 2])
        edits.append(_timed(at))
    return {"first": edits[0], "later": statistics.median(edits[1:])}


def new_bands(active: Any, nature: str = "qualification") -> list[tuple[str, str]]:
    """Every valid band of ``nature`` other than the active one, given its neighbours' bands (ends never fall)."""
    from gtm.domain.vocabulary import APPROACHES, NATURES

    codes = list(APPROACHES.codes)
    order = list(NATURES.codes)
    i = order.index(nature)
    lighter = active.bands[order[i - 1]] if i else None
    heavier = active.bands[order[i + 1]] if i + 1 < len(order) else None
    lows = range(codes.index(lighter.low) if lighter else 0, (codes.index(heavier.low) if heavier else len(codes) - 1) + 1)
    highs = range(codes.index(lighter.high) if lighter else 0,
                  (codes.index(heavier.high) if heavier else len(codes) - 1) + 1)
    now = (active.bands[nature].low, active.bands[nature].high)
    return [(codes[lo], codes[hi]) for lo in lows for hi in highs if lo <= hi and (codes[lo], codes[hi]) != now]


def new_band_times(root: Path, runs: int) -> dict[str, float]:
    """A band edit to a band never seen before, each time (what a facilitator dragging does): the median, in ms."""
    from gtm.storage.repository import Store

    store = Store(os.environ["GTM_DATABASE_URL"], workspace=_workspace())
    bands = new_bands(store.active_matrix().matrix)[:max(1, runs)]
    store.dispose()
    at = _app(root)
    at.switch_page("pages/matrix.py")
    at.run()
    edits = []
    for band in bands:
        _slider(at, "qualification").set_value(band)
        edits.append(_timed(at))
    return {"first": edits[0], "later": statistics.median(edits), "bands": len(edits)}


def draft_portfolio_times(root: Path, runs: int) -> dict[str, float]:
    """The Portfolio page showing an unsaved band draft: the first run after the edit and the median of later ones."""
    at = _app(root)
    at.switch_page("pages/matrix.py")
    at.run()
    _slider(at, "qualification").set_value(("traditional_sales", "lead_unit"))
    at.run()
    at.switch_page("pages/portfolio.py")
    first = _timed(at)
    return {"first": first, "later": statistics.median(_timed(at) for _ in range(max(1, runs)))}


def cell_click_times(root: Path, runs: int) -> dict[str, float]:
    """A click on a cell of the Portfolio matrix (its accounts and opportunities listed): the first click and the
    median of later runs with it open, in ms."""
    at = _app(root)
    at.switch_page("pages/portfolio.py")
    at.run()
    at.session_state["pf_matrix"] = {"selection": {"points": [{"customdata": ["cross_sell", "traditional_sales"]}],
                                                   "point_indices": [0], "box": [], "lasso": []}}
    first = _timed(at)
    return {"first": first, "later": statistics.median(_timed(at) for _ in range(max(1, runs)))}


def _workspace() -> str:
    """The workspace the pages open on: main when it holds a portfolio, else the demo."""
    from gtm.storage.repository import Store

    store = Store(os.environ["GTM_DATABASE_URL"])
    try:
        return "demo" if store.is_empty() else "main"
    finally:
        store.dispose()


def plain_band_edit(opportunities: Any, before: Any, after: Any) -> dict[str, Any]:
    """The band edit's work done plainly in pandas: each opportunity's fit under ``after`` (a merge on the 42 cells),
    the figures by fit, each account's recommended structure (value per account and nature, steps per approach) and
    the accounts and opportunities that change against ``before``."""
    import numpy as np
    import pandas as pd

    from gtm.domain.vocabulary import APPROACHES, NATURES

    cells = pd.DataFrame([(n, a, matrix.fit(n, a)[0].value, matrix.fit(n, a)[1], key)
                          for key, matrix in (("before", before), ("after", after))
                          for n in NATURES.codes for a in APPROACHES.codes],
                         columns=["nature", "approach", "fit", "steps", "side"])
    opps = opportunities[["account_id", "nature", "approach", "value", "probability", "outcome"]].copy()
    opps["nature"] = opps["nature"].astype(object)
    opps["approach"] = opps["approach"].astype(object).fillna(APPROACHES.codes[0])
    live = opps[opps["nature"].notna() & (opps["outcome"].astype(object) != "lost")]
    live = live.assign(expected=live["value"] * live["probability"].fillna(100) / 100)
    fits = {side: live.merge(cells[cells["side"] == side], on=["nature", "approach"], how="left")
            for side in ("before", "after")}
    by_fit = fits["after"].groupby("fit")["value"].agg(["size", "sum"])
    moved = fits["before"]["fit"].to_numpy() != fits["after"]["fit"].to_numpy()
    changed = pd.DataFrame({"from": fits["before"]["fit"][moved], "to": fits["after"]["fit"][moved],
                            "value": fits["before"]["value"][moved]}).groupby(["from", "to"])["value"].agg(["size", "sum"])
    per_nature = live.groupby(["account_id", "nature"])["expected"].sum().unstack(fill_value=0.0)
    picks = {}
    for side, matrix in (("before", before), ("after", after)):
        steps = pd.DataFrame(matrix.steps_table, index=list(NATURES.codes), columns=list(APPROACHES.codes))
        cost = per_nature @ steps.loc[per_nature.columns]
        picks[side] = cost.idxmin(axis=1)
    return {"by_fit": by_fit, "changed": changed, "accounts_changing": int((picks["before"] != picks["after"]).sum()),
            "picks": picks["after"], "n": int(np.asarray(moved).sum())}


def engine_band_edit(runs: int) -> dict[str, float]:
    """Ours against the plain pandas band edit, on the same frames, new bands each time: median ms and the ratio."""
    from gtm.domain import portfolio
    from gtm.services import portfolio as portfolio_service
    from gtm.storage.repository import Store

    store = Store(os.environ["GTM_DATABASE_URL"], workspace=_workspace())
    opportunities = portfolio_service.frames(store)["opportunities"]
    active = store.active_matrix().matrix
    store.dispose()
    bands = new_bands(active)[:max(1, runs)]
    prepared = portfolio.prepare(opportunities)
    tallied = portfolio.recommendation_tally(prepared.frame)
    judged = portfolio.judge(prepared, active)
    recs = portfolio.recommendations_of(tallied, active)
    figures = portfolio.figures(judged)
    ours, plain = [], []
    for low, high in bands:
        draft = active.with_band("qualification", low, high, name="draft")
        t0 = time.perf_counter()
        after = portfolio.judge(prepared, draft)
        portfolio.refigured(figures, after)
        portfolio.compare(judged, after, recs, portfolio.recommendations_of(tallied, draft, rationale=False))
        ours.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        plain_band_edit(opportunities, active, draft)
        plain.append((time.perf_counter() - t0) * 1000)
    return {"ours": statistics.median(ours), "plain": statistics.median(plain),
            "ratio": statistics.median(plain) / statistics.median(ours)}


def child(root: Path, pages: list[str], runs: int, uncached_runs: int, engine: bool) -> dict[str, Any]:
    """Every figure on the code in ``root`` (this process imports it), as a dict."""
    sys.path.insert(0, str(root))
    os.chdir(root)
    _share_compiled_pages()
    from gtm.services import portfolio as portfolio_service
    from gtm.storage.repository import Store

    store = Store(os.environ["GTM_DATABASE_URL"], workspace=_workspace())
    portfolio_service.frames(store)  # as `gtm import` does: this code's snapshot of a large portfolio, once
    store.dispose()
    _app(root)  # seeds the demo once, outside the timings
    out: dict[str, Any] = {"pages": {}}
    for page in pages:
        out["pages"][page] = page_times(root, page, runs, uncached_runs)
        print(f"  {root.name}: {page} {out['pages'][page]}", file=sys.stderr, flush=True)
    out["band edit, a band seen before"] = band_edit_times(root, runs)
    out["band edit, a new band each time"] = new_band_times(root, runs)
    out["Portfolio showing the draft"] = draft_portfolio_times(root, runs)
    out["a click on a portfolio cell"] = cell_click_times(root, runs)
    if engine:
        out["engine"] = engine_band_edit(runs)
    return out


def run_child(root: Path, args: argparse.Namespace, pages: list[str], engine: bool) -> dict[str, Any]:
    """``child`` in a new process (its own imports, caches and memory), its figures read back as JSON."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", str(root), "--runs", str(args.runs),
               "--uncached-runs", str(args.uncached_runs), "--pages", ",".join(pages)] + (["--engine"] if engine else [])
    done = subprocess.run(command, cwd=root, env=os.environ.copy(), check=True, stdout=subprocess.PIPE, text=True)
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


# ---------------------------------------------------------------------------------------------- in Chromium


SETTLED = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return app && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector('[data-stale="true"]') && !document.querySelector('[data-testid="stSkeleton"]');
}"""
# From the active band (low, high) of qualification: the low end down, the high end up, the low end up twice, the high
# end down. Each press is a band not seen before; the same presses again are bands seen before.
PRESSES = [(0, "ArrowLeft"), (1, "ArrowRight"), (0, "ArrowRight"), (0, "ArrowRight"), (1, "ArrowLeft")]
BACK = [(1, "ArrowRight"), (0, "ArrowLeft"), (0, "ArrowLeft"), (1, "ArrowLeft"), (0, "ArrowRight")]


def browser_band_edits(root: Path, database: str, workspace: str, folder: Path) -> dict[str, Any]:
    """Start ``streamlit run`` on ``root``'s code against ``database``, open the Matrix page in Chromium and press the
    arrow keys on the qualification band: per press, the browser's time to the settled page and the server's run."""
    from load_sessions import CHROMIUM, CHROMIUM_ARGS, own_server
    from playwright.sync_api import sync_playwright

    from gtm import timing

    def settle(before: int) -> list[dict[str, Any]]:
        deadline = time.time() + 120
        while len(lines := timing.read(server.timing_log)) <= before:  # type: ignore[arg-type]
            if time.time() > deadline:
                raise RuntimeError("the server logged no run after the key press")
            time.sleep(0.005)
        page.wait_for_function(SETTLED, polling="raf", timeout=120_000)
        return lines[before:]

    result: dict[str, Any] = {"new": [], "seen": []}
    with own_server(folder, [], root=root, database=database) as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        page.goto(f"{server.url}/matrix?workspace={workspace}", timeout=600_000)
        page.wait_for_function(SETTLED, polling="raf", timeout=600_000)
        page.locator(".st-key-mx_chart").wait_for(timeout=600_000)
        thumbs = page.locator(".st-key-mx_band_qualification").get_by_role("slider")
        for kind, presses in (("new", PRESSES), ("seen", BACK), ("seen", PRESSES)):
            for thumb, key in presses:
                before = len(timing.read(server.timing_log))  # type: ignore[arg-type]
                thumbs.nth(thumb).focus()
                started = time.perf_counter()
                thumbs.nth(thumb).press(key)
                lines = settle(before)
                result[kind].append({"browser_ms": (time.perf_counter() - started) * 1000,
                                     "server_ms": sum(float(line["ms"]) for line in lines),
                                     "runs": [str(line["page"]) for line in lines]})
                page.wait_for_timeout(300)  # a person's next press: not in the same instant
        browser.close()
    return result


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


# ---------------------------------------------------------------------------------------------- report


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f} ms"


def report(ours: dict[str, Any], baseline: dict[str, Any] | None, ref: str | None,
           browser: dict[str, Any] | None) -> str:
    """The figures as a table: ours, the baselines, the ratios, and whether each meets its target."""
    lines = [f"{'figure':<34}{'first run':>12}{'later runs':>12}{'uncached':>12}{'ratio':>8}"
             + (f"{'on ' + ref:>14}{'ratio':>8}" if ref else "") + "  target"]

    def row(name: str, mine: dict[str, Any], theirs: dict[str, Any] | None, uncached: float | None,
            target: float = TARGET_MS) -> None:
        later = float(mine["later"])
        text = f"{name:<34}{_ms(mine['first']):>12}{_ms(later):>12}{_ms(uncached):>12}"
        text += f"{uncached / later:>7.1f}x" if uncached else f"{'':>8}"
        if ref:
            other = theirs["later"] if theirs else None
            text += f"{_ms(other):>14}" + (f"{other / later:>7.1f}x" if other else f"{'':>8}")
        lines.append(text + f"  {'PASS' if later <= target else 'MISS'} (<= {target:.0f} ms)")

    for page, mine in ours["pages"].items():
        row(page, mine, (baseline or {}).get("pages", {}).get(page), mine.get("uncached"))
    for name in ("band edit, a band seen before", "band edit, a new band each time", "Portfolio showing the draft",
                 "a click on a portfolio cell"):
        row(name, ours[name], (baseline or {}).get(name), None)
    if "engine" in ours:
        e = ours["engine"]
        lines.append(f"\nthe band edit's work on the frames (a new band each time): ours {e['ours']:,.0f} ms, plain "
                     f"pandas {e['plain']:,.0f} ms: {e['ratio']:.1f}x")
    if browser:
        lines.append("\nin Chromium, a key press on a band's slider until the page is settled (median; the server's own "
                     "run of it):")
        for code, found in browser.items():
            for kind in ("new", "seen"):
                presses = found[kind]
                b, s = _median([p["browser_ms"] for p in presses]), _median([p["server_ms"] for p in presses])
                worst = max((p["browser_ms"] for p in presses), default=float("nan"))
                runs = sorted({r for p in presses for r in p["runs"]})
                lines.append(f"  {code:<10} {kind + ' band':<10} browser {b:,.0f} ms (worst {worst:,.0f} ms), server "
                             f"{s:,.0f} ms, runs: {', '.join(runs)}  "
                             f"{'PASS' if b <= BROWSER_TARGET_MS and s <= TARGET_MS else 'MISS'}")
    lines.append("\nfirst run: every cache cleared; later runs: median of runs on warm caches; uncached: every cache "
                 "cleared before each run (ratio = uncached / later)" + (f"; on {ref}: the same figure on that code "
                                                                         "(ratio = it / ours)" if ref else "") + ".")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--uncached-runs", type=int, default=3)
    parser.add_argument("--accounts", type=int, default=0, help="a generated portfolio of N accounts")
    parser.add_argument("--database", help="a database already holding a portfolio (its main workspace)")
    parser.add_argument("--pages", default="all", help="comma-separated page names (matrix,diagnose), or all")
    parser.add_argument("--baseline", metavar="REF", help="also measure the code of this git ref")
    parser.add_argument("--browser", action="store_true", help="also measure a band edit in Chromium")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--engine", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    pages = PAGES if args.pages == "all" else [p if p.startswith("pages/") else f"pages/{p.removesuffix('.py')}.py"
                                               for p in args.pages.split(",")]
    if args.child:
        print(json.dumps(child(args.child, pages, args.runs, args.uncached_runs, args.engine)))
        return 0

    tmp = Path(tempfile.mkdtemp(prefix="gtm-bench-pages-"))
    url = args.database or f"sqlite:///{tmp}/bench.db"
    os.environ["GTM_DATABASE_URL"] = url
    os.environ["GTM_SEED_DEMO"] = "1"
    os.environ.setdefault("GTM_CACHE_DIR", str(tmp / "cache"))  # the pages' snapshots, one per code version
    sys.path.insert(0, str(ROOT))
    if args.accounts and not args.database:
        _seed_generated(url, args.accounts, tmp)
    from load_sessions import code_of

    baseline_root = code_of(args.baseline, tmp / "baseline") if args.baseline else None
    ours = run_child(ROOT, args, pages, engine=True)
    theirs = run_child(baseline_root, args, pages, engine=False) if baseline_root else None
    browser = None
    if args.browser:
        workspace = "main" if args.accounts or args.database else "demo"
        browser = {"ours": browser_band_edits(ROOT, url, workspace, tmp / "server-ours")}
        if baseline_root:
            browser[str(args.baseline)] = browser_band_edits(baseline_root, url, workspace, tmp / "server-baseline")
    print(report(ours, theirs, args.baseline, browser))
    if args.json:
        args.json.write_text(json.dumps({"ours": ours, "baseline": theirs, "browser": browser}, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))  # load_sessions, beside this script
    raise SystemExit(main())
