"""Bring your own data: mappings, errors that point at the export, row-order time."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from readiness.cli import main
from readiness.data.importer import ImportResult, import_export, write_import
from readiness.data.load import load_dataset
from readiness.data.mapping import (
    ExportError,
    ImportMapping,
    MappingError,
    load_mapping,
)
from readiness.data.read import read_export
from readiness.data.timestamps import row_order_times
from readiness.features.build import build_features, labelled_points

MAPPING = """
source: {delimiter: ";"}
id: {prefix: c-}
time: {column: called, format: "%d.%m.%Y"}
leads:
  company_name: company
  industry: {constant: retail}
  region: {constant: Tokyo}
  lead_source: {column: channel, values: {web: inquiry, cold: outbound}}
handoffs:
  is_rep: {constant: team}
outcomes:
  meeting_held: {constant: true}
  won: {column: result, values: {"yes": true, "no": false}}
extra_lead_columns:
  visits: {column: visits, kind: numeric, missing: ["999"]}
  plan: {column: plan, kind: category}
leak_columns: [talk_seconds]
"""

EXPORT = """company;channel;called;visits;plan;talk_seconds;result
A社;web;03.11.2026;4;gold;120;yes
B社;cold;04.11.2026;999;silver;30;no
C社;web;05.11.2026;0;gold;200;yes
D社;cold;06.11.2026;2;;10;no
"""


def _mapping(text: str = MAPPING) -> ImportMapping:
    import yaml

    return ImportMapping.model_validate(yaml.safe_load(text))


def _export(text: str = EXPORT) -> pd.DataFrame:
    import io

    return pd.read_csv(
        io.StringIO(text), sep=";", dtype=str, keep_default_na=False, na_filter=False
    )


def _problems(exc: pytest.ExceptionInfo[MappingError]) -> str:
    return "\n".join(exc.value.problems)


def test_an_export_becomes_leads_toss_ups_and_outcomes_with_typed_extras() -> None:
    result = import_export(_export(), _mapping())
    d = result.dataset
    assert list(d.leads["lead_id"]) == ["c-1", "c-2", "c-3", "c-4"]
    assert list(d.leads["lead_source"]) == [
        "inquiry",
        "outbound",
        "inquiry",
        "outbound",
    ]
    assert d.handoffs["tossed_up_at"].iloc[0] == pd.Timestamp("2026-11-03")
    assert d.leads["created_at"].equals(d.handoffs["tossed_up_at"])
    assert list(d.outcomes["won"]) == [True, False, True, False]
    assert d.extra_lead_columns == {"visits": "numeric", "plan": "category"}
    assert np.isnan(d.leads["visits"].iloc[1])  # 999 means unknown
    assert d.leads["visits"].iloc[3] == 2.0
    assert result.leak_dropped == ["talk_seconds"]
    assert result.not_imported == []


def test_declared_extras_flow_into_features_as_numbers_and_categories() -> None:
    d = import_export(_export(), _mapping()).dataset
    X = build_features(d, labelled_points(d))
    assert X["x_visits"].tolist()[:1] == [4.0]
    assert isinstance(X["x_plan"].dtype, pd.CategoricalDtype)
    assert set(X["x_plan"].cat.categories) == {"gold", "silver"}


def test_a_value_outside_the_value_map_is_reported_with_rows_lines_and_a_fix() -> None:
    export = _export(EXPORT.replace("B社;cold", "B社;partner"))
    with pytest.raises(MappingError) as exc:
        import_export(export, _mapping())
    text = _problems(exc)
    assert "leads.lead_source ← export column 'channel'" in text
    assert "'partner'" in text
    assert "export rows 2; CSV lines 3" in text
    assert "values" in text and "missing" in text


def test_a_mapped_column_the_export_lacks_is_named_with_a_guess() -> None:
    with pytest.raises(MappingError) as exc:
        import_export(
            _export(), _mapping(MAPPING.replace("column: visits", "column: visit"))
        )
    text = _problems(exc)
    assert "export column 'visit'" in text and "is not in the export" in text
    assert "did you mean 'visits'?" in text


def test_a_leak_column_used_as_a_feature_is_refused() -> None:
    leaky = MAPPING.replace(
        "extra_lead_columns:\n",
        "extra_lead_columns:\n  talk: {column: talk_seconds, kind: numeric}\n",
    )
    with pytest.raises(MappingError) as exc:
        import_export(_export(), _mapping(leaky))
    assert "'talk_seconds'" in _problems(exc)
    assert "leak column" in _problems(exc)


def test_unreadable_dates_point_at_their_rows() -> None:
    export = _export(EXPORT.replace("05.11.2026", "2026-11-05"))
    with pytest.raises(MappingError) as exc:
        import_export(export, _mapping())
    text = _problems(exc)
    assert "unreadable dates" in text and "'2026-11-05'" in text
    assert "export rows 3" in text


def test_a_missing_required_column_fails_the_contract_with_its_source() -> None:
    without_region = MAPPING.replace("  region: {constant: Tokyo}\n", "")
    with pytest.raises(MappingError) as exc:
        import_export(_export(), _mapping(without_region))
    text = _problems(exc)
    assert "leads.region" in text and "missing" in text
    assert "leads.industry ← constant 'retail'" in text


def test_unquoted_yes_in_a_value_map_gets_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "map.yaml"
    path.write_text(MAPPING.replace('{"yes": true, "no": false}', "{yes: true}"))
    with pytest.raises(MappingError) as exc:
        load_mapping(path)
    assert 'quote them, e.g. values: {"yes": true}' in str(exc.value)


def test_a_misspelt_contract_column_in_the_mapping_is_named(tmp_path: Path) -> None:
    path = tmp_path / "map.yaml"
    path.write_text(MAPPING.replace("company_name:", "company_nam:"))
    with pytest.raises(MappingError) as exc:
        load_mapping(path)
    assert "did you mean company_name?" in str(exc.value)


def test_row_order_times_recover_years_weeks_and_weekdays() -> None:
    frame = pd.DataFrame(
        {
            # Nov 2008 starts on a Saturday: its first Monday is the 3rd.
            "month": ["nov", "nov", "nov", "nov", "dec", "mar", "mar"],
            "dow": ["mon", "mon", "fri", "tue", "wed", "thu", "mon"],
        }
    )
    times, bad = row_order_times(
        frame, month="month", day_of_week="dow", start_year=2008
    )
    assert bad == []
    days = [str(t.date()) for t in times]
    assert days == [
        "2008-11-03", "2008-11-03", "2008-11-07", "2008-11-11",
        "2008-12-03", "2009-03-05", "2009-03-09",
    ]  # fmt: skip
    assert times.is_monotonic_increasing
    assert times.iloc[1] - times.iloc[0] == pd.Timedelta(seconds=1)
    assert [d.strftime("%a").lower() for d in times] == frame["dow"].tolist()


def test_row_order_times_report_unknown_months() -> None:
    frame = pd.DataFrame({"month": ["may", "mai", "jun"]})
    _, bad = row_order_times(frame, month="month", start_year=2008)
    assert bad[0].column == "month" and bad[0].rows.tolist() == [1]


def test_cli_import_writes_a_valid_directory_and_refuses_to_overwrite(
    tmp_path: Path,
) -> None:
    (tmp_path / "map.yaml").write_text(MAPPING, encoding="utf-8")
    (tmp_path / "export.csv").write_text(EXPORT, encoding="cp932")
    out = tmp_path / "data"
    args = [
        "import",
        "--mapping",
        str(tmp_path / "map.yaml"),
        str(tmp_path / "export.csv"),
    ]
    run = CliRunner().invoke(main, [*args, "--out", str(out)])
    assert run.exit_code == 0, run.output
    assert "4 export rows → 4 leads, 4 toss-ups, 4 outcomes (2 won)" in run.output
    d = load_dataset(out)
    assert d.extra_lead_columns == {"visits": "numeric", "plan": "category"}
    assert "talk_seconds" not in d.leads.columns
    assert (out / "import.json").exists()
    again = CliRunner().invoke(main, [*args, "--out", str(out)])
    assert again.exit_code != 0 and "--overwrite" in again.output
    forced = CliRunner().invoke(main, [*args, "--out", str(out), "--overwrite"])
    assert forced.exit_code == 0, forced.output


def _with_time(time_yaml: str, called: list[str] | None = None) -> ImportResult:
    text = EXPORT
    if called is not None:
        for old, new in zip(
            ["03.11.2026", "04.11.2026", "05.11.2026", "06.11.2026"],
            called,
            strict=True,
        ):
            text = text.replace(old, new)
    mapping = MAPPING.replace('time: {column: called, format: "%d.%m.%Y"}', time_yaml)
    return import_export(_export(text), _mapping(mapping))


def test_time_order_names_real_constant_and_sequence_times(tmp_path: Path) -> None:
    real = _with_time('time: {column: called, format: "%d.%m.%Y"}')
    assert real.time_order["kind"] == "time" and real.time_order["column"] == "called"
    constant = _with_time("time: {column: called}", ["2026-11-30"] * 4)
    assert constant.time_order["kind"] == "constant"
    assert "row order" in constant.time_order["note"]
    assert constant.warnings and "same time" in constant.warnings[0]
    times = constant.dataset.handoffs["tossed_up_at"]
    assert times.is_monotonic_increasing and times.is_unique  # the export order
    order = _with_time("time: {order: visits}")
    assert order.time_order == {
        "kind": "order",
        "column": "visits",
        "note": order.time_order["note"],
    }
    assert "order, not time" in order.time_order["note"]
    ranked = order.dataset.handoffs.sort_values("tossed_up_at")["lead_id"].tolist()
    assert ranked == ["c-3", "c-4", "c-1", "c-2"]  # visits 0, 2, 4, 999
    write_import(order, tmp_path / "d", source={"export": "x.csv"})
    written = json.loads((tmp_path / "d" / "import.json").read_text("utf-8"))
    assert written["time_order"] == order.time_order


def test_a_numeric_time_column_is_refused_not_read_as_the_year_6607() -> None:
    with pytest.raises(MappingError) as exc:
        _with_time("time: {column: visits}")
    first = str(exc.value).splitlines()[0]
    assert "numbers, not dates" in first and "time: {order: visits}" in first


def test_blank_cells_take_the_default_or_the_blank_key_of_a_value_map() -> None:
    text = EXPORT.replace("A社;web", "A社;")  # D社 has no plan already
    mapping = MAPPING.replace("cold: outbound}}", 'cold: outbound, "": ad}}').replace(
        "plan: {column: plan, kind: category}",
        'plan: {column: plan, kind: category, default: "不明"}',
    )
    d = import_export(_export(text), _mapping(mapping)).dataset
    assert d.leads["lead_source"].tolist()[0] == "ad"
    assert d.leads["plan"].tolist() == ["gold", "silver", "gold", "不明"]


def test_default_with_a_constant_is_refused_with_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "map.yaml"
    path.write_text(
        MAPPING.replace("{constant: retail}", "{constant: retail, default: x}")
    )
    with pytest.raises(MappingError) as exc:
        load_mapping(path)
    assert "fix: remove default:" in str(exc.value).splitlines()[0]


def test_delimiter_and_encoding_are_sniffed_when_the_mapping_is_silent(
    tmp_path: Path,
) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(EXPORT.encode("cp932"))
    silent = _mapping(MAPPING.replace('source: {delimiter: ";"}\n', ""))
    frame = read_export(path, mapping=silent)
    assert list(frame.columns)[:3] == ["company", "channel", "called"]
    assert frame["company"].tolist()[0] == "A社"
    wrong = _mapping(
        MAPPING.replace('{delimiter: ";"}', '{delimiter: ",", encoding: utf-8}')
    )
    with pytest.raises(ExportError, match="looks like cp932"):
        read_export(path, mapping=wrong)
