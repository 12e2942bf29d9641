"""widgets.names: a widget's format_func that keeps the names, not the page."""

from pages.common import widgets


def test_names_name_each_option_and_fall_back_to_the_option() -> None:
    named = widgets.names(["BU-A", "BU-B"], {"BU-A": "Automation"})
    assert [named(o) for o in ("BU-A", "BU-B")] == ["Automation", "BU-B"]
    assert widgets.names([1, 2], lambda n: f"#{n}")(2) == "#2"
    # A bound method of a dict built for the widget: nothing of the page that called it.
    assert getattr(named, "__self__", None) == {"BU-A": "Automation", "BU-B": "BU-B"}
