"""Use cases on decisions: record one for an account, review one. Permission, validation, one transaction."""

from __future__ import annotations

from gtm.domain.errors import InputError, PermissionDenied, Problem
from gtm.domain.permissions import Action, Actor, Role, require
from gtm.domain.vocabulary import APPROACHES
from gtm.storage.repository import Store, Transaction

VERDICTS = ("approved", "challenged")
MAX_TEXT = 5000


def _text(value: str | None, what: str) -> str:
    text = (value or "").strip()
    if len(text) > MAX_TEXT:
        raise InputError(f"The {what} is {len(text)} characters; at most {MAX_TEXT} are kept.")
    return text


def _check_owner(actor: Actor, account_id: str, owner: str | None) -> None:
    """A sales leader decides only on accounts they own (owner = their name or email, any case)."""
    if actor.role != Role.SALES_LEADER:
        return  # facilitators and administrators decide on any account
    mine = {v.strip().casefold() for v in (actor.name, actor.email or "") if v and v.strip()}
    if (owner or "").strip().casefold() not in mine:
        raise PermissionDenied(f"A sales leader records decisions only on accounts they own; {account_id} is owned by "
                               f"{owner or 'nobody'}, not {actor.name}. Ask its owner or a facilitator.")


def record_decision(
    store: Store, actor: Actor, account_id: str, approach: str, rationale: str,
    *, recommended_approach: str | None = None, in_band_share: float | None = None,
    expected_latest: int | None = None,
) -> int:
    """Append a decision for an account, judged against the matrix active when it is written; returns its id.

    ``expected_latest`` is the id of the latest decision the person saw on the account (0: they saw none); when
    someone recorded another one meanwhile, nothing is written and the error says who and when.
    """
    require(actor, Action.RECORD_DECISION)
    term = APPROACHES.parse(approach, "approach")
    rationale = _text(rationale, "rationale")
    if not rationale:
        raise InputError("A decision needs a rationale: say why this structure fits the account.",
                         [Problem(None, "rationale", "", "is required")])

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
        active = store.active_matrix(tx)  # read in the same transaction as the write
        return store.insert_decision(
            tx, account_id=account, approach=term.code, rationale=rationale, author=actor.name.strip(),
            author_role=str(actor.role), matrix_version_id=active.version_id, matrix_name=active.name,
            matrix_fingerprint=active.matrix.fingerprint, recommended_approach=recommended_approach,
            in_band_share=in_band_share,
        )

    return store.write(write)


def review_decision(store: Store, actor: Actor, decision_id: int, verdict: str, comment: str) -> int:
    """Append a verdict (approved or challenged) on a decision; a BU head only on accounts touching their BU."""
    require(actor, Action.REVIEW_DECISION)
    verdict = (verdict or "").strip().lower()
    if verdict not in VERDICTS:
        raise InputError(f"Verdict {verdict!r} is not accepted; use one of: {', '.join(VERDICTS)}.")
    comment = _text(comment, "comment")
    if verdict == "challenged" and not comment:
        raise InputError("A challenge needs a comment: say what should change.")
    with store.transaction() as tx:
        account = store.decision_account_key(tx, decision_id)
        if account is None:
            raise InputError(f"No decision with id {decision_id}.")
        bu = None
        if actor.role == Role.BU_HEAD:
            # The review is recorded against the first of the head's BUs that the account touches.
            keys = (store.business_unit_key(tx, b) for b in actor.bus)
            bu = next((k for k in keys if k is not None and store.account_touches_bu(tx, account, k)), None)
            if bu is None:
                raise PermissionDenied(f"BU head of {', '.join(actor.bus) or 'no BU'} may review only decisions on "
                                       "accounts that touch their BUs.")
        return store.insert_review(tx, decision_id=decision_id, verdict=verdict, comment=comment,
                                   reviewer=actor.name.strip(), bu_id=bu)
