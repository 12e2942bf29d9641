"""Key accounts: the deck's funnel. Size of opportunity against ease of access, the shortlist (top N or thresholds),
the BU leaders' scores and picks, the focus list with its target, the funnel chart and every saved list version."""

from __future__ import annotations

from typing import Any, cast

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from gtm.display import count, money, plain, plural
from gtm.domain.types import FUNNEL_MEASURES, Action, Axis, Role
from gtm.export import charts
from gtm.services import lists
from gtm.services.views import key_accounts
from pages.common import cache, identity, navigation, present, session, widgets

HOW_NAMES = {"top": "Top N by size", "thresholds": "Thresholds"}

SHOWN = 2000  # points drawn and rows listed: the largest accounts; more is slow to send and nobody reads them
# The three lists' colours in the scatter and the funnel. The funnel writes white on the two dark ones (5.3:1 and
# 4.7:1) and near-black on the grey (8.8:1), wherever its text falls inside a bar (charts.legible).
LIST_COLOURS = {"Long list": "#B8BDC2", "Shortlist": "#2F6DB5", "Focus list": "#C44E29"}
rules = key_accounts.rules()
# The funnel narrows every account itself: the sidebar's list does not filter this page (its figures, the pipeline
# values and the focus list built from the picks all need every account).
d = session.data(every_account=True)
showing = present.presenting()
least = widgets.text_px()  # the smallest chart text
who = identity.actor()
cur = session.currency()
PIPELINE_LABEL = f"Pipeline value ({cur})"
PIPELINE = st.column_config.NumberColumn(PIPELINE_LABEL)  # amounts as the figures write them (widgets.money_table)
st.title("Key accounts")
st.caption(f"The deck's funnel: every potential account, narrowed to {rules.shortlist_size} on size of opportunity "
           f"and ease of access, then to the {rules.focus_size} of most interest to the BU leaders.")
if (sidebar_list := session.chosen_list()) is not None:
    st.caption(f"The sidebar's list **{plain(sidebar_list)}** does not filter this page: the funnel starts from every "
               "account.")
if d.accounts.empty:
    navigation.empty_state("No accounts yet: import accounts and opportunities on the Import page (or open the demo "
                           "workspace) to build the funnel.", icon=":material/filter_alt:")
    st.stop()

store = session.store()
url, ws, scope = session.database_url(), session.workspace(), session.list_scope()


# ---------------------------------------------------------------------------------------------- cached frames
FRAMES = (d.accounts, d.opportunities, session.won_weight())  # what the cached funnel frames are computed from


versions = cache.list_versions(url, ws, d.version)


def _latest(stage: str) -> dict[str, Any] | None:
    found = versions[versions["stage"] == stage] if len(versions) else versions
    return None if found.empty else {str(k): v for k, v in found.iloc[0].to_dict().items()}  # newest first


short, focus_list = _latest("short"), _latest("focus")
short_ids = cache.list_members(url, ws, int(short["list_id"]), store.data_version()) if short else []
focus_ids = cache.list_members(url, ws, int(focus_list["list_id"]), store.data_version()) if focus_list else []


def _fmt(axis: Axis, x: float) -> str:
    if np.isnan(x):
        return "not scored"
    return money(x, cur) if axis.unit == "money" else f"{x:.0f} %" if axis.unit == "percent" else f"{x:.1f}"


# ---------------------------------------------------------------------------------------------- the funnel figures
pipeline = cache.pipeline(url, ws, d.portfolio_version, scope, d.opportunities, session.won_weight())["value"]
long_ids = d.accounts["account_id"]
stages = key_accounts.funnel_stages([(rules.stages["long"], long_ids.tolist()), (rules.stages["short"], short_ids),
                        (rules.stages["focus"], focus_ids)], pipeline)
target_value, target_years = lists.focus_target(store)
cols = st.columns(4)
for col, row in zip(cols, stages.itertuples()):
    col.metric(str(row.stage), f"{row.accounts:,}", f"{money(cast(float, row.value), cur)} pipeline",
               delta_color="off", delta_arrow="off")
