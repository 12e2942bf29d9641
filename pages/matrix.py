"""Matrix: edit the realistic band live, see the whole portfolio move, then save, switch or reset."""

import streamlit as st

from gtm.domain import portfolio
from gtm.domain.errors import GtmError
from gtm.domain.fmt import plain
from gtm.domain.matrix import parse_matrix
from gtm.domain.permissions import Action
from gtm.domain.vocabulary import APPROACHES, NATURES
from gtm.export import charts
from gtm.services import matrices
from pages.common import identity, present, session, widgets

SHOWN = 1000  # rows of a table sent to the browser: more is slow to send and nobody reads them

s = session.store()
active = s.active_matrix()
d = session.data()
showing = present.presenting()  # the projector view (see below)
st.title("Matrix")
if not showing:
    st.caption("Drag a nature's band: the portfolio below is re-judged at once. Nothing is saved until you save it.")


# When the active version changes (switch, reset, save), the sliders start again from it: a new
# generation of widget keys makes the browser drop the old positions.
base = st.session_state.get("mx_base")
if st.session_state.pop("mx_reload", False) or (base is not None and base != active.matrix.fingerprint):
    st.session_state["mx_gen"] = st.session_state.get("mx_gen", 0) + 1
st.session_state["mx_base"] = active.matrix.fingerprint
gen = st.session_state.get("mx_gen", 0)

# In presentation mode the sliders stand beside the matrix, so the room sees a band move and the portfolio follow
# on one screen, and "Save and activate" sits under them; otherwise they run across the page above it.
controls, board = st.columns([2, 3], gap="medium") if showing else (st.container(), st.container())
with controls:
    st.subheader("Realistic band per nature", anchor=False)
    save_slot = st.container()  # presentation mode: "Save and activate" above the sliders, in view all along
bands = {}
if showing:
    slots = [controls] * len(NATURES.terms)
else:
    with controls:  # two rows of three, above the matrix
        slots = st.columns(3) + st.columns(3)
for slot, term in zip(slots, NATURES.terms):
    with slot:
        band = active.matrix.bands[term.code]
        low, high = st.select_slider(
            f"{term.rank}. {term.label}", options=list(APPROACHES.codes), value=(band.low, band.high),
            format_func=lambda a: f"{APPROACHES.term(a).rank} {APPROACHES.term(a).short_label}", key=f"mx_band_{term.code}" + (f"_{gen}" if gen else ""),
        )
    bands[term.code] = {"low": low, "high": high}

with controls:
    try:
        draft = parse_matrix({"name": "draft", "bands": bands}, source="the edited band")
    except GtmError as exc:
        draft = None
        widgets.show_error(exc)
        st.caption("The matrix still uses the active version until the band is valid.")

matrix = draft or active.matrix
changed = draft is not None and draft.fingerprint != active.matrix.fingerprint
who = identity.actor()
seen = st.session_state.get("mx_seen_active", active.name)  # the active version shown a run ago, when clicked
st.session_state["mx_seen_active"] = active.name


def save_controls(side_by_side: bool = False) -> None:
    """Name the edited band and save it as the active version (facilitators and administrators)."""
    field, button = st.columns([3, 2], vertical_alignment="bottom") if side_by_side else (st.container(),) * 2
    name = field.text_input("Version name", key="mx_name", placeholder="e.g. Workshop 2026-11")
    if button.button("Save and activate", type="primary", key="mx_save", disabled=not changed):
        widgets.run_action(lambda: matrices.save_matrix(s, who, draft, name, expected_active=seen),  # type: ignore[arg-type]
                           toast=f"Saved and activated '{plain(name.strip())}'")


if showing and who.can(Action.EDIT_MATRIX):
    with save_slot:
        save_controls(side_by_side=True)

board.subheader("Whole portfolio under this band" if changed else f"Whole portfolio under '{plain(active.name)}'",
                anchor=False)
if d.opportunities.empty:
    board.info("No opportunities to judge yet; import some on the Data page.", icon=":material/inbox:")
