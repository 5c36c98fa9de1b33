"""The data contract: every error class, the grouping, typing and the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from readiness.cli import main
from readiness.data.contract import (
    TABLES,
    Dataset,
    contract_markdown,
    empty_frame,
    write_tables,
)
from readiness.data.files import ExtraKind, RawTables
from readiness.data.findings import (
    PROBLEM_KINDS,
    ContractError,
    Problem,
    ValidationReport,
)
from readiness.data.load import (
    coerce,
    load_dataset,
    read_tables,
    validate,
    validate_and_coerce,
)

MEMO = (
    "【顧客基本情報】\n"
    "・企業名：株式会社山田製作所\n"
    "・担当者名/役職: 山田 太郎／情報システム部 部長\n"
    "【BANT情報】\n"
    "・Budget(予算)：500万円（確保済み）\n"
    "・Timeline(検討・導入スケジュール)：未確認"
)


def valid_frames() -> dict[str, pd.DataFrame]:
    """A tiny valid data directory, every cell a string as CSV gives it."""
    leads = pd.DataFrame(
        {
            "lead_id": ["L001", "L002", "L003", "L004"],
            "company_name": [
                "株式会社山田製作所",
                "合同会社さくらソフト",
                "有限会社青葉物流",
                "株式会社ミドリ商事",
            ],
            "industry": ["製造業", "IT", "物流", "卸売"],
            "employees": ["120", "", "45", "300"],
            "annual_revenue": ["850.5", "", "120", "2,400"],
            "region": ["東京都", "大阪府", "宮城県", "愛知県"],
            "contact_title": ["情報システム部 部長", "", "課長", "担当"],
            "contact_role": ["decision_maker", "", "influencer", "staff"],
            "lead_source": ["inquiry", "seminar", "download", "referral"],
            "created_at": [
                "2026/10/01 09:00",
                "2026-10-02T10:30:00",
                "2026/10/03",
                "2026/10/04 14:00",
            ],
        }
    )
    events = pd.DataFrame(
        {
            "lead_id": ["L001", "L001", "L001", "L003", "L004"],
            "timestamp": [
                "2026/10/02 10:00",
                "2026/10/05 11:00",
                "2026/10/06 11:00",
                "2026/10/04 16:00",
                "2026/10/05 13:00",
            ],
            "type": [
                "web_visit",
                "is_call",
                "is_call_connected",
                "document_download",
                "seminar_attendance",
            ],
            "detail": ["pricing", "", "", "導入事例集", "【ウェビナー】営業DX入門"],
        }
    )
    handoffs = pd.DataFrame(
        {
            "lead_id": ["L001", "L003", "L004"],
            "tossed_up_at": ["2026/10/10 15:00", "2026/10/12 10:00", "2026/10/15"],
            "is_rep": ["佐藤", "鈴木", "佐藤"],
            "fs_rep": ["田中", "", "田中"],
            "memo": [MEMO, "", "・企業名：株式会社ミドリ商事"],
        }
    )
    outcomes = pd.DataFrame(
        {
            "lead_id": ["L001", "L003", "L004"],
            "meeting_held": ["true", "はい", "no"],
            "won": ["TRUE", "いいえ", "0"],
            "amount": ["1200000", "", ""],
            "closed_at": ["2026/11/20", "2026/11/01", ""],
            "loss_reason": ["", "価格", ""],
        }
    )
    fs_feedback = pd.DataFrame(
        {
            "lead_id": ["L001", "L003"],
            "missing_elements": ["", "budget;timeline"],
            "comment": ["よく整理されていた", "予算感が不明"],
        }
    )
    return {
        "leads": leads,
        "events": events,
        "handoffs": handoffs,
        "outcomes": outcomes,
        "fs_feedback": fs_feedback,
    }


def raw_with(
    edits: dict[tuple[str, int, str], str] | None = None,
    **replace: pd.DataFrame | None,
) -> RawTables:
    """The valid tables with some cells edited and some tables replaced or dropped."""
    frames = valid_frames()
    for (table, row, column), value in (edits or {}).items():
        frames[table].loc[row, column] = value
    for name, frame in replace.items():
        if frame is None:
            frames.pop(name)
        else:
            frames[name] = frame
    return RawTables.from_frames(frames)


def the(report: ValidationReport, kind: str, where: str | None = None) -> Problem:
    """The one problem of `kind` (at `table.column`), failing loudly otherwise."""
    found = [p for p in report.problems if p.kind == kind]
    if where is not None:
        found = [p for p in found if p.where == where]
    assert len(found) == 1, report.format()
    return found[0]


def kinds(report: ValidationReport) -> set[str]:
    return {p.kind for p in report.problems}


# --- a clean directory ----------------------------------------------------------


def test_a_valid_dataset_has_no_problems() -> None:
    report = validate(raw_with())
    assert report.ok
    assert report.problems == (), report.format()


def test_only_leads_is_enough() -> None:
    report = validate(
        raw_with(events=None, handoffs=None, outcomes=None, fs_feedback=None)
    )
    assert report.problems == (), report.format()


# --- every error class ----------------------------------------------------------


def test_missing_leads_table_is_an_error() -> None:
    problem = the(validate(raw_with(leads=None)), "missing_table", "leads")
    assert problem.severity == "error"
    assert "leads.csv or leads.parquet" in problem.hint


def test_missing_required_column_is_an_error_that_guesses_the_misspelling() -> None:
    leads = valid_frames()["leads"].rename(columns={"lead_source": "lead_sorce"})
    report = validate(raw_with(leads=leads))
    missing = the(report, "missing_column", "leads.lead_source")
    assert missing.severity == "error"
    assert "'lead_sorce' a misspelling" in missing.hint
    extra = the(report, "undeclared_column", "leads.lead_sorce")
    assert extra.severity == "warning"
    assert "misspelling of 'lead_source'" in extra.hint


def test_non_numeric_employees_is_a_wrong_type_error() -> None:
    report = validate(raw_with({("leads", 1, "employees"): "多数"}))
    problem = the(report, "wrong_type", "leads.employees")
    assert (problem.severity, problem.count, problem.rows) == ("error", 1, (2,))
    assert "'多数'" in problem.message


def test_fractional_employees_is_not_a_whole_number() -> None:
    report = validate(raw_with({("leads", 0, "employees"): "12.5"}))
    assert the(report, "not_integer", "leads.employees").rows == (1,)


def test_non_boolean_won_is_a_wrong_type_error() -> None:
    report = validate(raw_with({("outcomes", 2, "won"): "maybe"}))
    problem = the(report, "wrong_type", "outcomes.won")
    assert problem.rows == (3,)
    assert "はい/いいえ" in problem.hint


def test_invalid_category_lists_the_allowed_values() -> None:
    report = validate(raw_with({("leads", 3, "lead_source"): "web"}))
    problem = the(report, "invalid_category", "leads.lead_source")
    assert "'web'" in problem.message
    for allowed in ("inquiry", "download", "seminar", "ad", "trade_show", "outbound"):
        assert allowed in problem.hint


def test_categories_ignore_case_and_surrounding_spaces() -> None:
    raw = raw_with(
        {("leads", 0, "lead_source"): " Inquiry ", ("events", 0, "type"): "WEB_VISIT"}
    )
    report, dataset = validate_and_coerce(raw)
    assert report.ok, report.format()
    assert dataset.leads.loc[0, "lead_source"] == "inquiry"


@pytest.mark.parametrize("table", ["leads", "handoffs", "outcomes"])
def test_duplicate_ids_are_reported(table: str) -> None:
    frame = valid_frames()[table]
    doubled = pd.concat([frame, frame.iloc[[0]]], ignore_index=True)
    problem = the(validate(raw_with(None, **{table: doubled})), "duplicate_id")
    assert problem.where == f"{table}.lead_id"
    assert problem.rows == (1, len(doubled))


@pytest.mark.parametrize("table", ["events", "handoffs", "outcomes", "fs_feedback"])
def test_rows_for_an_unknown_lead_are_reported(table: str) -> None:
    report = validate(raw_with({(table, 0, "lead_id"): "L999"}))
    problem = the(report, "unknown_lead", f"{table}.lead_id")
    assert problem.rows == (1,)
    assert "'L999'" in problem.message


@pytest.mark.parametrize("table", ["outcomes", "fs_feedback"])
def test_outcome_or_feedback_without_a_handoff_is_reported(table: str) -> None:
    report = validate(raw_with({(table, 0, "lead_id"): "L002"}))
    problem = the(report, "no_handoff", f"{table}.lead_id")
    assert "never tossed up" in problem.message
    assert not [p for p in report.problems if p.kind == "unknown_lead"]


def test_outcomes_without_a_handoffs_table_say_the_table_is_missing() -> None:
    report = validate(raw_with(handoffs=None))
    problem = the(report, "no_handoff", "outcomes.lead_id")
    assert problem.count == 3
    assert "no handoffs table" in problem.hint


def test_unparsable_timestamp_is_reported() -> None:
    report = validate(raw_with({("events", 2, "timestamp"): "来週火曜"}))
    problem = the(report, "invalid_datetime", "events.timestamp")
    assert problem.rows == (3,)
    assert "'来週火曜'" in problem.message


def test_outcome_closed_before_its_toss_up_is_reported() -> None:
    report = validate(raw_with({("outcomes", 0, "closed_at"): "2026/10/09"}))
    problem = the(report, "closed_before_toss_up", "outcomes.closed_at")
    assert (problem.severity, problem.rows) == ("error", (1,))


def test_a_close_dated_the_day_of_the_toss_up_is_not_before_it() -> None:
    report = validate(raw_with({("outcomes", 0, "closed_at"): "2026-10-10"}))
    assert "closed_before_toss_up" not in kinds(report)


def test_won_without_a_meeting_held_is_reported() -> None:
    report = validate(raw_with({("outcomes", 0, "meeting_held"): "false"}))
    assert the(report, "won_without_meeting", "outcomes.won").rows == (1,)


@pytest.mark.parametrize(
    ("table", "row", "column"),
    [
        ("leads", 0, "employees"),
        ("leads", 2, "annual_revenue"),
        ("outcomes", 0, "amount"),
    ],
)
def test_negative_numbers_are_reported(table: str, row: int, column: str) -> None:
    report = validate(raw_with({(table, row, column): "-5"}))
    problem = the(report, "negative_value", f"{table}.{column}")
    assert (problem.severity, problem.rows) == ("error", (row + 1,))


@pytest.mark.parametrize("table", ["leads", "events", "handoffs"])
def test_empty_lead_id_is_reported(table: str) -> None:
    report = validate(raw_with({(table, 1, "lead_id"): "  "}))
    assert the(report, "empty_id", f"{table}.lead_id").rows == (2,)


def test_missing_required_value_is_reported() -> None:
    report = validate(raw_with({("handoffs", 1, "is_rep"): ""}))
    assert the(report, "missing_value", "handoffs.is_rep").rows == (2,)


def test_unknown_element_key_in_fs_feedback_is_reported() -> None:
    report = validate(raw_with({("fs_feedback", 1, "missing_elements"): "budget;予算"}))
    problem = the(report, "unknown_element", "fs_feedback.missing_elements")
    assert "'予算'" in problem.message
    assert "next_action" in problem.hint


def test_every_error_class_is_reported_at_once() -> None:
    frames = valid_frames()
    leads = frames["leads"].drop(columns=["region"])
    leads.loc[0, "employees"] = "abc"
    leads.loc[1, "employees"] = "-1"
    leads.loc[2, "lead_id"] = ""
    leads.loc[3, "lead_source"] = "tv"
    handoffs = frames["handoffs"]
    handoffs = pd.concat([handoffs, handoffs.iloc[[0]]], ignore_index=True)
    edits = {
        ("events", 0, "lead_id"): "L404",
        ("events", 1, "timestamp"): "yesterday",
        ("outcomes", 0, "won"): "maybe",
        ("outcomes", 1, "closed_at"): "2020/01/01",
        ("outcomes", 2, "won"): "yes",
        ("fs_feedback", 1, "missing_elements"): "vibes",
    }
    report = validate(raw_with(edits, leads=leads, handoffs=handoffs))
    expected = {
        "missing_column",
        "wrong_type",
        "negative_value",
        "empty_id",
        "invalid_category",
        "duplicate_id",
        "unknown_lead",
        "invalid_datetime",
        "closed_before_toss_up",
        "won_without_meeting",
        "unknown_element",
    }
    assert expected <= {p.kind for p in report.errors}, report.format()


# --- warnings -----------------------------------------------------------------------


def test_undeclared_extra_column_is_a_warning_with_a_declaration_hint() -> None:
    leads = valid_frames()["leads"].assign(budget_band=["A", "B", "", "C"])
    report = validate(raw_with(leads=leads))
    assert report.ok
    problem = the(report, "undeclared_column", "leads.budget_band")
    assert problem.severity == "warning"
    assert "dataset.yaml" in problem.hint
    assert "extra_lead_columns" in problem.hint


def test_declared_extra_columns_are_typed_and_kept() -> None:
    frames = valid_frames()
    frames["leads"] = frames["leads"].assign(
        it_budget=["1,000", "", "250", "80"],
        has_crm=["yes", "no", "", "はい"],
        budget_band=["A", "B", "", "C"],
    )
    extras: dict[str, ExtraKind] = {
        "it_budget": "numeric",
        "has_crm": "boolean",
        "budget_band": "category",
    }
    raw = RawTables.from_frames(frames, extra_lead_columns=extras)
    report, dataset = validate_and_coerce(raw)
    assert report.problems == (), report.format()
    assert dict(dataset.extra_lead_columns) == extras
    leads = dataset.leads
    assert leads["it_budget"].dtype == "float64"
    assert leads["it_budget"].tolist()[:1] == [1000.0]
    assert str(leads["has_crm"].dtype) == "boolean"
    assert leads["has_crm"].tolist()[:2] == [True, False]
    assert leads["budget_band"].tolist()[:2] == ["A", "B"]


def test_declared_extra_column_absent_or_of_the_wrong_type_is_an_error() -> None:
    frames = valid_frames()
    frames["leads"] = frames["leads"].assign(it_budget=["many", "", "1", "2"])
    extras: dict[str, ExtraKind] = {"it_budget": "numeric", "has_crm": "boolean"}
    report = validate(RawTables.from_frames(frames, extra_lead_columns=extras))
    assert the(report, "declared_column_missing", "leads.has_crm").severity == "error"
    assert the(report, "wrong_type", "leads.it_budget").rows == (1,)


def test_declaring_a_contract_column_as_extra_is_an_error() -> None:
    raw = RawTables.from_frames(
        valid_frames(), extra_lead_columns={"region": "category"}
    )
    assert the(validate(raw), "invalid_declaration", "leads.region").severity == "error"


def test_handoff_before_the_lead_was_created_is_a_warning() -> None:
    report = validate(raw_with({("handoffs", 0, "tossed_up_at"): "2026/09/30 10:00"}))
    problem = the(report, "handoff_before_lead", "handoffs.tossed_up_at")
    assert (problem.severity, problem.rows) == ("warning", (1,))
    assert report.ok


def test_events_more_than_a_year_after_the_data_are_a_warning() -> None:
    report = validate(raw_with({("events", 4, "timestamp"): "2028/10/05 13:00"}))
    problem = the(report, "future_timestamp", "events.timestamp")
    assert (problem.severity, problem.rows) == ("warning", (5,))


def test_implausible_years_are_a_warning() -> None:
    report = validate(raw_with({("events", 0, "timestamp"): "1900/01/01"}))
    assert the(report, "implausible_date", "events.timestamp").severity == "warning"


def test_duplicated_events_and_odd_page_categories_are_warnings() -> None:
    events = valid_frames()["events"]
    events = pd.concat([events, events.iloc[[0]]], ignore_index=True)
    events.loc[0, "detail"] = "/pricing.html"
    events.loc[5, "detail"] = "/pricing.html"
    report = validate(raw_with(events=events))
    assert the(report, "duplicate_event", "events").rows == (6,)
    assert the(report, "unknown_page_category", "events.detail").count == 2
    assert report.ok


def test_loss_reason_on_a_won_deal_and_all_empty_memos_are_warnings() -> None:
    handoffs = valid_frames()["handoffs"].assign(memo="")
    report = validate(
        raw_with({("outcomes", 0, "loss_reason"): "価格"}, handoffs=handoffs)
    )
    assert the(report, "loss_reason_on_won", "outcomes.loss_reason").rows == (1,)
    assert the(report, "empty_memos", "handoffs.memo").severity == "warning"


def test_absent_optional_column_is_a_warning() -> None:
    leads = valid_frames()["leads"].drop(columns=["contact_role"])
    report = validate(raw_with(leads=leads))
    assert report.ok
    assert the(report, "absent_column", "leads.contact_role").severity == "warning"


# --- grouping and the report --------------------------------------------------------


def test_many_bad_rows_make_one_problem_with_the_first_ten_rows() -> None:
    n = 50_000
    rng = np.random.default_rng(7)
    events = pd.DataFrame(
        {
            "lead_id": rng.choice(["L001", "L003", "L004"], n),
            "timestamp": "2026/10/05 12:00",
            "type": "email_open",
            "detail": [f"mail-{i}" for i in range(n)],
        }
    )
    events.loc[1::2, "type"] = "fax"
    report = validate(raw_with(events=events))
    problem = the(report, "invalid_category", "events.type")
    assert problem.count == n // 2
    assert problem.rows == (2, 4, 6, 8, 10, 12, 14, 16, 18, 20)
    assert len(report.problems) == 1
    assert "25,000 rows" in problem.format()
    assert "(first 10)" in problem.format()


def test_report_lists_errors_then_warnings_then_the_summary() -> None:
    leads = valid_frames()["leads"].assign(notes="x")
    raw = raw_with({("outcomes", 0, "won"): "maybe"}, leads=leads)
    report = validate(raw)
    text = report.format()
    assert text.index("error") < text.index("warning")
    assert text.splitlines()[-1] == "1 errors, 1 warnings in the given tables"
    assert not report.ok
    assert [p.severity for p in report.errors] == ["error"]


def test_report_to_dict_is_plain_json() -> None:
    report = validate(raw_with({("outcomes", 0, "won"): "maybe"}))
    data = json.loads(json.dumps(report.to_dict(), ensure_ascii=False))
    assert data["ok"] is False
    assert data["errors"] == 1
    problem = data["problems"][0]
    assert problem["kind"] == "wrong_type"
    assert problem["rows"] == [1]
    assert set(problem) >= {"severity", "table", "column", "message", "hint", "count"}


def test_csv_problems_point_at_file_lines_even_after_multiline_memos(
    tmp_path: Path,
) -> None:
    frames = valid_frames()
    frames["handoffs"].loc[2, "is_rep"] = ""
    write_tables(frames, tmp_path, fmt="csv")
    problem = the(validate(read_tables(tmp_path)), "missing_value", "handoffs.is_rep")
    # Row 1's memo spans 6 lines and row 2's is empty: row 3 starts on line 9.
    assert problem.rows == (3,)
    assert problem.lines == (9,)
    lines = (tmp_path / "handoffs.csv").read_text(encoding="utf-8").splitlines()
    assert lines[8].startswith("L004,")
    assert "CSV file lines 9" in problem.format()


def test_parquet_problems_have_rows_but_no_file_lines(tmp_path: Path) -> None:
    frames = valid_frames()
    frames["outcomes"].loc[1, "won"] = "maybe"
    write_tables(frames, tmp_path)
    problem = the(validate(read_tables(tmp_path)), "wrong_type", "outcomes.won")
    assert (problem.rows, problem.lines) == ((2,), ())


def test_validate_does_not_change_its_input_frames() -> None:
    raw = raw_with(
        {("leads", 0, "employees"): "abc", ("leads", 1, "lead_id"): " L002 "}
    )
    before = {name: frame.copy() for name, frame in raw.frames.items()}
    validate_and_coerce(raw)
    for name, frame in raw.frames.items():
        pd.testing.assert_frame_equal(frame, before[name])


# --- typing ---------------------------------------------------------------------------


def test_coerce_gives_contract_dtypes() -> None:
    dataset = coerce(raw_with())
    for name, frame in dataset.tables().items():
        for column in TABLES[name].columns:
            assert str(frame[column.name].dtype) == column.dtype, (name, column.name)
    leads = dataset.leads
    assert leads["employees"].tolist()[:2] == [120, pd.NA]
    assert leads["annual_revenue"].tolist()[3] == 2400.0
    assert leads["created_at"].tolist()[0] == pd.Timestamp("2026-10-01 09:00")
    assert dataset.outcomes["won"].tolist() == [True, False, False]
    assert dataset.outcomes["meeting_held"].tolist() == [True, True, False]
    assert dataset.handoffs["memo"].tolist()[1] == ""
    assert dataset.handoffs["memo"].tolist()[0] == MEMO
    assert dataset.fs_feedback["missing_elements"].tolist() == ["", "budget;timeline"]


def test_element_keys_are_normalised_to_contract_order() -> None:
    raw = raw_with(
        {("fs_feedback", 1, "missing_elements"): " Timeline ; budget；budget"}
    )
    report, dataset = validate_and_coerce(raw)
    assert report.ok, report.format()
    assert dataset.fs_feedback["missing_elements"].tolist()[1] == "budget;timeline"


def test_coerce_drops_unusable_rows_and_the_rows_that_hang_on_them() -> None:
    raw = raw_with(
        {
            ("leads", 0, "created_at"): "someday",  # L001 cannot be kept ...
            ("leads", 2, "employees"): "many",  # ... L003 can, without employees
            ("outcomes", 1, "won"): "maybe",
        }
    )
    dataset = coerce(raw)
    assert dataset.leads["lead_id"].tolist() == ["L002", "L003", "L004"]
    assert dataset.leads["employees"].isna().tolist() == [True, True, False]
    assert "L001" not in set(dataset.events["lead_id"])
    assert dataset.handoffs["lead_id"].tolist() == ["L003", "L004"]
    assert dataset.outcomes["lead_id"].tolist() == ["L004"]
    assert dataset.fs_feedback["lead_id"].tolist() == ["L003"]


def test_coerce_keeps_the_first_of_duplicated_ids() -> None:
    handoffs = valid_frames()["handoffs"]
    later = handoffs.iloc[[0]].assign(is_rep="高橋")
    dataset = coerce(raw_with(handoffs=pd.concat([handoffs, later], ignore_index=True)))
    assert dataset.handoffs["is_rep"].tolist() == ["佐藤", "鈴木", "佐藤"]


def test_absent_optional_tables_become_empty_frames_with_contract_columns() -> None:
    dataset = coerce(raw_with(events=None, outcomes=None, fs_feedback=None))
    for name in ("events", "outcomes", "fs_feedback"):
        frame = getattr(dataset, name)
        assert len(frame) == 0
        assert list(frame.columns) == list(TABLES[name].column_names)
        expected = [c.dtype for c in TABLES[name].columns]
        assert [str(t) for t in frame.dtypes] == expected


def test_empty_frame_has_extra_columns_only_for_leads() -> None:
    assert "x" in empty_frame("leads", {"x": "numeric"}).columns
    assert "x" not in empty_frame("events", {"x": "numeric"}).columns


def test_timezone_aware_parquet_timestamps_become_tokyo_wall_time(
    tmp_path: Path,
) -> None:
    frames = valid_frames()
    utc = pd.to_datetime(frames["leads"]["created_at"], format="mixed")
    utc = utc.dt.tz_localize("UTC")
    frames["leads"] = frames["leads"].assign(
        created_at=utc, employees=pd.array([120, None, 45, 300], dtype="Int64")
    )
    write_tables(frames, tmp_path)
    dataset = load_dataset(tmp_path)
    assert dataset.leads["created_at"].tolist()[0] == pd.Timestamp("2026-10-01 18:00")
    assert dataset.leads["employees"].tolist()[:2] == [120, pd.NA]


# --- loading ------------------------------------------------------------------------


def test_load_dataset_raises_contract_error_carrying_the_report(tmp_path: Path) -> None:
    frames = valid_frames()
    frames["outcomes"].loc[0, "meeting_held"] = "no"
    write_tables(frames, tmp_path, fmt="csv")
    with pytest.raises(ContractError) as caught:
        load_dataset(tmp_path)
    assert caught.value.report.errors[0].kind == "won_without_meeting"
    assert "meeting_held is false" in str(caught.value)
    lenient = load_dataset(tmp_path, strict=False)
    assert isinstance(lenient, Dataset)
    assert len(lenient.outcomes) == 3


def test_a_dataset_written_and_loaded_again_is_unchanged(tmp_path: Path) -> None:
    dataset = coerce(raw_with())
    formats: tuple[Literal["parquet", "csv"], ...] = ("parquet", "csv")
    for fmt in formats:
        out = tmp_path / fmt
        write_tables(dataset, out, fmt=fmt)
        again = load_dataset(out)
        for name, frame in dataset.tables().items():
            pd.testing.assert_frame_equal(getattr(again, name), frame, obj=name)


def test_missing_directory_is_a_contract_error(tmp_path: Path) -> None:
    with pytest.raises(ContractError) as caught:
        read_tables(tmp_path / "nowhere")
    assert caught.value.report.errors[0].kind == "bad_directory"
    assert "does not exist" in caught.value.report.format()


# --- documentation ----------------------------------------------------------------


def test_contract_markdown_documents_every_table_column_and_check() -> None:
    text = contract_markdown()
    for table in TABLES.values():
        assert f"### `{table.name}`" in text
        for column in table.columns:
            assert f"| `{column.name}` |" in text
            assert column.meaning
    assert "decision_maker" in text
    assert "`closed_before_toss_up`" in text
    assert "extra_lead_columns" in text


def test_every_problem_kind_formats_with_its_fields() -> None:
    for kind, spec in PROBLEM_KINDS.items():
        assert spec.severity in ("error", "warning"), kind
        assert spec.message and spec.hint, kind


# --- the command ------------------------------------------------------------------


def test_validate_command_exits_0_and_summarises_a_clean_directory(
    tmp_path: Path,
) -> None:
    write_tables(valid_frames(), tmp_path, fmt="csv", encoding="cp932")
    result = CliRunner().invoke(main, ["validate", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"0 errors, 0 warnings in {tmp_path}"


def test_validate_command_exits_1_and_prints_errors_before_warnings(
    tmp_path: Path,
) -> None:
    frames = valid_frames()
    frames["outcomes"].loc[0, "won"] = "maybe"
    frames["leads"] = frames["leads"].assign(notes="x")
    write_tables(frames, tmp_path, fmt="csv")
    result = CliRunner().invoke(main, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("error   outcomes.won")
    assert any(line.startswith("warning leads.notes") for line in lines)
    assert lines[-1] == f"1 errors, 1 warnings in {tmp_path}"


def test_validate_command_prints_json(tmp_path: Path) -> None:
    frames = valid_frames()
    frames["leads"].loc[0, "lead_source"] = "tv"
    write_tables(frames, tmp_path)
    result = CliRunner().invoke(main, ["validate", "--json", str(tmp_path)])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["errors"] == 1
    assert data["problems"][0]["kind"] == "invalid_category"
    assert data["inputs"][0].startswith("leads.parquet")


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("missing", "does not exist"),
        ("corrupt_parquet", "not a Parquet file"),
        ("garbage_csv", "leads.csv"),
        ("both_formats", "delete the one that is out of date"),
    ],
)
def test_validate_command_explains_bad_paths_without_a_traceback(
    tmp_path: Path, setup: str, expected: str
) -> None:
    data_dir = tmp_path / "data"
    if setup != "missing":
        data_dir.mkdir()
    if setup == "corrupt_parquet":
        (data_dir / "leads.parquet").write_bytes(b"this is not parquet")
    if setup == "garbage_csv":
        rng = np.random.default_rng(3)
        (data_dir / "leads.csv").write_bytes(rng.bytes(2048))
    if setup == "both_formats":
        write_tables(valid_frames(), data_dir)
        (data_dir / "leads.csv").write_text("lead_id\nL001\n", encoding="utf-8")
    for args in (["validate", str(data_dir)], ["validate", "--json", str(data_dir)]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 1, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert "Traceback" not in result.output
        assert expected in result.output
