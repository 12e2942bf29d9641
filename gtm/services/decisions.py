"""Use cases on decisions: record one for an account, review one or several. Permission, validation, one transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from gtm.domain.errors import InputError, PermissionDenied, Problem
from gtm.domain.fmt import plural
from gtm.domain.lead import LeadChoice, check_choice
from gtm.domain.permissions import Action, Actor, Role, require
from gtm.domain.vocabulary import APPROACHES
from gtm.services import audit
from gtm.storage.repository import Store, Transaction

VERDICTS = ("approved", "challenged")
MAX_TEXT = 5000


def _text(value: str | None, what: str) -> str:
    text = (value or "").strip()
    if len(text) > MAX_TEXT:
        raise InputError(f"The {what} is {len(text)} characters; at most {MAX_TEXT} are kept.")
    return text


def _owns(actor: Actor, owner: str | None) -> bool:
    """Whether the account's owner (a name or email, any case) is this actor."""
    mine = {v.strip().casefold() for v in (actor.name, actor.email or "") if v and v.strip()}
    return (owner or "").strip().casefold() in mine


def may_decide(actor: Actor, owner: str | None) -> bool:
    """Whether the actor may record a decision on an account with this owner (what the page offers)."""
    return actor.can(Action.RECORD_DECISION) and (actor.role != Role.SALES_LEADER or _owns(actor, owner))


def why_not_decide(actor: Actor, owner: str | None) -> str:
    """Why the actor may not record a decision on an account with this owner, in a sentence."""
    if actor.can(Action.RECORD_DECISION):
        return (f"Sales leaders record decisions on the accounts they own; this one is owned by {owner or 'nobody'}. "
                "Ask its owner or a facilitator.")
    return "Sales leaders, facilitators and administrators record decisions; you can read the history below."


def _check_owner(actor: Actor, account_id: str, owner: str | None) -> None:
    """A sales leader decides only on accounts they own (owner = their name or email, any case)."""
    if actor.role != Role.SALES_LEADER:
        return  # facilitators and administrators decide on any account
    if not _owns(actor, owner):
        raise PermissionDenied(f"A sales leader records decisions only on accounts they own; {account_id} is owned by "
                               f"{owner or 'nobody'}, not {actor.name}. Ask its owner or a facilitator.")


def record_decision(
    store: Store, actor: Actor, account_id: str, approach: str, rationale: str,
    *, recommended_approach: str | None = None, in_band_share: float | None = None,
    expected_latest: int | None = None, lead_bu: str | None = None, point_person: str | None = None,
    lead_reason: str | None = None, proposed_lead_bu: str | None = None, proposed_point_person: str | None = None,
) -> int:
    """Append a decision for an account, judged against the matrix active when it is written; returns its id.

    ``expected_latest`` is the id of the latest decision the person saw on the account (0: they saw none); when
    someone recorded another one meanwhile, nothing is written and the error says who and when.

    The decision may carry the account's lead BU and point person (gtm.domain.lead): the lead BU must be one that
    sells at the account, and choosing other than what the evidence proposed (``proposed_lead_bu``,
    ``proposed_point_person``, as the person saw them) needs ``lead_reason``. None: not chosen, the evidence stands.
    """
    require(actor, Action.RECORD_DECISION)
    term = APPROACHES.parse(approach, "approach")
    rationale = _text(rationale, "rationale")
    if not rationale:
        raise InputError("A decision needs a rationale: say why this structure fits the account.",
                         [Problem(None, "rationale", "", "is required")])
    lead_reason = _text(lead_reason, "reason for the lead BU and point person")

    def write(tx: Transaction) -> int:
        account = store.account_key(tx, account_id)
        if account is None:
            raise InputError(f"No account with id {account_id!r}.",
                             [Problem(None, "account_id", account_id, "unknown account")])
        _check_owner(actor, account_id, store.account_owner(tx, account))
        if expected_latest is not None:
            store.lock_account_decisions(tx, account)  # the check and the write see the same latest decision
            latest = store.latest_decision(tx, account)
            if (latest[0] if latest else 0) != expected_latest:
                if latest is None:  # the portfolio was replaced meanwhile (demo reset, clear)
                    raise InputError("The decisions on this account were cleared meanwhile; look again, then decide.")
                _, author, when = latest
                raise InputError(f"Someone recorded a decision on this account meanwhile ({author}, "
                                 f"{when:%Y-%m-%d %H:%M} UTC); look at it, then decide again.")
        choice = check_choice(lead_bu, point_person, lead_reason, proposed_lead_bu=proposed_lead_bu,
                              proposed_point_person=proposed_point_person,
                              account_bus=store.account_bus(tx, account) if lead_bu else ())
        active = store.active_matrix(tx)  # read in the same transaction as the write
        decision_id = store.insert_decision(
            tx, account_id=account, approach=term.code, rationale=rationale, author=actor.name.strip(),
            author_role=str(actor.role), matrix_version_id=active.version_id, matrix_name=active.name,
            matrix_fingerprint=active.matrix.fingerprint, recommended_approach=recommended_approach,
            in_band_share=in_band_share, **_lead_values(choice),
        )
        audit.log(store, tx, actor, "decision.recorded", account_id, decision_id=decision_id, approach=term.code,
                  matrix=active.name, recommended_approach=recommended_approach,
                  **({"lead_bu": choice.lead_bu, "point_person": choice.point_person} if choice.chosen else {}))
        return decision_id

    return store.write(write)


