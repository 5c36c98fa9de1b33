"""Checking raw tables against the contract and typing them, in one pass.

Each table's columns are parsed to their `Dataset` dtypes while every defect is
recorded in a `Findings` (`type_table`); then the keys across tables
(`check_keys`) and the business rules (`check_rules`) are checked, and `assemble`
keeps the usable rows. `readiness.data.load` runs them on a whole directory; the
nightly batch runs them per chunk.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from readiness.data.cells import (
    clean_text,
    is_present,
    parse_bools,
    parse_datetimes,
    parse_numbers,
)
from readiness.data.contract import (
    BOOL_SPELLINGS,
    EXTRA_DTYPES,
    TABLES,
    WEB_PAGE_CATEGORIES,
    Column,
    Dataset,
    Table,
    empty_frame,
)
from readiness.data.files import (
    CONFIG_FILE,
    DATETIME_DTYPE,
    FILE_SUFFIXES,
    ExtraKind,
    RawTables,
)
from readiness.data.findings import At, Findings
from readiness.fields import ELEMENT_KEYS

__all__ = [
    "FUTURE_TOLERANCE",
    "PLAUSIBLE_FROM",
    "PLAUSIBLE_UNTIL",
    "TypedTable",
    "assemble",
    "check_files",
    "check_keys",
    "check_rules",
    "isin",
    "type_table",
]


# Dates outside this window are typos or Excel's zero date, not business history.
PLAUSIBLE_FROM: Final = pd.Timestamp("1990-01-01")
PLAUSIBLE_UNTIL: Final = pd.Timestamp("2100-01-01")
FUTURE_TOLERANCE: Final = pd.Timedelta(days=365)


def isin(values: pd.Series, pool: pd.Series) -> np.ndarray:
    """Membership per row; pyarrow's hash set is ~10x faster than str `Series.isin`."""
    array = pa.array(values.astype("str"), from_pandas=True)
    value_set = pa.array(pool.dropna().astype("str"), from_pandas=True).cast(array.type)
    found = pc.is_in(array, value_set=value_set, skip_nulls=True)
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)


def _guess(name: str, candidates: list[str] | tuple[str, ...], template: str) -> str:
    matches = difflib.get_close_matches(name, candidates, n=1, cutoff=0.75)
    return template.format(matches[0]) if matches else ""


@dataclass(frozen=True, eq=False)
class TypedTable:
    """A table's parsed columns (raw row order) and the rows fit for the Dataset."""

    frame: pd.DataFrame
    keep: np.ndarray
    given: bool
    columns: frozenset[str] = frozenset()  # the columns the file actually had


def _parse_column(
    table: str, col: Column, values: pd.Series, found: Findings
) -> tuple[pd.Series, np.ndarray]:
    """Typed values of one column and the rows that cannot be kept."""
    at: At = (table, col.name)
    present = is_present(values).to_numpy()
    if not col.nullable:
        found.add("empty_id" if col.kind == "id" else "missing_value", at, ~present)
    bad = np.zeros(len(values), dtype=bool)
    parsed: pd.Series
    if col.kind in ("id", "string"):
        parsed = clean_text(values)
    elif col.kind == "text":
        parsed = values.astype("str").fillna("")
        parsed = parsed.where(is_present(parsed), "")
    elif col.kind == "category":
        parsed = clean_text(values, normalize=True).str.lower()
        bad = present & ~parsed.isin(col.allowed).to_numpy()
        allowed = ", ".join(col.allowed)
        found.add("invalid_category", at, bad, values, allowed=allowed)
        parsed = parsed.where(~bad)
    elif col.kind in ("integer", "float"):
        parsed, bad = _parse_number_column(at, col, values, present, found)
    elif col.kind == "boolean":
        parsed = parse_bools(values)
        bad = present & parsed.isna().to_numpy()
        fix = f"write {BOOL_SPELLINGS}"
        found.add("wrong_type", at, bad, values, expected="a boolean", fix=fix)
    elif col.kind == "datetime":
        parsed = parse_datetimes(values)
        bad = present & parsed.isna().to_numpy()
        found.add("invalid_datetime", at, bad, values)
        odd = (parsed < PLAUSIBLE_FROM) | (parsed >= PLAUSIBLE_UNTIL)
        found.add("implausible_date", at, odd, values)
    else:
        parsed, bad = _parse_elements(at, values, found)
    unusable = np.zeros(len(values), dtype=bool) if col.nullable else ~present | bad
    return parsed, unusable


