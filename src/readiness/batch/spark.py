"""The backlog scored on Spark: the one chunk function on every executor.

There is one definition of validation, backlog points, features (the numpy
kernel of `readiness.features`), memo reading and scoring: `score_chunk`, the
function the local engine runs on each chunk. Spark only distributes it:

1. each contract table is read by Spark (Parquet or CSV), every row tagged with
   its table, its row number in the file and a bucket computed from its cleaned
   lead id, so all rows of a lead meet in one bucket;
2. `groupBy(bucket).applyInArrow` rebuilds, per bucket, the pandas frames the
   local engine hands `score_chunk` (same dtypes, file row numbers as index),
   sets aside rows whose lead is not in leads (orphans) and scores the rest;
   each bucket returns its rows, rejects and orphans as Arrow IPC bytes and its
   counts as JSON, so the result schema is fixed;
3. the driver assembles the output as the local engine does (`assemble`): rank,
   rejects, summary; the top of the ranking is explained in a second pass over
   only those leads.

Nothing here starts Spark: the session is passed in (`readiness.workflows.spark`
builds it). pyspark is imported inside the functions, never on import.
Spark cannot read nanosecond Parquet timestamps; they are read as integers
(`spark.sql.legacy.parquet.nanosAsLong`) and cast back on the executor to the
file's own Arrow type, so the frames are those of a local read.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from readiness.batch.backlog import (
    REJECT_COLUMNS,
    TABLE_NAMES,
    BatchError,
    backlog_points,
    clean_ids,
    decoded,
    events_table,
    latest_stamp,
    orphan_reject,
    table_path,
    validate_chunk,
)
from readiness.batch.chunk import (
    BatchOptions,
    ChunkResult,
    drift_steps,
    explain_chunk,
    score_chunk,
)
from readiness.batch.run import BatchResult, assemble, checked_options, run_seconds
from readiness.data.files import DataFileError, parquet_frame, read_dataset_config
from readiness.features.build import build_features
from readiness.model.bundle import Bundle
from readiness.rubric.config import Rubric
from readiness.scoring.timing_model import TimingModel
from readiness.stopwatch import Stopwatch, stage, use_stopwatch

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["SparkEngineError", "spark_features", "spark_score_batch"]

# Spark's names for the encodings dataset.yaml may declare.
_JAVA_ENCODING: Final = {"utf-8": "UTF-8", "cp932": "windows-31j"}
_NANOS_AS_LONG: Final = "spark.sql.legacy.parquet.nanosAsLong"
# Unicode whitespace (Java's with (?U)) plus the separators Python's strip removes.
_TRIM: Final = r"(?U)^[\s\x{1C}-\x{1F}]+|[\s\x{1C}-\x{1F}]+$"
_RESULT_SCHEMA: Final = (
    "bucket long, scored binary, rejects binary, orphans binary, "
    "rows_in long, closed long, counts string"
)


class SparkEngineError(BatchError):
    """Spark cannot run the batch (not installed, no Java, a bad master...)."""


@dataclass(frozen=True)
class _Source:
    """One table file as the executors rebuild it: its columns and file type."""

    name: str
    index: int  # the table's tag in the union
    columns: tuple[str, ...]
    parquet: bool
    schema: pa.Schema | None  # the file's Arrow schema (Parquet only)

    def column(self, j: int) -> str:
        return f"c{self.index}_{j}"


@dataclass(frozen=True)
class _Union:
    """The contract tables as one Spark frame, and how to take it apart again."""

    frame: Any  # pyspark.sql.DataFrame
    sources: tuple[_Source, ...]
    extras: dict[str, Any]
    n_buckets: int


# --- reading on Spark -------------------------------------------------------------


def _csv_encoding(path: Path, declared: str | None) -> str:
    """The Java charset of a CSV file: dataset.yaml's, else UTF-8 unless the
    start of the file only decodes as cp932 (the local reader's rule, sniffed)."""
    if declared is not None:
        return _JAVA_ENCODING.get(declared, declared)
    with path.open("rb") as f:
        head = f.read(1 << 20)
    for cut in range(4):  # a multi-byte character may straddle the cut
        try:
            head[: len(head) - cut].decode("utf-8")
            return "UTF-8"
        except UnicodeDecodeError:
            continue
    return "windows-31j"


def _read_table(spark: SparkSession, path: Path, encoding: str | None) -> DataFrame:
    if path.suffix == ".parquet":
        return spark.read.parquet(str(path))
    frame = (
        spark.read.option("header", True)
        .option("multiLine", True)  # memos hold line breaks inside quotes
        .option("escape", '"')
        .option("inferSchema", False)
        .option("mode", "FAILFAST")
        .option("encoding", _csv_encoding(path, encoding))
        .csv(str(path))
    )
    first = frame.columns[0] if frame.columns else ""
    if first.startswith("\ufeff"):  # a UTF-8 byte order mark
        frame = frame.withColumnRenamed(first, first[1:])
    return frame


def _numbered(spark: SparkSession, frame: DataFrame) -> DataFrame:
    """`frame` with `__row`, the 0-based row number in its file.

    A file scan's partitions follow the file in order; the number is the rows of
    the partitions before plus the position within the partition, all in the JVM.
    """
    from pyspark.sql import functions as F

    tagged = frame.withColumn("__pid", F.spark_partition_id()).withColumn(
        "__mid", F.monotonically_increasing_id()
    )
    sizes = {
        int(r["__pid"]): int(r["count"])
        for r in tagged.groupBy("__pid").count().collect()
    }
    offsets, total = {}, 0
    for pid in sorted(sizes):
        offsets[pid] = total
        total += sizes[pid]
    table = spark.createDataFrame(
        [(p, o) for p, o in offsets.items()] or [(0, 0)], "__pid int, __offset long"
    )
    local = F.col("__mid") - F.shiftleft(F.col("__pid").cast("long"), 33)
    return (
        tagged.join(F.broadcast(table), "__pid")
        .withColumn("__row", F.col("__offset") + local)
        .drop("__pid", "__mid", "__offset")
    )


def _contract_union(
    spark: SparkSession,
    data_dir: Path,
    drafts: Path | None,
    *,
    chunk_size: int,
) -> _Union:
    """Every contract table of `data_dir` (and the drafts) as one tagged frame."""
    from pyspark.sql import functions as F

    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise BatchError(f"{data_dir} is not a directory holding leads.csv/.parquet")
    try:
        config = read_dataset_config(data_dir)
    except DataFileError as exc:
        raise BatchError(f"{exc.path}: {exc.message}. {exc.hint}") from exc
    paths: dict[str, Path | None] = {n: table_path(data_dir, n) for n in TABLE_NAMES}
    if paths["leads"] is None:
        raise BatchError(f"{data_dir}: no leads.csv or leads.parquet; add the table")
    if drafts is not None:
        paths["drafts"] = Path(drafts)
    spark.conf.set(_NANOS_AS_LONG, "true")
    sources: list[_Source] = []
    frames = []
    for name, path in paths.items():
        if path is None:
            continue
        if not path.is_file():
            raise BatchError(f"{path}: no such file; check the path")
        raw = _read_table(spark, path, config.encoding)
        needed = {"lead_id", "memo"} if name == "drafts" else {"lead_id"}
        if needed - set(raw.columns):
            raise BatchError(
                f"{path}: required column(s) {', '.join(sorted(needed))} missing"
            )
        parquet = path.suffix == ".parquet"
        source = _Source(
            name,
            len(sources),
            tuple(raw.columns),
            parquet,
            pq.read_schema(path) if parquet else None,
        )
        renamed = raw.toDF(*(source.column(j) for j in range(len(raw.columns))))
        numbered = _numbered(spark, renamed)
        lead = numbered[source.column(raw.columns.index("lead_id"))]
        key = F.regexp_replace(lead.cast("string"), _TRIM, "")
        key = F.when(key != "", key)
        spread = F.concat(F.lit(f"\x00{name}"), F.col("__row").cast("string"))
        frames.append(
            numbered.withColumn("__t", F.lit(source.index))
            .withColumn("__key", key)
            .withColumn("__spread", F.coalesce(key, spread))
        )
        sources.append(source)
    union = frames[0]
    for more in frames[1:]:
        union = union.unionByName(more, allowMissingColumns=True)
    n_leads = frames[0].count()
    try:
        parallel = int(spark.sparkContext.defaultParallelism)
    except Exception:  # Spark Connect has no SparkContext
        parallel = 1
    n_buckets = max(1, parallel, math.ceil(n_leads / max(1, chunk_size)))
    union = union.withColumn(
        "__bucket", F.pmod(F.xxhash64("__spread"), F.lit(n_buckets))
    ).drop("__spread")
    return _Union(union, tuple(sources), dict(config.extra_lead_columns), n_buckets)


# --- on the executor: the frames of a local read, rebuilt -----------------------


def _part(table: pa.Table, source: _Source) -> tuple[pa.Table, np.ndarray]:
    """The rows of one table in a bucket, in file order, with the file's types."""
    rows = table.filter(pc.equal(table["__t"], source.index))
    rows = rows.take(pc.sort_indices(rows["__row"]))
    numbers = np.asarray(rows["__row"].to_numpy(zero_copy_only=False), np.int64)
    arrays = []
    for j, name in enumerate(source.columns):
        col = rows[source.column(j)] if source.column(j) in rows.column_names else None
        if col is None:
            col = pa.nulls(rows.num_rows)
        if source.schema is None:  # CSV: text cells, "" where empty
            col = pc.fill_null(pc.cast(col, pa.string()), "")
        else:
            col = _as_type(col, source.schema.field(name).type)
        arrays.append(col)
    if source.schema is None:
        return pa.table(arrays, names=list(source.columns)), numbers
    return pa.Table.from_arrays(arrays, schema=source.schema), numbers


def _as_type(col: pa.ChunkedArray | pa.Array, wanted: pa.DataType) -> Any:
    """A column as Spark handed it, back in the Parquet file's Arrow type."""
    if col.type == wanted:
        return col
    if pa.types.is_timestamp(wanted) and pa.types.is_integer(col.type):
        return pc.cast(col, pa.timestamp("ns", wanted.tz)).cast(wanted)  # nanos
    if pa.types.is_dictionary(wanted):
        return pc.dictionary_encode(pc.cast(col, wanted.value_type)).cast(wanted)
    return pc.cast(col, wanted, safe=False)


def _frames(
    table: pa.Table, sources: Sequence[_Source]
) -> tuple[dict[str, pd.DataFrame], pa.Table | None]:
    """The per-table frames `chunk_frames` gives (and the events as Arrow)."""
    frames: dict[str, pd.DataFrame] = {}
    events_arrow = None
    for source in sources:
        arrow, numbers = _part(table, source)
        if source.name == "events":
            if source.schema is None:
                arrow = events_table(arrow.to_pandas().astype("str"))
            events_arrow = arrow
            frame = decoded(arrow).to_pandas()
        elif source.schema is None:
            frame = pd.DataFrame(
                {c: arrow[c].to_pylist() for c in source.columns},
                columns=list(source.columns),
                dtype="str",
            )
        else:
            frame = parquet_frame(arrow)
        frame.index = pd.Index(numbers)
        frames[source.name] = frame
    return frames, events_arrow


def _without_orphans(
    frames: Mapping[str, pd.DataFrame], events: pa.Table | None
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """The frames of the leads in the bucket, and one reject per orphan row
    (a row whose lead is not in leads), as `plan_chunks` and `_orphans` decide."""
    known = set(clean_ids(frames["leads"]["lead_id"]).dropna())
    out = {"leads": frames["leads"]}
    rows: list[dict[str, Any]] = []
    if "events" in frames:
        ev = frames["events"]
        assert events is not None
        trimmed = pc.utf8_trim_whitespace(pc.cast(events["lead_id"], pa.string()))
        ids = trimmed.to_pylist()
        keep = np.array([i in known for i in ids], dtype=bool)
        raw = events["lead_id"].to_pylist()
        for r, lead in zip(ev.index[~keep].tolist(), np.array(raw, object)[~keep],
                           strict=True):  # fmt: skip
            rows.append(orphan_reject("events", r, lead))
        out["events"] = ev[keep]
    for name in ("handoffs", "outcomes", "drafts"):
        if name not in frames:
            continue
        frame = frames[name]
        keep = clean_ids(frame["lead_id"]).isin(known).to_numpy(dtype=bool)
        for r, lead in zip(frame.index[~keep].tolist(),
                           frame["lead_id"][~keep].tolist(), strict=True):  # fmt: skip
            rows.append(orphan_reject(name, r, None if pd.isna(lead) else str(lead)))
        out[name] = frame[keep]
    return out, pd.DataFrame(rows, columns=list(REJECT_COLUMNS))


def _only(frames: Mapping[str, pd.DataFrame], wanted: set[str]) -> dict[str, Any]:
    """The rows of the `wanted` leads only (as `chunk_frames(only=...)`)."""
    return {
        name: frame[clean_ids(frame["lead_id"]).isin(list(wanted)).to_numpy(bool)]
        for name, frame in frames.items()
    }


def _bytes(frame: pd.DataFrame) -> bytes:
    """A frame as Arrow IPC bytes: dtypes come back whole (categories included)."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue().to_pybytes())


def _frame(data: bytes) -> pd.DataFrame:
    return pa.ipc.open_stream(pa.py_buffer(data)).read_all().to_pandas()


# --- the passes -------------------------------------------------------------------


def _latest(union: _Union) -> datetime:
    """The latest timestamp anywhere in the data plus one second (as locally)."""
    sources = union.sources

    def stamps(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            frames, events = _frames(pa.Table.from_batches([batch]), sources)
            top = latest_stamp(frames.get("leads"), frames.get("handoffs"), events)
            value = None if top is None else top.isoformat()
            yield pa.RecordBatch.from_pydict({"latest": [value]})

    found = [
        pd.Timestamp(r["latest"])
        for r in union.frame.mapInArrow(stamps, "latest string").collect()
        if r["latest"] is not None
    ]
    if not found:
        raise BatchError(
            "no usable timestamp in the data to score open leads at; pass --as-of"
        )
    return (max(found) + pd.Timedelta(seconds=1)).to_pydatetime()


def _population_sizes(union: _Union, options: BatchOptions) -> dict[str, int]:
    """Leads per drift population, as `backlog_sizes` counts them on one machine."""
    from pyspark.sql import functions as F

    frame = union.frame
    by_name = {s.name: s.index for s in union.sources}

    def keys(name: str) -> Any:
        rows = frame.where(F.col("__t") == by_name[name]).where(
            F.col("__key").isNotNull()
        )
        return rows.select("__key").distinct()

    leads = frame.where(F.col("__t") == by_name["leads"])
    n_all = leads.count()
    nameless = leads.where(F.col("__key").isNull()).count()
    lead_keys = keys("leads")
    if "handoffs" not in by_name:
        return {"all": n_all, "handed_off": 0, "open": lead_keys.count() + nameless}
    handed = keys("handoffs")
    scored = handed
    if "outcomes" in by_name and not options.include_closed:
        scored = handed.join(keys("outcomes"), "__key", "left_anti")
    return {
        "all": n_all,
        "handed_off": lead_keys.join(scored, "__key", "left_semi").count(),
        "open": lead_keys.join(handed, "__key", "left_anti").count() + nameless,
    }


def _grouped(
    union: _Union, frame: Any, work: Callable[[pa.Table], dict[str, Any]], schema: str
) -> list[Any]:
    """`work` on each bucket's rows; its one result row per bucket, collected."""

    def run(key: tuple[pa.Scalar, ...], table: pa.Table) -> pa.Table:
        out = work(table)
        return pa.Table.from_pylist([{"bucket": key[0].as_py(), **out}])

    with stage("spark buckets (executors)"):
        grouped = frame.groupBy("__bucket").applyInArrow(run, schema)
        rows: list[Any] = grouped.collect()
    return rows


def spark_score_batch(
    spark: SparkSession,
    data_dir: Path,
    out: Path,
    *,
    bundle: Bundle,
    options: BatchOptions | None = None,
    drafts: Path | None = None,
    fs_capacity: int | None = None,
    timing: TimingModel | None = None,
    progress: Callable[[int, int], object] | None = None,
) -> BatchResult:
    """Score every lead of `data_dir` on Spark into `out`: the rows, rejects and
    summary `run_batch` writes, from the same chunk function (see the module).

    Leads are cut into buckets of about `options.chunk_size` leads (at least one
    per core Spark has); nothing is kept between runs, so there is no resume. The
    summary's `seconds` are the driver's: executors' stages are Spark's to show.
    """
    watch = Stopwatch()
    with use_stopwatch(watch):
        return _spark_score_batch(
            spark, data_dir, out, bundle=bundle, options=options, drafts=drafts,
            fs_capacity=fs_capacity, timing=timing, progress=progress, watch=watch,
        )  # fmt: skip


def _spark_score_batch(
    spark: SparkSession,
    data_dir: Path,
    out: Path,
    *,
    bundle: Bundle,
    options: BatchOptions | None,
    drafts: Path | None,
    fs_capacity: int | None,
    timing: TimingModel | None,
    progress: Callable[[int, int], object] | None,
    watch: Stopwatch,
) -> BatchResult:
    started = time.perf_counter()
    out = Path(out)
    options = checked_options(out, options, timing)
    union = _contract_union(spark, data_dir, drafts, chunk_size=options.chunk_size)
    as_of = options.as_of or _latest(union)
    options = BatchOptions(**{**asdict(options), "as_of": as_of})
    step = drift_steps(_population_sizes(union, options), options)
    sources, extras = union.sources, union.extras
    advice = timing if options.timing else None

    def score(table: pa.Table) -> dict[str, Any]:
        frames, events = _frames(table, sources)
        frames, orphans = _without_orphans(frames, events)
        part = score_chunk(
            frames,
            bundle=bundle,
            extras=extras,
            as_of=as_of,
            options=options,
            drift_step=step,
            timing=advice,
        )
        return {
            "scored": _bytes(part.scored),
            "rejects": _bytes(part.rejects),
            "orphans": _bytes(orphans),
            "rows_in": part.rows_in,
            "closed": part.closed,
            "counts": json.dumps(part.drift_counts),
        }

    rows = sorted(
        _grouped(union, union.frame, score, _RESULT_SCHEMA), key=lambda r: r["bucket"]
    )
    results, orphans = [], []
    for r in rows:
        part = ChunkResult(
            _frame(r["scored"]),
            _frame(r["rejects"]),
            int(r["rows_in"]),
            int(r["closed"]),
            json.loads(r["counts"]),
        )
        part.check_balance(f"bucket {r['bucket']}")
        results.append(part)
        orphans.append(_frame(r["orphans"]))
    if progress:
        progress(union.n_buckets, union.n_buckets)

    def explain_rows(wanted: set[str]) -> pd.DataFrame:
        from pyspark.sql import functions as F

        def explain(table: pa.Table) -> dict[str, Any]:
            frames, events = _frames(table, sources)
            frames, _ = _without_orphans(frames, events)
            rows = explain_chunk(
                _only(frames, wanted),
                wanted,
                bundle=bundle,
                extras=extras,
                as_of=as_of,
                options=options,
            )
            return {"scored": _bytes(rows)}

        picked = union.frame.where(F.col("__key").isin(sorted(wanted)))
        got = _grouped(union, picked, explain, "bucket long, scored binary")
        return pd.concat([_frame(r["scored"]) for r in got], ignore_index=True)

    return assemble(
        out,
        results=results or [_empty_result()],
        orphans=_ordered_orphans(orphans),
        explain_rows=explain_rows,
        n_leads=sum(r.rows_in for r in results),
        bundle=bundle,
        options=options,
        fs_capacity=fs_capacity,
        seconds=lambda: run_seconds(watch, started, 1),
    )


def _empty_result() -> ChunkResult:
    empty = pd.DataFrame(columns=list(REJECT_COLUMNS))
    return ChunkResult(pd.DataFrame(), empty, 0, 0, {})


def _ordered_orphans(parts: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Orphan rejects in the local engine's order: events, hand-offs, outcomes,
    drafts, each by row."""
    frame = pd.concat(
        [pd.DataFrame(columns=list(REJECT_COLUMNS)), *parts], ignore_index=True
    )
    order = {"events": 0, "handoffs": 1, "outcomes": 2, "drafts": 3}
    rank = frame["table"].map(order).to_numpy()
    keys = np.lexsort((frame["row"].to_numpy(dtype=np.int64), rank))
    return frame.iloc[keys].reset_index(drop=True)


def spark_features(
    spark: SparkSession,
    data_dir: Path,
    *,
    rubric: Rubric,
    as_of: datetime | None = None,
    drafts: Path | None = None,
    include_closed: bool = False,
    chunk_size: int = 50_000,
) -> pd.DataFrame:
    """Every feature column of the backlog points, computed on Spark's executors
    (`lead_id`, `status` and `build_features`' columns; sorted by lead id).

    What the parity test compares with `build_features` on one machine.
    """
    union = _contract_union(spark, data_dir, drafts, chunk_size=chunk_size)
    moment = as_of or _latest(union)
    sources, extras = union.sources, union.extras

    def features(table: pa.Table) -> dict[str, Any]:
        frames, events = _frames(table, sources)
        frames, _ = _without_orphans(frames, events)
        dataset, _ = validate_chunk(frames, extras)
        points, _, _ = backlog_points(
            dataset, frames.get("drafts"), moment, include_closed
        )
        built = build_features(dataset, points.drop(columns="status"), rubric=rubric)
        built.insert(0, "status", points["status"].to_numpy())
        built.insert(0, "lead_id", points["lead_id"].to_numpy())
        return {"scored": _bytes(built.reset_index(drop=True))}

    got = _grouped(union, union.frame, features, "bucket long, scored binary")
    parts = [_frame(r["scored"]) for r in got]
    parts = [p for p in parts if len(p)] or parts[:1]
    frame = pd.concat(parts, ignore_index=True)
    for name in parts[0].columns:
        # Categories come from the values of a bucket: give the whole their union.
        if isinstance(parts[0][name].dtype, pd.CategoricalDtype):
            seen = {c for p in parts for c in p[name].cat.categories.tolist()}
            widest = max((p[name].cat.categories for p in parts), key=len)
            categories = pd.Index(sorted(seen), dtype=widest.dtype)
            values = frame[name].astype(object).to_numpy()
            frame[name] = pd.Categorical(values, categories=categories)
    return frame.sort_values("lead_id", kind="stable").reset_index(drop=True)
