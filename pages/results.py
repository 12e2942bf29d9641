"""Results: won value gained since the programme began, for a list (the focus list by default) since a baseline,
against the target's pace; cross-BU wins, the time to the first deal per account, and the gains at accounts that moved
to their recommended structure against those that did not. Each import is dated; the results compare two of them."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from gtm import display
from gtm.display import count, money, plain, share
from gtm.domain.types import BASELINE_LABELS, BASELINE_RULES, GROUP_WORDS, Rule
from gtm.export import tables
from gtm.services import results as results_service
from pages.common import address, cache, navigation, session, widgets

EVERY = "— every account —"
TEXT, GAINED, PACE = "#1B1F24", "#0072B2", "#D55E00"  # Okabe-Ito blue and vermilion


def choose_scope() -> tuple[str | None, Rule, date | None]:
    """The list (the latest focus list by default) and the baseline rule (and date), from the controls."""
    names = session.list_names()
    focus = results_service.scope(session.store())
    options = [*names, EVERY]
    default = focus.list_name if focus.list_name in names else EVERY
    if st.session_state.get("rs_list") not in options:
        st.session_state["rs_list"] = default
    left, middle, right = st.columns([2, 2, 1.3], vertical_alignment="bottom")
    chosen = left.selectbox("Accounts", options, key="rs_list",
                            help="A list saved on the Key accounts page (its latest version); the latest focus list by "
                                 "default")
    list_name = None if chosen == EVERY else chosen
    rules_shown = [r for r in BASELINE_RULES if list_name is not None or r != "list"]
    if st.session_state.get("rs_rule") not in rules_shown:
        st.session_state["rs_rule"] = rules_shown[0]
    rule = middle.segmented_control("Since", rules_shown, key="rs_rule", required=True,
                                    format_func=BASELINE_LABELS.__getitem__,
                                    help="The baseline: the import in force when the list was saved, the first import, "
                                         "or the latest import dated on or before a date") or rules_shown[0]
    since = right.date_input("Date", value=date.today(), key="rs_since", format="YYYY-MM-DD",
                             disabled=rule != "date", help="Used when the baseline is a date")
    return list_name, rule, since


def show_figures(res: results_service.Results) -> None:
    """The figures: gained against the pace, cross-BU wins, first deals, gains where accounts moved."""
    s = res.summary
    assert s is not None
    cur = res.currency
    c = st.columns(5)
    c[0].metric("Won since the baseline", money(s.gained, cur),
                help=f"Won value at the latest import minus at the baseline ({money(s.won_before, cur)} then, "
                     f"{money(s.won_now, cur)} now), in {cur}")
    if s.pace is None:
        c[1].metric("Target's pace", "no target", help="Set an incremental-sales target on the focus list (Key "
                                                       "accounts page); the deck's case: $3-4B over 3 years")
    else:
        c[1].metric("Target's pace by now", money(s.pace, cur),
                    delta=f"{share(s.pace_share)} of pace" if s.pace_share is not None else None, delta_color="off",
                    help=f"{money(s.target_value or 0, cur)} over {count(s.target_years or 0, 'year')}, spread "
                         f"evenly from the baseline: {count(s.days, 'day')} so far")
    c[2].metric("Cross-BU wins", count(s.cross_bu, "account"),
                help="Accounts where two or more BUs won new deals since the baseline")
    c[3].metric("First deals", f"{s.with_deal:,} of {s.accounts:,}",
                help=f"Accounts with a new deal since the baseline; {s.within_six_months:,} within 6 months, median "
                     + (count(s.median_days, "day") if s.median_days is not None else "not known"))
    moved_share = s.group_share("moved")
    c[4].metric("Gains where accounts moved", "none moved" if not s.accounts_by_group.get("moved") else
                share(moved_share) if moved_share is not None else "—",
                help=f"{GROUP_WORDS['moved'].capitalize()}. {GROUP_WORDS['not moved'].capitalize()}.")
    st.markdown("\n".join(f"- {plain(line)}" for line in res.sentences()))


def chart(res: results_service.Results) -> go.Figure:
    """Won value gained since the baseline at each import date, beside the target's pace."""
    series = res.series
    dates = pd.to_datetime(series["as_of"]).dt.strftime("%Y-%m-%d")
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=dates, y=series["gained"], mode="lines+markers", name="Won since the baseline",
                             line={"color": GAINED, "width": 3}, marker={"size": 9},
                             hovertemplate="%{x}: %{customdata}<extra>won since the baseline</extra>",
                             customdata=[money(v, res.currency) for v in series["gained"]]))
    if series["pace"].notna().any():
        fig.add_trace(go.Scatter(x=dates, y=series["pace"], mode="lines", name="The target's pace",
                                 line={"color": PACE, "width": 2, "dash": "dash"},
                                 hovertemplate="%{x}: %{customdata}<extra>the target's pace</extra>",
                                 customdata=[money(v, res.currency) for v in series["pace"].fillna(0.0)]))
    fig.update_layout(height=320, margin={"l": 10, "r": 10, "t": 30, "b": 10}, plot_bgcolor="white",
                      font={"size": 13, "color": TEXT},
                      legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "title": None},
                      xaxis={"type": "date", "title": "Export date of each import", "gridcolor": "#E4E6E9",
                             "fixedrange": True},
                      yaxis={"title": f"{res.currency}", "gridcolor": "#E4E6E9", "fixedrange": True,
                             "rangemode": "tozero"})
    return fig