def _parse_number_column(
    at: At, col: Column, values: pd.Series, present: np.ndarray, found: Findings
) -> tuple[pd.Series, np.ndarray]:
    numbers = parse_numbers(values)
    wrong = present & numbers.isna().to_numpy()
    fix = "write plain numbers such as 120 or 1200.5, without units"
    found.add("wrong_type", at, wrong, values, expected="a number", fix=fix)
    fraction = np.zeros(len(values), dtype=bool)
    if col.kind == "integer":
        fraction = (numbers.notna() & (numbers != numbers.round())).to_numpy()
        found.add("not_integer", at, fraction, values)
    negative = (numbers < 0).to_numpy() & col.non_negative
    found.add("negative_value", at, negative, values)
    numbers = numbers.where(~(fraction | negative))
    bad = wrong | fraction | negative
    return (numbers.astype("Int64") if col.kind == "integer" else numbers), bad


def _parse_elements(
    at: At, values: pd.Series, found: Findings
) -> tuple[pd.Series, np.ndarray]:
    """Check `;`-separated element keys and normalise them to contract order."""
    tokens = clean_text(values, normalize=True).str.lower().str.split(";").explode()
    tokens = tokens.str.strip()
    tokens = tokens[tokens.notna() & (tokens != "")]
    known = tokens.isin(ELEMENT_KEYS).to_numpy()
    unknown = pd.Series(tokens[~known].to_numpy(), index=tokens.index[~known])
    first_unknown = unknown.groupby(level=0).first().reindex(range(len(values)))
    bad = first_unknown.notna().to_numpy()
    allowed = ", ".join(ELEMENT_KEYS)
    found.add("unknown_element", at, bad, first_unknown, allowed=allowed)
    order = {key: i for i, key in enumerate(ELEMENT_KEYS)}
    good = pd.DataFrame(
        {"row": tokens.index[known].to_numpy(), "key": tokens[known].to_numpy()}
    ).drop_duplicates()
    good["pos"] = good["key"].map(order)
    joined = good.sort_values(["row", "pos"]).groupby("row")["key"].agg(";".join)
    out = pd.Series("", index=values.index, dtype="str")
    out.loc[joined.index] = joined.astype("str")
    return out, bad


def type_table(
    raw: RawTables, table: Table, extras: Mapping[str, ExtraKind], found: Findings
) -> TypedTable:
    extras = extras if table.name == "leads" else {}
    given = raw.frames.get(table.name)
    if given is None:
        if table.required and table.name not in raw.unreadable:
            found.add("missing_table", (table.name, None))
        return TypedTable(
            empty_frame(table.name, extras), np.zeros(0, dtype=bool), False
        )
    frame = given.reset_index(drop=True)
    frame.columns = pd.Index([str(c) for c in frame.columns])
    n = len(frame)
    if n == 0 and table.required:
        found.add("empty_table", (table.name, None))
    _check_columns(table, list(frame.columns), extras, found)
    keep = np.ones(n, dtype=bool)
    typed: dict[str, pd.Series] = {}
    for col in table.columns:
        if col.name in frame.columns:
            values = frame[col.name]
            typed[col.name], unusable = _parse_column(table.name, col, values, found)
            keep &= ~unusable
        else:
            typed[col.name] = _absent_values(col, n)
            keep &= not col.required
    for name, kind in extras.items():
        typed[name] = _parse_extra(name, kind, frame, found)
    frame_out = pd.DataFrame(typed, index=pd.RangeIndex(n))
    return TypedTable(frame_out, keep, True, frozenset(frame.columns))


def _absent_values(col: Column, n: int) -> pd.Series:
    if col.kind in ("text", "element_list"):
        return pd.Series([""] * n, dtype="str")
    return pd.Series(
        [None] * n, dtype="boolean" if col.kind == "boolean" else col.dtype
    )


