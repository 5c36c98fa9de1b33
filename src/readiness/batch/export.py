"""CRM write-back files: the latest scores as a Salesforce or HubSpot import CSV.

The commercial scorers keep their scores inside their own product; a team that
wants the number on the lead record (for views, reports, assignment rules) has to
import it. `export_scores` turns a `readiness score-batch` output into a CSV whose
headers follow each CRM's import conventions (docs/crm-export.md has the field
mappings and the custom fields to create first):

- Salesforce (Data Import Wizard, Data Loader): the record `Id` and custom field
  API names (`Readiness_Probability__c`, …); probability as a Percent field value
  (62.5 = 62.5 %); the time as `yyyy-MM-ddTHH:mm:ss.SSSZ` in UTC.
- HubSpot (import tool): `Record ID` and property internal names
  (`readiness_probability`, …); the time as a date, `YYYY-MM-DD`, because a date
  picker property created in HubSpot's settings holds a date only.

UTF-8 with a byte-order mark by default, so Excel opens the Japanese text
correctly; `bom=False` for tools that take the BOM as part of the first header
(Salesforce Data Loader). Rows keep the ranking of the scores file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, Literal

import numpy as np
import pandas as pd

from readiness.batch.backlog import BatchError
from readiness.batch.parts import read_table
from readiness.clock import TOKYO
from readiness.data.write import atomic_write_bytes
from readiness.fields import ELEMENT_KEYS, element
from readiness.scoring.timing_model import ACTIONS

__all__ = [
    "CRMS",
    "ExportResult",
    "crm_columns",
    "export_scores",
    "export_table",
    "top_missing_key",
]

Crm = Literal["salesforce", "hubspot"]
Lang = Literal["ja", "en"]

# What is exported, in order: our name → (Salesforce API name, HubSpot internal name).
_FIELDS: Final[dict[str, tuple[str, str]]] = {
    "lead_id": ("Id", "Record ID"),
    "probability": ("Readiness_Probability__c", "readiness_probability"),
    "probability_low": ("Readiness_Probability_Low__c", "readiness_probability_low"),
    "probability_high": (
        "Readiness_Probability_High__c",
        "readiness_probability_high",
    ),
    "grade": ("Readiness_Grade__c", "readiness_grade"),
    "top_missing": ("Readiness_Top_Missing__c", "readiness_top_missing"),
    "top_missing_question": (
        "Readiness_Next_Question__c",
        "readiness_next_question",
    ),
    "timing_action": ("Readiness_Timing_Action__c", "readiness_timing_action"),
    "updated_at": ("Readiness_Updated_At__c", "readiness_updated_at"),
}
CRMS: Final[tuple[str, ...]] = ("salesforce", "hubspot")
# The columns a scores file must have (the interval and timing ones are optional:
# older outputs and runs without --timing have none).
_NEEDED: Final = ("lead_id", "probability", "grade", "top_missing", "explained")
_FIRST_KEY: Final = re.compile(r"^\s*([a-z_]+) \(")


@dataclass(frozen=True)
class ExportResult:
    out: Path
    rows: int
    unexplained: int  # rows whose top missing element is unknown (not explained)
    columns: tuple[str, ...]
    updated_at: datetime  # UTC


def crm_columns(crm: Crm, *, with_interval: bool) -> tuple[str, ...]:
    """The CSV headers for `crm`, in order (the interval pair only when scored)."""
    side = CRMS.index(crm)
    return tuple(
        names[side]
        for ours, names in _FIELDS.items()
        if with_interval or ours not in ("probability_low", "probability_high")
    )


def top_missing_key(cell: object) -> str | None:
    """The element key of a `top_missing` cell ("budget (+0.031); …"), or None."""
    if not isinstance(cell, str):
        return None
    found = _FIRST_KEY.match(cell)
    if found is None or found.group(1) not in ELEMENT_KEYS:
        return None
    return found.group(1)


def export_table(
    scores: pd.DataFrame,
    *,
    crm: Crm,
    lang: Lang = "ja",
    updated_at: datetime,
    id_header: str | None = None,
) -> pd.DataFrame:
    """The import table of `crm` for a scores frame (`score-batch` output), all
    cells text so the CSV says exactly what the CRM reads."""
    if crm not in CRMS:
        raise BatchError(f"CRM {crm!r}: choose one of {', '.join(CRMS)}")
    absent = [c for c in _NEEDED if c not in scores.columns]
    if absent:
        raise BatchError(
            f"スコアファイルに列がありません / the scores file lacks the column(s) "
            f"{', '.join(absent)}: export-scores reads the output of "
            "`readiness score-batch` (its .parquet or .csv, not the summary or "
            "the rejects file)"
        )
    with_interval = "probability_low" in scores.columns
    keys = [top_missing_key(c) for c in scores["top_missing"]]
    label = "ja" if lang == "ja" else "en"
    missing = [getattr(element(k), label) if k else "" for k in keys]
    question = [getattr(element(k), f"question_{label}") if k else "" for k in keys]
    side = 0 if lang == "ja" else 1
    actions = (
        scores["timing_action"].astype(object)
        if "timing_action" in scores.columns
        else pd.Series([None] * len(scores), dtype=object)
    )
    action_text = [
        ACTIONS[a][side] if isinstance(a, str) and a in ACTIONS else "" for a in actions
    ]
    stamp = (
        updated_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        if crm == "salesforce"
        else updated_at.astimezone(UTC).strftime("%Y-%m-%d")
    )
    ours: dict[str, list[str]] = {
        "lead_id": scores["lead_id"].astype(str).tolist(),
        "probability": _percent(scores["probability"]),
        "grade": scores["grade"].astype(str).tolist(),
        "top_missing": missing,
        "top_missing_question": question,
        "timing_action": action_text,
        "updated_at": [stamp] * len(scores),
    }
    if with_interval:
        ours["probability_low"] = _percent(scores["probability_low"])
        ours["probability_high"] = _percent(scores["probability_high"])
    headers = crm_columns(crm, with_interval=with_interval)
    names = {n: _FIELDS[n][CRMS.index(crm)] for n in ours}
    table = pd.DataFrame({names[n]: ours[n] for n in _FIELDS if n in ours})
    table = table[list(headers)]
    if id_header:
        table = table.rename(columns={headers[0]: id_header})
    return table


def export_scores(
    scores_path: Path,
    out: Path,
    *,
    crm: Crm,
    lang: Lang = "ja",
    bom: bool = True,
    id_header: str | None = None,
    updated_at: datetime | None = None,
) -> ExportResult:
    """Write the import CSV of `crm` for the scores file at `scores_path`.

    `updated_at` defaults to when the batch finished (its summary's
    `finished_at`), else the scores file's modification time."""
    scores = _read_scores(scores_path)
    moment = updated_at or _finished_at(scores_path)
    table = export_table(
        scores, crm=crm, lang=lang, updated_at=moment, id_header=id_header
    )
    text = table.to_csv(index=False, lineterminator="\r\n")
    atomic_write_bytes(out, text.encode("utf-8-sig" if bom else "utf-8"))
    unexplained = int((~scores["explained"].astype(bool)).sum())
    return ExportResult(
        out=out,
        rows=len(table),
        unexplained=unexplained,
        columns=tuple(table.columns),
        updated_at=moment.astimezone(UTC),
    )


