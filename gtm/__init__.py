"""GTM Fit's domain: which go-to-market structure a key account needs. Never imports streamlit."""

from gtm.assess import assess
from gtm.diagnose import diagnose
from gtm.errors import ConfigError, GtmError, InputError, PermissionDenied, Problem
from gtm.matrix import ApproachMatrix, default_matrix, load_matrix, parse_matrix
from gtm.recommend import recommend
from gtm.vocab import APPROACHES, FITS, NATURES

__all__ = [
    "APPROACHES", "FITS", "NATURES", "ApproachMatrix", "ConfigError", "GtmError", "InputError",
    "PermissionDenied", "Problem", "assess", "default_matrix", "diagnose", "load_matrix",
    "parse_matrix", "recommend",
]
