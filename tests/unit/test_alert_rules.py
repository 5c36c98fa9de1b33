"""The alert rules file: a good file loads, a bad one names every problem at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from readiness.alerts.rules_file import (
    AlertRulesError,
    load_alert_rules,
    rules_from_yaml,
)

ROOT = Path(__file__).resolve().parents[2]


def _problems(text: str) -> list[str]:
    with pytest.raises(AlertRulesError) as caught:
        rules_from_yaml(text, source="rules.yaml")
    return caught.value.problems


def test_the_example_rules_file_loads_with_its_files_resolved_beside_it() -> None:
    rules = load_alert_rules(ROOT / "examples" / "alerts" / "rules.yaml")
    assert [r.kind for r in rules.rules] == [
        "crosses", "crosses", "drop", "at_risk", "gate_fails",
    ]  # fmt: skip
    hot, became = rules.rules[0], rules.rules[1]
    assert (hot.probability, hot.crossing) == (0.30, "up")
    assert (became.grade, became.crossing) == ("A", "becomes")
    assert rules.destination_of(hot).webhook is not None
    default = rules.destination_of(became).file
    assert default == str(ROOT / "examples" / "alerts" / "alerts.jsonl")


def test_every_problem_of_a_bad_file_is_listed_with_its_line_in_both_languages() -> (
    None
):
    problems = _problems(
        "rules:\n"  # 1
        "  - name: a\n"  # 2
        "    kind: drop\n"  # 3
        "    pionts: 3\n"  # 4
        "    destination: {file: a.jsonl}\n"  # 5
        "  - name: b\n"  # 6
        "    kind: crosses\n"  # 7
        "    probability: 1.5\n"  # 8
        "    destination: {webhook: ftp://x}\n"  # 9
        "  - kind: at_risk\n"  # 10
        "    where: {status: won}\n"  # 11
        "    destination: {file: a.jsonl}\n"  # 12
    )
    assert len(problems) == 6, problems
    text = "\n".join(problems)
    assert "line 4, rules[0].pionts: 知らないキーです" in text
    assert "line 2, rules[0]: 値が正しくありません / kind drop needs points:" in text
    assert "did you mean points?" in text
    assert "line 8, rules[1].probability" in text
    assert "line 9, rules[1].destination" in text and "http(s) URL" in text
    assert "line 10, rules[2].name: 必要なキーがありません / required key" in text
    assert "line 11, rules[2].where.status" in text and "'won'" in text
    assert all(" — fix: " in p for p in problems)


@pytest.mark.parametrize(
    ("rule", "needle"),
    [
        ("kind: drop", "kind drop needs points:"),
        ("kind: crosses", "exactly one of probability: or grade:"),
        ("kind: crosses\n    probability: 0.3\n    grade: A", "exactly one of"),
        ("kind: crosses\n    grade: A\n    direction: up", "direction up does not"),
        ("kind: crosses\n    probability: 0.3\n    direction: leaves", "does not fit"),
        ("kind: at_risk\n    points: 5", "points is not used by kind at_risk"),
        ("kind: drop\n    points: 0", "rules[0].points"),
        ("kind: wins", "rules[0].kind: 使えない値です"),
    ],
)
def test_a_rule_with_the_wrong_parameters_for_its_kind_is_refused(
    rule: str, needle: str
) -> None:
    text = f"destination: {{file: a.jsonl}}\nrules:\n  - name: r\n    {rule}\n"
    problems = _problems(text)
    assert any(needle in p for p in problems), problems


def test_rule_names_are_unique_and_every_rule_has_somewhere_to_go() -> None:
    twice = "destination: {file: a}\nrules:\n" + "  - {name: r, kind: at_risk}\n" * 2
    assert "used twice" in _problems(twice)[0]
    nowhere = "rules:\n  - {name: r, kind: at_risk}\n"
    assert "has no destination" in _problems(nowhere)[0]


def test_a_rule_with_a_wrong_key_still_gets_its_kind_and_file_checks() -> None:
    problems = _problems(
        "rules:\n"
        "  - {name: r, kind: crosses, grade: A, direction: up, wehre: {}}\n"
        "  - {name: r, kind: at_risk, destination: {file: a}}\n"
    )
    assert problems[0].startswith("line 1, (top level)") and "used twice" in problems[0]
    assert any("direction up does not fit a grade crossing" in p for p in problems)
    assert any("rules[0]" in p and "no destination" in p for p in problems)
    assert any("did you mean where?" in p for p in problems)


def test_a_destination_names_exactly_one_target() -> None:
    both = "rules:\n  - {name: r, kind: at_risk, destination: {file: a, webhook: http://h}}\n"
    assert "exactly one of webhook: or file:" in _problems(both)[0]


def test_a_file_that_is_not_yaml_or_not_a_mapping_says_so_with_the_line() -> None:
    assert "line 2, column" in _problems("rules:\n  - name: a: b\n")[0]
    assert "not a mapping" in _problems("- just\n- a list\n")[0]
    assert "rules: 必要なキーがありません" in _problems("version: 1\n")[0]


def test_a_missing_rules_file_is_one_error_naming_the_option(tmp_path: Path) -> None:
    with pytest.raises(AlertRulesError, match="--alerts"):
        load_alert_rules(tmp_path / "nope.yaml")
