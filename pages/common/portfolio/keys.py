"""The Portfolio page's session and widget keys, in one place: browser and AppTest tests find widgets by them."""

from __future__ import annotations

DRAFT = "pf_draft"
BU = "pf_bu"
REGION = "pf_region"
INDUSTRY = "pf_industry"
FIT = "pf_fit"
FILTERS = (BU, REGION, INDUSTRY, FIT)
MATRIX = "pf_matrix"
CELL_ACCOUNTS = "pf_cell_accounts"
CELL_OPPORTUNITIES = "pf_cell_opps"
WON = "pf_won"
MATRIX_TABLE = "pf_matrix_table"
GLOSSARY = "pf_glossary"
MISFITS = "pf_misfits"
TODO = "pf_todo"
ONLY_UNSET = "pf_ap_unset"
APPROACH_EDITOR = "pf_ap_editor"
APPROACH_SAVE = "pf_ap_save"
