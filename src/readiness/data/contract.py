"""The data contract: which tables a data directory holds and what is valid in them.

Everything downstream (features, training, scoring) trusts the `Dataset` handed out
here, so the contract is checked once, in one place, and every problem is reported at
once, grouped per table, column and kind, so that a million bad rows make one line.
`TABLES` describes the tables and `PROBLEM_KINDS` the checks; the README's contract
section is rendered from both by `contract_markdown()`. File formats live in
`readiness.data.files`.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from readiness.data.files import (
    CONFIG_FILE,
    DATETIME_DTYPE,
    FALSE_WORDS,
    FILE_SUFFIXES,
    TRUE_WORDS,
    CsvEncoding,
    DataFileError,
    DatasetConfig,
    ExtraKind,
    RawTables,
    TableSource,
    clean_text,
    is_present,
    parse_bools,
    parse_datetimes,
    parse_numbers,
    read_directory,
    write_frames,
)
from readiness.errors import ReadinessError
from readiness.fields import ELEMENT_KEYS

__all__ = [
    "PROBLEM_KINDS",
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
    "id", "string", "text", "category", "integer", "float", "boolean", "datetime",
    "element_list",
]  # fmt: skip

# fmt: off
CONTACT_ROLES: Final = ("decision_maker", "influencer", "staff")
LEAD_SOURCES: Final = (
    "inquiry", "download", "seminar", "ad", "trade_show", "referral", "outbound",
)
EVENT_TYPES: Final = (
    "web_visit", "email_open", "email_click", "document_download",
    "seminar_registration", "seminar_attendance", "form_submission",
    "is_call", "is_call_connected", "is_mail", "online_hearing",
)
WEB_PAGE_CATEGORIES: Final = ("pricing", "case_study", "product", "blog", "other")
# fmt: on

MAX_LISTED_ROWS: Final = 10
# Dates outside this window are typos or Excel's zero date, not business history.
PLAUSIBLE_FROM: Final = pd.Timestamp("1990-01-01")
PLAUSIBLE_UNTIL: Final = pd.Timestamp("2100-01-01")
FUTURE_TOLERANCE: Final = pd.Timedelta(days=365)

_TEXT_KINDS: Final = ("id", "string", "text", "category", "element_list")
_KIND_DTYPES: Final[dict[str, str]] = {
    **dict.fromkeys(_TEXT_KINDS, "str"),
    "integer": "Int64",
    "float": "float64",
    "boolean": "bool",
    "datetime": DATETIME_DTYPE,
}
_EXTRA_DTYPES: Final = {"numeric": "float64", "category": "str", "boolean": "boolean"}
_BOOL_SPELLINGS: Final = ", ".join(
    f"{t}/{f}" for t, f in zip(TRUE_WORDS, FALSE_WORDS, strict=True)
)


# --- the tables ----------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of a table: its kind, whether it must exist, and what it means.

    `required` is about the column being in the file, `nullable` about its cells.
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
        parts = [", ".join(f"`{v}`" for v in self.allowed)]
        if self.kind == "element_list":
            parts.append("keys: " + ", ".join(f"`{k}`" for k in ELEMENT_KEYS))
        parts += ["≥ 0"] if self.non_negative else []
        parts += ["unique"] if self.unique else []
        parts += [f"must exist in `{self.references}`"] if self.references else []
        return "; ".join(p for p in parts if p)


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
        return next(c for c in self.columns if c.name == name)


def _req(name: str, kind: ColumnKind, meaning: str, **kw: Any) -> Column:
    return Column(name, kind, meaning, **kw)


def _opt(name: str, kind: ColumnKind, meaning: str, **kw: Any) -> Column:
    return Column(name, kind, meaning, required=False, nullable=True, **kw)


# fmt: off
_LEADS = Table("leads", "One row per lead (a contact at a company).", True, (
    _req("lead_id", "id", "Unique id of the lead; other tables refer to it.",
         unique=True),
    _req("company_name", "string", "Company name, e.g. 株式会社山田製作所."),
    _req("industry", "string", "Industry, free values (e.g. 製造業)."),
    _opt("employees", "integer", "Number of employees.", non_negative=True),
    _opt("annual_revenue", "float", "Annual revenue, million JPY (百万円).",
         non_negative=True),
    _req("region", "string", "Region or prefecture of the company."),
    _opt("contact_title", "string", "Job title of the contact (e.g. 部長)."),
    _opt("contact_role", "category", "The contact's part in the decision.",
         allowed=CONTACT_ROLES),
    _req("lead_source", "category", "How the lead came in.", allowed=LEAD_SOURCES),
    _req("created_at", "datetime", "When the lead was first captured."),
))
_EVENTS = Table("events", "Marketing and inside-sales touches, one row each.", False, (
    _req("lead_id", "id", "The lead the touch belongs to.", references="leads"),
    _req("timestamp", "datetime", "When the touch happened."),
    _req("type", "category", "What happened; one row per IS call attempt, "
         "connected attempts are `is_call_connected`.", allowed=EVENT_TYPES),
    _opt("detail", "string", "Page category of a `web_visit` (pricing, case_study, "
         "product, blog, other); else document name, seminar title or a note."),
))
_HANDOFFS = Table("handoffs", "The toss-up from inside to field sales.", False, (
    _req("lead_id", "id", "The handed-off lead; one toss-up per lead.",
         unique=True, references="leads"),
    _req("tossed_up_at", "datetime", "When IS handed the lead to FS."),
    _req("is_rep", "string", "Inside-sales rep who tossed it up."),
    _opt("fs_rep", "string", "Field-sales rep who took it over."),
    _req("memo", "text", "The hand-off memo text (the 【…】 template or free "
         "text); may be empty.", nullable=True),
))
_OUTCOMES = Table("outcomes", "What became of a toss-up: labels only.", False, (
    _req("lead_id", "id", "The handed-off lead; one outcome per hand-off.",
         unique=True, references="handoffs"),
    _req("meeting_held", "boolean", "Whether FS held a meeting (商談化)."),
    _req("won", "boolean", "Whether the deal was won (受注); needs a meeting."),
    _opt("amount", "float", "Deal amount in JPY.", non_negative=True),
    _opt("closed_at", "datetime", "When it was won or lost; not before the toss-up."),
    _opt("loss_reason", "text", "Why the deal was lost, free text."),
))
_FS_FEEDBACK = Table("fs_feedback", "Field sales' feedback on a hand-off.", False, (
    _req("lead_id", "id", "The handed-off lead the feedback is about.",
         references="handoffs"),
    _req("missing_elements", "element_list", "`;`-separated information elements "
         "FS found missing or wrong; empty when none.", nullable=True),
    _opt("comment", "text", "FS's free-text comment on the hand-off."),
))
# fmt: on

TABLES: Final[Mapping[str, Table]] = {
    t.name: t for t in (_LEADS, _EVENTS, _HANDOFFS, _OUTCOMES, _FS_FEEDBACK)
}


def empty_frame(
    table: str, extra_lead_columns: Mapping[str, ExtraKind] | None = None
) -> pd.DataFrame:
    """A zero-row frame with the `Dataset` columns and dtypes of `table`."""
    extras = tuple((extra_lead_columns or {}).items()) if table == "leads" else ()
    return _empty_frame(table, extras).copy()


@functools.lru_cache(maxsize=64)
def _empty_frame(table: str, extras: tuple[tuple[str, ExtraKind], ...]) -> pd.DataFrame:
    # built once per shape: a single lead's request has three empty tables
    columns = {c.name: pd.Series(dtype=c.dtype) for c in TABLES[table].columns}
    for name, kind in extras:
        columns[name] = pd.Series(dtype=_EXTRA_DTYPES[kind])
    return pd.DataFrame(columns)


# --- the checks --------------------------------------------------------------------


@dataclass(frozen=True)
class ProblemKind:
    """One check: its severity, what it says and how to fix it ({fields} filled in)."""

    severity: Severity
    message: str
    hint: str


_K = ProblemKind
_E: Final = "error"
_W: Final = "warning"
# fmt: off
PROBLEM_KINDS: Final[Mapping[str, ProblemKind]] = {
    "bad_directory": _K(_E, "{detail}", "give the folder holding leads.csv/.parquet"),
    "duplicate_file": _K(_E, "{detail}", "{fix}"),
    "unreadable_file": _K(_E, "{detail}", "{fix}"),
    "invalid_config": _K(_E, "{detail}", "{fix}"),
    "unknown_file": _K(_W, "{file} is not a table of the contract",
                       "{guess}it is ignored"),
    "missing_table": _K(_E, "required table {table} is missing",
                        "add {table}.csv or {table}.parquet"),
    "empty_table": _K(_W, "the table has no rows", "check the export"),
    "missing_column": _K(_E, "required column {column} is missing",
                         "{guess}add it: {meaning}"),
    "absent_column": _K(_W, "optional column {column} is absent; all values missing",
                        "{guess}add it if you have it: {meaning}"),
    "undeclared_column": _K(_W, "column {column} is not in the contract",
                            "{guess}{use}"),
    "declared_column_missing": _K(_E, f"{{column}} is declared in {CONFIG_FILE} but "
                                  "not in the table", "add it or drop the declaration"),
    "invalid_declaration": _K(_E, "contract column {column} declared as extra",
                              f"remove it from extra_lead_columns in {CONFIG_FILE}"),
    "empty_id": _K(_E, "lead_id is empty", "every row needs the id of its lead"),
    "missing_value": _K(_E, "{column} is missing", "{column} is required in every row"),
    "wrong_type": _K(_E, "not {expected}", "{fix}"),
    "not_integer": _K(_E, "not a whole number", "{column} counts things: an integer"),
    "negative_value": _K(_E, "negative number",
                         "{column} cannot be below 0; leave it empty if unknown"),
    "invalid_category": _K(_E, "value not allowed", "use one of: {allowed}"),
    "invalid_datetime": _K(_E, "unparsable timestamp",
                           "write e.g. 2026-11-03 10:00 or 2026/11/03 10:00 (JST)"),
    "implausible_date": _K(_W, "date before 1990 or after 2099",
                           "check the year (a typo? Excel's zero date?)"),
    "unknown_element": _K(_E, "unknown element key", "use ;-separated keys: {allowed}"),
    "duplicate_id": _K(_E, "lead_id appears more than once",
                       "keep one {table} row per lead"),
    "unknown_lead": _K(_E, "lead_id not found in leads",
                       "add the lead to leads or remove the row"),
    "no_handoff": _K(_E, "{what} for a lead that was never tossed up",
                     "add the hand-off to handoffs{no_table} or remove the row"),
    "closed_before_toss_up": _K(_E, "outcome closed before its toss-up",
                                "check closed_at here and tossed_up_at in handoffs"),
    "won_without_meeting": _K(_E, "won is true but meeting_held is false",
                              "a deal is won only after a meeting: check both"),
    "loss_reason_on_won": _K(_W, "won deal with a loss_reason",
                             "clear it or check won"),
    "handoff_before_lead": _K(_W, "hand-off dated before the lead was created",
                              "check tossed_up_at here and created_at in leads"),
    "empty_memos": _K(_W, "every hand-off memo is empty",
                      "memo features and the rubric see nothing; check the export"),
    "future_timestamp": _K(_W, "event over a year after the latest lead or toss-up "
                           "({latest})", "check the year"),
    "duplicate_event": _K(_W, "same lead, timestamp, type and detail as an earlier row",
                          "remove duplicated export rows; they inflate activity"),
    "unknown_page_category": _K(_W, "web_visit detail is not a page category",
                                "use one of: {allowed}; others count as other"),
}
# fmt: on


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
            head += f"{self.count:,} {'row' if self.count == 1 else 'rows'}: "
        out = [head + self.message]
        if self.rows:
            first = f" (first {len(self.rows)})" if self.count > len(self.rows) else ""
            noun = "row" if len(self.rows) == 1 else "rows"
            where = f"        {noun} {', '.join(map(str, self.rows))}{first}"
            if self.lines:
                where += f"; CSV file lines {', '.join(map(str, self.lines))}"
            out.append(where)
        if self.hint:
            out.append(f"        fix: {self.hint}")
        return "\n".join(out)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "rows": list(self.rows), "lines": list(self.lines)}


@dataclass(frozen=True)
class ValidationReport:
    """Every problem found in a data directory."""

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


class ContractError(ReadinessError):
    """The data breaks the contract or cannot be read; `.report` says how."""

    def __init__(self, report: ValidationReport) -> None:
        self.report = report
        super().__init__(report.format())


@dataclass(frozen=True, eq=False)
class Dataset:
    """Typed tables that meet the contract; absent optional tables are empty frames.

    ids and labels are `str`, timestamps naive Asia/Tokyo `datetime64[us]`, flags
    `bool`, employees `Int64`, money `float64`, `text` columns "" when missing.
    Declared extra lead columns are `float64` / `str` / nullable `boolean`.
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

