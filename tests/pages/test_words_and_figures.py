"""AppTest: the same fact reads the same on every page (shares, amounts), in proper singular and plural, in columns
wide enough for their words."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pyarrow as pa
from streamlit.testing.v1 import AppTest
from test_apptest import metric, run  # tests/pages/test_apptest.py (rootdir-relative, no package)

from gtm.domain.fmt import money


def test_the_share_in_band_reads_the_same_on_the_portfolio_and_the_matrix_page(demo_db: str) -> None:
    at = run()
    on_portfolio = metric(at, "✓ In band")
    at.switch_page("pages/matrix.py").run()
    assert not at.exception
    assert metric(at, "✓ Value in band") == on_portfolio
    assert on_portfolio.endswith("%") and "." in on_portfolio  # the demo's share, to a tenth of a point


MONEY = re.compile(r"-?\$[\d,]+(?:\.\d)?[kMB]?")  # fmt.money in US dollars: $950, $1.5k, $11.6M


def _money_columns(table: object, currency: str) -> list[str]:
    """The columns of a shown table whose header names the reporting currency, e.g. "Value (USD)"; in an editor,
    those read only (an amount typed in, such as an assumed cost, is shown whole to be edited)."""
    proto = table.proto  # type: ignore[attr-defined]
    config = json.loads(proto.columns or "{}")
    editor = proto.editing_mode != 0 and not proto.disabled
    return [key for key, spec in config.items() if f"({currency})" in str(spec.get("label", key))
            and (not editor or spec.get("disabled"))]


def _shown(table: object) -> pd.DataFrame:
    """The cells as the table shows them (the page's own formatting), or an empty frame when it shows raw numbers."""
    styler = table.proto.arrow_data.styler  # type: ignore[attr-defined]
    if not styler.display_values:
        return pd.DataFrame()
    return pa.ipc.open_stream(styler.display_values).read_all().to_pandas()


def _tables_write_money_as_the_figures_do(at: AppTest, currency: str = "USD") -> int:
    checked = 0
    for table in at.dataframe:
        columns = [c for c in _money_columns(table, currency) if c in table.value.columns]
        if not columns or table.value.empty:
            continue
        shown = _shown(table)
        for column in columns:
            raw = table.value[column]
            if not pd.api.types.is_numeric_dtype(raw):  # an editor's read-only amount, written as text
                assert raw.map(lambda v: bool(MONEY.fullmatch(str(v)))).all(), raw.tolist()
                checked += 1
                continue
            expected = [money(float(v), currency) if pd.notna(v) else "" for v in raw]
            assert column in shown, f"{column} is shown as Streamlit formats it, not as the page's figures"
            assert shown[column].fillna("").tolist() == expected, column
            checked += 1
    return checked


def test_one_amount_reads_the_same_in_a_pages_figures_and_its_tables(demo_db: str) -> None:
    at = run()
    assert _tables_write_money_as_the_figures_do(at) >= 1  # the biggest misfits
    at = run("pages/account.py")
    value = metric(at, "Value")
    name = at.header[0].value.replace("\\", "")
    at.text_input(key="acc_search").input(name).run()
    results = next(t for t in at.dataframe if "open" in t.value.columns)
    row = int(np.flatnonzero(results.value["open"].to_numpy() == "▶")[0])
    assert _shown(results)["value"].iloc[row] == value  # "$11.6M" in the figure, "$11.6M" in the table
    assert _tables_write_money_as_the_figures_do(at) >= 3
    for page in ("pages/review.py", "pages/design.py", "pages/scenarios.py", "pages/key_accounts.py"):
        at.switch_page(page).run()
        assert not at.exception, page
        assert _tables_write_money_as_the_figures_do(at) >= 1, page


def test_no_sentence_counts_zero_things_on_the_account_page(demo_db: str) -> None:
    at = run("pages/account.py", account="ACC-0044")  # its recommendation under-serves none of its opportunities
    said = [m.value for m in at.markdown]
    assert "**▼ The recommendation would under-serve no opportunity**" in said, said
    assert not any("serve 0 opportunities" in m for m in said)


def test_the_diagnose_page_writes_its_amounts_as_its_figures_do(demo_db: str) -> None:
    at = run("pages/diagnose.py")  # the preview's natures, the to-do list, the evidence beside each mapping
    assert _tables_write_money_as_the_figures_do(at) >= 5  # was "179M" beside "$178.8M"
