"""The one cache adapter: the read model (``gtm.services.views``) wrapped in Streamlit's caches. No other module
of pages/ defines a cache.

Every function here is a ``views`` call (or a few, composed) keyed on the database URL, the workspace and the
versions and fingerprints ``views.keys`` makes. The big frames are held once per process in ``st.cache_resource``
(shared, never copied or pickled per read) and treated as read-only by every page; small results may be
``st.cache_data``. Streamlit keys an entry on the arguments as passed (a keyword and a position differ): every
call passes them all by position. An argument named ``_x`` is not part of the key: it is what the key stands for.
"""

from __future__ import annotations

from pages.common.cache.core import (
    account_table,
    currency,
    decisions,
    frames,
    judged,
    list_ids,
    list_versions,
    listed,
    listed_decisions,
    prepared,
    rows,
    store,
    won_weight,
)
from pages.common.cache.derived import (
    cell,
    cells,
    effect,
    figures,
    filter_options,
    overview,
    progress,
    refigured,
    review_queue,
)
from pages.common.cache.design import (
    account_evidence,
    decided,
    designed,
    exposure,
    named_plan,
    proposals,
    saved_assumptions,
    scope_ids,
    whitespace_grid,
    whitespace_views,
)
from pages.common.cache.sections import (
    compared,
    diagnosed,
    evidence,
    list_members,
    measures,
    picks,
    pipeline,
    positioned,
    results,
    rule_columns,
    sampled,
    scenario_start,
    scenarios_compared,
    shortlist,
    todo,
)

__all__ = ["account_evidence", "account_table", "cell", "cells", "compared", "currency", "decided", "decisions", "designed", "diagnosed", "effect", "evidence", "exposure", "figures", "filter_options", "frames", "judged", "list_ids", "list_members", "list_versions", "listed", "listed_decisions", "measures", "named_plan", "overview", "picks", "pipeline", "positioned", "prepared", "progress", "proposals", "refigured", "results", "review_queue", "rows", "rule_columns", "sampled", "saved_assumptions", "scenario_start", "scenarios_compared", "scope_ids", "shortlist", "store", "todo", "whitespace_grid", "whitespace_views", "won_weight"]
