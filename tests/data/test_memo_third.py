"""The third, independently written memo corpus is well-formed and reproducible.

bench/memos_third/ was written apart from the parser and the two earlier memo
corpora, for a final held-out measurement. These tests keep it sound; they never
run the parser on it (the measurement is made elsewhere).
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from bench.memos_third.generator import HABITS, generate
from readiness.fields import FIELD_KEYS

CORPUS = Path(__file__).resolve().parents[2] / "bench" / "memos_third" / "corpus.jsonl"
STATUSES = {"confirmed", "partial", "not_obtained", "empty"}


@pytest.fixture(scope="module")
def corpus() -> list[dict]:
    return [
        json.loads(line)
        for line in CORPUS.read_text(encoding="utf-8").splitlines()
        if line
    ]


def test_every_memo_labels_all_fields(corpus: list[dict]) -> None:
    assert len(corpus) == 200
    for memo in corpus:
        assert set(memo["labels"]) == set(FIELD_KEYS), memo["id"]
        assert set(memo["labels"].values()) <= STATUSES, memo["id"]
        assert memo["id"].startswith(memo["habit"] + "-")


def test_each_habit_uses_every_status(corpus: list[dict]) -> None:
    for habit in HABITS:
        seen = Counter(
            s for m in corpus if m["habit"] == habit for s in m["labels"].values()
        )
        assert set(seen) == STATUSES, habit
    assert Counter(m["habit"] for m in corpus) == dict.fromkeys(HABITS, 40)


def test_stated_names_occur_in_the_text(corpus: list[dict]) -> None:
    for memo in corpus:
        text = unicodedata.normalize("NFKC", memo["text"])
        values = memo["values"]
        for key, field in (("company", "company"), ("contact", "contact")):
            if key in values:
                assert memo["labels"][field] in ("confirmed", "partial"), memo["id"]
                assert unicodedata.normalize("NFKC", values[key]) in text, memo["id"]
        if "budget_jpy" in values:
            assert memo["labels"]["budget"] in ("confirmed", "partial"), memo["id"]
            assert isinstance(values["budget_jpy"], int)
        if "meeting_date" in values:
            assert memo["labels"]["meeting_datetime"] in ("confirmed", "partial"), memo[
                "id"
            ]
            assert values["meeting_date"] > memo["reference_date"], memo["id"]


def test_unknown_contact_is_not_given_away(corpus: list[dict]) -> None:
    for memo in corpus:
        if (
            memo["labels"]["contact"] in ("not_obtained", "empty")
            or "contact" not in memo["values"]
        ):
            assert "contact" not in memo["values"]


def test_deterministic_and_equal_to_the_committed_corpus(corpus: list[dict]) -> None:
    again = generate(40, 11)
    assert again == generate(40, 11)
    assert again == corpus
    assert generate(3, 12) != generate(3, 11)
