"""What every section of the Diagnose page reads: the store, who acts, the portfolio, the active rules and the
generation of each rule table's editor."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from gtm.domain.types import NATURES, Action, Actor, DiagnosisTable
from gtm.services import diagnosis
from gtm.services.workspaces import Store
from pages.common import identity, session
from pages.common.diagnose import keys

KINDS = (diagnosis.DIAGNOSIS, diagnosis.FAMILY_BU, diagnosis.FAMILY_NATURE)


@dataclass(frozen=True)
class Page:
    """The Diagnose page's inputs, read once a run."""

    store: Store
    who: Actor
    d: session.PortfolioData
    currency: str
    table: DiagnosisTable  # the active rules
    table_name: str
    active_names: dict[str, str]  # per rule table, its active version ("default": none saved)
    gens: dict[str, int]  # per rule table, its editor's generation
    columns_said: dict[str, str]  # each opportunity field in the import's words

    @property
    def may_diagnose(self) -> bool:
        """What the role cannot use is not shown; the services refuse it anyway."""
        return self.who.can(Action.DIAGNOSE)

    @property
    def has_data(self) -> bool:
        return not self.d.opportunities.empty

    @property
    def labels(self) -> dict[str, str]:
        """Each nature's label by its code."""
        return {t.code: t.label for t in NATURES.terms}


def _active_name(s: Store, kind: str) -> str:
    return diagnosis.active_version_name(s, kind)


def generations(active_names: dict[str, str]) -> dict[str, int]:
    """Per rule table, a generation that moves on when its active version changes (a save, switch or reset): only
    that table's editor starts again from the new version; the others keep their unsaved edits."""
    gens: dict[str, int] = st.session_state.setdefault(keys.GENS, {kind: 0 for kind in KINDS})
    seen: dict[str, str] = st.session_state.setdefault(keys.SEEN, dict(active_names))
    for kind in KINDS:
        if seen.get(kind) != active_names[kind]:
            gens[kind] = gens.get(kind, 0) + 1
            seen[kind] = active_names[kind]
            st.session_state.pop(keys.imported(kind), None)
    return gens


def read() -> Page:
    """The page's inputs for this run."""
    s = session.store()
    table, table_name = diagnosis.active_table(s)
    active_names = {diagnosis.DIAGNOSIS: table_name, diagnosis.FAMILY_BU: _active_name(s, diagnosis.FAMILY_BU),
                    diagnosis.FAMILY_NATURE: _active_name(s, diagnosis.FAMILY_NATURE)}
    return Page(s, identity.actor(), session.data(), session.currency(), table, table_name, active_names,
                generations(active_names), diagnosis.column_words())
