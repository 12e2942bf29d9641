"""Load: N concurrent browser sessions against one server, timed in the browser and at the server.

    .venv/bin/python scripts/load_sessions.py --sessions 25 [--ramp 60] [--browser-nice 10] [--json out.json]
    .venv/bin/python scripts/load_sessions.py --sessions 10 --url http://127.0.0.1:8501 \
        [--timing-log /path/timing.jsonl] [--pid SERVER_PID] [--database sqlite:///...-demo.db]

Without --url it starts its own ``streamlit run app.py`` on a free loopback port against a fresh SQLite file
(the demo portfolio, seeded on the first request) with GTM_TIMING_LOG set, and stops it afterwards. With --url
it drives that server; the server's figures need --timing-log (the file its GTM_TIMING_LOG names), its memory
--pid, and the decision count --database (the workspace's own database URL).

By default every session starts in the same instant, the worst case; --ramp spreads the starts evenly, and
--browser-nice lowers the browsers' CPU priority below the server's (they share this machine's cores, which
real users' browsers would not). Every session is its own browser context in one Debian Chromium (Playwright): it opens the Portfolio, then an
Account (ACC-0001 for the first session, ACC-0002 for the second, ...), records a decision there and waits until
the decision history shows it. Opening the Account by its address is a new page load, so each browser session
is two server sessions, as when a link is opened in a new tab. A warm-up does the same first (one session, or --warm-sessions at once) on accounts no session uses, so the server
has loaded what the run needs; the baseline memory is read --settle seconds after it closes, once its sessions are
freed. Reported:

- browser times per step (p50/p95): navigation or click until the app has finished running and drawn;
- the server's own page-run times from its timing log (p50/p95 per page and overall; a run ended by st.rerun,
  as recording a decision is, counts too) and how many runs ended by an exception;
- errors: exceptions, "error id" messages and error alerts on the pages, time-outs, tracebacks in the server log;
- decisions stored (counted in the database afterwards) against sessions;
- the server's resident memory (VmRSS): at baseline, peak during the run, and every 5 s for --after seconds
  once every session has closed, with when it was back within 5 % of the baseline; and the server's CPU time.

``--json FILE`` also writes the figures as JSON. The browsers share the machine's cores with the server, so the
browser times include waiting for a CPU; the server's times are what the app itself spent per run.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import math
import os
import re
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CHROMIUM = os.environ.get("GTM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--no-first-run"]
STEPS = ("portfolio", "account", "decision")
PAGES = {"portfolio": "Portfolio", "account": "Account", "decision": "Account"}


# ---------------------------------------------------------------- the server


@dataclass
class Server:
    """A running app: its URL and, when known, its process id, timing log, log file and demo database."""

    url: str
    pid: int | None = None
    timing_log: Path | None = None
    log: Path | None = None
    database: str | None = None


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def own_server(folder: Path, extra: list[str], root: Path = ROOT, database: str | None = None,
               workspace: str = "demo") -> Iterator[Server]:
    """``streamlit run app.py`` of the code in ``root`` on a free loopback port, GTM_TIMING_LOG set, against a fresh
    SQLite file (the demo seeded on the first request) or ``database`` (decisions counted in its ``workspace``)."""
    from gtm.storage.engine import workspace_url

    folder.mkdir(parents=True, exist_ok=True)
    db_url = database or f"sqlite:///{folder / 'load.db'}"
    timing_log = folder / "timing.jsonl"
    log = folder / "streamlit.log"
    port = free_port()
    env = {**os.environ, "GTM_DATABASE_URL": db_url, "GTM_SEED_DEMO": "1", "GTM_TIMING_LOG": str(timing_log)}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(root / "app.py"), "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none", *extra],
            cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError(f"streamlit did not start:\n{log.read_text()}") from None
                time.sleep(0.3)
        yield Server(url, proc.pid, timing_log, log, workspace_url(db_url, workspace))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def code_of(ref: str, folder: Path) -> Path:
    """The code of git ``ref`` (``git archive``: its files only, no worktree) in ``folder``: the previous code path a
    baseline runs."""
    archive = subprocess.run(["git", "archive", "--format=tar", ref], cwd=ROOT, check=True, capture_output=True).stdout
    folder.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def rss_mb(pid: int | None) -> float | None:
    """The process's resident memory in MB (VmRSS), or None when unknown or gone."""
    if pid is None:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def cpu_seconds(pid: int | None) -> float | None:
    """User plus system CPU time the process has used so far."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def count_decisions(database: str | None) -> int | None:
    """Decisions stored in the workspace's database, or None when it is not known."""
    if database is None:
        return None
    from gtm.storage.repository import Store

    store = Store(database)
    try:
        return len(store.decisions())
    finally:
        store.dispose()


