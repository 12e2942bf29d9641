"""The funnel's services: who may save lists, score and pick (a BU head for their own BUs only), versions, one
transaction per change with its audit entry, and the reads the deck relies on."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import insert

from gtm.domain import funnel
from gtm.domain.errors import InputError, PermissionDenied
from gtm.domain.permissions import ADMIN, Actor, Role
from gtm.services import audit, lists
from gtm.storage.models import Account, BusinessUnit, Opportunity
from gtm.storage.repository import Store

FAY = Actor("Fay", Role.FACILITATOR)
ANA = Actor("Ana", Role.BU_HEAD, "BU-A")
VIC = Actor("Vic", Role.VIEWER)
SAL = Actor("Sal", Role.SALES_LEADER)
ACCOUNTS = [f"ACC-{i}" for i in range(1, 7)]


@pytest.fixture
def filled(store: Store) -> Store:
    """Six accounts, ACC-i with value i x 100 in BU-A (and ACC-1 in BU-B too)."""
    with store.engine.begin() as conn:
        bus = {b: conn.execute(insert(BusinessUnit).values(external_id=b, name=b).returning(BusinessUnit.id))
               .scalar_one() for b in ("BU-A", "BU-B")}
        for i, ext in enumerate(ACCOUNTS, start=1):
            key = conn.execute(insert(Account).values(external_id=ext, name=f"Account {i}", ease_of_access=10.0 * i)
                               .returning(Account.id)).scalar_one()
            conn.execute(insert(Opportunity).values(external_id=f"OPP-{i}", account_id=key, bu_id=bus["BU-A"],
                                                    value=100.0 * i))
        conn.execute(insert(Opportunity).values(external_id="OPP-B1", account_id=1, bu_id=bus["BU-B"], value=5.0))
    return store


def _actions(store: Store) -> list[str]:
    return audit.entries(store, ADMIN)["action"].tolist()


def test_nothing_saved_reads_as_empty(filled: Store) -> None:
    assert lists.list_names(filled).empty
    assert list(lists.list_names(filled).columns) == ["name", "stage", "version", "created_by", "created_at",
                                                      "accounts"]
    assert lists.list_accounts(filled, stage="focus") == []
    assert lists.focus_target(filled) == (None, None)
    stages = lists.funnel_stages(filled, filled.accounts(), filled.opportunities())
    assert stages["accounts"].tolist() == [6, 0, 0]
    assert stages["value"].tolist() == [2105.0, 0.0, 0.0]


@pytest.mark.parametrize("who", [VIC, SAL, ANA])
def test_only_facilitators_and_administrators_save_lists(filled: Store, who: Actor) -> None:
    with pytest.raises(PermissionDenied):
        lists.save_list(filled, who, "Shortlist", "short", ACCOUNTS[:2])
    assert lists.list_names(filled).empty


def test_lists_are_versioned_with_their_members_in_order_and_audited(filled: Store) -> None:
    assert lists.save_list(filled, FAY, "Shortlist", "short", ["ACC-3", "ACC-1"])[1] == 1
    assert lists.save_list(filled, FAY, "Shortlist", "short", ["ACC-2", "ACC-5", "ACC-4"])[1] == 2
    names = lists.list_names(filled)
    assert names[["name", "version", "accounts", "created_by"]].values.tolist() == [["Shortlist", 2, 3, "Fay"]]
    assert len(lists.list_versions(filled)) == 2
    assert lists.list_accounts(filled, "Shortlist") == ["ACC-2", "ACC-5", "ACC-4"]
    assert lists.list_accounts(filled, stage="short") == ["ACC-2", "ACC-5", "ACC-4"]
    assert lists.list_accounts(filled, "Nope") == []
    assert _actions(filled).count("list.saved") == 2


def test_a_list_naming_an_unknown_account_saves_nothing(filled: Store) -> None:
    with pytest.raises(InputError, match="ACC-99"):
        lists.save_list(filled, FAY, "Shortlist", "short", ["ACC-1", "ACC-99"])
    assert lists.list_names(filled).empty and "list.saved" not in _actions(filled)


def test_build_shortlist_takes_the_top_n_by_size(filled: Store) -> None:
    m = funnel.measures(filled.accounts(), funnel.account_pipeline(filled.opportunities()),
                        funnel.score_means(lists.scores(filled), 10), funnel.default_rules())
    _, version, ranked = lists.build_shortlist(filled, FAY, funnel.position(m, "value", "ease"), top_n=3)
    assert version == 1 and lists.list_accounts(filled, stage="short") == ["ACC-6", "ACC-5", "ACC-4"]
    assert ranked["in_list"].sum() == 3


def test_a_bu_head_scores_and_picks_for_their_own_bu_only(filled: Store) -> None:
    lists.save_list(filled, FAY, "Shortlist", "short", ACCOUNTS[:4])
    lists.score_account(filled, ANA, "ACC-1", "BU-A", "ease", 8)
    lists.score_account(filled, ANA, "ACC-1", "BU-A", "ease", 6)  # the latest counts
    with pytest.raises(PermissionDenied, match="own BUs"):
        lists.score_account(filled, ANA, "ACC-1", "BU-B", "ease", 2)
    with pytest.raises(PermissionDenied):
        lists.score_account(filled, SAL, "ACC-1", "BU-A", "ease", 2)
    with pytest.raises(InputError, match="0 to 10"):
        lists.score_account(filled, ANA, "ACC-1", "BU-A", "ease", 11)
    scores = lists.scores(filled)
    assert scores[["account_id", "bu", "measure", "score", "author"]].values.tolist() == [
        ["ACC-1", "BU-A", "ease", 6.0, "Ana"]]

    lists.pick_focus(filled, ANA, "Shortlist", "ACC-2", "BU-A")
    with pytest.raises(PermissionDenied):
        lists.pick_focus(filled, ANA, "Shortlist", "ACC-2", "BU-B")
    with pytest.raises(PermissionDenied):
        lists.pick_focus(filled, FAY, "Shortlist", "ACC-2", "BU-A")  # the BU leaders pick, not the facilitator
    with pytest.raises(InputError, match="not on Shortlist"):
        lists.pick_focus(filled, ANA, "Shortlist", "ACC-6", "BU-A")
    picks = lists.picks(filled, int(lists.latest_list(filled, "Shortlist")["list_id"]))  # type: ignore[index]
    assert picks[["account_id", "bu", "picked", "author"]].values.tolist() == [["ACC-2", "BU-A", True, "Ana"]]
    assert picks["created_at"].notna().all()
    assert {"account.scored", "focus.picked"} <= set(_actions(filled))


def test_a_bu_heads_table_is_saved_all_or_nothing(filled: Store) -> None:
    lists.save_list(filled, FAY, "Shortlist", "short", ACCOUNTS[:3])
    with pytest.raises(InputError):
        lists.save_bu_marks(filled, ANA, "BU-A", scores={("ACC-1", "size"): 7}, picks={"ACC-1": True, "ACC-6": True},
                            list_name="Shortlist")
    assert lists.scores(filled).empty  # the score of the same table was not kept either
    assert lists.save_bu_marks(filled, ANA, "BU-A", scores={("ACC-1", "size"): 7}, picks={"ACC-1": True},
                               list_name="Shortlist") == 2


def test_the_focus_list_from_picks_with_the_decks_target(filled: Store) -> None:
    ben = Actor("Ben", Role.BU_HEAD, "BU-B")
    lists.save_list(filled, FAY, "Shortlist", "short", ACCOUNTS[:5])
    lists.pick_focus(filled, ANA, "Shortlist", "ACC-1", "BU-A")
    lists.pick_focus(filled, ben, "Shortlist", "ACC-1", "BU-B")
    lists.pick_focus(filled, ANA, "Shortlist", "ACC-4", "BU-A")
    lists.pick_focus(filled, ANA, "Shortlist", "ACC-2", "BU-A")
    lists.pick_focus(filled, ANA, "Shortlist", "ACC-2", "BU-A", picked=False)  # taken back
    values = funnel.account_pipeline(filled.opportunities())["value"]
    with pytest.raises(PermissionDenied):
        lists.save_focus_list(filled, ANA, "Shortlist", values)
    with pytest.raises(InputError, match="both a value and a number of years"):
        lists.save_focus_list(filled, FAY, "Shortlist", values, target_value=3.5e9)
    lists.save_focus_list(filled, FAY, "Shortlist", values, target_value=3.5e9, target_years=3)
    assert lists.list_accounts(filled, stage="focus") == ["ACC-1", "ACC-4"]  # 2 BUs first, then value
    assert lists.focus_target(filled) == (3.5e9, 3)
    stages = lists.funnel_stages(filled, filled.accounts(), filled.opportunities())
    assert stages["stage"].tolist() == ["Long list", "Shortlist", "Focus list"]
    assert stages["accounts"].tolist() == [6, 5, 2]
    assert stages["value"].tolist() == [2105.0, 1505.0, 505.0]


def test_nobody_picked_yet_saves_no_focus_list(filled: Store) -> None:
    lists.save_list(filled, FAY, "Shortlist", "short", ACCOUNTS[:2])
    with pytest.raises(InputError, match="No BU has picked"):
        lists.save_focus_list(filled, FAY, "Shortlist", pd.Series(dtype=float))
    assert lists.list_accounts(filled, stage="focus") == []


@pytest.mark.parametrize("value, years", [(1e9, float("nan")), ("abc", 3), (1e9, 2.7), (1e9, 0)])
def test_a_wrong_target_is_refused_with_a_message(filled: Store, value: object, years: object) -> None:
    with pytest.raises(InputError, match="target"):
        lists.save_list(filled, FAY, "Focus", "focus", ACCOUNTS[:2], target_value=value,  # type: ignore[arg-type]
                        target_years=years)  # type: ignore[arg-type]
    assert lists.list_names(filled).empty


@pytest.mark.parametrize("score", ["x", None, float("nan")])
def test_a_bu_heads_table_with_a_wrong_score_is_refused_with_a_message(filled: Store, score: object) -> None:
    with pytest.raises(InputError, match="score is a number from 0 to 10"):
        lists.save_bu_marks(filled, ANA, "BU-A", scores={("ACC-1", "size"): score})  # type: ignore[dict-item]
    assert lists.scores(filled).empty


def test_clearing_the_portfolio_clears_its_lists_scores_and_picks(filled: Store) -> None:
    lists.save_list(filled, FAY, "Shortlist", "short", ACCOUNTS[:4])
    lists.save_bu_marks(filled, ANA, "BU-A", scores={("ACC-1", "size"): 5.0}, picks={"ACC-2": True},
                        list_name="Shortlist")
    with filled.transaction() as tx:  # what a demo reset does
        filled.clear_portfolio(tx)
    assert lists.list_names(filled).empty and lists.scores(filled).empty
    assert lists.list_accounts(filled, "Shortlist") == []
