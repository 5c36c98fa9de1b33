"""The data contract: which tables a data directory holds and what is valid in them.

Everything downstream (features, training, scoring) trusts the `Dataset` this module
hands out, so the contract is checked once, here, and every problem is reported at
once, grouped per table, column and kind, so that a million bad rows make one line.
`TABLES` is the single description of the tables; the README's contract section is
rendered from it by `contract_markdown()`. File formats live in `readiness.datastore`.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np
import pandas as pd

from readiness.datastore import (
    CONFIG_FILE,
    DATETIME_DTYPE,
    FALSE_WORDS,
    FILE_SUFFIXES,
    TRUE_WORDS,
    CsvEncoding,
    DataFileError,
    DatasetConfig,
    ExtraKind,
    FileKind,
    FileProblem,
    RawTables,
    TableSource,
    atomic_write_bytes,
    clean_text,
    config_yaml_bytes,
    csv_bytes,
    find_table_files,
    is_present,
    parquet_bytes,
    parse_bools,
    parse_datetimes,
    parse_numbers,
    read_dataset_config,
    read_table_file,
)
from readiness.fields import ELEMENT_KEYS

__all__ = [
    "TABLES",
    "Column",
    "ContractError",
    "DataFileError",
    "Dataset",
    "Problem",
    "RawTables",
    "Table",
    "ValidationReport",
    "coerce",
    "contract_markdown",
    "empty_frame",
    "load_dataset",
    "read_tables",
    "validate",
    "validate_and_coerce",
    "write_tables",
]

Severity = Literal["error", "warning"]
ColumnKind = Literal[
    "id",
    "string",
    "text",
    "category",
    "integer",
    "float",
    "boolean",
    "datetime",
    "element_list",
]

CONTACT_ROLES: Final = ("decision_maker", "influencer", "staff")
LEAD_SOURCES: Final = (
    "inquiry",
    "download",
    "seminar",
    "ad",
    "trade_show",
    "referral",
    "outbound",
)
EVENT_TYPES: Final = (
    "web_visit",
    "email_open",
    "email_click",
    "document_download",
    "seminar_registration",
    "seminar_attendance",
    "form_submission",
    "is_call",
    "is_call_connected",
    "is_mail",
    "online_hearing",
)
WEB_PAGE_CATEGORIES: Final = ("pricing", "case_study", "product", "blog", "other")
EXTRA_KINDS: Final[tuple[ExtraKind, ...]] = ("numeric", "category", "boolean")

MAX_LISTED_ROWS: Final = 10
# Dates outside this window are typos or Excel's zero date, not business history.
PLAUSIBLE_FROM: Final = pd.Timestamp("1990-01-01")
PLAUSIBLE_UNTIL: Final = pd.Timestamp("2100-01-01")
FUTURE_TOLERANCE: Final = pd.Timedelta(days=365)

_KIND_DTYPES: Final[dict[str, str]] = {
    "id": "str",
    "string": "str",
    "text": "str",
    "category": "str",
    "element_list": "str",
    "integer": "Int64",
    "float": "float64",
    "boolean": "bool",
    "datetime": DATETIME_DTYPE,
}
_EXTRA_DTYPES: Final[dict[str, str]] = {
    "numeric": "float64",
    "category": "str",
    "boolean": "boolean",
}


# --- the specification -----------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of a table: its kind, whether it must exist, and what it means.

    `required` is about the column being in the file; `nullable` about its cells.
    `text` columns are kept verbatim and use "" for missing, so parsers get a str.
    """

    name: str
    kind: ColumnKind
    meaning: str
    required: bool = True
    nullable: bool = False
    allowed: tuple[str, ...] = ()
    non_negative: bool = False
    unique: bool = False
    references: Literal["leads", "handoffs"] | None = None

    @property
    def dtype(self) -> str:
        """The pandas dtype of this column in a `Dataset`."""
        return _KIND_DTYPES[self.kind]

    def rule(self) -> str:
        """The value rule in words, for the README."""
        parts: list[str] = []
        if self.allowed:
            parts.append("one of " + ", ".join(f"`{v}`" for v in self.allowed))
        if self.kind == "element_list":
            parts.append("keys from " + ", ".join(f"`{k}`" for k in ELEMENT_KEYS))
        if self.non_negative:
            parts.append("≥ 0")
        if self.unique:
            parts.append("unique")
        if self.references == "leads":
            parts.append("must exist in `leads`")
        if self.references == "handoffs":
            parts.append("must have a hand-off in `handoffs`")
        return "; ".join(parts)


@dataclass(frozen=True)
class Table:
    """One table of the data directory."""

    name: str
    meaning: str
    required: bool
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")


def _id(meaning: str, **kwargs: Any) -> Column:
    return Column("lead_id", "id", meaning, **kwargs)


