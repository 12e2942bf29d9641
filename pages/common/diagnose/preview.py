"""The Diagnose page's preview: the draft rules and mappings on the portfolio (or on a sample of whole accounts, as
the person may), coverage and the nature distribution before → after, and what changes."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from gtm import display
from gtm.display import money, plain
from gtm.domain.types import Action, DiagnosisTable, Mappings
from gtm.services import diagnosis
from gtm.services.views import diagnose as views
from pages.common import address, cache, session, widgets
from pages.common.diagnose import keys
from pages.common.diagnose.context import Page
from pages.common.diagnose.mappings import DraftRows


@dataclass(frozen=True)
class Preview:
    """The portfolio before and after the draft, and how they compare (None: no opportunities)."""

    changed: bool  # the draft differs from the active rules and mappings
    sampled: bool
    sample_note: str
    before: pd.DataFrame
    draft_key: tuple[str, str, str]  # the draft previewed (empty: the active rules and mappings)
    active_mappings: Mappings
    compared: views.Comparison | None
    dominant_note: str


def _pairs(page: Page, draft_rows: DraftRows, kind: str, target: str) -> list[tuple[str, str]]:
    rows = draft_rows.get(kind)
    frame = pd.DataFrame(rows) if rows is not None else diagnosis.mapping_rows(page.store, kind)
    return list(zip(frame.get("product_family", []), frame.get(target, [])))


def preview(page: Page, draft_table: DiagnosisTable | None, draft_rows: DraftRows) -> Preview:
    """The draft (rules and mappings) previewed, cached per draft."""
    d, table, cur = page.d, page.table, page.currency
    active_mappings = diagnosis.active_mappings(page.store)
    draft_mappings = Mappings.from_rows(_pairs(page, draft_rows, diagnosis.FAMILY_BU, "bu"),
                                        _pairs(page, draft_rows, diagnosis.FAMILY_NATURE, "nature"))
    preview_table = draft_table or table
    changed = preview_table != table or draft_mappings != active_mappings
    before = after = d.opportunities
    sampled, sample_note = False, ""
    draft_key = ("", "", "")
    if changed and page.has_data:
        draft_key = (preview_table.model_dump_json(), draft_mappings.model_dump_json(), page.who.role.value)
        found = cache.diagnosed(session.database_url(), session.workspace(), session.portfolio_version(), *draft_key,
                                session.stored_opportunities())
        after, sampled = found.opportunities, found.sampled
        if sampled:  # the same accounts on both sides
            before = cache.sampled(session.database_url(), session.workspace(), d.portfolio_version, d.list_id,
                                   *draft_key, before, after)
            sample_note = (f"A what-if on a sample of {before['account_id'].nunique():,} whole accounts ({len(after):,} "
                           f"of {found.total:,} opportunities): {display.roles_allowed(Action.DIAGNOSE)} preview the "
                           "whole portfolio.")
    compared = (cache.compared(session.database_url(), session.workspace(), d.portfolio_version, d.list_id, *draft_key,
                               before, after) if page.has_data else None)
    dominant = compared.dominant if compared is not None else None
    dominant_note = ""
    if dominant is not None:
        sentence = views.rule_sentence(preview_table, dominant.rule, cur, page.columns_said)
        said = f" {sentence}" if sentence is not None else ""
        dominant_note = (f"One rule decides {dominant.share:.0%} of the diagnosed value ({money(dominant.value, cur)}): "
                         f"check it. {dominant.rule}:{said} A rule that decides most of a portfolio usually describes "
                         "the accounts rather than each deal: a product family mapping or a narrower rule says more.")
    return Preview(changed, sampled, sample_note, before, draft_key, active_mappings, compared, dominant_note)


def show_preview(pv: Preview, cur: str, where: str) -> None:
    """Coverage and the nature distribution before → after, and what changes."""
    changed = pv.changed
    st.subheader(("Preview on a sample" if pv.sampled else "Preview on the whole portfolio") if changed
                 else "The portfolio under the active rules", anchor=False)
    if changed and pv.sampled:
        st.caption(pv.sample_note)
    if pv.compared is None:
        st.info("Nothing to preview: no opportunities yet.", icon=":material/inbox:")
        return
    compared = pv.compared
    cov_before, cov_after = compared.before, compared.after
    m = st.columns(3)
    delta = (cov_after.share - cov_before.share) * 100
    m[0].metric("Coverage", f"{cov_after.share:.1%}", f"{delta:+.1f} pts" if changed and round(delta, 1) else None,
                help="Share of the value the CRM file gave no nature for that a rule, a mapping or a person "
                     "diagnoses (lost deals left out).")
    undiagnosed_delta = cov_after.undiagnosed_count - cov_before.undiagnosed_count
    m[1].metric("Not yet diagnosed", f"{cov_after.undiagnosed_count:,}",
                f"{undiagnosed_delta:+,}" if undiagnosed_delta else None, delta_color="inverse")
    m[2].metric("Value not yet diagnosed", money(cov_after.undiagnosed_value, cur))
    if lost_note := views.left_out(cov_after, cur):
        st.caption(plain(lost_note))
    if pv.dominant_note:
        st.warning(plain(pv.dominant_note), icon=":material/rule:")
    if changed:
        st.caption(f"Coverage {cov_before.share:.1%} → {cov_after.share:.1%}")
    shown = (["nature", "count_before", "count_after", "count_change", "value_before", "value_after"] if changed
             else ["nature", "count_after", "value_after"])
    # Amounts as the figures above write them ("$178.8M", not "179M"): widgets.money_table.
    st.dataframe(widgets.money_table(compared.distribution, ["value_before", "value_after"], cur),
                 hide_index=True, key=keys.distribution(where), width="stretch", column_order=shown,
                 column_config={"nature": "Nature", "count_before": "Before",
                                "count_after": "After" if changed else "Opportunities", "count_change": "Change",
                                "value_before": st.column_config.NumberColumn(f"Value before ({cur})"),
                                "value_after": st.column_config.NumberColumn(f"Value after ({cur})" if changed
                                                                             else f"Value ({cur})")})
    if changed:
        show_changes(compared, cur, where)


def show_changes(compared: views.Comparison, cur: str, where: str) -> None:
    """The opportunities whose nature the draft changes, and their accounts."""
    moved, accounts = compared.changes, compared.accounts
    st.markdown(f"**{len(moved):,}** opportunities ({plain(money(moved['value'].sum(), cur))}) change nature, at "
                f"**{len(accounts):,}** accounts.")
    if not len(moved):
        return
    link = st.column_config.LinkColumn("Account id", display_text=r"account=(.*)")
    # The accounts table below links to each account; here the opportunity's columns fit without scrolling.
    st.dataframe(widgets.money_table(moved.head(500), ["value"], cur), hide_index=True, key=keys.moved(where),
                 width="stretch",
                 column_order=["name", "account_name", "value", "nature_before", "nature_after", "rule_after"],
                 column_config={"name": "Opportunity", "account_name": "Account",
                                "value": st.column_config.NumberColumn(f"Value ({cur})"),
                                "nature_before": "Nature before", "nature_after": "Nature after",
                                "rule_after": "Found after"})
    st.dataframe(widgets.money_table(accounts.head(500).assign(
                     link=address.account_links(accounts["account_id"], "/account")), ["value"], cur),
                 hide_index=True, key=keys.accounts(where), width="stretch",
                 column_order=["link", "account_name", "opportunities", "value"],
                 column_config={"link": link, "account_name": "Account", "opportunities": "Opportunities changing",
                                "value": st.column_config.NumberColumn(f"Value ({cur})")})
