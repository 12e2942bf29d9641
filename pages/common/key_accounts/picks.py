"""Step 2: the BU leaders score the shortlist's accounts on size and ease and pick those of interest to their BU;
the picks standing on the shortlist."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from gtm.display import count, plain
from gtm.domain.types import FUNNEL_MEASURES, Action, Actor, FunnelRules, Role
from gtm.services import lists as lists_service
from gtm.services.views import key_accounts
from gtm.services.workspaces import Store
from pages.common import widgets
from pages.common.key_accounts import keys
from pages.common.key_accounts.state import Lists, pipeline_label

PICK_COLUMNS = ["account_id", "bu", "picked", "author", "created_at"]


def marks_table(short_ids: list[str], accounts: pd.DataFrame, pipeline: pd.Series, scores: pd.DataFrame,
                picks: pd.DataFrame, bu: str) -> pd.DataFrame:
    """The shortlist's accounts with ``bu``'s scores, its pick (first) and who marked it when."""
    mine = scores[scores["bu"] == bu] if len(scores) else scores
    base = pd.DataFrame({"account_id": short_ids})
    base = base.merge(accounts[["account_id", "name"]], on="account_id", how="left")
    base["value"] = pipeline.reindex(pd.Index(base["account_id"])).fillna(0.0).to_numpy()
    for m in FUNNEL_MEASURES:
        got = mine[mine["measure"] == m].set_index("account_id")["score"] if len(mine) else pd.Series(dtype=float)
        base[f"{m}_score"] = got.reindex(pd.Index(base["account_id"])).to_numpy(dtype=float)
    marks = picks[picks["bu"] == bu].set_index("account_id") if len(picks) else pd.DataFrame()
    ids = pd.Index(base["account_id"])
    base["of_interest"] = marks["picked"].reindex(ids).fillna(False).astype(bool).to_numpy() if len(marks) \
        else False
    base["marked"] = (marks["picked"].astype(bool).map({True: "Marked by ", False: "Unmarked by "})
                      + marks["author"].astype(str) + ", " + pd.to_datetime(marks["created_at"]).dt.strftime(
        "%Y-%m-%d %H:%M") + " UTC").reindex(ids).fillna("").to_numpy() if len(marks) else ""
    return base[["of_interest", *[c for c in base.columns if c != "of_interest"]]]  # the tick first, at hand


def _changes(edited: pd.DataFrame, base: pd.DataFrame) -> tuple[dict[tuple[str, str], float], dict[str, bool]]:
    score_changes: dict[tuple[str, str], float] = {}
    for m in FUNNEL_MEASURES:
        new, old = edited[f"{m}_score"].to_numpy(dtype=float), base[f"{m}_score"].to_numpy(dtype=float)
        changed = ~np.isnan(new) & ((np.isnan(old)) | (new != old))
        score_changes.update({(a, m): float(v) for a, v in zip(edited["account_id"][changed], new[changed])})
    flips = edited["of_interest"].to_numpy(dtype=bool) != base["of_interest"].to_numpy(dtype=bool)
    return score_changes, dict(zip(edited["account_id"][flips].astype(str), edited["of_interest"][flips].astype(bool)))


def show_marks(store: Store, who: Actor, short: dict[str, Any], base: pd.DataFrame, bu: str, rules: FunnelRules,
               cur: str, *, scorer: bool, picker: bool) -> None:
    """``bu``'s scores and picks on the shortlist as an editor, and saving what changed."""
    scale = rules.score_scale
    edited = st.data_editor(
        base.assign(value=widgets.money_text(base["value"], cur)), hide_index=True, width="stretch",
        key=keys.marks(short["list_id"], bu),
        disabled=["account_id", "name", "value", "marked"] + ([] if scorer else ["size_score", "ease_score"])
                 + ([] if picker else ["of_interest"]),
        column_config={
            "account_id": "Account", "name": "Name",
            # Text in this editor (widgets.money_text): the rows are by value.
            "value": st.column_config.TextColumn(pipeline_label(cur), alignment="right"),
            "size_score": st.column_config.NumberColumn(f"Size (0-{scale})", min_value=0, max_value=scale, step=0.5),
            "ease_score": st.column_config.NumberColumn(f"Ease (0-{scale})", min_value=0, max_value=scale, step=0.5),
            "of_interest": st.column_config.CheckboxColumn("Pick", width="small",
                                                           help="Of interest to this BU: a pick for the focus list"),
            "marked": "Marked or unmarked by, when"})
    score_changes, pick_changes = _changes(edited, base)
    n = len(score_changes) + len(pick_changes)
    if st.button(f"Save {count(n, 'change')} for {bu}" if n else "Nothing changed yet", key=keys.SAVE_MARKS,
                 type="primary", disabled=not n, icon=":material/how_to_reg:"):
        list_name, list_version = str(short["name"]), int(short["version"])  # the shortlist marked
        widgets.run_action(lambda: lists_service.save_bu_marks(
            store, who, bu, scores=score_changes, picks=pick_changes, list_name=list_name,
            version=list_version), toast=f"Saved for {bu}")


def show_standing(picks: pd.DataFrame, short: dict[str, Any]) -> None:
    """The latest picks on the shortlist: which accounts, by which BU, who and when."""
    standing = key_accounts.latest_picks(picks)
    st.caption(plain(f"Picks on {short['name']} v{short['version']}: {len(standing)} from "
                     f"{count(standing['bu'].nunique() if len(standing) else 0, 'BU')}."))
    if len(standing):
        st.dataframe(standing[["account_id", "bu", "author", "created_at"]], hide_index=True, width="stretch",
                     key=keys.PICKS, height=min(300, 38 + 35 * len(standing)),
                     column_config={"account_id": "Account", "bu": "BU", "author": "Picked by",
                                    "created_at": st.column_config.DatetimeColumn("When (UTC)",
                                                                                  format="YYYY-MM-DD HH:mm")})


def show_picks(store: Store, who: Actor, lists: Lists, accounts: pd.DataFrame, business_units: pd.DataFrame,
               pipeline: pd.Series, rules: FunnelRules, cur: str, showing: bool) -> None:
    """Step 2: the BU leader's editor of scores and picks (a BU of theirs), then the picks standing."""
    st.subheader("The BUs' scores and picks", anchor=False)
    short = lists.short
    bus = business_units["bu_id"].astype(str).tolist()
    bu_names = dict(zip(business_units["bu_id"].astype(str), business_units["name"].astype(str)))
    scorer = who.can(Action.SCORE_ACCOUNTS) and not showing
    picker = who.can(Action.PICK_FOCUS) and not showing
    if who.role == Role.BU_HEAD:
        bus = [b for b in bus if b in who.bus]
    picks = lists_service.picks(store, int(short["list_id"])) if short else pd.DataFrame(columns=PICK_COLUMNS)
    if not short:
        st.info("No shortlist saved yet: the BU leaders pick their accounts of interest on a saved shortlist.",
                icon=":material/info:")
    elif (scorer or picker) and not bus:
        st.info("No BU of this portfolio is assigned to you yet; ask an administrator to add yours.", icon=":material/info:")
    elif scorer or picker:
        bu = st.selectbox("BU", bus, format_func=widgets.names(bus, {b: f"{b} · {bu_names.get(b, b)}" for b in bus}),
                          key=keys.BU)
        base = marks_table(lists.short_ids, accounts, pipeline, lists_service.scores(store), picks, bu)
        show_marks(store, who, short, base, bu, rules, cur, scorer=scorer, picker=picker)
    if short:
        show_standing(picks, short)
