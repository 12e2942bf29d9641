"""The demo portfolio: the deck's case, generated from a fixed seed and committed under data/demo.

A global multi-BU technology and industrial manufacturer: six billion-dollar business units
selling into the same end market, about 400 potential accounts, and almost no cross-BU
collaboration before key account management (most accounts are still served by traditional
sales). Every draw comes from one seeded ``numpy`` generator in a fixed order, so the same seed
always gives the same frames, byte for byte once written.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from gtm.domain import vocabulary as vocab
from gtm.domain.diagnose import DiagnosisTable, default_diagnosis
from gtm.domain.rules import DATA_DIR

DEMO_DIR = DATA_DIR / "demo"
SEED = 2002
_COLUMNS: dict[str, tuple[str, ...]] = {
    "business_units": ("bu_id", "name", "description"),
    "accounts": ("account_id", "name", "industry", "region", "parent_id", "revenue", "growth_potential",
                 "ease_of_access", "current_approach", "owner"),
    "opportunities": ("opportunity_id", "account_id", "bu", "name", "nature", "value", "probability", "stage",
                      "close_date", "owner"),
}
# The signals _signals() knows how to draw; a signal the generator does not know is left out of the demo.
_GENERATED = frozenset({"turnkey", "engineered_solution", "joint_planning", "bu_count", "one_time"})


def signal_names(table: DiagnosisTable | None = None) -> tuple[str, ...]:
    """The demo's signal columns: the diagnosis table's signals (in its order) that the generator draws."""
    return tuple(n for n in (table or default_diagnosis()).signal_names if n in _GENERATED)


def columns(table: DiagnosisTable | None = None) -> dict[str, tuple[str, ...]]:
    """The columns of each demo file, in file order."""
    return {**_COLUMNS, "opportunities": (*_COLUMNS["opportunities"], *signal_names(table))}


def _signal_types() -> dict[str, str]:
    table = default_diagnosis()
    return {n: table.signals[n].type for n in signal_names(table)}

# bu_id, name, short name (for opportunity names), description, offers
_BUS: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    ("BU-AUT", "Automation Systems", "Automation",
     "Distributed control systems, PLCs, drives and robotic cells for process and discrete plants.",
     ("DCS upgrade", "PLC migration", "robotic cell", "variable-speed drives", "batch control system",
      "line automation", "safety instrumented system")),
    ("BU-PWR", "Power & Energy", "Power",
     "Switchgear, transformers, UPS and on-site generation for industrial power networks.",
     ("medium-voltage switchgear", "transformer retrofit", "UPS system", "substation package",
      "cogeneration unit", "power quality study", "battery storage")),
    ("BU-SNS", "Sensors & Controls", "Sensors",
     "Flow, pressure, level and gas sensing, analysers and field instrumentation.",
     ("flow meters", "pressure transmitters", "gas analysers", "level instrumentation",
      "vibration monitoring", "wireless sensor network", "calibration kits")),
    ("BU-SFT", "Industrial Software", "Software",
     "MES, asset performance management, historians and industrial analytics.",
     ("MES rollout", "asset performance management", "plant historian", "digital twin",
      "energy analytics", "cybersecurity suite", "predictive maintenance")),
    ("BU-MAT", "Materials & Coatings", "Materials",
     "Protective coatings, seals, advanced composites and corrosion protection.",
     ("corrosion protection", "protective coatings", "high-temperature seals", "composite linings",
      "wear-resistant parts", "anti-fouling treatment")),
    ("BU-FLD", "Field Services", "Services",
     "Installation, commissioning, maintenance contracts and spare-parts management.",
     ("maintenance contract", "shutdown support", "commissioning", "spare-parts agreement",
      "remote monitoring service", "training programme", "installed-base audit")),
)
# Which BU leads an opportunity of each nature (rows: natures lightest first; columns: _BUS order).
_BU_AFFINITY = np.array([
    [1.0, 0.8, 1.3, 0.9, 1.2, 1.2],  # info_exchange
    [1.0, 0.9, 1.2, 1.0, 1.1, 1.1],  # qualification
    [1.0, 1.0, 1.1, 1.1, 0.9, 1.0],  # cross_sell
    [1.1, 1.0, 0.9, 1.2, 0.8, 1.0],  # coordinated_strategy
    [1.2, 1.1, 1.0, 1.3, 1.0, 0.6],  # technical_solution
    [1.6, 1.5, 0.5, 0.9, 0.4, 1.0],  # turnkey
])

_INDUSTRIES: tuple[tuple[str, float, str, str], ...] = (
    # label, weight, industry word used in names, site noun
    ("Oil & Gas", 0.13, "Petroleum", "refinery"),
    ("Utilities", 0.12, "Energy", "power station"),
    ("Automotive", 0.12, "Motors", "assembly plant"),
    ("Chemicals", 0.12, "Chemicals", "chemical site"),
    ("Mining", 0.09, "Mining", "mine"),
    ("Food & Beverage", 0.11, "Foods", "bottling plant"),
    ("Pharma", 0.09, "Pharma", "API plant"),
    ("Semiconductors", 0.08, "Semiconductor", "fab"),
    ("Rail", 0.06, "Rail", "depot"),
    ("Water", 0.08, "Water", "treatment works"),
)
_REGIONS: tuple[tuple[str, float, tuple[str, ...], tuple[str, ...]], ...] = (
    ("EMEA", 0.36, ("AG", "GmbH", "S.A.", "plc", "SE", "N.V.", "S.p.A.", "AB", "ASA", "Group"),
     ("Rotterdam", "Hamburg", "Lyon", "Turin", "Antwerp", "Gdansk", "Bilbao", "Leeds", "Gothenburg", "Jubail",
      "Durban", "Ostrava", "Linz", "Abu Dhabi")),
    ("North America", 0.30, ("Inc.", "Corporation", "Co.", "LLC", "Holdings", "Group"),
     ("Houston", "Detroit", "Baton Rouge", "Pittsburgh", "Calgary", "Phoenix", "Charlotte", "Sarnia", "Tulsa",
      "Columbus", "Savannah", "Spokane")),
    ("APAC", 0.24, ("Ltd", "K.K.", "Pte Ltd", "Co., Ltd.", "Berhad", "Limited", "Group"),
     ("Osaka", "Ulsan", "Kaohsiung", "Pune", "Jurong", "Pilbara", "Tianjin", "Chonburi", "Penang", "Nagoya",
      "Gladstone", "Chennai")),
    ("LATAM", 0.10, ("S.A.", "S.A. de C.V.", "Ltda.", "S.A.A.", "Group"),
     ("Campinas", "Querétaro", "Antofagasta", "Rosario", "Cartagena", "Arequipa", "Curitiba", "Salvador")),
)
_SYL_A = ("Al", "Bor", "Cal", "Dra", "El", "Fen", "Gal", "Hal", "Ist", "Jor", "Kel", "Lum", "Mar", "Nor", "Or",
          "Pra", "Quin", "Ros", "Sol", "Tor", "Ul", "Ver", "Wes", "Zan", "Bel", "Cor", "Dun", "Kar", "Lin", "Sten")
_SYL_B = ("ba", "den", "ex", "gar", "ion", "ka", "lor", "mar", "nex", "ra", "tec", "vik", "win", "yon", "dale",
          "ford", "sen", "tra", "vo", "wick", "stad", "heim", "ova", "ico")
_FAMILY = ("Hartmann", "Lindqvist", "Moreau", "Castellano", "Okafor", "Tanaka", "Whitfield", "Novak", "Brandt",
           "Alvarez", "Kowalski", "Fairbanks", "Rasmussen", "Ishikawa", "Delgado", "Pemberton")
_LONG_STEMS_FROM = 5000  # accounts; up to here names are drawn exactly as the committed demo's were
_FORMATS = ("{stem} {word} {suffix}", "{stem} {suffix}", "{stem} {word}", "{family} {word} {suffix}",
            "{stem} & {family} {suffix}")
_FORMAT_WEIGHTS = (0.38, 0.22, 0.16, 0.14, 0.10)
# Names a workshop will meet in real exports: accents, umlauts, an apostrophe. (name, industry, region)
_SPECIAL_ACCOUNTS: tuple[tuple[str, str, str], ...] = (
    ("Müller Anlagenbau GmbH", "Chemicals", "EMEA"),
    ("Société Générale d'Énergie", "Utilities", "EMEA"),
    ("O'Connor Mining Ltd", "Mining", "EMEA"),
    ("Øresund Rail A/S", "Rail", "EMEA"),
    ("Alimentos São João S.A.", "Food & Beverage", "LATAM"),
    ("Zürcher Präzisionstechnik AG", "Semiconductors", "EMEA"),
    ("Química Andina S.A.", "Chemicals", "LATAM"),
)
_SUBSIDIARY_TAGS = {"EMEA": "Europe", "North America": "Americas", "APAC": "Asia Pacific", "LATAM": "Latinoamérica"}
_OWNERS = (
    "Anna Schmidt", "Ben Carter", "Carla Rossi", "David Kim", "Elena Petrova", "Farid Haddad", "Grace Liu",
    "Hiro Sato", "Isabel Fernández", "Jonas Berg", "Karen O'Neill", "Luis Ortega", "Maya Patel", "Noah Williams",
    "Olga Nowak", "Pierre Dubois", "Quinn Murphy", "Rahul Mehta", "Sofia Andersson", "Tom Becker", "Uma Reddy",
    "Victor Santos", "Wen Zhang", "Yara Haddad", "Søren Lund",
)
# The BUs' own salespeople, who own the opportunities (the point person is one of them: the deck's case made "the
# salesperson with the strongest relationship in the account" the point person). Drawn from their own generator
# (_SELLERS_SEED), after everything else, so that adding them changed no other value of the committed demo.
_SELLER_FIRST = ("Ada", "Bram", "Chiara", "Dmitri", "Esther", "Felix", "Gita", "Hugo", "Ines", "Jamal", "Kaito",
                 "Lena", "Mateo", "Nadia", "Oskar", "Priya", "Rafael", "Sana", "Timo", "Valeria", "Wiktor", "Xin",
                 "Yusuf", "Zofia")
_SELLER_LAST = ("Andrade", "Bauer", "Chen", "Dahl", "Eriksen", "Fischer", "Garcia", "Holm", "Iyer", "Jansen", "Kaur",
                "Laine", "Moreno", "Nakamura", "Ortiz", "Park", "Quist", "Romano", "Singh", "Takeda", "Varga", "Weber")
_SELLERS_SEED = 25
_SELLERS_PER_BU_REGION = 3
_PRIMARY_SHARE = 0.8  # of an account's deals with a BU, those its main contact there owns
# Before KAM there was virtually no cross-BU collaboration: most accounts run on traditional sales.
_APPROACH_WEIGHTS = {
    "traditional_sales": 0.78, "coordinated_incentives": 0.09, "lead_unit": 0.07, "overlay_advisory": 0.03,
    "overlay_signing": 0.012, "common_front_end": 0.01, "market_bu": 0.008,
}
# Six BUs sell into the same end market: cross-sell and coordinated strategy are frequent, turnkey rare.
_NATURE_WEIGHTS = np.array([0.17, 0.15, 0.28, 0.22, 0.13, 0.05])
# Value range per nature (USD), lightest first.
_VALUE_RANGE = np.array([
    [50e3, 500e3], [100e3, 1.5e6], [300e3, 5e6], [1e6, 15e6], [2e6, 30e6], [5e6, 80e6],
])
_STAGES = ("Prospecting", "Qualification", "Needs Analysis", "Proposal", "Negotiation")
_STAGE_WEIGHTS = np.array([0.24, 0.26, 0.21, 0.17, 0.12])
_STAGE_PROBABILITY = np.array([10, 20, 40, 60, 80])
_WINDOW_START = np.datetime64("2026-12-01")
_WINDOW_DAYS = int((np.datetime64("2028-06-30") - _WINDOW_START).astype(int))
_LOG_REVENUE, _LOG_REVENUE_SD = float(np.log(2.5e9)), 1.25  # revenue: lognormal around $2.5B
_GIVEN_SHARE = 0.6      # rows whose export carries a nature; the rest are diagnosed on import
_MESSY_SHARE = 0.06     # given-nature rows whose signals disagree with it (CRM mess)


def _choice(rng: np.random.Generator, options: tuple[str, ...] | list[str], size: int,
            p: np.ndarray | None = None) -> np.ndarray:
    idx = rng.choice(len(options), size=size, p=p)
    return np.asarray(options, dtype=object)[idx]


def _business_units() -> pd.DataFrame:
    return pd.DataFrame({
        "bu_id": [b[0] for b in _BUS], "name": [b[1] for b in _BUS], "description": [b[3] for b in _BUS],
    })


def _account_names(rng: np.random.Generator, industry: np.ndarray, region: np.ndarray) -> list[str]:
    """Unique plausible names; the special ones are placed by the caller."""
    words = {label: word for label, _, word, _ in _INDUSTRIES}
    suffixes = {r: s for r, _, s, _ in _REGIONS}
    names: list[str] = []
    seen: set[str] = set()
    fmt_p = np.array(_FORMAT_WEIGHTS) / sum(_FORMAT_WEIGHTS)
    # rng.choice(n, p=...) draws one rng.random() and looks it up in the normalised cumulative weights: the same
    # draw, without choice()'s per-call checks (a 100k-account portfolio makes about 190k attempts).
    fmt_cdf = fmt_p.cumsum()
    fmt_cdf /= fmt_cdf[-1]
    integers, uniform = rng.integers, rng.random
    n_a, n_b, n_family = len(_SYL_A), len(_SYL_B), len(_FAMILY)
    # Two syllables make 720 stems: beyond a few thousand accounts most draws would collide and be drawn again
    # (two attempts a name at 100k, more with every account), so large portfolios take a third syllable.
    long_stems = len(industry) > _LONG_STEMS_FROM
    for ind, reg in zip(industry, region, strict=True):
        word, reg_suffixes = words[ind], suffixes[reg]
        while True:
            stem = _SYL_A[integers(n_a)] + _SYL_B[integers(n_b)]
            if long_stems:
                stem += _SYL_B[integers(n_b)]
            fmt = _FORMATS[int(fmt_cdf.searchsorted(uniform(), side="right"))]
            family = _FAMILY[integers(n_family)]
            suffix = reg_suffixes[integers(len(reg_suffixes))]
            name = fmt.format(stem=stem, word=word, suffix=suffix, family=family)
            if name.casefold() not in seen:
                break
        seen.add(name.casefold())
        names.append(name)
    return names


def _size_z(revenue: np.ndarray) -> np.ndarray:
    """How big an account is, in standard deviations of the revenue distribution (not of the sample)."""
    z: np.ndarray = (np.log(revenue) - _LOG_REVENUE) / _LOG_REVENUE_SD
    return z


def _distinct_scores(raw: np.ndarray) -> np.ndarray:
    """Scores at one decimal, no two accounts alike, in the order of ``raw``: shortlists never hinge on a tie."""
    if len(raw) > 1001:  # one decimal between 0 and 100 holds 1,001 scores: a larger portfolio shares some
        return np.clip(np.round(raw, 1), 0.0, 100.0)
    order = np.argsort(raw, kind="stable")
    tenths = np.round(raw[order] * 10).astype(np.int64)
    # Nudge each score up just enough to clear the one below it (a cumulative max over the offsets).
    steps = np.arange(len(tenths))
    tenths = np.maximum.accumulate(tenths - steps) + steps
    tenths = np.minimum(tenths, 1000 - steps[::-1])  # and stay within 100.0 (still strictly increasing)
    out = np.empty(len(raw))
    out[order] = tenths / 10
    return out


def _accounts(rng: np.random.Generator, n: int) -> pd.DataFrame:
    ind_p = np.array([w for _, w, _, _ in _INDUSTRIES])
    reg_p = np.array([w for _, w, _, _ in _REGIONS])
    industry = _choice(rng, [i[0] for i in _INDUSTRIES], n, ind_p / ind_p.sum())
    region = _choice(rng, [r[0] for r in _REGIONS], n, reg_p / reg_p.sum())
    specials = rng.choice(n, size=min(len(_SPECIAL_ACCOUNTS), n), replace=False)
    for pos, (_, ind, reg) in zip(specials, _SPECIAL_ACCOUNTS, strict=False):
        industry[pos], region[pos] = ind, reg
    names = np.array(_account_names(rng, industry, region), dtype=object)
    for pos, (name, _, _) in zip(specials, _SPECIAL_ACCOUNTS, strict=False):
        names[pos] = name

    # Revenue, 50M..80B: the size of the account, not its promise.
    revenue = np.clip(np.exp(rng.normal(_LOG_REVENUE, _LOG_REVENUE_SD, n)), 50e6, 80e9)
    size_z = _size_z(revenue)
    # Growth potential only loosely follows size (the deck's winners prioritise growth, not size);
    # big incumbents are a little harder to open up.
    # A logistic squash keeps scores inside 0..100 without a pile of ties at the ends.
    growth = 100 / (1 + np.exp(-rng.normal(0.05 + 0.2 * size_z, 0.9, n)))
    ease = 100 / (1 + np.exp(-rng.normal(0.25 - 0.3 * size_z, 0.85, n)))

    # Subsidiaries: a few mid-size accounts belong to a larger one in another region.
    parent = np.full(n, None, dtype=object)
    n_children = max(1, n // 30) if n >= 10 else 0
    order = np.argsort(-revenue, kind="stable")
    parents: list[int] = [int(i) for i in rng.choice(order[: max(2, n // 8)], size=n_children, replace=False)]
    excluded = {int(s) for s in specials} | set(parents)
    candidates = [int(i) for i in order[n // 4:] if int(i) not in excluded]
    children: list[int] = [int(i) for i in rng.choice(candidates, size=n_children, replace=False)]
    ids = np.array([f"ACC-{i + 1:04d}" for i in range(n)], dtype=object)
    taken = {str(x).casefold() for x in names}
    for p_i, c_i in zip(parents, children, strict=True):
        others = [r[0] for r in _REGIONS if r[0] != region[p_i]]
        region[c_i] = others[rng.integers(len(others))]
        industry[c_i] = industry[p_i]
        revenue[c_i] = revenue[p_i] * rng.uniform(0.04, 0.25)
        stem = str(names[p_i]).rsplit(" ", 1)[0] if " " in str(names[p_i]) else str(names[p_i])
        tag = _SUBSIDIARY_TAGS[str(region[c_i])]
        name = f"{stem} {tag}"
        while name.casefold() in taken:
            name += " Operations"
        taken.add(name.casefold())
        names[c_i] = name
        parent[c_i] = ids[p_i]

    codes = list(_APPROACH_WEIGHTS)
    weights = np.array(list(_APPROACH_WEIGHTS.values()))
    approach = _choice(rng, codes, n, weights / weights.sum())
    owner = _choice(rng, _OWNERS, n)
    return pd.DataFrame({
        "account_id": ids,
        "name": names,
        "industry": industry,
        "region": region,
        "parent_id": parent,
        "revenue": (np.round(revenue / 1e5) * 1e5).astype(np.int64),
        "growth_potential": _distinct_scores(growth),
        "ease_of_access": _distinct_scores(ease),
        "current_approach": approach,
        "owner": owner,
    })


def _signals(rng: np.random.Generator, nature: np.ndarray) -> dict[str, np.ndarray]:
    """Signals that the diagnosis table reads back as ``nature`` (0-based index, lightest first)."""
    m = len(nature)
    u = rng.random((5, m))
    turnkey = nature == 5
    engineered = (nature == 4) | (turnkey & (u[0] < 0.6))
    joint = (nature == 3) | ((nature >= 4) & (u[1] < 0.35)) | ((nature <= 1) & (u[1] < 0.08))  # one-BU "joint plan"
    multi = nature >= 2
    # 2..6 BUs for multi-BU natures, heavier natures involving more of them; single-BU otherwise.
    spread = np.minimum(6, 2 + rng.poisson(np.array([0, 0, 0.7, 1.4, 1.0, 1.8])[nature]))
    bu_count = np.where(multi, spread, 1)
    bu_count = np.where((nature == 4) & (u[2] < 0.3), 1, bu_count)  # a purely single-BU engineered job
    one_time = (nature == 1) | ((nature == 5) & (u[3] < 0.5)) | ((nature == 2) & (u[3] < 0.12))
    return {"turnkey": turnkey, "engineered_solution": engineered, "joint_planning": joint,
            "bu_count": bu_count.astype(np.int64), "one_time": one_time}


def _mess(rng: np.random.Generator, signals: dict[str, np.ndarray], rows: np.ndarray) -> None:
    """Flip one signal on ``rows`` so the recorded nature and the evidence disagree (in place)."""
    pick = rng.integers(0, 4, len(rows))
    for k, name in enumerate(("turnkey", "engineered_solution", "joint_planning", "one_time")):
        sel = rows[pick == k]
        signals[name][sel] = ~signals[name][sel]
    # Where the flip only touched a signal a lighter rule never reaches, force a visible disagreement.
    bc = signals["bu_count"]
    sel = rows[pick == 3]
    bc[sel] = np.where(bc[sel] >= 2, 1, 2 + rng.integers(0, 2, len(sel)))


def _opportunities(rng: np.random.Generator, accounts: pd.DataFrame) -> pd.DataFrame:
    n = len(accounts)
    revenue = accounts["revenue"].to_numpy(dtype=float)
    growth = accounts["growth_potential"].to_numpy(dtype=float)
    size_z = _size_z(revenue)
    rank = np.arange(len(vocab.NATURES)) - (len(vocab.NATURES) - 1) / 2  # -2.5..2.5, lightest first

    # Big accounts carry more (and heavier) opportunities; growth adds a little.
    count = np.clip(np.round(8.6 + 4.4 * size_z + 0.05 * (growth - 50) + rng.normal(0, 2.0, n)), 3, 25).astype(int)
    acc = np.repeat(np.arange(n), count)
    m = len(acc)

    approach = vocab.APPROACHES.indices(accounts["current_approach"], "current_approach")
    logits = np.log(_NATURE_WEIGHTS)[None, :] + 0.35 * size_z[:, None] * rank[None, :]
    # Accounts already organised beyond traditional sales mostly did so for a reason (opportunities
    # in their band); the heaviest ones are the "band-aid" cases: a big structure over light deals.
    heavy = approach >= vocab.APPROACHES.codes.index("overlay_signing")
    band_aid = heavy & (rng.random(n) < 0.6)
    natural = np.clip(approach - 0.5, 0, len(vocab.NATURES) - 1)
    coherent = (approach > 0) & ~band_aid
    logits += np.where(coherent[:, None], 1.2 * (np.abs(np.arange(len(vocab.NATURES))[None, :] - natural[:, None]) <= 0.5), 0)
    logits += np.where(band_aid[:, None], np.array([2.2, 1.8, 0, -0.5, -1.5, -2.5])[None, :], 0)
    probs = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    cum = probs.cumsum(axis=1)[acc]
    nature = np.minimum((rng.random(m)[:, None] > cum).sum(axis=1), len(vocab.NATURES) - 1)

    # Each account buys from several BUs, with its own leaning.
    leaning = rng.dirichlet(np.full(len(_BUS), 0.9), n)
    bu_p = leaning[acc] * _BU_AFFINITY[nature]
    bu_p /= bu_p.sum(axis=1, keepdims=True)
    bu = np.minimum((rng.random(m)[:, None] > bu_p.cumsum(axis=1)).sum(axis=1), len(_BUS) - 1)

    # Log-value squashed into the nature's range (no pile of ties at its ends); bigger accounts, bigger deals.
    low, high = np.log(_VALUE_RANGE[nature, 0]), np.log(_VALUE_RANGE[nature, 1])
    position = 1 / (1 + np.exp(-rng.normal(0.35 * size_z[acc], 0.9)))
    value = np.exp(low + (high - low) * position)
    value = (np.round(value / 1e3) * 1e3).astype(np.int64)

    stage = rng.choice(len(_STAGES), size=m, p=_STAGE_WEIGHTS)
    probability = np.clip(_STAGE_PROBABILITY[stage] + 5 * rng.integers(-2, 3, m), 5, 95).astype(np.int64)
    # Late stages close soon; prospects close late in the window.
    a = np.array([3.0, 2.4, 1.8, 1.3, 1.0])[stage]
    b = np.array([1.2, 1.6, 2.0, 2.6, 3.4])[stage]
    days = np.round(rng.beta(a, b) * _WINDOW_DAYS).astype("timedelta64[D]")
    close_date = (_WINDOW_START + days).astype("datetime64[ns]")

    signals = _signals(rng, nature)
    given = rng.random(m) < _GIVEN_SHARE
    messy = np.flatnonzero(given & (rng.random(m) < _MESSY_SHARE))
    _mess(rng, signals, messy)

    industry_site = {label: site for label, _, _, site in _INDUSTRIES}
    cities = {r: c for r, _, _, c in _REGIONS}
    region = accounts["region"].to_numpy()[acc]
    site = np.array([industry_site[i] for i in accounts["industry"].to_numpy()], dtype=object)[acc]
    city_pick = rng.integers(0, 1 << 30, m)
    offer_pick = rng.integers(0, 1 << 30, m)
    prefix = np.array(["", "", "", "", "Engineered ", "Turnkey "], dtype=object)[nature]
    names = [
        f"{_BUS[b][2]} – {p}{_BUS[b][4][o % len(_BUS[b][4])]} for {cities[r][c % len(cities[r])]} {s}"
        for b, p, o, r, c, s in zip(bu, prefix, offer_pick, region, city_pick, site, strict=True)
    ]
    nature_col = pd.Categorical.from_codes(np.where(given, nature, -1), dtype=vocab.NATURES.dtype)
    frame = pd.DataFrame({
        "opportunity_id": [f"OPP-{i + 1:05d}" for i in range(m)],
        "account_id": accounts["account_id"].to_numpy()[acc],
        "bu": np.array([b[0] for b in _BUS], dtype=object)[bu],
        "name": names,
        "nature": nature_col,
        "value": value,
        "probability": probability,
        "stage": np.array(_STAGES, dtype=object)[stage],
        "close_date": close_date,
        **signals,
    })
    return frame


def _owners(seed: int, accounts: pd.DataFrame, opportunities: pd.DataFrame) -> np.ndarray:
    """Each opportunity's owner: a salesperson of its BU in its account's region. Each account has a main contact
    per BU, who owns most of that BU's deals there; another of the BU's sellers in the region owns the rest."""
    rng = np.random.default_rng([seed, _SELLERS_SEED])
    regions = [r[0] for r in _REGIONS]
    pairs = [(f, last) for f in _SELLER_FIRST for last in _SELLER_LAST]
    needed = len(_BUS) * len(regions) * _SELLERS_PER_BU_REGION
    picked = rng.choice(len(pairs), size=needed, replace=False)
    sellers = np.array([f"{pairs[i][0]} {pairs[i][1]}" for i in picked], dtype=object).reshape(
        len(_BUS), len(regions), _SELLERS_PER_BU_REGION)
    bu = pd.Index([b[0] for b in _BUS]).get_indexer(pd.Index(opportunities["bu"]))
    region_of = accounts.set_index("account_id")["region"]
    region = pd.Index(regions).get_indexer(pd.Index(opportunities["account_id"].map(region_of)))
    account = pd.Index(accounts["account_id"]).get_indexer(pd.Index(opportunities["account_id"]))
    main = rng.integers(0, _SELLERS_PER_BU_REGION, (len(accounts), len(_BUS)))[account, bu]
    other = (main + rng.integers(1, _SELLERS_PER_BU_REGION, len(opportunities))) % _SELLERS_PER_BU_REGION
    seller = np.where(rng.random(len(opportunities)) < _PRIMARY_SHARE, main, other)
    return np.asarray(sellers[bu, region, seller], dtype=object)


def _typed(kind: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The canonical column order and dtypes shared by generate() and load()."""
    frame = frame.loc[:, list(columns()[kind])].copy()
    types = _signal_types()
    for col in frame.columns:
        if col in ("revenue", "value", "probability") or types.get(col) == "int":
            frame[col] = frame[col].astype(np.int64)
        elif col in ("growth_potential", "ease_of_access"):
            frame[col] = frame[col].astype(float)
        elif types.get(col) == "bool":
            frame[col] = frame[col].astype(bool)
        elif col == "nature":
            frame[col] = frame[col].astype(vocab.NATURES.dtype)
        elif col == "current_approach":
            frame[col] = frame[col].astype(vocab.APPROACHES.dtype)
        elif col == "close_date":
            frame[col] = pd.to_datetime(frame[col]).astype("datetime64[ns]")
        else:
            frame[col] = frame[col].astype("str").where(frame[col].notna(), np.nan)
    return frame.reset_index(drop=True)


