"""The backlog of a data directory, read once and cut into chunks of leads.

`read_backlog` reads leads, hand-offs and outcomes whole and events as one Arrow
table; `plan_chunks` gives every lead id a chunk (all rows of an id in one chunk)
and sorts the events by chunk once, so `chunk_frames` picks a chunk's rows without
scanning. `validate_chunk` runs the contract's checks on one chunk and keeps every
flagged row, so one bad lead is rejected with its reason and the others go on.
`backlog_points` decides what each lead is scored as (see `readiness.batch.run`).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from readiness.clock import TIMEZONE
from readiness.data.cells import parse_datetimes
from readiness.data.checks import assemble, check_keys, check_rules, type_table
from readiness.data.contract import TABLES, Dataset
from readiness.data.files import (
    DataFileError,
    RawTables,
    read_dataset_config,
    read_table_file,
)
from readiness.data.findings import PROBLEM_KINDS, At, Findings, problem
from readiness.errors import ReadinessError

TABLE_NAMES: Final = ("leads", "events", "handoffs", "outcomes")
REJECT_COLUMNS: Final = ("table", "row", "lead_id", "column", "reason")


class BatchError(ReadinessError):
    """A batch run that cannot start or go on; the message says what to do."""


# --- reading the backlog ---------------------------------------------------------


@dataclass
class Backlog:
    leads: pd.DataFrame
    lead_key: pd.Series  # cleaned id per lead row ("\x00row<i>" when empty)
    uniques: pd.Index  # lead keys in first-occurrence order
    events: pa.Table | None
    handoffs: pd.DataFrame | None
    outcomes: pd.DataFrame | None
    drafts: pd.DataFrame | None
    extras: dict[str, Any]
    fingerprint: str
    files: list[str] = field(default_factory=list)


def table_path(data_dir: Path, name: str) -> Path | None:
    found = [p for p in (data_dir / f"{name}.parquet", data_dir / f"{name}.csv") if
             p.is_file()]  # fmt: skip
    if len(found) > 1:
        raise BatchError(
            f"{data_dir}: both {name}.parquet and {name}.csv exist; delete the one "
            "that is out of date"
        )
    return found[0] if found else None


def _read_frame(path: Path, encoding: str | None) -> pd.DataFrame:
    try:
        return read_table_file(path, encoding=encoding)[0]
    except DataFileError as exc:
        raise BatchError(f"{exc.path}: {exc.message}. {exc.hint}") from exc


# Few distinct values in many rows: held dictionary-encoded (tens of millions of
# events), decoded per chunk.
_DICTIONARY_COLUMNS: Final = ("type", "detail")


def _read_events(path: Path, encoding: str | None) -> pa.Table:
    if path.suffix == ".parquet":
        try:
            names = pq.read_schema(path).names
            wanted = [c for c in _DICTIONARY_COLUMNS if c in names]
            return pq.read_table(path, read_dictionary=wanted)
        except (pa.ArrowException, OSError) as exc:
            raise BatchError(
                f"{path}: cannot read Parquet: {exc}; re-export the table"
            ) from exc
    table = events_table(_read_frame(path, encoding))
    for name in (c for c in _DICTIONARY_COLUMNS if c in table.column_names):
        i = table.column_names.index(name)
        table = table.set_column(i, name, pc.dictionary_encode(table[name]))
    return table


def events_table(frame: pd.DataFrame) -> pa.Table:
    """The events of a CSV file (cells as text) as the Arrow table the batch holds."""
    return pa.Table.from_pandas(frame.astype(object), preserve_index=False)


def decoded(table: pa.Table) -> pa.Table:
    for i, col in enumerate(table.columns):
        if pa.types.is_dictionary(col.type):
            plain = pc.cast(col, col.type.value_type)
            table = table.set_column(i, table.column_names[i], plain)
    return table


def clean_ids(values: pd.Series) -> pd.Series:
    ids = values.astype("string").str.strip()
    return ids.where(ids != "")


def _fingerprint(paths: Sequence[Path]) -> str:
    """Size and modification time of each input file: cheap, and changes with it."""
    digest = hashlib.sha256()
    for p in paths:
        st = p.stat()
        digest.update(f"{p.name}\x1f{st.st_size}\x1f{st.st_mtime_ns}\x1e".encode())
    return digest.hexdigest()[:16]


def read_backlog(data_dir: Path, drafts_path: Path | None) -> Backlog:
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise BatchError(f"{data_dir} is not a directory holding leads.csv/.parquet")
    try:
        config = read_dataset_config(data_dir)
    except DataFileError as exc:
        raise BatchError(f"{exc.path}: {exc.message}. {exc.hint}") from exc
    paths = {n: table_path(data_dir, n) for n in TABLE_NAMES}
    if paths["leads"] is None:
        raise BatchError(f"{data_dir}: no leads.csv or leads.parquet; add the table")
    enc = config.encoding
    leads = _read_frame(paths["leads"], enc)
    if "lead_id" not in leads:
        raise BatchError(f"{paths['leads']}: required column lead_id is missing")
    ids = clean_ids(leads["lead_id"])
    key = ids.fillna(pd.Series([f"\x00row{i}" for i in range(len(ids))]))
    uniques = pd.Index(pd.unique(key.astype("str")), dtype="str")
    drafts = None
    if drafts_path is not None:
        drafts = _read_frame(Path(drafts_path), enc)
        missing = {"lead_id", "memo"} - set(drafts.columns)
        if missing:
            raise BatchError(
                f"{drafts_path}: needs columns lead_id and memo (missing "
                f"{', '.join(sorted(missing))})"
            )
    used = [p for p in paths.values() if p is not None]
    for extra in (data_dir / "dataset.yaml", drafts_path):
        if extra is not None and Path(extra).is_file():
            used.append(Path(extra))
    return Backlog(
        leads=leads,
        lead_key=key.astype("str"),
        uniques=uniques,
        events=None if paths["events"] is None else _read_events(paths["events"], enc),
        handoffs=None
        if paths["handoffs"] is None
        else _read_frame(paths["handoffs"], enc),
        outcomes=None
        if paths["outcomes"] is None
        else _read_frame(paths["outcomes"], enc),
        drafts=drafts,
        extras=dict(config.extra_lead_columns),
        fingerprint=_fingerprint(used),
        files=[str(p) for p in used],
    )


def latest_timestamp(backlog: Backlog) -> datetime:
    """The latest timestamp anywhere in the data: the export moment."""
    stamp = latest_stamp(backlog.leads, backlog.handoffs, backlog.events)
    if stamp is None:
        raise BatchError(
            "no usable timestamp in the data to score open leads at; pass --as-of"
        )
    return (stamp + pd.Timedelta(seconds=1)).to_pydatetime()


def latest_stamp(
    leads: pd.DataFrame | None, handoffs: pd.DataFrame | None, events: pa.Table | None
) -> pd.Timestamp | None:
    """The latest timestamp of some rows of the tables as read (None: there is none).

    The maximum over parts of the tables is the maximum over the tables, so an
    engine that reads them in parts takes the largest of its parts' answers.
    """
    stamps: list[pd.Timestamp] = []
    for frame, col in ((leads, "created_at"), (handoffs, "tossed_up_at")):
        if frame is not None and col in frame:
            parsed = parse_datetimes(frame[col])
            if parsed.notna().any():
                stamps.append(pd.Timestamp(parsed.max()))
    ev = events
    if ev is not None and "timestamp" in ev.column_names and ev.num_rows:
        col = ev["timestamp"]
        if pa.types.is_timestamp(col.type):
            top = pc.max(col).as_py()
            if top is not None:
                stamp = pd.Timestamp(top)
                if stamp.tzinfo is not None:
                    stamp = stamp.tz_convert(TIMEZONE).tz_localize(None)
                stamps.append(stamp)
        else:
            parsed = parse_datetimes(pd.Series(col.to_pandas()))
            if parsed.notna().any():
                stamps.append(pd.Timestamp(parsed.max()))
    return max(stamps) if stamps else None


# --- chunk plan ------------------------------------------------------------------


@dataclass
class ChunkPlan:
    n_chunks: int
    lead_rows: list[np.ndarray]  # lead row numbers per chunk
    event_order: np.ndarray | None
    event_bounds: np.ndarray | None  # chunk c's events: order[bounds[c]:bounds[c+1]]
    orphan_events: np.ndarray  # event row numbers whose lead is not in leads
    chunk_of: dict[str, np.ndarray]  # handoffs/outcomes/drafts row → chunk (-1 orphan)


def plan_chunks(backlog: Backlog, chunk_size: int) -> ChunkPlan:
    codes = backlog.uniques.get_indexer(pd.Index(backlog.lead_key))
    lead_chunk = codes // chunk_size
    n_chunks = max(1, math.ceil(len(backlog.uniques) / chunk_size))
    order = np.argsort(lead_chunk, kind="stable")
    bounds = np.searchsorted(lead_chunk[order], np.arange(n_chunks + 1))
    lead_rows = [order[bounds[c] : bounds[c + 1]] for c in range(n_chunks)]
    uniq = pa.array(backlog.uniques.to_numpy(dtype=object), type=pa.string())
    ev_order = ev_bounds = None
    orphans = np.zeros(0, dtype=np.int64)
    if backlog.events is not None and "lead_id" in backlog.events.column_names:
        ids = pc.utf8_trim_whitespace(pc.cast(backlog.events["lead_id"], pa.string()))
        pos = pc.index_in(ids, value_set=uniq)
        chunk = pc.fill_null(pc.divide(pos, pa.scalar(chunk_size, pa.int32())), -1)
        chunk_np = np.asarray(chunk.to_numpy(zero_copy_only=False), dtype=np.int64)
        ev_order = np.argsort(chunk_np, kind="stable")
        if len(ev_order) < 2**31:
            ev_order = ev_order.astype(np.int32)
        ev_bounds = np.searchsorted(chunk_np[ev_order], np.arange(-1, n_chunks + 1))
        orphans = np.sort(ev_order[: ev_bounds[1]])
        ev_bounds = ev_bounds[1:]
    chunk_of: dict[str, np.ndarray] = {}
    for name, frame in (
        ("handoffs", backlog.handoffs),
        ("outcomes", backlog.outcomes),
        ("drafts", backlog.drafts),
    ):
        if frame is None:
            continue
        if "lead_id" not in frame:
            raise BatchError(f"{name}: required column lead_id is missing")
        ids = clean_ids(frame["lead_id"]).fillna("\x00none").astype("str")
        pos = backlog.uniques.get_indexer(pd.Index(ids))
        chunk_of[name] = np.where(pos >= 0, pos // chunk_size, -1)
    return ChunkPlan(n_chunks, lead_rows, ev_order, ev_bounds, orphans, chunk_of)


def chunk_frames(
    backlog: Backlog, plan: ChunkPlan, c: int, only: set[str] | None = None
) -> dict[str, pd.DataFrame]:
    """The raw rows of chunk `c` (optionally only some lead keys), row numbers kept."""
    frames: dict[str, pd.DataFrame] = {}
    rows = plan.lead_rows[c]
    if only is not None:
        keys = backlog.lead_key.to_numpy(dtype=object)[rows]
        rows = rows[np.isin(keys, list(only))]
    frames["leads"] = backlog.leads.iloc[np.sort(rows)]
    if backlog.events is not None and plan.event_order is not None:
        assert plan.event_bounds is not None
        ev_rows = np.sort(
            plan.event_order[plan.event_bounds[c] : plan.event_bounds[c + 1]]
        )
        events = decoded(backlog.events.take(pa.array(ev_rows))).to_pandas()
        events.index = ev_rows
        if only is not None:
            keep = clean_ids(events["lead_id"]).isin(list(only)).to_numpy()
            events = events[keep]
        frames["events"] = events
    for name in ("handoffs", "outcomes", "drafts"):
        frame = getattr(backlog, name)
        if frame is None:
            continue
        picked = frame[plan.chunk_of[name] == c]
        if only is not None:
            picked = picked[clean_ids(picked["lead_id"]).isin(list(only)).to_numpy()]
        frames[name] = picked
    return frames


# --- validating a chunk ----------------------------------------------------------


class _Recorder(Findings):
    """The contract's checks, keeping every flagged row (the report keeps ten)."""

    def __init__(self) -> None:
        super().__init__({})
        self.flagged: list[tuple[str, str, str | None, np.ndarray, str]] = []
        self.fatal: list[str] = []

    def add(
        self,
        kind: str,
        at: At,
        mask: Any = None,
        sample: pd.Series | None = None,
        **fields: Any,
    ) -> None:
        super().add(kind, at, mask, sample, **fields)
        if PROBLEM_KINDS[kind].severity != "error":
            return
        found = problem(kind, at, **fields)
        hint = f"; fix: {found.hint}" if found.hint else ""
        if mask is None:
            self.fatal.append(f"{found.where}: {found.message}{hint}")
            return
        flags = np.asarray(mask, dtype=bool)
        if flags.any() and at[0] is not None:
            self.flagged.append((kind, at[0], at[1], flags, found.message + hint))


