"""Users by email: only an administrator changes them; an unknown email is a viewer; roles decide what is allowed."""

from __future__ import annotations

import pytest
from sqlalchemy import insert

from gtm.domain.errors import InputError, PermissionDenied
from gtm.domain.permissions import ADMIN, RULES, Action, Actor, Role
from gtm.services import audit, decisions, users
from gtm.storage.models import Account, BusinessUnit, Opportunity
from gtm.storage.repository import Store


def _portfolio(store: Store) -> None:
    with store.engine.begin() as conn:
        keys = {bu: conn.execute(insert(BusinessUnit).values(external_id=bu, name=bu).returning(BusinessUnit.id))
                .scalar_one() for bu in ("BU-A", "BU-B", "BU-C")}
        for ext, owner, bu in (("ACC-1", "Dana Reyes", "BU-A"), ("ACC-2", "lee@example.com", "BU-B"),
                               ("ACC-3", None, "BU-C")):
            acc = conn.execute(insert(Account).values(external_id=ext, name=ext, owner=owner).returning(Account.id))
            conn.execute(insert(Opportunity).values(external_id=f"{ext}-O", account_id=acc.scalar_one(),
                                                    bu_id=keys[bu], nature="turnkey", value=1.0))


def test_an_administrator_adds_and_changes_users_by_lower_cased_email(store: Store) -> None:
    _portfolio(store)
    assert users.add_user(store, ADMIN, "  Dana.Reyes@Example.COM ", "sales leader", "Dana Reyes") == \
        "dana.reyes@example.com"
    users.add_user(store, ADMIN, "bo@example.com", "bu_head", "Bo Lind", ["BU-A", "BU-B"])
    with pytest.raises(InputError, match="already a user"):
        users.add_user(store, ADMIN, "DANA.REYES@example.com", "viewer")
    with pytest.raises(InputError, match="Unknown BU BU-X"):
        users.add_user(store, ADMIN, "x@example.com", "bu_head", "X", ["BU-X"])
    with pytest.raises(InputError, match="not an email"):
        users.add_user(store, ADMIN, "dana", "viewer")
    with pytest.raises(InputError, match="Role 'boss' is not known"):
        users.add_user(store, ADMIN, "y@example.com", "boss")
    frame = users.list_users(store).set_index("email")
    assert frame.loc["bo@example.com", "bus"] == ["BU-A", "BU-B"]
    assert frame.loc["dana.reyes@example.com", "role"] == "sales_leader"
    assert frame.loc["dana.reyes@example.com", "created_by"] == "command line"
    users.update_user(store, ADMIN, "Dana.Reyes@example.com", role="facilitator")
    assert users.actor_for(store, "dana.reyes@example.com", "ignored").role == Role.FACILITATOR


def test_only_an_administrator_manages_users(store: Store) -> None:
    for role in (Role.VIEWER, Role.SALES_LEADER, Role.BU_HEAD, Role.FACILITATOR):
        with pytest.raises(PermissionDenied, match="manage users"):
            users.add_user(store, Actor("Someone", role), "new@example.com", "admin")
    assert users.list_users(store).empty


def test_unknown_and_deactivated_emails_are_viewers_and_are_told_so(store: Store) -> None:
    _portfolio(store)
    stranger = users.sign_in(store, "Stranger@Example.com", "Stan")
    assert stranger.actor == Actor("Stan", Role.VIEWER, email="stranger@example.com")
    assert stranger.note and "not registered" in stranger.note
    users.add_user(store, ADMIN, "boss@example.com", "admin", "Boss")
    users.add_user(store, ADMIN, "fay@example.com", "facilitator", "Fay")
    users.deactivate_user(store, ADMIN, "fay@example.com")
    gone = users.sign_in(store, "fay@example.com")
    assert gone.actor.role == Role.VIEWER and gone.note and "deactivated" in gone.note
    with pytest.raises(InputError, match="last active administrator"):
        users.deactivate_user(store, ADMIN, "boss@example.com")


def test_a_viewer_may_write_nothing() -> None:
    assert all(Role.VIEWER not in allowed for allowed in RULES.values())
    assert not any(Actor("Vic", Role.VIEWER).can(action) for action in Action)


