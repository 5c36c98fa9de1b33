"""Benchmark: would a learned status classifier beat the parser's rules?

Issue 15 asks to consider a learned component (a character n-gram classifier of a
field value's status, trained on the simulator's labelled memos, used where the
rules are unsure) and to measure rather than assume. This script measures it.

Training set: the memos of a simulated world, each field's text as the parser
routes it (`Memo.text`) with the world's truth status (filled / vague /
not_obtained), fields the world left empty or the parser found nothing for
left out. Model: scikit-learn TF-IDF of character 1-3-grams of "field key + text"
and a logistic regression. Evaluated on the labelled corpora of bench/memos*
(written apart from the simulator), on the same fields: truth not empty and the
parser routed some text, so routing errors are out and only the status decision
is compared. Three ways to decide:

- rules: the parser's own status;
- classifier: the classifier's status;
- hybrid: the classifier only where the rules are unsure (they said partial, the
  status between a fact and nothing).

    python bench/status_classifier.py [--train-leads 4000 --seed 3]
Last line: JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LABELS = ("filled", "vague", "not_obtained")
RIGHT = {"confirmed": "filled", "partial": "vague", "not_obtained": "not_obtained"}


def _doc(key: str, text: str) -> str:
    return f"[{key}] {text[:400]}"


def training_set(leads: int, seed: int) -> tuple[list[str], list[str]]:
    import pandas as pd

    from readiness.memo.parse import parse_memo
    from readiness.simulate.config import WorldConfig
    from readiness.simulate.world import simulate_world

    world = simulate_world(WorldConfig(n_leads=leads, seed=seed))
    truth: dict[str, dict[str, str]] = {}
    rows = world.truth["memo_fields"][["lead_id", "field", "status"]]
    for lead_id, key, status in rows.itertuples(index=False):
        truth.setdefault(lead_id, {})[key] = status
    docs, ys = [], []
    handoffs = world.tables["handoffs"][["lead_id", "tossed_up_at", "memo"]]
    for lead_id, when, text in handoffs.itertuples(index=False):
        memo = parse_memo(text, reference_date=pd.Timestamp(when).date())
        for key, status in truth[lead_id].items():
            if status in LABELS and memo.text(key):
                docs.append(_doc(key, memo.text(key)))
                ys.append(status)
    return docs, ys


def evaluate(model: Any, path: Path) -> dict[str, Any]:
    from bench.memos.generator import read_corpus, reference
    from readiness.memo.parse import parse_memo

    docs, truths, rules, habits = [], [], [], []
    for row in read_corpus(path):
        memo = parse_memo(row["text"], reference_date=reference(row))
        for key, label in row["labels"].items():
            if label in RIGHT and memo.text(key) and memo.status(key) != "empty":
                docs.append(_doc(key, memo.text(key)))
                truths.append(RIGHT[label])
                rules.append(memo.status(key))
                habits.append(row["habit"])
    learned = list(model.predict(docs))
    hybrid = [c if r == "vague" else r for r, c in zip(rules, learned, strict=True)]

    def share(pred: list[str]) -> float:
        ok = sum(p == t for p, t in zip(pred, truths, strict=True))
        return round(ok / len(truths), 4)

    per_habit: dict[str, dict[str, float]] = {}
    for habit in sorted(set(habits)):
        idx = [i for i, h in enumerate(habits) if h == habit]
        per_habit[habit] = {
            name: round(sum(pred[i] == truths[i] for i in idx) / len(idx), 4)
            for name, pred in (
                ("rules", rules),
                ("classifier", learned),
                ("hybrid", hybrid),
            )
        }
    return {
        "fields": len(truths),
        "rules": share(rules),
        "classifier": share(learned),
        "hybrid": share(hybrid),
        "per_habit": per_habit,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train-leads", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args(argv)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from bench.parser import CORPORA

    t0 = time.perf_counter()
    docs, ys = training_set(args.train_leads, args.seed)
    model = make_pipeline(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), min_df=2),
        LogisticRegression(max_iter=2000, C=4.0),
    )
    model.fit(docs, ys)
    fit_s = time.perf_counter() - t0
    result: dict[str, Any] = {
        "train": {"leads": args.train_leads, "seed": args.seed, "fields": len(ys)},
        "fit_seconds": round(fit_s, 1),
        "corpora": {},
    }
    for name, (rel, role) in CORPORA.items():
        path = ROOT / rel
        if path.exists():
            res = evaluate(model, path)
            result["corpora"][name] = {"role": role, **res}
            print(
                f"{name} ({role}): rules {res['rules']:.2%}  classifier "
                f"{res['classifier']:.2%}  hybrid {res['hybrid']:.2%}",
                file=sys.stderr,
            )
    best = {
        name: max(("rules", "classifier", "hybrid"), key=lambda k: c[k])
        for name, c in result["corpora"].items()
    }
    result["best_per_corpus"] = best
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
