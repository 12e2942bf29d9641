"""AppTest: the Scenarios page on the demo portfolio and on an empty database. A sales leader saves a scenario from
the recommendation for a saved list, and one with an account's structure changed in the editor; the comparison
shows the account moved and figures whose B − A is B minus A; viewers cannot save; a wrong name or structure is said
and saves nothing; the XLSX export has its three sheets; presentation mode shows the comparison only."""

from __future__ import annotations

import io
from collections.abc import Callable

import openpyxl
import pandas as pd
import pytest
from acting import act_as
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest
from test_apptest import run  # tests/pages/test_apptest.py (rootdir-relative, no package)

from gtm.domain import portfolio
from gtm.domain import vocabulary as vocab
from gtm.domain.errors import PermissionDenied
from gtm.domain.permissions import Actor, Role
from gtm.services import design, lists
from gtm.services.portfolio import frames
from gtm.storage.repository import Store

PAGE = "pages/scenarios.py"
STRUCTURE = "Structure in this scenario"
LABEL = dict(zip(vocab.APPROACHES.codes, vocab.APPROACHES.labels))


def _accounts(store: Store) -> pd.DataFrame:
    """The demo's account table as the pages see it (value, current and recommended structures)."""
    f = frames(store)
    matrix = store.active_matrix().matrix
    assessed = portfolio.assess_portfolio(f["opportunities"], matrix)
    return portfolio.account_summary(f["accounts"], assessed, portfolio.recommendations(assessed, matrix))


def _table(at: AppTest, *columns: str) -> pd.DataFrame:
    """The table (or editor) showing ``columns``."""
    return next(d.value for d in at.dataframe if set(columns) <= set(d.value.columns))


def _text(at: AppTest) -> str:
    text = " ".join(e.value for e in [*at.markdown, *at.info, *at.caption, *at.error])
    return text.replace("\\", "").replace("**", "")


def _errors(at: AppTest) -> str:
    return " ".join(e.value for e in at.error).replace("\\", "")


def _edit(at: AppTest, edited_rows: dict[int, dict[str, object]]) -> AppTest:
    """Edit cells of the scenario's editor as the browser reports it (AppTest has no data editor API)."""
    gen = at.session_state.get("sc_gen", 0)
    at.session_state[f"sc_rows_{gen}"] = {"edited_rows": edited_rows, "added_rows": [], "deleted_rows": []}
    return at.run()


def _save(at: AppTest, name: str) -> AppTest:
    at.text_input(key="sc_name").set_value(name)
    at.button(key="sc_save").click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _number(text: str) -> tuple[float, float]:
    """A figure as shown ('+$13.1M', '−70', '0') as a number, and half its last digit (its rounding)."""
    sign = -1.0 if text.startswith("−") else 1.0
    body = text.lstrip("+−").lstrip("$").replace(",", "")
    scale = {"k": 1e3, "M": 1e6, "B": 1e9}.get(body[-1], 1.0)
    digits = body.rstrip("kMB")
    step = 10 ** -len(digits.split(".")[1]) if "." in digits else 1.0
    return sign * float(digits) * scale, step * scale / 2


def test_an_empty_database_says_there_are_no_accounts_yet(empty_db: str) -> None:
    at = run(PAGE)
    assert at.title[0].value == "Scenarios" and not at.error
    assert "No accounts yet" in at.info[0].value
    assert not at.dataframe and not [b for b in at.button if b.key == "sc_save"]