def test_a_sales_leader_decides_only_on_accounts_they_own(store: Store) -> None:
    _portfolio(store)
    users.add_user(store, ADMIN, "dana@example.com", "sales_leader", "Dana Reyes")
    users.add_user(store, ADMIN, "lee@example.com", "sales_leader", "Lee Park")
    dana, lee = users.actor_for(store, "dana@example.com"), users.actor_for(store, "LEE@example.com")
    decisions.record_decision(store, dana, "ACC-1", "lead_unit", "mine, by name")
    decisions.record_decision(store, lee, "ACC-2", "lead_unit", "mine, by email")
    with pytest.raises(PermissionDenied, match=r"only on accounts they own; ACC-2 is owned by lee@example.com"):
        decisions.record_decision(store, dana, "ACC-2", "lead_unit", "not mine")
    with pytest.raises(PermissionDenied, match="owned by nobody"):
        decisions.record_decision(store, dana, "ACC-3", "lead_unit", "nobody's")
    decisions.record_decision(store, Actor("Fay", Role.FACILITATOR), "ACC-3", "lead_unit", "a facilitator may")
    assert len(store.decisions()) == 3


def test_a_bu_head_reviews_accounts_touching_any_of_their_bus(store: Store) -> None:
    _portfolio(store)
    users.add_user(store, ADMIN, "bo@example.com", "bu head", "Bo Lind", ["BU-A", "BU-B"])
    bo = users.actor_for(store, "bo@example.com")
    assert bo.bus == ("BU-A", "BU-B")
    fay = Actor("Fay", Role.FACILITATOR)
    first, second, third = (decisions.record_decision(store, fay, a, "lead_unit", "why") for a in ("ACC-1", "ACC-2",
                                                                                                 "ACC-3"))
    decisions.review_decision(store, bo, first, "approved", "")
    decisions.review_decision(store, bo, second, "approved", "")
    with pytest.raises(PermissionDenied, match="BU-A, BU-B may review only"):
        decisions.review_decision(store, bo, third, "approved", "")
    assert Actor("Old", Role.BU_HEAD, "BU-A").bus == ("BU-A",)  # one BU as before still works


def _opportunities_without_bu(store: Store, n: int) -> None:
    """A portfolio as a CRM export without a BU column leaves it: accounts and opportunities, no BU."""
    with store.engine.begin() as conn:
        acc = conn.execute(insert(Account).values(external_id="ACC-1", name="Acme").returning(Account.id)).scalar_one()
        for i in range(n):
            conn.execute(insert(Opportunity).values(external_id=f"O-{i}", account_id=acc, value=50.0))


def test_a_bu_head_without_bus_is_refused_naming_the_bus_to_choose_from(store: Store) -> None:
    _portfolio(store)
    with pytest.raises(InputError, match=r"A BU head heads at least one BU: choose theirs among BU-A, BU-B, BU-C\."):
        users.add_user(store, ADMIN, "bo@example.com", "bu_head", "Bo Lind")
    with pytest.raises(InputError, match="at least one BU"):
        users.add_user(store, ADMIN, "bo@example.com", "bu_head", "Bo Lind", ["", "  "])
    assert users.list_users(store).empty and audit.entries(store, ADMIN).empty  # nothing written
    users.add_user(store, ADMIN, "fay@example.com", "facilitator", "Fay")
    with pytest.raises(InputError, match="choose theirs among"):
        users.update_user(store, ADMIN, "fay@example.com", role="bu_head")
    assert users.actor_for(store, "fay@example.com").role == Role.FACILITATOR


def test_a_bu_head_without_bus_is_refused_saying_the_portfolio_has_none_yet(store: Store) -> None:
    _opportunities_without_bu(store, 3)
    with pytest.raises(InputError) as info:
        users.add_user(store, ADMIN, "bo@example.com", "bu_head", "Bo Lind")
    assert str(info.value) == ("A BU head heads at least one BU, and there is none to choose yet. The portfolio has 3 "
                               "opportunities but none has a BU: map product families to BUs on the Diagnose page.")
    assert users.list_users(store).empty


def test_a_bu_head_of_no_bu_can_still_be_deactivated(store: Store) -> None:
    _portfolio(store)
    users.add_user(store, ADMIN, "bo@example.com", "bu_head", "Bo Lind", ["BU-A"])
    with pytest.raises(InputError, match="at least one BU"):
        users.update_user(store, ADMIN, "bo@example.com", bus=[])
    users.deactivate_user(store, ADMIN, "bo@example.com")  # whoever can no longer sign in heads nothing
    assert users.sign_in(store, "bo@example.com").actor.role == Role.VIEWER
