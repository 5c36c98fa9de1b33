"""Nightly batch scoring of the lead backlog, in chunks, resumable, losing nothing.

Every lead of a data directory is scored with
`readiness.scoring.score.score_points` (the one scoring function the API also uses):

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

import json
import math
import multiprocessing
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa

from readiness.batch.backlog import (
    REJECT_COLUMNS,
    Backlog,
    BatchError,
    ChunkPlan,
    backlog_points,
    chunk_frames,
    clean_ids,
    latest_timestamp,
    plan_chunks,
    read_backlog,
    reject_row,
    validate_chunk,
)
from readiness.batch.parts import (
    bundle_key,
    load_manifest,
    read_part,
    resumed_as_of,
    save_manifest,
    write_part,
    write_table,
)
from readiness.batch.summary import (
    drift_references,
    population_of,
    summarise,
)
from readiness.data.contract import Dataset
from readiness.data.write import atomic_write_bytes
from readiness.features.build import build_features
from readiness.features.memo import memo_workers
from readiness.features.memo_cache import MemoCache, active_cache, use_memo_cache
from readiness.model.bundle import Bundle
from readiness.model.drift import add_counts, reference_counts
from readiness.scoring.results import LeadScore, score_table
from readiness.scoring.score import score_points
from readiness.scoring.timing import recommend
from readiness.scoring.timing_model import TimingModel
from readiness.stopwatch import Stopwatch, stage, use_stopwatch

__all__ = ["BatchOptions", "BatchResult", "parse_explain", "run_batch"]

_FORMAT: Final = 2  # manifest layout version (2: drift counts per population)


@dataclass(frozen=True)
class BatchOptions:
    """What a run computes; any change makes earlier parts unusable for `resume`."""

    as_of: datetime | None = None  # naive Asia/Tokyo; None: latest in data + 1 s
    chunk_size: int = 50_000
    explain: str = "top:500"  # "none" | "all" | "top:N"
    include_closed: bool = False
    top_k: int = 3
    drift_sample: int = 10_000  # points whose features are counted for drift
    timing: bool = False  # timing advice for the open leads (needs a timing model)


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


# --- scoring a chunk -------------------------------------------------------------


def _rows(scores: Sequence[LeadScore], status: Sequence[str]) -> pd.DataFrame:
    rows = score_table(scores)
    rows.insert(1, "status", list(status))
    return rows


def _score_chunk(
    frames: Mapping[str, pd.DataFrame],
    *,
    bundle: Bundle,
    extras: Mapping[str, Any],
    as_of: datetime,
    options: BatchOptions,
    drift_step: Mapping[str, int],
    timing: TimingModel | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, int, int, dict[str, dict[str, list[int]]]]:
    """(scored rows, rejects, rows in, closed skipped, drift counts) of one chunk."""
    with stage("validate"):
        dataset, rejects = validate_chunk(frames, extras)
    with stage("backlog points"):
        points, late, n_closed = backlog_points(
            dataset, frames.get("drafts"), as_of, options.include_closed
        )
    if len(late):
        rows = frames["leads"]
        key = clean_ids(rows["lead_id"])
        late["row"] = [int(rows.index[key == lid][0]) + 1 for lid in late["lead_id"]]
        rejects = pd.concat([rejects, late], ignore_index=True)
    explain = options.explain == "all"
    scored = _rows([], [])
    counts: dict[str, dict[str, list[int]]] = {}
    if len(points):
        with stage("scoring (rest)"):
            scores = score_points(
                dataset,
                points.drop(columns="status"),
                bundle=bundle,
                explain=explain,
                top_k=options.top_k,
            )
        with stage("result rows"):
            scored = _rows(scores, points["status"].tolist())
        if timing is not None:
            with stage("timing advice"):
                scored = _with_timing(scored, dataset, points, bundle, timing)
        with stage("drift sample"):
            counts = _drift_counts(dataset, points, bundle, drift_step)
    return scored, rejects, len(frames["leads"]), n_closed, counts


def _drift_counts(
    dataset: Dataset, points: pd.DataFrame, bundle: Bundle, step: Mapping[str, int]
) -> dict[str, dict[str, list[int]]]:
    """Drift counts of a sample of the points, per population the bundle has a
    reference for (hand-offs and open leads; or "all" with an older bundle)."""
    references = drift_references(bundle.meta)
    population = population_of(points["status"], references)
    out: dict[str, dict[str, list[int]]] = {}
    for name, reference in references.items():
        rows = points[(population == name).to_numpy()]
        sample = rows.iloc[:: step.get(name, 1)].drop(columns="status")
        if len(sample):
            features = build_features(dataset, sample, rubric=bundle.rubric)
            out[name] = reference_counts(features, reference)
    return out


TIMING_COLUMNS: Final = ("timing_action", "timing_action_ja", "timing_next_element")


def _with_timing(
    scored: pd.DataFrame,
    dataset: Dataset,
    points: pd.DataFrame,
    bundle: Bundle,
    timing: TimingModel,
) -> pd.DataFrame:
    """The timing advice of each open lead (blank for leads already handed off)."""
    out = scored.assign(**{c: "" for c in TIMING_COLUMNS})
    open_rows = np.flatnonzero(points["status"].to_numpy() == "open")
    if not len(open_rows):
        return out
    chosen = points.iloc[open_rows].drop(columns="status").reset_index(drop=True)
    advice = recommend(dataset, chosen, bundle=bundle, timing=timing)
    nxt = [a.next_element.element if a.next_element else "" for a in advice]
    out.loc[out.index[open_rows], "timing_action"] = [a.action for a in advice]
    out.loc[out.index[open_rows], "timing_action_ja"] = [a.action_ja for a in advice]
    out.loc[out.index[open_rows], "timing_next_element"] = nxt
    return out


# --- chunks in other processes ---------------------------------------------------

_ChunkResult = tuple[
    pd.DataFrame, pd.DataFrame, int, int, dict[str, dict[str, list[int]]]
]


@dataclass(frozen=True)
class _ChunkJob:
    """What scoring a chunk needs besides its rows: sent once to each worker."""

    bundle: Bundle
    extras: Mapping[str, Any]
    as_of: datetime
    options: BatchOptions
    drift_step: Mapping[str, int]
    timing: TimingModel | None

    def score(self, frames: Mapping[str, pd.DataFrame]) -> _ChunkResult:
        return _score_chunk(
            frames,
            bundle=self.bundle,
            extras=self.extras,
            as_of=self.as_of,
            options=self.options,
            drift_step=self.drift_step,
            timing=self.timing,
        )


_WORKER: dict[str, Any] = {}  # a worker process's job and memo cache


def _start_worker(job: _ChunkJob, cache_path: Path | None) -> None:
    _WORKER["job"] = job
    _WORKER["cache"] = MemoCache(cache_path)  # its own connection to the file


def _score_in_worker(
    frames: Mapping[str, pd.DataFrame],
) -> tuple[_ChunkResult, dict[str, float]]:
    watch = Stopwatch()
    with use_memo_cache(_WORKER["cache"]), memo_workers(1), use_stopwatch(watch):
        result = _WORKER["job"].score(frames)
    return result, watch.seconds


def _in_processes(
    job: _ChunkJob,
    backlog: Backlog,
    plan: ChunkPlan,
    todo: Sequence[int],
    workers: int,
) -> Iterator[tuple[int, _ChunkResult, dict[str, float]]]:
    """Score the chunks `todo` in `workers` processes, yielding each as it ends.

    Validation, features and memo parsing are Python holding the GIL: processes,
    not threads. "forkserver" starts clean ones (forking a process that has run
    LightGBM's OpenMP threads can hang the child). At most `workers + 1` chunks'
    rows are in flight, so memory stays bounded by the chunk size.
    """
    context = multiprocessing.get_context("forkserver")
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(job, active_cache().path),
    )
    queue = iter(todo)
    pending: dict[Future[tuple[_ChunkResult, dict[str, float]]], int] = {}

    def submit() -> None:
        c = next(queue, None)
        if c is not None:
            with stage("slice chunk"):
                frames = chunk_frames(backlog, plan, c)
            pending[pool.submit(_score_in_worker, frames)] = c

    try:
        for _ in range(workers + 1):
            submit()
        while pending:
            with stage("waiting for workers"):
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                c = pending.pop(future)
                result, seconds = future.result()
                yield c, result, seconds
                submit()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


# --- the run ---------------------------------------------------------------------


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
    as_of_is_now: bool = False,
    progress: Callable[[int, int], object] | None = None,
    timing: TimingModel | None = None,
    workers: int = 1,
) -> BatchResult:
    """Score every lead of `data_dir` into `out` (.parquet or .csv); see the module.

    `progress(done, total)` is called after each chunk (a progress bar, or a test
    that interrupts the run). Rejects go to `<out>.rejects.csv`, the summary to
    `<out>.summary.json`. `as_of_is_now` says `options.as_of` was "now": a resumed
    run then keeps the moment of the run it resumes instead of refusing.
    """
    watch = Stopwatch()
    with use_stopwatch(watch):
        return _run_batch(
            data_dir,
            out,
            bundle=bundle,
            options=options,
            resume=resume,
            drafts=drafts,
            fs_capacity=fs_capacity,
            as_of_is_now=as_of_is_now,
            progress=progress,
            timing=timing,
            workers=workers,
            watch=watch,
        )


def _run_batch(
    data_dir: Path,
    out: Path,
    *,
    bundle: Bundle,
    options: BatchOptions | None = None,
    resume: bool = False,
    drafts: Path | None = None,
    fs_capacity: int | None = None,
    as_of_is_now: bool = False,
    progress: Callable[[int, int], object] | None = None,
    timing: TimingModel | None = None,
    workers: int,
    watch: Stopwatch,
) -> BatchResult:
    started = time.perf_counter()
    options = options or BatchOptions()
    out = Path(out)
    if out.suffix.lower() not in (".parquet", ".csv"):
        raise BatchError(f"--out {out}: give a .parquet or .csv file name")
    if options.chunk_size < 1:
        raise BatchError(f"chunk size {options.chunk_size}: give 1 or more")
    explain = parse_explain(options.explain)
    options = BatchOptions(**{**asdict(options), "explain": explain})
    if options.timing and timing is None:
        raise BatchError(
            "timing advice needs the timing model: `readiness train` saves it next "
            "to the bundle (or run `readiness timing DATA_DIR` once)"
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    with stage("read"):
        backlog = read_backlog(Path(data_dir), drafts)
    work = out.with_name(f".{out.name}.parts")
    as_of = options.as_of or latest_timestamp(backlog)
    if as_of_is_now and resume:
        as_of = resumed_as_of(work) or as_of
    options = BatchOptions(**{**asdict(options), "as_of": as_of})
    with stage("read"):
        plan = plan_chunks(backlog, options.chunk_size)
    n_leads = len(backlog.leads)
    drift_step = _drift_steps(backlog, options)
    key = {
        "format": _FORMAT,
        "inputs": backlog.fingerprint,
        "model": bundle_key(bundle),
        "options": {k: str(v) for k, v in asdict(options).items()},
        "chunks": plan.n_chunks,
    }
    manifest = load_manifest(work, key) if resume else None
    if manifest is None:
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        manifest = {"key": key, "parts": {}, "explain": None}
        save_manifest(work, manifest)

    parts: dict[int, tuple[pd.DataFrame, pd.DataFrame]] = {}
    reused = done = 0
    todo: list[int] = []
    for c in range(plan.n_chunks):
        entry = manifest["parts"].get(str(c))
        if entry is not None:
            got = read_part(work / entry["file"], entry["sha256"])
            rej = read_part(work / entry["rejects_file"], entry["rejects_sha256"])
            if got is not None and rej is not None:
                parts[c] = (got, rej)
                reused += 1
                done += 1
                if progress:
                    progress(done, plan.n_chunks)
                continue
        todo.append(c)

    def finish(c: int, result: _ChunkResult) -> None:
        nonlocal done
        scored, rejects, rows_in, closed, counts = result
        if rows_in != len(scored) + _lead_rejects(rejects) + closed:
            raise BatchError(
                f"chunk {c}: {rows_in} lead rows in but {len(scored)} scored + "
                f"{_lead_rejects(rejects)} rejected + {closed} closed; this is a bug"
            )
        name = f"part-{c:05d}"
        with stage("write parts"):
            sha = write_part(work / f"{name}.parquet", scored)
            rejects_sha = write_part(work / f"{name}.rejects.parquet", rejects)
            manifest["parts"][str(c)] = {
                "file": f"{name}.parquet",
                "rejects_file": f"{name}.rejects.parquet",
                "sha256": sha,
                "rejects_sha256": rejects_sha,
                "rows_in": rows_in,
                "scored": len(scored),
                "rejected": _lead_rejects(rejects),
                "closed": closed,
                "drift_counts": counts,
            }
            save_manifest(work, manifest)
        parts[c] = (scored, rejects)
        done += 1
        if progress:
            progress(done, plan.n_chunks)

    job = _ChunkJob(
        bundle=bundle,
        extras=dict(backlog.extras),
        as_of=as_of,
        options=options,
        drift_step=drift_step,
        timing=timing if options.timing else None,
    )
    if workers > 1 and len(todo) > 1:
        for c, result, seconds in _in_processes(job, backlog, plan, todo, workers):
            watch.add(seconds)
            finish(c, result)
    else:
        for c in todo:
            with stage("slice chunk"):
                frames = chunk_frames(backlog, plan, c)
            finish(c, job.score(frames))

    with stage("rank"):
        scored = pd.concat(
            [parts[c][0] for c in range(plan.n_chunks)], ignore_index=True
        )
        ranked = _rank(scored)
        del scored
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
    parts.clear()
    entries = [manifest["parts"][str(c)] for c in range(plan.n_chunks)]
    drift_counts = _total_counts(e["drift_counts"] for e in entries)
    summary = summarise(
        ranked,
        rows_in=n_leads,
        rows_rejected=sum(e["rejected"] for e in entries),
        rows_closed=sum(e["closed"] for e in entries),
        other_rejects=len(orphan_rejects),
        fs_capacity=fs_capacity,
        drift_counts=drift_counts,
        references=drift_references(bundle.meta),
        as_of=as_of,
        model=bundle_key(bundle),
        options=options,
    )
    rejects_path = out.with_name(out.name + ".rejects.csv")
    summary_path = out.with_name(out.name + ".summary.json")
    with stage("write output"):
        write_table(ranked, out)
        write_table(rejects, rejects_path)
    summary["seconds"] = _seconds(watch, started, workers if len(todo) > 1 else 1)
    text = json.dumps(summary, ensure_ascii=False, indent=2, default=str)
    atomic_write_bytes(summary_path, (text + "\n").encode("utf-8"))
    shutil.rmtree(work, ignore_errors=True)
    return BatchResult(out, rejects_path, summary_path, summary, reused)


def _seconds(watch: Stopwatch, started: float, workers: int) -> dict[str, Any]:
    """Wall seconds of the run and of each stage ("other": bookkeeping between).

    With several worker processes the stages they ran are summed over them, so
    the stages add up to more than the wall time.
    """
    total = time.perf_counter() - started
    stages = watch.rounded()
    return {
        "total": round(total, 2),
        "workers": workers,
        "stages": stages,
        "other": round(max(total - sum(watch.seconds.values()), 0.0), 2)
        if workers == 1
        else None,
    }


def _drift_steps(backlog: Backlog, options: BatchOptions) -> dict[str, int]:
    """Every k-th point per population, so each gives about `drift_sample` points."""
    handed = closed = pd.Index([], dtype="str")
    if backlog.handoffs is not None and "lead_id" in backlog.handoffs:
        handed = pd.Index(clean_ids(backlog.handoffs["lead_id"]).dropna().unique())
    if backlog.outcomes is not None and "lead_id" in backlog.outcomes:
        closed = pd.Index(clean_ids(backlog.outcomes["lead_id"]).dropna().unique())
    scored_handed = handed if options.include_closed else handed.difference(closed)
    sizes = {
        "all": len(backlog.leads),
        "handed_off": int(backlog.uniques.isin(scored_handed).sum()),
        "open": int((~backlog.uniques.isin(handed)).sum()),
    }
    return {
        k: max(1, math.ceil(n / max(1, options.drift_sample))) for k, n in sizes.items()
    }


def _total_counts(
    parts: Iterable[Mapping[str, Mapping[str, list[int]]]],
) -> dict[str, dict[str, list[int]]]:
    """Chunks' drift counts added up, per population."""
    total: dict[str, dict[str, list[int]]] = {}
    for counts in parts:
        for name, more in counts.items():
            total[name] = add_counts(total.get(name, {}), more)
    return total


def _lead_rejects(rejects: pd.DataFrame) -> int:
    return int((rejects["table"] == "leads").sum()) if len(rejects) else 0


def _orphans(backlog: Backlog, plan: ChunkPlan) -> pd.DataFrame:
    """Rows of other tables whose lead is not in leads: rejected, not lost."""
    rows: list[dict[str, Any]] = []
    reason = (
        "{t}.lead_id: lead_id not found in leads; fix: add the lead or remove the row"
    )
    if backlog.events is not None and len(plan.orphan_events):
        ids = backlog.events["lead_id"].take(pa.array(plan.orphan_events)).to_pylist()
        for r, lead in zip(plan.orphan_events.tolist(), ids, strict=True):
            rows.append(
                reject_row("events", r, lead, "lead_id", reason.format(t="events"))
            )
    for name in ("handoffs", "outcomes", "drafts"):
        frame = getattr(backlog, name)
        if frame is None:
            continue
        for r in np.flatnonzero(plan.chunk_of[name] < 0).tolist():
            lead = frame["lead_id"].iloc[r]
            rows.append(
                reject_row(name, r, None if pd.isna(lead) else str(lead), "lead_id",
                        reason.format(t=name))
            )  # fmt: skip
    return pd.DataFrame(rows, columns=list(REJECT_COLUMNS))


def _explain_top(
    ranked: pd.DataFrame,
    n: int,
    backlog: Backlog,
    plan: ChunkPlan,
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
        explained = read_part(work / done["file"], done["sha256"])
    if explained is None:
        wanted = set(top["lead_id"])
        codes = backlog.uniques.get_indexer(pd.Index(sorted(wanted)))
        pieces = []
        for c in sorted(set((codes // options.chunk_size).tolist())):
            frames = chunk_frames(backlog, plan, c, only=wanted)
            dataset, _ = validate_chunk(frames, backlog.extras)
            points, _, _ = backlog_points(dataset, frames.get("drafts"), as_of, True)
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
        entry["sha256"] = write_part(work / "explain.parquet", explained)
        manifest["explain"] = entry
        save_manifest(work, manifest)
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
    for col in ("top_missing", "top_missing_ja", "top_missing_effects",
                "top_factors", "top_factors_ja", "explained"):  # fmt: skip
        out.loc[idx, col] = by_id.loc[ids, col].to_numpy()
    return out
