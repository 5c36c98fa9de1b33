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
import multiprocessing
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
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
    chunk_frames,
    latest_timestamp,
    orphan_reject,
    plan_chunks,
    read_backlog,
)
from readiness.batch.chunk import (
    BatchOptions,
    ChunkResult,
    backlog_sizes,
    drift_steps,
    explain_chunk,
    parse_explain,
    score_chunk,
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
from readiness.batch.summary import drift_references, summarise
from readiness.data.write import atomic_write_bytes
from readiness.features.memo import memo_workers
from readiness.features.memo_cache import MemoCache, active_cache, use_memo_cache
from readiness.model.bundle import Bundle
from readiness.model.drift import add_counts
from readiness.scoring.timing_model import TimingModel
from readiness.stopwatch import Stopwatch, stage, use_stopwatch

__all__ = [
    "BatchOptions",
    "BatchResult",
    "assemble",
    "checked_options",
    "parse_explain",
    "run_batch",
]

_FORMAT: Final = 2  # manifest layout version (2: drift counts per population)


@dataclass
class BatchResult:
    out: Path
    rejects: Path
    summary_path: Path
    summary: dict[str, Any]
    reused_chunks: int = 0


def checked_options(
    out: Path, options: BatchOptions | None, timing: TimingModel | None
) -> BatchOptions:
    """The options of a run, normalised; BatchError before any work when unusable."""
    options = options or BatchOptions()
    if Path(out).suffix.lower() not in (".parquet", ".csv"):
        raise BatchError(f"--out {out}: give a .parquet or .csv file name")
    if options.chunk_size < 1:
        raise BatchError(f"chunk size {options.chunk_size}: give 1 or more")
    explain = parse_explain(options.explain)
    if options.timing and timing is None:
        raise BatchError(
            "timing advice needs the timing model: `readiness train` saves it next "
            "to the bundle (or run `readiness timing DATA_DIR` once)"
        )
    return BatchOptions(**{**asdict(options), "explain": explain})


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
    run then keeps the moment of the run it resumes instead of refusing. With
    `workers` > 1 the chunks are scored in that many processes (same output).
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
    options: BatchOptions | None,
    resume: bool,
    drafts: Path | None,
    fs_capacity: int | None,
    as_of_is_now: bool,
    progress: Callable[[int, int], object] | None,
    timing: TimingModel | None,
    workers: int,
    watch: Stopwatch,
) -> BatchResult:
    started = time.perf_counter()
    out = Path(out)
    options = checked_options(out, options, timing)
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
    drift_step = drift_steps(backlog_sizes(backlog, options), options)
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

    results: dict[int, ChunkResult] = {}
    reused = done = 0
    todo: list[int] = []
    for c in range(plan.n_chunks):
        entry = manifest["parts"].get(str(c))
        if entry is not None:
            got = read_part(work / entry["file"], entry["sha256"])
            rej = read_part(work / entry["rejects_file"], entry["rejects_sha256"])
            if got is not None and rej is not None:
                results[c] = ChunkResult(
                    got, rej, entry["rows_in"], entry["closed"], entry["drift_counts"]
                )
                reused += 1
                done += 1
                if progress:
                    progress(done, plan.n_chunks)
                continue
        todo.append(c)

    def finish(c: int, part: ChunkResult) -> None:
        nonlocal done
        part.check_balance(f"chunk {c}")
        name = f"part-{c:05d}"
        with stage("write parts"):
            manifest["parts"][str(c)] = {
                "file": f"{name}.parquet",
                "rejects_file": f"{name}.rejects.parquet",
                "sha256": write_part(work / f"{name}.parquet", part.scored),
                "rejects_sha256": write_part(
                    work / f"{name}.rejects.parquet", part.rejects
                ),
                "rows_in": part.rows_in,
                "scored": len(part.scored),
                "rejected": part.rejected,
                "closed": part.closed,
                "drift_counts": part.drift_counts,
            }
            save_manifest(work, manifest)
        results[c] = part
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
    in_processes = workers > 1 and len(todo) > 1
    if in_processes:
        for c, part, seconds in _in_processes(job, backlog, plan, todo, workers):
            watch.add(seconds)
            finish(c, part)
    else:
        for c in todo:
            with stage("slice chunk"):
                frames = chunk_frames(backlog, plan, c)
            finish(c, job.score(frames))

    def explain_rows(wanted: set[str]) -> pd.DataFrame:
        return _explained_locally(
            wanted, backlog, plan, bundle, options, work, manifest
        )

    result = assemble(
        out,
        results=[results[c] for c in range(plan.n_chunks)],
        orphans=_orphans(backlog, plan),
        explain_rows=explain_rows,
        n_leads=len(backlog.leads),
        bundle=bundle,
        options=options,
        fs_capacity=fs_capacity,
        seconds=lambda: run_seconds(watch, started, workers if in_processes else 1),
    )
    shutil.rmtree(work, ignore_errors=True)
    result.reused_chunks = reused
    return result