def validate_chunk(
    frames: Mapping[str, pd.DataFrame], extras: Mapping[str, Any]
) -> tuple[Dataset, pd.DataFrame]:
    """Typed Dataset of the good leads, and one reject row per bad row with its reason.

    A lead is rejected (with all its rows) when its lead row, any of its events or
    its hand-off or outcome breaks the contract; `row` is the 1-based row number in
    the table file. Problems that concern the whole table (a missing column) raise
    BatchError: no row of the backlog could be scored.
    """
    numbered = {n: f for n, f in frames.items() if n in TABLE_NAMES}
    raw = RawTables.from_frames(
        {n: f.reset_index(drop=True) for n, f in numbered.items()},
        extra_lead_columns=dict(extras),
    )
    found = _Recorder()
    ext = {k: v for k, v in raw.config.extra_lead_columns.items()}
    typed = {n: type_table(raw, spec, ext, found) for n, spec in TABLES.items()}
    check_keys(typed, raw, found)
    check_rules(typed, found)
    fatal = [f for f in found.fatal if "fs_feedback" not in f]
    if fatal:
        raise BatchError("the backlog cannot be scored:\n" + "\n".join(fatal))
    dataset = assemble(typed, ext)
    rejects: list[dict[str, Any]] = []
    bad_keys: dict[str, str] = {}
    bad_lead_rows: dict[int, str] = {}
    for _kind, table, column, flags, message in found.flagged:
        if table not in numbered:
            continue
        ids = typed[table].frame["lead_id"]
        file_rows = numbered[table].index.to_numpy()
        for i in np.flatnonzero(flags).tolist():
            lead = ids.iloc[i]
            where = f"{table}.{column}" if column else table
            value = (
                numbered[table][column].iloc[i] if column in numbered[table] else None
            )
            shown = "" if value is None or value is pd.NA else f" ({str(value)[:60]!r})"
            reason = f"{where}: {message}{shown}"
            if table == "leads":
                bad_lead_rows.setdefault(i, reason)
            if isinstance(lead, str):
                bad_keys.setdefault(lead, reason)
            if table != "leads":
                rejects.append(
                    reject_row(table, int(file_rows[i]), lead, column, reason)
                )
    lead_ids = typed["leads"].frame["lead_id"]
    lead_rows = numbered["leads"].index.to_numpy()
    # only the lead rows with a problem of their own or of another table's row
    of_bad = _is_in(lead_ids, bad_keys)
    for i in sorted({*bad_lead_rows, *np.flatnonzero(of_bad).tolist()}):
        lead = lead_ids.iloc[i]
        why: str | None = bad_lead_rows.get(i)
        if why is None and isinstance(lead, str) and lead in bad_keys:
            why = f"{bad_keys[lead]} (a row of this lead in another table)"
        if why is not None:
            rejects.append(reject_row("leads", int(lead_rows[i]), lead, None, why))
    if bad_keys:
        dataset = _without(dataset, set(bad_keys))
    frame = pd.DataFrame(rejects, columns=list(REJECT_COLUMNS))
    return dataset, frame