_At = tuple[str | None, str | None]  # (table, column)
_Mask = np.ndarray | pd.Series


def _problem(kind: str, at: _At, **fields: Any) -> Problem:
    spec = PROBLEM_KINDS[kind]
    fields = {"table": at[0], "column": at[1], "guess": "", **fields}
    return Problem(
        spec.severity,
        at[0],
        at[1],
        kind,
        spec.message.format(**fields),
        spec.hint.format(**fields),
    )


class _Findings:
    """Collects problems, one per (table, column, kind), with the first rows."""

    def __init__(self, sources: Mapping[str, TableSource]) -> None:
        self._sources = sources
        self.problems: list[Problem] = []

    def add(
        self,
        kind: str,
        at: _At,
        mask: _Mask | None = None,
        sample: pd.Series | None = None,
        **fields: Any,
    ) -> None:
        """Record `kind` at (table, column) for the rows in `mask`, if any."""
        problem = _problem(kind, at, **fields)
        if mask is None:
            self.problems.append(problem)
            return
        flags = np.asarray(mask, dtype=bool)
        hits = np.flatnonzero(flags)
        if not len(hits):
            return
        rows = tuple(int(i) + 1 for i in hits[:MAX_LISTED_ROWS])
        source = self._sources.get(at[0] or "")
        lines: tuple[int, ...] = ()
        if source is not None and source.kind == "csv":
            lines = tuple(source.file_line(r) or 0 for r in rows)
        message = problem.message + ("" if sample is None else _examples(sample, flags))
        self.problems.append(
            replace(problem, message=message, count=len(hits), rows=rows, lines=lines)
        )


