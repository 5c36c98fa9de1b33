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
an unreadable date) is reported at once, with export rows, CSV lines and a fix.
`import_export` is pure; `read_export`, `load_mapping` and `write_import` are the
edges the `readiness import` command uses.
"""

from __future__ import annotations

import difflib
import gzip
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from readiness.contract import TABLES, Dataset, ValidationReport, validate_and_coerce
from readiness.datastore import (
    DatasetConfig,
    ExtraKind,
    RawTables,
    atomic_write_bytes,
    csv_record_lines,
    is_present,
    parse_datetimes,
    write_frames,
)
from readiness.import_time import row_order_times

__all__ = [
    "ExportError",
    "FieldSpec",
    "ImportMapping",
    "ImportResult",
    "MappingError",
    "import_export",
    "load_mapping",
    "read_export",
    "write_import",
]

Scalar = str | int | float | bool
# Filled from the row's time when the mapping does not say otherwise.
_ROW_TIME_COLUMNS: Final = {"leads": "created_at", "handoffs": "tossed_up_at"}
_MAX_ROWS_SHOWN: Final = 10


class MappingError(ValueError):
    """The mapping file, or the export measured against it, cannot be imported.

    `problems` holds one human-readable block per problem (what, where, fix).
    """

    def __init__(self, problems: list[str], *, where: str = "the mapping") -> None:
        self.problems = problems
        super().__init__(
            f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {where}:\n"
            + "\n".join(problems)
        )


class ExportError(ValueError):
    """The export file cannot be read at all."""


# --- the mapping ---------------------------------------------------------------------


class FieldSpec(BaseModel):
    """Where one contract (or extra) column comes from.

    Exactly one of `column` (an export column) and `constant`. `values` translates
    export values (every present value must be listed); `missing` lists values
    meaning "unknown" (e.g. "999", "unknown"); `format` is a strptime format for
    dates; `kind` is required for extra lead columns only.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    column: str | None = None
    constant: Scalar | None = None
    values: dict[str, Scalar | None] | None = None
    missing: list[str] = []
    format: str | None = None
    kind: ExtraKind | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if isinstance(data, str):  # `industry: job` means `industry: {column: job}`
            return {"column": data}
        if isinstance(data, dict) and isinstance(data.get("values"), dict):
            odd = [k for k in data["values"] if not isinstance(k, str | int | float)]
            if odd or any(isinstance(k, bool) for k in data["values"]):
                raise ValueError(
                    "value map keys must be text: YAML reads yes/no/on/off/true "
                    'unquoted as booleans; quote them, e.g. values: {"yes": true}'
                )
            data = {**data, "values": {str(k): v for k, v in data["values"].items()}}
        if isinstance(data, dict) and "missing" in data:
            data = {**data, "missing": [str(v) for v in data["missing"] or []]}
        return data

    @model_validator(mode="after")
    def _one_source(self) -> FieldSpec:
        if (self.column is None) == (self.constant is None):
            raise ValueError("give exactly one of column: or constant:")
        return self


class RowOrderTime(BaseModel):
    """Month (and weekday) columns of an export sorted by time, plus the first year."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start_year: int
    month: str
    day_of_week: str | None = None


class TimeSpec(BaseModel):
    """When each row happened: a date column, or a reconstruction from row order."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    column: str | None = None
    format: str | None = None
    row_order: RowOrderTime | None = None

    @model_validator(mode="after")
    def _one_source(self) -> TimeSpec:
        if (self.column is None) == (self.row_order is None):
            raise ValueError("give exactly one of column: or row_order:")
        return self


class SourceSpec(BaseModel):
    """How the export file is written."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    delimiter: str = ","
    encoding: Literal["utf-8", "cp932"] | None = None


class IdSpec(BaseModel):
    """The lead id: an export column, or `prefix` + the data row number."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    column: str | None = None
    prefix: str = "row-"


