"""The frozen corpus of independently written memos is sound and the parser survives it.

bench/memos/ holds a second memo generator, written apart from the simulator,
and the corpus it wrote (issue 15). These tests keep the corpus well-formed and
the generator reproducible; they do not pin the parser's accuracy on it (that is
bench/parser.py's job, and the number is meant to change).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from typing import Any

import pytest

from bench.memos.generator import (
    CORPUS,
    STATUSES,
    generate_corpus,
    read_corpus,
    reference,
)
from readiness.fields import FIELD_KEYS
from readiness.memo.parse import parse_memo

MIN_MEMOS = 300
MIN_HABITS = 6
MIN_PER_HABIT = 50


@pytest.fixture(scope="module")
def corpus() -> list[dict[str, Any]]:
    return read_corpus(CORPUS)


def test_corpus_has_at_least_300_memos_over_six_habits(
    corpus: list[dict[str, Any]],
) -> None:
    per_habit = Counter(row["habit"] for row in corpus)
    assert len(corpus) >= MIN_MEMOS
    assert len(per_habit) >= MIN_HABITS
    assert min(per_habit.values()) >= MIN_PER_HABIT, per_habit
    assert len({row["id"] for row in corpus}) == len(corpus)


def test_every_memo_labels_every_known_field_in_the_four_statuses(
    corpus: list[dict[str, Any]],
) -> None:
    for row in corpus:
        assert row["text"].strip(), row["id"]
        assert set(row["labels"]) == set(FIELD_KEYS), row["id"]
        assert set(row["labels"].values()) <= set(STATUSES), row["id"]
        reference(row)  # an ISO date


def test_corpus_uses_all_four_statuses_on_every_habit(
    corpus: list[dict[str, Any]],
) -> None:
    seen: dict[str, set[str]] = {}
    for row in corpus:
        seen.setdefault(row["habit"], set()).update(row["labels"].values())
    assert all(statuses == set(STATUSES) for statuses in seen.values()), seen


def test_stated_values_appear_in_the_text(corpus: list[dict[str, Any]]) -> None:
    for row in corpus:
        values = row["values"]
        for name in ("company", "contact"):
            if name in values:
                assert _nfkc(values[name]) in _nfkc(row["text"]), row["id"]
        assert isinstance(values.get("budget_jpy", 0), int)


def test_generator_is_deterministic_for_a_seed() -> None:
    first = [m.to_json() for m in generate_corpus(per_habit=3, seed=4)]
    again = [m.to_json() for m in generate_corpus(per_habit=3, seed=4)]
    other = [m.to_json() for m in generate_corpus(per_habit=3, seed=5)]
    assert first == again
    assert first != other


def test_parsing_any_corpus_memo_never_raises(corpus: list[dict[str, Any]]) -> None:
    for row in corpus:
        memo = parse_memo(row["text"], reference_date=reference(row))
        assert set(memo.fields) == set(FIELD_KEYS), row["id"]
        assert not any("could not be read" in w for w in memo.warnings), row["id"]


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)