def reject_row(
    table: str, row: int, lead: Any, column: str | None, reason: str
) -> dict[str, Any]:
    return {
        "table": table,
        "row": row + 1,
        "lead_id": lead if isinstance(lead, str) else None,
        "column": column,
        "reason": reason,
    }


def _is_in(values: pd.Series, members: Collection[Any]) -> np.ndarray:
    """`values.isin(members)` by hashing: pandas' isin on Arrow strings walks
    `members` in Python, which costs seconds on a chunk's worth of lead ids."""
    if not len(members):
        return np.zeros(len(values), dtype=bool)
    keys = pd.Series(list(members), dtype=object).dropna().astype("str").unique()
    found = pd.Index(keys).get_indexer(pd.Index(values.astype("str")))
    return (found >= 0) & values.notna().to_numpy()


def orphan_reject(table: str, row: int, lead: Any) -> dict[str, Any]:
    """The reject of a row whose lead is not in leads (rejected, not lost)."""
    reason = (
        f"{table}.lead_id: lead_id not found in leads; fix: add the lead or remove "
        "the row"
    )
    return reject_row(table, row, lead, "lead_id", reason)


def _without(dataset: Dataset, bad: set[str]) -> Dataset:
    frames = {
        name: frame[~_is_in(frame["lead_id"], bad)].reset_index(drop=True)
        for name, frame in dataset.tables().items()
    }
    return Dataset(**frames, extra_lead_columns=dataset.extra_lead_columns)


