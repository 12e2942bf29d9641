"""AppTest: the same fact reads the same on every page (shares, amounts), in proper singular and plural, in columns
wide enough for their words."""

from __future__ import annotations

from test_apptest import metric, run  # tests/pages/test_apptest.py (rootdir-relative, no package)


def test_the_share_in_band_reads_the_same_on_the_portfolio_and_the_matrix_page(demo_db: str) -> None:
    at = run()
    on_portfolio = metric(at, "✓ In band")
    at.switch_page("pages/matrix.py").run()
    assert not at.exception
    assert metric(at, "✓ Value in band") == on_portfolio
    assert on_portfolio.endswith("%") and "." in on_portfolio  # the demo's share, to a tenth of a point
