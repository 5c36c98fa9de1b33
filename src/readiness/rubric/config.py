"""The rubric as configuration: items, weights, criteria shares, bands and the gate.

A pydantic model read from YAML (`rubric_default.yaml` holds the articles' values)
and validated on load: weights sum to 100, shares to 1, criteria exist, bands are
ordered. A wrong key is a `RubricError` naming it and the fix.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Final, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from readiness.errors import ReadinessError
from readiness.rubric.criteria import CRITERIA

__all__ = [
    "BANDS",
    "BandKey",
    "Bands",
    "Gate",
    "Item",
    "Rubric",
    "RubricError",
    "band_for",
    "default_rubric",
    "load_rubric",
    "rubric_from_yaml",
    "rubric_to_yaml",
]


BandKey = Literal["high", "standard", "needs_work"]
BANDS: Final[dict[BandKey, tuple[str, str]]] = {
    "high": ("高", "high"),
    "standard": ("標準", "standard"),
    "needs_work": ("要改善", "needs work"),
}
_TOLERANCE: Final = 1e-6


class RubricError(ReadinessError, ValueError):
    """An unusable rubric YAML; the message names the wrong key and how to fix it."""


_Strict = ConfigDict(extra="forbid", frozen=True)


class Item(BaseModel):
    """One of the score's items: its weight and how the weight splits into criteria."""

    model_config = _Strict

    label_ja: str | None = None
    label_en: str | None = None
    weight: float = Field(ge=0, le=100)
    criteria: dict[str, float]

    @model_validator(mode="after")
    def _check_criteria(self) -> Item:
        if not self.criteria:
            raise ValueError("criteria must name at least one criterion")
        unknown = [k for k in self.criteria if k not in CRITERIA]
        if unknown:
            raise ValueError(
                f"unknown criterion {unknown[0]!r}; use one of: "
                + ", ".join(sorted(CRITERIA))
            )
        bad = [k for k, s in self.criteria.items() if not 0 <= s <= 1]
        if bad:
            raise ValueError(f"criterion {bad[0]!r} has a share outside 0..1")
        total = sum(self.criteria.values())
        if abs(total - 1) > _TOLERANCE:
            raise ValueError(
                f"criteria shares sum to {total:g}, must sum to 1: adjust the "
                "shares (each is the criterion's part of the item's weight)"
            )
        return self


class Bands(BaseModel):
    """Score thresholds: ≥ high is high, ≥ standard is standard, else needs work."""

    model_config = _Strict

    high: float = Field(gt=0, le=100)
    standard: float = Field(gt=0, le=100)

    @model_validator(mode="after")
    def _ordered(self) -> Bands:
        if not self.high > self.standard:
            raise ValueError(
                f"high ({self.high:g}) must be greater than standard "
                f"({self.standard:g}); e.g. high: 80, standard: 60"
            )
        return self


class Gate(BaseModel):
    """The toss-up gate: every enabled condition must hold."""

    model_config = _Strict

    min_bant_confirmed: int = Field(ge=0, le=4)
    require_concrete_needs: bool
    min_needs_signals: int = Field(ge=0, le=4)
    require_meeting_agreed: bool
    min_score: float = Field(ge=0, le=100)


class Rubric(BaseModel):
    """A validated rubric: items (weights sum to 100), bands, gate, vague fraction."""

    model_config = _Strict

    version: Literal[1] = 1
    name: str = "custom"
    vague_fraction: float = Field(ge=0, le=1)
    bands: Bands
    gate: Gate
    items: dict[str, Item]

    @field_validator("name")
    @classmethod
    def _printable(cls, name: str) -> str:
        if not name.isprintable():
            raise ValueError("name must be one printable line, e.g. name: my-team-2027")
        return name

    @field_validator("items")
    @classmethod
    def _weights(cls, items: dict[str, Item]) -> dict[str, Item]:
        if not items:
            raise ValueError("items must hold at least one item")
        total = sum(i.weight for i in items.values())
        if abs(total - 100) > _TOLERANCE:
            weights = ", ".join(f"{k}: {i.weight:g}" for k, i in items.items())
            raise ValueError(
                f"item weights sum to {total:g}, must sum to 100 ({weights}); "
                "adjust the weights, e.g. the articles' 10/25/30/20/15"
            )
        return items

    def label(self, item: str) -> tuple[str, str]:
        cfg = self.items[item]
        known = _ITEM_LABELS.get(item, (item, item))
        return cfg.label_ja or known[0], cfg.label_en or known[1]