def _examples(values: pd.Series, flags: np.ndarray, limit: int = 3) -> str:
    picked = pd.Series(values[flags]).head(1000).dropna().astype(str).unique()[:limit]
    shown = [repr(v if len(v) <= 30 else v[:29] + "…") for v in picked]
    return f" (e.g. {', '.join(shown)})" if shown else ""


def _isin(values: pd.Series, pool: pd.Series) -> np.ndarray:
    """Membership per row; pyarrow's hash set is ~10x faster than str `Series.isin`."""
    array = pa.array(values.astype("str"), from_pandas=True)
    value_set = pa.array(pool.dropna().astype("str"), from_pandas=True).cast(array.type)
    found = pc.is_in(array, value_set=value_set, skip_nulls=True)
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)


def _guess(name: str, candidates: list[str] | tuple[str, ...], template: str) -> str:
    matches = difflib.get_close_matches(name, candidates, n=1, cutoff=0.75)
    return template.format(matches[0]) if matches else ""


@dataclass(frozen=True, eq=False)
class _Typed:
    """A table's parsed columns (raw row order) and the rows fit for the Dataset."""

    frame: pd.DataFrame
    keep: np.ndarray
    given: bool
    columns: frozenset[str] = frozenset()  # the columns the file actually had


def _parse_column(
    table: str, col: Column, values: pd.Series, found: _Findings
) -> tuple[pd.Series, np.ndarray]:
    """Typed values of one column and the rows that cannot be kept."""
    at: _At = (table, col.name)
    present = is_present(values).to_numpy()
    if not col.nullable:
        found.add("empty_id" if col.kind == "id" else "missing_value", at, ~present)
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
        allowed = ", ".join(col.allowed)
        found.add("invalid_category", at, bad, values, allowed=allowed)
        parsed = parsed.where(~bad)
    elif col.kind in ("integer", "float"):
        parsed, bad = _parse_number_column(at, col, values, present, found)
    elif col.kind == "boolean":
        parsed = parse_bools(values)
        bad = present & parsed.isna().to_numpy()
        fix = f"write {_BOOL_SPELLINGS}"
        found.add("wrong_type", at, bad, values, expected="a boolean", fix=fix)
    elif col.kind == "datetime":
        parsed = parse_datetimes(values)
        bad = present & parsed.isna().to_numpy()
        found.add("invalid_datetime", at, bad, values)
        odd = (parsed < PLAUSIBLE_FROM) | (parsed >= PLAUSIBLE_UNTIL)
        found.add("implausible_date", at, odd, values)
    else:
        parsed, bad = _parse_elements(at, values, found)
    unusable = np.zeros(len(values), dtype=bool) if col.nullable else ~present | bad
    return parsed, unusable