def _lead_values(choice: LeadChoice) -> dict[str, str | None]:
    """The decision's lead columns: the choice, what the evidence proposed then, and the reason (None: nothing
    chosen, so nothing is stored and the evidence stands)."""
    if not choice.chosen:
        return {}
    return {"lead_bu": choice.lead_bu, "point_person": choice.point_person, "lead_reason": choice.reason or None,
            "lead_bu_proposed": choice.proposed_lead_bu, "point_person_proposed": choice.proposed_point_person}


def review_decision(store: Store, actor: Actor, decision_id: int, verdict: str, comment: str, *,
                    bu: str | None = None, bus: Sequence[str] | None = None,
                    expected_latest: int | None = None) -> int:
    """Append a verdict (approved or challenged) on an account's latest decision; returns the last review's id.

    A BU head reviews in one act for each of their BUs that the account touches, a row per BU (``bus``: for those,
    ``bu``: for that one only; each must be theirs and touched by the account, or nothing is written). An
    administrator reviews for ``bus`` or ``bu`` when given, standing in for their heads, else without a BU: a
    challenge then counts, an approval does not replace the BUs' own (see gtm.domain.reviews). ``expected_latest``
    is the id of the latest review the person saw on the decision (0: none); when someone reviewed it meanwhile,
    nothing is written.
    """
    verdict, comment = _verdict(actor, verdict, comment)
    wanted = _wanted(bu, bus)

    def write(tx: Transaction) -> int:
        account = _open(store, tx, decision_id, expected_latest)
        return _record(store, tx, actor, decision_id, account, verdict, comment, wanted)

    return store.write(write)


def review_decisions(store: Store, actor: Actor, decision_ids: Iterable[int], verdict: str, comment: str, *,
                     bu: str | None = None, bus: Mapping[int, Sequence[str]] | None = None,
                     expected_latest: Mapping[int, int] | None = None,
                     names: Mapping[int, str] | None = None) -> dict[int, int]:
    """The same verdict on several decisions, all in one transaction: every one is recorded, or none is.

    The rules are review_decision's, decision by decision; ``bus`` maps a decision id to the BUs the verdict is
    recorded for on it (a decision it leaves out: ``bu``, else every BU of a BU head's that the account touches).
    ``expected_latest`` maps a decision id to the latest review id the person saw on it (0: none; a decision it
    leaves out is not checked). ``names`` (e.g. the accounts' names) say which decision a refusal is about.
    Returns, per decision, the id of its last new review.
    """
    verdict, comment = _verdict(actor, verdict, comment)
    ids = sorted({int(i) for i in decision_ids})  # one order for every writer: accounts are locked in turn
    if not ids:
        raise InputError("Choose at least one decision to review.")
    seen, called, per_decision = expected_latest or {}, names or {}, bus or {}

    def write(tx: Transaction) -> dict[int, int]:
        done: dict[int, int] = {}
        for i in ids:
            try:
                account = _open(store, tx, i, seen.get(i))
                wanted = _wanted(bu, per_decision[i]) if i in per_decision else _wanted(bu, None)
                done[i] = _record(store, tx, actor, i, account, verdict, comment, wanted)
            except (InputError, PermissionDenied) as exc:
                if len(ids) == 1:
                    raise
                # The transaction is rolled back: say which decision stopped it, and that the others wait too.
                raise type(exc)(f"{called.get(i, f'Decision {i}')}: {exc} Nothing was recorded for the "
                                f"{len(ids)} chosen decisions.") from exc
        return done

    return store.write(write)


def review_by_bu(store: Store, actor: Actor, decision_id: int, verdicts: Mapping[str, str], comment: str, *,
                 expected_latest: int | None = None) -> int:
    """A verdict per BU on one decision (a head approving for one of their BUs and challenging for another), all in
    one transaction: every verdict is recorded, or none is. Each BU is checked as review_decision checks ``bus``;
    a challenge among them needs the comment. Returns the last new review's id."""
    chosen = {str(b).strip(): v for b, v in verdicts.items() if str(b).strip()}
    if not chosen:
        raise InputError("Choose a verdict for at least one BU.")
    checked = {b: _verdict(actor, v, comment) for b, v in chosen.items()}
    by_verdict: dict[str, list[str]] = {}
    for b, (v, _) in checked.items():
        by_verdict.setdefault(v, []).append(b)
    said = next(iter(checked.values()))[1]

    def write(tx: Transaction) -> int:
        account = _open(store, tx, decision_id, expected_latest)
        last = 0
        for v in VERDICTS:  # approvals first, then challenges: one audit entry per verdict
            if v in by_verdict:
                last = _record(store, tx, actor, decision_id, account, v, said, sorted(by_verdict[v]))
        return last

    return store.write(write)


