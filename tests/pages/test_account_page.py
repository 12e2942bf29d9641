"""AppTest of the Account page: one search ranked by value, a link to copy, one value basis, the chart's two views."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from urllib.parse import parse_qsl

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from gtm.domain.outcomes import WON_WEIGHT_DEFAULT
from gtm.domain.permissions import ADMIN
from gtm.domain.portfolio import STEPS_HELP
from gtm.domain.recommend import expected_value_note
from gtm.domain.vocabulary import APPROACHES
from gtm.ingest import demo
from gtm.ingest.limits import Limits
from gtm.services.imports import commit_import, plan_import
from gtm.storage.repository import Store

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 60
# Three accounts match "norka" (one written with an umlaut, one in capitals); each opportunity of an account is
# worth the same, so the largest account is known whatever the generator gives each.
NORKA = {"ACC-0001": ("Norka Mining Ltd", 1_000_000.0), "ACC-0003": ("Nörka Holz AG", 90_000_000.0),
         "ACC-0005": ("Bergwerk NORKA", 9_000_000.0)}


@pytest.fixture
def norka_db(empty_db: str, tmp_path: Path) -> str:
    """The main workspace with six generated accounts, three of them named Norka, each a different value."""
    frames = demo.generate(accounts=6)
    accounts, opps = frames["accounts"], frames["opportunities"]
    for account_id, (name, each) in NORKA.items():
        accounts.loc[accounts["account_id"] == account_id, "name"] = name
        opps.loc[opps["account_id"] == account_id, "value"] = each
    folder = tmp_path / "norka"
    folder.mkdir()
    demo.write(frames, folder)
    store = Store(empty_db)
    with store.transaction() as tx:
        store.upsert_business_units(tx, frames["business_units"])
    for kind in ("accounts", "opportunities"):
        commit_import(store, plan_import(store, kind, folder / f"{kind}.csv", limits=Limits.command_line()), ADMIN,
                      skip_invalid=True)
    return empty_db


def _account_page(**query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/account.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _results(at: AppTest):  # type: ignore[no-untyped-def]
    return next(t for t in at.dataframe if t.key and t.key.startswith("acc_results"))


def _totals(url: str) -> dict[str, float]:
    opps = Store(url).opportunities()
    return opps[opps["account_id"].isin(list(NORKA))].groupby("account_id")["value"].sum().to_dict()


def test_a_search_lists_the_matches_largest_first_and_opens_the_largest(norka_db: str) -> None:
    at = _account_page(account="ACC-0002")
    at.text_input(key="acc_search").input("norka").run()
    assert not at.exception, [e.message for e in at.exception]
    totals = _totals(norka_db)
    largest_first = sorted(totals, key=totals.__getitem__, reverse=True)
    assert largest_first[0] == "ACC-0003"  # the fixture's point: the umlaut-written one is the largest
    listed = _results(at).value
    assert listed["account_id"].tolist() == largest_first  # "Nörka" and "NORKA" match too
    assert listed["open"].tolist() == ["▶", "", ""]
    assert [h.value for h in at.header] == ["Nörka Holz AG"]
    assert at.query_params["account"] == "ACC-0003"
    assert any("3 matches, largest value first" in c.value for c in at.caption)


def test_clicking_another_match_opens_it(norka_db: str) -> None:
    at = _account_page()
    at.text_input(key="acc_search").input("norka").run()
    key = _results(at).key
    at.session_state[key] = {"selection": {"rows": [2], "columns": [], "cells": []}}
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    third = _results(at).value.iloc[2]
    assert [h.value for h in at.header] == [NORKA[third["account_id"]][0]]
    assert at.query_params["account"] == third["account_id"]
    assert _results(at).value["open"].tolist() == ["", "", "▶"]


def test_the_copy_link_opens_the_account_in_its_workspace(norka_db: str) -> None:
    at = _account_page(account="ACC-0005")
    link = at.code[0].value
    assert link.endswith("?workspace=main&account=ACC-0005")
    opened = _account_page(workspace="main", account="ACC-0005")  # the link, opened again
    assert [h.value for h in opened.header] == ["Bergwerk NORKA"]


def test_no_match_says_so_and_keeps_the_account_shown(demo_db: str) -> None:
    at = _account_page(account="ACC-0002")
    at.text_input(key="acc_search").input("zzzz-no-such").run()
    assert any("No account matches" in w.value for w in at.warning)
    assert at.query_params["account"] == "ACC-0002" and len(at.header) == 1


def test_both_verdicts_weigh_by_expected_value_and_say_so(demo_db: str) -> None:
    at = _account_page(account="ACC-0002")
    text = [m.value.replace("\\", "") for m in at.markdown]
    flagged = text[text.index("**Why is the current structure flagged?**") + 1]
    assert "expected value) are likely insufficient" in flagged and "step(s)" not in flagged
    why = next(i for i, t in enumerate(text) if t.startswith("**Why ") and "flagged" not in t)
    assert "expected value inside the realistic band" in text[why + 1]
    # The note says what an open, a won and a lost deal weigh, at the workspace's won-deal weight.
    assert any(c.value.startswith(expected_value_note(WON_WEIGHT_DEFAULT)) for c in at.caption)


def test_steps_columns_explain_what_a_step_means(demo_db: str) -> None:
    at = _account_page(account="ACC-0002")
    configs = [json.loads(t.proto.columns) for t in at.dataframe]
    with_steps = [c for c in configs if "steps" in c]
    assert len(with_steps) >= 2  # the over-served opportunities and all of them
    assert all(c["steps"] == {"label": "Steps", "help": STEPS_HELP, "type_config": {"type": "number"}}
               for c in with_steps)


def _bubbles(at: AppTest) -> list[dict]:  # type: ignore[type-arg]
    """The chart's bubble traces, their y positions as numbers (Plotly sends them as base64 typed arrays)."""
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    traces = [t for t in spec["data"] if t.get("customdata")]
    for t in traces:
        if isinstance(t["y"], dict):
            t["y"] = np.frombuffer(base64.b64decode(t["y"]["bdata"]), dtype=t["y"]["dtype"]).tolist()
    return traces