def _check_columns(
    table: Table, names: list[str], extras: Mapping[str, ExtraKind], found: Findings
) -> None:
    """Missing, absent-optional and unexpected columns, with misspelling guesses."""
    unexpected = [c for c in names if c not in (*table.column_names, *extras)]
    for col in (c for c in table.columns if c.name not in names):
        kind = "missing_column" if col.required else "absent_column"
        guess = _guess(col.name, unexpected, "is {!r} a misspelling of it? ")
        found.add(kind, (table.name, col.name), guess=guess, meaning=col.meaning)
    for name in (n for n in extras if n not in names):
        found.add("declared_column_missing", (table.name, name))
    use = "it is ignored"
    if table.name == "leads":
        use = (
            f"to use it as a feature, declare it in {CONFIG_FILE} under "
            "extra_lead_columns as numeric, category or boolean; until then it is "
            "ignored"
        )
    for name in unexpected:
        guess = _guess(name, table.column_names, "is it a misspelling of {!r}? ")
        found.add("undeclared_column", (table.name, name), guess=guess, use=use)


def _parse_extra(
    name: str, kind: ExtraKind, frame: pd.DataFrame, found: Findings
) -> pd.Series:
    if name not in frame.columns:
        return pd.Series([None] * len(frame), dtype=EXTRA_DTYPES[kind])
    values = frame[name]
    if kind == "category":
        return clean_text(values)
    parsed = parse_numbers(values) if kind == "numeric" else parse_bools(values)
    bad = is_present(values).to_numpy() & parsed.isna().to_numpy()
    expected = "a number" if kind == "numeric" else "a boolean"
    fix = f"{CONFIG_FILE} declares {name} as {kind}: fix the values or the declaration"
    found.add("wrong_type", ("leads", name), bad, values, expected=expected, fix=fix)
    return parsed


def check_keys(
    typed: Mapping[str, TypedTable], raw: RawTables, found: Findings
) -> None:
    """Duplicate ids, and rows whose lead (or hand-off) does not exist."""
    has_id = {name: "lead_id" in t.columns for name, t in typed.items()}
    for name, t in typed.items():
        if has_id[name] and TABLES[name].column("lead_id").unique:
            ids = t.frame["lead_id"]
            dup = ids.notna() & ids.duplicated(keep=False)
            found.add("duplicate_id", (name, "lead_id"), dup, ids)
            t.keep[(ids.notna() & ids.duplicated(keep="first")).to_numpy()] = False
    lead_ids = typed["leads"].frame["lead_id"].dropna() if has_id["leads"] else None
    handoffs = typed["handoffs"]
    handoff_ids = None
    if "handoffs" not in raw.unreadable and (has_id["handoffs"] or not handoffs.given):
        handoff_ids = handoffs.frame["lead_id"].dropna()
    no_table = "" if handoffs.given else " (there is no handoffs table)"
    for name in ("events", "handoffs", "outcomes", "fs_feedback"):
        if not has_id[name]:
            continue
        ids = typed[name].frame["lead_id"]
        unknown = np.zeros(len(ids), dtype=bool)
        if lead_ids is not None:
            unknown = ids.notna().to_numpy() & ~isin(ids, lead_ids)
            found.add("unknown_lead", (name, "lead_id"), unknown, ids)
        if TABLES[name].column("lead_id").references == "handoffs" and (
            handoff_ids is not None
        ):
            orphan = ids.notna().to_numpy() & ~isin(ids, handoff_ids) & ~unknown
            what = "outcome" if name == "outcomes" else "feedback"
            at = (name, "lead_id")
            found.add("no_handoff", at, orphan, ids, what=what, no_table=no_table)


def _by_lead(t: TypedTable, column: str) -> pd.Series:
    if not len(t.frame):  # e.g. a single lead's request: no hand-offs
        return pd.Series(dtype=t.frame[column].dtype)
    frame = t.frame.dropna(subset=["lead_id"]).drop_duplicates("lead_id")
    return pd.Series(frame[column].to_numpy(), index=frame["lead_id"].to_numpy())