def test_a_sales_leader_saves_the_recommendation_for_a_list(demo_db: str) -> None:
    run(PAGE)  # the first run seeds the demo
    store = Store(demo_db)
    table = _accounts(store)
    ids = table["account_id"].astype(str).tolist()[5:17]
    lists.save_list(store, Actor("Fay", Role.FACILITATOR), "Workshop focus", "focus", ids)
    at = act_as(run(PAGE), "sales_leader", "Sam Lee").run()  # a new session: it opens on the latest focus list
    assert at.selectbox(key="sc_scope").value == "Workshop focus"  # the latest focus list, by default
    assert at.selectbox(key="sc_start").value == design.RECOMMENDED
    editor = _table(at, STRUCTURE)
    assert sorted(editor["Account ID"]) == sorted(ids)
    # Largest first; the amounts as the page's figures write them ("$113.6M"), text in the editor.
    units = {"k": 1e3, "M": 1e6, "B": 1e9}
    amounts = [float(v.lstrip("$").rstrip("kMB").replace(",", "")) * units.get(v[-1], 1.0)
               for v in editor["Pipeline value (USD)"]]
    assert amounts == sorted(amounts, reverse=True) and editor["Pipeline value (USD)"].iloc[0].startswith("$")
    _save(at, "From the recommendation")
    assert not at.error, _errors(at)

    saved = design.scenarios(store)
    assert saved[["name", "version", "scope", "accounts", "created_by"]].iloc[0].tolist() == \
           ["From the recommendation", 1, "Workshop focus", 12, "Sam Lee"]
    assert saved["base"].iloc[0] == design.SOURCES[design.RECOMMENDED]
    expected, _ = design.plan_structures(table, store.decisions(), design.RECOMMENDED)
    assert design.scenario_plan(store, int(saved["scenario_id"].iloc[0])).to_dict() == expected[ids].to_dict()
    # The new scenario is compared at once (B), and the editor builds on it.
    key = f"{design.SCENARIO_PREFIX}{int(saved['scenario_id'].iloc[0])}"
    assert at.selectbox(key="sc_b").value == key and at.selectbox(key="sc_start").value == key
    assert "B: From the recommendation v1 · 12 accounts compared" in _text(at)
    assert store.audit_log()["action"].iloc[0] == "scenario.saved"


def test_a_changed_structure_is_saved_and_compared_as_the_one_account_moved(bare_demo_db: str) -> None:
    demo_db = bare_demo_db  # the demo portfolio without its workshop: this test builds it
    at = act_as(run(PAGE), "sales_leader", "Sam Lee").run()
    at.selectbox(key="sc_start").set_value(design.CURRENT).run()
    editor = _table(at, STRUCTURE)
    assert len(editor) == 400 and "400 accounts, largest pipeline value first" in _text(at)
    first = editor.iloc[0]
    now = first[STRUCTURE]
    assert now == LABEL[str(_accounts(Store(demo_db)).set_index("account_id").loc[first["Account ID"],
                                                                                 "current_approach"])]
    heavier = vocab.APPROACHES.labels[min(vocab.APPROACHES.labels.index(now) + 2, len(LABEL) - 1)]
    _edit(at, {0: {STRUCTURE: heavier}})
    assert "1 account changed from the start point." in _text(at)
    _save(at, "One account heavier")
    assert not at.error, _errors(at)

    store = Store(demo_db)
    saved = design.scenarios(store)
    assert saved[["name", "scope", "accounts"]].iloc[0].tolist() == ["One account heavier", None, 400]
    plan = design.scenario_plan(store, int(saved["scenario_id"].iloc[0]))
    current, _ = design.current_structures(_accounts(store))
    differs = plan[plan != current[plan.index]]
    assert differs.to_dict() == {first["Account ID"]: vocab.APPROACHES.codes[vocab.APPROACHES.labels.index(heavier)]}

    # A: today's structures, B: the scenario just saved.
    assert at.selectbox(key="sc_a").value == design.CURRENT
    moved = _table(at, "Structure in B")
    assert moved[["Account ID", "Account", "Structure in A", "Structure in B"]].values.tolist() == \
           [[first["Account ID"], first["Account"], now, heavier]]
    assert moved["Steps (+ heavier in B)"].tolist() == [vocab.APPROACHES.labels.index(heavier)
                                                        - vocab.APPROACHES.labels.index(now)]
    assert "Accounts moved: 1 account has another structure in B than in A." in _text(at)
    summary = _table(at, "B − A").set_index("Figure")
    assert summary.loc["Accounts moved from their current structure"].tolist() == ["0", "1", "+1"]
    assert summary.loc["Accounts"].tolist() == ["400", "400", "0"]
    for figure, row in summary.iterrows():
        if "Payback" in str(figure):
            continue
        (a, da), (b, db), (change, dc) = (_number(row[c]) for c in ("A", "B", "B − A"))
        assert abs(change - (b - a)) <= da + db + dc, (figure, row.tolist())
    assert float(summary.loc["Cost to serve a year (USD)", "B − A"].lstrip("+$").rstrip("kMB")) > 0  # heavier costs
    roles = _table(at, "Role", "B − A")  # its first column headed "People per role"
    assert roles["Role"].tolist()[0] == "Programme executive (hire)"
    assert roles.columns.tolist() == ["Role", "A", "B", "B − A"]
    assert (roles["B"] - roles["A"]).map(lambda x: f"{int(x):+,}" if x else "0").tolist() == roles["B − A"].tolist()
    assert at.get("plotly_chart")  # people per role, A and B


