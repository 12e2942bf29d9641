"""GTM Fit's domain: which go-to-market structure a key account needs. Never imports streamlit."""

from gtm.domain.assess import assess
from gtm.domain.diagnose import diagnose
from gtm.domain.errors import ConfigError, GtmError, InputError, PermissionDenied, Problem
from gtm.domain.matrix import ApproachMatrix, default_matrix, load_matrix, parse_matrix
from gtm.domain.recommend import recommend
from gtm.domain.vocabulary import APPROACHES, FITS, NATURES

__all__ = [
    "APPROACHES", "FITS", "NATURES", "ApproachMatrix", "ConfigError", "GtmError", "InputError",
    "PermissionDenied", "Problem", "assess", "default_matrix", "diagnose", "load_matrix",
    "parse_matrix", "recommend",
]
