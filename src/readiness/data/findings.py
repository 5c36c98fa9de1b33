"""What validation found: problem kinds, problems, the report, and its error.

`PROBLEM_KINDS` is every check the contract makes (severity, message, fix);
`Findings` collects problems while checking, one per (table, column, kind) with
the first rows and their CSV lines, so that a million bad rows make one line. The
contract checks (`readiness.data.checks`) and the nightly batch's per-chunk
validation (`readiness.batch.backlog`) both report through it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any, Final, Literal

import numpy as np
import pandas as pd

from readiness.data.files import CONFIG_FILE, TableSource
from readiness.errors import ReadinessError

__all__ = [
    "MAX_LISTED_ROWS",
    "PROBLEM_KINDS",
    "At",
    "ContractError",
    "Findings",
    "Mask",
    "Problem",
    "ProblemKind",
    "Severity",
    "ValidationReport",
    "problem",
]


Severity = Literal["error", "warning"]
MAX_LISTED_ROWS: Final = 10


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


At = tuple[str | None, str | None]  # (table, column)
Mask = np.ndarray | pd.Series


def problem(kind: str, at: At, **fields: Any) -> Problem:
    """The `PROBLEM_KINDS[kind]` problem at (table, column), its text filled in."""
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


class Findings:
    """Collects problems, one per (table, column, kind), with the first rows."""

    def __init__(self, sources: Mapping[str, TableSource]) -> None:
        self._sources = sources
        self.problems: list[Problem] = []

    def add(
        self,
        kind: str,
        at: At,
        mask: Mask | None = None,
        sample: pd.Series | None = None,
        **fields: Any,
    ) -> None:
        """Record `kind` at (table, column) for the rows in `mask`, if any."""
        found = problem(kind, at, **fields)
        if mask is None:
            self.problems.append(found)
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
        message = found.message + ("" if sample is None else _examples(sample, flags))
        self.problems.append(
            replace(found, message=message, count=len(hits), rows=rows, lines=lines)
        )


def _examples(values: pd.Series, flags: np.ndarray, limit: int = 3) -> str:
    picked = pd.Series(values[flags]).head(1000).dropna().astype(str).unique()[:limit]
    shown = [repr(v if len(v) <= 30 else v[:29] + "…") for v in picked]
    return f" (e.g. {', '.join(shown)})" if shown else ""
