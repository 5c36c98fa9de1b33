"""One lead given as plain mappings, typed through the data contract, and back.

`lead_dataset` turns a lead's attributes and events (an API request) into a
one-lead `Dataset` through the same contract checks as a data directory, so a
single lead is scored exactly like a row of a batch; `lead_request` is the
reverse, a lead of a dataset as such a request (the web page's examples).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

import numpy as np
import pandas as pd

from readiness.clock import TIMEZONE
from readiness.data.contract import TABLES, Dataset
from readiness.data.files import ExtraKind, RawTables
from readiness.data.load import validate_and_coerce
from readiness.data.single import SingleLead, single_from_dataset, type_single
from readiness.features.build import EXTRA_PREFIX, sanitize_name
from readiness.model.bundle import Bundle
from readiness.scoring.problems import Said, contract_said, refuse

__all__ = [
    "Cell",
    "extra_attribute_kinds",
    "lead_dataset",
    "lead_request",
    "single_lead",
]


_LEAD_COLUMNS: Final = TABLES["leads"].column_names
_EVENT_COLUMNS: Final = tuple(c for c in TABLES["events"].column_names)


def extra_attribute_kinds(
    attributes: Mapping[str, Any], *, bundle: Bundle
) -> dict[str, ExtraKind]:
    """The kind of each extra lead attribute of a request, as the bundle learned it.

    Names are the declared raw names (the `extra_lead_columns` of the import
    mapping); one the model does not use is a ScoringInputError naming those it
    does.
    """
    reference = (bundle.meta.get("reference") or {}).get("features") or {}
    used = {c: c for c in bundle.feature_names if c.startswith(EXTRA_PREFIX)}
    known = ", ".join(sorted(u.removeprefix(EXTRA_PREFIX) for u in used)[:20])
    kinds: dict[str, ExtraKind] = {}
    problems: dict[str, Said] = {}
    for raw, value in attributes.items():
        name = EXTRA_PREFIX + sanitize_name(raw)
        if name not in used:
            problems[f"lead.attributes.{raw}"] = (
                (
                    f"the model uses no such attribute; it uses {known}",
                    f"モデルはこの属性を使いません。使う属性: {known}",
                )
                if known
                else (
                    "the model uses no lead attributes; leave lead.attributes out",
                    "モデルは追加のリード属性を使いません。"
                    "lead.attributes を省いてください",
                )
            )
            continue
        if (reference.get(name) or {}).get("kind") == "category":
            kinds[raw] = "category"
        elif isinstance(value, bool):
            kinds[raw] = "boolean"
        else:
            kinds[raw] = "numeric"
    if problems:
        raise refuse(problems)
    return kinds


Cell = str | float | pd.Timestamp | None


def lead_dataset(
    lead: Mapping[str, Any],
    events: Sequence[Mapping[str, Any]],
    *,
    lead_id: str = "lead",
    as_of: datetime | None = None,
    extra_lead_columns: Mapping[str, ExtraKind] | None = None,
) -> Dataset:
    """One lead and its events (e.g. an API request) as a typed, validated Dataset.

    `lead` holds leads-table columns (optional ones may be left out; a `lead_id`
    in it wins over the keyword); `created_at` defaults to the earliest event, or
    `as_of`. Values are read like a CSV export (`"1,200"`, `2026/11/03 10:00`,
    `はい`). Every problem — a wrong type, an unknown category or key, a NaN, an
    unparsable timestamp, a missing required attribute — is raised at once as
    ScoringInputError, each with its field path (`lead.employees`,
    `events[2].timestamp`) and how to fix it.
    """
    extras = dict(extra_lead_columns or {})
    return _contract(_read(lead, events, lead_id, as_of, extras), extras)


def single_lead(
    lead: Mapping[str, Any],
    events: Sequence[Mapping[str, Any]],
    *,
    lead_id: str = "lead",
    as_of: datetime | None = None,
    extra_lead_columns: Mapping[str, ExtraKind] | None = None,
) -> SingleLead:
    """`lead_dataset` as plain values, for scoring one lead in milliseconds.

    The same reading of the request, the same contract rules: cells the plain
    rules settle (text, numbers and times already typed, as an API request
    sends them) are typed without frames; anything else — a defect, text to read
    as a number or a time — goes through the contract's own pass, which refuses
    with exactly `lead_dataset`'s problems or types the lead as it does.
    """
    extras = dict(extra_lead_columns or {})
    request = _read(lead, events, lead_id, as_of, extras)
    if not request.problems:
        typed = type_single(request.lead, request.events, extras)
        if typed is not None:
            return typed
    return single_from_dataset(_contract(request, extras))


@dataclass(frozen=True)
class _Request:
    """A request read into cells, with the problems found while reading it."""

    lead: dict[str, Cell]
    events: list[dict[str, Cell]]
    problems: dict[str, Said]  # field path → problem (one per field)
    given: frozenset[str]  # names sent inside lead.attributes


def _read(
    lead: Mapping[str, Any],
    events: Sequence[Mapping[str, Any]],
    lead_id: str,
    as_of: datetime | None,
    extras: Mapping[str, ExtraKind],
) -> _Request:
    if not isinstance(lead, Mapping):
        raise refuse(
            {
                "lead": (
                    "not an object of lead attributes",
                    "リードの属性のオブジェクト（JSON の {…}）ではありません",
                )
            }
        )
    attributes = lead.get("attributes")
    given: frozenset[str] = frozenset()  # names sent inside lead.attributes
    if isinstance(attributes, Mapping):  # declared extra columns, as lead_request
        lead = {**{k: v for k, v in lead.items() if k != "attributes"}, **attributes}
        given = frozenset(map(str, attributes))
    if isinstance(events, str | bytes | Mapping) or not isinstance(events, Sequence):
        raise refuse(
            {
                "events": (
                    "not a list of events",
                    "行動ログの配列（JSON の […]）ではありません",
                )
            }
        )
    problems: dict[str, Said] = {}  # field path → problem (one per field)
    lead_row = _raw_row("lead", lead, (*_LEAD_COLUMNS, *extras), problems, given)
    the_id = lead_row.get("lead_id") or str(lead_id)
    if not str(the_id).strip():
        # said once, for the lead; its events take the default id
        problems["lead.lead_id"] = (
            "blank; give the lead's id or leave it out",
            "空白だけです。リードの id を指定するか、省いてください",
        )
        the_id = str(lead_id)
    lead_row["lead_id"] = the_id
    event_rows = []
    for i, event in enumerate(events):
        if not isinstance(event, Mapping):
            problems[f"events[{i}]"] = (
                "not an object with timestamp, type and detail",
                "timestamp・type・detail を持つオブジェクトではありません",
            )
            continue
        row = _raw_row(f"events[{i}]", event, _EVENT_COLUMNS, problems)
        if row.get("lead_id") not in (None, the_id):
            problems[f"events[{i}].lead_id"] = (
                f"{row['lead_id']!r} is not this lead ({the_id!r}); leave it out",
                f"このリード（{the_id}）の id ではありません。省いてください",
            )
        row["lead_id"] = the_id
        event_rows.append(row)
    if not lead_row.get("created_at") and "lead.created_at" not in problems:
        lead_row["created_at"] = _default_created(event_rows, as_of)
        if lead_row["created_at"] is None:
            problems["lead.created_at"] = (
                "missing; give when the lead came in (there are no events and no "
                "as_of to default to)",
                "ありません。リードを獲得した日時を指定してください（行動ログも as_of "
                "もないため、決められません）",
            )
    return _Request(lead_row, event_rows, problems, given)


def _contract(request: _Request, extras: Mapping[str, ExtraKind]) -> Dataset:
    """The request through the contract's checks: its Dataset, or every problem."""
    problems = dict(request.problems)
    frames = {
        "leads": _frame([request.lead], list(request.lead)),
        "events": _frame(request.events, list(_EVENT_COLUMNS)),
    }
    raw = RawTables.from_frames(frames, extra_lead_columns=extras)
    report, dataset = validate_and_coerce(raw)
    for p in report.errors:
        said = contract_said(p, extras)
        for path in _paths(p.table, p.column, p.rows, request.given):
            # a field already reported (e.g. a NaN, now missing) is reported once
            problems.setdefault(path, said)
    if problems:
        raise refuse(problems)
    return dataset


