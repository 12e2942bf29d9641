"""Matrix: edit the realistic band live, see the whole portfolio move, then save, switch or reset."""

import streamlit as st

from gtm import display
from gtm.display import plain, share
from gtm.domain.types import APPROACHES, NATURES, Action, GtmError
from gtm.export import charts
from pages.common import draft, fragments, identity, navigation, present, session, widgets
from pages.common.matrix import keys
from pages.common.matrix.effect import show_effect
from pages.common.matrix.versions import show_save, show_versions

# Each end of a band as its slider names it; the widget keeps this dict's bound method, never this page's namespace.
SLIDER_NAMES = {t.code: f"{t.rank} {t.short_label}" for t in APPROACHES.terms}

showing = present.presenting()  # the projector view (see below)
st.title("Matrix")
if not showing:
    st.caption("Drag a nature's band: the portfolio below is re-judged at once. Nothing is saved until you save it.")


# A band edit reruns only this part of the page (a fragment): the sliders, the matrix and figures they move, and the
# controls whose state the draft decides. The app around it (navigation, sidebar) stays as it was drawn.
@fragments.fragment("Matrix: band edit")
def band_editor() -> None:
    """The band sliders, the portfolio under the edited band, what the edit changes, and save, switch and reset."""
    s = session.store()
    active = session.active_matrix()
    d = session.data()

    # The band being edited is this session's draft (pages/common/draft.py): it stays when the person shows the
    # Portfolio and comes back, until it is saved or discarded. After this person's save, switch or reset it is
    # dropped. When the active version changes, the sliders start again from the draft or the new version: a new
    # generation of widget keys makes the browser drop the old positions.
    if st.session_state.pop(keys.RELOAD, False):
        draft.discard()
    base = st.session_state.get(keys.BASE)
    if base is not None and base != active.matrix.fingerprint:
        draft.restart_sliders()
    st.session_state[keys.BASE] = active.matrix.fingerprint
    gen = draft.generation()
    start = draft.bands() or draft.bands_of(active.matrix)

    # In presentation mode the sliders stand beside the matrix, so the room sees a band move and the portfolio follow
    # on one screen, and "Save and activate" sits above them; otherwise they run across the page above it. The
    # matrix takes seven tenths of the width: at 1280 px its text is as large as on the Portfolio page (14 px, the
    # natures' names on two lines), where a narrower one wrapped them over four at 13 px.
    controls, board = st.columns([3, 7], gap="medium") if showing else (st.container(), st.container())
    with controls:
        if showing:  # one row in the narrow column: the heading as wide as its words, then the draft's badge, icons
            top = st.container(horizontal=True, vertical_alignment="bottom", gap="small")
            top.subheader("Realistic band", anchor=False, width="content")
            status_slot = top.container()
        else:
            head, status_slot = st.columns([3, 2], vertical_alignment="bottom")  # the draft's badge, undo, discard
            head.subheader("Realistic band per nature", anchor=False)
        if showing:
            save_slot = st.container()  # presentation mode: "Save and activate" above the sliders, in view all along
    edited: draft.Bands = {}
    if showing:
        slots = [controls] * len(NATURES.terms)
    else:
        with controls:  # three rows of two, above the matrix: wide enough for both ends' names at 1280 px
            slots = [slot for _ in range(3) for slot in st.columns(2, gap="large")]
    for slot, term in zip(slots, NATURES.terms):
        with slot:
            low, high = st.select_slider(
                f"{term.rank}. {term.label}", options=list(APPROACHES.codes), value=start[term.code],
                format_func=SLIDER_NAMES.__getitem__, key=keys.band(term.code, gen),
                help=term.meaning,
            )
        edited[term.code] = (low, high)
    draft.record(edited, active.matrix)  # a slider moved: an edit undo can take back

    with controls:
        try:
            draft_matrix = draft.to_matrix(edited)
        except GtmError as exc:
            draft_matrix = None
            widgets.show_error(exc)
            st.caption("The matrix still uses the active version until the band is valid.")
    with status_slot:  # icons only beside the title: the words are in their hover, and the sliders keep their room
        # One row sized to its content, right-aligned: fixed columns cut "Undo" and "Discard" to "U…" and "Di…" at
        # 1280 px.
        row = st.container(horizontal=True, horizontal_alignment="right", vertical_alignment="center", gap="small")
        if draft.bands() is not None:
            row.markdown(":orange-badge[Unsaved draft]" if showing
                         else ":orange-badge[:material/edit_note: Unsaved draft]", width="content")
        row.button("" if showing else "Undo", key=keys.UNDO, icon=":material/undo:", on_click=draft.undo,
                   disabled=not draft.can_undo(), type="tertiary", help="Undo: take back the last band edit")
        row.button("" if showing else "Discard", key=keys.DISCARD, icon=":material/delete:", on_click=draft.discard,
                   disabled=draft.bands() is None, type="tertiary", help="Discard the draft: back to the active band")

    matrix = draft_matrix or active.matrix
    changed = draft_matrix is not None and draft_matrix.fingerprint != active.matrix.fingerprint
    who = identity.actor()
    seen = st.session_state.get(keys.SEEN_ACTIVE, active.name)  # the active version shown a run ago, when clicked
    st.session_state[keys.SEEN_ACTIVE] = active.name

    if showing and who.can(Action.EDIT_MATRIX):
        with save_slot:
            show_save(s, who, draft_matrix, changed, seen, side_by_side=True)

    head, side = board.columns([3, 2], vertical_alignment="bottom") if changed else (board, None)
    # Before or after the edit: the same cells are outlined in both, so the room sees what the drag moved.
    later = side is None or side.segmented_control(
        "Show the portfolio", ["After the edit", "Before it"], default="After the edit", key=keys.SIDE,
        label_visibility="collapsed") != "Before it"
    head.subheader(("Whole portfolio under this band" if later else f"Before the edit: '{plain(active.name)}'")
                   if changed else f"Whole portfolio under '{plain(active.name)}'", anchor=False)
    cur = session.currency()
    if d.opportunities.empty:
        with board:
            navigation.empty_state("No opportunities to judge yet: import some on the Import page. The band can be "
                                   "edited meanwhile.")
    else:
        # Each side's figures once per band; the cells are the same under every band (computed once).
        preview = session.data(matrix) if changed else d
        before, after = session.figures(d), session.figures(preview, like=d)
        shown, shown_matrix = (after, matrix) if later else (before, active.matrix)
        share_delta = (after.realistic_share - before.realistic_share) * 100
        over_delta = after.overkill_count - before.overkill_count
        under_delta = after.insufficient_count - before.insufficient_count
        share_text = f"{share_delta:+.1f} pts" if later and changed and round(share_delta, 1) else None
        over_text = f"{over_delta:+,}" if later and over_delta else None
        under_text = f"{under_delta:+,}" if later and under_delta else None
        if showing:  # one line of figures, so the whole matrix fits a 1280x720 screen under it
            board.markdown(f"{display.CHECK} **{share(shown.realistic_share)}** of value in band"
                           + (f" ({share_text})" if share_text else "")
                           + f" · {display.UP} **{shown.overkill_count:,}** likely overkill"
                           + (f" ({over_text})" if over_text else "")
                           + f" · {display.DOWN} **{shown.insufficient_count:,}** likely insufficient"
                           + (f" ({under_text})" if under_text else ""))
        else:
            m = board.columns(3)
            m[0].metric(f"{display.CHECK} Value in band", share(shown.realistic_share), share_text)
            m[1].metric(display.fit_badge("overkill"), f"{shown.overkill_count:,}", over_text, delta_color="inverse")
            m[2].metric(display.fit_badge("insufficient"), f"{shown.insufficient_count:,}", under_text, delta_color="inverse")
        left_out = plain(shown.left_out(cur)) + " A band edit cannot move them."
        if (shown.undiagnosed_count or shown.lost_count) and not showing:  # what no band edit moves
            board.caption(left_out)
        cells, undiagnosed = session.cells(d)
        with board:
            widgets.chart(charts.portfolio_matrix(cells, shown_matrix, height=490 if showing else 520,
                                                  undiagnosed=undiagnosed, currency=cur, compact=showing,
                                                  compare_with=(active.matrix if later else matrix) if changed
                                                  else None, least=widgets.text_px()),
                          key=keys.CHART, config={"displayModeBar": False})
        if (shown.undiagnosed_count or shown.lost_count) and showing:
            board.caption(left_out)

    if changed and draft_matrix is not None and not d.opportunities.empty:
        show_effect(session.effect(d, preview), cur)  # both sides are judged and cached: compared once per band

    if showing:  # the projector view ends with the effect: switching and resetting are for the normal view
        return
    show_versions(s, who, active, draft_matrix, changed, seen, gen)


band_editor()