def server_metrics(url: str) -> dict[str, Any]:
    """Streamlit's own /_stcore/metrics: active sessions and the bytes it holds per cache (st.cache_data entries,
    session state, media, uploads), to tell what holds the memory. Empty when the endpoint can't be read."""
    try:
        with urllib.request.urlopen(f"{url}/_stcore/metrics", timeout=120) as r:
            text = r.read().decode("utf-8", "replace")
    except OSError:
        return {}
    caches: Counter[str] = Counter()
    found: dict[str, Any] = {}
    for line in text.splitlines():
        if m := re.match(r'cache_memory_bytes\{cache_type="([^"]*)",cache="([^"]*)"\} (\d+)', line):
            kind, name, size = m.groups()
            caches[f"{kind.removeprefix('st_')} {name.rsplit('.', 1)[-1]}".strip()] += int(size)
        elif m := re.match(r"active_sessions (\d+)", line):
            found["active_sessions"] = int(m.group(1))
        elif m := re.match(r'session_events_total\{type="(\w+)"\} (\d+)', line):
            found[f"{m.group(1)}s"] = int(m.group(2))
    found["cache_mb"] = {k: round(v / 2**20, 1) for k, v in caches.most_common()}
    return found


# ---------------------------------------------------------------- the sessions


@dataclass
class Session:
    """One browser session's account, step times (seconds) and what went wrong."""

    index: int
    account: str
    rationale: str
    times: dict[str, float] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    shown: bool = False  # the recorded decision appeared in the page's history


async def wait_for_app(page: Any, timeout: float) -> None:
    """Connected, script finished, no running indicator, no loading skeleton (as tests/browser/conftest.py)."""
    from playwright.async_api import expect

    await page.wait_for_timeout(150)
    await expect(page.locator('[data-testid="stApp"][data-test-connection-state="CONNECTED"]')).to_have_count(
        1, timeout=timeout)
    await expect(page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]')).to_have_count(
        1, timeout=timeout)
    await expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0, timeout=timeout)
    await expect(page.locator('[data-testid="stSkeleton"]')).to_have_count(0, timeout=timeout)


async def page_errors(page: Any, step: str) -> list[str]:
    """What a user would see as a failure: exceptions, error ids, error alerts."""
    found = []
    if n := await page.locator('[data-testid="stException"]').count():
        found.append(f"{step}: {n} exception(s) shown")
    for text in await page.locator('[data-testid="stAlertContentError"]').all_inner_texts():
        found.append(f"{step}: error alert: {text.strip()[:200]}")
    main = await page.locator('[data-testid="stMain"]').all_inner_texts()
    if any("error id" in t.lower() for t in main) and not any("error id" in e for e in found):
        found.append(f"{step}: an 'error id' message")
    return found