cols[3].metric("Focus target", money(target_value, cur) if target_value else "not set",
               f"over {target_years} years" if target_years else "incremental sales", delta_color="off",
               delta_arrow="off")

# ---------------------------------------------------------------------------------------------- one stage at a time
# The deck's three steps as tabs, the current one open: no shortlist yet, the long list; a shortlist newer than the
# focus list, the BU leaders' picks on it; else the focus list.
STAGES = ["1 · Long list → shortlist", "2 · Shortlist: the BUs' picks", "3 · Focus list", "The funnel and saved lists"]
now = 0 if not short else 2 if focus_list and int(focus_list["list_id"]) > int(short["list_id"]) else 1
if now == 0:
    st.caption(f"**Now: step 1 of 3.** Narrow the long list of {len(d.accounts):,} accounts to a shortlist on size of "
               "opportunity and ease of access, and save it.")
elif now == 1:
    assert short is not None  # step 2: a shortlist is saved
    st.caption(f"**Now: step 2 of 3.** The BU leaders score and pick the accounts of interest on the shortlist "
               f"**{plain(short['name'])}** v{short['version']}; the focus list (step 3) is built from their picks.")
else:
    assert focus_list is not None  # step 3 done: a focus list is saved
    st.caption(f"The focus list **{plain(focus_list['name'])}** v{focus_list['version']} is saved: the three steps "
               "are done. A new shortlist (step 1) starts them again.")
