"""The approach matrix: for each opportunity nature, the band of realistic GTM approaches."""

from __future__ import annotations

import hashlib
import json
from functools import cache, cached_property
from pathlib import Path
from typing import Any, ClassVar, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from gtm.domain import vocabulary as vocab
from gtm.domain.fmt import plural
from gtm.domain.rules import DATA_DIR, Example, config_error, load_rule_file
from gtm.domain.vocabulary import Approach, Fit, Nature

REALISTIC, OVERKILL, INSUFFICIENT = 0, 1, 2  # the fit codes of fit_table: positions in Fit
_FITS = tuple(Fit)


class Cell(BaseModel):
    """An example input: one cell of the matrix."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    nature: Nature
    approach: Approach


class Verdict(BaseModel):
    """An example output: the fit of a cell and its steps outside the band."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    fit: Fit
    steps: int


class Band(BaseModel):
    """The contiguous run of realistic approaches for one nature, lightest (low) to heaviest (high)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    low: str
    high: str

    @field_validator("low", "high", mode="before")
    @classmethod
    def _approach_code(cls, value: Any) -> str:
        i = vocab.APPROACHES.find(value)
        if i is None:
            raise ValueError(f"{value!r} is not an approach; accepted: {', '.join(vocab.APPROACHES.codes)}")
        return vocab.APPROACHES.codes[i]


class ApproachMatrix(BaseModel):
    """A validated matrix: every nature has one band, and band ends never fall as nature gets heavier."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    RULE_NAME: ClassVar[str] = "matrix"

    name: str = "default"
    description: str = ""
    # unique: every cell has exactly one fit (inside, above or below its nature's one band)
    hit_policy: Literal["unique"] = "unique"
    bands: dict[str, Band]
    examples: tuple[Example[Cell, Verdict], ...] = ()

    @field_validator("bands", mode="before")
    @classmethod
    def _nature_codes(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        out: dict[str, Any] = {}
        for key, band in value.items():
            i = vocab.NATURES.find(key)
            if i is None:
                raise ValueError(f"{key!r} is not a nature; accepted: {', '.join(vocab.NATURES.codes)}")
            code = vocab.NATURES.codes[i]
            # Two keys naming one nature (a code and its label, say) would silently drop one band.
            if code in out:
                raise ValueError(f"{vocab.NATURES.label(code)}: two bands given (keys naming the same nature); keep one")
            out[code] = band
        return out

    @model_validator(mode="after")
    def _check(self) -> ApproachMatrix:
        missing = [vocab.NATURES.label(c) for c in vocab.NATURES.codes if c not in self.bands]
        if missing:
            raise ValueError(f"no band for the {plural(len(missing), 'nature')} {', '.join(missing)}; every nature needs one")
        previous: tuple[str, int, int] | None = None
        for code in vocab.NATURES.codes:
            band = self.bands[code]
            low, high = vocab.APPROACHES.codes.index(band.low), vocab.APPROACHES.codes.index(band.high)
            label = vocab.NATURES.label(code)
            if low > high:
                raise ValueError(
                    f"{label}: the band's lower end ({vocab.APPROACHES.label(band.low)}) is heavier than "
                    f"its upper end ({vocab.APPROACHES.label(band.high)})"
                )
            if previous is not None:
                prev_label, prev_low, prev_high = previous
                if low < prev_low:
                    raise ValueError(
                        f"{label}: the band's lower end ({vocab.APPROACHES.label(band.low)}) falls below that of "
                        f"the lighter nature {prev_label} ({vocab.APPROACHES.labels[prev_low]}); "
                        "band ends must never fall as the nature gets heavier"
                    )
                if high < prev_high:
                    raise ValueError(
                        f"{label}: the band's upper end ({vocab.APPROACHES.label(band.high)}) falls below that of "
                        f"the lighter nature {prev_label} ({vocab.APPROACHES.labels[prev_high]}); "
                        "band ends must never fall as the nature gets heavier"
                    )
            previous = (label, low, high)
        # Keep the bands in nature order so that equal matrices serialise identically.
        object.__setattr__(self, "bands", {c: self.bands[c] for c in vocab.NATURES.codes})
        return self

    # --- derived tables, one row per nature (rank order), one column per approach ---

    @cached_property
    def low_index(self) -> np.ndarray:
        """0-based approach index of each nature's band low end."""
        return np.array([vocab.APPROACHES.codes.index(self.bands[c].low) for c in vocab.NATURES.codes], dtype=np.int8)

    @cached_property
    def high_index(self) -> np.ndarray:
        """0-based approach index of each nature's band high end."""
        return np.array([vocab.APPROACHES.codes.index(self.bands[c].high) for c in vocab.NATURES.codes], dtype=np.int8)

    @cached_property
    def fit_table(self) -> np.ndarray:
        """natures x approaches: 0 realistic, 1 overkill, 2 insufficient."""
        a = np.arange(len(vocab.APPROACHES))[None, :]
        out = np.zeros((len(vocab.NATURES), len(vocab.APPROACHES)), dtype=np.int8)
        out[a > self.high_index[:, None]] = OVERKILL
        out[a < self.low_index[:, None]] = INSUFFICIENT
        return out

    @cached_property
    def steps_table(self) -> np.ndarray:
        """natures x approaches: rows outside the band (0 inside)."""
        a = np.arange(len(vocab.APPROACHES))[None, :]
        over = a - self.high_index[:, None]
        under = self.low_index[:, None] - a
        steps: np.ndarray = np.maximum(np.maximum(over, under), 0).astype(np.int8)
        return steps

    @cached_property
    def rationale_table(self) -> list[str]:
        """One sentence per cell, indexed nature * len(vocab.APPROACHES) + approach."""
        return [self.explain(n, a) for n in vocab.NATURES.codes for a in vocab.APPROACHES.codes]

    @cached_property
    def fingerprint(self) -> str:
        """A short hash of the bands: equal bands, equal fingerprint (a cache key)."""
        blob = json.dumps({k: [b.low, b.high] for k, b in self.bands.items()}, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:12]

    def fit(self, nature: str, approach: str) -> tuple[Fit, int]:
        """Fit code and steps of one cell."""
        n, a = vocab.NATURES.parse(nature), vocab.APPROACHES.parse(approach)
        return _FITS[self.fit_table[n.rank - 1, a.rank - 1]], int(self.steps_table[n.rank - 1, a.rank - 1])

    def run_example(self, cell: Cell) -> Verdict:
        """The fit and steps of one example cell."""
        fit, steps = self.fit(cell.nature, cell.approach)
        return Verdict(fit=fit, steps=steps)

    def band_text(self, nature: str) -> str:
        """The band of a nature in words."""
        band = self.bands[vocab.NATURES.parse(nature).code]
        if band.low == band.high:
            return f"'{vocab.APPROACHES.label(band.low)}' only"
        return f"'{vocab.APPROACHES.label(band.low)}' to '{vocab.APPROACHES.label(band.high)}'"

    def explain(self, nature: str, approach: str) -> str:
        """One plain sentence: the verdict for a cell, the band it is judged against, in the deck's words."""
        n, a = vocab.NATURES.parse(nature), vocab.APPROACHES.parse(approach)
        fit, steps = self.fit(n.code, a.code)
        band = self.band_text(n.code)
        if fit == Fit.REALISTIC:
            return f"'{a.label}' is a realistic option for '{n.label}' (realistic band: {band})."
        plural = "step" if steps == 1 else "steps"
        if fit == Fit.OVERKILL:
            return (
                f"'{a.label}' is likely overkill for '{n.label}', {steps} {plural} above its realistic band "
                f"({band}): costing more than benefits created, possibly reducing effectiveness of "
                "component-only sale."
            )
        return (
            f"'{a.label}' is likely insufficient to accomplish objectives for '{n.label}', {steps} {plural} "
            f"below its realistic band ({band})."
        )

    def with_band(self, nature: str, low: str, high: str, name: str | None = None) -> ApproachMatrix:
        """A copy with one nature's band changed; raises ConfigError when the result is invalid."""
        bands: dict[str, Any] = {k: v.model_dump() for k, v in self.bands.items()}
        bands[vocab.NATURES.parse(nature).code] = {"low": low, "high": high}
        return parse_matrix({"name": name or self.name, "description": self.description, "bands": bands})

    def to_json(self) -> str:
        """The matrix as the JSON that data/matrix.json holds."""
        return self.model_dump_json(indent=2) + "\n"

    def grid(self) -> str:
        """A readable text grid: approaches up (heaviest on top), natures across; R/+/- per cell."""
        width = max(len(t.short_label) for t in vocab.APPROACHES.terms)
        heads = [f"{t.rank}" for t in vocab.NATURES.terms]
        lines = [f"Approach matrix '{self.name}' ({self.fingerprint})", ""]
        lines.append(" " * (width + 3) + "  ".join(f"{h:^3}" for h in heads))
        for ai in range(len(vocab.APPROACHES) - 1, -1, -1):
            cells = []
            for ni in range(len(vocab.NATURES)):
                fit = self.fit_table[ni, ai]
                cells.append({REALISTIC: "[R]", OVERKILL: " + ", INSUFFICIENT: " - "}[int(fit)])
            lines.append(f"{vocab.APPROACHES.terms[ai].short_label:>{width}} {ai + 1} " + "  ".join(cells))
        lines.append("")
        lines.append("Natures: " + "; ".join(f"{t.rank} {t.label}" for t in vocab.NATURES.terms))
        lines.append("[R] realistic option   + likely overkill   - likely insufficient")
        return "\n".join(lines)


def parse_matrix(raw: dict[str, Any], source: str = "matrix") -> ApproachMatrix:
    """Validate a matrix given as a dict; raises ConfigError naming the nature and what is wrong."""
    try:
        return ApproachMatrix.model_validate(raw)
    except ValidationError as exc:
        raise config_error(source, ApproachMatrix.RULE_NAME, exc) from None


def load_matrix(path: Path | str | None = None) -> ApproachMatrix:
    """Read and validate a matrix file (data/matrix.json by default)."""
    return load_rule_file(path or DATA_DIR / "matrix.json", ApproachMatrix)


@cache
def default_matrix() -> ApproachMatrix:
    """The default matrix of data/matrix.json, read and validated on first use."""
    return load_matrix()
