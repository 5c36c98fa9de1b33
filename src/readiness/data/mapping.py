"""The mapping file of `readiness import`: its schema, its loader, its errors.

A mapping YAML says which export column (or constant) becomes which contract
column, how values translate, which cells mean unknown or take a default, how
the export is written (`source:`, sniffed when absent) and where time comes from
(`time:` — a date column, a sequence column, or month/weekday by row order).
Every key is documented in the README's "Bring your own data". Errors carry one
block per problem whose first line names what, where and the fix.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, Final, Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from readiness.data.contract import TABLES
from readiness.data.files import ExtraKind
from readiness.errors import ReadinessError

__all__ = [
    "ExportError",
    "FieldSpec",
    "IdSpec",
    "ImportMapping",
    "MappingError",
    "RowOrderTime",
    "Scalar",
    "SourceSpec",
    "TimeSpec",
    "headline",
    "load_mapping",
    "rows_text",
]

Scalar = str | int | float | bool


class MappingError(ReadinessError, ValueError):
    """The mapping file, or the export measured against it, cannot be imported.

    `problems` holds one block per problem; the first line of each block names
    what, where and the fix, so the first line of the message stands alone.
    """

    def __init__(self, problems: list[str], *, where: str = "the mapping") -> None:
        self.problems = problems
        self.where = where
        more = (
            f"\n({len(problems)} problems in {where}; nothing was written)"
            if len(problems) > 1
            else ""
        )
        super().__init__("\n".join(problems) + more)


class ExportError(ReadinessError, ValueError):
    """The export file cannot be read at all."""


def headline(where: str, what: str, fix: str) -> str:
    return f"{where}: {what} — fix: {fix}"


def rows_text(count: int) -> str:
    return f"{count:,} row{'s' if count != 1 else ''}"


# --- the mapping ---------------------------------------------------------------------


class FieldSpec(BaseModel):
    """Where one contract (or extra) column comes from.

    Exactly one of `column` (an export column) and `constant`. `values` translates
    export values (every present value must be listed; `""` is the blank cell;
    lookups fall back to a case-insensitive match); `missing` lists values meaning
    "unknown" (e.g. "999", "unknown"); `default` fills blank and `missing` cells
    (a required category with blanks: `default: "不明"`); `format` is a strptime
    format (or `excel`) for dates; `kind` is required for extra lead columns only.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    column: str | None = None
    constant: Scalar | None = None
    values: dict[str, Scalar | None] | None = None
    missing: list[str] = []
    default: Scalar | None = None
    format: str | None = None
    kind: ExtraKind | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if isinstance(data, str):  # `industry: job` means `industry: {column: job}`
            return {"column": data}
        if isinstance(data, dict) and isinstance(data.get("values"), dict):
            keys = [k for k in data["values"] if k is not None]
            odd = [k for k in keys if not isinstance(k, str | int | float)]
            if odd or any(isinstance(k, bool) for k in keys):
                raise ValueError(
                    "value map keys must be text, and YAML reads yes/no/on/off/true "
                    'unquoted as booleans — fix: quote them, e.g. values: {"yes": true}'
                )
            # `~: x` (YAML null) is the blank cell, like `"": x`
            data = {
                **data,
                "values": {
                    ("" if k is None else str(k).strip()): v
                    for k, v in data["values"].items()
                },
            }
        if isinstance(data, dict) and "missing" in data:
            data = {**data, "missing": [str(v) for v in data["missing"] or []]}
        return data

    @model_validator(mode="after")
    def _one_source(self) -> FieldSpec:
        if (self.column is None) == (self.constant is None):
            raise ValueError(
                "needs a source — fix: give exactly one of column: or constant:"
            )
        if self.constant is not None and self.default is not None:
            raise ValueError(
                "default: fills blank cells of a column:, and a constant: has none "
                "— fix: remove default:"
            )
        return self


class RowOrderTime(BaseModel):
    """Month (and weekday) columns of an export sorted by time, plus the first year."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start_year: int
    month: str
    day_of_week: str | None = None


class TimeSpec(BaseModel):
    """When each row happened: a date column, a sequence column, or month/weekday."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    column: str | None = None
    format: str | None = None
    order: str | None = None
    row_order: RowOrderTime | None = None

    @model_validator(mode="after")
    def _one_source(self) -> TimeSpec:
        given = [self.column, self.order, self.row_order]
        if sum(v is not None for v in given) != 1:
            raise ValueError(
                "needs one source of time — fix: give exactly one of column: (a "
                "date), order: (a sequence or row number) or row_order: (month and "
                "weekday columns)"
            )
        if self.format is not None and self.column is None:
            raise ValueError("format: without column: — fix: add column:")
        return self


