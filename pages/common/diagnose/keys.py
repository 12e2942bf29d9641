"""Every session key of the Diagnose page, named once (the browser and AppTest tests find widgets by these strings)."""

from __future__ import annotations

GENS = "dg_gens"  # per rule table, the generation of its editor's widgets
SEEN = "dg_seen"  # per rule table, the active version the editor started from
CREATED_BUS = "dg_created_bus"  # the business units a mapping's save created (said once)
RULES_LOADED = "dg_rules_loaded"  # the digest of the rules file last loaded into the editor

# The rules editor
PICK = "dg_s_pick"  # the rule being edited (its place)
RULE_BOX = "dg_s_rule"
ADD_CONDITION = "dg_s_add_condition"
MOVE_UP = "dg_s_up"
MOVE_DOWN = "dg_s_down"
REMOVE_RULE = "dg_s_remove"
ADD_RULE = "dg_s_add_rule"

# The questionnaire
Q_OPP = "dg_q_opp"
Q_FOR = "dg_q_for"  # the opportunity the questions were filled for
Q_NAME = "dg_q_name"
Q_GIVEN = "dg_q_given"  # the signals the CRM file answered
Q_RESULT = "dg_q_result"
Q_APPLY = "dg_q_apply"

# The to-do list and a person's decision
TODO = "dg_todo"
OV_OPP = "dg_ov_opp"
OV_FORM = "dg_ov_form"
OV_NATURE = "dg_ov_nature"
OV_REASON = "dg_ov_reason"
OV_SAVE = "dg_ov_save"
OV_HISTORY = "dg_ov_history"


def imported(kind: str) -> str:
    """A rule table's content loaded from a file, not yet saved."""
    return f"dg_imported_{kind}"


def version(kind: str, gen: int) -> str:
    return f"dg_{kind}_version_{gen}"


def activate(kind: str) -> str:
    return f"dg_{kind}_activate"


def reset(kind: str) -> str:
    return f"dg_{kind}_reset"


def version_name(kind: str) -> str:
    return f"dg_{kind}_name"


def save(kind: str) -> str:
    return f"dg_{kind}_save"


def rules_file(gen: int) -> str:
    return f"dg_rules_file_{gen}"


def mapping_file(kind: str, gen: int) -> str:
    return f"dg_{kind}_csv_{gen}"


def loaded(kind: str) -> str:
    """The digest of the mapping file last loaded."""
    return f"dg_{kind}_loaded"


def file_gen(kind: str) -> str:
    """How many mapping files were loaded: a new one starts the editor again."""
    return f"dg_{kind}_gen"


def mapping_editor(kind: str, gen: int, files: int) -> str:
    return f"dg_{kind}_editor_{gen}_{files}"


def export(kind: str) -> str:
    return f"dg_{kind}_export"


def evidence(column: str) -> str:
    return f"dg_evidence_{column}"


def distribution(where: str) -> str:
    return f"dg_dist_{where}"


def moved(where: str) -> str:
    return f"dg_moved_{where}"


def accounts(where: str) -> str:
    return f"dg_accounts_{where}"


def find(pick: str) -> str:
    """The search box above an opportunity picker."""
    return f"{pick}_find"


def answer(signal: str) -> str:
    return f"dg_q_{signal}"


def approach(opp: str) -> str:
    return f"dg_q_approach_{opp}"


def rules_draft(gen: int) -> str:
    return f"dg_rules_draft_{gen}"


def rules_revision(gen: int) -> str:
    return f"dg_rules_rev_{gen}"


def sentence_widget(rev: int, part: str) -> str:
    """A picker of the rule being edited (``part``: nature, id, wording, or a condition's ``{j}_subject`` …)."""
    return f"dg_s_{rev}_{part}"


def rules_grid(gen: int, rev: int) -> str:
    return f"dg_rules_{gen}" + (f"_{rev}" if rev else "")
