"""Table files: encodings, value formats, broken files, deterministic atomic writes."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from readiness.data.cells import (
    clean_text,
    is_present,
    parse_bools,
    parse_datetimes,
    parse_numbers,
)
from readiness.data.contract import write_tables
from readiness.data.files import (
    CsvEncoding,
    DataFileError,
    RawTables,
    UnencodableError,
    csv_record_lines,
    read_table_file,
)
from readiness.data.findings import ContractError
from readiness.data.load import coerce, load_dataset, read_tables, validate

Format = Literal["parquet", "csv"]
COMPANIES = ["株式会社山田製作所", "合同会社さくらソフト", "有限会社青葉物流"]
MEMO = (
    "【課題・ニーズ】\n"
    "・顧客が抱える課題：受発注処理の手作業\n"
    "・Need(緊急度・優先度)：高"
)


def leads(n: int = 3) -> pd.DataFrame:
    """Valid leads with Japanese text, every cell a string."""
    return pd.DataFrame(
        {
            "lead_id": [f"L{i:03d}" for i in range(1, n + 1)],
            "company_name": [COMPANIES[i % 3] for i in range(n)],
            "industry": ["製造業"] * n,
            "employees": ["120"] * n,
            "annual_revenue": ["850.5"] * n,
            "region": ["東京都"] * n,
            "contact_title": ["情報システム部・部長"] * n,
            "contact_role": ["decision_maker"] * n,
            "lead_source": ["inquiry"] * n,
            "created_at": ["2026/10/01 09:00"] * n,
        }
    )


def handoffs() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "lead_id": ["L001", "L002"],
            "tossed_up_at": ["2026/10/10 15:00", "2026/10/11 10:00"],
            "is_rep": ["佐藤", "鈴木"],
            "fs_rep": ["田中", ""],
            "memo": [MEMO, ""],
        }
    )


# --- round trips ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "encoding"),
    [("csv", "utf-8"), ("csv", "utf-8-sig"), ("csv", "cp932"), ("parquet", "utf-8")],
)
def test_japanese_text_survives_a_round_trip(
    tmp_path: Path, fmt: Format, encoding: CsvEncoding
) -> None:
    tables = {"leads": leads(), "handoffs": handoffs()}
    write_tables(tables, tmp_path, fmt=fmt, encoding=encoding)
    raw = read_tables(tmp_path)
    expected = {"csv": "utf-8-sig" if encoding == "utf-8-sig" else encoding}
    assert raw.sources["leads"].encoding == expected.get(fmt)
    dataset = load_dataset(tmp_path)
    assert dataset.leads["company_name"].tolist() == COMPANIES
    assert dataset.leads["contact_title"].tolist()[0] == "情報システム部・部長"
    assert dataset.handoffs["memo"].tolist() == [MEMO, ""]


def test_cp932_is_detected_without_dataset_yaml(tmp_path: Path) -> None:
    text = leads().to_csv(index=False)
    (tmp_path / "leads.csv").write_bytes(text.encode("cp932"))
    raw = read_tables(tmp_path)
    assert raw.sources["leads"].encoding == "cp932"
    assert raw.frames["leads"]["company_name"].tolist() == COMPANIES


def test_dataset_yaml_encoding_is_obeyed_and_a_wrong_one_is_explained(
    tmp_path: Path,
) -> None:
    (tmp_path / "leads.csv").write_bytes(leads().to_csv(index=False).encode("cp932"))
    (tmp_path / "dataset.yaml").write_text("encoding: Shift_JIS\n", encoding="utf-8")
    assert read_tables(tmp_path).sources["leads"].encoding == "cp932"
    (tmp_path / "dataset.yaml").write_text("encoding: utf-8\n", encoding="utf-8")
    report = validate(read_tables(tmp_path))
    problem = report.errors[0]
    assert (problem.kind, problem.table) == ("unreadable_file", "leads")
    assert "not valid utf-8" in problem.message
    assert "dataset.yaml" in problem.hint
    assert not [p for p in report.problems if p.kind == "missing_table"]


def test_invalid_dataset_yaml_is_reported(tmp_path: Path) -> None:
    write_tables({"leads": leads()}, tmp_path, fmt="csv")
    (tmp_path / "dataset.yaml").write_text(
        "extra_lead_columns:\n  budget_band: text\n", encoding="utf-8"
    )
    problem = validate(read_tables(tmp_path)).errors[0]
    assert problem.kind == "invalid_config"
    assert "extra_lead_columns.budget_band" in problem.message


def test_a_written_dataset_declares_its_extra_columns(tmp_path: Path) -> None:
    frame = leads().assign(budget_band=["A", "B", ""])
    raw = RawTables.from_frames(
        {"leads": frame}, extra_lead_columns={"budget_band": "category"}
    )
    dataset = coerce(raw)
    paths = write_tables(dataset, tmp_path, fmt="csv", encoding="cp932")
    assert tmp_path / "dataset.yaml" in paths
    yaml_text = (tmp_path / "dataset.yaml").read_text(encoding="utf-8")
    assert "encoding: cp932" in yaml_text
    assert "budget_band: category" in yaml_text
    again = load_dataset(tmp_path)
    assert dict(again.extra_lead_columns) == {"budget_band": "category"}
    assert again.leads["budget_band"].tolist()[:2] == ["A", "B"]


# --- deterministic, atomic writes ---------------------------------------------------


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_the_same_frames_give_byte_identical_files(tmp_path: Path, fmt: Format) -> None:
    dataset = coerce(
        RawTables.from_frames({"leads": leads(50), "handoffs": handoffs()})
    )
    first = write_tables(dataset, tmp_path / "a", fmt=fmt)
    second = write_tables(dataset, tmp_path / "b", fmt=fmt)
    assert [p.name for p in first] == [p.name for p in second]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_parquet_files_carry_no_pandas_index(tmp_path: Path) -> None:
    frame = leads().set_index(pd.Index([10, 20, 30]))
    (path,) = write_tables({"leads": frame}, tmp_path)
    read, _, _ = read_table_file(path)
    assert list(read.columns) == list(leads().columns)
    assert list(read.index) == [0, 1, 2]


def test_csv_has_iso_timestamps_and_lowercase_booleans(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "lead_id": ["L001", "L002"],
            "meeting_held": [True, False],
            "won": [False, False],
            "closed_at": pd.to_datetime(pd.Series(["2026-11-03 10:00", None])),
        }
    )
    (path,) = write_tables({"outcomes": frame}, tmp_path, fmt="csv")
    assert path.read_text(encoding="utf-8").splitlines() == [
        "lead_id,meeting_held,won,closed_at",
        "L001,true,false,2026-11-03T10:00:00",
        "L002,false,false,",
    ]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (path,) = write_tables({"leads": leads(1)}, tmp_path, fmt="csv")
    before = path.read_bytes()

    def broken_replace(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_tables({"leads": leads(3)}, tmp_path, fmt="csv")
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["leads.csv"]


def test_cp932_refuses_an_emoji_naming_table_column_and_row(tmp_path: Path) -> None:
    memo = handoffs()
    memo.loc[1, "memo"] = "前向きに検討中😀"
    with pytest.raises(UnencodableError) as caught:
        write_tables(
            {"leads": leads(), "handoffs": memo}, tmp_path, fmt="csv", encoding="cp932"
        )
    error = caught.value
    assert (error.table, error.column, error.row, error.char) == (
        "handoffs",
        "memo",
        2,
        "😀",
    )
    assert "handoffs.memo row 2" in str(error)
    assert "U+1F600" in str(error)
    assert list(tmp_path.iterdir()) == []  # nothing half-written


def test_writing_csv_beside_an_existing_parquet_is_refused(tmp_path: Path) -> None:
    write_tables({"leads": leads()}, tmp_path)
    with pytest.raises(ValueError, match=r"leads\.parquet"):
        write_tables({"leads": leads()}, tmp_path, fmt="csv")


def test_unknown_table_names_and_parquet_encodings_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="lead"):
        write_tables({"lead": leads()}, tmp_path)
    with pytest.raises(ValueError, match="CSV only"):
        write_tables({"leads": leads()}, tmp_path, encoding="cp932")


# --- broken directories and files --------------------------------------------------


def test_both_csv_and_parquet_for_one_table_is_an_error_naming_both(
    tmp_path: Path,
) -> None:
    write_tables({"leads": leads()}, tmp_path)
    (tmp_path / "leads.csv").write_text(leads().to_csv(index=False), encoding="utf-8")
    problem = validate(read_tables(tmp_path)).errors[0]
    assert problem.kind == "duplicate_file"
    assert "leads.csv" in problem.message + problem.hint
    assert "leads.parquet" in problem.hint
    assert "delete" in problem.hint


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("leads.parquet", b"PAR1 truncated", "not a Parquet file"),
        ("leads.parquet", b"PAR1" + b"\x00" * 40 + b"PAR1", "cannot read Parquet"),
        ("leads.csv", b"PAR1\x00\x01", "is a Parquet file"),
        ("leads.csv", b"PK\x03\x04 workbook", "Excel workbook"),
        ("leads.csv", "lead_id\nL1\n".encode("utf-16"), "UTF-16"),
        ("leads.csv", b"lead_id\x00\x01\x02", "binary"),
        ("leads.csv", b"\x80\x81\x82\xa0\xfd\xfe\xff" * 10, "binary"),
        ("leads.csv", b"lead_id\n\x81\x20\n", "neither UTF-8 nor cp932"),
        ("leads.csv", b"", "empty"),
        ("leads.csv", b'lead_id,company_name\n"L1,broken\n', "cannot parse as CSV"),
    ],
)
def test_broken_files_get_a_clear_message(
    tmp_path: Path, name: str, content: bytes, expected: str
) -> None:
    (tmp_path / name).write_bytes(content)
    report = validate(read_tables(tmp_path))
    assert [p.kind for p in report.errors] == ["unreadable_file"], report.format()
    assert expected in report.errors[0].message
    assert report.errors[0].message.startswith(f"{name}: ")


def test_an_unreadable_file_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tables({"leads": leads()}, tmp_path, fmt="csv")
    real = Path.read_bytes

    def deny(self: Path) -> bytes:
        if self.name == "leads.csv":
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", deny)
    problem = validate(read_tables(tmp_path)).errors[0]
    assert problem.kind == "unreadable_file"
    assert "Permission denied" in problem.message


def test_a_file_instead_of_a_directory_is_a_contract_error(tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    path.write_text("lead_id\n", encoding="utf-8")
    with pytest.raises(ContractError, match="not a directory"):
        read_tables(path)


def test_unknown_table_files_are_a_warning_with_a_guess(tmp_path: Path) -> None:
    write_tables({"leads": leads()}, tmp_path, fmt="csv")
    (tmp_path / "handoff.csv").write_text("lead_id\n", encoding="utf-8")
    report = validate(read_tables(tmp_path))
    assert report.ok
    (problem,) = report.warnings
    assert problem.kind == "unknown_file"
    assert "did you mean handoffs.csv?" in problem.hint


# --- value formats ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026/11/03 10:00", "2026-11-03 10:00"),
        ("2026/11/3 9:05", "2026-11-03 09:05"),
        ("2026/11/3  9:05", "2026-11-03 09:05"),
        ("2026/11/03 10:00:30", "2026-11-03 10:00:30"),
        ("2026-11-03", "2026-11-03 00:00"),
        ("2026-11-03T10:00:00", "2026-11-03 10:00"),
        ("2026-11-03 10:00:00.250", "2026-11-03 10:00:00.250"),
        ("2026-11-03T01:00:00Z", "2026-11-03 10:00"),
        ("2026-11-03T10:00:00+09:00", "2026-11-03 10:00"),
        ("2026-11-02T20:00:00-05:00", "2026-11-03 10:00"),
        ("2026年11月3日", "2026-11-03 00:00"),
        ("2026年11月3日 10:00", "2026-11-03 10:00"),
        ("２０２６／１１／０３　１０：００", "2026-11-03 10:00"),
        ("20261103", "2026-11-03 00:00"),
        ("46329.5", "2026-11-03 12:00"),
    ],
)
def test_common_timestamp_spellings_parse_to_tokyo_wall_time(
    text: str, expected: str
) -> None:
    parsed = parse_datetimes(pd.Series([text, "", None], dtype="str"))
    assert parsed.dtype == "datetime64[us]"
    assert parsed.iloc[0] == pd.Timestamp(expected)
    assert parsed.iloc[1:].isna().all()


@pytest.mark.parametrize("text", ["来週", "11/03/2026", "2026-13-01", "nan-nan"])
def test_ambiguous_or_junk_timestamps_do_not_parse(text: str) -> None:
    assert parse_datetimes(pd.Series([text], dtype="str")).isna().all()


def test_excel_serial_numbers_parse_from_numeric_columns() -> None:
    parsed = parse_datetimes(pd.Series([46329.5, np.nan]))
    assert parsed.tolist()[0] == pd.Timestamp("2026-11-03 12:00")
    assert pd.isna(parsed.tolist()[1])


def test_timezone_aware_datetimes_are_converted_to_tokyo_and_made_naive() -> None:
    aware = pd.Series(pd.to_datetime(["2026-11-03 01:00"]).tz_localize("UTC"))
    parsed = parse_datetimes(aware)
    assert str(parsed.dtype) == "datetime64[us]"
    assert parsed.iloc[0] == pd.Timestamp("2026-11-03 10:00")


def test_boolean_spellings_are_case_insensitive() -> None:
    values = [
        "true",
        "FALSE",
        "1",
        "0",
        "Yes",
        "no",
        "Y",
        "n",
        "はい",
        "いいえ",
        "",
        "maybe",
    ]
    parsed = parse_bools(pd.Series(values, dtype="str"))
    assert parsed.tolist()[:10] == [True, False] * 5
    assert parsed.iloc[10:].isna().all()
    assert parse_bools(pd.Series([1, 0, 2])).tolist()[:2] == [True, False]
    assert pd.isna(parse_bools(pd.Series([1, 0, 2])).iloc[2])


def test_numbers_accept_separators_yen_and_full_width_digits() -> None:
    parsed = parse_numbers(
        pd.Series(["1,200", "¥1,200,000", "１２０", "3.5", "inf", "x"])
    )
    assert parsed.tolist()[:4] == [1200.0, 1_200_000.0, 120.0, 3.5]
    assert parsed.iloc[4:].isna().all()


def test_record_lines_follow_cells_that_span_lines() -> None:
    frame = pd.DataFrame(
        {"id": ["a", "b", "c"], "memo": ["x\ny\nz", "", "w"]}, dtype="str"
    )
    lines = csv_record_lines(frame)
    assert lines is not None
    assert lines.tolist() == [2, 5, 6]
    assert csv_record_lines(frame.assign(memo="one line")) is None


def test_read_table_file_raises_data_file_error_for_missing_files(
    tmp_path: Path,
) -> None:
    with pytest.raises(DataFileError, match="cannot read"):
        read_table_file(tmp_path / "leads.csv")


_CELLS = st.one_of(
    st.none(),
    st.just(float("nan")),
    st.text(alphabet=" \u3000\tａＢ１２abc予算確認中-_,¥", max_size=8),
    st.integers(-5, 5),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
)


@given(st.lists(_CELLS, min_size=1, max_size=20), st.booleans())
def test_a_few_text_cells_are_cleaned_exactly_as_a_long_column(
    cells: list[object], normalize: bool
) -> None:
    """The cell-by-cell path (a single lead) and the vectorised one agree."""
    few = pd.Series(cells, dtype=object)
    many = pd.Series(cells * (70 // len(cells) + 1), dtype=object)
    assert len(many) > 64 >= len(few)
    n = len(cells)
    pd.testing.assert_series_equal(
        clean_text(few, normalize=normalize),
        clean_text(many, normalize=normalize).iloc[:n],
    )
    pd.testing.assert_series_equal(is_present(few), is_present(many).iloc[:n])