def _parse_number_column(
    at: _At, col: Column, values: pd.Series, present: np.ndarray, found: _Findings
) -> tuple[pd.Series, np.ndarray]:
    numbers = parse_numbers(values)
    wrong = present & numbers.isna().to_numpy()
    fix = "write plain numbers such as 120 or 1200.5, without units"
    found.add("wrong_type", at, wrong, values, expected="a number", fix=fix)
    fraction = np.zeros(len(values), dtype=bool)
    if col.kind == "integer":
        fraction = (numbers.notna() & (numbers != numbers.round())).to_numpy()
        found.add("not_integer", at, fraction, values)
    negative = (numbers < 0).to_numpy() & col.non_negative
    found.add("negative_value", at, negative, values)
    numbers = numbers.where(~(fraction | negative))
    bad = wrong | fraction | negative
    return (numbers.astype("Int64") if col.kind == "integer" else numbers), bad


def _parse_elements(
    at: _At, values: pd.Series, found: _Findings
) -> tuple[pd.Series, np.ndarray]:
    """Check `;`-separated element keys and normalise them to contract order."""
    tokens = clean_text(values, normalize=True).str.lower().str.split(";").explode()
    tokens = tokens.str.strip()
    tokens = tokens[tokens.notna() & (tokens != "")]
    known = tokens.isin(ELEMENT_KEYS).to_numpy()
    unknown = pd.Series(tokens[~known].to_numpy(), index=tokens.index[~known])
    first_unknown = unknown.groupby(level=0).first().reindex(range(len(values)))
    bad = first_unknown.notna().to_numpy()
    allowed = ", ".join(ELEMENT_KEYS)
    found.add("unknown_element", at, bad, first_unknown, allowed=allowed)
    order = {key: i for i, key in enumerate(ELEMENT_KEYS)}
    good = pd.DataFrame(
        {"row": tokens.index[known].to_numpy(), "key": tokens[known].to_numpy()}
    ).drop_duplicates()
    good["pos"] = good["key"].map(order)
    joined = good.sort_values(["row", "pos"]).groupby("row")["key"].agg(";".join)
    out = pd.Series("", index=values.index, dtype="str")
    out.loc[joined.index] = joined.astype("str")
    return out, bad


