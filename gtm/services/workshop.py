"""Use case: the demo's workshop under way, seeded through the services people use (data/demo/workshop.json).

After the demo portfolio is loaded, its facilitator narrows the 400 accounts to a shortlist of 50, each BU head
picks the accounts of most interest to their BU, the facilitator saves the focus list of 15 with the case's target,
people score the organisation's maturity on two dates a quarter apart, the engagement plan is saved under way, a
few decisions are recorded and reviewed (approved, challenged, pending), a scenario is saved, each focus account
gets a plan, and a second CRM export, dated a quarter after the first (seed_demo dates it), brings the deals won
since. Each step is the same service call a page makes, with its permission checks, audit entries and validation.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from gtm.domain import funnel, portfolio
from gtm.domain.account_plans import AccountPlan, PlanAction, Stakeholder, Target
from gtm.domain.permissions import Actor, Role
from gtm.domain.story import WorkshopStory, default_story
from gtm.ingest import demo
from gtm.services import account_plans, decisions, design, imports, lists, maturity, plans
from gtm.services.currency import reporting_currency
from gtm.services.outcomes import won_weight
from gtm.services.portfolio import frames
from gtm.storage.repository import Store


def _actors(story: WorkshopStory) -> tuple[Actor, dict[str, Actor]]:
    facilitator = Actor(story.facilitator.name, Role.FACILITATOR, email=story.facilitator.email)
    heads = {bu: Actor(p.name, Role.BU_HEAD, bu, email=p.email) for bu, p in story.bu_heads.items()}
    return facilitator, heads


def seed_story(store: Store, story: WorkshopStory | None = None, today: date | None = None) -> dict[str, int]:
    """Carry out the workshop ``story`` (default: data/demo/workshop.json) on ``store``'s portfolio; returns what
    was written (lists, picks, assessments, plan, decisions, reviews, scenario, account plans, imports)."""
    story = story or default_story()
    today = today or date.today()
    facilitator, heads = _actors(story)
    data = frames(store, snapshots=False)
    opportunities, accounts = data["opportunities"], data["accounts"]
    matrix = store.active_matrix().matrix
    weight = won_weight(store)  # the workspace's, as the pages use it
    assessed = portfolio.assess_portfolio(opportunities, matrix, weight)
    recommended = portfolio.recommendations(assessed, matrix, reporting_currency(store), rationale=False) \
        .set_index("account_id")["recommended_approach"]
    done = {"lists": 0, "picks": 0, "assessments": 0, "plans": 0, "decisions": 0, "reviews": 0, "scenarios": 0,
            "account_plans": 0, "imports": 0}

    # 400 -> 50: the top N on size of opportunity and ease of access (the Key accounts page's default axes).
    rules = funnel.default_rules()
    pipeline = funnel.account_pipeline(opportunities, weight)
    placed = funnel.position(funnel.measures(accounts, pipeline, funnel.score_means(lists.scores(store), rules.score_scale),
                                            rules), story.shortlist.size_axis, story.shortlist.ease_axis)
    _, _, ranked = lists.build_shortlist(store, facilitator, placed, top_n=story.shortlist.top_n,
                                         name=story.shortlist.name,
                                         criteria={"size": story.shortlist.size_axis, "ease": story.shortlist.ease_axis})
    short = ranked.loc[ranked["in_list"], "account_id"].astype(str).tolist()
    done["lists"] += 1

    # 50 -> the BU leaders' picks: each head marks the shortlisted accounts where their BU has the most pipeline.
    on_short = opportunities[opportunities["account_id"].astype(str).isin(short)]
    by_bu = on_short.groupby([on_short["bu"].astype(str), on_short["account_id"].astype(str)])["value"].sum()
    for bu, head in heads.items():
        if bu not in by_bu.index.get_level_values(0):
            continue
        best = by_bu.loc[bu].sort_values(ascending=False, kind="stable").head(story.picks_per_bu)
        done["picks"] += lists.save_bu_marks(store, head, bu, picks={a: True for a in best.index},
                                             list_name=story.shortlist.name)

    # -> the focus list, from the picks (most BUs first, then value), with the case's target.
    lists.save_focus_list(store, facilitator, story.shortlist.name, pipeline["value"], top_n=story.focus.top_n,
                          name=story.focus.name, target_value=story.focus.target_value,
                          target_years=story.focus.target_years)
    done["lists"] += 1
    focus = lists.list_accounts(store, story.focus.name)

    # Maturity: several people, two dates.
    for assessment in story.maturity:
        day = today - timedelta(days=assessment.days_ago)
        for person in assessment.people:
            actor = facilitator if person.who == "facilitator" else heads[person.who]
            maturity.record_assessment(store, actor, "organisation", day, dict(person.scores), assessment.note)
            done["assessments"] += 1

    # The engagement plan, under way.
    base = plans.default_plan()
    owners = story.plan.owners
    phases, k = [], 0
    for p, phase in enumerate(base.phases):
        statuses = story.plan.statuses[p] if p < len(story.plan.statuses) else ()
        acts = []
        for a, act in enumerate(phase.activities):
            acts.append(act.model_copy(update={"owner": owners[k % len(owners)],
                                               "status": statuses[a] if a < len(statuses) else act.status}))
            k += 1
        phases.append(phase.model_copy(update={"activities": tuple(acts)}))
    plans.save_plan(store, facilitator, story.plan.name, today - timedelta(weeks=story.plan.weeks_ago),
                    base.model_copy(update={"phases": tuple(phases)}), story.focus.name)
    done["plans"] += 1

    # Decisions on focus accounts, and the BU heads' reviews.
    touches = opportunities.groupby(opportunities["account_id"].astype(str))["bu"].agg(
        lambda b: sorted({str(x) for x in b.dropna()}))
    for step in story.decisions:
        if step.focus_rank > len(focus):
            continue
        account = focus[step.focus_rank - 1]
        approach = str(recommended.get(account, "")) if step.approach == "recommended" else step.approach
        if not approach:
            continue
        told = recommended.get(account)
        decision = decisions.record_decision(store, facilitator, account, approach, step.rationale,
                                             recommended_approach=str(told) if pd.notna(told) else None)
        done["decisions"] += 1
        if step.review is None:
            continue  # pending: waiting for the BU heads
        reviewers = [heads[bu] for bu in touches.get(account, []) if bu in heads]
        for head in reviewers[:1] if step.review == "challenged" else reviewers:
            decisions.review_decision(store, head, decision, step.review, step.comment)
            done["reviews"] += 1

    # A scenario: the focus accounts at their recommended structures.
    structures = pd.DataFrame({"account_id": focus, "approach": [recommended.get(a) for a in focus]}).dropna()
    if len(structures):
        design.save_scenario(store, facilitator, story.scenario.name, structures, scope=story.focus.name,
                             base="the recommendation", note=story.scenario.note)
        done["scenarios"] += 1

    done["account_plans"] += _account_plans(store, story, facilitator, heads, focus, accounts, opportunities, today)
    done["imports"] += _quarter_later(store, story, facilitator, focus, today)
    return done


def _account_plans(store: Store, story: WorkshopStory, facilitator: Actor, heads: dict[str, Actor], focus: list[str],
                   accounts: pd.DataFrame, opportunities: pd.DataFrame, today: date) -> int:
    """A plan for each of the first focus accounts, saved by the facilitator: objectives, the workshop's targets for
    the BUs with the most open pipeline there, stakeholders and actions taken in turn from the story's pools."""
    told = story.account_plans
    names = accounts.set_index(accounts["account_id"].astype(str))
    bu_names = dict(zip(store.business_units()["bu_id"], store.business_units()["name"], strict=True))
    open_deals = opportunities[opportunities["outcome"].astype(str) == "open"] if "outcome" in opportunities \
        else opportunities
    pipeline = open_deals.groupby([open_deals["account_id"].astype(str), open_deals["bu"].astype(str)])["value"].sum()

    def who(owner: str, account: str) -> str:
        if owner == "account owner":
            found = names["owner"].get(account)
            return str(found) if pd.notna(found) else ""
        return facilitator.name if owner == "facilitator" else heads[owner].name

    saved = 0
    for k, account in enumerate(focus[:told.accounts]):
        mine = pipeline.loc[account].sort_values(ascending=False, kind="stable") if account in pipeline.index else \
            pd.Series(dtype=float)
        lead = bu_names.get(str(mine.index[0]), str(mine.index[0])) if len(mine) else "our BUs"
        name = str(names["name"].get(account, account))
        people = [k * told.per_account + j for j in range(told.per_account)]
        plan = AccountPlan(
            objectives=tuple(o.format(account=name, bu=lead) for o in told.objectives),
            targets=tuple(Target(bu=str(bu), value=round(float(v) * told.target_share, -3))
                          for bu, v in mine.head(told.target_bus).items()),
            stakeholders=tuple(Stakeholder(
                name=f"{told.first_names[i % len(told.first_names)]} {told.last_names[i % len(told.last_names)]}",
                role=told.stakeholders[i % len(told.stakeholders)].role,
                strength=told.stakeholders[i % len(told.stakeholders)].strength,
                owner=who(told.stakeholders[i % len(told.stakeholders)].owner, account)) for i in people),
            actions=tuple(PlanAction(
                action=a.action, owner=who(a.owner, account), status=a.status,
                due=None if a.due_in_days is None else today + timedelta(days=a.due_in_days))
                for a in (told.actions[(k + j) % len(told.actions)] for j in range(told.per_account + 1))),
            note="Drafted in the workshop's pilot account planning.")
        account_plans.save_plan(store, facilitator, account, plan)
        saved += 1
    return saved


def first_export_date(story: WorkshopStory | None = None, today: date | None = None) -> date:
    """The date of the demo's first CRM export: a quarter (the story's days) before the seeding."""
    return (today or date.today()) - timedelta(days=(story or default_story()).results.days_between)


def _quarter_later(store: Store, story: WorkshopStory, facilitator: Actor, focus: list[str], today: date) -> int:
    """The second CRM export, dated ``today``: the deals changed since the first, the story's wins among them."""
    told = story.results
    wins = {focus[w.focus_rank - 1]: w.bus for w in told.won if w.focus_rank <= len(focus)}
    rows = demo.later_export(demo.load(demo.DEMO_DIR)["opportunities"], wins,
                             first=first_export_date(story, today), second=today, max_value=told.max_value)
    if rows.empty:
        return 0
    plan = imports.plan_import(store, "opportunities", demo.csv_bytes("opportunities", rows), name=told.second_file)
    imports.commit_import(store, plan, facilitator, as_of=today)
    return 1
