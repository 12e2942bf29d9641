"""Who may do what. Services check these; the UI hiding a button is not the check."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from gtm.domain.errors import PermissionDenied


class Role(StrEnum):
    """The product's user groups, plus the command line's administrator."""

    SALES_LEADER = "sales_leader"
    FACILITATOR = "facilitator"
    BU_HEAD = "bu_head"
    ADMIN = "admin"


ROLE_LABELS = {
    Role.SALES_LEADER: "Sales leader",
    Role.FACILITATOR: "Workshop facilitator",
    Role.BU_HEAD: "BU head",
    Role.ADMIN: "Administrator",
}

class Action(StrEnum):
    """What a service may be asked to do; each is checked against RULES before anything is written."""

    RECORD_DECISION = "record_decision"
    REVIEW_DECISION = "review_decision"
    EDIT_MATRIX = "edit_matrix"
    IMPORT_DATA = "import_data"
    RESET_DEMO = "reset_demo"
    DIAGNOSE = "diagnose"
    SET_CURRENCY = "set_currency"


# action -> roles allowed
RULES: dict[Action, frozenset[Role]] = {
    Action.RECORD_DECISION: frozenset({Role.SALES_LEADER, Role.FACILITATOR, Role.ADMIN}),
    Action.REVIEW_DECISION: frozenset({Role.BU_HEAD, Role.ADMIN}),
    Action.EDIT_MATRIX: frozenset({Role.FACILITATOR, Role.ADMIN}),
    Action.IMPORT_DATA: frozenset({Role.SALES_LEADER, Role.FACILITATOR, Role.ADMIN}),
    Action.RESET_DEMO: frozenset({Role.FACILITATOR, Role.ADMIN}),
    Action.DIAGNOSE: frozenset({Role.SALES_LEADER, Role.FACILITATOR, Role.ADMIN}),
    # Rates change every figure on every page, like the matrix: the workshop's facilitator owns them.
    Action.SET_CURRENCY: frozenset({Role.FACILITATOR, Role.ADMIN}),
}


@dataclass(frozen=True)
class Actor:
    """The person acting: a name, a role, and for a BU head the BU (external id) they head."""

    name: str
    role: Role
    bu: str | None = None

    def can(self, action: Action) -> bool:
        """Whether this actor's role allows ``action`` at all."""
        return self.role in RULES[action]


ADMIN = Actor("command line", Role.ADMIN)
MAX_NAME = 255  # the width of the author and reviewer columns


def require(actor: Actor, action: Action) -> None:
    """Raise PermissionDenied unless the actor's role allows ``action``."""
    if not actor.name.strip():
        raise PermissionDenied("Say who you are (a name) before changing anything.")
    if len(actor.name.strip()) > MAX_NAME:
        raise PermissionDenied(f"A name is at most {MAX_NAME} characters.")
    if not actor.can(action):
        allowed = ", ".join(ROLE_LABELS[r] for r in sorted(RULES[action]))
        raise PermissionDenied(
            f"{ROLE_LABELS[actor.role]} may not {action.replace('_', ' ')}; allowed: {allowed}."
        )
