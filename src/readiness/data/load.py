"""Loading a data directory: read its files, check them against the contract, type them.

`validate_and_coerce` is the one pass (`readiness.data.checks`) that both reports
every problem and builds the `Dataset`; `validate`, `coerce` and `load_dataset` are
its three uses.
"""

from __future__ import annotations

from pathlib import Path

from readiness.data.checks import (
    assemble,
    check_files,
    check_keys,
    check_rules,
    type_table,
)
from readiness.data.contract import TABLES, Dataset
from readiness.data.files import ExtraKind, RawTables, read_directory
from readiness.data.findings import ContractError, Findings, ValidationReport, problem

__all__ = ["coerce", "load_dataset", "read_tables", "validate", "validate_and_coerce"]


def validate_and_coerce(raw: RawTables) -> tuple[ValidationReport, Dataset]:
    """Check and type the tables in one pass (what `load_dataset` uses)."""
    found = Findings(raw.sources)
    check_files(raw, found)
    extras: dict[str, ExtraKind] = {}
    for name, kind in raw.config.extra_lead_columns.items():
        if name in TABLES["leads"].column_names:
            found.add("invalid_declaration", ("leads", name))
        else:
            extras[name] = kind
    typed = {n: type_table(raw, spec, extras, found) for n, spec in TABLES.items()}
    check_keys(typed, raw, found)
    check_rules(typed, found)
    order = {name: i for i, name in enumerate((None, *TABLES))}
    problems = sorted(
        found.problems, key=lambda p: (p.severity != "error", order.get(p.table, 9))
    )
    report = ValidationReport(
        tuple(problems),
        data_dir=None if raw.data_dir is None else str(raw.data_dir),
        inputs=tuple(raw.sources[n].describe() for n in TABLES if n in raw.sources),
    )
    return report, assemble(typed, extras)


def validate(raw: RawTables) -> ValidationReport:
    """Every problem in the tables, errors and warnings; no I/O."""
    return validate_and_coerce(raw)[0]


def coerce(raw: RawTables) -> Dataset:
    """Typed tables, best effort: what cannot meet the contract is left out.

    Bad cells in optional columns become missing; rows with a bad key or required
    value, a repeated id, or no kept lead (hand-off) are dropped. `validate` says why.
    """
    return validate_and_coerce(raw)[1]


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
        found = problem("bad_directory", (None, None), detail=detail)
        raise ContractError(ValidationReport((found,), str(data_dir))) from exc


def load_dataset(data_dir: Path, *, strict: bool = True) -> Dataset:
    """Read, validate and type a data directory.

    With `strict`, any error raises ContractError carrying the full report; without,
    the best-effort Dataset of `coerce` is returned.
    """
    report, dataset = validate_and_coerce(read_tables(data_dir))
    if strict and not report.ok:
        raise ContractError(report)
    return dataset