def _type_table(
    raw: RawTables, table: Table, extras: Mapping[str, ExtraKind], found: _Findings
) -> _Typed:
    extras = extras if table.name == "leads" else {}
    given = raw.frames.get(table.name)
    if given is None:
        if table.required and table.name not in raw.unreadable:
            found.add("missing_table", (table.name, None))
        return _Typed(empty_frame(table.name, extras), np.zeros(0, dtype=bool), False)
    frame = given.reset_index(drop=True)
    frame.columns = pd.Index([str(c) for c in frame.columns])
    n = len(frame)
    if n == 0 and table.required:
        found.add("empty_table", (table.name, None))
    _check_columns(table, list(frame.columns), extras, found)
    keep = np.ones(n, dtype=bool)
    typed: dict[str, pd.Series] = {}
    for col in table.columns:
        if col.name in frame.columns:
            values = frame[col.name]
            typed[col.name], unusable = _parse_column(table.name, col, values, found)
            keep &= ~unusable
        else:
            typed[col.name] = _absent_values(col, n)
            keep &= not col.required
    for name, kind in extras.items():
        typed[name] = _parse_extra(name, kind, frame, found)
    frame_out = pd.DataFrame(typed, index=pd.RangeIndex(n))
    return _Typed(frame_out, keep, True, frozenset(frame.columns))


def _absent_values(col: Column, n: int) -> pd.Series:
    if col.kind in ("text", "element_list"):
        return pd.Series([""] * n, dtype="str")
    return pd.Series(
        [None] * n, dtype="boolean" if col.kind == "boolean" else col.dtype
    )


def _check_columns(
    table: Table, names: list[str], extras: Mapping[str, ExtraKind], found: _Findings
) -> None:
    """Missing, absent-optional and unexpected columns, with misspelling guesses."""
    unexpected = [c for c in names if c not in (*table.column_names, *extras)]
    for col in (c for c in table.columns if c.name not in names):
        kind = "missing_column" if col.required else "absent_column"
        guess = _guess(col.name, unexpected, "is {!r} a misspelling of it? ")
        found.add(kind, (table.name, col.name), guess=guess, meaning=col.meaning)
    for name in (n for n in extras if n not in names):
        found.add("declared_column_missing", (table.name, name))
    use = "it is ignored"
    if table.name == "leads":
        use = (
            f"to use it as a feature, declare it in {CONFIG_FILE} under "
            "extra_lead_columns as numeric, category or boolean; until then it is "
            "ignored"
        )
    for name in unexpected:
        guess = _guess(name, table.column_names, "is it a misspelling of {!r}? ")
        found.add("undeclared_column", (table.name, name), guess=guess, use=use)


