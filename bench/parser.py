"""Benchmark: the memo parser on memos it was not built beside, next to the simulator's.

Parses the frozen corpus of bench/memos/ (an independent generator, six writing
habits, every field labelled confirmed / partial / not_obtained / empty) and, as
the baseline in the same run, the memos of a fresh simulated world (the memos the
parser was built beside, labelled by the world's `memo_fields` truth). Reports
field-status accuracy overall, per habit and per field, the confusion matrix truth
x parser, the values read (company, contact, budget, meeting date), memos/s, the
exceptions raised, and the time of 1x, 4x, 16x concatenations of a memo (linear
parsing keeps seconds per character flat).

The parser has four statuses, as the labels: a field counts as right when its
status matches exactly (confirmed -> filled, partial -> vague, not_obtained ->
not_obtained, empty -> empty; the world's truth already speaks the parser's
words). The confusion matrix is 4 x 4. As a secondary figure, the old 3-status
view (`status_right_3`) counts partial and not_obtained as one "not filled"
status, as the parser did before it told them apart.

Targets (issue 15): >= 95 % of fields right on every habit, >= 99 % on the
template; no exception; 16x time per character <= 2x the 1x and 4x times.

    python bench/parser.py [--corpus PATH ...] [--world-leads 1000 --seed 7]
Last line: JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TRUTH4 = ("confirmed", "partial", "not_obtained", "empty")
PARSED4 = ("filled", "vague", "not_obtained", "empty")
# The corpus's labels in the parser's words (the world's truth is already in them).
RIGHT = {"confirmed": "filled", "partial": "vague"}
RIGHT.update({p: p for p in PARSED4})
# The old 3-status view: partial and not obtained are one "not filled" status.
_THREE = {"filled": "filled", "vague": "vague", "not_obtained": "vague"}
_THREE["empty"] = "empty"


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace(" ", "")


class Tally:
    """Field-status agreement of one memo source, by habit and field."""

    def __init__(self) -> None:
        self.right: Counter[tuple[str, str]] = Counter()  # (habit, field) -> right
        self.right3: Counter[tuple[str, str]] = Counter()  # right in 3 statuses
        self.total: Counter[tuple[str, str]] = Counter()
        self.confusion: Counter[tuple[str, str]] = Counter()  # (truth, parsed)
        self.by_habit: Counter[tuple[str, str, str]] = Counter()  # + habit first
        self.values: Counter[str] = Counter()
        self.values_total: Counter[str] = Counter()
        self.examples: dict[tuple[str, str], str] = {}

    def add(self, habit: str, key: str, truth: str, parsed: str, text: str) -> None:
        self.total[habit, key] += 1
        self.confusion[truth, parsed] += 1
        self.by_habit[habit, truth, parsed] += 1
        if _THREE[RIGHT[truth]] == _THREE[parsed]:
            self.right3[habit, key] += 1
        if RIGHT[truth] == parsed:
            self.right[habit, key] += 1
        else:
            self.examples.setdefault((truth, parsed), f"{key}: {text[:80]!r}")

    def value(self, name: str, ok: bool) -> None:
        self.values_total[name] += 1
        self.values[name] += ok

    def lenient(self) -> float:
        """Right when a partial field is read filled or vague (4 statuses)."""
        extra = self.confusion["partial", "filled"]
        total = sum(self.total.values())
        return round((sum(self.right.values()) + extra) / total, 4) if total else 0.0

    def share(
        self,
        keep: Callable[[str, str], bool] = lambda h, k: True,
        three: bool = False,
    ) -> float:
        hits = self.right3 if three else self.right
        right = sum(n for (h, k), n in hits.items() if keep(h, k))
        total = sum(n for (h, k), n in self.total.items() if keep(h, k))
        return round(right / total, 4) if total else float("nan")

    def by(self, part: int, three: bool = False) -> dict[str, float]:
        names = sorted({hk[part] for hk in self.total}, key=str)
        return {
            n: self.share(lambda h, k, n=n: (h, k)[part] == n, three) for n in names
        }

    def read_filled(self, truth: str) -> dict[str, float]:
        """Per habit, the share of `truth` fields the parser calls filled."""
        out = {}
        for habit in sorted({h for h, _ in self.total}):
            n = sum(self.by_habit[habit, truth, p] for p in PARSED4)
            if n:
                out[habit] = round(self.by_habit[habit, truth, "filled"] / n, 4)
        return out

    def matrix(self, truths: Iterable[str]) -> dict[str, dict[str, int]]:
        return {t: {p: self.confusion[t, p] for p in PARSED4} for t in truths}

    def worst(self, n: int = 6) -> list[dict[str, Any]]:
        wrong = [
            (c, t, p) for (t, p), c in self.confusion.items() if RIGHT[t] != p and c
        ]
        return [
            {"truth": t, "parsed": p, "n": c, "e.g.": self.examples.get((t, p), "")}
            for c, t, p in sorted(wrong, reverse=True)[:n]
        ]


def _parse_all(
    memos: list[tuple[str, date | None]],
) -> tuple[list[Any], float, int, int]:
    """Parse every memo once: results, seconds, exceptions raised, unreadable."""
    from readiness.memo.parse import parse_memo

    out: list[Any] = []
    raised = unreadable = 0
    t0 = time.perf_counter()
    for text, ref in memos:
        try:
            memo = parse_memo(text, reference_date=ref)
        except Exception:  # the contract is "never raises": count, keep going
            raised += 1
            memo = None
        if memo is not None and any("could not be read" in w for w in memo.warnings):
            unreadable += 1
        out.append(memo)
    return out, time.perf_counter() - t0, raised, unreadable


def corpus_run(path: Path) -> tuple[Tally, dict[str, Any], list[dict[str, Any]]]:
    from bench.memos.generator import read_corpus, reference

    rows = read_corpus(path)
    memos, seconds, raised, unreadable = _parse_all(
        [(r["text"], reference(r)) for r in rows]
    )
    tally = Tally()
    for row, memo in zip(rows, memos, strict=True):
        if memo is None:
            continue
        for key, truth in row["labels"].items():
            tally.add(row["habit"], key, truth, memo.status(key), memo.text(key))
        v = row["values"]
        if "company" in v:
            tally.value("company", _norm(v["company"]) in _norm(memo.text("company")))
        if "contact" in v:
            tally.value("contact", _norm(v["contact"]) in _norm(memo.text("contact")))
        if "budget_jpy" in v:
            tally.value("budget_jpy", memo.budget_amount_jpy == v["budget_jpy"])
        if "meeting_date" in v:
            got = memo.meeting_date.isoformat() if memo.meeting_date else None
            tally.value("meeting_date", got == v["meeting_date"])
    run = {
        "memos": len(rows),
        "fields": sum(tally.total.values()),
        "seconds": round(seconds, 3),
        "memos_per_s": round(len(rows) / seconds, 1),
        "exceptions": raised,
        "unreadable": unreadable,
    }
    return tally, run, rows


def world_run(leads: int, seed: int) -> tuple[Tally, dict[str, Any]]:
    import pandas as pd

    from readiness.simulate.config import WorldConfig
    from readiness.simulate.world import simulate_world

    world = simulate_world(WorldConfig(n_leads=leads, seed=seed))
    truth: dict[str, dict[str, str]] = defaultdict(dict)
    habit: dict[str, str] = {}
    rows = world.truth["memo_fields"][["lead_id", "field", "status", "habit"]]
    for lead_id, key, status, how in rows.itertuples(index=False):
        truth[lead_id][key] = status
        habit[lead_id] = how
    handoffs = world.tables["handoffs"][["lead_id", "tossed_up_at", "memo"]]
    ids = list(handoffs["lead_id"])
    memos, seconds, raised, unreadable = _parse_all(
        [
            (text, pd.Timestamp(when).date())
            for _, when, text in handoffs.itertuples(index=False)
        ]
    )
    tally = Tally()
    for lead_id, memo in zip(ids, memos, strict=True):
        if memo is None:
            continue
        for key, status in truth[lead_id].items():
            tally.add(habit[lead_id], key, status, memo.status(key), memo.text(key))
    run = {
        "leads": leads,
        "seed": seed,
        "memos": len(ids),
        "fields": sum(tally.total.values()),
        "seconds": round(seconds, 3),
        "memos_per_s": round(len(ids) / seconds, 1) if seconds else None,
        "exceptions": raised,
        "unreadable": unreadable,
    }
    return tally, run


def linearity(text: str, ref: date | None, repeat: int) -> dict[str, Any]:
    """Seconds per character of 1x, 4x, 16x the memo: flat when parsing is linear."""
    from readiness.memo.parse import parse_memo

    out: dict[str, Any] = {"chars_1x": len(text)}
    per_char: dict[int, float] = {}
    for times in (1, 4, 16):
        big = "\n\n".join([text] * times)
        best = float("inf")
        for _ in range(max(1, repeat // times)):
            t0 = time.perf_counter()
            parse_memo(big, reference_date=ref)
            best = min(best, time.perf_counter() - t0)
        per_char[times] = best / len(big)
        out[f"ms_{times}x"] = round(best * 1000, 2)
    out["per_char_ratio_16x_to_1x"] = round(per_char[16] / per_char[1], 2)
    out["per_char_ratio_16x_to_4x"] = round(per_char[16] / per_char[4], 2)
    return out


# The labelled corpora, in the order they were written. Each is an independent
# generator, by another hand, that shares nothing with readiness.simulate,
# readiness.memo or the other corpora. Each was measured blind first (the parser
# had never seen it: B 74.6 %, C 68.7 %, exact 4-status agreement) and tuned on
# afterwards, so their figures now are dev figures; the blind figure of the next
# corpus is the honest one. Add a corpus by another hand to measure again.
CORPORA: dict[str, tuple[str, str]] = {
    "A": ("bench/memos/corpus.jsonl", "dev: tuned on"),
    "B": (
        "bench/memos_heldout/corpus.jsonl",
        "dev: measured blind (74.6 %), then tuned on",
    ),
    "C": (
        "bench/memos_third/corpus.jsonl",
        "dev: measured blind (68.7 %), then tuned on",
    ),
}


def corpus_report(path: Path, repeat: int) -> dict[str, Any]:
    from bench.memos.generator import reference

    tally, run, rows = corpus_run(path)
    habits = tally.by(0)
    conf = tally.matrix(TRUTH4)
    n_no = sum(conf["not_obtained"].values()) or 1
    n_partial = sum(conf["partial"].values()) or 1
    print(f"{path}: {run['memos']} memos, {run['fields']} fields", file=sys.stderr)
    print(
        f"  status right {tally.share():.2%} (3-status view "
        f"{tally.share(three=True):.2%})",
        file=sys.stderr,
    )
    for name, share in habits.items():
        print(f"  {name:<12} {share:.2%}", file=sys.stderr)
    print(
        "  truth \\ parsed   " + "  ".join(f"{p[:7]:>7}" for p in PARSED4),
        file=sys.stderr,
    )
    for t in TRUTH4:
        cells = "  ".join(f"{conf[t][p]:>7}" for p in PARSED4)
        print(f"  {t:<15} {cells}", file=sys.stderr)
    for w in tally.worst():
        print(
            f"  {w['n']:>5} x {w['truth']} -> {w['parsed']}  {w['e.g.']}",
            file=sys.stderr,
        )
    longest = max(rows, key=lambda r: len(r["text"]))
    return {
        **run,
        "status_right": tally.share(),
        "status_right_partial_either": tally.lenient(),
        "status_right_3": tally.share(three=True),
        "per_habit": habits,
        "per_habit_3": tally.by(0, three=True),
        "per_field": tally.by(1),
        "confusion": conf,
        "not_obtained_read_filled": round(conf["not_obtained"]["filled"] / n_no, 4),
        "partial_read_filled": round(conf["partial"]["filled"] / n_partial, 4),
        "not_obtained_read_filled_per_habit": tally.read_filled("not_obtained"),
        "values_right": {
            k: round(tally.values[k] / n, 4) for k, n in tally.values_total.items()
        },
        "worst": tally.worst(),
        "linearity": linearity(longest["text"], reference(longest), repeat),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--corpus",
        type=Path,
        action="append",
        default=None,
        help="a labelled corpus (repeatable); default: every corpus of CORPORA present",
    )
    parser.add_argument("--world-leads", type=int, default=1000, help="0 to skip")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=32, help="linearity timing")
    args = parser.parse_args(argv)
    if str(ROOT) not in sys.path:  # `python bench/parser.py` from anywhere
        sys.path.insert(0, str(ROOT))
    if args.corpus:
        paths = {p.parent.name or str(p): p for p in args.corpus}
        roles = {name: "given" for name in paths}
    else:
        paths = {
            k: ROOT / rel for k, (rel, _) in CORPORA.items() if (ROOT / rel).exists()
        }
        roles = {k: CORPORA[k][1] for k in paths}
    corpora = {
        name: {
            "path": str(path),
            "role": roles[name],
            **corpus_report(path, args.repeat),
        }
        for name, path in paths.items()
    }
    result: dict[str, Any] = {"corpora": corpora}
    if args.world_leads > 0:
        wt, wrun = world_run(args.world_leads, args.seed)
        print(
            f"world (baseline): {wrun['memos']} memos, status right {wt.share():.2%}, "
            f"{wrun['memos_per_s']} memos/s, per habit {wt.by(0)}",
            file=sys.stderr,
        )
        result["world"] = {
            **wrun,
            "status_right": wt.share(),
            "status_right_3": wt.share(three=True),
            "per_habit": wt.by(0),
            "per_field": wt.by(1),
            "confusion": wt.matrix(PARSED4),
        }
    result["targets_met"] = {
        name: {
            "every_habit_ge_0.95": all(v >= 0.95 for v in c["per_habit"].values()),
            "template_ge_0.99": c["per_habit"].get("template", 1.0) >= 0.99,
            "no_exceptions": c["exceptions"] == 0,
            "linear": max(
                c["linearity"]["per_char_ratio_16x_to_1x"],
                c["linearity"]["per_char_ratio_16x_to_4x"],
            )
            <= 2.0,
        }
        for name, c in corpora.items()
    }
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
