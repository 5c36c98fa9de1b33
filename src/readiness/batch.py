"""Nightly batch scoring of the lead backlog, in chunks, resumable, losing nothing.

Every lead of a data directory is scored with `readiness.scoring.score_points` (the
one scoring function the API also uses):

- a lead handed off and not closed (no outcome) at its toss-up, with its memo
  and reps (`status = handed_off`);
- a lead not handed off "as if tossed up now": at `as_of` (default: the latest
  timestamp in the data plus one second, so the last event counts), with its memo
  draft from `--drafts` if any (`status = open`);
- a closed lead (hand-off with an outcome) is not backlog: skipped and counted,
  unless `include_closed` scores it at its toss-up (`status = closed`).

Leads are processed in chunks (all rows of a lead id in one chunk, events picked
per chunk from one sort), so memory is bounded by the chunk, not the backlog.
Each chunk is validated against the contract on its own: a lead with any error in
its lead row, events or hand-off is rejected with the column and reason, and the
run goes on. Rows in = rows scored + rows rejected (+ closed rows skipped); the
run checks it. Each chunk writes a part file into a hidden work directory beside
the output with a manifest (input fingerprint, model, options, per-chunk counts
and checksums); `resume=True` reuses the parts whose manifest matches and refuses
when inputs, model or options changed. Explanations are computed afterwards only
for the top of the ranking (or all rows, or none); ranks, the summary and the
drift check need the whole backlog, so the output is assembled at the end and
moved into place atomically.
"""

from __future__ import annotations

import hashlib
import json
import math
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from readiness.batch_drift import (
    PSI_NOTICE,
    PSI_WARN,
    add_counts,
    population_stability,
    reference_counts,
)
from readiness.bundle import Bundle
from readiness.contract import (
    PROBLEM_KINDS,
    TABLES,
    Dataset,
    _assemble,
    _check_keys,
    _check_rules,
    _Findings,
    _problem,
    _type_table,
)
from readiness.datastore import (
    TIMEZONE,
    DataFileError,
    RawTables,
    atomic_write_bytes,
    csv_bytes,
    parquet_bytes,
    read_dataset_config,
    read_table_file,
)
from readiness.features import build_features, feature_info
from readiness.scoring import LeadScore, score_points

__all__ = [
    "BatchError",
    "BatchOptions",
    "BatchResult",
    "parse_explain",
    "run_batch",
    "validate_chunk",
]

_TABLES: Final = ("leads", "events", "handoffs", "outcomes")
_MANIFEST: Final = "manifest.json"
_FORMAT: Final = 1  # manifest layout version
REJECT_COLUMNS: Final = ("table", "row", "lead_id", "column", "reason")


class BatchError(Exception):
    """A batch run that cannot start or go on; the message says what to do."""


@dataclass(frozen=True)
class BatchOptions:
    """What a run computes; any change makes earlier parts unusable for `resume`."""

    as_of: datetime | None = None  # naive Asia/Tokyo; None: latest in data + 1 s
    chunk_size: int = 50_000
    explain: str = "top:500"  # "none" | "all" | "top:N"
    include_closed: bool = False
    top_k: int = 3
    drift_sample: int = 50_000  # points whose features are counted for drift


@dataclass
class BatchResult:
    out: Path
    rejects: Path
    summary_path: Path
    summary: dict[str, Any]
    reused_chunks: int = 0


def parse_explain(text: str) -> str:
    """Normalise `none`, `all` or `top:N`; raise BatchError otherwise."""
    value = str(text).strip().lower()
    if value in ("none", "all"):
        return value
    if value.startswith("top:") and value[4:].isdigit():
        return f"top:{int(value[4:])}"
    raise BatchError(
        f"--explain {text!r}: write none, all or top:N (e.g. top:500, the N "
        "highest-ranked leads)"
    )


# --- reading the backlog ---------------------------------------------------------


@dataclass
class _Backlog:
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


def _table_path(data_dir: Path, name: str) -> Path | None:
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


def _read_events(path: Path, encoding: str | None) -> pa.Table:
    if path.suffix == ".parquet":
        try:
            return pq.read_table(path)
        except (pa.ArrowException, OSError) as exc:
            raise BatchError(
                f"{path}: cannot read Parquet: {exc}; re-export the table"
            ) from exc
    frame = _read_frame(path, encoding)
    return pa.Table.from_pandas(frame.astype(object), preserve_index=False)


