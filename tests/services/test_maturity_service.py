"""Recording maturity assessments: who may (a BU head their own BUs and the organisation only), scores checked with
messages for people, one transaction with its audit entry, and the reads the page and the deck rely on; on SQLite
and PostgreSQL (the ``store`` fixture runs both when GTM_TEST_POSTGRES_URL is set)."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from gtm.domain.errors import InputError, PermissionDenied
from gtm.domain.permissions import Actor, Role
from gtm.services import audit, maturity
from gtm.storage.repository import Store

ADA = Actor("Ada Admin", Role.ADMIN)
SAM = Actor("Sam Lee", Role.SALES_LEADER)
FAY = Actor("Fay Chen", Role.FACILITATOR)
HANS = Actor("Hans Berg", Role.BU_HEAD, "BU-A")
DAY = date(2026, 3, 2)
CODES = [d.code for d in maturity.DIMENSIONS]


def _scores(score: int | None = 3, **scores: int | None) -> dict[str, int | None]:
    return {**dict.fromkeys(CODES, score), **scores}


@pytest.fixture
def bus(store: Store) -> Store:
    """The store with two BUs."""
    store.write(lambda tx: store.upsert_business_units(tx, pd.DataFrame(
        {"bu_id": ["BU-A", "BU-B"], "name": ["Automation", "Building"], "description": [None, None]})))
    return store


def test_the_reads_are_empty_before_anyone_scores(store: Store) -> None:
    found = maturity.summary(store)
    assert found.empty and list(found.columns) == ["dimension", "label", "losers", "winners", "winners_do", "mean",
                                                   "min", "max", "people", "spread"]
    assert maturity.dates(store) == [] and maturity.scored_by(store).empty
    assert len(maturity.DIMENSIONS) == 9 and maturity.dimensions() == maturity.DIMENSIONS


def test_two_people_score_and_the_summary_shows_the_spread_weakest_first(bus: Store) -> None:
    first = maturity.record_assessment(bus, SAM, "organisation", DAY, _scores(4, decisions=1), " before coffee ")
    maturity.record_assessment(bus, HANS, "organisation", DAY, _scores(4, decisions=3, feedback=None))
    assert isinstance(first, int)
    found = maturity.summary(bus)
    weakest = found.iloc[0]
    assert (weakest["dimension"], weakest["mean"], weakest["min"], weakest["max"], weakest["people"],
            weakest["spread"]) == ("decisions", 2.0, 1.0, 3.0, 2, 2.0)
    assert found.set_index("dimension").loc["feedback", "people"] == 1  # Hans did not score it
    assert maturity.dates(bus) == [DAY]
    who = maturity.scored_by(bus, "organisation", DAY)
    assert who["author"].tolist() == ["Hans Berg", "Sam Lee"]  # newest first
    assert who["author_role"].tolist() == ["BU head", "Sales leader"]
    assert who["note"].tolist() == ["", "before coffee"]
    assert pd.isna(who.loc[0, "feedback"]) and who.loc[1, "decisions"] == 1


def test_the_latest_date_is_the_default_and_two_dates_compare(bus: Store) -> None:
    earlier = DAY - timedelta(days=90)
    maturity.record_assessment(bus, SAM, "organisation", earlier, _scores(2))
    maturity.record_assessment(bus, SAM, "organisation", DAY, _scores(3, planning=1))
    maturity.record_assessment(bus, FAY, "BU-B", DAY + timedelta(days=1), _scores(5))  # another scope: not mixed in
    assert maturity.dates(bus) == [earlier, DAY] and maturity.dates(bus, "BU-B") == [DAY + timedelta(days=1)]
    assert maturity.summary(bus)["mean"].tolist() == [1.0] + [3.0] * 8
    assert maturity.summary(bus, assessed_on=earlier)["mean"].tolist() == [2.0] * 9
    assert maturity.summary(bus, "BU-B")["mean"].tolist() == [5.0] * 9
    assert maturity.summary(bus, "BU-A").empty
    change = maturity.compare(bus, "organisation", earlier, DAY).set_index("dimension")
    assert change.loc["planning", "delta"] == -1.0 and change.loc["tailoring", "delta"] == 1.0


@pytest.mark.parametrize("actor", [SAM, FAY, ADA])
def test_the_roles_allowed_may_score_the_organisation_and_any_bu(bus: Store, actor: Actor) -> None:
    maturity.record_assessment(bus, actor, "organisation", DAY, _scores())
    maturity.record_assessment(bus, actor, "BU-B", DAY, _scores())
    assert maturity.assessable_scopes(bus, actor) == ["organisation", "BU-A", "BU-B"]


def test_a_bu_head_scores_the_organisation_and_their_own_bu(bus: Store) -> None:
    maturity.record_assessment(bus, HANS, "organisation", DAY, _scores())
    maturity.record_assessment(bus, HANS, "BU-A", DAY, _scores())
    assert maturity.assessable_scopes(bus, HANS) == ["organisation", "BU-A"]
    assert len(bus.assessments()) == 2


def test_a_bu_head_is_refused_another_bu_and_nothing_is_written(bus: Store) -> None:
    with pytest.raises(PermissionDenied, match=r"A BU head assesses the organisation and their own BUs \(BU-A\), "
                                               r"not BU-B"):
        maturity.record_assessment(bus, HANS, "BU-B", DAY, _scores())
    assert maturity.dates(bus, "BU-B") == [] and bus.audit_log().empty


def test_a_viewer_is_refused_and_nothing_is_written(bus: Store) -> None:
    viewer = Actor("Vic Viewer", Role.VIEWER)
    with pytest.raises(PermissionDenied, match=r"Viewer may not assess maturity; allowed: .*BU head"):
        maturity.record_assessment(bus, viewer, "organisation", DAY, _scores())
    assert maturity.assessable_scopes(bus, viewer) == []
    assert bus.assessments().empty and bus.audit_log().empty


def test_a_score_off_the_scale_is_refused_with_the_dimension_the_value_and_what_is_accepted(bus: Store) -> None:
    with pytest.raises(InputError) as info:
        maturity.record_assessment(bus, SAM, "organisation", DAY, _scores(3, leverage=7))
    assert str(info.value) == ("One score cannot be saved:\n  - What is leveraged (leverage): 7 is not a score\n"
                               "Accepted for each dimension: a whole number from 1 (like the losers) to 5 (like the "
                               "winners), or 'not scored'.")
    with pytest.raises(InputError, match="Feedback loops \\(feedback\\): has no score"):
        maturity.record_assessment(bus, SAM, "organisation", DAY, {c: 3 for c in CODES if c != "feedback"})
    assert bus.assessments().empty and bus.audit_log().empty


def test_an_unknown_scope_a_future_date_or_a_long_note_is_refused(bus: Store) -> None:
    with pytest.raises(InputError, match=r"Cannot assess 'BU-Z': no such BU. Accepted: 'organisation' or a BU id: "
                                         "BU-A, BU-B."):
        maturity.record_assessment(bus, SAM, "BU-Z", DAY, _scores())
    tomorrow = date.today() + timedelta(days=1)
    with pytest.raises(InputError, match=f"The assessment's date {tomorrow} is not accepted; give a date from "
                                         f"2000-01-01 to today"):
        maturity.record_assessment(bus, SAM, "organisation", tomorrow, _scores())
    with pytest.raises(InputError, match=r"The note has 2001 characters; 2000 at most are accepted."):
        maturity.record_assessment(bus, SAM, "organisation", DAY, _scores(), "x" * 2001)
    assert bus.assessments().empty and bus.audit_log().empty


def test_each_assessment_writes_its_audit_entry(bus: Store) -> None:
    found = maturity.record_assessment(bus, FAY, "BU-A", DAY, _scores(2, feedback=None))
    entry = audit.entries(bus, ADA).iloc[0]
    assert (entry["action"], entry["target"], entry["actor"], entry["actor_role"]) == \
           ("maturity.assessed", "BU-A", "Fay Chen", "facilitator")
    assert f'"assessment": {found}' in entry["detail"] and '"assessed_on": "2026-03-02"' in entry["detail"]
    assert '"feedback": null' in entry["detail"] and '"scored": 8' in entry["detail"]


def test_the_assessment_and_its_audit_entry_land_together_or_not_at_all(bus: Store,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the audit table is gone")

    monkeypatch.setattr(audit, "log", broken)
    with pytest.raises(RuntimeError):
        maturity.record_assessment(bus, SAM, "organisation", DAY, _scores())
    assert bus.assessments().empty and maturity.dates(bus) == []


def test_reads_filter_by_scope_and_dates(bus: Store) -> None:
    for days in (0, 30, 60):
        maturity.record_assessment(bus, SAM, "organisation", DAY - timedelta(days=days), _scores())
    frame = bus.assessments("organisation", since=DAY - timedelta(days=45), until=DAY)
    assert frame["assessed_on"].tolist() == [DAY, DAY - timedelta(days=30)]  # in the order saved
    assert isinstance(frame.loc[0, "scores"], dict) and frame.loc[0, "scores"]["tailoring"] == 3
    assert bus.assessments("BU-A").empty


def test_two_people_who_share_a_display_name_keep_their_own_scores(store: Store) -> None:
    """j.smith@alpha and j.smith@beta both sign in as 'j.smith': each one's scores count, neither overwrites."""
    alpha = Actor("j.smith", Role.SALES_LEADER, email="j.smith@alpha.example")
    beta = Actor("j.smith", Role.SALES_LEADER, email="J.Smith@beta.example")
    code = CODES[0]
    maturity.record_assessment(store, alpha, "organisation", DAY, _scores(1))
    maturity.record_assessment(store, beta, "organisation", DAY, _scores(5))
    row = maturity.summary(store).set_index("dimension").loc[code]
    assert row["people"] == 2 and row["mean"] == 3
    maturity.record_assessment(store, alpha, "organisation", DAY, _scores(3))  # alpha corrects their own only
    row = maturity.summary(store).set_index("dimension").loc[code]
    assert row["people"] == 2 and row["mean"] == 4