def _raw_row(
    where: str,
    values: Mapping[str, Any],
    allowed: Sequence[str],
    problems: dict[str, Said],
    attributes: frozenset[str] = frozenset(),
) -> dict[str, Cell]:
    """A mapping's values as cells; wrong kinds of value become problems.

    Text stays text (read like a CSV export), while numbers and times stay typed:
    the contract's parsers take typed columns as they are, which is most of a
    single lead's typing cost. Ids are always text. `attributes` are the names
    sent inside `lead.attributes`, reported at that path.
    """
    row: dict[str, Cell] = {}
    for key, value in values.items():
        name = str(key)
        path = f"{where}.attributes.{name}" if name in attributes else f"{where}.{name}"
        if name not in allowed:
            guess = difflib.get_close_matches(name, allowed, n=1, cutoff=0.75)
            hint = f"did you mean {guess[0]!r}? " if guess else ""
            hint_ja = f"{guess[0]} のことですか？ " if guess else ""
            names = ", ".join(allowed)
            problems[path] = (
                f"not a known field; {hint}use one of {names}",
                f"この項目は使えません。{hint_ja}次のいずれかを使ってください: {names}",
            )
            continue
        cell, problem = _as_cell(value)
        if problem:
            problems[path] = problem
        row[name] = _text(cell) if name == "lead_id" else cell
    return row


