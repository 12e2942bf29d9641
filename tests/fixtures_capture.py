"""A helper for the lead unit and whitespace tests: the demo portfolio with some of its deals won, re-imported as a
CRM export a quarter later would say it (stage Closed Won), through the import people use."""

from __future__ import annotations

import pandas as pd

from gtm.domain.permissions import ADMIN
from gtm.ingest import demo
from gtm.services.imports import commit_import, plan_import
from gtm.storage.repository import Store


def win_some(store: Store, every: int = 3) -> pd.DataFrame:
    """Mark every ``every``-th demo opportunity Closed Won (probability 100) and import the file again; returns the
    rows re-imported."""
    frame = pd.read_csv(demo.DEMO_DIR / "opportunities.csv", dtype=str, keep_default_na=False)
    won = frame.iloc[::every].copy()
    won["stage"], won["probability"] = "Closed Won", "100"
    plan = plan_import(store, "opportunities", won.to_csv(index=False).encode("utf-8"), name="won.csv")
    assert plan.ok, plan.problems[:3]
    commit_import(store, plan, ADMIN)
    return won