def backlog_points(
    dataset: Dataset,
    drafts: pd.DataFrame | None,
    as_of: datetime,
    include_closed: bool,
) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """Points to score (with status), rejects for leads created after as_of, closed."""
    leads = dataset.leads
    h = dataset.handoffs.set_index("lead_id")
    h = h[h["tossed_up_at"] <= pd.Timestamp(as_of)]
    ids = leads["lead_id"]
    handed = _is_in(ids, h.index)
    closed = handed & _is_in(ids, set(dataset.outcomes["lead_id"].dropna().unique()))
    late = ~handed & (leads["created_at"] > pd.Timestamp(as_of)).to_numpy()
    rejects = pd.DataFrame(
        [
            reject_row(
                "leads",
                -1,
                lead,
                "created_at",
                f"leads.created_at: the lead was created after as_of ({as_of:%F %T}); "
                "score it at a later --as-of",
            )
            for lead in ids[late]
        ],
        columns=list(REJECT_COLUMNS),
    )
    keep = ~late & (~closed | include_closed)
    memo = pd.Series([None] * len(ids), dtype=object)
    if drafts is not None and len(drafts):
        by_id = drafts.assign(lead_id=clean_ids(drafts["lead_id"])).drop_duplicates(
            "lead_id", keep="last"
        )
        memo = ids.map(by_id.set_index("lead_id")["memo"]).astype(object)
    hand = h.reindex(ids)
    nobody = np.full(len(ids), None, dtype=object)
    points = pd.DataFrame(
        {
            "lead_id": ids.to_numpy(),
            "as_of": np.where(
                handed, hand["tossed_up_at"].to_numpy(), np.datetime64(as_of, "us")
            ).astype("datetime64[us]"),
            "memo": np.where(handed, hand["memo"].to_numpy(dtype=object), memo),
            "is_rep": np.where(handed, hand["is_rep"].to_numpy(dtype=object), nobody),
            "fs_rep": np.where(handed, hand["fs_rep"].to_numpy(dtype=object), nobody),
            "status": np.where(
                closed, "closed", np.where(handed, "handed_off", "open")
            ),
        }
    )
    n_closed = int((closed & ~late & ~include_closed).sum())
    return points[keep].reset_index(drop=True), rejects, n_closed
