"""Use case: the workshop's PowerPoint hand-out for a workspace, its focus accounts chosen by a list or by value."""

from __future__ import annotations

from datetime import date

import pandas as pd

from gtm.domain import account_plans as account_plan_rules
from gtm.domain import economics, portfolio
from gtm.domain.account_plans import action_line
from gtm.domain.errors import InputError
from gtm.domain.fmt import count, money, plural
from gtm.domain.fmt import share as fmt_share
from gtm.domain.matrix import ApproachMatrix
from gtm.domain.outcomes import in_play
from gtm.domain.playbook import Assumptions
from gtm.domain.vocabulary import Fit
from gtm.export import deck
from gtm.ingest.plan import NAME_ID_PREFIX
from gtm.services import account_plans, capture, design, lists, maturity, plans
from gtm.services import results as results_service
from gtm.services.currency import reporting_currency
from gtm.services.outcomes import won_weight
from gtm.services.portfolio import frames
from gtm.services.views.judging import assess, recommend_accounts
from gtm.storage.engine import DEMO
from gtm.storage.repository import Store

FOCUS_SIZE = 15  # the deck's case: 400 potential accounts, 50, then the 15 of most interest to BU leaders
MAX_ACCOUNTS = 100  # one slide per account: a hand-out of a long list of thousands is nobody's hand-out
TITLE = "Key account structures: the workshop hand-out"
MIME = deck.MIME  # what a browser is told the download is


def build_deck(store: Store, list_name: str | None = None, assumptions: Assumptions | None = None,
               today: date | None = None) -> bytes:
    """The hand-out as .pptx bytes, dated ``today`` (default: the day it is built): the accounts of ``list_name``,
    else of the latest focus list, else the FOCUS_SIZE accounts with the most value at stake. A workspace without
    accounts is refused (InputError)."""
    problem = refusal(store)
    if problem:
        raise InputError(problem)
    return deck.render(deck_content(store, list_name, today, assumptions))


def refusal(store: Store) -> str | None:
    """Why no hand-out can be made of ``store``'s workspace, in a sentence (None: it can): no accounts yet, or the
    fonts its text is measured with are not installed."""
    if store.is_empty():
        return (f"Workspace {store.workspace!r} holds no accounts yet, so a hand-out would show nothing but empty "
                "slides: import accounts and opportunities first (the Import page, or gtm import).")
    try:
        deck.font_files()
    except deck.FontMissing as exc:
        return str(exc)
    return None


def organisation(store: Store) -> str:
    """Whose hand-out it is: the workspace's name (the store keeps no organisation name), the demo said as such."""
    return "The demo portfolio (workspace demo)" if store.workspace == DEMO else f"Workspace {store.workspace}"


def focus_accounts(store: Store, assessed: pd.DataFrame, list_name: str | None) -> tuple[list[str], str]:
    """The focus accounts' ids and the rule that chose them, in words. An unknown ``list_name`` is an InputError."""
    if list_name is not None:
        ids = list(lists.list_accounts(store, list_name))
        if not ids:
            names = [str(n) for n in lists.list_names(store)["name"]]
            known = (f"the lists there: {', '.join(repr(n) for n in names[:10])}" + (" …" if len(names) > 10 else "")
                     if names else "no list is saved there yet")
            raise InputError(f"No account list named {list_name!r} with accounts in workspace {store.workspace!r} "
                             f"({known}). Without a list, the hand-out takes the latest focus list, or the "
                             f"{FOCUS_SIZE} accounts with the most value at stake.")
        if len(ids) > MAX_ACCOUNTS:
            raise InputError(f"The account list {list_name!r} holds {len(ids):,} accounts; the hand-out has one slide "
                             f"per account and takes at most {MAX_ACCOUNTS}. Choose the shortlist or the focus list.")
        return ids, f"the account list {list_name!r}"
    ids = list(lists.list_accounts(store, None, "focus"))
    if ids:
        return ids, "the latest focus list"
    top = portfolio.biggest_misfits(assessed, FOCUS_SIZE)
    if top.empty:
        return [], ("no focus list yet, and no account has value at stake (no diagnosed opportunity sits outside its "
                    "realistic band)")
    many = (f"the {FOCUS_SIZE} accounts with the most value at stake" if len(top) == FOCUS_SIZE else
            f"the {len(top)} accounts with any value at stake (fewer than {FOCUS_SIZE} have some)")
    return ([str(a) for a in top["account_id"]],
            f"no focus list yet, so {many} (the value of their opportunities outside the realistic band)")


