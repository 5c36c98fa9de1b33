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

import difflib
import json
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np
import pandas as pd

from readiness.data.cells import (
    from_excel_serial,
    has_utc_offset,
    is_present,
    looks_numeric,
    parse_datetimes,
    parse_numbers,
)
from readiness.data.contract import TABLES, Dataset
from readiness.data.files import (
    DatasetConfig,
    ExtraKind,
    RawTables,
    csv_record_lines,
    sniff_delimiter,
)
from readiness.data.findings import Problem, ValidationReport
from readiness.data.load import validate_and_coerce
from readiness.data.mapping import (
    ExportError,
    FieldSpec,
    ImportMapping,
    MappingError,
    Scalar,
    TimeSpec,
    headline,
    load_mapping,
    rows_text,
)
from readiness.data.read import read_export, yaml_char
from readiness.data.timestamps import (
    ORDER_ORIGIN,
    in_export_order,
    order_times,
    row_order_times,
)
from readiness.data.write import atomic_write_bytes, write_frames

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

# Filled from the row's time when the mapping does not say otherwise.
_ROW_TIME_COLUMNS: Final = {"leads": "created_at", "handoffs": "tossed_up_at"}
_MAX_ROWS_SHOWN: Final = 10


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


class _Problems:
    def __init__(self, lines: np.ndarray | None) -> None:
        self.items: list[str] = []
        self.lines = lines

    def add(
        self, where: str, what: str, fix: str, rows: np.ndarray | None = None
    ) -> None:
        count = rows_text(len(rows)) + ": " if rows is not None else ""
        body = [headline(where, count + what, fix)]
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
        self.items.append("\n".join(body))


def _guess(name: str, columns: list[str]) -> str:
    close = difflib.get_close_matches(name, columns, n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}? " if close else ""


