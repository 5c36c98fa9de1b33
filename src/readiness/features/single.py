"""`build_features` of one lead at one moment, as a plain row instead of a frame.

The same definitions on plain values: lead columns as `build_features` reads a
one-lead table, the event columns from the same numpy kernel fed the lead's own
events (`behaviour_of_codes`), the memo columns from `memo_features` (through the
memo cache). A single request (the API, the page) spends no time building frames;
`tests/model/test_single_lead.py` holds both paths equal over a world.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Final

import numpy as np

from readiness.data.contract import CONTACT_ROLES, LEAD_SOURCES
from readiness.data.single import SingleLead
from readiness.features.build import (
    SENIOR_TITLE,
    TEXT_COLUMN,
    extra_feature_names,
    log10_amount,
    rubric_item_names,
)
from readiness.features.events import (
    DAY_US,
    behaviour_of_codes,
    event_codes,
)
from readiness.features.memo import MEMO_FORMATS, memo_features
from readiness.rubric.config import Rubric, default_rubric

__all__ = ["point_row", "point_us"]

# A feature value: float32-exact numbers (NaN when unknown), category text or
# None, and the memo's NFKC text.
Feature = float | str | None

_EPOCH: Final = datetime(1970, 1, 1)
_FIXED: Final = {"contact_role": CONTACT_ROLES, "lead_source": LEAD_SOURCES}


def point_us(as_of: datetime) -> int:
    """A naive moment as int64 microseconds, as `features.events.micros`."""
    return int(np.datetime64(as_of, "us").astype(np.int64))


def _f32(value: float) -> float:
    return float(np.float32(value))


def _text(value: object) -> str | None:
    # `build._category` of one lead: a text value, blank or missing is None
    return value if isinstance(value, str) and value.strip() else None


def _number(value: object) -> float:
    return math.nan if value is None else float(value)  # type: ignore[arg-type]


def _lead_columns(lead: SingleLead, at_us: int) -> dict[str, Feature]:
    values = lead.lead
    out: dict[str, Feature] = {}
    for col in ("industry", "region", "contact_role", "lead_source"):
        text = _text(values.get(col))
        allowed = _FIXED.get(col)
        out[col] = None if allowed is not None and text not in allowed else text
    for col in ("employees", "annual_revenue"):
        amount = np.array([_number(values.get(col))])
        out[f"log_{col}"] = _f32(log10_amount(amount)[0])
    title = values.get("contact_title")
    out["senior_title"] = (
        float(bool(SENIOR_TITLE.search(title)))
        if isinstance(title, str) and title.strip()
        else math.nan
    )
    created = values.get("created_at")
    age = math.nan if created is None else (at_us - int(created)) / DAY_US
    out["lead_age_days"] = _f32(age)
    for name, raw in extra_feature_names(lead.extra_lead_columns).items():
        kind = lead.extra_lead_columns[raw]
        value = values.get(raw)
        if kind == "category":
            out[name] = _text(value)
        else:
            out[name] = _f32(_number(value))
    return out


def point_row(
    lead: SingleLead,
    *,
    as_of: datetime,
    memo: object = None,
    is_rep: object = None,
    fs_rep: object = None,
    windows: tuple[int, ...] = (7, 30, 90),
    rubric: Rubric | None = None,
) -> dict[str, Feature]:
    """`build_features` of the lead at `as_of` (naive Asia/Tokyo), column for
    column and in its order, as {column: value}."""
    rubric = rubric or default_rubric()
    at_us = point_us(as_of)
    row = _lead_columns(lead, at_us)
    row["is_rep"], row["fs_rep"] = _text(is_rep), _text(fs_rep)
    kind, page = event_codes(lead.types, lead.details)
    moments = np.array([at_us], dtype=np.int64)
    behaviour = behaviour_of_codes(kind, lead.timestamps, page, moments, windows)
    row |= {name: float(v[0]) for name, v in behaviour.items()}
    day = np.array([np.datetime64(as_of, "D")])
    memo_values, formats, texts = memo_features(
        [memo], day, rubric=rubric, item_names=rubric_item_names(rubric)
    )
    row |= {name: float(v[0]) for name, v in memo_values.items()}
    row["memo_format"] = MEMO_FORMATS[int(formats[0])]
    row[TEXT_COLUMN] = texts[0]
    return row
