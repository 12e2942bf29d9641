"""The whitespace heatmap: accounts down, BUs across, each cell shaded by its whitespace (potential - won). Pure:
frames in, a Plotly figure out (no streamlit)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from gtm.domain.currency import DEFAULT_REPORTING
from gtm.domain.fmt import moneys
from gtm.export.charts import hover_text

TEXT = "#1B1F24"
# One hue, light to dark (colour-blind safe: only the lightness carries the amount, and every cell says it in text).
# The ramp skips its middle, where neither near-black nor white text reaches 4.5:1: the lower half runs light
# (dark text), the upper half dark (white text).
LIGHT, MID_LIGHT, MID_DARK, DARK = "#EAF2FA", "#A9C4DC", "#3E6F96", "#0B3D66"
SCALE = [[0.0, LIGHT], [0.5, MID_LIGHT], [0.5, MID_DARK], [1.0, DARK]]
UNKNOWN = "#E4E4E4"  # a cell whose potential is not known: grey, with "?" in it
NONE = "#FFFFFF"  # known, no whitespace
_CLICKABLE = {"hoverdistance": 60}


def _rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=float)


def _luminance(rgb: np.ndarray) -> np.ndarray:
    c = rgb / 255
    lin = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return np.asarray(lin @ np.array([0.2126, 0.7152, 0.0722]))


def shade(strength: np.ndarray) -> tuple[list[str], list[str]]:
    """Each cell's fill along the ramp (0: light, 1: dark) and the text colour that reads on it (near-black or
    white, whichever contrasts more)."""
    s = np.clip(np.nan_to_num(np.asarray(strength, dtype=float)), 0, 1)[:, None]
    low, high = np.clip(s * 2, 0, 1), np.clip(s * 2 - 1, 0, 1)  # as Plotly interpolates SCALE
    rgb = np.where(s <= 0.5, _rgb(LIGHT) * (1 - low) + _rgb(MID_LIGHT) * low,
                   _rgb(MID_DARK) * (1 - high) + _rgb(DARK) * high)
    fills = ["#" + "".join(f"{int(round(v)):02X}" for v in row) for row in rgb]
    lum = _luminance(rgb)
    on_dark = (1.05) / (lum + 0.05) > (lum + 0.05) / (_luminance(_rgb(TEXT)[None, :])[0] + 0.05)
    return fills, ["#FFFFFF" if d else TEXT for d in on_dark]


def whitespace_heatmap(cells: pd.DataFrame, accounts: list[str], currency: str = DEFAULT_REPORTING,
                       height: int | None = None) -> go.Figure:
    """``cells`` (the whitespace grid) of ``accounts`` (ids, drawn top to bottom in that order) by BU: each cell
    shaded by its whitespace and saying it; a grey "?" where the potential is not known. Each cell's hover gives
    won, open, potential and peers; clicking selects it (customdata: account id, BU id)."""
    shown = cells[cells["account_id"].isin(accounts) & cells["bu"].notna()]
    bus = (shown.drop_duplicates("bu").sort_values("bu_name", kind="stable")[["bu", "bu_name"]]
           if len(shown) else pd.DataFrame(columns=["bu", "bu_name"]))
    names = shown.drop_duplicates("account_id").set_index("account_id")["account_name"].reindex(accounts)
    # Names from the data are shown as the characters they hold, never as Plotly's markup (charts.hover_text).
    rows = [hover_text(str(n) if pd.notna(n) else a) for a, n in zip(accounts, names)]
    columns = [hover_text(str(b)) for b in bus["bu_name"]]
    row_at = {a: i for i, a in enumerate(accounts)}
    col_at = {b: j for j, b in enumerate(bus["bu"])}
    i = shown["account_id"].map(row_at).to_numpy(dtype=int)
    j = shown["bu"].map(col_at).to_numpy(dtype=int)
    ws = shown["whitespace"].to_numpy(dtype=float, na_value=np.nan)
    known = ~np.isnan(ws)
    top = float(np.nanmax(ws)) if known.any() and np.nanmax(ws) > 0 else 1.0
    strength = np.sqrt(np.clip(np.where(known, ws, 0), 0, None) / top)
    _, text_colours = shade(strength)
    text_colours = [c if k and w > 0 else TEXT for c, k, w in zip(text_colours, known, np.nan_to_num(ws))]

    said = {c: moneys(shown[c].to_numpy(dtype=float, na_value=0.0), currency)
            for c in ("won_value", "open_value", "potential", "whitespace")}
    texts = [s if k else "?" for s, k in zip(said["whitespace"], known)]
    hovers = [
        f"<b>{b}</b> at <b>{a}</b><br>Won: {w}<br>Open (expected): {o}<br>"
        + (f"Potential: {p} from {int(n)} buying peer{'s' if int(n) != 1 else ''}<br><b>Whitespace: {x}</b>" if k
           else "Potential not known (no peers to compare with)")
        for a, b, w, o, p, x, n, k in zip(shown["account_name"].astype(str).map(hover_text),
                                          shown["bu_name"].astype(str).map(hover_text), said["won_value"],
                                          said["open_value"], said["potential"], said["whitespace"], shown["peers"],
                                          known)]
    height = height or max(260, 80 + 30 * len(rows))
    ticks = {"color": TEXT, "size": 13}
    # The fills are three heatmaps (shaded by whitespace, white for none, grey for not known): one trace each, where
    # a rectangle per cell made Plotly validate a layout of hundreds of shapes (half a second for 25 accounts).
    shape = (len(rows), len(columns))
    layers = {name: np.full(shape, np.nan) for name in ("ws", "none", "unknown")}
    positive = known & (np.nan_to_num(ws) > 0)
    # Exactly halfway Plotly may take either side of the ramp's jump: keep it on the light side, as shade() does.
    layers["ws"][i[positive], j[positive]] = np.where(strength > 0.5, strength, np.minimum(strength, 0.4999))[positive]
    layers["none"][i[known & ~positive], j[known & ~positive]] = 1.0
    layers["unknown"][i[~known], j[~known]] = 1.0
    fig = go.Figure(layout={
        "height": height, "margin": {"l": 10, "r": 10, "t": 40, "b": 10}, "plot_bgcolor": "white",
        "xaxis": {"side": "top", "tickfont": ticks, "fixedrange": True, "range": [-0.5, len(columns) - 0.5],
                  "tickvals": list(range(len(columns))), "ticktext": columns, "showgrid": False, "zeroline": False},
        "yaxis": {"autorange": "reversed", "tickfont": ticks, "fixedrange": True, "tickvals": list(range(len(rows))),
                  "ticktext": rows, "range": [len(rows) - 0.5, -0.5], "showgrid": False, "zeroline": False},
        "font": {"size": 13, "color": TEXT}, "showlegend": False, **_CLICKABLE})
    for name, scale in (("ws", SCALE), ("none", [[0, NONE], [1, NONE]]),
                        ("unknown", [[0, UNKNOWN], [1, UNKNOWN]])):
        fig.add_trace(go.Heatmap(z=layers[name], zmin=0, zmax=1, colorscale=scale, showscale=False, xgap=3, ygap=3,
                                 hoverinfo="skip"))
    fig.add_trace(go.Scatter(
        x=j, y=i, mode="text", text=texts, textfont={"size": 12, "color": text_colours}, hovertext=hovers,
        hoverinfo="text", showlegend=False,
        customdata=np.column_stack([shown["account_id"].astype(str), shown["bu"].astype(str)]) if len(shown) else None,
    ))
    return fig


def table(cells: pd.DataFrame, accounts: list[str]) -> pd.DataFrame:
    """The heatmap's cells as a table (for a screen reader, or a copy into a document): account, BU and the four
    amounts, in the heatmap's order."""
    shown = cells[cells["account_id"].isin(accounts) & cells["bu"].notna()]
    order = {a: i for i, a in enumerate(accounts)}
    return (shown.assign(_at=shown["account_id"].map(order)).sort_values(["_at", "bu_name"], kind="stable")
            [["account_name", "bu_name", "won_value", "open_value", "potential", "whitespace", "peers"]]
            .reset_index(drop=True))