def _fold(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip().casefold()


def _field(
    export: pd.DataFrame, where: str, spec: FieldSpec, found: _Problems
) -> pd.Series:
    """One output column as raw cells (str / None): values, missing, default."""
    n = len(export)
    if spec.constant is not None:
        return pd.Series([_cell(spec.constant)] * n, dtype=object)
    assert spec.column is not None
    raw = export[spec.column].astype("str").str.strip()
    blank = ~is_present(raw).to_numpy()
    unknown_means = raw.isin(spec.missing).to_numpy() & ~blank
    if spec.values is None:
        out = raw.where(~blank & ~unknown_means, None).astype(object)
    else:
        table = dict(spec.values)
        folded: dict[str, str] = {}
        for key in table:  # a case-insensitive match only where it is unambiguous
            folded[_fold(key)] = key if _fold(key) not in folded else ""
        lookup = {  # per distinct value: a million cells hold few of them
            c: c if c in table else (folded.get(_fold(c)) or None)
            for c in raw[~blank].unique().tolist()
        }
        listed = raw.map({c: k is not None for c, k in lookup.items()})
        listed_np = listed.fillna(False).to_numpy(dtype=bool)
        unknown = ~blank & ~unknown_means & ~listed_np
        if unknown.any():
            rows = np.flatnonzero(unknown)
            seen = list(dict.fromkeys(raw[unknown].tolist()))
            shown = ", ".join(repr(v) for v in seen[:5]) + (
                " …" if len(seen) > 5 else ""
            )
            name = where.split(" ")[0]
            found.add(
                f"{where} ← export column {spec.column!r}",
                f"values not in the value map: {shown}",
                f"add them under {name}.values in the mapping, or under "
                f"{name}.missing if they mean unknown",
                rows,
            )
        cell_of = {c: _cell(table[k]) for c, k in lookup.items() if k is not None}
        mapped = raw.map(cell_of).astype(object)
        out = mapped.where(mapped.notna() & ~unknown_means & ~blank, None)
        if "" in table:  # the blank cell has its own entry
            out = out.where(~blank, _cell(table[""]))
            blank = np.zeros(n, dtype=bool)
    if spec.default is not None:
        fill = blank | unknown_means
        out = out.where(~fill, _cell(spec.default))
    return out.reset_index(drop=True)


def _cell(value: Scalar | None) -> str | None:
    if value is None:
        return None
    return str(value).lower() if isinstance(value, bool) else str(value)


def _datetimes(
    export: pd.DataFrame, where: str, spec: FieldSpec, found: _Problems
) -> pd.Series:
    cells = _field(export, where, spec, found)
    text = pd.Series(cells, dtype="str")
    source = f"{where} ← export column {spec.column!r}"
    if spec.format == "excel":
        parsed = from_excel_serial(parse_numbers(text))
        fix = (
            "format: excel reads Excel serial days (45413 = 2024-05-01); "
            "remove it if the cells are written dates"
        )
    elif spec.format:
        parsed = parse_datetimes(
            pd.to_datetime(text, format=spec.format, errors="coerce")
        )
        fix = f"write them as {spec.format!r} or change format: in the mapping"
    else:
        parsed = parse_datetimes(text, numbers=False)
        fix = "set format: (strptime, e.g. '%d/%m/%Y %H:%M') in the mapping"
        numeric = (text.notna() & looks_numeric(text)).to_numpy()
        if numeric.any():
            found.add(
                source,
                *_numbers_not_dates(text[numeric], where, spec),
                np.flatnonzero(numeric),
            )
            text = text.where(~numeric, None)
    bad = (text.notna() & parsed.isna()).to_numpy()
    if bad.any():
        examples = ", ".join(repr(v) for v in text[bad].head(3))
        if not spec.format:
            fix = _format_fix(text[bad].head(200))
        found.add(
            source, f"unreadable dates, e.g. {examples}", fix, np.flatnonzero(bad)
        )
    return parsed


_DAY_MONTH: Final = ("%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d-%m-%Y", "%m-%d-%Y")
_CLOCK: Final = ("", " %H:%M", " %H:%M:%S")


def _format_fix(unread: pd.Series) -> str:
    """Suggest the strptime formats that read every unreadable cell shown."""
    fits = [
        day + clock
        for day in _DAY_MONTH
        for clock in _CLOCK
        if pd.to_datetime(unread, format=day + clock, errors="coerce").notna().all()
    ]
    if not fits:
        return "set format: (strptime, e.g. '%d/%m/%Y %H:%M') in the mapping"
    if len(fits) == 1:
        return f'set format: "{fits[0]}" in the mapping'
    shown = " or ".join(f'"{f}"' for f in fits[:2])
    return (
        f"set format: {shown} in the mapping (which one is right the data cannot say)"
    )


def _numbers_not_dates(
    numbers: pd.Series, where: str, spec: FieldSpec
) -> tuple[str, str]:
    """What and fix for bare numbers in a date column: never guessed as dates."""
    examples = ", ".join(repr(v) for v in numbers.head(3))
    first = float(parse_numbers(numbers.head(1)).iloc[0])
    what = f"numbers, not dates (e.g. {examples})"
    order = f"declare time: {{order: {spec.column}}}"
    fixes = [
        "if they are Excel serial days, add format: excel",
        'if they are dates like 20240501, add format: "%Y%m%d"',
    ]
    if 20000 <= first < 80000:  # 1954 … 2119: plausibly an Excel serial date
        day = from_excel_serial(pd.Series([first])).iloc[0]
        what += f"; as an Excel serial day {numbers.iloc[0]!r} would be {day:%Y-%m-%d}"
    elif where == "time":
        fixes.insert(0, f"if it is a sequence or row number, {order}")
    if where == "time" and 20000 <= first < 80000:
        fixes.append(f"if it is a sequence or row number, {order}")
    what += "; numbers are read as dates only when format: says so"
    return what, "; ".join(fixes)


def _time_column(
    export: pd.DataFrame, time: TimeSpec, found: _Problems
) -> tuple[pd.Series, dict[str, str], list[str]]:
    assert time.column is not None
    col = time.column
    spec = FieldSpec(column=col, format=time.format)
    times = _datetimes(export, "time", spec, found)
    missing = ~is_present(export[col].astype("str").str.strip())
    if missing.any():
        found.add(
            f"time ← export column {col!r}",
            "no time",
            "every row needs its time; fill the column or drop those rows",
            np.flatnonzero(missing.to_numpy()),
        )
    notes: list[str] = []
    offset = has_utc_offset(export[col])
    if offset.any() and not offset[~missing].all():
        aware, naive = int(offset.sum()), int((~offset & ~missing).sum())
        notes.append(
            f"warning time ← export column {col!r}: {rows_text(aware)} with a UTC "
            f"offset, {rows_text(naive)} without; offsets are converted to "
            "Asia/Tokyo, the others are read as Tokyo time already"
        )
    if len(times) > 1 and times.notna().all() and times.nunique() == 1:
        day = times.iloc[0]
        notes.append(
            f"warning time ← export column {col!r}: every row has the same time "
            f"({day:%Y-%m-%d %H:%M}), an export date rather than when each lead "
            "happened; rows keep their export order (+1 µs per row), so the "
            "time-ordered split is the export order. Map a creation date as "
            "time: column: to split by time."
        )
        note = (
            f"every row has the same export date {day:%Y-%m-%d %H:%M} in {col!r}; "
            "the split is by row order (export order), not by time"
        )
        return in_export_order(times), _order("constant", col, note), notes
    note = f"times from export column {col!r}"
    return times, _order("time", col, note), notes


def _order(kind: str, column: str, note: str) -> dict[str, str]:
    return {"kind": kind, "column": column, "note": note}


def _row_times(
    export: pd.DataFrame, mapping: ImportMapping, found: _Problems
) -> tuple[pd.Series, dict[str, str], list[str]]:
    time = mapping.time
    if time is None:
        found.add("time", *_no_time(export))
        return pd.Series(pd.NaT, index=export.index, dtype="datetime64[us]"), {}, []
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
            + (
                f", day from the week count and {ro.day_of_week!r}"
                if ro.day_of_week
                else ", day = 1st of the month"
            )
            + "; approximate, non-decreasing in row order"
        )
        return times, _order("reconstructed", ro.month, note), []
    if time.order is not None:
        col = time.order
        numbers = parse_numbers(export[col])
        not_number = numbers.isna().to_numpy()
        if not_number.any():
            examples = ", ".join(repr(v) for v in export[col][not_number].head(3))
            found.add(
                f"time.order ← export column {col!r}",
                f"not a number: {examples}",
                "order: takes a sequence or row number; fill the cells or map another "
                "column",
                np.flatnonzero(not_number),
            )
        note = (
            f"order, not time: rows ranked by {col!r} (ties in export order), one "
            f"second apart from {ORDER_ORIGIN:%Y-%m-%d}; the dates mean nothing"
        )
        return order_times(numbers), _order("order", col, note), []
    return _time_column(export, time, found)


