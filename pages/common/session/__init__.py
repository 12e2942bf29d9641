"""Start-up and the data boundary: one store per workspace and server process, portfolio data cached per
workspace and data version.

Caching is keyed on the workspace, the database's data version and the matrix's fingerprint, so an
interaction recomputes only what changed. Split by concern: source (the first request, the database, the workspace
and its store; importing it leaves Streamlit's folder mode), run (what a script run has read, kept for the run),
reads (versions, active matrix, stored rows, currency, won-deal weight), lists (the account list chosen), portfolio
(the judged portfolio and its views) and first_hour (the checklist, set up or not). Every page imports this package
and calls its functions by the names re-exported here: ``session.store()``, ``session.data(...)``.
"""

from __future__ import annotations

from gtm.services.workspaces import DEMO, MAIN, WORKSPACES
from pages.common.session.first_hour import progress, set_up
from pages.common.session.lists import chosen_list, list_names, list_scope, use_list
from pages.common.session.portfolio import (
    PortfolioData,
    cell,
    cells,
    data,
    effect,
    figures,
    filter_options,
    overview,
    review_queue,
    whole,
)
from pages.common.session.reads import (
    active_matrix,
    currency,
    data_version,
    portfolio_version,
    refused_won_weight,
    rows_version,
    stored_opportunities,
    won_weight,
)
from pages.common.session.run import begin_run
from pages.common.session.source import (
    database_url,
    demo_offered,
    first_request_path,
    store,
    use_workspace,
    workspace,
)

__all__ = ["DEMO", "MAIN", "WORKSPACES", "PortfolioData", "active_matrix", "begin_run", "cell", "cells", "chosen_list", "currency", "data", "data_version", "database_url", "demo_offered", "effect", "figures", "filter_options", "first_request_path", "list_names", "list_scope", "overview", "portfolio_version", "progress", "refused_won_weight", "review_queue", "rows_version", "set_up", "store", "stored_opportunities", "use_list", "use_workspace", "whole", "won_weight", "workspace"]