def _parse_extra(
    name: str, kind: ExtraKind, frame: pd.DataFrame, found: _Findings
) -> pd.Series:
    if name not in frame.columns:
        return pd.Series([None] * len(frame), dtype=_EXTRA_DTYPES[kind])
    values = frame[name]
    if kind == "category":
        return clean_text(values)
    parsed = parse_numbers(values) if kind == "numeric" else parse_bools(values)
    bad = is_present(values).to_numpy() & parsed.isna().to_numpy()
    expected = "a number" if kind == "numeric" else "a boolean"
    fix = f"{CONFIG_FILE} declares {name} as {kind}: fix the values or the declaration"
    found.add("wrong_type", ("leads", name), bad, values, expected=expected, fix=fix)
    return parsed


def _check_keys(typed: Mapping[str, _Typed], raw: RawTables, found: _Findings) -> None:
    """Duplicate ids, and rows whose lead (or hand-off) does not exist."""
    has_id = {name: "lead_id" in t.columns for name, t in typed.items()}
    for name, t in typed.items():
        if has_id[name] and TABLES[name].column("lead_id").unique:
            ids = t.frame["lead_id"]
            dup = ids.notna() & ids.duplicated(keep=False)
            found.add("duplicate_id", (name, "lead_id"), dup, ids)
            t.keep[(ids.notna() & ids.duplicated(keep="first")).to_numpy()] = False
    lead_ids = typed["leads"].frame["lead_id"].dropna() if has_id["leads"] else None
    handoffs = typed["handoffs"]
    handoff_ids = None
    if "handoffs" not in raw.unreadable and (has_id["handoffs"] or not handoffs.given):
        handoff_ids = handoffs.frame["lead_id"].dropna()
    no_table = "" if handoffs.given else " (there is no handoffs table)"
    for name in ("events", "handoffs", "outcomes", "fs_feedback"):
        if not has_id[name]:
            continue
        ids = typed[name].frame["lead_id"]
        unknown = np.zeros(len(ids), dtype=bool)
        if lead_ids is not None:
            unknown = ids.notna().to_numpy() & ~_isin(ids, lead_ids)
            found.add("unknown_lead", (name, "lead_id"), unknown, ids)
        if TABLES[name].column("lead_id").references == "handoffs" and (
            handoff_ids is not None
        ):
            orphan = ids.notna().to_numpy() & ~_isin(ids, handoff_ids) & ~unknown
            what = "outcome" if name == "outcomes" else "feedback"
            at = (name, "lead_id")
            found.add("no_handoff", at, orphan, ids, what=what, no_table=no_table)


def _by_lead(t: _Typed, column: str) -> pd.Series:
    if not len(t.frame):  # e.g. a single lead's request: no hand-offs
        return pd.Series(dtype=t.frame[column].dtype)
    frame = t.frame.dropna(subset=["lead_id"]).drop_duplicates("lead_id")
    return pd.Series(frame[column].to_numpy(), index=frame["lead_id"].to_numpy())


def _lookup(ids: pd.Series, by_lead: pd.Series) -> pd.Series:
    values = by_lead.reindex(ids.to_numpy()).to_numpy()
    return pd.Series(values, index=ids.index).astype(DATETIME_DTYPE)


