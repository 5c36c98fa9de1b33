"""Reading a flat export's mapped columns: each output field's cells, its
datetimes, the row times the tables are built from, and the lead ids; problems
are collected (`ImportProblems`) with export rows and CSV lines, then reported
all at once by `readiness.data.importer`.
"""

from __future__ import annotations

import difflib
import unicodedata
from typing import Final

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
from readiness.data.files import sniff_delimiter
from readiness.data.mapping import (
    FieldSpec,
    ImportMapping,
    Scalar,
    TimeSpec,
    headline,
    rows_text,
)
from readiness.data.read import yaml_char
from readiness.data.timestamps import (
    ORDER_ORIGIN,
    in_export_order,
    order_times,
    row_order_times,
)

__all__ = [
    "ImportProblems",
    "check_columns",
    "field_cells",
    "field_datetimes",
    "lead_ids",
    "row_times",
]


_MAX_ROWS_SHOWN: Final = 10


class ImportProblems:
    """Problems of an import, each with its fix and the first export rows."""

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


def field_cells(
    export: pd.DataFrame, where: str, spec: FieldSpec, found: ImportProblems
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


def field_datetimes(
    export: pd.DataFrame, where: str, spec: FieldSpec, found: ImportProblems
) -> pd.Series:
    cells = field_cells(export, where, spec, found)
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
    export: pd.DataFrame, time: TimeSpec, found: ImportProblems
) -> tuple[pd.Series, dict[str, str], list[str]]:
    assert time.column is not None
    col = time.column
    spec = FieldSpec(column=col, format=time.format)
    times = field_datetimes(export, "time", spec, found)
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


def row_times(
    export: pd.DataFrame, mapping: ImportMapping, found: ImportProblems
) -> tuple[pd.Series, dict[str, str], list[str]]:
    """Each row's time, the `time_order` record and notes on how times were read."""
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


def lead_ids(export: pd.DataFrame, mapping: ImportMapping) -> pd.Series:
    """The lead id of each export row: its id column, or numbered rows."""
    if mapping.id.column:
        return export[mapping.id.column].astype("str").str.strip().astype(object)
    width = len(str(len(export)))
    return pd.Series(
        [f"{mapping.id.prefix}{i:0{width}d}" for i in range(1, len(export) + 1)],
        dtype=object,
    )


def check_columns(
    export: pd.DataFrame, mapping: ImportMapping, found: ImportProblems
) -> None:
    """Columns the mapping names that the export lacks, with misspelling guesses."""
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