def _is_sequence(values: pd.Series) -> bool:
    """Whole numbers, all present and distinct, rising or falling in row order."""
    numbers = parse_numbers(values)
    if numbers.isna().any() or not (numbers == numbers.round()).all():
        return False
    return numbers.is_unique and (
        numbers.is_monotonic_increasing or numbers.is_monotonic_decreasing
    )


def _no_time(export: pd.DataFrame) -> tuple[str, str]:
    """What and fix for a mapping without time:, naming candidate columns."""
    dates, sequences = [], []
    sample = export.head(1000)
    for col in export.columns:
        cells = sample[col].astype("str").str.strip()
        present = is_present(cells)
        if not present.any():
            continue
        if parse_datetimes(cells[present], numbers=False).notna().mean() >= 0.9:
            dates.append(col)
        elif _is_sequence(export[col]):
            sequences.append(col)
    what = "the mapping has no time: section, " + (
        f"though the export has date columns ({', '.join(dates)})"
        if dates
        else "and no export column holds dates"
    )
    if sequences:
        what += f"; sequence columns: {', '.join(sequences[:5])}"
    date = dates[0] if dates else "created_date"
    seq = sequences[0] if sequences else "row_no"
    fix = (
        f"map a creation or export date (time: {{column: {date}}}), or take a "
        f"sequence or row number as the time order (time: {{order: {seq}}}; the "
        "report then says 'order, not time')"
    )
    return what, fix


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
    if len(columns) == 1:
        delimiter = sniff_delimiter(str(columns[0]) + "\n")
        if delimiter is not None:
            found.add(
                f"export header {str(columns[0])[:60]!r}",
                f"is one column; the file looks {delimiter!r}-delimited",
                f"set source.delimiter: {yaml_char(delimiter)}",
            )
            return
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
    times, time_order, time_warnings = _row_times(export, mapping, found)
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