def generate(seed: int = SEED, accounts: int = 400) -> dict[str, pd.DataFrame]:
    """The demo portfolio as three frames: business_units, accounts, opportunities."""
    if accounts < 1:
        raise ValueError("accounts must be at least 1")
    rng = np.random.default_rng(seed)
    acc = _accounts(rng, accounts)
    opp = _opportunities(rng, acc)
    opp["owner"] = _owners(seed, acc, opp)
    return {
        "business_units": _typed("business_units", _business_units()),
        "accounts": _typed("accounts", acc),
        "opportunities": _typed("opportunities", opp),
    }


WON_STAGE = "Closed Won"  # data/stages.json reads it as won


def later_export(opportunities: pd.DataFrame, wins: dict[str, int], *, first: date, second: date,
                 max_value: float, seed: int = SEED) -> pd.DataFrame:
    """The demo's CRM export of ``second``: the deals changed since the export of ``first``, as a CRM's "modified
    since" export gives them (the same columns). For each account of ``wins`` (account id -> BUs), the open deal most
    likely to close (the highest probability, then the larger amount, then the id) of each of that many BUs with the
    likeliest deals, at most ``max_value``, is closed won: stage Closed Won, probability 100, and a close date drawn
    between the two exports. Deterministic for a seed."""
    rng = np.random.default_rng(seed + 1)
    open_deals = opportunities[opportunities["account_id"].isin(list(wins))
                               & (opportunities["value"] <= max_value)
                               & ~opportunities["stage"].isin([WON_STAGE, "Closed Lost"])]
    ranked = open_deals.sort_values(["account_id", "probability", "value", "opportunity_id"],
                                    ascending=[True, False, False, True], kind="stable")
    best = ranked.drop_duplicates(["account_id", "bu"])  # each BU's likeliest deal at each account
    chosen = pd.concat([best[best["account_id"] == a].head(n) for a, n in wins.items()]) if wins else best.head(0)
    span = max((second - first).days, 1)
    days = rng.integers(min(14, span), span + 1, size=len(chosen))
    closed = [pd.Timestamp(first) + pd.Timedelta(days=int(d)) for d in days]
    out = chosen.assign(stage=WON_STAGE, probability=100, close_date=closed)
    return out.sort_values("opportunity_id", kind="stable").reset_index(drop=True)