def show_accounts(res: results_service.Results) -> None:
    """One row per account, the largest gain first, each linking to its Account page."""
    table = res.accounts.assign(link=address.account_links(res.accounts["account_id"]),
                                cross=res.accounts["cross_bu"].map({True: display.CHECK, False: ""}))
    money_columns = ["won_before", "won_now", "won_gained"]
    cur = res.currency
    st.dataframe(
        widgets.money_table(table, money_columns, cur), hide_index=True, key="rs_accounts",
        column_order=["account_name", "link", "won_before", "won_now", "won_gained", "new_wins", "bus_won", "cross",
                      "first_deal_on", "days_to_first_deal", "first_deal_from", "group"],
        column_config={
            "account_name": st.column_config.TextColumn("Account", width="medium"),
            "link": st.column_config.LinkColumn("Id", display_text=r"account=(.*)$"),
            "won_before": st.column_config.NumberColumn(f"Won at the baseline ({cur})"),
            "won_now": st.column_config.NumberColumn(f"Won now ({cur})"),
            "won_gained": st.column_config.NumberColumn(f"Gained ({cur})"),
            "new_wins": st.column_config.NumberColumn("New wins", help="Deals won since the baseline"),
            "bus_won": st.column_config.NumberColumn("BUs", help="BUs with a new win"),
            "cross": st.column_config.TextColumn("Cross-BU", help="Two or more BUs won new deals"),
            "first_deal_on": st.column_config.DateColumn("First deal", format="D MMM YYYY"),
            "days_to_first_deal": st.column_config.NumberColumn("Days", help="From the baseline import's date"),
            "first_deal_from": st.column_config.TextColumn(
                "Dated by", help="The CRM's close date when it falls between the baseline and the import that first "
                                 "recorded the deal won; else that import's date"),
            "group": st.column_config.TextColumn("Structure", help="; ".join(GROUP_WORDS.values())),
        })
    st.download_button("Results per account (CSV)", lambda: tables.to_csv_bytes(results_service.export_frame(res)),
                       file_name=f"gtm-results-{res.latest_on or date.today():%Y-%m-%d}.csv", mime="text/csv",
                       key="rs_export", on_click="ignore",
                       help="account_id, account_name, won_before, won_now, won_gained: as gtm export results writes "
                            "them")


def show_imports(res: results_service.Results) -> None:
    """The dated imports the results compare."""
    with st.expander(f"{count(len(res.imports), 'import')} recorded"):
        st.dataframe(res.imports, hide_index=True, key="rs_imports",
                     column_order=["as_of", "source", "rows", "changes", "recorded_by", "recorded_at"],
                     column_config={"as_of": st.column_config.DateColumn("Export date", format="D MMM YYYY"),
                                    "source": "File", "rows": "Rows", "changes": st.column_config.NumberColumn(
                                        "Changes recorded", help="Opportunities new, or whose outcome or value "
                                                                 "changed"),
                                    "recorded_by": "By", "recorded_at": st.column_config.DatetimeColumn(
                                        "Recorded (UTC)", format="D MMM YYYY, HH:mm")})


st.title("Results")
st.caption("How much was won since the programme began, against its target (the deck's case: \\$3–4B of incremental "
           "sales over 3 years). Each import of opportunities is dated by its export; the results compare the won "
           "value of two imports.")
d = session.data(every_account=True)
s = session.store()
if d.accounts.empty:
    navigation.empty_state("No accounts yet: import them on the Import page with their opportunities, then a later "
                           "export of the opportunities, and the results show here.")
    st.stop()
list_name, rule, since = choose_scope()
recommended = d.recommendations.set_index("account_id")["recommended_approach"] if len(d.recommendations) else \
    pd.Series(dtype=object)
res = cache.results(session.database_url(), session.workspace(), session.data_version(), d.portfolio_version,
                    d.matrix.fingerprint, list_name, rule, since, recommended)
if res.baseline is not None:
    st.caption(f":material/history: **Baseline:** {plain(res.baseline.words)} **Latest:** the import of the export "
               f"of {res.latest_on:%-d %b %Y}. Accounts: {plain(res.scope.words)}.")
if res.waiting_for:
    st.info(plain(res.waiting_for), icon=":material/hourglass_empty:")
    st.page_link("pages/data.py", label="Import a CRM export", icon=":material/upload_file:",
                 query_params=address.here())
else:
    show_figures(res)
    widgets.chart(chart(res), key="rs_chart", config={"displayModeBar": False})
    st.subheader("Per account", anchor=False)
    show_accounts(res)
show_imports(res)