else:
    preview = session.data(matrix) if changed else d
    before, after = portfolio.figures(d.assessed), portfolio.figures(preview.assessed)
    share_delta = (after.realistic_share - before.realistic_share) * 100
    over_delta = after.overkill_count - before.overkill_count
    under_delta = after.insufficient_count - before.insufficient_count
    share_text = f"{share_delta:+.1f} pts" if changed and round(share_delta, 1) else None
    over_text = f"{over_delta:+,}" if over_delta else None
    under_text = f"{under_delta:+,}" if under_delta else None
    if showing:  # one line of figures, so the whole matrix fits a 1280x720 screen under it
        board.markdown(f"✓ **{after.realistic_share:.1%}** of value in band" + (f" ({share_text})" if share_text else "")
                       + f" · ▲ **{after.overkill_count:,}** likely overkill" + (f" ({over_text})" if over_text else "")
                       + f" · ▼ **{after.insufficient_count:,}** likely insufficient"
                       + (f" ({under_text})" if under_text else ""))
    else:
        m = board.columns(3)
        m[0].metric("✓ Value in band", f"{after.realistic_share:.1%}", share_text)
        m[1].metric("▲ Likely overkill", f"{after.overkill_count:,}", over_text, delta_color="inverse")
        m[2].metric("▼ Likely insufficient", f"{after.insufficient_count:,}", under_text, delta_color="inverse")
    left_out = plain(after.left_out(session.currency())) + " A band edit cannot move them."
    if after.undiagnosed_count and not showing:
        board.caption(left_out)
    board.plotly_chart(charts.portfolio_matrix(portfolio.cell_summary(preview.assessed), matrix,
                                               height=500 if showing else 520,
                                               undiagnosed=portfolio.undiagnosed_summary(preview.assessed),
                                               currency=session.currency(), compact=showing),
                       key="mx_chart", config={"displayModeBar": False})
    if after.undiagnosed_count and showing:
        board.caption(left_out)

if changed and draft is not None and not d.opportunities.empty:
    # Both sides are already assessed and cached (d: active matrix, preview: the draft); only compare.
    effect = portfolio.compare(d.assessed, preview.assessed, d.recommendations, preview.recommendations)
    st.subheader("What this edit changes", anchor=False)
    st.markdown(f"**{effect.changed_count:,}** opportunities ({plain(charts.money(effect.changed_value, session.currency()))}) change fit; "
                f"**{len(effect.recommendation_changes):,}** accounts get a different recommendation.")
    # Stacked full width, with short approach names, so no column is cut off.
    st.dataframe(effect.changed.assign(from_fit=effect.changed["from_fit"].map(charts.fit_badge),
                                       to_fit=effect.changed["to_fit"].map(charts.fit_badge)),
                 hide_index=True, key="mx_changed",
                 column_config={"from_fit": "From", "to_fit": "To", "opportunities": "Opportunities",
                                "value": st.column_config.NumberColumn(f"Value ({session.currency()})", format="compact")})
    short = {t.code: t.short_label for t in APPROACHES.terms}
    moved = effect.recommendation_changes.head(SHOWN)
    if len(effect.recommendation_changes) > SHOWN:
        st.caption(f"The {SHOWN:,} accounts with the most expected value are listed, of "
                   f"{len(effect.recommendation_changes):,} whose recommendation changes.")
    st.dataframe(moved.assign(before=moved["before"].astype(str).map(short), after=moved["after"].astype(str).map(short)),
        hide_index=True, key="mx_rec_changes",
        column_config={"account_id": "Id", "account_name": "Account", "before": "Recommended before",
                       "after": "Recommended after"})

if showing:  # the projector view ends with the effect: switching and resetting are for the normal view
    st.stop()
st.divider()
if not who.can(Action.EDIT_MATRIX):  # the sliders above stay: a what-if that saves nothing
    st.caption("Saving, switching and resetting the matrix is for workshop facilitators and administrators.")
    st.stop()
c1, c2, c3 = st.columns(3)
with c1:
    st.markdown("**Save as a new version**")
    save_controls()
with c2:
    st.markdown("**Switch the active version**")
    versions = s.matrix_versions()
    names = versions["name"].tolist()
    # A new key with each active version (gen): after a save, a switch or a reset it shows the version now active.
    target = st.selectbox("Version", names, index=names.index(active.name) if active.name in names else 0,
                          key=f"mx_version_{gen}" if gen else "mx_version")
    if st.button("Activate", key="mx_activate", disabled=target == active.name):
        widgets.run_action(lambda: matrices.activate_matrix(s, who, target, expected_active=seen),
                           toast=f"Activated '{plain(target)}'", flags={"mx_reload": True})
with c3:
    st.markdown("**Reset**")
    st.caption("Back to the default band of data/matrix.json.")
    if st.button("Reset to default", key="mx_reset", disabled=active.name == "default" and not changed):
        widgets.run_action(lambda: matrices.reset_matrix(s, who), toast="Back to the default matrix",
                           flags={"mx_reload": True})
