"""The Review page's session keys, named once: browser and AppTest tests select widgets by these strings."""

BU = "rv_bu"  # the BU whose queue is read (everyone but a BU head)
FIT, STEPS, VALUE = "rv_fit", "rv_steps", "rv_value"  # the filters
SHOW = "rv_show"  # waiting for a verdict, or every flagged account
SHOW_CHOSEN = "rv_show_chosen"  # set once the person picks a view: until then it follows what waits
TABLE = "rv_table"  # the table's selection: positions of rows in the frame shown on the previous run
SHOWN_ROWS = "rv_shown"  # (account, decision, latest review) of each row shown on the previous run
EXPORT = "rv_export"
COMMENT = "rv_comment"
CONFIRM = "rv_confirm"  # replace a verdict already given
APPROVE, CHALLENGE = "rv_approve", "rv_challenge"
PER_BU = "rv_per_bu_"  # + decision id + BU: a verdict chosen for one BU of several
PER_BU_RECORD = "rv_per_bu"  # the button recording those
CLEAR = "rv_clear"  # set when a verdict was recorded: the next run starts the next choice afresh
