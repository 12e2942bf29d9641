"""Who may do what. Services check these; the UI hiding a button is not the check."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from gtm.domain.errors import PermissionDenied


class Role(StrEnum):
    """The product's user groups; an administrator manages who holds which role."""

    VIEWER = "viewer"
    SALES_LEADER = "sales_leader"
    FACILITATOR = "facilitator"
    BU_HEAD = "bu_head"
    ADMIN = "admin"


ROLE_LABELS = {
    Role.VIEWER: "Viewer",
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
    MANAGE_USERS = "manage_users"
    VIEW_AUDIT = "view_audit"
    # The deck's programme (issue 13)
    MANAGE_LISTS = "manage_lists"  # build and save the long list, shortlist and focus list
    SCORE_ACCOUNTS = "score_accounts"  # a BU's size and ease scores of an account
    PICK_FOCUS = "pick_focus"  # a BU leader's picks of the accounts of most interest
    ASSESS_MATURITY = "assess_maturity"  # score the organisation on the nine dimensions
    EDIT_PLAN = "edit_plan"  # the engagement plan's phases, activities, owners and status
    # Organisation design (issue 14)
    EDIT_ASSUMPTIONS = "edit_assumptions"  # save the economics' assumptions (costs, uplift, margin, coverage)
    SAVE_SCENARIO = "save_scenario"  # save a scenario: a structure per account
    # Ownership decides who may record a decision: moving an account to another owner is not an import's side effect.
    REASSIGN_ACCOUNTS = "reassign_accounts"
    # What a won deal weighs beside the open pipeline (issue 22): it moves every recommendation, like the matrix.
    SET_WON_WEIGHT = "set_won_weight"
    # A focus account's plan (issue 25): objectives, whitespace targets, stakeholders, actions.
    EDIT_ACCOUNT_PLAN = "edit_account_plan"


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
    Action.MANAGE_USERS: frozenset({Role.ADMIN}),
    Action.VIEW_AUDIT: frozenset({Role.ADMIN}),
    # The facilitator runs the workshop's funnel and plan; BU heads score and pick for their own BUs (the services
    # check the BU too); anyone who takes part may score the organisation's maturity.
    Action.MANAGE_LISTS: frozenset({Role.FACILITATOR, Role.ADMIN}),
    Action.SCORE_ACCOUNTS: frozenset({Role.BU_HEAD, Role.FACILITATOR, Role.ADMIN}),
    Action.PICK_FOCUS: frozenset({Role.BU_HEAD, Role.ADMIN}),
    Action.ASSESS_MATURITY: frozenset({Role.SALES_LEADER, Role.FACILITATOR, Role.BU_HEAD, Role.ADMIN}),
    Action.EDIT_PLAN: frozenset({Role.FACILITATOR, Role.ADMIN}),
    # Sales leaders design the organisation with the facilitator: both save assumptions and scenarios. Anyone may
    # try other assumptions on the page; only a save is checked.
    Action.EDIT_ASSUMPTIONS: frozenset({Role.SALES_LEADER, Role.FACILITATOR, Role.ADMIN}),
    Action.SAVE_SCENARIO: frozenset({Role.SALES_LEADER, Role.FACILITATOR, Role.ADMIN}),
    # A sales leader decides on the accounts they own: who may change an owner (by import too) may not be one.
    Action.REASSIGN_ACCOUNTS: frozenset({Role.FACILITATOR, Role.ADMIN}),
    # The won-deal weight moves every recommendation at once, like a band edit: the workshop's facilitator owns it.
    Action.SET_WON_WEIGHT: frozenset({Role.FACILITATOR, Role.ADMIN}),
    # The account's sales leader plans it (the services check that they own it), with the facilitator who runs the
    # pilots; BU heads read the plans and review the decisions.
    Action.EDIT_ACCOUNT_PLAN: frozenset({Role.SALES_LEADER, Role.FACILITATOR, Role.ADMIN}),
}
# A viewer reads everything and writes nothing.
assert all(Role.VIEWER not in roles for roles in RULES.values())


@dataclass(frozen=True)
class Actor:
    """The person acting: a name, a role, for a BU head the BUs (external ids) they head, and their email.

    ``bu`` takes one BU id or several; it is kept as a tuple (empty: none).
    """

    name: str
    role: Role
    bu: str | tuple[str, ...] | list[str] | None = None
    email: str | None = None

    def __post_init__(self) -> None:
        bus = self.bu
        if bus is None:
            value: tuple[str, ...] = ()
        elif isinstance(bus, str):
            value = (bus,) if bus.strip() else ()
        else:
            value = tuple(str(b) for b in bus if str(b).strip())
        object.__setattr__(self, "bu", value)

    @property
    def bus(self) -> tuple[str, ...]:
        """The BUs this actor heads (empty unless a BU head with BUs assigned)."""
        return self.bu if isinstance(self.bu, tuple) else ()

    @property
    def user_id(self) -> str:
        """Who this is, for keeping what they wrote apart from anyone else's: the email (lower case) when signed
        in, else the name (local mode, the command line). Two people may share a display name, never an email."""
        return (self.email or "").strip().casefold() or self.name.strip()

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
