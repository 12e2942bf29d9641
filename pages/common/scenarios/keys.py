"""The Scenarios page's session keys, named once: browser and AppTest tests select widgets by these strings."""

ASSUME = "sc_assume"  # the assumptions' panel
SCOPE = "sc_scope"  # the accounts chooser
SCOPE_KEPT = "sc_scope_kept"  # its choice kept apart: presentation mode draws no scope chooser
START = "sc_start"  # the plan the editor starts from
GEN = "sc_gen"  # the editor's generation: a new one starts it again from the start point
ROWS = "sc_rows_"  # + generation: the editor
NAME, NOTE, SAVE = "sc_name", "sc_note", "sc_save"
SAVED = "sc_saved"  # set when a scenario was saved: the next run builds on it and compares it as B
A, B = "sc_a", "sc_b"  # the plans compared
SUMMARY = "sc_summary"
ROLES, ROLES_CHART = "sc_roles", "sc_roles_chart"
MOVED = "sc_moved"
EUROPEAN = "sc_eu"
XLSX, CSV = "sc_xlsx", "sc_csv"