_ITEM_LABELS: Final[dict[str, tuple[str, str]]] = {
    "basics": ("基本情報の完備度", "Basic information completeness"),
    "problem": ("課題・ニーズの明確さ", "Clarity of problem and needs"),
    "bant": ("BANT情報の取得度", "BANT confirmation"),
    "competition": ("競合・検討状況の把握", "Competition and evaluation status"),
    "next_action": ("次回アクション合意の明確さ", "Clarity of the agreed next action"),
}


def _format_errors(err: ValidationError, source: str) -> str:
    lines = []
    for e in err.errors():
        loc = ".".join(str(p) for p in e["loc"]) or "(top level)"
        if e["type"] == "extra_forbidden":
            parent = ".".join(str(p) for p in e["loc"][:-1]) or "the top level"
            lines.append(
                f"{loc}: unknown key {e['loc'][-1]!r} in {parent}; remove it or fix "
                "its spelling (see rubric_default.yaml for the allowed keys)"
            )
        elif e["type"] == "missing":
            lines.append(f"{loc}: required key is missing; add it")
        else:
            msg = str(e["msg"]).removeprefix("Value error, ")
            lines.append(f"{loc}: {msg}")
    return f"invalid rubric ({source}):\n" + "\n".join(f"  - {ln}" for ln in lines)


def _merged(user: Mapping[str, Any]) -> dict[str, Any]:
    """Top-level keys and the keys of `bands` and `gate` default to the articles'."""
    merged = dict(_default_dict())
    for key, value in user.items():
        base = merged.get(key)
        if (
            key in ("bands", "gate")
            and isinstance(base, dict)
            and isinstance(value, dict)
        ):
            merged[key] = {**base, **value}
        else:
            merged[key] = value
    return merged


def _validate(data: Any, source: str, *, merge: bool) -> Rubric:
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise RubricError(
            f"invalid rubric ({source}): the YAML must be a mapping with keys "
            "version, name, vague_fraction, bands, gate, items"
        )
    try:
        return Rubric.model_validate(_merged(data) if merge else dict(data))
    except ValidationError as err:
        raise RubricError(_format_errors(err, source)) from None


@cache
def _default_dict() -> dict[str, Any]:
    text = (
        resources.files("readiness.rubric")
        .joinpath("rubric_default.yaml")
        .read_text("utf-8")
    )
    data: dict[str, Any] = yaml.safe_load(text)
    return data


@cache
def default_rubric() -> Rubric:
    """The articles' rubric, loaded once from the packaged YAML."""
    return _validate(_default_dict(), "rubric_default.yaml", merge=False)


def rubric_from_yaml(text: str, *, source: str = "YAML text") -> Rubric:
    """Parse and validate rubric YAML; keys left out take the articles' values."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise RubricError(
            f"invalid rubric ({source}): not valid YAML{where}; check the indentation "
            "and the colons"
        ) from None
    return _validate(data, source, merge=True)


def load_rubric(path: Path | None = None) -> Rubric:
    """The rubric in a YAML file, or the articles' default when `path` is None."""
    if path is None:
        return default_rubric()
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise RubricError(f"rubric file {path} not found") from None
    except (OSError, UnicodeDecodeError) as err:
        raise RubricError(f"rubric file {path} cannot be read: {err}") from None
    return rubric_from_yaml(text, source=str(path))


def rubric_to_yaml(rubric: Rubric) -> str:
    """The rubric as YAML that `rubric_from_yaml` and `load_rubric` read back as is."""
    data = rubric.model_dump(mode="json")
    for item in data["items"].values():
        for key in ("label_ja", "label_en"):
            if item[key] is None:
                del item[key]
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def band_for(total: float, rubric: Rubric) -> BandKey:
    """The band of a total: ≥ high → high, ≥ standard → standard, else needs work."""
    if total >= rubric.bands.high:
        return "high"
    return "standard" if total >= rubric.bands.standard else "needs_work"
