"""Admin: who may sign in and with which role; add people, change their role or BUs, deactivate them; the audit log."""

import streamlit as st

from gtm.display import plain
from gtm.domain.types import ROLE_LABELS, Action, Role
from gtm.export import tables
from gtm.services import audit, users, workspaces
from pages.common import address, identity, session, widgets

ROLES = [Role.VIEWER, Role.SALES_LEADER, Role.BU_HEAD, Role.FACILITATOR, Role.ADMIN]

st.title("Admin")
st.caption("People sign in with their email; the role stored here decides what they may do. "
           "An email not listed here sees the app as a viewer.")
who = identity.actor()
if not who.can(Action.MANAGE_USERS):
    st.info("Only an administrator manages users.", icon=":material/lock:")
    st.stop()

s = identity.people_store()
people = users.list_users(s)
# BUs of the organisation's portfolio and of the workspace on screen (the demo's, when looking at it).
bus = workspaces.business_units(s, session.store())
bu_ids = bus["bu_id"].astype(str).tolist()
bu_names = dict(zip(bus["bu_id"].astype(str), bus["name"]))


def show_no_bus() -> None:
    """Where BUs are offered for a BU head and there is none: why, and the way to the Diagnose page's mapping."""
    st.info(plain(users.no_bus_to_head(s)), icon=":material/lan:")
    st.page_link("pages/diagnose.py", label="Map product families to BUs on the Diagnose page",
                 query_params=address.here(), icon=":material/troubleshoot:")


if people.empty:
    st.info("No users yet: add the first people below (or `python -m gtm users add EMAIL --role admin`).",
            icon=":material/group_add:")
else:
    st.dataframe(people.assign(role=people["role"].map(lambda r: ROLE_LABELS[Role(r)]),
                               bus=people["bus"].map(lambda b: ", ".join(b or []))),
                 hide_index=True, key="ad_users",
                 column_config={"email": "Email", "name": "Name", "role": "Role", "bus": "BUs",
                                "active": "Active", "created_by": "Added by", "created_at": "Added"})

st.subheader("Add a person", anchor=False)
c1, c2, c3, c4 = st.columns([3, 2, 2, 3])
email = c1.text_input("Email", key="ad_email", placeholder="name@example.com")
name = c2.text_input("Name", key="ad_name", placeholder="as shown on decisions")
role = c3.selectbox("Role", ROLES, format_func=widgets.names(ROLES, {r: ROLE_LABELS[Role(r)] for r in ROLES}),
                    key="ad_role")
new_bus = c4.multiselect("BUs (for a BU head)", bu_ids, format_func=widgets.names(bu_ids, bu_names), key="ad_bus",
                         disabled=role != Role.BU_HEAD)
if role == Role.BU_HEAD and not bu_ids:
    show_no_bus()
if st.button("Add", type="primary", key="ad_add"):
    widgets.run_action(lambda: users.add_user(s, who, email, role, name, new_bus if role == Role.BU_HEAD else ()),
                       toast=f"Added {plain(email.strip().lower())}")

if not people.empty:
    st.subheader("Change a person", anchor=False)
    records = {str(r["email"]): r for r in people.to_dict("records")}
    pick = st.selectbox("Person", list(records), key="ad_pick",
                        format_func=widgets.names(records, {e: f"{r['name']} · {e}" for e, r in records.items()}))
    current = records[pick]
    d1, d2, d3 = st.columns([2, 3, 1])
    # Keys carry the email, so choosing another person shows that person's values.
    new_role = d1.selectbox("Role", ROLES, index=ROLES.index(Role(str(current["role"]))),
                            format_func=widgets.names(ROLES, {r: ROLE_LABELS[Role(r)] for r in ROLES}),
                            key=f"ad_new_role_{pick}")
    chosen_bus = d2.multiselect("BUs (for a BU head)", bu_ids, default=[b for b in current["bus"] or [] if b in bu_ids],
                                format_func=widgets.names(bu_ids, bu_names), key=f"ad_new_bus_{pick}",
                                disabled=new_role != Role.BU_HEAD)
    active = d3.checkbox("Active", value=bool(current["active"]), key=f"ad_active_{pick}",
                         help="A deactivated person signs in as a viewer.")
    if new_role == Role.BU_HEAD and not bu_ids:
        show_no_bus()
    if st.button("Save changes", key="ad_save"):
        widgets.run_action(lambda: users.update_user(s, who, pick, role=new_role, active=active,
                                                     bus=chosen_bus if new_role == Role.BU_HEAD else ()),
                           toast=f"Saved {plain(pick)}")

st.subheader("Audit log", anchor=False)
log_store = session.store()
shown = 500
log = audit.entries(log_store, who, limit=shown)
if log.empty:
    st.caption(f"Nothing has been changed in workspace '{plain(log_store.workspace)}' yet.")
else:
    st.caption(f"Every change in workspace '{plain(log_store.workspace)}', newest first (the latest {shown} here; the "
               "export holds them all). Entries are only ever added: not even a demo reset removes them.")
    st.dataframe(log.drop(columns=["entry_id"]), hide_index=True, key="ad_audit",
                 column_config={"at": st.column_config.DatetimeColumn("When (UTC)", format="YYYY-MM-DD HH:mm:ss"),
                                "workspace": "Workspace", "actor": "Who", "actor_email": "Email", "actor_role": "Role",
                                "action": "What", "target": "On", "detail": st.column_config.TextColumn(
                                    "Detail", width="large")})
    european = bool(st.session_state.get(tables.EUROPEAN_SETTING, False))  # the Exports & hand-out page's choice, kept
    st.download_button("Export the audit log (CSV)",
                       lambda: tables.people_csv(audit.entries(log_store, who), "audit", session.currency(),
                                                 sep=tables.separator(european)),
                       file_name=f"gtm-audit-{log_store.workspace}.csv", mime="text/csv", key="ad_audit_export")