def test_a_viewer_sees_no_save_button_and_the_service_refuses_them(bare_demo_db: str) -> None:
    demo_db = bare_demo_db  # the demo portfolio without its workshop: this test builds it
    at = act_as(run(PAGE), "viewer", "Vic Viewer").run()
    assert not at.error and not [b for b in at.button if b.key == "sc_save"]
    assert "Saving a scenario is for sales leaders, workshop facilitators and administrators." in _text(at)
    assert _table(at, "B − A") is not None  # the comparison is for everyone
    store = Store(demo_db)
    with pytest.raises(PermissionDenied):
        design.save_scenario(store, Actor("Vic Viewer", Role.VIEWER), "Mine",
                             pd.DataFrame({"account_id": ["ACC-0001"], "approach": ["lead_unit"]}))
    assert design.scenarios(store).empty


@pytest.mark.parametrize("name", ["", "   ", "x" * 129])
def test_a_wrong_name_is_said_and_nothing_is_saved(bare_demo_db: str, name: str) -> None:
    demo_db = bare_demo_db  # the demo portfolio without its workshop: this test builds it
    at = _save(run(PAGE), name)
    assert "give a name of 1 to 128 characters" in _errors(at)
    assert design.scenarios(Store(demo_db)).empty


def test_a_wrong_structure_is_said_and_nothing_is_saved(bare_demo_db: str) -> None:
    demo_db = bare_demo_db  # the demo portfolio without its workshop: this test builds it
    at = run(PAGE)
    _edit(at, {1: {STRUCTURE: "Chief happiness officer"}})
    _save(at, "Odd")
    message = _errors(at)
    # the editor's second row: the message counts rows from 1, as people do, and names the page's column
    assert "row 2, column 'structure': value 'Chief happiness officer': is not a structure" in message
    assert design.scenarios(Store(demo_db)).empty


def test_the_xlsx_export_has_the_three_sheets(bare_demo_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    made: dict[str, Callable[[], object]] = {}
    add = MediaFileManager.add_deferred

    def keep(self: MediaFileManager, data: Callable[[], object], *args: object, **kwargs: object) -> str:
        file_id = add(self, data, *args, **kwargs)  # type: ignore[arg-type]
        made[file_id] = data  # the download's callable, to run it as a click would
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", keep)
    at = run(PAGE)  # A: today's structures, B: the recommendation
    buttons = {b.proto.label: b.proto.deferred_file_id for b in at.get("download_button")}
    book = openpyxl.load_workbook(io.BytesIO(made[buttons["Comparison (XLSX)"]]()))  # type: ignore[arg-type]
    assert book.sheetnames == ["Summary", "Roles", "Accounts moved"]
    moved = len(_table(at, "Structure in B"))
    assert book["Accounts moved"].max_row - 1 == moved > 300
    header = [c.value for c in book["Summary"][1]]
    assert header == ["Figure", "A: The current structures", "B: The recommendation per account", "B − A"]
    rows = {r[0]: r[1:] for r in book["Summary"].iter_rows(min_row=2, values_only=True)}
    a, b, change = rows["People needed (all roles)"]
    assert change == b - a and b > a
    csv = made[buttons["Accounts moved (CSV)"]]().decode("utf-8-sig").splitlines()  # type: ignore[attr-defined]
    assert len(csv) == moved + 1 and csv[0].startswith("Account ID,Account,Structure in A,Structure in B")


def test_presentation_mode_shows_the_comparison_only(demo_db: str) -> None:
    at = run(PAGE, present="1")
    assert not at.error
    assert [h.value for h in at.subheader] == ["Compare two scenarios"]
    assert STRUCTURE not in " ".join(" ".join(d.value.columns) for d in at.dataframe)
    assert not [b for b in at.button if b.key == "sc_save"] and not at.get("download_button")
    assert not _table(at, "B − A").empty and at.get("plotly_chart")
