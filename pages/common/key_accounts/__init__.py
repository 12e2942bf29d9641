"""The Key accounts page's components: the funnel's figures, the scatter and the shortlist (step 1), the BUs' scores
and picks (step 2), the focus list (step 3), the funnel chart and the saved lists; keys.py names the session keys."""
