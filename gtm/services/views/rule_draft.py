"""The rules being edited on the Diagnose page, as the editor reads and changes them: a draft's rows (the grid's
Kind / Subject / Op), the operations that add, move and remove rules and conditions, and the words each one reads as.
The operations are the domain's pure functions (gtm.domain.rule_table, gtm.domain.rule_words), offered here so that a
page edits a draft through the services as it reads everything else."""

from __future__ import annotations

from gtm.domain.rule_table import (
    COLUMNS,
    COMPARISONS,
    KINDS,
    NUMBER_OPS,
    OPS,
    UNDIAGNOSED,
    Rows,
    add_condition,
    add_rule,
    draft_rows,
    frame_rows,
    move_rule,
    nature_options,
    remove_condition,
    remove_rule,
    rows_to_content,
    rule_blocks,
    set_condition,
    set_rule,
)
from gtm.domain.rule_words import comparison_options, draft_sentence, is_yes_no, subject_options

__all__ = ["COLUMNS", "COMPARISONS", "KINDS", "NUMBER_OPS", "OPS", "UNDIAGNOSED", "Rows", "add_condition", "add_rule",
           "comparison_options", "draft_rows", "draft_sentence", "frame_rows", "is_yes_no", "move_rule",
           "nature_options", "remove_condition", "remove_rule", "rows_to_content", "rule_blocks", "set_condition",
           "set_rule", "subject_options"]
