"""Writing table files: atomic (no half-written table if a run dies) and
deterministic (a rebuilt data directory is byte-identical, so fingerprints are
stable); CSV in UTF-8 or cp932, refusing what cp932 cannot encode with where it is.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from readiness.clock import TIMEZONE
from readiness.data.files import (
    CONFIG_FILE,
    FILE_SUFFIXES,
    CsvEncoding,
    DataFileError,
    DatasetConfig,
    FileKind,
    UnencodableError,
)

__all__ = [
    "atomic_write_bytes",
    "config_yaml_bytes",
    "csv_bytes",
    "parquet_bytes",
    "write_frames",
]


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    """Write via a temp file in the same folder, then rename: readers never see half."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def parquet_bytes(frame: pd.DataFrame, *, path: Path, table: str) -> bytes:
    """Parquet without the pandas index; same frame, same bytes."""
    try:
        arrow = pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowException, TypeError, ValueError) as exc:
        raise DataFileError(
            path,
            f"table {table} cannot be stored as Parquet: {exc}",
            "give each column one type (e.g. no numbers mixed with text)",
        ) from exc
    sink = pa.BufferOutputStream()
    pq.write_table(arrow, sink, compression="zstd")
    return bytes(sink.getvalue().to_pybytes())


def csv_bytes(
    frame: pd.DataFrame, *, path: Path, table: str, encoding: CsvEncoding
) -> bytes:
    """CSV with ISO timestamps and true/false; refuses characters it cannot encode."""
    text_frame = _csv_ready(frame)
    text = text_frame.to_csv(index=False, lineterminator="\n", na_rep="")
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        error = _locate_unencodable(
            text_frame, path=path, table=table, encoding=encoding
        )
        raise error from None


def _csv_ready(frame: pd.DataFrame) -> pd.DataFrame:
    columns: dict[str, pd.Series] = {}
    for name in frame.columns:
        values = frame[name]
        if isinstance(values.dtype, pd.DatetimeTZDtype):
            values = values.dt.tz_convert(TIMEZONE).dt.tz_localize(None)
        if pd.api.types.is_datetime64_dtype(values):
            fraction = bool((values.dt.microsecond.fillna(0) != 0).any())
            fmt = "%Y-%m-%dT%H:%M:%S" + (".%f" if fraction else "")
            values = values.dt.strftime(fmt)
        elif pd.api.types.is_bool_dtype(values):
            values = values.map({True: "true", False: "false"})
        columns[str(name)] = values
    return pd.DataFrame(columns, index=frame.index)


def _locate_unencodable(
    frame: pd.DataFrame, *, path: Path, table: str, encoding: str
) -> UnencodableError:
    def bad_char(value: object) -> str | None:
        if not isinstance(value, str):
            return None
        for char in value:
            try:
                char.encode(encoding)
            except UnicodeEncodeError:
                return char
        return None

    first: tuple[str, int, str] | None = None
    count = 0
    for column in frame.columns:
        header_char = bad_char(str(column))
        if header_char is not None:
            count += 1
            first = first or (str(column), 0, header_char)
        if not (
            pd.api.types.is_string_dtype(frame[column])
            or pd.api.types.is_object_dtype(frame[column])
        ):
            continue
        chars = frame[column].map(bad_char)
        bad = np.flatnonzero(chars.notna().to_numpy())
        count += len(bad)
        if len(bad) and first is None:
            first = (str(column), int(bad[0]) + 1, str(chars.iloc[bad[0]]))
    column, row, char = first or ("?", 0, "?")
    return UnencodableError(
        path,
        table=table,
        column=column,
        row=row,
        char=char,
        encoding=encoding,
        count=count,
    )


def config_yaml_bytes(config: DatasetConfig) -> bytes:
    """`dataset.yaml` text, keys in a fixed order."""
    body: dict[str, Any] = {}
    if config.encoding is not None:
        body["encoding"] = config.encoding
    body["extra_lead_columns"] = dict(config.extra_lead_columns)
    text = yaml.safe_dump(body, sort_keys=False, allow_unicode=True)
    return text.encode("utf-8")


def write_frames(
    frames: Mapping[str, pd.DataFrame],
    out_dir: Path,
    *,
    fmt: FileKind = "parquet",
    encoding: CsvEncoding = "utf-8",
    config: DatasetConfig | None = None,
) -> list[Path]:
    """Write NAME.<fmt> per frame (and `dataset.yaml`); all encoded before any write.

    Refuses to put NAME.csv beside an existing NAME.parquet (or the reverse): the
    directory would then hold the table twice and be unreadable.
    """
    if fmt not in FILE_SUFFIXES:
        raise ValueError(f"fmt must be 'parquet' or 'csv', not {fmt!r}")
    if fmt == "parquet" and encoding != "utf-8":
        raise ValueError("encoding applies to CSV only; Parquet text is always UTF-8")
    suffix = FILE_SUFFIXES[fmt]
    other = next(s for s in FILE_SUFFIXES.values() if s != suffix)
    clashes = [f"{n}{other}" for n in frames if (out_dir / f"{n}{other}").exists()]
    if clashes:
        raise ValueError(
            f"{out_dir} already holds {', '.join(clashes)}; writing {fmt} beside it "
            "would give those tables twice. Delete them or write the same format."
        )
    payloads: list[tuple[Path, bytes]] = []
    for name, frame in frames.items():
        path = out_dir / f"{name}{suffix}"
        if fmt == "parquet":
            payloads.append((path, parquet_bytes(frame, path=path, table=name)))
        else:
            data = csv_bytes(frame, path=path, table=name, encoding=encoding)
            payloads.append((path, data))
    if config is not None:
        payloads.append((out_dir / CONFIG_FILE, config_yaml_bytes(config)))
    out_dir.mkdir(parents=True, exist_ok=True)
    return [atomic_write_bytes(path, data) for path, data in payloads]