def _clean_ids(values: pd.Series) -> pd.Series:
    ids = values.astype("string").str.strip()
    return ids.where(ids != "")


def _fingerprint(paths: Sequence[Path]) -> str:
    """Size and modification time of each input file: cheap, and changes with it."""
    digest = hashlib.sha256()
    for p in paths:
        st = p.stat()
        digest.update(f"{p.name}\x1f{st.st_size}\x1f{st.st_mtime_ns}\x1e".encode())
    return digest.hexdigest()[:16]


def _read_backlog(data_dir: Path, drafts_path: Path | None) -> _Backlog:
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise BatchError(f"{data_dir} is not a directory holding leads.csv/.parquet")
    try:
        config = read_dataset_config(data_dir)
    except DataFileError as exc:
        raise BatchError(f"{exc.path}: {exc.message}. {exc.hint}") from exc
    paths = {n: _table_path(data_dir, n) for n in _TABLES}
    if paths["leads"] is None:
        raise BatchError(f"{data_dir}: no leads.csv or leads.parquet; add the table")
    enc = config.encoding
    leads = _read_frame(paths["leads"], enc)
    if "lead_id" not in leads:
        raise BatchError(f"{paths['leads']}: required column lead_id is missing")
    ids = _clean_ids(leads["lead_id"])
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
    return _Backlog(
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


def _latest(backlog: _Backlog) -> datetime:
    """The latest timestamp anywhere in the data: the export moment."""
    from readiness.datastore import parse_datetimes

    stamps: list[pd.Timestamp] = []
    for frame, col in (
        (backlog.leads, "created_at"),
        (backlog.handoffs, "tossed_up_at"),
    ):
        if frame is not None and col in frame:
            parsed = parse_datetimes(frame[col])
            if parsed.notna().any():
                stamps.append(pd.Timestamp(parsed.max()))
    ev = backlog.events
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
    if not stamps:
        raise BatchError(
            "no usable timestamp in the data to score open leads at; pass --as-of"
        )
    return (max(stamps) + pd.Timedelta(seconds=1)).to_pydatetime()


# --- chunk plan ------------------------------------------------------------------


@dataclass
class _Plan:
    n_chunks: int
    lead_rows: list[np.ndarray]  # lead row numbers per chunk
    event_order: np.ndarray | None
    event_bounds: np.ndarray | None  # chunk c's events: order[bounds[c]:bounds[c+1]]
    orphan_events: np.ndarray  # event row numbers whose lead is not in leads
    chunk_of: dict[str, np.ndarray]  # handoffs/outcomes/drafts row → chunk (-1 orphan)


def _plan(backlog: _Backlog, chunk_size: int) -> _Plan:
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
        ids = _clean_ids(frame["lead_id"]).fillna("\x00none").astype("str")
        pos = backlog.uniques.get_indexer(pd.Index(ids))
        chunk_of[name] = np.where(pos >= 0, pos // chunk_size, -1)
    return _Plan(n_chunks, lead_rows, ev_order, ev_bounds, orphans, chunk_of)


def _chunk_frames(
    backlog: _Backlog, plan: _Plan, c: int, only: set[str] | None = None
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
        events = backlog.events.take(pa.array(ev_rows)).to_pandas()
        events.index = ev_rows
        if only is not None:
            keep = _clean_ids(events["lead_id"]).isin(list(only)).to_numpy()
            events = events[keep]
        frames["events"] = events
    for name in ("handoffs", "outcomes", "drafts"):
        frame = getattr(backlog, name)
        if frame is None:
            continue
        picked = frame[plan.chunk_of[name] == c]
        if only is not None:
            picked = picked[_clean_ids(picked["lead_id"]).isin(list(only)).to_numpy()]
        frames[name] = picked
    return frames


# --- validating a chunk ----------------------------------------------------------


class _Recorder(_Findings):
    """The contract's checks, keeping every flagged row (the report keeps ten)."""

    def __init__(self) -> None:
        super().__init__({})
        self.flagged: list[tuple[str, str, str | None, np.ndarray, str]] = []
        self.fatal: list[str] = []

    def add(
        self,
        kind: str,
        at: tuple[str | None, str | None],
        mask: Any = None,
        sample: pd.Series | None = None,
        **fields: Any,
    ) -> None:
        super().add(kind, at, mask, sample, **fields)
        if PROBLEM_KINDS[kind].severity != "error":
            return
        problem = _problem(kind, at, **fields)
        hint = f"; fix: {problem.hint}" if problem.hint else ""
        if mask is None:
            self.fatal.append(f"{problem.where}: {problem.message}{hint}")
            return
        flags = np.asarray(mask, dtype=bool)
        if flags.any() and at[0] is not None:
            self.flagged.append((kind, at[0], at[1], flags, problem.message + hint))


def validate_chunk(
    frames: Mapping[str, pd.DataFrame], extras: Mapping[str, Any]
) -> tuple[Dataset, pd.DataFrame]:
    """Typed Dataset of the good leads, and one reject row per bad row with its reason.

    A lead is rejected (with all its rows) when its lead row, any of its events or
    its hand-off or outcome breaks the contract; `row` is the 1-based row number in
    the table file. Problems that concern the whole table (a missing column) raise
    BatchError: no row of the backlog could be scored.
    """
    numbered = {n: f for n, f in frames.items() if n in _TABLES}
    raw = RawTables.from_frames(
        {n: f.reset_index(drop=True) for n, f in numbered.items()},
        extra_lead_columns=dict(extras),
    )
    found = _Recorder()
    ext = {k: v for k, v in raw.config.extra_lead_columns.items()}
    typed = {n: _type_table(raw, spec, ext, found) for n, spec in TABLES.items()}
    _check_keys(typed, raw, found)
    _check_rules(typed, found)
    fatal = [f for f in found.fatal if "fs_feedback" not in f]
    if fatal:
        raise BatchError("the backlog cannot be scored:\n" + "\n".join(fatal))
    dataset = _assemble(typed, ext)
    rejects: list[dict[str, Any]] = []
    bad_keys: dict[str, str] = {}
    bad_lead_rows: dict[int, str] = {}
    for _kind, table, column, flags, message in found.flagged:
        if table not in numbered:
            continue
        ids = typed[table].frame["lead_id"]
        file_rows = numbered[table].index.to_numpy()
        for i in np.flatnonzero(flags):
            lead = ids.iloc[i]
            where = f"{table}.{column}" if column else table
            value = (
                numbered[table][column].iloc[i] if column in numbered[table] else None
            )
            shown = "" if value is None or value is pd.NA else f" ({str(value)[:60]!r})"
            reason = f"{where}: {message}{shown}"
            if table == "leads":
                bad_lead_rows.setdefault(int(i), reason)
            if isinstance(lead, str):
                bad_keys.setdefault(lead, reason)
            if table != "leads":
                rejects.append(_reject(table, int(file_rows[i]), lead, column, reason))
    lead_ids = typed["leads"].frame["lead_id"]
    lead_rows = numbered["leads"].index.to_numpy()
    for i in range(len(lead_ids)):
        lead = lead_ids.iloc[i]
        reason = bad_lead_rows.get(i) or (
            bad_keys.get(lead) if isinstance(lead, str) else None
        )
        if reason is not None:
            if i not in bad_lead_rows:
                reason = f"{reason} (a row of this lead in another table)"
            rejects.append(_reject("leads", int(lead_rows[i]), lead, None, reason))
    if bad_keys:
        dataset = _without(dataset, set(bad_keys))
    frame = pd.DataFrame(rejects, columns=list(REJECT_COLUMNS))
    return dataset, frame


def _reject(
    table: str, row: int, lead: Any, column: str | None, reason: str
) -> dict[str, Any]:
    return {
        "table": table,
        "row": row + 1,
        "lead_id": lead if isinstance(lead, str) else None,
        "column": column,
        "reason": reason,
    }


def _without(dataset: Dataset, bad: set[str]) -> Dataset:
    frames = {
        name: frame[~frame["lead_id"].isin(bad)].reset_index(drop=True)
        for name, frame in dataset.tables().items()
    }
    return Dataset(**frames, extra_lead_columns=dataset.extra_lead_columns)


# --- scoring a chunk -------------------------------------------------------------


def _points(
    dataset: Dataset,
    drafts: pd.DataFrame | None,
    as_of: datetime,
    include_closed: bool,
) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """Points to score (with status), rejects for leads created after as_of, closed."""
    leads = dataset.leads
    h = dataset.handoffs.set_index("lead_id")
    h = h[h["tossed_up_at"] <= pd.Timestamp(as_of)]
    closed_ids = set(dataset.outcomes["lead_id"]) & set(h.index)
    ids = leads["lead_id"]
    handed = ids.isin(h.index).to_numpy()
    closed = ids.isin(closed_ids).to_numpy()
    late = (~handed & (leads["created_at"] > pd.Timestamp(as_of))).to_numpy()
    rejects = pd.DataFrame(
        [
            _reject(
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
        by_id = drafts.assign(lead_id=_clean_ids(drafts["lead_id"])).drop_duplicates(
            "lead_id", keep="last"
        )
        memo = ids.map(by_id.set_index("lead_id")["memo"]).astype(object)
    hand = h.reindex(ids)
    points = pd.DataFrame(
        {
            "lead_id": ids.to_numpy(),
            "as_of": np.where(
                handed, hand["tossed_up_at"].to_numpy(), np.datetime64(as_of, "us")
            ).astype("datetime64[us]"),
            "memo": np.where(handed, hand["memo"].to_numpy(dtype=object), memo),
            "is_rep": np.where(handed, hand["is_rep"].to_numpy(dtype=object), None),
            "fs_rep": np.where(handed, hand["fs_rep"].to_numpy(dtype=object), None),
            "status": np.where(
                closed, "closed", np.where(handed, "handed_off", "open")
            ),
        }
    )
    n_closed = int((closed & ~late & ~include_closed).sum())
    return points[keep].reset_index(drop=True), rejects, n_closed


def _factors(score: LeadScore, lang: str) -> str:
    label = "label_ja" if lang == "ja" else "label_en"
    return "; ".join(
        f"{getattr(f, label)} ({f.contribution:+.3f})"
        for f in (*score.positive, *score.negative)
    )


def _rows(scores: Sequence[LeadScore], status: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "lead_id": [s.lead_id for s in scores],
            "status": list(status),
            "as_of": pd.to_datetime([s.as_of for s in scores]).astype("datetime64[us]"),
            "probability": np.array([s.probability for s in scores], dtype=np.float64),
            "points": np.array([s.points for s in scores], dtype=np.float64),
            "grade": [s.grade for s in scores],
            "rubric_total": np.array(
                [s.rubric_total for s in scores], dtype=np.float64
            ),
            "rubric_band": [s.rubric_band for s in scores],
            "rubric_band_ja": [s.rubric_band_ja for s in scores],
            "gate_passed": np.array([s.gate_passed for s in scores], dtype=bool),
            "gate_failures": [
                "; ".join(en for _ja, en in s.gate_failures) for s in scores
            ],
            "top_missing": [
                "; ".join(f"{m.element} ({m.gain:+.3f})" for m in s.missing)
                for s in scores
            ],
            "top_missing_ja": [
                "; ".join(f"{m.label_ja} ({m.gain:+.3f})" for m in s.missing)
                for s in scores
            ],
            "top_factors": [_factors(s, "en") for s in scores],
            "top_factors_ja": [_factors(s, "ja") for s in scores],
            "explained": np.array(
                [bool(s.positive or s.negative or s.missing) for s in scores],
                dtype=bool,
            ),
            "model_version": [s.model_version or "" for s in scores],
        }
    )


def _score_chunk(
    frames: Mapping[str, pd.DataFrame],
    *,
    bundle: Bundle,
    extras: Mapping[str, Any],
    as_of: datetime,
    options: BatchOptions,
    drift_step: int,
) -> tuple[pd.DataFrame, pd.DataFrame, int, int, dict[str, list[int]]]:
    """(scored rows, rejects, rows in, closed skipped, drift counts) of one chunk."""
    dataset, rejects = validate_chunk(frames, extras)
    points, late, n_closed = _points(
        dataset, frames.get("drafts"), as_of, options.include_closed
    )
    if len(late):
        rows = frames["leads"]
        key = _clean_ids(rows["lead_id"])
        late["row"] = [int(rows.index[key == lid][0]) + 1 for lid in late["lead_id"]]
        rejects = pd.concat([rejects, late], ignore_index=True)
    explain = options.explain == "all"
    scored = _rows([], [])
    counts: dict[str, list[int]] = {}
    if len(points):
        scores = score_points(
            dataset,
            points.drop(columns="status"),
            bundle=bundle,
            explain=explain,
            top_k=options.top_k,
        )
        scored = _rows(scores, points["status"].tolist())
        reference = bundle.meta.get("reference")
        if reference:
            sample = points.iloc[::drift_step].drop(columns="status")
            features = build_features(dataset, sample, rubric=bundle.rubric)
            counts = reference_counts(features, reference)
    return scored, rejects, len(frames["leads"]), n_closed, counts


# --- the run ---------------------------------------------------------------------


def _bundle_key(bundle: Bundle) -> dict[str, Any]:
    meta = bundle.meta
    return {
        k: meta.get(k)
        for k in (
            "data_fingerprint",
            "trained_at",
            "registered_version",
            "mlflow_run_id",
            "served",
            "git_commit",
        )
    }


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_part(path: Path, frame: pd.DataFrame) -> str:
    data = parquet_bytes(frame, path=path, table=path.stem)
    atomic_write_bytes(path, data)
    return _sha(data)


def _read_part(path: Path, checksum: str) -> pd.DataFrame | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if _sha(data) != checksum:
        return None
    return pq.read_table(pa.BufferReader(data)).to_pandas()


def _save_manifest(work: Path, manifest: Mapping[str, Any]) -> None:
    text = json.dumps(manifest, ensure_ascii=False, indent=1, default=str)
    atomic_write_bytes(work / _MANIFEST, text.encode("utf-8"))


def _load_manifest(work: Path, key: Mapping[str, Any]) -> dict[str, Any] | None:
    path = work / _MANIFEST
    if not path.exists():
        return None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    old = manifest.get("key", {})
    changed = [k for k in key if old.get(k) != key[k]]
    if changed:
        raise BatchError(
            f"cannot resume: {', '.join(changed)} changed since the interrupted run "
            f"(parts in {work}). Run without --resume to start over, or restore the "
            "inputs, model and options of that run."
        )
    return dict(manifest)


def _write_table(frame: pd.DataFrame, path: Path) -> None:
    if path.suffix.lower() == ".csv":
        data = csv_bytes(frame, path=path, table=path.stem, encoding="utf-8")
    else:
        data = parquet_bytes(frame, path=path, table=path.stem)
    atomic_write_bytes(path, data)


def _rank(scored: pd.DataFrame) -> pd.DataFrame:
    order = np.lexsort((scored["lead_id"].to_numpy(dtype=object),
                        -scored["probability"].to_numpy()))  # fmt: skip
    out = scored.iloc[order].reset_index(drop=True)
    out.insert(0, "rank", np.arange(1, len(out) + 1, dtype=np.int64))
    return out


def run_batch(
    data_dir: Path,
    out: Path,
    *,
    bundle: Bundle,
    options: BatchOptions | None = None,
    resume: bool = False,
    drafts: Path | None = None,
    fs_capacity: int | None = None,
    progress: Callable[[int, int], object] | None = None,
) -> BatchResult:
    """Score every lead of `data_dir` into `out` (.parquet or .csv); see the module.

    `progress(done, total)` is called after each chunk (a progress bar, or a test
    that interrupts the run). Rejects go to `<out>.rejects.csv`, the summary to
    `<out>.summary.json`.
    """
    options = options or BatchOptions()
    out = Path(out)
    if out.suffix.lower() not in (".parquet", ".csv"):
        raise BatchError(f"--out {out}: give a .parquet or .csv file name")
    if options.chunk_size < 1:
        raise BatchError(f"chunk size {options.chunk_size}: give 1 or more")
    explain = parse_explain(options.explain)
    options = BatchOptions(**{**asdict(options), "explain": explain})
    out.parent.mkdir(parents=True, exist_ok=True)
    backlog = _read_backlog(Path(data_dir), drafts)
    as_of = options.as_of or _latest(backlog)
    options = BatchOptions(**{**asdict(options), "as_of": as_of})
    plan = _plan(backlog, options.chunk_size)
    n_leads = len(backlog.leads)
    drift_step = max(1, math.ceil(n_leads / max(1, options.drift_sample)))
    work = out.with_name(f".{out.name}.parts")
    key = {
        "format": _FORMAT,
        "inputs": backlog.fingerprint,
        "model": _bundle_key(bundle),
        "options": {k: str(v) for k, v in asdict(options).items()},
        "chunks": plan.n_chunks,
    }
    manifest = _load_manifest(work, key) if resume else None
    if manifest is None:
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        manifest = {"key": key, "parts": {}, "explain": None}
        _save_manifest(work, manifest)

    parts: dict[int, tuple[pd.DataFrame, pd.DataFrame]] = {}
    reused = 0
    for c in range(plan.n_chunks):
        entry = manifest["parts"].get(str(c))
        if entry is not None:
            got = _read_part(work / entry["file"], entry["sha256"])
            rej = _read_part(work / entry["rejects_file"], entry["rejects_sha256"])
            if got is not None and rej is not None:
                parts[c] = (got, rej)
                reused += 1
                if progress:
                    progress(c + 1, plan.n_chunks)
                continue
        frames = _chunk_frames(backlog, plan, c)
        scored, rejects, rows_in, closed, counts = _score_chunk(
            frames,
            bundle=bundle,
            extras=backlog.extras,
            as_of=as_of,
            options=options,
            drift_step=drift_step,
        )
        if rows_in != len(scored) + _lead_rejects(rejects) + closed:
            raise BatchError(
                f"chunk {c}: {rows_in} lead rows in but {len(scored)} scored + "
                f"{_lead_rejects(rejects)} rejected + {closed} closed; this is a bug"
            )
        name = f"part-{c:05d}"
        entry = {
            "file": f"{name}.parquet",
            "rejects_file": f"{name}.rejects.parquet",
            "sha256": _write_part(work / f"{name}.parquet", scored),
            "rejects_sha256": _write_part(work / f"{name}.rejects.parquet", rejects),
            "rows_in": rows_in,
            "scored": len(scored),
            "rejected": _lead_rejects(rejects),
            "closed": closed,
            "drift_counts": counts,
        }
        manifest["parts"][str(c)] = entry
        _save_manifest(work, manifest)
        parts[c] = (scored, rejects)
        if progress:
            progress(c + 1, plan.n_chunks)

    scored = pd.concat([parts[c][0] for c in range(plan.n_chunks)], ignore_index=True)
    ranked = _rank(scored)
    if explain.startswith("top:"):
        ranked = _explain_top(
            ranked, int(explain[4:]), backlog, plan, bundle, options, as_of, work,
            manifest,
        )  # fmt: skip
    orphan_rejects = _orphans(backlog, plan)
    rejects = pd.concat(
        [orphan_rejects, *(parts[c][1] for c in range(plan.n_chunks))],
        ignore_index=True,
    )
    entries = [manifest["parts"][str(c)] for c in range(plan.n_chunks)]
    counts: dict[str, list[int]] = {}
    for e in entries:
        counts = add_counts(counts, e["drift_counts"])
    summary = summarise(
        ranked,
        rows_in=n_leads,
        rows_rejected=sum(e["rejected"] for e in entries),
        rows_closed=sum(e["closed"] for e in entries),
        other_rejects=len(orphan_rejects),
        fs_capacity=fs_capacity,
        drift_counts=counts,
        reference=bundle.meta.get("reference"),
        as_of=as_of,
        model=_bundle_key(bundle),
        options=options,
    )
    rejects_path = out.with_name(out.name + ".rejects.csv")
    summary_path = out.with_name(out.name + ".summary.json")
    _write_table(ranked, out)
    _write_table(rejects, rejects_path)
    text = json.dumps(summary, ensure_ascii=False, indent=2, default=str)
    atomic_write_bytes(summary_path, (text + "\n").encode("utf-8"))
    shutil.rmtree(work, ignore_errors=True)
    return BatchResult(out, rejects_path, summary_path, summary, reused)


def _lead_rejects(rejects: pd.DataFrame) -> int:
    return int((rejects["table"] == "leads").sum()) if len(rejects) else 0


def _orphans(backlog: _Backlog, plan: _Plan) -> pd.DataFrame:
    """Rows of other tables whose lead is not in leads: rejected, not lost."""
    rows: list[dict[str, Any]] = []
    reason = (
        "{t}.lead_id: lead_id not found in leads; fix: add the lead or remove the row"
    )
    if backlog.events is not None and len(plan.orphan_events):
        ids = backlog.events["lead_id"].take(pa.array(plan.orphan_events)).to_pylist()
        for r, lead in zip(plan.orphan_events.tolist(), ids, strict=True):
            rows.append(
                _reject("events", r, lead, "lead_id", reason.format(t="events"))
            )
    for name in ("handoffs", "outcomes", "drafts"):
        frame = getattr(backlog, name)
        if frame is None:
            continue
        for r in np.flatnonzero(plan.chunk_of[name] < 0).tolist():
            lead = frame["lead_id"].iloc[r]
            rows.append(
                _reject(name, r, None if pd.isna(lead) else str(lead), "lead_id",
                        reason.format(t=name))
            )  # fmt: skip
    return pd.DataFrame(rows, columns=list(REJECT_COLUMNS))


def _explain_top(
    ranked: pd.DataFrame,
    n: int,
    backlog: _Backlog,
    plan: _Plan,
    bundle: Bundle,
    options: BatchOptions,
    as_of: datetime,
    work: Path,
    manifest: dict[str, Any],
) -> pd.DataFrame:
    """Explain the `n` highest-ranked rows: re-score them with explanations."""
    top = ranked.head(n)
    if not len(top):
        return ranked
    done = manifest.get("explain")
    explained = None
    if done is not None:
        explained = _read_part(work / done["file"], done["sha256"])
    if explained is None:
        wanted = set(top["lead_id"])
        codes = backlog.uniques.get_indexer(pd.Index(sorted(wanted)))
        pieces = []
        for c in sorted(set((codes // options.chunk_size).tolist())):
            frames = _chunk_frames(backlog, plan, c, only=wanted)
            dataset, _ = validate_chunk(frames, backlog.extras)
            points, _, _ = _points(dataset, frames.get("drafts"), as_of, True)
            points = points[points["lead_id"].isin(wanted)].reset_index(drop=True)
            scores = score_points(
                dataset,
                points.drop(columns="status"),
                bundle=bundle,
                explain=True,
                top_k=options.top_k,
            )
            pieces.append(_rows(scores, points["status"].tolist()))
        explained = pd.concat(pieces, ignore_index=True)
        entry = {"file": "explain.parquet"}
        entry["sha256"] = _write_part(work / "explain.parquet", explained)
        manifest["explain"] = entry
        _save_manifest(work, manifest)
    by_id = explained.set_index("lead_id")
    idx = ranked.index[ranked["lead_id"].isin(by_id.index)]
    ids = ranked.loc[idx, "lead_id"]
    drift = np.abs(
        by_id.loc[ids, "probability"].to_numpy()
        - ranked.loc[idx, "probability"].to_numpy()
    )
    if len(drift) and drift.max() > 1e-9:
        raise BatchError(
            "explaining the top rows gave other probabilities than scoring them "
            f"(max difference {drift.max():.2e}); this is a bug"
        )
    out = ranked.copy()
    for col in ("top_missing", "top_missing_ja", "top_factors", "top_factors_ja",
                "explained"):  # fmt: skip
        out.loc[idx, col] = by_id.loc[ids, col].to_numpy()
    return out


# --- summary ---------------------------------------------------------------------


def summarise(
    ranked: pd.DataFrame,
    *,
    rows_in: int,
    rows_rejected: int,
    rows_closed: int,
    other_rejects: int,
    fs_capacity: int | None,
    drift_counts: Mapping[str, list[int]],
    reference: Mapping[str, Any] | None,
    as_of: datetime,
    model: Mapping[str, Any],
    options: BatchOptions,
) -> dict[str, Any]:
    """Counts, expected wins, the FS capacity cut line and drift, JSON-safe."""
    scored = len(ranked)
    balanced = rows_in == scored + rows_rejected + rows_closed
    p = ranked["probability"]
    by_status = {
        s: {"leads": int((ranked["status"] == s).sum()),
            "expected_wins": round(float(p[ranked["status"] == s].sum()), 2)}
        for s in ("open", "handed_off", "closed")
        if (ranked["status"] == s).any()
    }  # fmt: skip
    summary: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "model": dict(model),
        "rows_in": rows_in,
        "rows_scored": scored,
        "rows_rejected": rows_rejected,
        "rows_closed_skipped": rows_closed,
        "other_rows_rejected": other_rejects,
        "rows_balance": balanced,
        "expected_wins": round(float(p.sum()), 2),
        "by_status": by_status,
        "by_grade": {
            str(k): int(v)
            for k, v in ranked["grade"].value_counts().sort_index().items()
        },
        "by_band": {
            str(k): int(v)
            for k, v in ranked["rubric_band"].value_counts().sort_index().items()
        },
        "options": {k: str(v) for k, v in asdict(options).items()},
    }
    if not balanced:
        raise BatchError(
            f"rows do not add up: {rows_in} in, {scored} scored + {rows_rejected} "
            f"rejected + {rows_closed} closed; this is a bug"
        )
    if fs_capacity is not None:
        open_rows = ranked[ranked["status"] == "open"].head(fs_capacity)
        summary["fs_capacity"] = {
            "capacity": fs_capacity,
            "leads": len(open_rows),
            "expected_wins": round(float(open_rows["probability"].sum()), 2),
            "cut_probability": (
                round(float(open_rows["probability"].iloc[-1]), 4)
                if len(open_rows)
                else None
            ),
            "lead_ids": open_rows["lead_id"].tolist(),
        }
    if reference:
        drift = population_stability(drift_counts, reference)
        summary["drift"] = {
            "reference_rows": reference.get("n"),
            "notice_at": PSI_NOTICE,
            "warn_at": PSI_WARN,
            "features": [{**d.to_dict(), "group": _group(d.feature)} for d in drift],
        }
    else:
        summary["drift"] = None
    return summary


def _group(name: str) -> str:
    try:
        return feature_info(name).group
    except KeyError:
        return "other"


def summary_text(summary: Mapping[str, Any]) -> str:
    """The summary for a terminal, in Japanese and English."""
    lines = [
        f"基準時点 as of {summary['as_of']}",
        f"件数 rows: {summary['rows_in']:,} in = {summary['rows_scored']:,} scored "
        f"+ {summary['rows_rejected']:,} rejected + {summary['rows_closed_skipped']:,} "
        f"closed (skipped) — {'OK' if summary['rows_balance'] else 'MISMATCH'}",
        f"期待受注数 expected wins: {summary['expected_wins']:,.1f}",
    ]
    if summary["other_rows_rejected"]:
        lines.append(
            f"他テーブルの不整合行 other rows rejected (lead not in leads): "
            f"{summary['other_rows_rejected']:,}"
        )
    for s, v in summary["by_status"].items():
        lines.append(
            f"  {s}: {v['leads']:,} leads, expected wins {v['expected_wins']:,.1f}"
        )
    lines.append(
        "グレード grade: "
        + ", ".join(f"{k} {v:,}" for k, v in summary["by_grade"].items())
    )
    lines.append(
        "帯 rubric band: "
        + ", ".join(f"{k} {v:,}" for k, v in summary["by_band"].items())
    )
    cap = summary.get("fs_capacity")
    if cap:
        lines.append(
            f"FS枠 FS capacity {cap['capacity']:,}: hand off the top "
            f"{cap['leads']:,} open "
            f"leads first (cut at p = {cap['cut_probability']}); expected wins "
            f"{cap['expected_wins']:,.1f}"
        )
    drift = summary.get("drift")
    if drift is None:
        lines.append(
            "ドリフト drift: the model bundle carries no training reference; retrain "
            "with this version to enable the check"
        )
    else:
        flagged = [f for f in drift["features"] if f["level"] != "ok"]
        lines.append(
            f"ドリフト drift (PSI vs {drift['reference_rows']:,} training toss-ups): "
            f"{sum(f['level'] == 'warning' for f in flagged)} warnings (≥ "
            f"{drift['warn_at']}), {sum(f['level'] == 'notice' for f in flagged)} "
            f"notices (≥ {drift['notice_at']})"
        )
        for f in flagged[:10]:
            note = (
                " (expected for leads not yet handed off: no memo or rep)"
                if f["group"] in ("memo", "rubric", "reps")
                else ""
            )
            lines.append(f"  {f['level']}: {f['feature']} PSI {f['psi']:.3f}{note}")
    return "\n".join(lines)


def now_tokyo() -> datetime:
    """The current moment, naive Asia/Tokyo (the contract's time)."""
    return pd.Timestamp.now(tz=TIMEZONE).tz_localize(None).floor("s").to_pydatetime()
