"""The data contract: which tables a data directory holds and what is valid in them.

Everything downstream (features, training, scoring) trusts the `Dataset` that
`readiness.data.load` hands out, so the contract is checked once, in one place
(`readiness.data.checks`), and every problem is reported at once, grouped per
table, column and kind (`readiness.data.findings`), so that a million bad rows make
one line. `TABLES` describes the tables and `PROBLEM_KINDS` the checks; the README's
contract section is rendered from both by `contract_markdown()`. File formats live
in `readiness.data.files`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

import pandas as pd

from readiness.data.cells import FALSE_WORDS, TRUE_WORDS
from readiness.data.files import (
    CONFIG_FILE,
    DATETIME_DTYPE,
    CsvEncoding,
    DatasetConfig,
    ExtraKind,
)
from readiness.data.findings import PROBLEM_KINDS
from readiness.data.write import write_frames
from readiness.fields import ELEMENT_KEYS

__all__ = [
    "BOOL_SPELLINGS",
    "CONTACT_ROLES",
    "EVENT_TYPES",
    "EXTRA_DTYPES",
    "LEAD_SOURCES",
    "TABLES",
    "WEB_PAGE_CATEGORIES",
    "Column",
    "Dataset",
    "Table",
    "contract_markdown",
    "empty_frame",
    "write_tables",
]

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

_TEXT_KINDS: Final = ("id", "string", "text", "category", "element_list")
_KIND_DTYPES: Final[dict[str, str]] = {
    **dict.fromkeys(_TEXT_KINDS, "str"),
    "integer": "Int64",
    "float": "float64",
    "boolean": "bool",
    "datetime": DATETIME_DTYPE,
}
EXTRA_DTYPES: Final = {"numeric": "float64", "category": "str", "boolean": "boolean"}
BOOL_SPELLINGS: Final = ", ".join(
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
        columns[name] = pd.Series(dtype=EXTRA_DTYPES[kind])
    return pd.DataFrame(columns)


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


# --- the edge: writing a directory -------------------------------------------------


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
        f"{BOOL_SPELLINGS} (any case). Check a directory with "
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