def write(frames: dict[str, pd.DataFrame], directory: Path = DEMO_DIR) -> None:
    """Write the three CSVs (UTF-8, no BOM, yes/no signals, ISO dates, one decimal for scores)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for kind in columns():
        (directory / f"{kind}.csv").write_bytes(csv_bytes(kind, frames[kind]))


def csv_bytes(kind: str, frame: pd.DataFrame) -> bytes:
    """One demo file's rows as its CSV is written (UTF-8, no BOM, yes/no signals, ISO dates, one decimal)."""
    bools = [n for n, t in _signal_types().items() if t == "bool"]
    out = frame.loc[:, list(columns()[kind])].copy()
    for col in bools:
        if col in out:
            out[col] = np.where(out[col].to_numpy(dtype=bool), "yes", "no")
    return out.to_csv(index=False, lineterminator="\n", date_format="%Y-%m-%d", float_format="%.1f").encode("utf-8")


def load(directory: Path = DEMO_DIR) -> dict[str, pd.DataFrame]:
    """Read the committed CSVs back with the dtypes generate() gives."""
    out: dict[str, pd.DataFrame] = {}
    bools = [n for n, t in _signal_types().items() if t == "bool"]
    for kind in columns():
        frame = pd.read_csv(Path(directory) / f"{kind}.csv", dtype=str, keep_default_na=False, na_values=[""],
                            encoding="utf-8")
        for col in bools:
            if col in frame:
                frame[col] = frame[col].str.lower().eq("yes")
        for col in ("growth_potential", "ease_of_access"):
            if col in frame:
                frame[col] = pd.to_numeric(frame[col])
        out[kind] = _typed(kind, frame)
    return out


if __name__ == "__main__":
    frames = generate()
    write(frames)
    opp = frames["opportunities"]
    print(f"{DEMO_DIR}: {len(frames['business_units'])} BUs, {len(frames['accounts'])} accounts, "
          f"{len(opp)} opportunities, ${opp['value'].sum() / 1e9:.1f}B")
