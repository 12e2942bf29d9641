"""Structures: the playbook of the seven GTM structures as cards, lightest first. Each says what the structure is,
the natures it is realistic for under the active matrix, who owns the account and decides, what it needs (roles,
skills) and costs (the assumptions in force), and how many accounts are in it today and recommended for it.
``?structure=<code>`` opens one card first; ``&compare=<code>`` puts a second beside it (the Account page's link)."""

from __future__ import annotations

import streamlit as st

from gtm.display import money, plain
from gtm.domain.types import APPROACHES, NATURES, SOURCE_WORDS, Assumptions, InputError
from gtm.services import design
from gtm.services.views import structures
from pages.common import address, design_inputs, navigation, present, session

MARKERS = ("The structure you opened", "The structure you compare it with")

# Static rules only, no text from the data: the cards fill rows of equal columns, as many as fit (two at 1280 px
# with the sidebar, three or four at 1920 px, one on a phone); a comparison's two cards share a row; a card a link
# opened has a blue border.
GRID_STYLE = """
<style>
.st-key-st_grid, .st-key-st_compare { display: grid !important; gap: 1rem !important; align-items: start; }
.st-key-st_grid { grid-template-columns: repeat(auto-fill, minmax(min(24rem, 100%), 1fr)); }
.st-key-st_compare { grid-template-columns: repeat(auto-fit, minmax(min(24rem, 100%), 1fr)); }
.st-key-st_grid > div, .st-key-st_compare > div { width: auto !important; min-width: 0; }
.st-key-st_grid h3, .st-key-st_compare h3 { font-size: 1.2rem; padding-top: 0.2rem; }
[class*="st-key-st_opened_"] { border: 2px solid #0072B2 !important; }
</style>
"""

d = session.data()
presenting = present.presenting()
st.html(GRID_STYLE)
st.title("Structures")
if not presenting:
    st.caption("The playbook of the seven go-to-market structures, lightest first: who owns the account and decides, "
               "what each needs and costs, and the opportunities it is realistic for.")
    navigation.related("pages/structures.py")

st.page_link("pages/design.py", label="Costs and coverage ratios are assumptions: edit them on the Design page",
             icon=":material/groups:", query_params=address.here())

book = design.playbook()
realistic = structures.realistic_for(d.matrix)
counts = structures.account_counts(d.account_table)
asked = structures.opened(st.query_params.get("structure"), st.query_params.get("compare"))
for problem in asked.problems:
    st.warning(plain(problem), icon=":material/help:")

# The assumptions in force (those tried in this session on the Design page, else the saved ones): coverage ratios as
# entered, costs in the reporting currency. A fault says itself in place of the figures it stops; the cards are
# still drawn.
coverage: Assumptions | None = None
costs: Assumptions | None = None
cost_problem = conversion = None
try:
    coverage = design_inputs.in_force()
    costs, conversion = design_inputs.for_figures()
except InputError as exc:
    cost_problem = str(exc)
if design_inputs.edited() and not presenting:
    st.caption("Costs and coverage ratios as tried in this session on the Design page (not saved).")


def _line(title: str, text: str) -> None:
    st.markdown(f"**{title}:** {plain(text)}")


def card(code: str, marker: str | None) -> None:
    """One structure's card; ``marker`` says why it is shown first (its details are then open)."""
    s = book.structure(code)
    term = APPROACHES.term(code)
    with st.container(border=True, key=f"st_opened_{code}" if marker else f"st_card_{code}"):
        if marker:
            st.badge(marker, icon=":material/my_location:", color="blue")
        st.subheader(f"{term.rank} · {plain(term.label)}", anchor=False, help=plain(term.meaning or s.summary))
        st.markdown(plain(s.summary))
        natures = ", ".join(NATURES.label(n) for n in realistic[code]) or \
            "no nature under the active matrix (overkill or insufficient for every opportunity)"
        _line("Realistic for", natures)
        if not presenting:
            _line("Accounts", f"{counts.today[code]:,} in it today · {counts.recommended[code]:,} recommended for it")
        _line("Point person", s.point_person)
        _line("Pricing", s.pricing)
        _line("Signing", s.signing)
        if costs is not None:
            _line("Cost per account", f"{money(costs.cost_to_serve[code], costs.currency)} a year to serve · "
                                      f"{money(costs.setup_cost[code], costs.currency)} once to set up")
        else:
            st.caption(f"Cost per account not shown: {plain(cost_problem)}")
        if presenting:
            return
        st.caption(plain(s.typical_costs))
        with st.expander("More: owner, incentives, metrics, skills, roles", expanded=marker is not None,
                         key=f"st_more_{code}_{'open' if marker else 'shut'}"):
            _line("Owner of the relationship", s.owner)
            _line("Incentives", s.incentives)
            _line("Metrics", s.metrics)
            _line("Governance", s.governance)
            st.markdown("**Skills:**\n" + "\n".join(f"- {plain(skill)}" for skill in s.skills))
            roles = book.roles_of(code)
            lines = [f"- {plain(r.label)}: {plain(SOURCE_WORDS[r.source])}"
                     + (f", {plain(structures.coverage_text(r.basis, coverage.coverage[r.code]))}"
                        if coverage is not None and r.code in coverage.coverage else "")
                     for r in roles]
            st.markdown("**Roles it needs:**\n" + "\n".join(lines) if roles else
                        "**Roles it needs:** none beyond the BUs' own sales forces")


def grid(codes: tuple[str, ...], markers: tuple[str | None, ...], key: str) -> None:
    """Cards in the order given, as many to a row as fit (GRID_STYLE)."""
    with st.container(key=key):
        for code, marker in zip(codes, markers):
            card(code, marker)


if len(asked.first) > 1:  # a comparison: the two side by side and wider, the others below
    grid(asked.first, MARKERS, "st_compare")
    st.subheader("The other structures", anchor=False)
    grid(asked.rest, (None,) * len(asked.rest), "st_grid")
else:
    grid(asked.first + asked.rest, MARKERS[:len(asked.first)] + (None,) * len(asked.rest), "st_grid")

if not presenting:
    no_rec = f"; {counts.no_recommendation:,} have no recommendation yet (nothing diagnosed)" \
        if counts.no_recommendation else ""
    assumed = f" ({counts.assumed:,} with none recorded are counted in the lightest)" if counts.assumed else ""
    listed = session.chosen_list()
    whose = f"the list {plain(listed)}" if listed else "the portfolio"
    st.caption(f"Accounts: the {counts.accounts:,} accounts of {whose}, by their structure today{assumed} "
               f"and the one recommended for them{no_rec}. 'Realistic for' reads the active matrix "
               f"**{plain(d.matrix_name)}**.")
    if conversion:
        st.caption(plain(conversion))