def _as_cell(value: Any) -> tuple[Cell, Said | None]:
    """(cell, None) for a usable scalar, (None, why) otherwise."""
    if value is None:
        return None, None
    if isinstance(value, bool | np.bool_):
        return ("true" if value else "false"), None
    if isinstance(value, float | np.floating):
        if math.isnan(value):
            return None, (
                "NaN is not a value; leave the field out or send null",
                "NaN は値ではありません。項目を省くか null を送ってください",
            )
        if math.isinf(value):
            return None, (
                "infinity is not a value; send a finite number",
                "無限大は値ではありません。有限の数値を送ってください",
            )
        return float(value), None
    if isinstance(value, int | np.integer):
        return float(value), None
    if isinstance(value, datetime | date):
        stamp = pd.Timestamp(value)
        if stamp.tzinfo is not None:
            stamp = stamp.tz_convert(TIMEZONE).tz_localize(None)
        return stamp, None
    if isinstance(value, str):
        return value, None
    kind = type(value).__name__
    return None, (
        f"a {kind} is not a single value; send text, a number or a time",
        f"{kind} は一つの値ではありません。文字列・数値・日時のどれかを送ってください",
    )


def _text(cell: Cell) -> str | None:
    """A cell as the text a CSV export would hold."""
    if cell is None or isinstance(cell, str):
        return cell
    if isinstance(cell, pd.Timestamp):
        return cell.isoformat()
    return str(int(cell)) if cell.is_integer() else repr(cell)


def _frame(rows: Sequence[Mapping[str, Cell]], columns: list[str]) -> pd.DataFrame:
    """Rows of cells as a frame: a column of only numbers (or only times) is typed,
    any other column is text, as it would be read from a file."""
    data: dict[str, pd.Series] = {}
    for name in columns:
        cells = [row.get(name) for row in rows]
        given = [c for c in cells if c is not None]
        if given and all(isinstance(c, pd.Timestamp) for c in given):
            stamps = [pd.NaT if c is None else c for c in cells]
            data[name] = pd.Series(stamps, dtype="datetime64[us]")
        elif given and all(isinstance(c, float) for c in given):
            data[name] = pd.Series(cells, dtype="float64")
        else:
            data[name] = pd.Series([_text(c) for c in cells], dtype=object)
    return pd.DataFrame(data, index=pd.RangeIndex(len(rows)))