long_tab, short_tab, focus_tab, saved_tab = st.tabs(STAGES, default=STAGES[now])
with long_tab:
    # ---------------------------------------------------------------------------------------------- the scatter
    st.subheader("Size of opportunity and ease of access", anchor=False)
    size_codes = [a.code for a in rules.size_axes]
    ease_codes = [a.code for a in rules.ease_axes]
    c1, c2, c3 = st.columns([2, 2, 1.3], vertical_alignment="bottom")
    size_axis = c1.selectbox("Size of opportunity", size_codes, index=size_codes.index(rules.default_size),
                             format_func=widgets.names(size_codes, {c: rules.axis(c).label for c in size_codes}),
                             key="ka_size",
                             help=" ".join(f"{a.label}: {a.help}" for a in rules.size_axes))
    ease_axis = c2.selectbox("Ease of access", ease_codes, index=ease_codes.index(rules.default_ease),
                             format_func=widgets.names(ease_codes, {c: rules.axis(c).label for c in ease_codes}),
                             key="ka_ease",
                             help=" ".join(f"{a.label}: {a.help}" for a in rules.ease_axes))
    growth = c3.toggle("× growth potential", value=rules.growth_default, key="ka_growth",
                       help="Size of opportunity times (1 + the imported growth potential); an account without one keeps "
                            "its size.")
    placed = cache.positioned(url, ws, d.portfolio_version, d.version, scope, size_axis, ease_axis, growth, *FRAMES)
    size_ax, ease_ax = rules.axis(size_axis), rules.axis(ease_axis)
    # Amounts as the figures write them (widgets.money_table); the size axis is an amount, a percentage or a score.
    money_cols = ["value", *(["size"] if size_ax.unit == "money" else [])]
    size_column = st.column_config.NumberColumn(size_ax.label, format=None if size_ax.unit == "money" else "%.1f")
    cover = key_accounts.coverage(placed)


    def _scatter(frame: pd.DataFrame) -> go.Figure:
        drawn = frame.dropna(subset=["size", "ease"]).nlargest(SHOWN, "size")
        marked = frame[frame["account_id"].isin(short_ids) | frame["account_id"].isin(focus_ids)].dropna(
            subset=["size", "ease"])
        drawn = pd.concat([drawn, marked[~marked["account_id"].isin(drawn["account_id"])]])
        status = np.where(drawn["account_id"].isin(focus_ids), "Focus list",
                          np.where(drawn["account_id"].isin(short_ids), "Shortlist", "Long list"))
        fig = go.Figure()
        top = max(float(drawn["value"].max()), 1.0) if len(drawn) else 1.0
        for label, colour in LIST_COLOURS.items():
            part = drawn[status == label]
            if part.empty:
                continue
            fig.add_trace(go.Scattergl(
                x=part["ease"], y=part["size"], mode="markers",
                name=f"{label}{' (not on the focus list)' if label == 'Shortlist' and focus_ids else ''} ({len(part):,})",
                marker={"size": 6 + 24 * np.sqrt(part["value"].clip(lower=0) / top), "color": colour,
                        "line": {"width": 0.5, "color": "#333"}, "opacity": 0.85 if label != "Long list" else 0.55},
                customdata=np.stack([part["name"].astype(str).map(charts.hover_text),  # data text: never markup
                                     part["value"].map(lambda v: money(v, cur))], axis=-1),
                hovertemplate="%{customdata[0]}<br>" + ease_ax.label + ": %{x:.1f}<br>" + size_ax.label
                              + ": %{y:,.3s}<br>Pipeline: %{customdata[1]}<extra>" + label + "</extra>"))
        text = charts.text_layout(least)
        font = text["font"]
        # A money axis is logarithmic: a label at each power of ten, none between (Plotly draws those smaller).
        log = {"type": "log", "minorloglabels": "none"} if size_ax.unit == "money" else {}
        fig.update_layout(
            height=420, margin={"l": 10, "r": 10, "t": 10, "b": 10}, plot_bgcolor="white",
            **{**text, "legend": {**text["legend"], "orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0}},
            xaxis={"title": {"text": ease_ax.label + " →  easier", "font": font}, "tickfont": font,
                   "gridcolor": "#EEE"},
            yaxis={"title": {"text": size_ax.label + " →  larger", "font": font}, "tickfont": font,
                   "gridcolor": "#EEE", **log})
        return fig


    widgets.chart(_scatter(placed), key="ka_scatter", width="stretch")
    note = [f"{cover.placed:,} of {cover.accounts:,} accounts placed"]
    if cover.placed > SHOWN:
        note.append(f"the {SHOWN:,} largest drawn, with every listed account")
    if cover.not_scored:
        note.append(f"{cover.not_scored:,} not scored on ease of access (not 0: listed below)")
    if cover.size_unknown:
        note.append(f"{cover.size_unknown:,} with no {size_ax.label.lower()}")
    if growth and cover.growth_unknown:
        note.append(f"{cover.growth_unknown:,} without a growth potential keep their size")
    st.caption(plain("; ".join(note) + ". Bubble size: pipeline value."))
    if cover.not_scored or cover.size_unknown:
        unknown = placed[placed["ease"].isna() | placed["size"].isna()]
        with st.expander(f"Accounts not scored ({len(unknown):,})"):
            st.dataframe(widgets.money_table(unknown.nlargest(SHOWN, "value")[["account_id", "name", "value", "size",
                                                                               "ease"]], money_cols, cur),
                         hide_index=True, width="stretch", key="ka_unscored",
                         column_config={"value": PIPELINE, "size": size_column,
                                        "ease": st.column_config.NumberColumn(ease_ax.label, format="%.1f")})

    # ---------------------------------------------------------------------------------------------- the shortlist
    st.subheader(f"Shortlist: the long list of {len(d.accounts):,} narrowed", anchor=False)
    manager = who.can(Action.MANAGE_LISTS) and not showing
    if showing:
        how, top_n, min_size, min_ease = "top", rules.shortlist_size, None, None
    else:
        b1, b2, b3, b4 = st.columns([1.4, 1, 1.3, 1], vertical_alignment="bottom")
        how = b1.radio("Narrow by", ["top", "thresholds"], horizontal=True, key="ka_how",
                       format_func=HOW_NAMES.__getitem__)
        top_n = int(b2.number_input("Top N", min_value=1, max_value=max(1, len(d.accounts)),
                                    value=min(rules.shortlist_size, len(d.accounts)), step=5, key="ka_top_n",
                                    disabled=how != "top"))
        min_size = b3.number_input(f"Min. size ({size_ax.label.split(' (')[0].lower()})", min_value=0.0, value=0.0,
                                   key="ka_min_size", disabled=how != "thresholds", format="%.0f")
        min_ease = b4.number_input("Min. ease", min_value=0.0, value=0.0, key="ka_min_ease",
                                   disabled=how != "thresholds", format="%.1f")
    if how == "top":
        args: tuple[int | None, float | None, float | None] = (top_n, None, None)
    else:
        args = (None, float(min_size or 0) or None, float(min_ease or 0) or None)
    preview = cache.shortlist(url, ws, d.portfolio_version, d.version, scope, size_axis, ease_axis, growth, *args,
                              *FRAMES)
    chosen = preview[preview["in_list"]]
    st.markdown(f"**{count(len(chosen), 'account')}** in the preview, "
                f"**{plain(money(float(chosen['value'].sum()), cur))}** of pipeline"
                + (f"; the saved shortlist **{plain(short['name'])} v{short['version']}** holds {len(short_ids)}."
                   if short else "; no shortlist saved yet."))
    table_cols = ["rank", "account_id", "name", "value", *([] if size_axis == "value" else ["size"]), "ease", "reason"]
    shown = pd.concat([chosen.head(SHOWN), preview[~preview["in_list"]].head(20)])
    st.dataframe(widgets.money_table(shown[table_cols], money_cols, cur), hide_index=True, width="stretch", height=300,
                 key="ka_preview",
                 column_config={"rank": st.column_config.NumberColumn("Rank", width="small"),
                                "account_id": "Account", "name": "Name",
                                "value": PIPELINE, "size": size_column,
                                "ease": st.column_config.NumberColumn(ease_ax.label, format="%.1f"),
                                "reason": "Why in or out"})
    if manager:
        picked_on_short = int(lists.picks(store, int(short["list_id"]))["picked"].astype(bool).sum()) if short else 0
        if short and picked_on_short:  # the BU leaders' picks belong to the version they were made on
            st.warning(f"{count(picked_on_short, 'pick')} of the BU leaders {plural(picked_on_short, 'is', 'are')} on "
                       f"{plain(str(short['name']))} "
                       f"v{short['version']}. Saving the shortlist again makes a new version whose picks start afresh; "
                       "the focus list is built from the latest version's picks.", icon=":material/warning:")
        n1, n2 = st.columns([3, 1], vertical_alignment="bottom")
        short_name = n1.text_input("Shortlist name", value=str(short["name"]) if short else "Shortlist",
                                   key="ka_short_name", max_chars=lists.MAX_NAME)
        if n2.button("Save shortlist", key="ka_save_short", type="primary", icon=":material/save:",
                     disabled=chosen.empty):
            widgets.run_action(lambda: lists.save_list(
                store, who, short_name, "short", chosen["account_id"].astype(str).tolist(),
                criteria={"size": size_axis, "ease": ease_axis, "growth": growth, "top_n": args[0],
                          "min_size": args[1], "min_ease": args[2]}),
                toast=f"Shortlist saved ({len(chosen)} accounts)")

with short_tab:
    # ---------------------------------------------------------------------------------------------- BU scores and picks
    st.subheader("The BUs' scores and picks", anchor=False)
    bus = d.business_units["bu_id"].astype(str).tolist()
    bu_names = dict(zip(d.business_units["bu_id"].astype(str), d.business_units["name"].astype(str)))
    scorer = who.can(Action.SCORE_ACCOUNTS) and not showing
    picker = who.can(Action.PICK_FOCUS) and not showing
    if who.role == Role.BU_HEAD:
        bus = [b for b in bus if b in who.bus]
    picks = lists.picks(store, int(short["list_id"])) if short else pd.DataFrame(columns=["account_id", "bu", "picked",
                                                                                           "author", "created_at"])
    if not short:
        st.info("No shortlist saved yet: the BU leaders pick their accounts of interest on a saved shortlist.",
                icon=":material/info:")
    elif (scorer or picker) and not bus:
        st.info("No BU of this portfolio is assigned to you yet; ask an administrator to add yours.", icon=":material/info:")
    elif scorer or picker:
        bu = st.selectbox("BU", bus, format_func=widgets.names(bus, {b: f"{b} · {bu_names.get(b, b)}" for b in bus}),
                          key="ka_bu")
        scores = lists.scores(store)
        mine = scores[scores["bu"] == bu] if len(scores) else scores
        base = pd.DataFrame({"account_id": short_ids})
        base = base.merge(d.accounts[["account_id", "name"]], on="account_id", how="left")
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
        scale = rules.score_scale
        base = base[["of_interest", *[c for c in base.columns if c != "of_interest"]]]  # the tick first, at hand
        edited = st.data_editor(
            base.assign(value=widgets.money_text(base["value"], cur)), hide_index=True, width="stretch",
            key=f"ka_marks_{short['list_id']}_{bu}",
            disabled=["account_id", "name", "value", "marked"] + ([] if scorer else ["size_score", "ease_score"])
                     + ([] if picker else ["of_interest"]),
            column_config={
                "account_id": "Account", "name": "Name",
                # Text in this editor (widgets.money_text): the rows are by value.
                "value": st.column_config.TextColumn(PIPELINE_LABEL, alignment="right"),
                "size_score": st.column_config.NumberColumn(f"Size (0-{scale})", min_value=0, max_value=scale, step=0.5),
                "ease_score": st.column_config.NumberColumn(f"Ease (0-{scale})", min_value=0, max_value=scale, step=0.5),
                "of_interest": st.column_config.CheckboxColumn("Pick", width="small", help="Of interest to this BU: a pick for the focus list"),
                "marked": "Marked or unmarked by, when"})
        score_changes: dict[tuple[str, str], float] = {}
        for m in FUNNEL_MEASURES:
            new, old = edited[f"{m}_score"].to_numpy(dtype=float), base[f"{m}_score"].to_numpy(dtype=float)
            changed = ~np.isnan(new) & ((np.isnan(old)) | (new != old))
            score_changes.update({(a, m): float(v) for a, v in zip(edited["account_id"][changed], new[changed])})
        flips = edited["of_interest"].to_numpy(dtype=bool) != base["of_interest"].to_numpy(dtype=bool)
        pick_changes = dict(zip(edited["account_id"][flips].astype(str), edited["of_interest"][flips].astype(bool)))
        n = len(score_changes) + len(pick_changes)
        if st.button(f"Save {count(n, 'change')} for {bu}" if n else "Nothing changed yet", key="ka_save_marks",
                     type="primary", disabled=not n, icon=":material/how_to_reg:"):
            list_name, list_version = str(short["name"]), int(short["version"])  # the shortlist marked
            widgets.run_action(lambda: lists.save_bu_marks(
                store, who, bu, scores=score_changes, picks=pick_changes, list_name=list_name,
                version=list_version), toast=f"Saved for {bu}")
    if short:
        standing = key_accounts.latest_picks(picks)
        st.caption(plain(f"Picks on {short['name']} v{short['version']}: {len(standing)} from "
                         f"{count(standing['bu'].nunique() if len(standing) else 0, 'BU')}."))
        if len(standing):
            st.dataframe(standing[["account_id", "bu", "author", "created_at"]], hide_index=True, width="stretch",
                         key="ka_picks", height=min(300, 38 + 35 * len(standing)),
                         column_config={"account_id": "Account", "bu": "BU", "author": "Picked by",
                                        "created_at": st.column_config.DatetimeColumn("When (UTC)",
                                                                                      format="YYYY-MM-DD HH:mm")})

with focus_tab:
    # ---------------------------------------------------------------------------------------------- the focus list
    st.subheader("Focus list: the accounts the BU leaders picked", anchor=False)
    if short:
        f1, f2, f3 = st.columns(3, vertical_alignment="bottom")
        focus_n = rules.focus_size if showing else int(f1.number_input(
            "Focus accounts", min_value=1, max_value=max(1, len(short_ids)),
            value=max(1, min(rules.focus_size, len(short_ids))),
            key="ka_focus_n"))
        ranked = lists.focus_from_picks(store, short, pipeline, focus_n)
        ranked = ranked.merge(d.accounts[["account_id", "name"]], on="account_id", how="left")
        infocus = ranked[ranked["in_list"]]
        st.markdown(f"**{count(len(infocus), 'account')}** picked into focus, "
                    f"**{plain(money(float(infocus['value'].sum()), cur))}** of pipeline (most BUs first, then value).")
        st.dataframe(widgets.money_table(ranked[["rank", "account_id", "name", "value", "bus", "picked_by", "reason"]]
                                         .head(SHOWN), ["value"], cur),
                     hide_index=True, width="stretch", key="ka_focus", height=300,
                     column_config={"rank": "Rank", "account_id": "Account", "name": "Name",
                                    "value": PIPELINE,
                                    "bus": "BUs", "picked_by": "Picked by BUs", "reason": "Why in or out"})
        if manager:
            deck = rules.deck_target
            target = f2.number_input(f"Incremental-sales target ({cur})", min_value=0.0, value=0.0, step=100_000_000.0,
                                     format="%.0f", key="ka_target",
                                     help=f"Optional. The deck's case: {money(deck.low, 'USD')}–{money(deck.high, 'USD')} "
                                          f"over {deck.years} years.")
            years = f3.number_input("Over years", min_value=1, max_value=10, value=deck.years, key="ka_years")
            # Said back in words: a digit too many or too few in a raw amount is easy to miss.
            f2.caption(f"= {money(target, cur)} over {years} years" if target else "No target")
            g1, g2 = st.columns([3, 1], vertical_alignment="bottom")
            focus_name = g1.text_input("Focus list name", value=str(focus_list["name"]) if focus_list else "Focus list",
                                       key="ka_focus_name", max_chars=lists.MAX_NAME)
            if g2.button("Save focus list", key="ka_save_focus", type="primary", icon=":material/save:",
                         disabled=infocus.empty):
                list_name, list_version = str(short["name"]), int(short["version"])  # the shortlist picked on
                widgets.run_action(lambda: lists.save_focus_list(
                    store, who, list_name, pipeline, top_n=focus_n, name=focus_name,
                    target_value=float(target) or None, target_years=int(years) if target else None,
                    shortlist_version=list_version),
                    toast=f"Focus list saved ({len(infocus)} accounts)")
    else:
        st.info("The focus list is built from the BU leaders' picks on a saved shortlist.", icon=":material/info:")

with saved_tab:
    # ---------------------------------------------------------------------------------------------- the funnel chart
    st.subheader("The funnel", anchor=False)
    # Each stage's words inside its bar where they fit, else beside it (a focus list of 15 of 400 is a sliver).
    colours = list(LIST_COLOURS.values())
    text = charts.text_layout(least, 14)
    fig = go.Figure(go.Funnel(
        y=stages["stage"], x=stages["accounts"], textinfo="text", textposition="auto",
        text=[f"{a:,} accounts · {money(v, cur)}" for a, v in zip(stages["accounts"], stages["value"])],
        textfont=text["font"], insidetextfont={**text["font"], "color": [charts.text_on(c) for c in colours]},
        outsidetextfont=text["font"], marker={"color": colours}, hoverinfo="skip"))
    fig.update_layout(height=260, margin={"l": 10, "r": 10, "t": 10, "b": 10}, **text,
                      yaxis={"tickfont": text["font"]})
    widgets.chart(fig, key="ka_funnel", width="stretch")
    if target_value:
        st.caption(plain(f"The focus list's target: {money(target_value, cur)} of incremental sales over "
                         f"{target_years} years."))

    # ---------------------------------------------------------------------------------------------- saved versions
    st.subheader("Saved lists", anchor=False)
    if versions.empty:
        st.info("No list saved yet.", icon=":material/info:")
    else:
        st.dataframe(widgets.money_table(versions[["name", "version", "stage", "accounts", "created_by", "created_at",
                                                   "target_value", "target_years"]], ["target_value"], cur),
                     hide_index=True, width="stretch", key="ka_versions",
                     column_config={"name": "List", "version": "Version", "stage": "Stage", "accounts": "Accounts",
                                    "created_by": "Saved by",
                                    "created_at": st.column_config.DatetimeColumn("When (UTC)", format="YYYY-MM-DD HH:mm"),
                                    "target_value": st.column_config.NumberColumn(f"Target ({cur})"),
                                    "target_years": "Years"})
