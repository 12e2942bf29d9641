"""docs/domain.md's vocabulary and default band, typed in by hand: what the engine's data must reproduce."""

NATURE_CODES = (
    "info_exchange",
    "qualification",
    "cross_sell",
    "coordinated_strategy",
    "technical_solution",
    "turnkey",
)
APPROACH_CODES = (
    "traditional_sales",
    "coordinated_incentives",
    "lead_unit",
    "overlay_advisory",
    "overlay_signing",
    "common_front_end",
    "market_bu",
)
# Nature n is realistic with approaches n and n+1.
DEFAULT_BANDS = {
    "info_exchange": ("traditional_sales", "coordinated_incentives"),
    "qualification": ("coordinated_incentives", "lead_unit"),
    "cross_sell": ("lead_unit", "overlay_advisory"),
    "coordinated_strategy": ("overlay_advisory", "overlay_signing"),
    "technical_solution": ("overlay_signing", "common_front_end"),
    "turnkey": ("common_front_end", "market_bu"),
}