class ImportMapping(BaseModel):
    """A mapping file: export columns → the contract tables."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: SourceSpec = SourceSpec()
    id: IdSpec = IdSpec()
    time: TimeSpec
    leads: dict[str, FieldSpec]
    handoffs: dict[str, FieldSpec] | None = None
    outcomes: dict[str, FieldSpec] | None = None
    extra_lead_columns: dict[str, FieldSpec] = {}
    leak_columns: list[str] = []
    ignore_columns: list[str] = []

    @model_validator(mode="after")
    def _known_columns(self) -> ImportMapping:
        problems: list[str] = []
        for table in ("leads", "handoffs", "outcomes"):
            spec = getattr(self, table)
            names = TABLES[table].column_names
            for name in spec or {}:
                if name not in names or name == "lead_id":
                    guess = difflib.get_close_matches(name, names, n=1)
                    hint = f" (did you mean {guess[0]}?)" if guess else ""
                    problems.append(
                        f"{table}.{name} is not a mappable column of {table}{hint}; "
                        f"columns: {', '.join(n for n in names if n != 'lead_id')}"
                    )
        for name, spec in self.extra_lead_columns.items():
            if spec.kind is None:
                problems.append(
                    f"extra_lead_columns.{name} needs kind: numeric|category|boolean"
                )
            if name in TABLES["leads"].column_names:
                problems.append(
                    f"extra_lead_columns.{name} is a contract column of leads; "
                    "map it under leads: instead"
                )
        for name, spec in self.leads.items():
            if spec.kind is not None:
                problems.append(f"leads.{name}: kind: is for extra_lead_columns only")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def field_specs(self) -> dict[str, FieldSpec]:
        """'table.column' → spec, extras as 'leads.<name>'."""
        out: dict[str, FieldSpec] = {}
        for table in ("leads", "handoffs", "outcomes"):
            for name, spec in (getattr(self, table) or {}).items():
                out[f"{table}.{name}"] = spec
        for name, spec in self.extra_lead_columns.items():
            out[f"leads.{name} (extra)"] = spec
        return out

    def used_columns(self) -> dict[str, list[str]]:
        """Export column → where the mapping uses it."""
        used: dict[str, list[str]] = {}
        for where, spec in self.field_specs().items():
            if spec.column is not None:
                used.setdefault(spec.column, []).append(where)
        if self.id.column:
            used.setdefault(self.id.column, []).append("id")
        time = self.time
        for col in (time.column, *(
            (time.row_order.month, time.row_order.day_of_week) if time.row_order else ()
        )):  # fmt: skip
            if col:
                used.setdefault(col, []).append("time")
        return used


def load_mapping(path: Path) -> ImportMapping:
    """Read and check a mapping YAML; every problem in one MappingError."""
    path = Path(path)
    where = str(path)
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise MappingError([f"cannot read {path}: {exc.strerror or exc}"]) from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise MappingError([f"not valid YAML: {exc}"], where=where) from exc
    if not isinstance(loaded, dict):
        raise MappingError(["must be a mapping with time:, leads: …"], where=where)
    try:
        return ImportMapping.model_validate(loaded)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"])
            msg = str(err["msg"]).removeprefix("Value error, ")
            problems.append(f"error   {loc or '(top)'}: {msg}")
        raise MappingError(problems, where=where) from exc


# --- reading the export ------------------------------------------------------------


def read_export(path: Path, *, mapping: ImportMapping) -> pd.DataFrame:
    """The export as text cells ("" = empty); `.gz` is decompressed."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ExportError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if path.suffix == ".gz":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise ExportError(f"{path} is not a valid gzip file: {exc}") from exc
    encodings: list[str] = [mapping.source.encoding] if mapping.source.encoding else []
    for encoding in encodings or ["utf-8", "cp932"]:
        try:
            text = data.decode("utf-8-sig" if encoding == "utf-8" else encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        tried = " or ".join(encodings or ["UTF-8", "cp932"])
        raise ExportError(
            f"{path} is not {tried} text; save it as 'CSV UTF-8' or set "
            "source.encoding in the mapping"
        )
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=mapping.source.delimiter,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise ExportError(
            f"cannot parse {path} as CSV with delimiter "
            f"{mapping.source.delimiter!r}: {exc} (check source.delimiter and quoting)"
        ) from exc
    frame.columns = pd.Index([str(c).strip() for c in frame.columns])
    return frame


# --- importing -----------------------------------------------------------------------


@dataclass
class ImportResult:
    """The imported, validated dataset and what the import did."""

    dataset: Dataset
    report: ValidationReport
    rows: int
    not_imported: list[str]
    leak_dropped: list[str]
    time_note: str
    sources: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        d = self.dataset
        return (
            f"{self.rows:,} export rows → {len(d.leads):,} leads, "
            f"{len(d.handoffs):,} toss-ups, {len(d.outcomes):,} outcomes "
            f"({int(d.outcomes['won'].sum()):,} won), "
            f"{len(d.extra_lead_columns)} extra lead columns"
        )


class _Problems:
    def __init__(self, lines: np.ndarray | None) -> None:
        self.items: list[str] = []
        self.lines = lines

    def add(
        self, where: str, what: str, fix: str, rows: np.ndarray | None = None
    ) -> None:
        head = f"error   {where}: "
        body = [head + (f"{len(rows):,} rows: " if rows is not None else "") + what]
        if rows is not None and len(rows):
            shown = [int(r) + 1 for r in rows[:_MAX_ROWS_SHOWN]]
            more = f" (first {len(shown)})" if len(rows) > len(shown) else ""
            line = f"        export rows {', '.join(map(str, shown))}{more}"
            if self.lines is not None:
                line += "; CSV lines " + ", ".join(
                    str(int(self.lines[r - 1])) for r in shown
                )
            else:
                line += "; CSV lines " + ", ".join(str(r + 1) for r in shown)
            body.append(line)
        body.append(f"        fix: {fix}")
        self.items.append("\n".join(body))


def _guess(name: str, columns: list[str]) -> str:
    close = difflib.get_close_matches(name, columns, n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}? " if close else ""


def _field(
    export: pd.DataFrame, where: str, spec: FieldSpec, found: _Problems
) -> pd.Series:
    """One output column as raw cells (str / None), value map and missing applied."""
    n = len(export)
    if spec.constant is not None:
        value = spec.constant
        text = str(value).lower() if isinstance(value, bool) else str(value)
        return pd.Series([text] * n, dtype=object)
    assert spec.column is not None
    raw = export[spec.column].astype("str").str.strip()
    present = is_present(raw) & ~raw.isin(spec.missing)
    if spec.values is None:
        return raw.where(present, None).astype(object)
    table = {str(k).strip(): v for k, v in spec.values.items()}
    unknown = present & ~raw.isin(list(table))
    if unknown.any():
        rows = np.flatnonzero(unknown.to_numpy())
        seen = list(dict.fromkeys(raw[unknown].tolist()))
        listed = ", ".join(repr(v) for v in seen[:5]) + (" …" if len(seen) > 5 else "")
        found.add(
            f"{where} ← export column {spec.column!r}",
            f"values not in the value map: {listed}",
            f"add them under {where.split(' ')[0]}.values in the mapping, or under "
            "missing: if they mean unknown",
            rows,
        )
    mapped = raw.map(lambda v: _cell(table.get(v)))
    return mapped.where(present & ~unknown, None).astype(object)


def _cell(value: Scalar | None) -> str | None:
    if value is None:
        return None
    return str(value).lower() if isinstance(value, bool) else str(value)


def _datetimes(
    export: pd.DataFrame, where: str, spec: FieldSpec, found: _Problems
) -> pd.Series:
    cells = _field(export, where, spec, found)
    text = pd.Series(cells, dtype="str")
    if spec.format:
        parsed = pd.to_datetime(text, format=spec.format, errors="coerce")
        parsed = parse_datetimes(parsed)
        fix = f"write them as {spec.format!r} or change format: in the mapping"
    else:
        parsed = parse_datetimes(text)
        fix = "set format: (strptime, e.g. '%d/%m/%Y %H:%M') in the mapping"
    bad = text.notna() & parsed.isna()
    if bad.any():
        examples = ", ".join(repr(v) for v in text[bad].head(3))
        found.add(
            f"{where} ← export column {spec.column!r}",
            f"unreadable dates, e.g. {examples}",
            fix,
            np.flatnonzero(bad.to_numpy()),
        )
    return parsed


def _row_times(
    export: pd.DataFrame, mapping: ImportMapping, found: _Problems
) -> tuple[pd.Series, str]:
    time = mapping.time
    if time.row_order is not None:
        ro = time.row_order
        times, bad = row_order_times(
            export, month=ro.month, start_year=ro.start_year, day_of_week=ro.day_of_week
        )
        for b in bad:
            examples = ", ".join(repr(v) for v in b.values[:3])
            found.add(
                f"time.row_order ← export column {b.column!r}",
                f"not {b.expected}: {examples}",
                "fix the export or map another column",
                b.rows,
            )
        note = (
            f"times reconstructed from row order: year from {ro.start_year} "
            f"(+1 whenever {ro.month!r} goes backwards)"
            + (f", day from the week count and {ro.day_of_week!r}" if ro.day_of_week
               else ", day = 1st of the month")
            + "; approximate, non-decreasing in row order"
        )  # fmt: skip
        return times, note
    spec = FieldSpec(column=time.column, format=time.format)
    times = _datetimes(export, "time", spec, found)
    assert time.column is not None
    missing = ~is_present(export[time.column].astype("str").str.strip())
    if missing.any():
        found.add(
            f"time ← export column {time.column!r}",
            "no time",
            "every row needs its time; drop the rows or fill the column",
            np.flatnonzero(missing.to_numpy()),
        )
    return times, f"times from export column {time.column!r}"


def _lead_ids(export: pd.DataFrame, mapping: ImportMapping) -> pd.Series:
    if mapping.id.column:
        return export[mapping.id.column].astype("str").str.strip().astype(object)
    width = len(str(len(export)))
    return pd.Series(
        [f"{mapping.id.prefix}{i:0{width}d}" for i in range(1, len(export) + 1)],
        dtype=object,
    )


def _check_columns(
    export: pd.DataFrame, mapping: ImportMapping, found: _Problems
) -> None:
    columns = list(export.columns)
    leaks = set(mapping.leak_columns)
    for col, uses in mapping.used_columns().items():
        if col in leaks:
            found.add(
                f"export column {col!r}",
                f"is a leak column (known only after the outcome) but used by "
                f"{', '.join(uses)}",
                "a feature must be known at the toss-up: remove that use from the "
                "mapping (or, if it is known in time, from leak_columns)",
            )
        elif col not in columns:
            found.add(
                f"export column {col!r} (used by {', '.join(uses)})",
                "is not in the export",
                f"{_guess(col, columns)}export columns: {', '.join(columns)}",
            )
    for col in (*mapping.leak_columns, *mapping.ignore_columns):
        if col not in columns:
            found.add(
                f"export column {col!r} (leak_columns / ignore_columns)",
                "is not in the export",
                f"{_guess(col, columns)}remove it from the mapping",
            )


def import_export(
    export: pd.DataFrame, mapping: ImportMapping, *, lines: np.ndarray | None = None
) -> ImportResult:
    """Map an export (text cells) to the contract tables and validate them.

    `lines` are the CSV line numbers of the rows, for messages. Raises MappingError
    with every problem found, or with the contract report if the mapped tables do
    not meet the contract.
    """
    found = _Problems(lines)
    _check_columns(export, mapping, found)
    if found.items:
        raise MappingError(found.items, where="the mapping vs the export")
    export = export.reset_index(drop=True)
    n = len(export)
    times, time_note = _row_times(export, mapping, found)
    ids = _lead_ids(export, mapping)
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
                out[col.name] = _datetimes(export, where, spec, found)
            else:
                out[col.name] = _field(export, where, spec, found)
        if table == "leads":
            for name, spec in mapping.extra_lead_columns.items():
                out[name] = _field(export, f"leads.{name}", spec, found)
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
        raise MappingError(
            [
                "the mapped tables do not meet the data contract (rows are export "
                "data rows):",
                report.format(),
                "where each column comes from:",
                *legend,
                "fix: map the missing columns, or set a constant: for required ones",
            ],
            where="the imported tables",
        )
    used = mapping.used_columns()
    not_imported = [
        c
        for c in export.columns
        if c not in used and c not in mapping.leak_columns
        and c not in mapping.ignore_columns
    ]  # fmt: skip
    return ImportResult(
        dataset=dataset,
        report=report,
        rows=n,
        not_imported=not_imported,
        leak_dropped=[c for c in mapping.leak_columns if c in export.columns],
        time_note=time_note,
    )


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
