"""One lead and its events, typed by the contract, as plain values instead of frames.

What a one-lead `Dataset` holds, without pandas: a request scored on its own
(the API, the page) spends most of its time building and typing frames of one
row. `readiness.scoring.lead.single_lead` types a request straight into it, and
`single_from_dataset` reads it off a one-lead `Dataset`, so the two can be
compared value for value.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, cast

import numpy as np
import pandas as pd

from readiness.data.cells import FALSE_WORDS, TRUE_WORDS
from readiness.data.contract import TABLES, Column, Dataset
from readiness.data.files import ExtraKind

__all__ = ["SingleLead", "single_from_dataset", "type_single"]

# A typed lead value: text, a number, a flag, or None where missing. `created_at`
# is int64 microseconds (naive Asia/Tokyo), as `features.events.micros` gives it.
Value = str | float | bool | int | None


@dataclass(frozen=True)
class SingleLead:
    """A lead's typed columns (contract columns, then declared extras) and its
    events as arrays: times in int64 µs, types and details as text."""

    lead: Mapping[str, Value]
    timestamps: np.ndarray
    types: tuple[str, ...]
    details: tuple[str | None, ...]
    extra_lead_columns: Mapping[str, ExtraKind] = field(default_factory=dict)

    @property
    def lead_id(self) -> str:
        return str(self.lead["lead_id"])

    def same_as(self, other: SingleLead) -> bool:
        """Equal value for value (numbers by value, NaN never occurs)."""
        return (
            dict(self.lead) == dict(other.lead)
            and np.array_equal(self.timestamps, other.timestamps)
            and self.types == other.types
            and self.details == other.details
            and dict(self.extra_lead_columns) == dict(other.extra_lead_columns)
        )


def _plain(value: Any) -> Value:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return int(value.as_unit("us").asm8.astype(np.int64))
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, bool | str):
        return value
    if isinstance(value, int | float):
        return float(value)
    return str(value)


def single_from_dataset(dataset: Dataset) -> SingleLead:
    """The first lead of a (one-lead) Dataset and its events, as plain values."""
    row = dataset.leads.iloc[0]
    names = [*TABLES["leads"].column_names, *dataset.extra_lead_columns]
    lead = {name: _plain(row[name]) if name in row.index else None for name in names}
    events = dataset.events
    events = events[events["lead_id"].astype("str") == str(lead["lead_id"])]
    stamps = np.asarray(events["timestamp"], dtype="datetime64[us]").view(np.int64)
    return SingleLead(
        lead=lead,
        timestamps=stamps.copy(),
        types=tuple(str(t) for t in events["type"]),
        details=tuple(
            None if (d := _plain(v)) is None else str(d) for v in events["detail"]
        ),
        extra_lead_columns=dict(dataset.extra_lead_columns),
    )


# --- typing a request's cells --------------------------------------------------------

_BOOL_WORDS: Final[dict[str, bool]] = {
    **dict.fromkeys(TRUE_WORDS, True),
    **dict.fromkeys(FALSE_WORDS, False),
}


class _Unsure(Exception):
    """A cell the plain rules do not settle: the contract's own pass decides."""


def _clean(value: str, *, normalize: bool) -> str | None:
    # `cells.clean_text` of one text cell
    text = value.strip()
    if normalize and not text.isascii():
        text = unicodedata.normalize("NFKC", text).strip()
    return text or None


def _column(cells: Sequence[object], col: Column) -> list[Value]:
    """One column's cells typed as `checks._parse_column` types them, for the
    cells it settles without reading text as numbers or times; `_Unsure` for a
    defect or any other cell (the contract then says what is wrong)."""
    given = [c for c in cells if c is not None]
    out: list[Value] = []
    if col.kind in ("id", "string", "category"):
        if not all(isinstance(c, str) for c in given):
            raise _Unsure
        for cell in cells:
            text = None
            if cell is not None:
                text = _clean(cast(str, cell), normalize=col.kind == "category")
                if text is None and cast(str, cell).strip():
                    raise _Unsure  # present, yet nothing left once normalised
            if col.kind == "category" and text is not None:
                text = text.lower()
                if not text.isascii() or text not in col.allowed:
                    raise _Unsure
            out.append(text)
    elif col.kind in ("integer", "float"):
        if not all(type(c) is float for c in given):
            raise _Unsure
        for cell in cells:
            number = cast(float | None, cell)
            if number is not None and (
                not math.isfinite(number)
                or (col.non_negative and number < 0)
                or (col.kind == "integer" and not number.is_integer())
            ):
                raise _Unsure
            out.append(number)
    elif col.kind == "datetime":
        for cell in cells:
            if cell is None:
                out.append(None)
                continue
            if type(cell) is not pd.Timestamp or cell.tzinfo is not None:
                raise _Unsure
            if cell.nanosecond:
                raise _Unsure
            out.append(int(cell.as_unit("us").asm8.astype(np.int64)))
    else:
        raise _Unsure
    if not col.nullable and any(v is None for v in out):
        raise _Unsure  # a required value missing
    return out


def _extra(cell: object, kind: ExtraKind) -> Value:
    """A declared extra column's cell, as `checks._parse_extra` types it."""
    if cell is None:
        return None
    if kind == "category":
        if not isinstance(cell, str):
            raise _Unsure
        return _clean(cell, normalize=False)
    if type(cell) is float:
        if not math.isfinite(cell):
            raise _Unsure
        if kind == "numeric":
            return cell
        if cell in (0.0, 1.0):
            return cell == 1.0
        raise _Unsure
    if kind == "boolean" and isinstance(cell, str):
        text = _clean(cell, normalize=True)
        flag = None if text is None else _BOOL_WORDS.get(text.lower())
        if flag is None and cell.strip():
            raise _Unsure
        return flag
    raise _Unsure


def type_single(
    lead: Mapping[str, object],
    events: Sequence[Mapping[str, object]],
    extra_lead_columns: Mapping[str, ExtraKind],
) -> SingleLead | None:
    """A lead's cells (text, float, naive `pd.Timestamp` or None, as a request's
    values are read) typed by the contract's rules without frames; None where
    the contract itself must decide (a defect to report, text to read as a number
    or a time, a value of another kind than its column).
    """
    table, events_table = TABLES["leads"], TABLES["events"]
    if any(name in table.column_names for name in extra_lead_columns):
        return None  # a contract column declared as extra
    try:
        typed: dict[str, Value] = {}
        for col in table.columns:
            if col.name not in lead:
                if col.required:
                    return None
                typed[col.name] = None
                continue
            (typed[col.name],) = _column([lead[col.name]], col)
        for name, kind in extra_lead_columns.items():
            if name not in lead:
                return None  # declared, not given
            typed[name] = _extra(lead[name], kind)
        columns = {
            col.name: _column([e.get(col.name) for e in events], col)
            for col in events_table.columns
        }
    except _Unsure:
        return None
    if any(lead_id != typed["lead_id"] for lead_id in columns["lead_id"]):
        return None
    return SingleLead(
        lead=typed,
        timestamps=np.asarray(columns["timestamp"], dtype=np.int64),
        types=tuple(cast(list[str], columns["type"])),
        details=tuple(cast(list[str | None], columns["detail"])),
        extra_lead_columns=dict(extra_lead_columns),
    )