TABLES: Final[Mapping[str, Table]] = {
    t.name: t
    for t in (
        Table(
            "leads",
            "One row per lead (a contact at a company), with its attributes.",
            True,
            (
                _id(
                    "Unique id of the lead; the other tables refer to it.", unique=True
                ),
                Column(
                    "company_name", "string", "Company name, e.g. 株式会社山田製作所."
                ),
                Column("industry", "string", "Industry, free values (e.g. 製造業)."),
                Column(
                    "employees",
                    "integer",
                    "Number of employees of the company.",
                    required=False,
                    nullable=True,
                    non_negative=True,
                ),
                Column(
                    "annual_revenue",
                    "float",
                    "Annual revenue in million JPY (百万円).",
                    required=False,
                    nullable=True,
                    non_negative=True,
                ),
                Column("region", "string", "Region or prefecture of the company."),
                Column(
                    "contact_title",
                    "string",
                    "Job title of the contact person (e.g. 情報システム部 部長).",
                    required=False,
                    nullable=True,
                ),
                Column(
                    "contact_role",
                    "category",
                    "The contact's part in the buying decision.",
                    required=False,
                    nullable=True,
                    allowed=CONTACT_ROLES,
                ),
                Column(
                    "lead_source",
                    "category",
                    "How the lead came in.",
                    allowed=LEAD_SOURCES,
                ),
                Column("created_at", "datetime", "When the lead was first captured."),
            ),
        ),
        Table(
            "events",
            "Marketing and inside-sales touches, one row per touch.",
            False,
            (
                _id("The lead the touch belongs to.", references="leads"),
                Column("timestamp", "datetime", "When the touch happened."),
                Column(
                    "type",
                    "category",
                    "What happened; every IS call attempt is a row, connected "
                    "attempts are `is_call_connected`.",
                    allowed=EVENT_TYPES,
                ),
                Column(
                    "detail",
                    "string",
                    "Page category for `web_visit` (pricing, case_study, product, "
                    "blog, other); document name, seminar title or a note otherwise.",
                    required=False,
                    nullable=True,
                ),
            ),
        ),
        Table(
            "handoffs",
            "The toss-up: inside sales hands the lead to field sales, with a memo.",
            False,
            (
                _id(
                    "The handed-off lead; one toss-up per lead.",
                    unique=True,
                    references="leads",
                ),
                Column("tossed_up_at", "datetime", "When IS handed the lead to FS."),
                Column("is_rep", "string", "Inside-sales rep who tossed it up."),
                Column(
                    "fs_rep",
                    "string",
                    "Field-sales rep who took it over.",
                    required=False,
                    nullable=True,
                ),
                Column(
                    "memo",
                    "text",
                    "The hand-off memo text (the 【…】 template or free text); may "
                    "be empty.",
                    nullable=True,
                ),
            ),
        ),
        Table(
            "outcomes",
            "What became of a toss-up: labels, never features of that toss-up.",
            False,
            (
                _id(
                    "The handed-off lead; one outcome per hand-off.",
                    unique=True,
                    references="handoffs",
                ),
                Column(
                    "meeting_held",
                    "boolean",
                    "Whether FS held a meeting with the customer (商談化).",
                ),
                Column(
                    "won",
                    "boolean",
                    "Whether the deal was won (受注); a win needs a meeting.",
                ),
                Column(
                    "amount",
                    "float",
                    "Deal amount in JPY.",
                    required=False,
                    nullable=True,
                    non_negative=True,
                ),
                Column(
                    "closed_at",
                    "datetime",
                    "When the deal was won or lost; not before the toss-up.",
                    required=False,
                    nullable=True,
                ),
                Column(
                    "loss_reason",
                    "text",
                    "Why the deal was lost, free text.",
                    required=False,
                    nullable=True,
                ),
            ),
        ),
        Table(
            "fs_feedback",
            "Field sales' feedback on a hand-off: what information was missing.",
            False,
            (
                _id(
                    "The handed-off lead the feedback is about.", references="handoffs"
                ),
                Column(
                    "missing_elements",
                    "element_list",
                    "`;`-separated information elements FS found missing or wrong; "
                    "empty when nothing was missing.",
                    nullable=True,
                ),
                Column(
                    "comment",
                    "text",
                    "FS's free-text comment on the hand-off.",
                    required=False,
                    nullable=True,
                ),
            ),
        ),
    )
}


def empty_frame(
    table: str, extra_lead_columns: Mapping[str, ExtraKind] | None = None
) -> pd.DataFrame:
    """A zero-row frame with the `Dataset` columns and dtypes of `table`."""
    spec = TABLES[table]
    columns = {c.name: pd.Series(dtype=c.dtype) for c in spec.columns}
    if table == "leads":
        for name, kind in (extra_lead_columns or {}).items():
            columns[name] = pd.Series(dtype=_EXTRA_DTYPES[kind])
    return pd.DataFrame(columns)


# --- the report ------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One kind of defect in one column, with how many rows and the first of them."""

    severity: Severity
    table: str | None
    column: str | None
    kind: str
    message: str
    hint: str = ""
    count: int = 0
    rows: tuple[int, ...] = ()
    lines: tuple[int, ...] = ()

    @property
    def where(self) -> str:
        if self.table is None:
            return "(directory)"
        return f"{self.table}.{self.column}" if self.column else self.table

    def format(self) -> str:
        """Human text: the defect, the first rows (and CSV lines), the fix."""
        head = f"{self.severity:<8}{self.where}: "
        if self.count:
            noun = "row" if self.count == 1 else "rows"
            head += f"{self.count:,} {noun}: "
        out = [head + self.message]
        if self.rows:
            listed = ", ".join(str(r) for r in self.rows)
            more = f" (first {len(self.rows)})" if self.count > len(self.rows) else ""
            where = f"        rows {listed}{more}"
            if self.lines:
                where += f"; file lines {', '.join(str(n) for n in self.lines)}"
            out.append(where)
        if self.hint:
            out.append(f"        fix: {self.hint}")
        return "\n".join(out)

    def to_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "table": self.table,
            "column": self.column,
            "kind": self.kind,
            "message": self.message,
            "hint": self.hint,
            "count": self.count,
            "rows": list(self.rows),
            "lines": list(self.lines),
        }


