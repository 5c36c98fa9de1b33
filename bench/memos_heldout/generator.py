"""The held-out memo corpus: draw each field's true status, then write the memo.

    PYTHONPATH=src:. python -m bench.memos_heldout.generator \\
        --per-habit 50 --seed 7 --out bench/memos_heldout/corpus.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any

from bench.memos_heldout.facts import draw_lead
from bench.memos_heldout.habits import HABITS
from bench.memos_heldout.phrasing import HEDGES, Ctx
from readiness.fields import FIELD_KEYS

CORPUS = Path(__file__).resolve().parent / "corpus.jsonl"
STATUSES = ("confirmed", "partial", "not_obtained", "empty")

# A memo's completeness varies: weights of (confirmed, partial, not_obtained, empty).
# Mixed 0.3 / 0.45 / 0.25 they give about 56 / 14 / 15 / 15 %.
_PROFILES = (
    (0.30, (0.80, 0.08, 0.06, 0.06)),
    (0.45, (0.55, 0.15, 0.15, 0.15)),
    (0.25, (0.30, 0.20, 0.25, 0.25)),
)


def draw_labels(r: random.Random) -> dict[str, str]:
    x, acc = r.random(), 0.0
    weights = _PROFILES[-1][1]
    for share, w in _PROFILES:
        acc += share
        if x < acc:
            weights = w
            break
    return {k: r.choices(STATUSES, weights=weights)[0] for k in FIELD_KEYS}


def write_memo(r: random.Random, habit: str) -> tuple[str, Ctx]:
    lead = draw_lead(r)
    c = Ctx(lead=lead, r=r, labels=draw_labels(r))
    text = HABITS[habit](c)
    return text, c


def generate_with_context(
    *, per_habit: int = 50, seed: int = 7
) -> list[tuple[dict[str, Any], Ctx]]:
    """Rows and the context that wrote each (its fragments, for the self-check)."""
    out = []
    for h_i, habit in enumerate(HABITS):
        r = random.Random(seed * 1000 + h_i)
        for i in range(per_habit):
            text, c = write_memo(r, habit)
            row = {
                "id": f"{habit}-{i:03d}",
                "habit": habit,
                "text": text,
                "labels": dict(c.labels),
                "values": dict(c.values),
                "reference_date": c.lead.reference.isoformat(),
            }
            out.append((row, c))
    return out


def generate_corpus(*, per_habit: int = 50, seed: int = 7) -> list[dict[str, Any]]:
    return [row for row, _ in generate_with_context(per_habit=per_habit, seed=seed)]


# Signs that a partial value is hedged, incomplete or second-hand.
PARTIAL_SIGNS: tuple[str, ...] = (
    *HEDGES,
    "又聞き",
    "あいまい",
    "曖昧",
    "ぼんやり",
    "数回",
    "聞けず",
    "のみ",
)
PARTIAL_SIGNS += ("しか", "これから", "待ち", "何かしら", "何度か", "どこか", "だった")
PARTIAL_SIGNS += ("中くらい", "mid", "未集計", "控え", "わかんない", "伺えて", "漏れ")
PARTIAL_SIGNS += ("かな", "可能性", "未深掘り", "まだ")


def lint_fragments(c: Ctx) -> list[str]:
    """What a generated memo says against its labels (a self-check, not a parser)."""
    problems = []
    for key, text in c.frags.items():
        st = c.labels[key]
        if st == "confirmed":
            allowed = ("〜", "~") if key == "meeting_datetime" else ()
            bad = [h for h in HEDGES if h in text and h not in allowed]
            if bad:
                problems.append(f"{key} confirmed but hedged {bad}: {text}")
        elif st == "partial" and not any(s in text for s in PARTIAL_SIGNS):
            problems.append(f"{key} partial but unhedged: {text}")
    return problems


def read_corpus(path: Path = CORPUS) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def write_corpus(rows: list[dict[str, Any]], path: Path) -> None:
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-habit", type=int, default=50)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=CORPUS)
    args = ap.parse_args(argv)
    rows = generate_corpus(per_habit=args.per_habit, seed=args.seed)
    write_corpus(rows, args.out)
    print(f"{len(rows)} memos, {len(HABITS)} habits -> {args.out}")


if __name__ == "__main__":
    main()
