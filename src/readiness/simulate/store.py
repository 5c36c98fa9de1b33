"""Writing a simulated world to disk: the contract tables, the truth apart, a manifest.

The tables go where a team's own export would go, so every command reads a world
exactly like real data. The truth goes to `truth/`, which no learner reads; only
benchmarks and tests compare against it.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any, Final, Literal

import pandas as pd

from readiness.data.contract import TABLES, write_tables
from readiness.data.files import CsvEncoding
from readiness.data.write import atomic_write_bytes, parquet_bytes
from readiness.errors import ReadinessError
from readiness.simulate.world import World
from readiness.version import __version__

WORLD_FILE: Final = "world.json"
# The wave-dash problem: Unicode forms cp932 cannot encode, mapped to the forms
# Japanese Windows and Excel use; the emoji of chat-style memos are lost on the way.
_CP932_FORMS: Final = str.maketrans(
    {
        "🙏": "",
        "👍": "",
        "💦": "",
        "〜": "～",
        "−": "－",
        "‖": "∥",
        "¢": "￠",
        "£": "￡",
        "¬": "￢",
        "—": "―",
        "•": "・",
    }
)
TRUTH_DIR: Final = "truth"


class WorldDirError(ReadinessError):
    """The output directory holds something that is not a simulated world."""


def _check_target(out_dir: Path) -> None:
    if not out_dir.exists() or (out_dir / WORLD_FILE).exists():
        return
    foreign = [p.name for p in out_dir.iterdir() if p.suffix in (".csv", ".parquet")]
    if foreign:
        raise WorldDirError(
            f"{out_dir} holds data that was not simulated "
            f"({', '.join(sorted(foreign))}); refusing to overwrite it. "
            "Choose another --out directory."
        )


def _to_cp932_forms(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].str.translate(_CP932_FORMS)
    return out


def write_world(
    world: World,
    out_dir: Path,
    *,
    fmt: Literal["parquet", "csv"] = "parquet",
    encoding: CsvEncoding = "utf-8",
    headline: dict[str, Any] | None = None,
    preset: str | None = None,
) -> list[Path]:
    """Write tables, truth and `world.json`; replaces an earlier world in `out_dir`.

    `preset`, when given, is recorded in `world.json` next to the full config.
    """
    out_dir = Path(out_dir)
    _check_target(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    other = ".csv" if fmt == "parquet" else ".parquet"
    for name in TABLES:  # a world written before in the other format
        (out_dir / f"{name}{other}").unlink(missing_ok=True)
    tables = world.tables
    if encoding == "cp932":
        tables = {name: _to_cp932_forms(frame) for name, frame in tables.items()}
    paths = write_tables(tables, out_dir, fmt=fmt, encoding=encoding)
    truth_dir = out_dir / TRUTH_DIR
    truth_dir.mkdir(exist_ok=True)
    for name, frame in world.truth.items():
        path = truth_dir / f"{name}.parquet"
        paths.append(
            atomic_write_bytes(path, parquet_bytes(frame, path=path, table=name))
        )
    manifest = {
        "generator": f"readiness {__version__}",
        "config": asdict(world.config),
        "rows": {k: len(v) for k, v in world.tables.items()},
        "truth_rows": {k: len(v) for k, v in world.truth.items()},
        "headline": headline or {},
    }
    if preset is not None:
        manifest["preset"] = preset
    text = json.dumps(
        manifest, ensure_ascii=False, indent=2, sort_keys=True, default=str
    )
    paths.append(
        atomic_write_bytes(out_dir / WORLD_FILE, (text + "\n").encode("utf-8"))
    )
    return paths


def read_truth(data_dir: Path, name: str) -> pd.DataFrame:
    """One truth table of a simulated world (leads, handoffs, daily, memo_fields)."""
    path = Path(data_dir) / TRUTH_DIR / f"{name}.parquet"
    if not path.exists():
        raise FileNotFoundError(
            f"{path} not found: only worlds made by `readiness simulate` have truth"
        )
    return pd.read_parquet(path)
