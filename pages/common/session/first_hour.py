"""The first hour's checklist of a workspace, and whether the workspace is set up. (pages.common.session)."""

from __future__ import annotations

from gtm.services.views import portfolio as views
from gtm.services.views.keys import matrix_key
from gtm.services.workspaces import DEMO
from pages.common import cache
from pages.common.session.reads import active_matrix, data_version, portfolio_version
from pages.common.session.source import database_url, workspace


def progress(workspace_name: str | None = None) -> views.Progress:
    """The first hour's checklist of a workspace (default: the one on view), over every account and the active
    matrix; computed once per data version."""
    name = workspace_name or workspace()
    return cache.progress(database_url(), name, portfolio_version(name), data_version(name),
                          matrix_key(active_matrix(name).matrix))


def set_up(workspace_name: str | None = None) -> bool:
    """Whether a workspace is set up, so that its root opens Portfolio rather than Start: the demo always, another
    once every step of its first hour is done."""
    name = workspace_name or workspace()
    return name == DEMO or progress(name).complete