@dataclass(frozen=True)
class ValidationReport:
    """Every problem found in a data directory, errors first."""

    problems: tuple[Problem, ...] = ()
    data_dir: str | None = None
    inputs: tuple[str, ...] = ()

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "warning")

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        where = self.data_dir if self.data_dir is not None else "the given tables"
        return f"{len(self.errors)} errors, {len(self.warnings)} warnings in {where}"

    def format(self) -> str:
        """Errors, then warnings, then the one-line summary."""
        blocks = [p.format() for p in (*self.errors, *self.warnings)]
        return "\n".join([*blocks, self.summary()])

    def to_dict(self) -> dict[str, Any]:
        return {
            "data_dir": self.data_dir,
            "ok": self.ok,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "inputs": list(self.inputs),
            "problems": [p.to_dict() for p in (*self.errors, *self.warnings)],
            "summary": self.summary(),
        }


class ContractError(Exception):
    """The data breaks the contract (or cannot be read); `.report` says how."""

    def __init__(self, report: ValidationReport) -> None:
        self.report = report
        super().__init__(report.format())


# --- the dataset -------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Dataset:
    """Typed tables that meet the contract; absent optional tables are empty frames.

    ids are `str`, timestamps naive Asia/Tokyo `datetime64[us]`, flags `bool`, counts
    `Int64`, amounts `float64`; `text` columns use "" for missing.
    """

    leads: pd.DataFrame
    events: pd.DataFrame
    handoffs: pd.DataFrame
    outcomes: pd.DataFrame
    fs_feedback: pd.DataFrame
    extra_lead_columns: Mapping[str, ExtraKind] = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Table name → frame, in contract order."""
        return {name: getattr(self, name) for name in TABLES}


# --- checking and typing -----------------------------------------------------------


class _Findings:
    """Collects problems, one per (table, column, kind), with the first rows."""

    def __init__(self, sources: Mapping[str, TableSource]) -> None:
        self._sources = sources
        self.problems: list[Problem] = []

    def add(
        self,
        severity: Severity,
        table: str | None,
        column: str | None,
        kind: str,
        message: str,
        hint: str = "",
        mask: np.ndarray | pd.Series | None = None,
    ) -> None:
        rows: tuple[int, ...] = ()
        count = 0
        if mask is not None:
            hits = np.flatnonzero(np.asarray(mask, dtype=bool))
            if not len(hits):
                return
            count = len(hits)
            rows = tuple(int(i) + 1 for i in hits[:MAX_LISTED_ROWS])
        source = self._sources.get(table) if table else None
        lines: tuple[int, ...] = ()
        if source is not None and source.kind == "csv":
            lines = tuple(int(source.file_line(r) or 0) for r in rows)
        self.problems.append(
            Problem(severity, table, column, kind, message, hint, count, rows, lines)
        )


def _examples(values: pd.Series, mask: np.ndarray | pd.Series, limit: int = 3) -> str:
    picked = pd.Series(values[np.asarray(mask, dtype=bool)]).head(1000).unique()
    shown = [repr(str(v) if len(str(v)) <= 30 else str(v)[:29] + "…") for v in picked]
    return f" (e.g. {', '.join(shown[:limit])})" if shown else ""


def _suggest(name: str, candidates: list[str] | tuple[str, ...]) -> str | None:
    matches = difflib.get_close_matches(name, candidates, n=1, cutoff=0.75)
    return matches[0] if matches else None


@dataclass(frozen=True, eq=False)
class _Typed:
    frame: pd.DataFrame
    keep: np.ndarray
    given: bool


def _parse_column(
    table: str, col: Column, values: pd.Series, found: _Findings
) -> tuple[pd.Series, np.ndarray]:
    """Typed values of one column and the rows that cannot be kept."""
    present = is_present(values).to_numpy()
    unusable = np.zeros(len(values), dtype=bool)
    if not col.nullable:
        if col.kind == "id":
            found.add(
                "error",
                table,
                col.name,
                "empty_id",
                "lead_id is empty",
                "every row needs the id of its lead",
                ~present,
            )
        else:
            found.add(
                "error",
                table,
                col.name,
                "missing_value",
                "value is missing",
                f"{col.name} is required in every row",
                ~present,
            )
        unusable |= ~present
    bad = np.zeros(len(values), dtype=bool)
    parsed: pd.Series
    if col.kind in ("id", "string"):
        parsed = clean_text(values)
    elif col.kind == "text":
        parsed = values.astype("str").fillna("")
        parsed = parsed.where(is_present(parsed), "")
    elif col.kind == "category":
        parsed = clean_text(values, normalize=True).str.lower()
        bad = present & ~parsed.isin(col.allowed).to_numpy()
        found.add(
            "error",
            table,
            col.name,
            "invalid_category",
            "value not allowed" + _examples(values, bad),
            "use one of: " + ", ".join(col.allowed),
            bad,
        )
        parsed = parsed.where(~bad)
    elif col.kind in ("integer", "float"):
        parsed, bad = _parse_number_column(table, col, values, present, found)
    elif col.kind == "boolean":
        parsed = parse_bools(values)
        bad = present & parsed.isna().to_numpy()
        found.add(
            "error",
            table,
            col.name,
            "wrong_type",
            "not a boolean" + _examples(values, bad),
            "write one of "
            + "/".join(
                f"{t}/{f}" for t, f in zip(TRUE_WORDS, FALSE_WORDS, strict=True)
            ),
            bad,
        )
    elif col.kind == "datetime":
        parsed = _parse_datetime_column(table, col.name, values, present, found)
        bad = present & parsed.isna().to_numpy()
    else:
        parsed, bad = _parse_elements(table, col.name, values, present, found)
    if not col.nullable:
        unusable |= bad
    return parsed, unusable


def _parse_number_column(
    table: str, col: Column, values: pd.Series, present: np.ndarray, found: _Findings
) -> tuple[pd.Series, np.ndarray]:
    numbers = parse_numbers(values)
    wrong = present & numbers.isna().to_numpy()
    found.add(
        "error",
        table,
        col.name,
        "wrong_type",
        "not a number" + _examples(values, wrong),
        "write plain numbers such as 120 or 1200.5 (no units)",
        wrong,
    )
    fraction = np.zeros(len(values), dtype=bool)
    if col.kind == "integer":
        fraction = (numbers.notna() & (numbers != numbers.round())).to_numpy()
        found.add(
            "error",
            table,
            col.name,
            "wrong_type",
            "not a whole number" + _examples(values, fraction),
            f"{col.name} counts things: write an integer",
            fraction,
        )
    negative = (numbers < 0).to_numpy()
    if col.non_negative:
        found.add(
            "error",
            table,
            col.name,
            "negative_value",
            "negative number" + _examples(values, negative),
            f"{col.name} cannot be below 0; leave the cell empty if it is unknown",
            negative,
        )
    else:
        negative = np.zeros(len(values), dtype=bool)
    bad = wrong | fraction | negative
    numbers = numbers.where(~(fraction | negative))
    if col.kind == "integer":
        return numbers.astype("Int64"), bad
    return numbers, bad


def _parse_datetime_column(
    table: str, column: str, values: pd.Series, present: np.ndarray, found: _Findings
) -> pd.Series:
    parsed = parse_datetimes(values)
    bad = present & parsed.isna().to_numpy()
    found.add(
        "error",
        table,
        column,
        "invalid_datetime",
        "unparsable timestamp" + _examples(values, bad),
        "write e.g. 2026-11-03 10:00 or 2026/11/03 10:00 (Asia/Tokyo local time)",
        bad,
    )
    odd = (
        parsed.notna() & ((parsed < PLAUSIBLE_FROM) | (parsed >= PLAUSIBLE_UNTIL))
    ).to_numpy()
    found.add(
        "warning",
        table,
        column,
        "implausible_date",
        "date before 1990 or after 2099" + _examples(values, odd),
        "check for typos in the year or an Excel zero date",
        odd,
    )
    return parsed


def _parse_elements(
    table: str, column: str, values: pd.Series, present: np.ndarray, found: _Findings
) -> tuple[pd.Series, np.ndarray]:
    text = clean_text(values, normalize=True).str.lower()
    tokens = text.str.split(";").explode().str.strip()
    tokens = tokens[tokens.notna() & (tokens != "")]
    known = tokens.isin(ELEMENT_KEYS)
    bad_rows = np.zeros(len(values), dtype=bool)
    bad_rows[np.unique(tokens.index[~known.to_numpy()].to_numpy(dtype=np.int64))] = True
    found.add(
        "error",
        table,
        column,
        "unknown_element",
        "unknown element key" + _examples(tokens, ~known.to_numpy()),
        "use ;-separated keys from: " + ", ".join(ELEMENT_KEYS),
        bad_rows,
    )
    order = {key: i for i, key in enumerate(ELEMENT_KEYS)}
    good = pd.DataFrame(
        {
            "row": tokens.index[known.to_numpy()].to_numpy(),
            "key": tokens[known].to_numpy(),
        }
    )
    good = good.assign(pos=good["key"].map(order)).drop_duplicates(["row", "key"])
    joined = good.sort_values(["row", "pos"]).groupby("row")["key"].agg(";".join)
    out = pd.Series("", index=values.index, dtype="str")
    out.loc[joined.index] = joined.astype("str")
    return out, bad_rows & present


def _type_table(raw: RawTables, table: Table, found: _Findings) -> _Typed:
    extras = dict(raw.config.extra_lead_columns) if table.name == "leads" else {}
    for name in [n for n in extras if n in table.column_names]:
        found.add(
            "error",
            "leads",
            name,
            "invalid_declaration",
            f"dataset.yaml declares {name!r} as an extra column but it is a contract "
            "column",
            f"remove {name} from extra_lead_columns in {CONFIG_FILE}",
        )
        del extras[name]
    frame = raw.frames.get(table.name)
    if frame is None:
        if table.required and table.name not in raw.unreadable:
            found.add(
                "error",
                table.name,
                None,
                "missing_table",
                f"required table {table.name} is missing",
                f"add {table.name}.csv or {table.name}.parquet to the directory",
            )
        return _Typed(empty_frame(table.name, extras), np.zeros(0, dtype=bool), False)
    frame = frame.reset_index(drop=True)
    n = len(frame)
    if n == 0 and table.required:
        found.add("warning", table.name, None, "empty_table", "the table has no rows")
    names = [str(c) for c in frame.columns]
    frame.columns = pd.Index(names)
    expected = (*table.column_names, *extras)
    unexpected = [c for c in names if c not in expected]
    _check_columns(table, names, unexpected, extras, found)
    keep = np.ones(n, dtype=bool)
    typed: dict[str, pd.Series] = {}
    for col in table.columns:
        if col.name in frame.columns:
            typed[col.name], unusable = _parse_column(
                table.name, col, frame[col.name], found
            )
            keep &= ~unusable
        else:
            typed[col.name] = _missing_column_values(col, n)
            if col.required:
                keep[:] = False
    for name, kind in extras.items():
        typed[name] = _parse_extra(name, kind, frame, found)
    return _Typed(pd.DataFrame(typed, index=pd.RangeIndex(n)), keep, True)


def _missing_column_values(col: Column, n: int) -> pd.Series:
    if col.kind in ("text", "element_list"):
        return pd.Series([""] * n, dtype="str")
    if col.kind == "boolean":
        return pd.Series([pd.NA] * n, dtype="boolean")
    return pd.Series([None] * n, dtype=col.dtype)


def _check_columns(
    table: Table,
    names: list[str],
    unexpected: list[str],
    extras: Mapping[str, ExtraKind],
    found: _Findings,
) -> None:
    missing = [c for c in table.columns if c.name not in names]
    for col in missing:
        guess = _suggest(col.name, unexpected)
        hint = f"is {guess!r} a misspelling of it? " if guess else ""
        if col.required:
            found.add(
                "error",
                table.name,
                col.name,
                "missing_column",
                f"required column {col.name} is missing",
                hint + f"add the column {col.name} ({col.meaning})",
            )
        else:
            found.add(
                "warning",
                table.name,
                col.name,
                "absent_column",
                f"optional column {col.name} is absent: every value counts as missing",
                hint + f"add it if you have it ({col.meaning})",
            )
    for name in extras:
        if name not in names:
            found.add(
                "error",
                "leads",
                name,
                "missing_column",
                f"column {name} is declared in {CONFIG_FILE} but not in the table",
                f"add the column or remove it from extra_lead_columns in {CONFIG_FILE}",
            )
    for name in unexpected:
        guess = _suggest(name, table.column_names)
        hint = f"is it a misspelling of {guess!r}? " if guess else ""
        if table.name == "leads":
            hint += (
                f"declare it under extra_lead_columns in {CONFIG_FILE} as numeric, "
                "category or boolean to use it as a feature; until then it is ignored"
            )
        else:
            hint += "it is ignored"
        found.add(
            "warning",
            table.name,
            name,
            "unexpected_column",
            f"column {name} is not in the contract",
            hint,
        )


def _parse_extra(
    name: str, kind: ExtraKind, frame: pd.DataFrame, found: _Findings
) -> pd.Series:
    n = len(frame)
    if name not in frame.columns:
        return pd.Series([None] * n, dtype=_EXTRA_DTYPES[kind])
    values = frame[name]
    present = is_present(values).to_numpy()
    if kind == "category":
        return clean_text(values)
    parsed = parse_numbers(values) if kind == "numeric" else parse_bools(values)
    bad = present & parsed.isna().to_numpy()
    found.add(
        "error",
        "leads",
        name,
        "wrong_type",
        f"not {'a number' if kind == 'numeric' else 'a boolean'}"
        + _examples(values, bad),
        f"{CONFIG_FILE} declares {name} as {kind}; fix the values or the declaration",
        bad,
    )
    return parsed


def _check_relations(
    typed: Mapping[str, _Typed], raw: RawTables, found: _Findings
) -> None:
    """Keys, links between tables and the business rules that span them."""
    for name, t in typed.items():
        if not t.given or "lead_id" not in raw.frames[name].columns:
            continue
        ids = t.frame["lead_id"]
        if TABLES[name].column("lead_id").unique:
            dup = (ids.notna() & ids.duplicated(keep=False)).to_numpy()
            found.add(
                "error",
                name,
                "lead_id",
                "duplicate_id",
                "lead_id appears more than once" + _examples(ids, dup),
                "keep one row per lead_id"
                if name == "leads"
                else f"keep one {name} row per lead",
                dup,
            )
            t.keep[ids.duplicated(keep="first").to_numpy() & ids.notna().to_numpy()] = (
                False
            )

    leads = typed["leads"]
    known: pd.Series | None = None
    if leads.given and "lead_id" in raw.frames["leads"].columns:
        known = leads.frame["lead_id"].dropna()
    handoffs = typed["handoffs"]
    handoff_ids: pd.Series | None = None
    if "handoffs" not in raw.unreadable and (
        not handoffs.given or "lead_id" in raw.frames["handoffs"].columns
    ):
        handoff_ids = handoffs.frame["lead_id"].dropna()

    for name in ("events", "handoffs", "outcomes", "fs_feedback"):
        t = typed[name]
        if not t.given or "lead_id" not in raw.frames[name].columns:
            continue
        ids = t.frame["lead_id"]
        unknown = np.zeros(len(ids), dtype=bool)
        if known is not None:
            unknown = (ids.notna() & ~ids.isin(known)).to_numpy()
            found.add(
                "error",
                name,
                "lead_id",
                "unknown_lead",
                "lead_id not found in leads" + _examples(ids, unknown),
                "add the lead to leads or remove the row",
                unknown,
            )
        if (
            TABLES[name].column("lead_id").references == "handoffs"
            and handoff_ids is not None
        ):
            orphan = (ids.notna() & ~ids.isin(handoff_ids)).to_numpy() & ~unknown
            hint = (
                "add the hand-off to handoffs or remove the row"
                if handoffs.given
                else "the directory has no handoffs table: add handoffs.csv or "
                "handoffs.parquet"
            )
            found.add(
                "error",
                name,
                "lead_id",
                "no_handoff",
                f"{'outcome' if name == 'outcomes' else 'feedback'} for a lead that "
                "was never tossed up" + _examples(ids, orphan),
                hint,
                orphan,
            )

    _check_time_order(typed, found)
    _check_outcome_rules(typed["outcomes"], found)
    _check_events(typed["events"], found)
    if (
        handoffs.given
        and len(handoffs.frame)
        and not (handoffs.frame["memo"] != "").any()
    ):
        found.add(
            "warning",
            "handoffs",
            "memo",
            "empty_memos",
            "every hand-off memo is empty",
            "memo-based features and the rubric will see nothing; check the export",
        )


def _first_by_lead(t: _Typed, column: str) -> pd.Series:
    frame = t.frame.dropna(subset=["lead_id"]).drop_duplicates("lead_id")
    return pd.Series(frame[column].to_numpy(), index=frame["lead_id"].to_numpy())


def _check_time_order(typed: Mapping[str, _Typed], found: _Findings) -> None:
    leads, handoffs, outcomes, events = (
        typed["leads"],
        typed["handoffs"],
        typed["outcomes"],
        typed["events"],
    )
    created = _first_by_lead(leads, "created_at")
    tossed = _first_by_lead(handoffs, "tossed_up_at")
    if outcomes.given and len(outcomes.frame):
        toss = outcomes.frame["lead_id"].map(tossed).astype(DATETIME_DTYPE)
        closed = outcomes.frame["closed_at"]
        early = (
            closed.notna() & toss.notna() & (closed < toss.dt.floor("D"))
        ).to_numpy()
        found.add(
            "error",
            "outcomes",
            "closed_at",
            "closed_before_toss_up",
            "outcome closed before its toss-up (tossed_up_at in handoffs)",
            "check closed_at and tossed_up_at: a deal cannot close before the hand-off",
            early,
        )
    if handoffs.given and len(handoffs.frame):
        made = handoffs.frame["lead_id"].map(created).astype(DATETIME_DTYPE)
        toss_day = handoffs.frame["tossed_up_at"].dt.floor("D")
        before = (
            made.notna() & toss_day.notna() & (toss_day < made.dt.floor("D"))
        ).to_numpy()
        found.add(
            "warning",
            "handoffs",
            "tossed_up_at",
            "handoff_before_lead",
            "hand-off dated before the lead was created (created_at in leads)",
            "check both dates; features are cut at the toss-up, so this lead has none",
            before,
        )
    anchors = [s for s in (created, tossed) if len(s.dropna())]
    if events.given and len(events.frame) and anchors:
        latest = max(pd.Timestamp(s.max()) for s in anchors)
        late = (events.frame["timestamp"] > latest + FUTURE_TOLERANCE).to_numpy()
        found.add(
            "warning",
            "events",
            "timestamp",
            "future_timestamp",
            f"event more than a year after the latest lead or toss-up ({latest:%Y-%m-%d})",
            "check the year; such events are far outside the data's time range",
            late,
        )


def _check_outcome_rules(outcomes: _Typed, found: _Findings) -> None:
    if not outcomes.given or not len(outcomes.frame):
        return
    frame = outcomes.frame
    won = frame["won"].fillna(False).to_numpy(dtype=bool)
    held = frame["meeting_held"].fillna(True).to_numpy(dtype=bool)
    found.add(
        "error",
        "outcomes",
        "won",
        "won_without_meeting",
        "won is true but meeting_held is false",
        "a deal is only won after a meeting: set meeting_held to true or check won",
        won & ~held,
    )
    reason = (frame["loss_reason"].str.strip() != "").to_numpy()
    found.add(
        "warning",
        "outcomes",
        "loss_reason",
        "loss_reason_on_won",
        "won deal with a loss_reason",
        "clear loss_reason for won deals, or check won",
        won & reason,
    )


def _check_events(events: _Typed, found: _Findings) -> None:
    if not events.given or not len(events.frame):
        return
    frame = events.frame
    dup = (frame["lead_id"].notna() & frame.duplicated(keep="first")).to_numpy()
    found.add(
        "warning",
        "events",
        None,
        "duplicate_event",
        "same lead, timestamp, type and detail as an earlier row",
        "remove duplicated export rows; they inflate activity counts",
        dup,
    )
    detail = frame["detail"].str.lower()
    odd = (
        (frame["type"] == "web_visit")
        & detail.notna()
        & ~detail.isin(WEB_PAGE_CATEGORIES)
    ).to_numpy()
    found.add(
        "warning",
        "events",
        "detail",
        "unknown_page_category",
        "web_visit detail is not a page category" + _examples(frame["detail"], odd),
        "use one of: "
        + ", ".join(WEB_PAGE_CATEGORIES)
        + "; other pages count as other",
        odd,
    )


def _file_problems(raw: RawTables, found: _Findings) -> None:
    for fp in raw.file_problems:
        found.add(
            "error", fp.table, None, fp.kind, f"{fp.path.name}: {fp.message}", fp.hint
        )
    known = [f"{n}{s}" for n in TABLES for s in FILE_SUFFIXES.values()]
    for path in raw.unknown_files:
        guess = _suggest(path.name, known)
        found.add(
            "warning",
            None,
            None,
            "unknown_file",
            f"{path.name} is not one of the tables ({', '.join(TABLES)})",
            (f"did you mean {guess}? " if guess else "") + "it is ignored",
        )


def _assemble(typed: Mapping[str, _Typed], extras: Mapping[str, ExtraKind]) -> Dataset:
    """Keep usable rows; drop rows whose lead (or hand-off) was dropped or unknown."""
    frames: dict[str, pd.DataFrame] = {}
    lead_ids: pd.Series = pd.Series(dtype="str")
    handoff_ids: pd.Series = pd.Series(dtype="str")
    for name in TABLES:
        t = typed[name]
        keep = t.keep.copy()
        if name != "leads" and len(keep):
            parent = (
                handoff_ids
                if TABLES[name].column("lead_id").references == "handoffs"
                else lead_ids
            )
            keep &= t.frame["lead_id"].isin(parent).to_numpy()
        frame = t.frame[keep].reset_index(drop=True) if len(keep) else t.frame
        for col in TABLES[name].columns:
            if col.kind == "boolean":
                frame[col.name] = frame[col.name].fillna(False).astype("bool")
        frames[name] = frame
        if name == "leads":
            lead_ids = frame["lead_id"]
        if name == "handoffs":
            handoff_ids = frame["lead_id"]
    declared = {k: v for k, v in extras.items() if k in frames["leads"].columns}
    return Dataset(**frames, extra_lead_columns=declared)


def validate_and_coerce(raw: RawTables) -> tuple[ValidationReport, Dataset]:
    """Check and type the tables in one pass; the Dataset keeps only usable rows."""
    found = _Findings(raw.sources)
    _file_problems(raw, found)
    extras = {
        k: v
        for k, v in raw.config.extra_lead_columns.items()
        if k not in TABLES["leads"].column_names
    }
    typed = {name: _type_table(raw, spec, found) for name, spec in TABLES.items()}
    _check_relations(typed, raw, found)
    problems = sorted(found.problems, key=lambda p: p.severity != "error")
    report = ValidationReport(
        tuple(problems),
        data_dir=str(raw.data_dir) if raw.data_dir is not None else None,
        inputs=tuple(raw.sources[n].describe() for n in TABLES if n in raw.sources),
    )
    return report, _assemble(typed, extras)


def validate(raw: RawTables) -> ValidationReport:
    """Every problem in the tables, errors and warnings; no I/O."""
    return validate_and_coerce(raw)[0]


def coerce(raw: RawTables) -> Dataset:
    """Typed tables, best effort: rows that cannot meet the contract are dropped.

    Bad cells in optional columns become missing; rows with a bad key, a bad required
    value, a duplicate id or no parent lead (hand-off) are dropped. Call `validate`
    (or `load_dataset`) to learn what was wrong.
    """
    return validate_and_coerce(raw)[1]


# --- the edges: reading and writing directories -----------------------------------


def read_tables(data_dir: Path) -> RawTables:
    """Read the table files of `data_dir` as they are; unreadable files are recorded.

    Raises ContractError only when the directory itself is missing or unreadable;
    problems with single files are reported by `validate`.
    """
    data_dir = Path(data_dir)

    def fail(kind: str, message: str, hint: str) -> ContractError:
        problem = Problem("error", None, None, kind, message, hint)
        return ContractError(ValidationReport((problem,), data_dir=str(data_dir)))

    if not data_dir.exists():
        raise fail("missing_directory", f"{data_dir} does not exist", "check the path")
    if not data_dir.is_dir():
        raise fail(
            "not_a_directory",
            f"{data_dir} is not a directory",
            "give the folder that holds the tables",
        )
    problems: list[FileProblem] = []
    try:
        config = read_dataset_config(data_dir)
    except DataFileError as exc:
        problems.append(
            FileProblem(None, exc.path, "invalid_config", exc.message, exc.hint)
        )
        config = DatasetConfig()
    try:
        found, duplicates, unknown = find_table_files(data_dir, TABLES)
    except OSError as exc:
        raise fail(
            "unreadable_directory",
            f"cannot list {data_dir}: {exc.strerror or exc}",
            "check permissions",
        ) from exc
    problems.extend(duplicates)
    frames: dict[str, pd.DataFrame] = {}
    sources: dict[str, TableSource] = {}
    for name, path in found.items():
        try:
            frame, encoding, lines = read_table_file(path, encoding=config.encoding)
        except DataFileError as exc:
            problems.append(
                FileProblem(name, path, "unreadable_file", exc.message, exc.hint)
            )
            continue
        kind: FileKind = "parquet" if path.suffix == ".parquet" else "csv"
        frames[name] = frame
        sources[name] = TableSource(path, kind, encoding, len(frame), lines)
    return RawTables(
        frames=frames,
        data_dir=data_dir,
        sources=sources,
        config=config,
        file_problems=tuple(problems),
        unknown_files=tuple(unknown),
    )


def load_dataset(data_dir: Path, *, strict: bool = True) -> Dataset:
    """Read, validate and type a data directory.

    With `strict`, any error raises ContractError carrying the full report; without,
    the best-effort Dataset of `coerce` is returned.
    """
    report, dataset = validate_and_coerce(read_tables(data_dir))
    if strict and not report.ok:
        raise ContractError(report)
    return dataset


def write_tables(
    tables: Mapping[str, pd.DataFrame] | Dataset,
    out_dir: Path,
    *,
    fmt: Literal["parquet", "csv"] = "parquet",
    encoding: CsvEncoding = "utf-8",
) -> list[Path]:
    """Write tables as NAME.parquet or NAME.csv, atomically and byte-reproducibly.

    Frames are written as given (this also writes broken tables, for tests). A
    Dataset also writes `dataset.yaml` declaring its extra lead columns. Nothing is
    written when any table would fail (e.g. a character cp932 cannot encode).
    """
    out_dir = Path(out_dir)
    if fmt not in FILE_SUFFIXES:
        raise ValueError(f"fmt must be 'parquet' or 'csv', not {fmt!r}")
    if fmt == "parquet" and encoding != "utf-8":
        raise ValueError("encoding applies to CSV only; Parquet is always UTF-8")
    config: DatasetConfig | None = None
    if isinstance(tables, Dataset):
        frames = tables.tables()
        config = DatasetConfig(
            encoding="cp932" if encoding == "cp932" else None,
            extra_lead_columns=dict(tables.extra_lead_columns),
        )
    else:
        frames = dict(tables)
    unknown = [n for n in frames if n not in TABLES]
    if unknown:
        raise ValueError(f"unknown tables {unknown}; the contract has {list(TABLES)}")
    suffix = FILE_SUFFIXES[fmt]
    other = next(s for s in FILE_SUFFIXES.values() if s != suffix)
    clashes = [n + other for n in frames if (out_dir / f"{n}{other}").exists()]
    if clashes:
        raise ValueError(
            f"{out_dir} already holds {', '.join(clashes)}; writing {fmt} beside it "
            "would give those tables twice. Delete them or write the same format."
        )
    payloads: list[tuple[Path, bytes]] = []
    for name in (n for n in TABLES if n in frames):
        path = out_dir / f"{name}{suffix}"
        frame = frames[name]
        data = (
            parquet_bytes(frame, path=path, table=name)
            if fmt == "parquet"
            else csv_bytes(frame, path=path, table=name, encoding=encoding)
        )
        payloads.append((path, data))
    if config is not None:
        payloads.append((out_dir / CONFIG_FILE, config_yaml_bytes(config)))
    out_dir.mkdir(parents=True, exist_ok=True)
    return [atomic_write_bytes(path, data) for path, data in payloads]


# --- documentation -------------------------------------------------------------------


_TYPE_TEXT: Final[dict[str, str]] = {
    "id": "string (id)",
    "string": "string",
    "text": "text",
    "category": "category",
    "integer": "integer",
    "float": "number",
    "boolean": "boolean",
    "datetime": "datetime",
    "element_list": "element keys",
}


def contract_markdown() -> str:
    """The contract as Markdown, for the README; generated so it cannot drift."""
    out = [
        "A data directory holds up to five tables, each as `NAME.parquet` or "
        "`NAME.csv` (not both). CSV is UTF-8 (with or without BOM) or cp932 "
        "(Japanese Excel), detected automatically. Timestamps are local Asia/Tokyo "
        "time: ISO (`2026-11-03T10:00:00`, offsets are converted), `2026/11/03 10:00`, "
        "`2026年11月3日` or Excel serial numbers. Booleans: "
        + ", ".join(f"{t}/{f}" for t, f in zip(TRUE_WORDS, FALSE_WORDS, strict=True))
        + " (any case). Check a directory with `readiness validate DIR`.",
        "",
    ]
    for table in TABLES.values():
        need = "required" if table.required else "optional"
        out += [f"### `{table.name}` ({need})", "", table.meaning, ""]
        out += [
            "| column | type | required | may be missing | rule | meaning |",
            "|---|---|---|---|---|---|",
        ]
        for c in table.columns:
            out.append(
                f"| `{c.name}` | {_TYPE_TEXT[c.kind]} | {'yes' if c.required else 'no'} "
                f"| {'yes' if c.nullable else 'no'} | {c.rule()} | {c.meaning} |"
            )
        out.append("")
    out += [
        f"### `{CONFIG_FILE}` (optional)",
        "",
        "```yaml",
        "encoding: cp932          # utf-8 or cp932; omit to auto-detect",
        "extra_lead_columns:      # your own lead attributes, used as features",
        "  budget_band: category  # numeric, category or boolean",
        "```",
        "",
        "Undeclared extra columns are reported as warnings and ignored.",
    ]
    return "\n".join(out) + "\n"
