"""Data in: simulate a world, import an export, validate and load a data directory.

`load_data` is how every workflow reads a data directory: a directory that breaks
the contract is refused with the report and the command that prints it in full.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from readiness.data.contract import Dataset
from readiness.data.files import DataFileError
from readiness.data.findings import ContractError, ValidationReport
from readiness.data.importer import (
    ImportResult,
    import_export,
    record_lines,
    write_import,
)
from readiness.data.load import load_dataset, read_tables, validate
from readiness.data.mapping import load_mapping
from readiness.data.read import read_export
from readiness.errors import ReadinessError
from readiness.simulate.store import TRUTH_DIR, read_truth

Progress = Callable[[str], None]


class InputError(ReadinessError, ValueError):
    """Input a workflow cannot use (e.g. too few outcomes); the message says why."""


@contextmanager
def input_errors() -> Iterator[None]:
    """A stage's plain ValueError about its input becomes an InputError: the
    command line renders it as one line instead of a traceback."""
    try:
        yield
    except ReadinessError:
        raise
    except ValueError as exc:
        raise InputError(str(exc)) from exc


def load_data(data_dir: Path) -> Dataset:
    """The data directory's tables; refused with the contract report if broken."""
    try:
        return load_dataset(data_dir)
    except (ContractError, DataFileError) as exc:
        raise InputError(
            f"{data_dir} does not meet the data contract:\n{exc}\n"
            f"(run `readiness validate {data_dir}` for the full report)"
        ) from exc


def simulated_truth(data_dir: Path) -> pd.DataFrame | None:
    """p_true per toss-up when DATA_DIR is a simulated world, else None."""
    if not (data_dir / TRUTH_DIR / "handoffs.parquet").exists():
        return None
    return read_truth(data_dir, "handoffs")[["lead_id", "p_true"]]


def import_time_order(data_dir: Path) -> dict[str, Any] | None:
    """The importer's `time_order` from DATA_DIR/import.json (None without one)."""
    path = data_dir / "import.json"
    try:
        found = json.loads(path.read_text(encoding="utf-8")).get("time_order")
    except (OSError, ValueError, AttributeError):
        return None
    return found if isinstance(found, dict) else None


def validate_dir(data_dir: Path) -> ValidationReport:
    """Every problem of the tables in DATA_DIR against the contract."""
    try:
        return validate(read_tables(data_dir))
    except ContractError as exc:  # unreadable tables: the report says which
        return exc.report


def simulate(
    out_dir: Path,
    *,
    leads: int,
    seed: int,
    preset: str = "default",
    fmt: Literal["parquet", "csv"] = "parquet",
    encoding: Literal["utf-8", "cp932"] = "utf-8",
    progress: Callable[[int], object] | None = None,
) -> dict[str, Any]:
    """Simulate a world into OUT (tables and truth/); returns its headline figures.

    `preset` names the world (`readiness.simulate.config.PRESETS`); an unknown
    name raises `PresetError` before anything is simulated. `progress` is called
    with the number of leads simulated since the last call.
    """
    from readiness.rubric.config import load_rubric
    from readiness.simulate.config import preset as world_preset
    from readiness.simulate.store import write_world
    from readiness.simulate.summary import headline
    from readiness.simulate.world import simulate_world

    config = world_preset(preset, n_leads=leads, seed=seed)
    world = simulate_world(config, progress=progress)
    figures = headline(world, rubric=load_rubric())
    write_world(
        world, out_dir, fmt=fmt, encoding=encoding, headline=figures, preset=preset
    )
    return figures


def run_import(
    export_path: Path,
    *,
    mapping_path: Path,
    out_dir: Path,
    fmt: Literal["parquet", "csv"] = "parquet",
    overwrite: bool = False,
) -> ImportResult:
    """Map a CRM/MA export into a data directory of the contract, with provenance."""
    with input_errors():
        mapping = load_mapping(mapping_path)
        export = read_export(export_path, mapping=mapping)
        result = import_export(export, mapping, lines=record_lines(export))
        source = {
            "export": str(export_path),
            "export_sha256": hashlib.sha256(export_path.read_bytes()).hexdigest(),
            "mapping": str(mapping_path),
        }
        write_import(result, out_dir, source=source, fmt=fmt, overwrite=overwrite)
    return result