def _percent(values: pd.Series) -> list[str]:
    """Probabilities as percent with one decimal ("" where missing)."""
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64)
    return ["" if np.isnan(v) else f"{100 * v:.1f}" for v in numbers]


def _read_scores(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise BatchError(
            f"{path}: スコアファイルがありません / no scores file here: run "
            "`readiness score-batch DATA_DIR --out FILE` first and pass that FILE"
        )
    try:
        return read_table(path)
    except (OSError, ValueError) as exc:
        raise BatchError(
            f"{path}: スコアファイルを読めません / cannot read the scores file "
            f"({exc}); pass the .parquet or .csv `readiness score-batch` wrote"
        ) from exc


def _finished_at(scores_path: Path) -> datetime:
    summary = scores_path.with_name(scores_path.name + ".summary.json")
    found = _summary_time(summary)
    if found is not None:
        return found
    return datetime.fromtimestamp(scores_path.stat().st_mtime, tz=UTC)


def _summary_time(path: Path) -> datetime | None:
    import json

    try:
        summary: Mapping[str, object] = json.loads(path.read_text(encoding="utf-8"))
        stamp = datetime.fromisoformat(str(summary["finished_at"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if stamp.tzinfo is None:  # the contract's time: Asia/Tokyo
        stamp = stamp.replace(tzinfo=TOKYO)
    return stamp
