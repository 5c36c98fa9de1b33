"""Bring your own data: turn a flat CRM/MA export into the data contract.

A mapping YAML (see `examples/bank-marketing/mapping.yaml`) says which export
column becomes which contract column, which constants fill required columns the
export lacks, how values are translated (`values: {"yes": true}`), which cells
mean "unknown" (`missing:`), how dates are written, and which aggregated
behaviour columns become declared extra lead attributes (features `x_…`) when
there is no event log. Each export row becomes one lead and, when the mapping
has `handoffs:` / `outcomes:` sections, one toss-up and its outcome.

Columns known only after the outcome (call duration, close date, …) are listed
under `leak_columns`: they are never imported, and a mapping that uses one is
refused. Every problem (a column the export lacks, a value outside a value map,
an unreadable date) is reported at once, with export rows, CSV lines and a fix;
the first line of every error names what, where and the fix on its own.

Time decides the train/validation/test split, so it is handled with care: bare
numbers are never dates unless `format:` says so (`excel`, `%Y%m%d`); an export
without a date can take a sequence column as its order (`time: {order: seq}`);
a constant export date is warned about and rows then keep their export order.
`ImportResult.time_order` (written to `import.json`) says which of these it was.

`import_export` is pure; `read_export` (data.read), `load_mapping`
(data.mapping) and `write_import` are the edges the `readiness import` command
uses. The mapping schema lives in `data.mapping`; its names are re-exported here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np
import pandas as pd

from readiness.data.contract import TABLES, Dataset
from readiness.data.export_columns import (
    ImportProblems,
    check_columns,
    field_cells,
    field_datetimes,
    lead_ids,
    row_times,
)
from readiness.data.files import DatasetConfig, ExtraKind, RawTables, csv_record_lines
from readiness.data.findings import Problem, ValidationReport
from readiness.data.load import validate_and_coerce
from readiness.data.mapping import (
    ExportError,
    FieldSpec,
    ImportMapping,
    MappingError,
    headline,
    rows_text,
)
from readiness.data.write import atomic_write_bytes, write_frames

__all__ = ["ImportResult", "import_export", "record_lines", "write_import"]

# Filled from the row's time when the mapping does not say otherwise.
_ROW_TIME_COLUMNS: Final = {"leads": "created_at", "handoffs": "tossed_up_at"}


# --- importing -----------------------------------------------------------------------


@dataclass
class ImportResult:
    """The imported, validated dataset and what the import did.

    `time_order` is what `import.json` records for the split: `kind` is `time`
    (real times), `constant` (one export date: the split is the export order),
    `order` (a sequence column: order, not time) or `reconstructed` (month and
    weekday by row order), with the `column` and a human `note`.
    """

    dataset: Dataset
    report: ValidationReport
    rows: int
    not_imported: list[str]
    leak_dropped: list[str]
    time_note: str
    sources: dict[str, str] = field(default_factory=dict)
    time_order: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        d = self.dataset
        return (
            f"{self.rows:,} export rows → {len(d.leads):,} leads, "
            f"{len(d.handoffs):,} toss-ups, {len(d.outcomes):,} outcomes "
            f"({int(d.outcomes['won'].sum()):,} won), "
            f"{len(d.extra_lead_columns)} extra lead columns"
        )


def import_export(
    export: pd.DataFrame, mapping: ImportMapping, *, lines: np.ndarray | None = None
) -> ImportResult:
    """Map an export (text cells) to the contract tables and validate them.

    `lines` are the CSV line numbers of the rows, for messages. Raises MappingError
    with every problem found, or with the contract report if the mapped tables do
    not meet the contract.
    """
    found = ImportProblems(lines)
    check_columns(export, mapping, found)
    if found.items:
        raise MappingError(found.items, where="the mapping vs the export")
    if export.empty:
        raise MappingError(
            [
                headline(
                    "the export",
                    "has a header but no data rows",
                    "export again with the rows (check the CRM filter)",
                )
            ],
            where="the export",
        )
    export = export.reset_index(drop=True)
    n = len(export)
    times, time_order, time_warnings = row_times(export, mapping, found)
    ids = lead_ids(export, mapping)
    frames: dict[str, pd.DataFrame] = {}
    for table in ("leads", "handoffs", "outcomes"):
        specs = getattr(mapping, table)
        if specs is None:
            continue
        out: dict[str, Any] = {"lead_id": ids}
        for col in TABLES[table].columns:
            if col.name == "lead_id":
                continue
            where = f"{table}.{col.name}"
            spec = specs.get(col.name)
            if spec is None:
                if _ROW_TIME_COLUMNS.get(table) == col.name:
                    out[col.name] = times
                elif col.kind == "text":
                    out[col.name] = pd.Series([""] * n, dtype=object)
                else:  # unmapped: empty (required ones then fail validation)
                    out[col.name] = pd.Series([None] * n, dtype=object)
            elif col.kind == "datetime":
                out[col.name] = field_datetimes(export, where, spec, found)
            else:
                out[col.name] = field_cells(export, where, spec, found)
        if table == "leads":
            for name, spec in mapping.extra_lead_columns.items():
                out[name] = field_cells(export, f"leads.{name}", spec, found)
        frames[table] = pd.DataFrame(out)
    if found.items:
        raise MappingError(found.items, where="the export")
    extras: dict[str, ExtraKind] = {
        name: spec.kind
        for name, spec in mapping.extra_lead_columns.items()
        if spec.kind is not None
    }
    raw = RawTables.from_frames(frames, extra_lead_columns=extras)
    report, dataset = validate_and_coerce(raw)
    if not report.ok:
        legend = [
            f"        {where} ← " + _source_text(s)
            for where, s in mapping.field_specs().items()
        ]
        block = [
            _contract_headline(report.errors[0], mapping),
            "the mapped tables do not meet the data contract (rows are export "
            "data rows):",
            report.format(),
            "where each column comes from:",
            *legend,
        ]
        raise MappingError(["\n".join(block)], where="the imported tables")
    used = mapping.used_columns()
    not_imported = [
        c
        for c in export.columns
        if c not in used
        and c not in mapping.leak_columns
        and c not in mapping.ignore_columns
    ]
    return ImportResult(
        dataset=dataset,
        report=report,
        rows=n,
        not_imported=not_imported,
        leak_dropped=[c for c in mapping.leak_columns if c in export.columns],
        time_note=time_order["note"],
        time_order=time_order,
        warnings=time_warnings,
    )


def _contract_headline(problem: Problem, mapping: ImportMapping) -> str:
    """The first contract error as one line, with a fix in mapping terms."""
    table, column = problem.table, problem.column
    spec = (getattr(mapping, table, None) or {}).get(column) if table else None
    if spec is None and table == "leads" and column:
        spec = mapping.extra_lead_columns.get(column)
    if column == "lead_id" and mapping.id.column:
        spec = FieldSpec(column=mapping.id.column)
    where = problem.where + (f" ← {_source_text(spec)}" if spec is not None else "")
    count = rows_text(problem.count) + ": " if problem.count else ""
    if problem.kind == "missing_value" and spec is not None and spec.column:
        fix = (
            f"add default: to {problem.where} (e.g. {column}: {{column: "
            f'{spec.column}, default: "不明"}}), or "" in its values:, or fill the '
            "export"
        )
    elif problem.kind in {"missing_value", "missing_column"}:
        fix = (
            f"map it: {column}: {{column: EXPORT_COLUMN}}, or {column}: {{constant: "
            "VALUE} under "
            f"{table}:"
        )
    elif problem.kind == "duplicate_id" and mapping.id.column:
        fix = (
            f"export column {mapping.id.column!r} must be unique: remove duplicated "
            "rows, or drop id: to number the rows"
        )
    else:
        fix = problem.hint or "fix the export or the mapping"
    return headline(where, count + problem.message, fix)


def _source_text(spec: FieldSpec) -> str:
    if spec.column is not None:
        return f"export column {spec.column!r}"
    return f"constant {spec.constant!r}"


def _table_files(out_dir: Path) -> list[Path]:
    names = {f"{t}{s}" for t in TABLES for s in (".csv", ".parquet")}
    return sorted(p for p in out_dir.iterdir() if p.name in names)


def write_import(
    result: ImportResult,
    out_dir: Path,
    *,
    source: Mapping[str, str],
    fmt: Literal["parquet", "csv"] = "parquet",
    overwrite: bool = False,
) -> list[Path]:
    """Write the dataset (tables + dataset.yaml) and `import.json` (provenance).

    Refuses a directory that already holds tables unless `overwrite`: an import
    never mixes with, or silently replaces, other data.
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise ExportError(f"{out_dir} exists and is not a directory")
    if out_dir.exists() and not overwrite:
        existing = _table_files(out_dir)
        if existing:
            raise ExportError(
                f"{out_dir} already holds {', '.join(p.name for p in existing)}; "
                "choose an empty directory or pass --overwrite"
            )
    out_dir.mkdir(parents=True, exist_ok=True)
    if overwrite:
        suffix = ".csv" if fmt == "parquet" else ".parquet"
        for stale in (p for p in _table_files(out_dir) if p.suffix == suffix):
            stale.unlink()
    paths = write_frames(
        result.dataset.tables(),
        out_dir,
        fmt=fmt,
        config=_config(result.dataset),
    )
    provenance = {
        **dict(source),
        "rows": result.rows,
        "time": result.time_note,
        "time_order": dict(result.time_order),
        "warnings": list(result.warnings),
        "leak_columns_dropped": result.leak_dropped,
        "not_imported": result.not_imported,
        "extra_lead_columns": dict(result.dataset.extra_lead_columns),
    }
    text = json.dumps(provenance, ensure_ascii=False, indent=2) + "\n"
    paths.append(atomic_write_bytes(out_dir / "import.json", text.encode("utf-8")))
    return paths


def _config(dataset: Dataset) -> DatasetConfig:
    return DatasetConfig(extra_lead_columns=dict(dataset.extra_lead_columns))


def record_lines(export: pd.DataFrame) -> np.ndarray | None:
    """CSV line of each export row when cells span lines (else None: line = row+1)."""
    return csv_record_lines(export)