def _decision(rows: pd.DataFrame) -> deck.Decision | None:
    if rows.empty:
        return None
    last = rows.iloc[0]  # Store.decisions: newest first

    def text(column: str) -> str:
        value = last.get(column)
        return str(value) if value is not None and pd.notna(value) else ""

    when = pd.Timestamp(last["created_at"]).date() if pd.notna(last.get("created_at")) else None
    return deck.Decision(approach=str(last["approach"]), author=text("author") or None, decided_on=when,
                         review_status=text("review_status") or None, approvals=text("approvals"),
                         rationale=text("rationale"))


def deck_content(store: Store, list_name: str | None = None, today: date | None = None,
                 assumptions: Assumptions | None = None) -> deck.DeckContent:
    """Everything the hand-out shows, gathered from the workspace (see build_deck)."""
    today = today or date.today()
    data = frames(store)
    matrix = store.active_matrix().matrix
    currency = reporting_currency(store)
    assessed = assess(data["opportunities"], matrix, won_weight(store))
    figures = portfolio.figures(assessed) if len(assessed) else None
    ids, chosen_by = focus_accounts(store, assessed, list_name)

    accounts = data["accounts"]
    known = set(accounts["account_id"].astype(str))
    missing = [a for a in ids if a not in known]
    ids = [a for a in ids if a in known]
    notes = [f"{count(len(missing), 'account')} of the list {plural(len(missing), 'is', 'are')} not in this workspace's "
             "portfolio and left out (their ids are in the speaker notes)."] if missing else []
    speaker = [f"Left out, not in this workspace's portfolio: {', '.join(missing)}."] if missing else []

    opps = assessed[assessed["account_id"].isin(ids)]
    misfit = opps["fit"].isin([Fit.OVERKILL, Fit.INSUFFICIENT])
    focus_judged = recommend_accounts(assessed, accounts, matrix, currency, ids)
    recs, summary_frame = focus_judged.recommendations, focus_judged.summary
    summary = summary_frame.set_index("account_id").to_dict("index")
    decisions = store.decisions()
    decisions = decisions[decisions["account_id"].isin(ids)]
    in_force = capture.leads(opps, decisions, data["business_units"], currency)[1].set_index("account_id")
    planned = account_plans.latest_plans(store, ids)
    focus = []
    for account_id in ids:
        row = summary[account_id]
        mine = opps[opps["account_id"] == account_id]
        current = row.get("current_approach")
        recommended = row.get("recommended_approach")
        details = " · ".join(str(row[c]) for c in ("industry", "region", "owner") if pd.notna(row.get(c)))
        version, actions = _actions(planned.get(account_id), today)
        focus.append(deck.FocusAccount(
            account_id=account_id, name=str(row["name"]) if pd.notna(row.get("name")) else account_id,
            cells=portfolio.cell_summary(mine), opportunities=int(row["opportunities"]), value=float(row["value"]),
            current=str(current) if pd.notna(current) else None, current_assumed=portfolio.assumed_approach(),
            recommended=str(recommended) if pd.notna(recommended) else None,
            rationale=str(row["recommendation_rationale"]) if pd.notna(row.get("recommendation_rationale"))
            else "No opportunities yet.",
            flagged=portfolio.fit_summary(mine, currency), decision=_decision(decisions[decisions["account_id"] == account_id]),
            undiagnosed=int((mine["nature"].isna().to_numpy() & in_play(mine)).sum()), details=details,
            id_is_internal=account_id.startswith(NAME_ID_PREFIX), lead=_lead(in_force, account_id),
            plan_version=version, open_actions=actions))

    content = dict(title=TITLE, workspace=store.workspace, made_on=today, currency=currency, matrix=matrix,
                   cells=portfolio.cell_summary(assessed) if len(assessed) else deck.empty_cells(), figures=figures,
                   chosen_by=f"{chosen_by}.", accounts=focus, notes=notes, speaker_notes=speaker,
                   organisation=organisation(store), at_stake=float(opps.loc[misfit, "value"].sum()) if ids else None,
                   economics=focus_economics(store, summary_frame, opps, matrix, decisions, ids, currency,
                                             tried=assumptions))
    content.update(_funnel(store, data))
    content.update(_maturity(store))
    content.update(_plan(store))
    content["results"] = results_so_far(store, list_name, recs, currency)
    return deck.DeckContent(**content)  # type: ignore[arg-type]


