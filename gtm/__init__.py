"""GTM Fit's domain: which go-to-market structure a key account needs. Never imports streamlit."""

from gtm.domain.assess import assess
from gtm.domain.diagnose import diagnose
from gtm.domain.errors import ConfigError, GtmError, InputError, PermissionDenied, Problem
from gtm.domain.matrix import ApproachMatrix, default_matrix, load_matrix, parse_matrix
from gtm.domain.recommend import recommend
from gtm.domain.vocabulary import Approach, Fit, Nature, Vocabulary

# The vocabularies are read from data/vocabulary.json on first use, not when gtm is imported.
NATURES: Vocabulary
APPROACHES: Vocabulary
FITS: Vocabulary


def __getattr__(name: str) -> Vocabulary:
    if name in ("NATURES", "APPROACHES", "FITS"):
        from gtm.domain import vocabulary

        found: Vocabulary = getattr(vocabulary, name)
        return found
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "APPROACHES",
    "FITS",
    "NATURES",
    "Approach",
    "ApproachMatrix",
    "ConfigError",
    "Fit",
    "GtmError",
    "InputError",
    "Nature",
    "PermissionDenied",
    "Problem",
    "assess",
    "default_matrix",
    "diagnose",
    "load_matrix",
    "parse_matrix",
    "recommend",
]