def test_the_chart_draws_the_opportunities_under_the_recommendation(demo_db: str) -> None:
    at = _account_page(account="ACC-0002")
    row = {c: i for i, c in enumerate(APPROACHES.codes)}
    current = [round(y) for t in _bubbles(at) for y in t["y"]]
    assert set(current) == {row["traditional_sales"]}  # where they are today
    at.segmented_control(key="acc_shown").set_value("recommended").run()
    assert not at.exception
    bubbles = _bubbles(at)
    assert {round(y) for t in bubbles for y in t["y"]} == {row["common_front_end"]}
    assert len(current) == sum(len(t["y"]) for t in bubbles)
    hovers = [c[2] for t in bubbles for c in t["customdata"]]
    assert all("(★ recommended)" in h for h in hovers)
    assert any(h.startswith("▲ Likely overkill") for h in hovers) and any("✓" in h for h in hovers)
    assert "★ recommended" in json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]["legend"]["title"]["text"]


def test_the_status_row_links_to_both_structures_cards_in_the_playbook(demo_db: str) -> None:
    at = _account_page(account="ACC-0002")
    shown = [(e.type, str(e.value)) for e in at.main if e.type in ("caption", "markdown")]  # in page order

    def under(caption: str) -> str:  # the structure's label shown under a caption of the status row
        i = shown.index(("caption", caption))
        return next(v for kind, v in shown[i + 1:] if kind == "markdown").strip("*")

    link = next(p.proto for p in at.get("page_link") if p.proto.page == "structures")
    assert link.label == "See both structures in the playbook"
    query = dict(parse_qsl(link.query_string))
    assert query == {"workspace": "demo", "structure": query["structure"], "compare": query["compare"]}
    assert APPROACHES.label(query["structure"]) == under("Current approach")
    assert APPROACHES.label(query["compare"]) == under("★ Recommended")
    assert query["structure"] != query["compare"]
    # followed, the link opens those two cards side by side with their markers
    cards = _account_page(**query).switch_page("pages/structures.py").run()
    opened = [m.value for m in cards.markdown if "badge[" in m.value]
    assert len(opened) == 2
    headings = [s.value.replace("\\", "") for s in cards.subheader]
    assert headings[0].endswith(APPROACHES.label(query["structure"]))
    assert headings[1].endswith(APPROACHES.label(query["compare"]))


def test_every_column_of_the_opportunities_has_a_header_in_words(demo_db: str) -> None:
    at = _account_page(account="ACC-0002")
    table = next(json.loads(t.proto.columns) for t in at.dataframe if "found" in json.loads(t.proto.columns))
    assert table["stage"]["label"] == "Stage"  # not the field's name, "stage"
    assert table["found"]["label"] == "Nature found"
