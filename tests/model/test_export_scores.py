"""CRM write-back files: a score-batch output as Salesforce / HubSpot import CSVs."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from readiness.batch.backlog import BatchError
from readiness.batch.export import crm_columns, export_scores, top_missing_key
from readiness.fields import element
from readiness.scoring.timing_model import ACTIONS


def _scores(interval: bool = False) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "rank": [1, 2, 3],
            "lead_id": ["00Q5g00000ABCdE", "L2", "L3"],
            "status": ["open", "handed_off", "open"],
            "probability": [0.625, 0.3, 0.01234],
            "grade": ["A", "B", "D"],
            "top_missing": ["budget (+0.031); timeline (+0.020)", "", ""],
            "explained": [True, True, False],
            "timing_action": ["toss_up_now", None, "at_risk"],
        }
    )
    if interval:
        frame.insert(4, "probability_low", [0.55, 0.2, 0.0])
        frame.insert(5, "probability_high", [0.7, 0.41, 0.05])
    return frame


def _write(tmp_path: Path, frame: pd.DataFrame, finished: str | None) -> Path:
    path = tmp_path / "scores.parquet"
    frame.to_parquet(path)
    if finished is not None:
        summary = {"as_of": "2026-06-01T00:00:00", "finished_at": finished}
        (tmp_path / "scores.parquet.summary.json").write_text(json.dumps(summary))
    return path


def test_the_top_missing_element_is_read_from_the_first_entry_only() -> None:
    assert top_missing_key("budget (+0.031); timeline (+0.020)") == "budget"
    assert top_missing_key("") is None
    assert top_missing_key(None) is None
    assert top_missing_key("not_an_element (+0.1)") is None


def test_a_salesforce_file_has_api_names_percent_values_a_bom_and_utc_times(
    tmp_path: Path,
) -> None:
    scores = _write(tmp_path, _scores(), "2026-12-03T09:30:00+09:00")
    out = tmp_path / "sf.csv"
    result = export_scores(scores, out, crm="salesforce")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads the Japanese cells
    table = pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert tuple(table.columns) == crm_columns("salesforce", with_interval=False)
    assert table["Id"].tolist() == ["00Q5g00000ABCdE", "L2", "L3"]
    assert table["Readiness_Probability__c"].tolist() == ["62.5", "30.0", "1.2"]
    budget = element("budget")
    assert table["Readiness_Top_Missing__c"].tolist() == [budget.ja, "", ""]
    assert table["Readiness_Next_Question__c"].iloc[0] == budget.question_ja
    at_risk = ACTIONS["at_risk"][0]
    assert table["Readiness_Timing_Action__c"].tolist() == ["今トスアップ", "", at_risk]
    assert set(table["Readiness_Updated_At__c"]) == {"2026-12-03T00:30:00.000Z"}
    assert result.rows == 3
    assert result.unexplained == 1
    assert result.updated_at == datetime(2026, 12, 3, 0, 30, tzinfo=UTC)


def test_a_hubspot_file_has_internal_names_dates_and_english_when_asked(
    tmp_path: Path,
) -> None:
    scores = _write(tmp_path, _scores(interval=True), "2026-12-03T08:59:00")
    out = tmp_path / "hs.csv"
    export_scores(scores, out, crm="hubspot", lang="en", bom=False)
    raw = out.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in raw  # the line ends spreadsheets and import tools expect
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert tuple(table.columns) == crm_columns("hubspot", with_interval=True)
    assert table.columns[0] == "Record ID"
    assert table["readiness_probability_low"].tolist() == ["55.0", "20.0", "0.0"]
    assert table["readiness_probability_high"].tolist() == ["70.0", "41.0", "5.0"]
    assert table["readiness_top_missing"].iloc[0] == element("budget").en
    assert table["readiness_next_question"].iloc[0] == element("budget").question_en
    assert table["readiness_timing_action"].iloc[0] == "toss up now"
    # 08:59 in Tokyo (the contract's time) is the day before in UTC
    assert set(table["readiness_updated_at"]) == {"2026-12-02"}


def test_the_id_header_can_name_the_crm_key_the_lead_ids_really_are(
    tmp_path: Path,
) -> None:
    scores = _write(tmp_path, _scores(), "2026-12-03T00:00:00+00:00")
    out = tmp_path / "hs.csv"
    export_scores(scores, out, crm="hubspot", id_header="Email")
    table = pd.read_csv(out, encoding="utf-8-sig", dtype=str)
    assert table.columns[0] == "Email"


def test_without_a_summary_the_files_time_is_the_update_time(tmp_path: Path) -> None:
    scores = _write(tmp_path, _scores(), None)
    result = export_scores(scores, tmp_path / "x.csv", crm="salesforce")
    mtime = datetime.fromtimestamp(scores.stat().st_mtime, tz=UTC)
    assert result.updated_at == mtime


def test_a_csv_scores_file_keeps_lead_ids_as_text(tmp_path: Path) -> None:
    frame = _scores()
    frame["lead_id"] = ["007", "010", "3"]
    path = tmp_path / "scores.csv"
    frame.to_csv(path, index=False)
    export_scores(path, tmp_path / "x.csv", crm="salesforce")
    table = pd.read_csv(tmp_path / "x.csv", encoding="utf-8-sig", dtype=str)
    assert table["Id"].tolist() == ["007", "010", "3"]


def test_a_file_that_is_not_a_scores_output_is_refused_with_the_fix(
    tmp_path: Path,
) -> None:
    rejects = tmp_path / "scores.parquet.rejects.csv"
    pd.DataFrame({"lead_id": ["L1"], "column": ["x"], "reason": ["y"]}).to_csv(
        rejects, index=False
    )
    with pytest.raises(BatchError, match=r"lacks the column.*score-batch"):
        export_scores(rejects, tmp_path / "x.csv", crm="salesforce")
    with pytest.raises(BatchError, match=r"no scores file.*score-batch"):
        export_scores(tmp_path / "none.parquet", tmp_path / "x.csv", crm="hubspot")
    assert not (tmp_path / "x.csv").exists()  # nothing half-written