def assemble(
    out: Path,
    *,
    results: Sequence[ChunkResult],
    orphans: pd.DataFrame,
    explain_rows: Callable[[set[str]], pd.DataFrame],
    n_leads: int,
    bundle: Bundle,
    options: BatchOptions,
    fs_capacity: int | None,
    seconds: Callable[[], dict[str, Any]] | None = None,
) -> BatchResult:
    """The output of a run from its scored chunks, whichever engine scored them:
    ranked rows (the top explained through `explain_rows(lead ids)`), rejects
    (orphan rows first) and the summary, each written atomically. `seconds()`
    gives the summary's `seconds` (where the run's time went), taken last."""
    if not results:
        raise BatchError("no chunk was scored; this is a bug")
    as_of = options.as_of
    assert as_of is not None
    with stage("rank"):
        ranked = _rank(pd.concat([r.scored for r in results], ignore_index=True))
    if options.explain.startswith("top:"):
        ranked = _explain_top(ranked, int(options.explain[4:]), explain_rows)
    rejects = pd.concat([orphans, *(r.rejects for r in results)], ignore_index=True)
    summary = summarise(
        ranked,
        rows_in=n_leads,
        rows_rejected=sum(r.rejected for r in results),
        rows_closed=sum(r.closed for r in results),
        other_rejects=len(orphans),
        fs_capacity=fs_capacity,
        drift_counts=_total_counts(r.drift_counts for r in results),
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
    # When the scores were made (UTC): what a CRM export calls "updated at".
    summary["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    if seconds is not None:
        summary["seconds"] = seconds()
    text = json.dumps(summary, ensure_ascii=False, indent=2, default=str)
    atomic_write_bytes(summary_path, (text + "\n").encode("utf-8"))
    return BatchResult(out, rejects_path, summary_path, summary)


def run_seconds(watch: Stopwatch, started: float, workers: int) -> dict[str, Any]:
    """Wall seconds of a run and of each stage ("other": bookkeeping between).

    With several worker processes the stages they ran are summed over them, so
    the stages add up to more than the wall time and "other" is not given.
    """
    total = time.perf_counter() - started
    other = max(total - sum(watch.seconds.values()), 0.0)
    return {
        "total": round(total, 2),
        "workers": workers,
        "stages": watch.rounded(),
        "other": round(other, 2) if workers == 1 else None,
    }


# --- chunks in other processes ---------------------------------------------------


@dataclass(frozen=True)
class _ChunkJob:
    """What scoring a chunk needs besides its rows: sent once to each worker."""

    bundle: Bundle
    extras: Mapping[str, Any]
    as_of: datetime
    options: BatchOptions
    drift_step: Mapping[str, int]
    timing: TimingModel | None

    def score(self, frames: Mapping[str, pd.DataFrame]) -> ChunkResult:
        return score_chunk(
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
) -> tuple[ChunkResult, dict[str, float]]:
    watch = Stopwatch()
    with use_memo_cache(_WORKER["cache"]), memo_workers(1), use_stopwatch(watch):
        part = _WORKER["job"].score(frames)
    return part, watch.seconds


def _in_processes(
    job: _ChunkJob,
    backlog: Backlog,
    plan: ChunkPlan,
    todo: Sequence[int],
    workers: int,
) -> Iterator[tuple[int, ChunkResult, dict[str, float]]]:
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
    pending: dict[Future[tuple[ChunkResult, dict[str, float]]], int] = {}

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
                part, seconds = future.result()
                yield c, part, seconds
                submit()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _rank(scored: pd.DataFrame) -> pd.DataFrame:
    order = np.lexsort((scored["lead_id"].to_numpy(dtype=object),
                        -scored["probability"].to_numpy()))  # fmt: skip
    out = scored.iloc[order].reset_index(drop=True)
    out.insert(0, "rank", np.arange(1, len(out) + 1, dtype=np.int64))
    return out


def _total_counts(
    parts: Iterable[Mapping[str, Mapping[str, list[int]]]],
) -> dict[str, dict[str, list[int]]]:
    """Chunks' drift counts added up, per population."""
    total: dict[str, dict[str, list[int]]] = {}
    for counts in parts:
        for name, more in counts.items():
            total[name] = add_counts(total.get(name, {}), more)
    return total


def _orphans(backlog: Backlog, plan: ChunkPlan) -> pd.DataFrame:
    """Rows of other tables whose lead is not in leads: rejected, not lost."""
    rows: list[dict[str, Any]] = []
    if backlog.events is not None and len(plan.orphan_events):
        ids = backlog.events["lead_id"].take(pa.array(plan.orphan_events)).to_pylist()
        for r, lead in zip(plan.orphan_events.tolist(), ids, strict=True):
            rows.append(orphan_reject("events", r, lead))
    for name in ("handoffs", "outcomes", "drafts"):
        frame = getattr(backlog, name)
        if frame is None:
            continue
        for r in np.flatnonzero(plan.chunk_of[name] < 0).tolist():
            lead = frame["lead_id"].iloc[r]
            rows.append(orphan_reject(name, r, None if pd.isna(lead) else str(lead)))
    return pd.DataFrame(rows, columns=list(REJECT_COLUMNS))


def _explained_locally(
    wanted: set[str],
    backlog: Backlog,
    plan: ChunkPlan,
    bundle: Bundle,
    options: BatchOptions,
    work: Path,
    manifest: dict[str, Any],
) -> pd.DataFrame:
    """The `wanted` leads explained, chunk by chunk; kept in the work directory so
    a resumed run does not explain them again."""
    done = manifest.get("explain")
    if done is not None:
        explained = read_part(work / done["file"], done["sha256"])
        if explained is not None:
            return explained
    assert options.as_of is not None
    codes = backlog.uniques.get_indexer(pd.Index(sorted(wanted)))
    pieces = [
        explain_chunk(
            chunk_frames(backlog, plan, c, only=wanted),
            wanted,
            bundle=bundle,
            extras=backlog.extras,
            as_of=options.as_of,
            options=options,
        )
        for c in sorted(set((codes // options.chunk_size).tolist()))
    ]
    explained = pd.concat(pieces, ignore_index=True)
    entry = {"file": "explain.parquet"}
    entry["sha256"] = write_part(work / "explain.parquet", explained)
    manifest["explain"] = entry
    save_manifest(work, manifest)
    return explained


def _explain_top(
    ranked: pd.DataFrame, n: int, explain_rows: Callable[[set[str]], pd.DataFrame]
) -> pd.DataFrame:
    """Explain the `n` highest-ranked rows: re-score them with explanations."""
    top = ranked.head(n)
    if not len(top):
        return ranked
    explained = explain_rows(set(top["lead_id"]))
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
