"""The Portfolio page's filters (BU, region, industry, fit): kept in the address so a view can be shared; drawn in
one popover, or in presentation mode only applied."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gtm.export import charts
from gtm.services.views.portfolio import PortfolioData
from pages.common import session, widgets
from pages.common.portfolio import keys

FITS = ["realistic", "overkill", "insufficient"]


@dataclass(frozen=True)
class Filters:
    """The BUs, regions, industries and fits chosen (empty: all)."""

    bu: list[str]
    region: list[str]
    industry: list[str]
    fit: list[str]

    def chosen(self, bu_names: dict[str, str]) -> list[str]:
        """What is chosen, in words."""
        return ([bu_names.get(b, b) for b in self.bu] + self.region + self.industry
                + [charts.fit_badge(x) for x in self.fit])


def show_filters(d: PortfolioData, slot: Any, bu_names: dict[str, str], *, showing: bool) -> Filters:
    """The filters chosen: in presentation mode, applied and not drawn; else in one popover in ``slot``."""
    if showing:  # the filters chosen before apply, and are named in one line; their boxes are not drawn
        return Filters(widgets.shared_choice(session.filter_options(d, "bu"), key=keys.BU, param="bu"),
                       widgets.shared_choice(session.filter_options(d, "region"), key=keys.REGION, param="region"),
                       widgets.shared_choice(session.filter_options(d, "industry"), key=keys.INDUSTRY,
                                             param="industry"),
                       widgets.shared_choice(FITS, key=keys.FIT, param="fit"))
    # The filters live in the address, so a view can be shared, and are kept when you come back to the page. They
    # open from one button, so the figures and the whole matrix stay above the fold on a 1280x720 screen.
    box = slot.popover("Filters" + (f" ({n})" if (n := widgets.chosen_count(keys.FILTERS)) else ""),
                       icon=":material/filter_list:", width="stretch")
    bu = widgets.shared_multiselect(box, "BU", session.filter_options(d, "bu"), key=keys.BU, param="bu",
                                    format_func=widgets.names(session.filter_options(d, "bu"), bu_names))
    region = widgets.shared_multiselect(box, "Region", session.filter_options(d, "region"), key=keys.REGION,
                                        param="region")
    industry = widgets.shared_multiselect(box, "Industry", session.filter_options(d, "industry"), key=keys.INDUSTRY,
                                          param="industry")
    fit = widgets.shared_multiselect(box, "Fit", FITS, key=keys.FIT, param="fit", format_func=charts.fit_badge)
    return Filters(bu, region, industry, fit)