async def timed_step(session: Session, step: str, page: Any, action: Any, timeout: float,
                     check: Any = None) -> bool:
    """Run ``action`` then wait for the app (and ``check``); record the time or the failure."""
    started = time.perf_counter()
    try:
        await action()
        await wait_for_app(page, timeout)
        if check is not None:
            await check()
    except Exception as exc:
        session.errors.append(f"{step}: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
        return False
    session.times[step] = time.perf_counter() - started
    session.errors.extend(await page_errors(page, step))
    return True


async def drive(browser: Any, url: str, session: Session, workspace: str, timeout: float,
                decide: bool = True, delay: float = 0.0) -> Session:
    """One session: Portfolio, an Account, a decision recorded there; its own browser context, closed at the end.
    ``delay``: seconds to wait before starting (spreads arrivals)."""
    from playwright.async_api import expect

    await asyncio.sleep(delay)
    context = await browser.new_context(viewport={"width": 1440, "height": 1000})
    try:
        page = await context.new_page()
        title = page.locator('[data-testid="stMain"] h1')

        async def open_portfolio() -> None:
            await page.goto(f"{url}/?workspace={workspace}", timeout=timeout)

        async def is_portfolio() -> None:
            await expect(title).to_have_text("Portfolio", timeout=timeout)

        async def open_account() -> None:
            await page.goto(f"{url}/account?workspace={workspace}&account={session.account}", timeout=timeout)

        async def is_account() -> None:
            await expect(title).to_have_text("Account", timeout=timeout)
            await expect(page.locator(".st-key-dec_rationale textarea")).to_be_visible(timeout=timeout)

        async def record() -> None:
            await page.locator(".st-key-dec_rationale textarea").fill(session.rationale)
            await page.get_by_role("button", name="Record decision").click()

        async def in_history() -> None:
            grid = page.locator('[data-testid="stMain"] [data-testid="stDataFrame"]').last
            await expect(grid).to_contain_text(session.rationale, timeout=timeout)
            session.shown = True

        if not await timed_step(session, "portfolio", page, open_portfolio, timeout, is_portfolio):
            return session
        if not await timed_step(session, "account", page, open_account, timeout, is_account):
            return session
        if decide:
            await timed_step(session, "decision", page, record, timeout, in_history)
        return session
    finally:
        await context.close()


# ---------------------------------------------------------------- figures


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def spread(values: list[float]) -> dict[str, Any]:
    """n, p50, p95 and max of a list of times."""
    return {"n": len(values), "p50": percentile(values, 50), "p95": percentile(values, 95),
            "max": max(values) if values else None}


def server_figures(lines: list[dict[str, Any]]) -> dict[str, Any]:
    """p50/p95 of the server's page runs (ms), per page and overall. A run ended by st.rerun (a decision recorded,
    then the page drawn again) or st.stop is work a user waits for too, so it counts; how runs ended is given."""
    pages = sorted({str(r["page"]) for r in lines})
    return {
        "per_page": {p: spread([float(r["ms"]) for r in lines if r["page"] == p]) for p in pages},
        "overall": spread([float(r["ms"]) for r in lines]),
        # e.g. "Account, ended by RerunException": the runs that recorded a decision, apart from the views
        "per_ending": {f"{p}, ended by {e}": spread([float(r["ms"]) for r in lines
                                                      if r["page"] == p and str(r.get("raised")) == e])
                       for p, e in sorted({(str(r["page"]), str(r.get("raised"))) for r in lines})},
        "ended_by": dict(Counter(f"{r['page']}: {r['raised']}" for r in lines if r.get("raised") is not None)),
        "sessions": len({r.get("session") for r in lines}),
    }


def log_errors(log: Path | None, offset: int) -> list[str]:
    """Error ids and tracebacks the server logged after ``offset`` bytes."""
    if log is None or not log.exists():
        return []
    with log.open("rb") as f:
        f.seek(offset)
        text = f.read().decode("utf-8", "replace")
    return [line.strip()[:300] for line in text.splitlines()
            if re.search(r"error id [A-Z0-9]{6}|Traceback|Exception", line)]


def fmt(seconds: float | None, unit: str = "s") -> str:
    if seconds is None:
        return "-"
    return f"{seconds:.2f} s" if unit == "s" else f"{seconds:,.0f} ms"


# ---------------------------------------------------------------- the run


async def run(server: Server, sessions: int, workspace: str, timeout_s: float, after_s: float,
              first_account: int, decide: bool = True, ramp: float = 0.0, settle_s: float = 40.0,
              warm_sessions: int = 1) -> dict[str, Any]:
    """Warm up with ``warm_sessions`` at once, wait ``settle_s`` s, baseline, N sessions at once with memory sampled
    each second, then memory for ``after_s`` s."""
    from playwright.async_api import async_playwright

    timeout = timeout_s * 1000
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            cold = rss_mb(server.pid)
            # The warm-up does what every session does, on an account no session uses, so the baseline is a
            # server that has loaded what the run needs (libraries, the portfolio, a data version after a
            # decision); it then waits until the warm-up's own sessions are freed.
            tag = time.strftime("%H%M%S")
            warm = await asyncio.gather(*(
                drive(browser, server.url, Session(-i, f"ACC-{first_account + sessions + i:04d}",
                                                   f"Load run {tag} warm-up {i}"), workspace, timeout, decide=decide)
                for i in range(max(1, warm_sessions))))
            if failed := [e for w in warm for e in w.errors]:
                raise RuntimeError(f"warm-up failed: {failed}")
            await asyncio.sleep(settle_s)
            baseline = rss_mb(server.pid)
            metrics_baseline = server_metrics(server.url)
            decisions_before = count_decisions(server.database)
            log_offset = server.log.stat().st_size if server.log and server.log.exists() else 0
            timing_offset = len(_timing_lines(server.timing_log))

            samples: list[tuple[float, float]] = []
            started = time.perf_counter()
            cpu_before = cpu_seconds(server.pid)
            load_before = os.getloadavg()

            async def sample() -> None:
                while True:
                    if (mb := rss_mb(server.pid)) is not None:
                        samples.append((time.perf_counter() - started, mb))
                    await asyncio.sleep(1)

            sampler = asyncio.create_task(sample())
            work = [Session(i, f"ACC-{first_account + i - 1:04d}", f"Load run {tag} session {i}: one lead unit")
                    for i in range(1, sessions + 1)]
            done = await asyncio.gather(*(drive(browser, server.url, s, workspace, timeout, decide,
                                                ramp * (s.index - 1) / sessions) for s in work))
            wall = time.perf_counter() - started
            sampler.cancel()
            cpu_after = cpu_seconds(server.pid)
            load_after = os.getloadavg()
            metrics_done = server_metrics(server.url)  # the last session has just closed
        finally:
            await browser.close()

    after: list[tuple[float, float | None]] = []
    closed = time.perf_counter()
    while True:
        elapsed = time.perf_counter() - closed
        after.append((round(elapsed), rss_mb(server.pid)))
        if elapsed >= after_s:
            break
        await asyncio.sleep(5)

    metrics_after = server_metrics(server.url)
    lines = _timing_lines(server.timing_log)[timing_offset:]
    decisions_after = count_decisions(server.database)
    browser_times = {step: spread([s.times[step] for s in done if step in s.times]) for step in STEPS}
    peak = max((mb for _, mb in samples), default=None)
    return {
        "sessions": sessions,
        "warm_sessions": max(1, warm_sessions),
        "wall_s": round(wall, 1),
        "browser": browser_times,
        "server": server_figures(lines) if server.timing_log else None,
        "errors": [f"session {s.index} ({s.account}): {e}" for s in done for e in s.errors],
        "server_log_errors": log_errors(server.log, log_offset),
        "decisions_shown": sum(s.shown for s in done),
        "decisions_stored": (None if decisions_after is None or decisions_before is None
                             else decisions_after - decisions_before),
        "memory_mb": {"cold": cold, "baseline": baseline, "peak": peak, "after_close": after,
                      "back_to_baseline_s": back_to_baseline(baseline, after),
                      "during": [(round(t), round(mb, 1)) for t, mb in samples]},
        "streamlit_metrics": {"baseline": metrics_baseline, "sessions_closed": metrics_done,
                              f"after_{round(after_s)}s": metrics_after},
        "server_cpu_s": None if cpu_before is None or cpu_after is None else round(cpu_after - cpu_before, 1),
        "load_average": {"before": load_before, "after": load_after},
    }


BASELINE_TOLERANCE = 0.05  # memory within 5 % of the baseline counts as back


def back_to_baseline(baseline: float | None, after: list[tuple[float, float | None]]) -> float | None:
    """Seconds after the sessions closed until the server's memory was back within 5 % of the baseline (and stayed
    there for the rest of the watch); None when it never was, or is unknown."""
    if baseline is None:
        return None
    back = None
    for t, mb in after:
        back = (t if back is None else back) if mb is not None and mb <= baseline * (1 + BASELINE_TOLERANCE) else None
    return back


def _timing_lines(path: Path | None) -> list[dict[str, Any]]:
    from gtm import timing

    return timing.read(path) if path is not None else []


def report(figures: dict[str, Any]) -> str:
    """The figures as a few lines of text."""
    out = [f"{figures['sessions']} sessions, {figures['wall_s']} s from first request to last session done"
           + (f" (browsers at nice {figures['browser_nice']})" if figures.get("browser_nice") else "")
           + (f", started evenly over {figures['ramp']:g} s" if figures.get("ramp") else ", all started at once")]
    out.append("browser (navigation or click until drawn):")
    for step, s in figures["browser"].items():
        out.append(f"  {step:<10} n={s['n']:<3} p50 {fmt(s['p50'])}  p95 {fmt(s['p95'])}  max {fmt(s['max'])}")
    server = figures["server"]
    if server:
        out.append(f"server page runs ({server['sessions']} server sessions; every run, ms):")
        for page, s in [*server["per_page"].items(), ("overall", server["overall"])]:
            out.append(f"  {page:<10} n={s['n']:<3} p50 {fmt(s['p50'], 'ms')}  p95 {fmt(s['p95'], 'ms')}  "
                       f"max {fmt(s['max'], 'ms')}")
        if server["ended_by"]:
            out.append(f"  runs that ended by an exception: {server['ended_by']}; by how they ended:")
            for kind, s in server["per_ending"].items():
                out.append(f"    {kind.replace('ended by None', 'finished'):<36} n={s['n']:<3} p50 {fmt(s['p50'], 'ms')}  "
                           f"p95 {fmt(s['p95'], 'ms')}")
    out.append(f"errors on pages: {len(figures['errors'])}")
    out.extend(f"  {e}" for e in figures["errors"][:20])
    out.append(f"errors in the server log: {len(figures['server_log_errors'])}")
    out.extend(f"  {e}" for e in figures["server_log_errors"][:10])
    stored = figures["decisions_stored"]
    out.append(f"decisions: {figures['decisions_shown']} shown in the pages, "
               f"{'unknown' if stored is None else stored} stored, of {figures['sessions']}")
    m = figures["memory_mb"]

    def mb(v: float | None) -> str:
        return "-" if v is None else f"{v:,.0f} MB"

    out.append(f"server memory (VmRSS): cold {mb(m['cold'])}, baseline {mb(m['baseline'])} (after a warm-up of "
               f"{figures.get('warm_sessions', 1)} session(s) at once), "
               f"peak {mb(m['peak'])}")
    out.append("  after the sessions closed: " + ", ".join(f"{t}s {mb(v)}" for t, v in m["after_close"]))
    back = m.get("back_to_baseline_s")
    out.append(f"  back within {BASELINE_TOLERANCE:.0%} of the baseline: "
               + ("no, not while watched" if back is None else f"after {back} s"))
    for when, found in figures["streamlit_metrics"].items():
        if found:
            held = ", ".join(f"{k} {v} MB" for k, v in list(found["cache_mb"].items())[:6])
            out.append(f"  streamlit at {when}: {found.get('active_sessions')} active sessions "
                       f"({found.get('connects')} connects, {found.get('disconnects')} disconnects); holds {held}")
    if figures["server_cpu_s"] is not None:
        out.append(f"server CPU during the run: {figures['server_cpu_s']} s in {figures['wall_s']} s of wall time")
    la = figures["load_average"]
    out.append(f"load average: before {la['before'][0]:.2f}, after {la['after'][0]:.2f} ({os.cpu_count()} cores)")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--url", help="a running server (default: start one against a fresh demo database)")
    parser.add_argument("--timing-log", type=Path, help="with --url: the file the server's GTM_TIMING_LOG names")
    parser.add_argument("--pid", type=int, help="with --url: the server's process id, for its memory")
    parser.add_argument("--database", help="with --url: the workspace's database URL, to count decisions")
    parser.add_argument("--workspace", default="demo")
    parser.add_argument("--first-account", type=int, default=1, help="session i decides on ACC-(first+i-1)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds a step may take")
    parser.add_argument("--after", type=float, default=60, help="seconds to watch memory after the sessions close")
    parser.add_argument("--warm-sessions", type=int, default=1,
                        help="sessions in the warm-up, at once (default 1). A fresh server's first burst leaves a "
                             "one-time rise (pooled database connections, allocator arenas): warm up with as many "
                             "sessions as the run to see whether a burst leaves anything behind")
    parser.add_argument("--settle", type=float, default=40,
                        help="seconds to wait after the warm-up before the baseline (the server frees a closed "
                             "tab's session after server.disconnectedSessionTTL, 30 s)")
    parser.add_argument("--server-arg", action="append", default=[],
                        help="an extra `streamlit run` option for the server this script starts, e.g. "
                             "--server-arg=--server.disconnectedSessionTTL=10")
    parser.add_argument("--no-decide", action="store_true",
                        help="sessions only open the pages: no decision, so no new data version")
    parser.add_argument("--ramp", type=float, default=0.0,
                        help="start the sessions evenly over this many seconds (default: all at once)")
    parser.add_argument("--browser-nice", type=int, default=0,
                        help="run this script and its browsers at this niceness (the server keeps its own): on one "
                             "machine the browsers otherwise take the CPU the server's times are meant to show")
    parser.add_argument("--portfolio-database", metavar="URL",
                        help="without --url: the server reads this database (e.g. 100,000 accounts, --workspace main) "
                             "instead of a fresh demo")
    parser.add_argument("--baseline", metavar="REF",
                        help="without --url: the same run again against the code of git REF (the previous code path), "
                             "on a server of its own; its figures and the ratios follow ours")
    parser.add_argument("--code", type=Path, help=argparse.SUPPRESS)  # the code the own server runs (a baseline's)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--keep", type=Path, help="without --url: keep the database, timing log and server log here")
    args = parser.parse_args(argv)
    if args.keep and (args.keep / "load.db").exists():
        parser.error(f"{args.keep} already holds a database; give --keep an empty folder")
    if args.baseline and args.keep:
        parser.error("--keep keeps one run's files: leave it out with --baseline")
    if args.baseline and not args.url:
        return with_baseline(argv if argv is not None else sys.argv[1:], args)

    def go(server: Server) -> dict[str, Any]:
        if args.browser_nice:
            os.nice(args.browser_nice)  # after the server started: Playwright's driver and Chromium inherit it
        return asyncio.run(run(server, args.sessions, args.workspace, args.timeout, args.after, args.first_account,
                               decide=not args.no_decide, ramp=args.ramp, settle_s=args.settle,
                               warm_sessions=args.warm_sessions))

    if args.url:
        figures = go(Server(args.url.rstrip("/"), args.pid, args.timing_log, None, args.database))
    else:
        with tempfile.TemporaryDirectory(prefix="gtm-load-") as tmp:
            folder = args.keep or Path(tmp)
            with own_server(folder, args.server_arg, root=args.code or ROOT, database=args.portfolio_database,
                            workspace=args.workspace) as server:
                figures = go(server)
    figures["browser_nice"] = args.browser_nice
    figures["ramp"] = args.ramp
    print(report(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, default=str))
    ok = not figures["errors"] and figures["decisions_stored"] in (None, 0 if args.no_decide else args.sessions)
    return 0 if ok else 1


def with_baseline(argv: list[str], args: argparse.Namespace) -> int:
    """The run on our code, then the same run on the code of ``args.baseline``, each in a process of its own (each
    lowers its browsers' priority after its server started); both reports, then the ratios."""
    rest = [a for i, a in enumerate(argv) if a != "--baseline" and not a.startswith("--baseline=")
            and (i == 0 or argv[i - 1] != "--baseline") and a != "--json" and not a.startswith("--json=")
            and (i == 0 or argv[i - 1] != "--json")]
    found: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="gtm-load-baseline-") as tmp:
        folder = Path(tmp)
        code = code_of(args.baseline, folder / "code")
        for name, extra in (("ours", []), (args.baseline, ["--code", str(code)])):
            out = folder / f"{len(found)}.json"
            subprocess.run([sys.executable, str(Path(__file__).resolve()), *rest, *extra, "--json", str(out)],
                           cwd=ROOT, check=False)
            found.append(json.loads(out.read_text()) if out.exists() else {})
            print(f"\n--- above: {name} ---\n", flush=True)
    ours, theirs = found
    if ours and theirs:
        print(ratios(ours, theirs, args.baseline))
    if args.json:
        args.json.write_text(json.dumps({**ours, "baseline": theirs}, indent=2, default=str))
    ok = bool(ours) and not ours["errors"] and ours["decisions_stored"] in (None, 0 if args.no_decide else args.sessions)
    return 0 if ok else 1


def ratios(ours: dict[str, Any], theirs: dict[str, Any], ref: str) -> str:
    """Ours against the baseline's: the server's p50 and p95 per page and overall, its CPU and the browsers' times."""
    lines = [f"{'ours against ' + ref:<34}{'ours':>12}{ref:>12}{'ratio':>8}"]

    def row(name: str, mine: float | None, other: float | None, unit: str) -> None:
        if mine is None or other is None:
            return
        lines.append(f"{name:<34}{fmt(mine, unit):>12}{fmt(other, unit):>12}{other / mine if mine else 0:>7.1f}x")

    if ours["server"] and theirs["server"]:
        for page, mine in [*ours["server"]["per_page"].items(), ("overall", ours["server"]["overall"])]:
            other = theirs["server"]["overall"] if page == "overall" else theirs["server"]["per_page"].get(page)
            if other:
                row(f"server {page} p50", mine["p50"], other["p50"], "ms")
                row(f"server {page} p95", mine["p95"], other["p95"], "ms")
    for step in STEPS:
        row(f"browser {step} p95", ours["browser"][step]["p95"], theirs["browser"][step]["p95"], "s")
    row("server CPU during the run", ours["server_cpu_s"], theirs["server_cpu_s"], "s")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