def _wanted(bu: str | None, bus: Sequence[str] | None) -> list[str] | None:
    """The BUs a verdict is asked for: ``bus`` when given (at least one), else ``bu``, else None (the default)."""
    if bus is not None:
        named = list(dict.fromkeys(str(b).strip() for b in bus if str(b).strip()))
        if not named:
            raise InputError("Choose at least one BU to record the verdict for.")
        return named
    return [bu] if bu is not None else None


def _verdict(actor: Actor, verdict: str, comment: str) -> tuple[str, str]:
    """The checked verdict and comment; refuses an actor who may not review at all."""
    require(actor, Action.REVIEW_DECISION)
    verdict = (verdict or "").strip().lower()
    if verdict not in VERDICTS:
        raise InputError(f"Verdict {verdict!r} is not accepted; use one of: {', '.join(VERDICTS)}.")
    comment = _text(comment, "comment")
    if verdict == "challenged" and not comment:
        raise InputError("A challenge needs a comment: say what should change.")
    return verdict, comment


def _open(store: Store, tx: Transaction, decision_id: int, expected_latest: int | None) -> int:
    """The key of the decision's account, once checked that the decision is its latest and that nobody reviewed it
    since the person looked (``expected_latest``); the account's decisions are locked for the transaction."""
    account = store.decision_account_key(tx, decision_id)
    if account is None:
        raise InputError(f"No decision with id {decision_id}.")
    store.lock_account_decisions(tx, account)  # decisions and reviews on one account take turns
    latest = store.latest_decision(tx, account)
    if latest is not None and latest[0] != decision_id:
        raise InputError(f"A newer decision was recorded on this account meanwhile ({latest[1]}, "
                         f"{latest[2]:%Y-%m-%d %H:%M} UTC); look at it, then review that one.")
    if expected_latest is not None and store.latest_review_id(tx, decision_id) != expected_latest:
        raise InputError("Someone reviewed this decision meanwhile; look at their verdict, then review again.")
    return account


def _record(store: Store, tx: Transaction, actor: Actor, decision_id: int, account: int, verdict: str, comment: str,
            wanted: list[str] | None) -> int:
    """One verdict on one decision inside the caller's transaction: a review row per BU (checked by _review_bus)
    and one audit entry naming them; the last review id."""
    bu_keys = _review_bus(store, tx, actor, account, wanted)
    last = 0
    for _, key in bu_keys:
        last = store.insert_review(tx, decision_id=decision_id, verdict=verdict, comment=comment,
                                   reviewer=actor.name.strip(), bu_id=key)
    audit.log(store, tx, actor, f"review.{verdict}", decision_id, bus=[n for n, _ in bu_keys if n], comment=comment)
    return last


def _review_bus(store: Store, tx: Transaction, actor: Actor, account: int,
                wanted: list[str] | None) -> list[tuple[str | None, int | None]]:
    """The BUs (external id, row id) a review is recorded for; [(None, None)]: an administrator's, without a BU.

    Without ``wanted``, a BU head's every BU the account touches (at least one). Named BUs must all be the head's
    and touched by the account: one that is not refuses the whole verdict."""
    if actor.role != Role.BU_HEAD and wanted is None:
        return [(None, None)]
    if actor.role == Role.BU_HEAD and wanted is not None:
        others = [b for b in wanted if b not in actor.bus]
        if others:
            raise PermissionDenied(f"BU head of {', '.join(actor.bus) or 'no BU'} may not review for "
                                   f"{plural(len(others), 'BU')} {', '.join(others)}.")
    found: list[tuple[str | None, int | None]] = []
    untouched: list[str] = []
    for name in list(actor.bus) if wanted is None else wanted:
        key = store.business_unit_key(tx, name)
        if key is not None and store.account_touches_bu(tx, account, key):
            found.append((name, key))
        else:
            untouched.append(name)
    if wanted is None and not found:
        raise PermissionDenied(f"BU head of {', '.join(actor.bus) or 'no BU'} may review only decisions on "
                               "accounts that touch their BUs.")
    if wanted is not None and untouched:
        raise PermissionDenied(f"{', '.join(untouched)}: the account has no opportunity in "
                               f"{'that BU' if len(untouched) == 1 else 'those BUs'}; a review is recorded for a "
                               "BU the account touches.")
    return found
