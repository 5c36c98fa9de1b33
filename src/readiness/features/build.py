"""Features of a toss-up as of the toss-up moment, ready for LightGBM.

A *point* is a lead at a moment (`lead_id`, `as_of`), optionally with the memo and
reps of that moment. A feature of a point uses only what was known at `as_of`:
events strictly before it, the memo read as of that day, and the lead's attributes
— never outcomes or FS feedback. The same code serves training (points at the
toss-ups), nightly scoring ("as if tossed up now") and timing advice (one lead on
many days). Every column has a business name (`feature_info`) for explanations.

Columns are `float32` or `category`, plus the str column `memo_text` for the
model's text encoder; ids, names and other free text never become features.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from readiness.clock import TIMEZONE
from readiness.data.contract import CONTACT_ROLES, LEAD_SOURCES, Dataset
from readiness.features.events import DAY_US, behaviour_features, behaviour_info, micros
from readiness.features.memo import MEMO_FORMATS, memo_features, memo_info
from readiness.rubric.config import Rubric, default_rubric
from readiness.stopwatch import stage

__all__ = [
    "CATEGORICAL",
    "SENIOR_TITLE",
    "FeatureInfo",
    "build_features",
    "extra_feature_names",
    "feature_info",
    "labelled_points",
    "log10_amount",
    "rubric_item_names",
    "sanitize_name",
    "toss_up_points",
]

# Declared category extras (`x_…`) are categorical too: select by dtype when fitting.
CATEGORICAL: Final[tuple[str, ...]] = (
    "industry",
    "region",
    "contact_role",
    "lead_source",
    "is_rep",
    "fs_rep",
    "memo_format",
)
TEXT_COLUMN: Final = "memo_text"
EXTRA_PREFIX: Final = "x_"

# Titles that usually carry budget or approval authority (the articles' 決裁者).
SENIOR_TITLE: Final = re.compile(
    r"部長|取締役|役員|代表|社長|会長|常務|専務|理事|局長|\bC[A-Z]{1,2}O\b|director"
    r"|\bvp\b|vice president|president|head of|chief|general manager|founder|owner",
    re.IGNORECASE,
)

_LEAD_INFO: Final[dict[str, tuple[str, str, str]]] = {
    "industry": ("lead", "業種", "industry"),
    "region": ("lead", "地域", "region"),
    "contact_role": ("lead", "担当者の立場（決裁者・影響者・担当）", "contact's role"),
    "lead_source": ("lead", "リード獲得経路", "lead source"),
    "log_employees": ("lead", "従業員数（log10）", "employees (log10)"),
    "log_annual_revenue": (
        "lead",
        "売上高（百万円, log10）",
        "annual revenue (million JPY, log10)",
    ),
    "senior_title": ("lead", "担当者が役職者（部長・役員など）", "contact is senior"),
    "lead_age_days": ("lead", "リード獲得からの日数", "days since the lead came in"),
    "is_rep": ("reps", "インサイドセールス担当者", "inside-sales rep"),
    "fs_rep": ("reps", "フィールドセールス担当者", "field-sales rep"),
}


@dataclass(frozen=True)
class FeatureInfo:
    """A feature's business name, for explanations in Japanese and English."""

    name: str
    group: str
    label_ja: str
    label_en: str


def sanitize_name(raw: str) -> str:
    """An ASCII snake_case name for a user column; distinct raw names stay distinct.

    Letters and digits are kept, everything else becomes `_`. When characters are
    dropped (Japanese, punctuation) a short hash of the raw name is appended, so
    「IT予算 (百万円)」 and 「IT予算 (千円)」 do not collide.
    """
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    name = re.sub(r"[^0-9a-z]+", "_", text.lower()).strip("_")
    if not name or re.search(r"[^0-9A-Za-z _\-]", text):
        digest = hashlib.blake2s(text.encode("utf-8"), digest_size=3).hexdigest()
        name = f"{name}_{digest}" if name else f"c_{digest}"
    return f"c_{name}" if name[0].isdigit() else name


