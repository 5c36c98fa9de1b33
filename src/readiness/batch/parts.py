"""A batch run on disk: its scored parts, one per chunk, each checked by its
SHA-256, and the manifest that lets an interrupted run resume only when the inputs,
the model and the options are unchanged; and the final table, Parquet or CSV.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, Final

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from readiness.batch.backlog import BatchError
from readiness.data.write import atomic_write_bytes, csv_bytes, parquet_bytes
from readiness.model.bundle import Bundle

__all__ = [
    "MANIFEST",
    "bundle_key",
    "load_manifest",
    "read_part",
    "read_table",
    "resumed_as_of",
    "save_manifest",
    "write_part",
    "write_table",
]


MANIFEST: Final = "manifest.json"


def bundle_key(bundle: Bundle) -> dict[str, Any]:
    """What identifies the model of a run, for the resume check."""
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


def write_part(path: Path, frame: pd.DataFrame) -> str:
    """Write one chunk's part atomically; its checksum."""
    data = parquet_bytes(frame, path=path, table=path.stem)
    atomic_write_bytes(path, data)
    return _sha(data)


def read_part(path: Path, checksum: str) -> pd.DataFrame | None:
    """A part as written, or None when it is missing or its checksum differs."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if _sha(data) != checksum:
        return None
    return pq.read_table(pa.BufferReader(data)).to_pandas()


def save_manifest(work: Path, manifest: Mapping[str, Any]) -> None:
    text = json.dumps(manifest, ensure_ascii=False, indent=1, default=str)
    atomic_write_bytes(work / MANIFEST, text.encode("utf-8"))


def load_manifest(work: Path, key: Mapping[str, Any]) -> dict[str, Any] | None:
    """The interrupted run's manifest; BatchError if its key differs from `key`."""
    path = work / MANIFEST
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


def resumed_as_of(work: Path) -> datetime | None:
    """The `as_of` of the interrupted run, if its manifest says."""
    try:
        manifest = json.loads((work / MANIFEST).read_text(encoding="utf-8"))
        return datetime.fromisoformat(manifest["key"]["options"]["as_of"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_table(frame: pd.DataFrame, path: Path) -> None:
    if path.suffix.lower() == ".csv":
        data = csv_bytes(frame, path=path, table=path.stem, encoding="utf-8")
    else:
        data = parquet_bytes(frame, path=path, table=path.stem)
    atomic_write_bytes(path, data)


def read_table(path: Path, columns: Iterable[str] | None = None) -> pd.DataFrame:
    """A batch output as `write_table` wrote it (`.parquet` or `.csv`): lead ids as
    text, times as times; `columns` keeps those of them the file has."""
    wanted = None if columns is None else list(columns)
    if path.suffix.lower() == ".parquet":
        if wanted is not None:
            names = set(pq.read_schema(path).names)
            wanted = [c for c in wanted if c in names]
        return pd.read_parquet(path, columns=wanted)
    frame = pd.read_csv(
        path,
        usecols=None if wanted is None else (lambda c: c in wanted),
        dtype={"lead_id": str},
        keep_default_na=False,
        na_values=[""],
    )
    for name in ("as_of", "last_event_at"):
        if name in frame:
            frame[name] = pd.to_datetime(frame[name])
    return frame