def _default_created(
    events: Sequence[Mapping[str, Cell]], as_of: datetime | None
) -> pd.Timestamp | None:
    """The earliest event time (naive Asia/Tokyo), else `as_of`, else None."""
    times = []
    for event in events:
        cell = event.get("timestamp")
        if isinstance(cell, str):
            try:
                cell = pd.Timestamp(cell)
            except ValueError:
                continue  # reported by the contract's own check of the column
            if cell.tzinfo is not None:
                cell = cell.tz_convert(TIMEZONE).tz_localize(None)
        if isinstance(cell, pd.Timestamp) and not pd.isna(cell):
            times.append(cell)
    if times:
        return min(times)
    stamp = None if as_of is None else _as_cell(as_of)[0]
    return stamp if isinstance(stamp, pd.Timestamp) else None


def _paths(
    table: str | None,
    column: str | None,
    rows: tuple[int, ...],
    attributes: frozenset[str] = frozenset(),
) -> list[str]:
    suffix = f".{column}" if column else ""
    if table == "leads":
        return [f"lead.attributes{suffix}" if column in attributes else f"lead{suffix}"]
    if table == "events" and rows:
        return [f"events[{r - 1}]{suffix}" for r in rows]
    return [f"{table or 'input'}{suffix}"]


def lead_request(
    dataset: Dataset, lead_id: str, *, as_of: datetime | None = None
) -> dict[str, Any]:
    """A lead of `dataset` as a plain, JSON-ready scoring request.

    `{"lead", "events", "memo", "as_of", "is_rep", "fs_rep"}` — the body of `POST
    /v1/score` — so a lead picked from loaded data is scored exactly like one sent
    by a CRM. A handed-off lead is taken at its toss-up with its memo; an open
    lead as of `as_of` (default: just after its latest event) with no memo.
    Events are those strictly before `as_of`. KeyError for an unknown lead.
    """
    leads = dataset.leads[dataset.leads["lead_id"].astype("str") == str(lead_id)]
    if leads.empty:
        raise KeyError(f"lead {lead_id!r} is not in the data")
    lead = leads.iloc[0]
    handoffs = dataset.handoffs[dataset.handoffs["lead_id"].astype("str") == lead_id]
    events = dataset.events[dataset.events["lead_id"].astype("str") == str(lead_id)]
    memo = is_rep = fs_rep = None
    if as_of is None and len(handoffs):
        handoff = handoffs.iloc[0]
        moment = pd.Timestamp(handoff["tossed_up_at"])
        memo = _plain(handoff.get("memo"))
        is_rep, fs_rep = _plain(handoff.get("is_rep")), _plain(handoff.get("fs_rep"))
    elif as_of is None:
        latest = events["timestamp"].max() if len(events) else lead["created_at"]
        moment = pd.Timestamp(latest) + pd.Timedelta(seconds=1)
    else:
        moment = pd.Timestamp(as_of)
    before = events[events["timestamp"] < moment].sort_values("timestamp")
    # every declared attribute, known or not: an absent one would read as "not sent"
    attributes = {k: _plain(lead[k]) for k in dataset.extra_lead_columns if k in lead}
    return {
        "lead": {
            **{
                k: _plain(v)
                for k, v in lead.items()
                if k in _LEAD_COLUMNS and _plain(v) is not None
            },
            **({"attributes": attributes} if attributes else {}),
        },
        "events": [
            {k: _plain(v) for k, v in e.items() if k != "lead_id"}
            for e in before.to_dict("records")
        ],
        "memo": memo,
        "as_of": moment.isoformat(),
        "is_rep": is_rep,
        "fs_rep": fs_rep,
    }


def _plain(value: Any) -> Any:
    """A cell as a JSON value: numpy scalars unwrapped, NA and blanks → None."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp | datetime):
        return pd.Timestamp(value).isoformat()
    if isinstance(value, str) and not value.strip():
        return None
    return value