def _lookup(ids: pd.Series, by_lead: pd.Series) -> pd.Series:
    values = by_lead.reindex(ids.to_numpy()).to_numpy()
    return pd.Series(values, index=ids.index).astype(DATETIME_DTYPE)


def check_rules(typed: Mapping[str, TypedTable], found: Findings) -> None:
    """Business rules across tables: time order, outcomes, events, memos."""
    leads, events, handoffs, outcomes = (
        typed[n] for n in ("leads", "events", "handoffs", "outcomes")
    )
    created = _by_lead(leads, "created_at")
    tossed = _by_lead(handoffs, "tossed_up_at")
    if outcomes.given and len(outcomes.frame):
        o = outcomes.frame
        # closed_at is often a bare date: a same-day close is not before the toss-up.
        toss_day = _lookup(o["lead_id"], tossed).dt.floor("D")
        found.add("closed_before_toss_up", ("outcomes", "closed_at"),
                  o["closed_at"] < toss_day)  # fmt: skip
        won = o["won"].fillna(False).to_numpy(dtype=bool)
        held = o["meeting_held"].fillna(True).to_numpy(dtype=bool)
        found.add("won_without_meeting", ("outcomes", "won"), won & ~held)
        reason = (o["loss_reason"].str.strip() != "").to_numpy()
        found.add("loss_reason_on_won", ("outcomes", "loss_reason"), won & reason)
    if handoffs.given and len(handoffs.frame):
        h = handoffs.frame
        made_day = _lookup(h["lead_id"], created).dt.floor("D")
        early = h["tossed_up_at"].dt.floor("D") < made_day
        found.add("handoff_before_lead", ("handoffs", "tossed_up_at"), early)
        if "memo" in handoffs.columns and not (h["memo"] != "").any():
            found.add("empty_memos", ("handoffs", "memo"))
    if events.given and len(events.frame):
        anchors = [s for s in (created, tossed) if s.notna().any()]
        _check_events(events.frame, anchors, found)


def _check_events(e: pd.DataFrame, anchors: list[pd.Series], found: Findings) -> None:
    if anchors:
        latest = max(pd.Timestamp(s.max()) for s in anchors)
        late = e["timestamp"] > latest + FUTURE_TOLERANCE
        at = ("events", "timestamp")
        found.add("future_timestamp", at, late, e["timestamp"], latest=f"{latest:%F}")
    dup = e["lead_id"].notna() & e.duplicated(keep="first")
    found.add("duplicate_event", ("events", None), dup)
    detail = e["detail"].str.lower()
    odd = (e["type"] == "web_visit") & detail.notna()
    odd &= ~detail.isin(WEB_PAGE_CATEGORIES)
    allowed = ", ".join(WEB_PAGE_CATEGORIES)
    found.add("unknown_page_category", ("events", "detail"), odd, e["detail"],
              allowed=allowed)  # fmt: skip


def check_files(raw: RawTables, found: Findings) -> None:
    for fp in raw.file_problems:
        detail = f"{fp.path.name}: {fp.message}"
        found.add(fp.kind, (fp.table, None), detail=detail, fix=fp.hint)
    names = [f"{n}{s}" for n in TABLES for s in FILE_SUFFIXES.values()]
    for path in raw.unknown_files:
        guess = _guess(path.name, names, "did you mean {}? ")
        found.add("unknown_file", (None, None), file=path.name, guess=guess)


def assemble(
    typed: Mapping[str, TypedTable], extras: Mapping[str, ExtraKind]
) -> Dataset:
    """Keep usable rows whose lead (or hand-off) was kept too."""
    frames: dict[str, pd.DataFrame] = {}
    for name, spec in TABLES.items():
        t = typed[name]
        keep = t.keep.copy()
        parent = spec.column("lead_id").references
        if parent is not None and len(keep):
            keep &= isin(t.frame["lead_id"], frames[parent]["lead_id"])
        frame = t.frame[keep].reset_index(drop=True) if len(keep) else t.frame.copy()
        for col in (c for c in spec.columns if c.kind == "boolean"):
            frame[col.name] = frame[col.name].fillna(False).astype("bool")
        frames[name] = frame
    return Dataset(**frames, extra_lead_columns=dict(extras))