def _lead(in_force: pd.DataFrame, account_id: str) -> deck.Lead:
    """The account's lead BU and point person for its slide (capture.leads' row), or why there is none."""
    if account_id not in in_force.index:
        return deck.Lead(None, None, capture.NOTHING_AT_STAKE)
    row = in_force.loc[account_id]

    def text(column: str) -> str | None:
        value = row[column]
        return str(value) if isinstance(value, str) and value else None

    return deck.Lead(text("lead_bu_name"), text("point_person"), str(row["lead_reason"]),
                     chosen="person" in (row["lead_source"], row["point_source"]))


def _actions(saved: account_plans.SavedPlan | None, today: date) -> tuple[int, list[str]]:
    """A focus account's plan version (0: none) and its open actions in a line each (overdue first)."""
    if saved is None:
        return 0, []
    opened = account_plan_rules.open_actions(saved.plan, today)
    return saved.version, [action_line({str(k): v for k, v in a.items()}) for a in opened.to_dict("records")]


TOP_GAINS = 5  # accounts named beside the results' chart


def results_so_far(store: Store, list_name: str | None, recommended: pd.DataFrame,
                   currency: str) -> deck.ResultsSoFar:
    """The "Results so far" slide: the results of ``list_name`` (else the latest focus list, else every account)
    since the baseline (when the list was saved, else the first import), as gtm.services.results counts them."""
    told = recommended.set_index("account_id")["recommended_approach"] if len(recommended) else None
    found = results_service.programme_results(store, list_name, recommended=told)
    baseline = (f"Since {found.baseline.words[0].lower()}{found.baseline.words[1:]} Accounts: {found.scope.words}."
                if found.baseline is not None else "")
    s = found.summary
    if s is None or found.waiting_for:
        return deck.ResultsSoFar(sentences=found.sentences(), baseline=baseline)
    series = found.series
    figures = [(money(s.gained, currency), "won since the baseline"
                + (f": {fmt_share(s.pace_share)} of the target's pace ({money(s.pace or 0, currency)} by now)"
                   if s.pace_share is not None else " (no target set, so no pace)")),
               (count(s.cross_bu, "account"), "won new deals in two or more BUs (cross-BU wins)"),
               (f"{s.with_deal:,} of {s.accounts:,}", "accounts closed a first deal"
                + (f", median {count(s.median_days, 'day')}; {s.within_six_months:,} within 6 months"
                   if s.median_days is not None else ""))]
    moved = s.group_share("moved")
    if moved is not None:
        figures.append((fmt_share(moved), f"of the gains at the {count(s.accounts_by_group.get('moved', 0), 'account')} "
                                          "that moved to their recommended structure"))
    gains = found.accounts[found.accounts["won_gained"] > 0].head(TOP_GAINS)
    return deck.ResultsSoFar(
        sentences=found.sentences(), baseline=baseline, dates=list(series["as_of"]),
        gained=[float(v) for v in series["gained"]],
        pace=[None if pd.isna(v) else float(v) for v in series["pace"]], figures=figures,
        top=[(str(n if pd.notna(n) else a), float(g), bool(c)) for a, n, g, c in
             zip(gains["account_id"], gains["account_name"], gains["won_gained"], gains["cross_bu"], strict=True)])


