"""The Account page's session keys, named once: browser and AppTest tests select widgets by these strings."""

SEARCH = "acc_search"  # the search box
RESULTS = "acc_results_"  # + a digest of the query: the search's results table (its selection)
SHARE = "acc_share"  # the "Copy link" popover
SHOWN = "acc_shown"  # which structure the chart draws the opportunities under
MATRIX = "acc_matrix"  # the account's matrix chart
OVER, UNDER = "acc_over", "acc_under"  # what the recommendation would over- and under-serve
OPPORTUNITIES = "acc_opps"
HISTORY = "acc_history"
LEAD_BUS, LEAD_OWNERS = "acc_lead_bus", "acc_lead_owners"  # the lead's evidence by BU and by opportunity owner
WHITESPACE = "acc_whitespace"

FORM = "decision_form"
APPROACH = "dec_approach"
RATIONALE = "dec_rationale"
LEAD_BU = "dec_lead_bu"
POINT_PERSON = "dec_point_person"
LEAD_REASON = "dec_lead_reason"
CLEAR = "dec_clear"  # set when a decision was recorded: the next run empties the form's texts
SEEN = "dec_seen"  # per account, the latest decision the history showed (refused if another came since)