def _check_rules(typed: Mapping[str, _Typed], found: _Findings) -> None:
    """Business rules across tables: time order, outcomes, events, memos."""
    leads, events, handoffs, outcomes = (
        typed[n] for n in ("leads", "events", "handoffs", "outcomes")
    )
    created = _by_lead(leads, "created_at")
    tossed = _by_lead(handoffs, "tossed_up_at")
    if outcomes.given and len(outcomes.frame):
        o = outcomes.frame
        # closed_at is often a bare date: a same-day close is not before the toss-up.
        toss_day = _lookup(o["lead_id"], tossed).dt.floor("D")
        found.add("closed_before_toss_up", ("outcomes", "closed_at"),
                  o["closed_at"] < toss_day)  # fmt: skip
        won = o["won"].fillna(False).to_numpy(dtype=bool)
        held = o["meeting_held"].fillna(True).to_numpy(dtype=bool)
        found.add("won_without_meeting", ("outcomes", "won"), won & ~held)
        reason = (o["loss_reason"].str.strip() != "").to_numpy()
        found.add("loss_reason_on_won", ("outcomes", "loss_reason"), won & reason)
    if handoffs.given and len(handoffs.frame):
        h = handoffs.frame
        made_day = _lookup(h["lead_id"], created).dt.floor("D")
        early = h["tossed_up_at"].dt.floor("D") < made_day
        found.add("handoff_before_lead", ("handoffs", "tossed_up_at"), early)
        if "memo" in handoffs.columns and not (h["memo"] != "").any():
            found.add("empty_memos", ("handoffs", "memo"))
    if events.given and len(events.frame):
        anchors = [s for s in (created, tossed) if s.notna().any()]
        _check_events(events.frame, anchors, found)


def _check_events(e: pd.DataFrame, anchors: list[pd.Series], found: _Findings) -> None:
    if anchors:
        latest = max(pd.Timestamp(s.max()) for s in anchors)
        late = e["timestamp"] > latest + FUTURE_TOLERANCE
        at = ("events", "timestamp")
        found.add("future_timestamp", at, late, e["timestamp"], latest=f"{latest:%F}")
    dup = e["lead_id"].notna() & e.duplicated(keep="first")
    found.add("duplicate_event", ("events", None), dup)
    detail = e["detail"].str.lower()
    odd = (e["type"] == "web_visit") & detail.notna()
    odd &= ~detail.isin(WEB_PAGE_CATEGORIES)
    allowed = ", ".join(WEB_PAGE_CATEGORIES)
    found.add("unknown_page_category", ("events", "detail"), odd, e["detail"],
              allowed=allowed)  # fmt: skip


def _check_files(raw: RawTables, found: _Findings) -> None:
    for fp in raw.file_problems:
        detail = f"{fp.path.name}: {fp.message}"
        found.add(fp.kind, (fp.table, None), detail=detail, fix=fp.hint)
    names = [f"{n}{s}" for n in TABLES for s in FILE_SUFFIXES.values()]
    for path in raw.unknown_files:
        guess = _guess(path.name, names, "did you mean {}? ")
        found.add("unknown_file", (None, None), file=path.name, guess=guess)


def _assemble(typed: Mapping[str, _Typed], extras: Mapping[str, ExtraKind]) -> Dataset:
    """Keep usable rows whose lead (or hand-off) was kept too."""
    frames: dict[str, pd.DataFrame] = {}
    for name, spec in TABLES.items():
        t = typed[name]
        keep = t.keep.copy()
        parent = spec.column("lead_id").references
        if parent is not None and len(keep):
            keep &= _isin(t.frame["lead_id"], frames[parent]["lead_id"])
        frame = t.frame[keep].reset_index(drop=True) if len(keep) else t.frame.copy()
        for col in (c for c in spec.columns if c.kind == "boolean"):
            frame[col.name] = frame[col.name].fillna(False).astype("bool")
        frames[name] = frame
    return Dataset(**frames, extra_lead_columns=dict(extras))


def validate_and_coerce(raw: RawTables) -> tuple[ValidationReport, Dataset]:
    """Check and type the tables in one pass (what `load_dataset` uses)."""
    found = _Findings(raw.sources)
    _check_files(raw, found)
    extras: dict[str, ExtraKind] = {}
    for name, kind in raw.config.extra_lead_columns.items():
        if name in _LEADS.column_names:
            found.add("invalid_declaration", ("leads", name))
        else:
            extras[name] = kind
    typed = {n: _type_table(raw, spec, extras, found) for n, spec in TABLES.items()}
    _check_keys(typed, raw, found)
    _check_rules(typed, found)
    order = {name: i for i, name in enumerate((None, *TABLES))}
    problems = sorted(
        found.problems, key=lambda p: (p.severity != "error", order.get(p.table, 9))
    )
    report = ValidationReport(
        tuple(problems),
        data_dir=None if raw.data_dir is None else str(raw.data_dir),
        inputs=tuple(raw.sources[n].describe() for n in TABLES if n in raw.sources),
    )
    return report, _assemble(typed, extras)