ECONOMICS_ROWS = ("name", "current", "plan", "moved", "value", "cost_year_current", "cost_year_plan", "setup_cost",
                  "stake_current", "stake_plan", "extra_benefit", "net", "payback_months")


def focus_economics(store: Store, accounts: pd.DataFrame, assessed: pd.DataFrame, matrix: ApproachMatrix,
                    decisions: pd.DataFrame, ids: list[str], currency: str,
                    tried: Assumptions | None = None) -> deck.Economics | None:
    """The economics of moving the focus accounts ``ids`` to their recommended structures, at the assumptions in
    force (None: no focus account). ``accounts``: their portfolio.account_summary. What cannot be computed (no
    exchange rate for the costs' currency, say) is said in words on the slide, never a number."""
    if not ids:
        return None
    try:
        saved = design.assumptions(store)
        a, converted = design.in_reporting_currency(store, tried or saved.assumptions, currency)
        plan, plan_notes = design.plan_structures(accounts, decisions, design.RECOMMENDED, ids)
        d = design.design(accounts, assessed, matrix, plan, a, account_ids=ids)
    except InputError as exc:
        return deck.Economics(problem=str(exc))
    rows = d.economics.sort_values("value", ascending=False, kind="stable")
    rows = rows.assign(name=rows["name"].astype(object).where(rows["name"].notna(), rows["account_id"]))
    saved_on = pd.Timestamp(saved.saved_at).date() if saved.saved_at is not None and pd.notna(saved.saved_at) else None
    formulas = ["How each figure is computed:"] + [
        f"- {key.replace('_', ' ').capitalize()}: {text}" for key, text in economics.FORMULAS.items()]
    return deck.Economics(
        rows=rows[list(ECONOMICS_ROWS)].reset_index(drop=True), totals=dict(d.totals.sums),
        accounts=d.totals.accounts, moved=d.totals.moved, payback_months=d.totals.payback_months,
        roles=d.roles[["label", "source", "people_current", "people_plan"]], assumptions=a, version=saved.version,
        tried=tried is not None and tried != saved.assumptions,
        coverage=[(f"{r.label}: {'people' if r.basis == 'programme' else 'accounts per person'}", a.coverage[r.code])
                  for r in design.playbook().roles],
        saved_by=saved.saved_by, saved_on=saved_on, notes=[*([converted] if converted else []), *plan_notes, *d.notes],
        formulas=formulas)


def _funnel(store: Store, data: dict[str, pd.DataFrame]) -> dict[str, object]:
    stages = lists.funnel_stages(store, data["accounts"], data["opportunities"])
    return {"funnel": stages, "target": lists.focus_target(store)}


def _maturity(store: Store) -> dict[str, object]:
    found = maturity.summary(store)
    if found is None or found.empty:
        return {}
    people = int(pd.to_numeric(found["people"], errors="coerce").max()) if "people" in found else 0
    return {"maturity": found, "maturity_note": f"The organisation's self-assessment on the nine dimensions, by "
                                                f"{people} {'person' if people == 1 else 'people'}; weakest first"}


def _plan(store: Store) -> dict[str, object]:
    latest = plans.latest_plan(store)
    if latest is None:  # said on the slide in a sentence: a default plan from today would be no one's plan
        return {}
    plan, start, for_accounts = latest
    return {"plan": plans.schedule_frame(plan, start),
            "plan_note": f"The saved plan, from {deck.day(start)}"
                         + (f", for the accounts of {for_accounts!r}" if for_accounts else "")}

