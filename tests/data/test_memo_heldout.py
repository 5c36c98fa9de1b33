"""The held-out memo corpus is well-formed and reproducible.

bench/memos_heldout/ is a second independent memo generator (four habits the parser
was never tuned on) and its frozen corpus. These tests keep the corpus sound; they
never call the parser: its accuracy on this corpus is measured by the lead, apart.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from datetime import date
from typing import Any

import pytest

from bench.memos_heldout.generator import (
    CORPUS,
    STATUSES,
    generate_corpus,
    generate_with_context,
    lint_fragments,
    read_corpus,
)
from readiness.fields import FIELD_KEYS

HABITS = {"email", "brackets", "crm_note", "spoken"}


@pytest.fixture(scope="module")
def corpus() -> list[dict[str, Any]]:
    return read_corpus(CORPUS)


def _nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


def test_corpus_has_50_memos_for_each_of_the_four_habits(
    corpus: list[dict[str, Any]],
) -> None:
    assert Counter(row["habit"] for row in corpus) == dict.fromkeys(HABITS, 50)
    ids = [row["id"] for row in corpus]
    assert len(set(ids)) == len(ids)
    assert all(row["id"].startswith(row["habit"] + "-") for row in corpus)


def test_every_memo_labels_all_21_fields_with_the_four_statuses(
    corpus: list[dict[str, Any]],
) -> None:
    for row in corpus:
        assert set(row["labels"]) == set(FIELD_KEYS), row["id"]
        assert set(row["labels"].values()) <= set(STATUSES), row["id"]
        assert row["text"].strip(), row["id"]
        date.fromisoformat(row["reference_date"])


def test_each_habit_uses_all_four_statuses(corpus: list[dict[str, Any]]) -> None:
    for habit in HABITS:
        seen = {
            s for row in corpus if row["habit"] == habit for s in row["labels"].values()
        }
        assert seen == set(STATUSES), habit


def test_stated_company_and_contact_occur_in_the_text(
    corpus: list[dict[str, Any]],
) -> None:
    for row in corpus:
        text = _nfkc(row["text"])
        for key in ("company", "contact"):
            if key in row["values"]:
                assert row["labels"][key] in ("confirmed", "partial"), row["id"]
                assert _nfkc(row["values"][key]) in text, (row["id"], key)


def test_values_are_stated_only_for_confirmed_or_partial_fields(
    corpus: list[dict[str, Any]],
) -> None:
    field_of = {"budget_jpy": "budget", "meeting_date": "meeting_datetime"}
    for row in corpus:
        for key, value in row["values"].items():
            field = field_of.get(key, key)
            assert row["labels"][field] in ("confirmed", "partial"), (row["id"], key)
            if key == "budget_jpy":
                assert isinstance(value, int) and value > 0
            if key == "meeting_date":
                assert date.fromisoformat(value) > date.fromisoformat(
                    row["reference_date"]
                )


def test_a_contact_not_confirmed_is_never_named_elsewhere(
    corpus: list[dict[str, Any]],
) -> None:
    for row in corpus:
        if row["labels"]["contact"] in ("not_obtained", "empty"):
            assert "contact" not in row["values"], row["id"]


def test_the_generator_is_deterministic_for_a_seed() -> None:
    assert generate_corpus(per_habit=3, seed=11) == generate_corpus(
        per_habit=3, seed=11
    )
    assert generate_corpus(per_habit=3, seed=11) != generate_corpus(
        per_habit=3, seed=12
    )


def test_the_committed_corpus_equals_a_regeneration(
    corpus: list[dict[str, Any]],
) -> None:
    assert generate_corpus(per_habit=50, seed=7) == corpus


def test_confirmed_fragments_carry_no_hedge_and_partial_ones_do() -> None:
    problems = [
        f"{row['id']}: {p}"
        for row, ctx in generate_with_context(per_habit=50, seed=7)
        for p in lint_fragments(ctx)
    ]
    assert problems == []