def _unique(names: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for name in names:
        candidate, k = name, 2
        while candidate in seen:
            candidate, k = f"{name}_{k}", k + 1
        seen.add(candidate)
        out.append(candidate)
    return out


def extra_feature_names(dataset: Dataset | Iterable[str]) -> dict[str, str]:
    """Feature name → raw column name of the dataset's declared extra lead columns
    (or of the declared names given)."""
    raw = list(dataset.extra_lead_columns if isinstance(dataset, Dataset) else dataset)
    names = _unique([EXTRA_PREFIX + sanitize_name(r) for r in raw])
    return dict(zip(names, raw, strict=True))


def feature_info(
    name: str, *, extra_names: Mapping[str, str] | None = None
) -> FeatureInfo:
    """Group and business labels of any column `build_features` can emit.

    `extra_names` (from `extra_feature_names`) lets declared columns show their
    own names; without it they show the sanitised one.
    """
    found = _LEAD_INFO.get(name) or behaviour_info(name) or memo_info(name)
    if found is None and name.startswith(EXTRA_PREFIX) and len(name) > 2:
        raw = (extra_names or {}).get(name, name[2:])
        found = ("lead", f"追加属性「{raw}」", f"lead attribute '{raw}'")
    if found is None:
        raise KeyError(f"{name!r} is not a feature build_features emits")
    return FeatureInfo(name, *found)


# --- points ----------------------------------------------------------------------


def toss_up_points(dataset: Dataset) -> pd.DataFrame:
    """One point per hand-off, at its toss-up moment, with its memo and reps."""
    h = dataset.handoffs
    points = pd.DataFrame(
        {
            "lead_id": h["lead_id"],
            "as_of": h["tossed_up_at"],
            "memo": h.get("memo", ""),
            "is_rep": h.get("is_rep"),
            "fs_rep": h.get("fs_rep"),
        }
    )
    return points.sort_values(["as_of", "lead_id"], kind="stable").reset_index(
        drop=True
    )


def labelled_points(dataset: Dataset) -> pd.DataFrame:
    """Toss-up points that have an outcome, with `won` and `meeting_held` as 0/1."""
    points = toss_up_points(dataset)
    labels = dataset.outcomes[["lead_id", "won", "meeting_held"]]
    out = points.merge(labels, on="lead_id", how="inner", sort=False)
    out["won"] = out["won"].astype(np.int64)
    out["meeting_held"] = out["meeting_held"].astype(np.int64)
    return out.sort_values(["as_of", "lead_id"], kind="stable").reset_index(drop=True)


# --- features --------------------------------------------------------------------


def _as_of(points: pd.DataFrame) -> pd.Series:
    as_of = pd.to_datetime(points["as_of"])
    if isinstance(as_of.dtype, pd.DatetimeTZDtype):
        as_of = as_of.dt.tz_convert(TIMEZONE).dt.tz_localize(None)
    if as_of.isna().any():
        rows = np.flatnonzero(as_of.isna().to_numpy())[:5].tolist()
        raise ValueError(f"points have no as_of at rows {rows}; give every point one")
    return as_of


def _category(values: pd.Series, pos: np.ndarray, categories: list[str]) -> pd.Series:
    """Point values of a lead column as a category (missing lead → NaN)."""
    dtype = pd.CategoricalDtype(pd.Index(categories, dtype="str"))
    if len(values) <= _SMALL:  # a single lead: look the few values up directly
        lookup = {c: i for i, c in enumerate(categories)}
        codes = np.array(
            [lookup.get(v, -1) if isinstance(v, str) else -1 for v in values],
            dtype=np.int64,
        )
    else:
        codes = pd.Categorical(values, dtype=dtype).codes
    picked = np.where(pos >= 0, codes[np.maximum(pos, 0)], -1) if len(codes) else pos
    return pd.Series(pd.Categorical.from_codes(picked, dtype=dtype))


def _observed(values: pd.Series) -> list[str]:
    """The distinct non-blank values, as text, sorted."""
    if len(values) <= _SMALL:  # a single lead: no per-call pandas overhead
        return sorted({t for v in values if (t := _text_or_none(v)) is not None})
    # distinct first: a column repeats a few values over many leads
    distinct = pd.unique(values.dropna().astype("str"))
    return sorted(t for t in distinct if t.strip())


_SMALL: Final = 64


def _text_or_none(value: object) -> str | None:
    """A cell as text, None when missing or blank (as `_observed` reads it)."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    text = str(value)
    return text if text.strip() else None


def _take(by_lead: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """Per-point values of a per-lead float array; NaN for unknown leads."""
    if not len(by_lead):
        return np.full(len(pos), np.nan)
    return np.where(pos >= 0, by_lead[np.maximum(pos, 0)], np.nan)


def _numeric(values: pd.Series, pos: np.ndarray) -> np.ndarray:
    col = pd.to_numeric(values, errors="coerce").astype("Float64")
    return _take(col.to_numpy(dtype=np.float64, na_value=np.nan), pos)


def log10_amount(values: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.where(values >= 0, np.log10(1 + np.maximum(values, 0)), np.nan)


def _lead_features(
    dataset: Dataset, lead_ids: pd.Series, point_us: np.ndarray
) -> dict[str, pd.Series | np.ndarray]:
    leads = dataset.leads.drop_duplicates("lead_id")
    pos = pd.Index(leads["lead_id"]).get_indexer(pd.Index(lead_ids))
    fixed = {"contact_role": list(CONTACT_ROLES), "lead_source": list(LEAD_SOURCES)}
    out: dict[str, pd.Series | np.ndarray] = {}
    for col in ("industry", "region", "contact_role", "lead_source"):
        values = leads[col] if col in leads else pd.Series([None] * len(leads))
        out[col] = _category(values, pos, fixed.get(col) or _observed(values))
    for col in ("employees", "annual_revenue"):
        values = leads[col] if col in leads else pd.Series([np.nan] * len(leads))
        out[f"log_{col}"] = log10_amount(_numeric(values, pos))
    titles = leads.get("contact_title")
    senior = np.full(len(leads), np.nan)
    if titles is not None:
        text = titles.astype("str")
        has = (titles.notna() & (text.str.strip() != "")).to_numpy()
        flag = text.str.contains(SENIOR_TITLE, na=False).to_numpy(dtype=np.float64)
        senior = np.where(has, flag, np.nan)
    out["senior_title"] = _take(senior, pos)
    created = micros(leads["created_at"]).astype(np.float64)
    created[leads["created_at"].isna().to_numpy()] = np.nan
    out["lead_age_days"] = (point_us - _take(created, pos)) / DAY_US
    for name, raw in extra_feature_names(dataset).items():
        kind = dataset.extra_lead_columns[raw]
        values = leads[raw] if raw in leads else pd.Series([None] * len(leads))
        if kind == "category":
            out[name] = _category(values.astype("str"), pos, _observed(values))
        elif kind == "boolean":
            out[name] = _numeric(values.astype("boolean").astype("Float64"), pos)
        else:
            out[name] = _numeric(values, pos)
    return out


def _rep(points: pd.DataFrame, col: str) -> pd.Series:
    if col not in points:
        return pd.Series(pd.Categorical([None] * len(points), categories=[]))
    values = points[col].reset_index(drop=True)
    # A blank rep name is no rep: an empty category would be an error in pandas 4.
    if len(values) <= _SMALL:
        kept = [v if _text_or_none(v) is not None else None for v in values]
        values = pd.Series(kept, dtype=object)
    else:
        values = values.where(values.astype("string").str.strip().fillna("") != "")
    return _category(values, np.arange(len(points)), _observed(values))


def rubric_item_names(rubric: Rubric) -> dict[str, str]:
    """Rubric item key → the name its `rubric_{name}_points` feature uses."""
    keys = list(rubric.items)
    return dict(zip(keys, _unique([sanitize_name(k) for k in keys]), strict=True))


def build_features(
    dataset: Dataset,
    points: pd.DataFrame,
    *,
    windows: tuple[int, ...] = (7, 30, 90),
    rubric: Rubric | None = None,
    progress: Callable[[int], object] | None = None,
) -> pd.DataFrame:
    """Model-ready features of each point as of its moment; index = points.index.

    `points` has `lead_id` and `as_of`, and optionally `memo`, `is_rep` and
    `fs_rep`; a missing memo (no column, NaN, blank) means no memo yet. Counts use
    the day `windows`; `progress(n)` is called as points' memos are read.
    """
    missing = [c for c in ("lead_id", "as_of") if c not in points]
    if missing:
        raise ValueError(f"points need lead_id and as_of; missing {missing}")
    if points["lead_id"].isna().any():
        raise ValueError("points have a missing lead_id")
    if not windows or any(int(w) != w or w < 1 for w in windows):
        raise ValueError(f"windows must be positive whole days, got {windows}")
    windows = tuple(dict.fromkeys(int(w) for w in windows))
    rubric = rubric or default_rubric()

    lead_id = points["lead_id"].astype("str").reset_index(drop=True)
    as_of = _as_of(points).reset_index(drop=True)
    point_us = micros(as_of)
    lead_ids = pd.Index(pd.unique(lead_id))
    codes = lead_ids.get_indexer(pd.Index(lead_id)).astype(np.int64)

    columns: dict[str, pd.Series | np.ndarray] = {}
    with stage("lead features"):
        columns |= _lead_features(dataset, lead_id, point_us)
        columns |= {"is_rep": _rep(points, "is_rep"), "fs_rep": _rep(points, "fs_rep")}
    with stage("event features"):
        columns |= behaviour_features(
            dataset.events, codes, point_us, lead_ids, windows
        )
    memos = points["memo"].tolist() if "memo" in points else [None] * len(points)
    days = as_of.to_numpy(dtype="datetime64[D]")
    with stage("memo features"):
        values, formats, texts = memo_features(
            memos,
            days,
            rubric=rubric,
            item_names=rubric_item_names(rubric),
            progress=progress,
        )
    columns |= values
    columns["memo_format"] = pd.Series(
        pd.Categorical.from_codes(formats, categories=pd.Index(list(MEMO_FORMATS)))
    )
    columns[TEXT_COLUMN] = pd.Series(texts, dtype="str")
    frame = pd.DataFrame(
        {
            k: v if isinstance(v, pd.Series) else np.asarray(v, dtype=np.float32)
            for k, v in columns.items()
        },
        index=pd.RangeIndex(len(points)),
    )
    frame.index = points.index
    return frame
