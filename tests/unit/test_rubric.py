"""The 100-point rubric scores memos exactly as the articles define it, is configured
and validated in YAML, and is served by `readiness rubric` on the command line."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from readiness.cli import main
from readiness.fields import BANT_KEYS, ELEMENT_KEYS, FIELDS, SECTIONS, element
from readiness.memo.parse import parse_memo
from readiness.rubric.config import (
    Rubric,
    RubricError,
    band_for,
    default_rubric,
    load_rubric,
    rubric_from_yaml,
    rubric_to_yaml,
)
from readiness.rubric.criteria import CRITERIA
from readiness.rubric.render import band_summary, render_result
from readiness.rubric.score import score_frame, score_memo

GOLDEN = Path(__file__).parent / "golden"
EXPECTED: dict[str, Any] = yaml.safe_load(
    (GOLDEN / "expectations.yaml").read_text(encoding="utf-8")
)
REF: date = EXPECTED["reference_date"]

CONCRETE: dict[str, str] = {
    "company": "株式会社山田製作所",
    "contact": "田中 一郎 / 情報システム部 部長",
    "contact_info": "03-1234-5678",
    "company_size": "従業員450名・売上120億円",
    "problem": "請求書処理を経理5名がExcelと紙で行い、月200時間の残業が発生",
    "cause": "取引先が増えたため手入力が追いつかない",
    "desired_state": "請求書処理の工数を半減したい",
    "budget": "300万円（今期予算で確保済み）",
    "authority": "山田社長が最終決裁",
    "need": "高（今期中に必須）",
    "timeline": "2027年4月稼働希望",
    "competitors": "楽楽精算",
    "impression": "他社との違いを知りたいとのこと",
    "meeting_datetime": "11月5日(木) 14:00",
    "meeting_format": "訪問",
    "attendees": "3名（情報システム部長、経理課長、担当者）",
    "expected_content": "デモと費用感",
}
# Only a "not known" marker: not obtained, no credit.
NOT_OBTAINED_VALUES = ("未確認", "TBD", "調整中", "-", "予算はこれから", "確認中")
# Informative but hedged: vague (= partial), vague_fraction of the points.
HEDGED_BUDGET = "数百万円規模？（未確認）"


def template(values: dict[str, str]) -> str:
    lines: list[str] = []
    for section in SECTIONS:
        lines.append(f"【{section.ja}】")
        lines += [
            f"・{f.ja}：{values.get(f.key, '')}"
            for f in FIELDS
            if f.section == section.key and f.key != "notes"
        ]
    return "\n".join(lines)


def score(values: dict[str, str], **kw: Any) -> Any:
    return score_memo(parse_memo(template(values), reference_date=REF), **kw)


def item(result: Any, key: str) -> float:
    return next(i.points for i in result.items if i.key == key)


# --- the articles' rubric ------------------------------------------------------------


def test_the_default_rubric_is_the_articles() -> None:
    rubric = default_rubric()
    assert {k: i.weight for k, i in rubric.items.items()} == {
        "basics": 10,
        "problem": 25,
        "bant": 30,
        "competition": 20,
        "next_action": 15,
    }
    assert (rubric.bands.high, rubric.bands.standard) == (80, 60)
    assert rubric.vague_fraction == 0.5
    assert rubric.gate.min_bant_confirmed == 3 and rubric.gate.min_score == 60
    assert rubric.label("bant") == ("BANT情報の取得度", "BANT confirmation")
    assert load_rubric() is rubric


def test_a_complete_concrete_memo_scores_100_high_and_passes_the_gate() -> None:
    result = score(CONCRETE)
    assert result.total == 100
    assert (result.band, result.band_ja, result.band_en) == ("high", "高", "high")
    assert result.gate_passed and result.gate_failures == ()
    assert result.missing == ()


def test_an_empty_memo_scores_zero_and_misses_every_element() -> None:
    result = score_memo("")
    assert result.total == 0 and result.band == "needs_work"
    assert {m.key for m in result.missing} == set(ELEMENT_KEYS)
    assert {g.key for g in result.gate_failures} == {
        "bant",
        "needs",
        "meeting",
        "score",
    }


@pytest.mark.parametrize("name", sorted(EXPECTED["memos"]))
def test_a_golden_memo_scores_its_expected_total_band_and_gate(name: str) -> None:
    spec = EXPECTED["memos"][name]
    data = (GOLDEN / name).read_bytes()
    result = score_memo(data, reference_date=REF)
    assert result.total == spec["score"]["total"]
    assert result.band == spec["score"]["band"]
    assert result.gate_passed is spec["score"]["gate_passed"]
    assert [g.key for g in result.gate_failures] == spec["score"]["gate_failures"]
    assert [m.key for m in result.missing] == spec["score"]["missing"]


@pytest.mark.parametrize(
    ("status_value", "points"),
    [
        ("300万円（確保済み）", 7.5),
        (HEDGED_BUDGET, 3.75),
        ("未確認", 0.0),
        ("", 0.0),
    ],
    ids=["confirmed", "vague", "not_obtained", "missing"],
)
def test_each_bant_element_earns_full_partial_or_no_points(
    status_value: str, points: float
) -> None:
    result = score(CONCRETE | {"budget": status_value})
    assert item(result, "bant") == 22.5 + points


def test_the_vague_fraction_comes_from_the_rubric() -> None:
    quarter = rubric_from_yaml("vague_fraction: 0.25")
    result = score(CONCRETE | {"budget": HEDGED_BUDGET}, rubric=quarter)
    assert item(result, "bant") == pytest.approx(22.5 + 7.5 * 0.25, abs=0.01)
    # A bare marker earns nothing whatever the fraction.
    result = score(CONCRETE | {"budget": "未確認"}, rubric=quarter)
    assert item(result, "bant") == 22.5


def test_a_generic_problem_scores_low_even_though_it_is_filled() -> None:
    result = score(
        CONCRETE | {"problem": "業務を効率化したい", "cause": "", "desired_state": ""}
    )
    assert (
        parse_memo(template(CONCRETE | {"problem": "業務を効率化したい"})).status(
            "problem"
        )
        == "filled"
    )
    assert item(result, "problem") < 0.3 * 25
    assert "needs" in {g.key for g in result.gate_failures}
    assert result.element_status["problem"] == "vague"


def test_problem_points_grow_with_numbers_systems_scale_and_cause() -> None:
    base = CONCRETE | {"cause": "", "desired_state": ""}
    steps = [
        "業務を効率化したい",
        "請求書処理を効率化したい",
        "請求書処理に月200時間かかっている",
        "請求書処理に経理5名で月200時間かかっている",
    ]
    points = [item(score(base | {"problem": p}), "problem") for p in steps]
    assert points == sorted(points) and points[0] < points[-1]


def test_competition_rewards_names_or_confirmed_none_and_difference_questions() -> None:
    named = score(CONCRETE)
    none = score(CONCRETE | {"competitors": "競合なし", "impression": "好印象"})
    unnamed = score(CONCRETE | {"competitors": "他社と比較中", "impression": "好印象"})
    assert item(named, "competition") == 20
    assert item(none, "competition") == 20
    assert item(unnamed, "competition") == pytest.approx(20 * (0.4 * 0.5 + 0.35))


def test_next_action_needs_an_agreed_date_for_full_points_and_the_gate() -> None:
    tentative = score(CONCRETE | {"meeting_datetime": "11/5(木) 14:00（仮）"})
    undated = score(CONCRETE | {"meeting_datetime": "日程調整中"})
    date_only = score(CONCRETE | {"meeting_datetime": "11月5日"})
    agreed_words = score(CONCRETE | {"meeting_datetime": "11月5日で合意"})
    assert item(tentative, "next_action") == pytest.approx(15 - 0.2 * 15 * 0.5)
    assert "meeting" in {g.key for g in tentative.gate_failures}
    assert "meeting" in {g.key for g in undated.gate_failures}
    assert item(undated, "next_action") < item(tentative, "next_action")
    assert date_only.gate_passed and item(date_only, "next_action") < 15
    assert item(agreed_words, "next_action") == 15


# --- bands and gate ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (100, "high"),
        (80, "high"),
        (79.9, "standard"),
        (60, "standard"),
        (59.9, "needs_work"),
        (0, "needs_work"),
    ],
)
def test_bands_are_80_and_60(total: float, band: str) -> None:
    assert band_for(total, default_rubric()) == band


def test_the_gate_needs_three_of_four_bant_elements_confirmed() -> None:
    three = score(CONCRETE | {"timeline": "未定"})
    two = score(CONCRETE | {"timeline": "未定", "budget": ""})
    assert three.gate_passed and three.bant_confirmed == 3
    assert not two.gate_passed and [g.key for g in two.gate_failures] == ["bant"]
    failure = two.gate_failures[0]
    assert "2" in failure.ja and "3" in failure.ja
    assert failure.en == "only 2 of 4 BANT elements confirmed (at least 3 needed)"


def test_the_gate_thresholds_come_from_the_rubric() -> None:
    lenient = rubric_from_yaml(
        "gate: {min_bant_confirmed: 2, require_meeting_agreed: false}"
    )
    memo = CONCRETE | {"timeline": "未定", "budget": "", "meeting_datetime": "調整中"}
    assert score(memo, rubric=lenient).gate_passed
    assert not score(memo).gate_passed


def test_a_low_score_fails_the_gate_even_with_bant_confirmed() -> None:
    sparse = {
        k: CONCRETE[k] for k in (*BANT_KEYS, "problem", "cause", "meeting_datetime")
    }
    result = score(sparse)
    assert result.bant_confirmed == 4 and result.total < 60
    assert [g.key for g in result.gate_failures] == ["score"]


# --- missing elements --------------------------------------------------------------


def test_missing_elements_carry_status_labels_and_the_points_they_cost() -> None:
    result = score(
        CONCRETE
        | {
            "budget": "未確認",
            "timeline": "来期以降？（未確認）",
            "competitors": "",
            "impression": "",
        }
    )
    by_key = {m.key: m for m in result.missing}
    assert set(by_key) == {"budget", "timeline", "competition"}
    assert by_key["budget"].status == "not_obtained" and by_key["budget"].points == 7.5
    assert by_key["timeline"].status == "vague" and by_key["timeline"].points == 3.75
    assert by_key["competition"].status == "empty"
    assert by_key["budget"].label_ja == element("budget").ja
    assert by_key["budget"].label_en == element("budget").en
    assert [m.key for m in result.missing] == [
        "competition",
        "budget",
        "timeline",
    ]  # costliest first


@pytest.mark.parametrize(
    "key", ["budget", "authority", "need", "timeline", "competition"]
)
def test_filling_a_missing_element_gains_exactly_the_points_it_costs(key: str) -> None:
    fields = {
        "competition": ("competitors", "impression"),
    }.get(key, (key,))
    gap = CONCRETE | dict.fromkeys(fields, "")
    before = score(gap)
    cost = next(m.points for m in before.missing if m.key == key)
    after = score(gap | {f: CONCRETE[f] for f in fields})
    assert after.total - before.total == pytest.approx(cost, abs=0.06)


# --- properties -----------------------------------------------------------------

FIELD_VALUES = st.fixed_dictionaries(
    {
        k: st.sampled_from([v, "", HEDGED_BUDGET, *NOT_OBTAINED_VALUES])
        for k, v in CONCRETE.items()
    }
)


@settings(max_examples=120, deadline=None)
@given(FIELD_VALUES, st.sampled_from(BANT_KEYS))
def test_confirming_a_bant_element_never_lowers_the_score(
    values: dict[str, str], key: str
) -> None:
    before = score(values)
    after = score(values | {key: CONCRETE[key]})
    assert after.total >= before.total
    assert item(after, "bant") >= item(before, "bant")
    assert after.bant_confirmed >= before.bant_confirmed
    assert after.gate_passed or not before.gate_passed


@settings(max_examples=120, deadline=None)
@given(FIELD_VALUES | st.text(max_size=300).map(lambda t: {"notes": t}))
def test_the_total_stays_within_0_and_100(values: dict[str, str]) -> None:
    result = score(values)
    assert 0 <= result.total <= 100
    assert all(0 <= i.points <= i.max for i in result.items)
    # items are shown to 2 decimals and the total to 1
    assert result.total == pytest.approx(sum(i.points for i in result.items), abs=0.1)
    assert all(m.points >= 0 for m in result.missing)


def valid_rubrics() -> st.SearchStrategy[Rubric]:
    """Random valid rubrics: integer weights summing to 100, shares summing to 1."""

    @st.composite
    def build(draw: st.DrawFn) -> Rubric:
        keys = draw(
            st.lists(
                st.sampled_from(sorted(CRITERIA)), min_size=2, max_size=8, unique=True
            )
        )
        n_items = draw(st.integers(1, len(keys)))
        cuts = sorted(
            draw(
                st.lists(
                    st.integers(0, 100), min_size=n_items - 1, max_size=n_items - 1
                )
            )
        )
        weights = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
        items = {}
        for i, weight in enumerate(weights):
            mine = keys[i::n_items]
            parts = [draw(st.integers(1, 8)) for _ in mine]
            shares = {k: p / sum(parts) for k, p in zip(mine, parts, strict=True)}
            items[f"item_{i}"] = {
                "weight": weight,
                "criteria": shares,
                "label_ja": f"項目{i}",
            }
        high = draw(st.integers(2, 100))
        return Rubric.model_validate(
            {
                "name": draw(
                    st.text(
                        st.characters(
                            exclude_categories=("C", "Z"), include_characters=" "
                        ),
                        min_size=1,
                        max_size=20,
                    )
                ),
                "vague_fraction": draw(st.floats(0, 1)),
                "bands": {"high": high, "standard": draw(st.integers(1, high - 1))},
                "gate": {
                    "min_bant_confirmed": draw(st.integers(0, 4)),
                    "require_concrete_needs": draw(st.booleans()),
                    "min_needs_signals": draw(st.integers(0, 4)),
                    "require_meeting_agreed": draw(st.booleans()),
                    "min_score": draw(st.floats(0, 100)),
                },
                "items": items,
            }
        )

    return build()


def test_the_default_rubric_round_trips_through_yaml() -> None:
    text = rubric_to_yaml(default_rubric())
    assert rubric_from_yaml(text) == default_rubric()
    assert "課題・ニーズの明確さ" in text  # readable Japanese, not escapes


@settings(max_examples=80, deadline=None)
@given(valid_rubrics())
def test_any_valid_rubric_round_trips_through_yaml(rubric: Rubric) -> None:
    assert rubric_from_yaml(rubric_to_yaml(rubric)) == rubric


@settings(max_examples=40, deadline=None)
@given(valid_rubrics(), FIELD_VALUES)
def test_any_valid_rubric_scores_within_0_and_100(
    rubric: Rubric, values: dict[str, str]
) -> None:
    result = score(values, rubric=rubric)
    assert 0 <= result.total <= 100


def test_a_rubric_file_loads_and_partial_files_keep_the_articles_defaults(
    tmp_path: Path,
) -> None:
    path = tmp_path / "rubric.yaml"
    path.write_text("name: strict\nbands:\n  high: 85\n", encoding="utf-8")
    rubric = load_rubric(path)
    assert rubric.name == "strict"
    assert (rubric.bands.high, rubric.bands.standard) == (85, 60)
    assert rubric.items == default_rubric().items


# --- invalid rubrics ----------------------------------------------------------------

BASE = yaml.safe_load(rubric_to_yaml(default_rubric()))


def with_change(path: str, value: Any) -> str:
    data = yaml.safe_load(rubric_to_yaml(default_rubric()))
    *parents, last = path.split(".")
    node = data
    for p in parents:
        node = node[p]
    node[last] = value
    return yaml.safe_dump(data, allow_unicode=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            with_change("items.bant.weight", 35),
            ["sum to 105", "must sum to 100", "10/25/30/20/15"],
        ),
        (
            with_change("bands.high", 50),
            ["bands", "high (50) must be greater than standard (60)"],
        ),
        (with_change("bands.standard", 0), ["bands.standard", "greater than 0"]),
        (with_change("bands.high", 120), ["bands.high", "less than or equal to 100"]),
        (with_change("colour", "blue"), ["unknown key 'colour'", "the top level"]),
        (
            with_change("items.bant.colour", "blue"),
            ["items.bant.colour", "unknown key"],
        ),
        (with_change("gate.min_bant", 3), ["gate.min_bant", "unknown key"]),
        (
            with_change("items.bant.criteria.budjet", 0.25),
            ["unknown criterion 'budjet'", "budget"],
        ),
        (
            with_change("items.bant.criteria.budget", 0.5),
            ["items.bant", "sum to 1.25", "must sum to 1"],
        ),
        (
            with_change("gate.min_bant_confirmed", 5),
            ["gate.min_bant_confirmed", "less than or equal to 4"],
        ),
        (with_change("gate.min_score", -1), ["gate.min_score"]),
        (with_change("vague_fraction", 1.5), ["vague_fraction"]),
        ("- just\n- a list\n", ["must be a mapping"]),
        ("bands: {high: 80\n", ["not valid YAML", "line"]),
        ("items: {}\n", ["items", "at least one item"]),
        ('name: "a\\nb"\n', ["name must be one printable line"]),
    ],
    ids=[
        "weights_not_100",
        "bands_out_of_order",
        "band_zero",
        "band_above_100",
        "unknown_top_key",
        "unknown_item_key",
        "unknown_gate_key",
        "unknown_criterion",
        "shares_not_1",
        "gate_bant_above_4",
        "gate_score_negative",
        "vague_fraction_above_1",
        "not_a_mapping",
        "broken_yaml",
        "no_items",
        "name_with_newline",
    ],
)
def test_an_invalid_rubric_says_which_key_is_wrong_and_how_to_fix_it(
    text: str, expected: list[str]
) -> None:
    with pytest.raises(RubricError) as err:
        rubric_from_yaml(text, source="my.yaml")
    message = str(err.value)
    assert message.startswith("invalid rubric (my.yaml)")
    for part in expected:
        assert part in message


def test_a_missing_rubric_file_is_a_rubric_error(tmp_path: Path) -> None:
    with pytest.raises(RubricError, match="not found"):
        load_rubric(tmp_path / "nope.yaml")


# --- results and frames ------------------------------------------------------------


def test_a_result_is_json_safe_and_renders_in_japanese_and_english() -> None:
    result = score(CONCRETE | {"budget": HEDGED_BUDGET})
    data = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    assert {"total", "band", "gate_passed", "items", "missing"} <= set(data)
    assert data["items"]["bant"] == {
        "label_ja": "BANT情報の取得度",
        "label_en": "BANT confirmation",
        "points": 26.25,
        "max": 30.0,
    }
    text = render_result(result)
    for part in (
        "96.2 / 100",
        "高 / high",
        "BANT情報の取得度 / BANT confirmation",
        "26.25 / 30",
        "予算(Budget) / Budget",
        "-3.75",
    ):
        assert part in text


def test_score_memo_accepts_text_and_dicts() -> None:
    assert score_memo(template(CONCRETE), reference_date=REF).total == 100
    assert score_memo(CONCRETE, reference_date=REF).total == 100


def test_score_frame_gives_one_row_per_handoff_and_leaves_the_input_alone() -> None:
    frame = pd.DataFrame(
        {
            "lead_id": ["L1", "L2", "L3", "L4"],
            "tossed_up_at": [
                datetime(2026, 10, 20, 10),
                datetime(2026, 10, 20),
                None,
                datetime(2026, 10, 21),
            ],
            "memo": [
                template(CONCRETE),
                template(CONCRETE | {"meeting_datetime": "来週水曜 15:00"}),
                None,
                float("nan"),
            ],
        }
    )
    before = frame.copy()
    scored = score_frame(frame)
    pd.testing.assert_frame_equal(frame, before)
    assert list(scored["lead_id"]) == ["L1", "L2", "L3", "L4"]
    assert list(scored["total"]) == [100.0, 100.0, 0.0, 0.0]
    assert list(scored["band"]) == ["high", "high", "needs_work", "needs_work"]
    assert {
        "basics_points",
        "bant_points",
        "gate_passed",
        "budget_status",
        "n_missing",
    } <= set(scored)
    assert set(scored.loc[2, "missing_elements"].split(";")) == set(ELEMENT_KEYS)
    assert scored.loc[0, "missing_elements"] == ""


def test_score_frame_of_no_handoffs_has_the_columns() -> None:
    scored = score_frame(pd.DataFrame({"lead_id": [], "memo": [], "tossed_up_at": []}))
    assert len(scored) == 0 and "total" in scored and "bant_points" in scored


def test_band_summary_counts_each_band_with_win_rates() -> None:
    scored = pd.DataFrame(
        {
            "total": [90.0, 85.0, 70.0, 40.0],
            "band": ["high", "high", "standard", "needs_work"],
            "gate_passed": [True, False, False, False],
            "won": [True, False, True, pd.NA],
        }
    )
    summary = band_summary(scored)
    assert list(summary.index) == ["high", "standard", "needs_work"]
    assert list(summary["handoffs"]) == [2, 1, 1]
    assert summary.loc["high", "gate_pass_rate"] == 0.5
    assert summary.loc["high", "win_rate"] == 0.5


# --- command line -------------------------------------------------------------------


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_the_cli_prints_a_readable_breakdown(runner: CliRunner) -> None:
    result = runner.invoke(
        main, ["rubric", str(GOLDEN / "02_typical_partial.txt"), "--date", "2026-10-20"]
    )
    assert result.exit_code == 0, result.output
    for part in (
        "64 / 100",
        "標準 / standard",
        "不可 / not passed",
        "only 2 of 4 BANT",
        "未取得 not obtained -7.5",  # budget 未定: a marker, no credit
        "曖昧 vague",
    ):
        assert part in result.output


def test_the_cli_prints_json_with_total_band_gate_items_and_missing(
    runner: CliRunner,
) -> None:
    result = runner.invoke(
        main,
        [
            "rubric",
            str(GOLDEN / "01_complete_template.txt"),
            "--json",
            "--date",
            "2026-10-20",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["total"], data["band"], data["gate_passed"]) == (100.0, "high", True)
    assert data["items"]["bant"]["points"] == 30 and data["items"]["bant"]["max"] == 30
    assert data["missing"] == []
    assert data["memo"]["meeting_at"] == "2026-11-05T14:00:00"


def test_the_cli_date_resolves_relative_meeting_dates(runner: CliRunner) -> None:
    args = ["rubric", str(GOLDEN / "29_relative_dates.txt"), "--json", "--date"]
    result = runner.invoke(main, [*args, "2026-10-20"])
    assert json.loads(result.output)["memo"]["meeting_date"] == "2026-10-28"


def test_the_cli_reads_a_memo_from_stdin_and_the_explicit_score_command(
    runner: CliRunner,
) -> None:
    memo = template(CONCRETE)
    for args in (["rubric", "-", "--json"], ["rubric", "score", "-", "--json"]):
        result = runner.invoke(main, [*args, "--date", "2026-10-20"], input=memo)
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["total"] == 100


def test_the_cli_uses_a_custom_rubric(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "strict.yaml"
    path.write_text(
        "name: strict\nbands: {high: 101, standard: 99}\n", encoding="utf-8"
    )
    result = runner.invoke(
        main, ["rubric", str(GOLDEN / "02_typical_partial.txt"), "--rubric", str(path)]
    )
    assert "bands.high" in result.output and result.exit_code == 1
    path.write_text(
        "name: strict\nbands: {high: 100, standard: 99}\n", encoding="utf-8"
    )
    result = runner.invoke(
        main,
        [
            "rubric",
            str(GOLDEN / "01_complete_template.txt"),
            "--rubric",
            str(path),
            "--json",
        ],
    )
    assert json.loads(result.output)["band"] == "high"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["rubric", "no_such_memo.txt"], "does not exist"),
        (
            [
                "rubric",
                "--rubric",
                "no_such.yaml",
                str(GOLDEN / "01_complete_template.txt"),
            ],
            "not found",
        ),
        (
            [
                "rubric",
                str(GOLDEN / "01_complete_template.txt"),
                "--date",
                "2026-13-40",
            ],
            "not a date",
        ),
        (["rubric", "--json"], "either MEMO_FILE or --handoffs"),
        (
            [
                "rubric",
                str(GOLDEN / "01_complete_template.txt"),
                "--handoffs",
                str(GOLDEN),
            ],
            "either MEMO_FILE or --handoffs",
        ),
        (
            ["rubric", str(GOLDEN / "01_complete_template.txt"), "--out", "x.csv"],
            "--out goes with --handoffs",
        ),
    ],
    ids=[
        "missing_memo",
        "missing_rubric",
        "bad_date",
        "nothing",
        "both",
        "out_without_handoffs",
    ],
)
def test_the_cli_explains_bad_usage_without_a_traceback(
    runner: CliRunner, args: list[str], message: str
) -> None:
    result = runner.invoke(main, args)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    )


def test_the_rubric_help_shows_both_forms(runner: CliRunner) -> None:
    result = runner.invoke(main, ["rubric", "--help"])
    assert result.exit_code == 0
    assert "readiness rubric MEMO_FILE" in result.output
    assert "readiness rubric --handoffs DATA_DIR" in result.output


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("world")
    result = CliRunner().invoke(
        main, ["simulate", "--leads", "300", "--seed", "5", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_the_cli_scores_every_handoff_of_a_data_directory(
    runner: CliRunner, world: Path, tmp_path: Path, suffix: str
) -> None:
    out = tmp_path / f"scores{suffix}"
    result = runner.invoke(
        main, ["rubric", "--handoffs", str(world), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    handoffs = pd.read_parquet(world / "handoffs.parquet")
    scored = pd.read_csv(out) if suffix == ".csv" else pd.read_parquet(out)
    assert len(scored) == len(handoffs)
    assert set(scored["lead_id"]) == set(handoffs["lead_id"])
    assert f"scored {len(handoffs):,} hand-offs" in result.output
    for band in ("高 high", "標準 standard", "要改善 needs work", "win rate"):
        assert band in result.output


def test_the_cli_rejects_an_unknown_output_format(
    runner: CliRunner, world: Path
) -> None:
    result = runner.invoke(
        main, ["rubric", "--handoffs", str(world), "--out", "x.xlsx"]
    )
    assert result.exit_code == 2 and ".csv or .parquet" in result.output


def test_the_cli_reports_a_directory_that_breaks_the_contract(
    runner: CliRunner, tmp_path: Path
) -> None:
    (tmp_path / "handoffs.csv").write_text("lead_id,memo\nL1,hello\n", encoding="utf-8")
    result = runner.invoke(main, ["rubric", "--handoffs", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output.startswith("Error:")
    assert "Traceback" not in result.output


def test_datetimes_and_dates_are_both_fine_as_the_toss_up_time() -> None:
    frame = pd.DataFrame(
        {
            "lead_id": ["L1"],
            "tossed_up_at": [datetime(2026, 10, 20, 18, 30)],
            "memo": ["・商談日時：来週水曜 15:00（合意済み）"],
        }
    )
    assert score_frame(frame).loc[0, "next_action_points"] > 0


def test_toss_up_times_with_a_time_zone_resolve_on_their_own_calendar_day() -> None:
    memo = "・商談日時：明日 15:00（合意済み）"  # 明日: the day after the toss-up
    aware = pd.DataFrame(
        {
            "lead_id": ["L1", "L2"],
            "tossed_up_at": pd.to_datetime(
                ["2026-10-20 23:30+09:00", "2026-10-21 00:30+09:00"]
            ),
            "memo": [memo, memo],
        }
    )
    naive = aware.assign(tossed_up_at=pd.to_datetime(["2026-10-20", "2026-10-21"]))
    pd.testing.assert_frame_equal(score_frame(aware), score_frame(naive))


def test_needs_are_concrete_exactly_when_the_gate_does_not_fail_on_them() -> None:
    generic = score_memo(
        template(
            CONCRETE
            | {"problem": "業務を効率化したい", "cause": "", "desired_state": ""}
        )
    )
    concrete = score_memo(template(CONCRETE), reference_date=REF)
    assert concrete.needs_concrete and not generic.needs_concrete
    for result in (generic, concrete):
        fails = {g.key for g in result.gate_failures}
        assert ("needs" not in fails) == result.needs_concrete
        assert result.to_dict()["needs_concrete"] == result.needs_concrete


def test_two_rubrics_score_the_same_memo_each_by_its_own_weights() -> None:
    heavy_bant = rubric_from_yaml(
        "items:\n"
        "  bant: {weight: 70, criteria: {budget: 1}}\n"
        "  basics: {weight: 30, criteria: {company: 1}}\n"
    )
    memo = parse_memo(template({"company": "株式会社A", "budget": "300万円"}))
    assert score_memo(memo, rubric=heavy_bant).total == 100
    assert score_memo(memo).total < 20
    assert score_memo(memo, rubric=heavy_bant).total == 100


# --- the three memos: all unknown, two BANT elements unconfirmed, the template


def test_a_memo_of_only_unknown_markers_scores_at_most_10() -> None:
    markers = ("不明", "未確認", "TBD", "確認中", "-", "聞けていません", "未定")
    values = {k: markers[i % len(markers)] for i, k in enumerate(CONCRETE)}
    result = score(values)
    assert result.total <= 10.0
    assert result.band == "needs_work" and not result.gate_passed


def test_two_unconfirmed_bant_elements_lose_their_points_and_fail_the_gate() -> None:
    full = score(CONCRETE)
    result = score({**CONCRETE, "budget": "未確認", "authority": "不明"})
    assert full.total == 100.0 and full.gate_passed
    assert item(result, "bant") == pytest.approx(item(full, "bant") / 2)
    assert result.total <= 85.0
    assert not result.gate_passed