_ENCODINGS: Final[dict[str, str]] = {
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "utf-8-sig": "utf-8-sig",
    "cp932": "cp932",
    "ms932": "cp932",
    "windows-31j": "cp932",
    "shift_jis": "cp932",  # cp932 is Microsoft's superset of Shift_JIS
    "shift-jis": "cp932",
    "sjis": "cp932",
}


class SourceSpec(BaseModel):
    """How the export file is written; both are sniffed when not given."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    delimiter: str | None = None
    encoding: Literal["utf-8", "utf-8-sig", "cp932"] | None = None

    @model_validator(mode="before")
    @classmethod
    def _aliases(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        encoding = data.get("encoding")
        if isinstance(encoding, str):
            key = encoding.strip().lower()
            if key not in _ENCODINGS:
                raise ValueError(
                    f"encoding {encoding!r} is not supported — fix: use utf-8, "
                    "utf-8-sig or cp932 (Shift_JIS, Japanese Excel), or leave it out "
                    "to detect it"
                )
            data["encoding"] = _ENCODINGS[key]
        delimiter = data.get("delimiter")
        if isinstance(delimiter, str) and delimiter.lower() in {"tab", "\\t"}:
            data["delimiter"] = "\t"
        elif isinstance(delimiter, str) and len(delimiter) != 1:
            raise ValueError(
                f"delimiter {delimiter!r} is not one character — fix: use ',', "
                "';', tab or '|', or leave it out to detect it"
            )
        return data


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
    time: TimeSpec | None = None  # None is refused by import_export, with options
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
                    hint = f"did you mean {guess[0]}? " if guess else ""
                    problems.append(
                        f"{table}.{name} is not a mappable column of {table} — fix: "
                        f"{hint}columns: "
                        f"{', '.join(n for n in names if n != 'lead_id')}"
                    )
        for name, spec in self.extra_lead_columns.items():
            if spec.kind is None:
                problems.append(
                    f"extra_lead_columns.{name} has no kind — fix: add kind: "
                    "numeric, category or boolean"
                )
            if name in TABLES["leads"].column_names:
                problems.append(
                    f"extra_lead_columns.{name} is a contract column of leads — "
                    "fix: map it under leads: instead"
                )
        for name, spec in self.leads.items():
            if spec.kind is not None:
                problems.append(
                    f"leads.{name} has kind:, which is for extra_lead_columns only — "
                    "fix: remove it"
                )
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
        if time is not None:
            ro = time.row_order
            months = (ro.month, ro.day_of_week) if ro else ()
            for col in (time.column, time.order, *months):
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
        raise MappingError(
            [
                headline(
                    where,
                    f"cannot read: {exc.strerror or exc}",
                    "check the path given to --mapping",
                )
            ]
        ) from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        first = str(exc).replace("\n", " ")
        raise MappingError(
            [
                headline(
                    where,
                    f"not valid YAML ({first})",
                    "fix the YAML syntax; indent with spaces",
                )
            ]
        ) from exc
    if not isinstance(loaded, dict):
        raise MappingError(
            [
                headline(
                    where,
                    "is not a mapping of sections",
                    "start from examples/bank-marketing/mapping.yaml",
                )
            ]
        )
    try:
        return ImportMapping.model_validate(loaded)
    except ValidationError as exc:
        problems = [_pydantic_problem(where, err) for err in exc.errors()]
        raise MappingError(problems, where=where) from exc


_TOP_KEYS: Final = tuple(ImportMapping.model_fields)


def _pydantic_problem(where: str, err: Any) -> str:
    loc = ".".join(str(p) for p in err["loc"]) or "(top)"
    msg = str(err["msg"]).removeprefix("Value error, ")
    kind = err["type"]
    if kind == "missing":
        fix = f"add {loc}: to the mapping (see README, 'Bring your own data')"
        return headline(f"{where}: {loc}", "is required", fix)
    if kind == "extra_forbidden":
        name = str(err["loc"][-1])
        keys = _TOP_KEYS if len(err["loc"]) == 1 else tuple(FieldSpec.model_fields)
        guess = difflib.get_close_matches(name, keys, n=1)
        hint = f"did you mean {guess[0]}? " if guess else ""
        fix = f"{hint}keys here: {', '.join(keys)}"
        return headline(f"{where}: {loc}", "is not a mapping key", fix)
    if " — fix: " in msg:  # our validators say the fix themselves
        return f"{where}: {loc}: {msg}"
    return headline(f"{where}: {loc}", msg, "see README, 'Bring your own data'")