def validate(raw: RawTables) -> ValidationReport:
    """Every problem in the tables, errors and warnings; no I/O."""
    return validate_and_coerce(raw)[0]


def coerce(raw: RawTables) -> Dataset:
    """Typed tables, best effort: what cannot meet the contract is left out.

    Bad cells in optional columns become missing; rows with a bad key or required
    value, a repeated id, or no kept lead (hand-off) are dropped. `validate` says why.
    """
    return validate_and_coerce(raw)[1]


# --- the edges: reading and writing directories -----------------------------------


def read_tables(data_dir: Path) -> RawTables:
    """Read the table files of `data_dir` as they are; unreadable files are recorded.

    Raises ContractError only when the directory itself cannot be read; problems
    with single files are reported by `validate`, together with everything else.
    """
    data_dir = Path(data_dir)
    try:
        return read_directory(data_dir, TABLES)
    except OSError as exc:
        detail = str(exc) if exc.strerror is None else f"{data_dir}: {exc.strerror}"
        problem = _problem("bad_directory", (None, None), detail=detail)
        raise ContractError(ValidationReport((problem,), str(data_dir))) from exc


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

    Frames are written as given, unchecked (tests write broken tables this way). A
    Dataset writes all five tables plus `dataset.yaml` declaring its extra columns.
    Nothing is written if any table fails to encode (e.g. an emoji in cp932).
    """
    config = None
    if isinstance(tables, Dataset):
        frames = tables.tables()
        config = DatasetConfig(
            encoding="cp932" if fmt == "csv" and encoding == "cp932" else None,
            extra_lead_columns=dict(tables.extra_lead_columns),
        )
    else:
        unknown = sorted(set(tables) - set(TABLES))
        if unknown:
            raise ValueError(f"unknown tables {unknown}; the contract has {[*TABLES]}")
        frames = {n: tables[n] for n in TABLES if n in tables}
    return write_frames(
        frames, Path(out_dir), fmt=fmt, encoding=encoding, config=config
    )


# --- documentation -------------------------------------------------------------------

_TYPE_TEXT: Final = {"id": "string (id)", "float": "number", "element_list": "keys"}


def contract_markdown() -> str:
    """The contract as Markdown for the README; generated so that it cannot drift."""
    out = [
        "A data directory holds up to five tables, each as `NAME.parquet` or "
        "`NAME.csv` (not both). CSV is UTF-8 (with or without BOM) or cp932 (Japanese "
        "Excel), detected automatically. Timestamps are Asia/Tokyo local time: ISO "
        "(`2026-11-03T10:00:00`; offsets such as `+09:00` or `Z` are converted to "
        "Tokyo time; digits below a microsecond are dropped), `2026/11/03 10:00`, "
        "`2026年11月3日`, `令和8年11月3日 午後3:00`, `20261103` or Excel serial days "
        "(5 digits; other bare numbers are not dates). Booleans: "
        f"{_BOOL_SPELLINGS} (any case). Check a directory with "
        "`readiness validate DIR`.",
        "",
    ]
    for table in TABLES.values():
        need = "required" if table.required else "optional"
        out += [f"### `{table.name}` ({need})", "", table.meaning, ""]
        out += ["| column | type | required | may be missing | rule | meaning |"]
        out += ["|---|---|---|---|---|---|"]
        for c in table.columns:
            kind = _TYPE_TEXT.get(c.kind, c.kind)
            flags = f"{'yes' if c.required else 'no'} | {'yes' if c.nullable else 'no'}"
            out.append(f"| `{c.name}` | {kind} | {flags} | {c.rule()} | {c.meaning} |")
        out.append("")
    out += [
        f"### `{CONFIG_FILE}` (optional)",
        "",
        "```yaml",
        "encoding: cp932            # utf-8 or cp932; omit to auto-detect",
        "extra_lead_columns:        # your own lead attributes, used as features",
        "  budget_band: category    # numeric, category or boolean",
        "```",
        "",
        "Undeclared extra columns are reported as warnings and ignored.",
        "",
        "### Checks",
        "",
        "| check | severity | says |",
        "|---|---|---|",
    ]
    for kind, spec in PROBLEM_KINDS.items():
        if "{detail}" not in spec.message:
            out.append(f"| `{kind}` | {spec.severity} | {spec.message} |")
    return "\n".join(out) + "\n"
