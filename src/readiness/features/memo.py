"""Memo features of a toss-up: field statuses, extracted values and the rubric score.

A memo is read as of its point's day (dates without a year, "来週" and the like
resolve against it), and each distinct (memo, day) pair is parsed and scored once:
parsing dominates the cost of building features, and timing advice asks for the
same memo on many days only when it has none.
"""

from __future__ import annotations

import math
import multiprocessing
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, timedelta
from typing import Final

import numpy as np

from readiness.features.memo_cache import active_cache, memo_key, reader_version
from readiness.fields import ELEMENT_KEYS, FIELD_KEYS, element, field
from readiness.memo.parse import Memo, parse_memo
from readiness.rubric.config import Rubric, default_rubric
from readiness.rubric.score import RubricResult, score_memo

__all__ = [
    "MEMO_FORMATS",
    "memo_columns",
    "memo_features",
    "memo_info",
    "memo_workers",
]

MEMO_FORMATS: Final = ("template", "json", "freeform", "empty")
# Ordinal status features: not obtained (only a "not known" marker) sits between
# empty and vague (= partial), so the other codes keep their values.
_STATUS: Final = {"empty": 0.0, "not_obtained": 0.5, "vague": 1.0, "filled": 2.0}
_URGENCY: Final = {"low": 0.0, "mid": 1.0, "high": 2.0}
_EPOCH: Final = date(1970, 1, 1)
_PROGRESS_EVERY: Final = 1000
# Memos to read before other processes are worth starting (~1 s each to import).
_PARALLEL_MIN: Final = 4000
_WORKERS: ContextVar[int] = ContextVar("readiness_memo_workers", default=1)

# name → (ja, en); the memo's extracted values, in output order.
_VALUES: Final[dict[str, tuple[str, str]]] = {
    "memo_log_budget_jpy": ("予算額（円, log10）", "budget amount (JPY, log10)"),
    "memo_budget_secured": (
        "予算確保済み（1 確保・0 未確保）",
        "budget secured (1 yes, 0 no)",
    ),
    "memo_meeting_has_date": ("商談日が記載されている", "meeting date stated"),
    "memo_meeting_agreed": ("商談日程に合意済み", "meeting date agreed"),
    "memo_days_to_meeting": ("商談日までの日数", "days until the agreed meeting"),
    "memo_meeting_visit": ("商談形式が訪問", "meeting in person"),
    "memo_meeting_online": ("商談形式がオンライン", "meeting online"),
    "memo_attendee_count": ("顧客側参加者数", "number of customer attendees"),
    "memo_n_competitors": ("比較検討中の競合数", "competitors under comparison"),
    "memo_no_competitor": ("競合なしと確認済み", "no competitor (confirmed)"),
    "memo_differences_asked": (
        "競合との違いについて質問あり",
        "customer asked about differences to competitors",
    ),
    "memo_urgency": (
        "緊急度（0 低・1 中・2 高）",
        "urgency (0 low, 1 medium, 2 high)",
    ),
    "memo_days_to_timeline": (
        "検討・導入予定日までの日数",
        "days until the stated evaluation / start date",
    ),
    "memo_start_in_months": ("導入開始までの月数", "months until the desired start"),
    "memo_decision_maker_named": ("決裁者が記載されている", "decision maker named"),
    "memo_problem_numbers": ("課題の数値表現の数", "numbers with units in the problem"),
    "memo_problem_systems": (
        "課題に出てくるシステム・業務名の数",
        "systems or processes named in the problem",
    ),
    "memo_problem_causes": ("課題の原因表現の数", "causes stated in the problem"),
    "memo_problem_scale": ("課題の規模表現の数", "scale cues in the problem"),
    "memo_problem_desired": (
        "解決後の期待状態の表現の数",
        "desired-state cues in the problem",
    ),
    "memo_problem_chars": ("課題の記述の文字数", "characters describing the problem"),
    "memo_touch_count": ("メモ記載の接点回数", "number of touches stated in the memo"),
    "memo_length": ("メモの文字数", "memo length (characters)"),
    "memo_n_warnings": ("メモ読み取り時の警告数", "parser warnings on the memo"),
}
_RUBRIC: Final[dict[str, tuple[str, str]]] = {
    "rubric_total": (
        "引き継ぎ品質スコア（100点満点）",
        "hand-off quality score (of 100)",
    ),
    "rubric_bant_confirmed": ("確認済みBANT要素の数", "BANT elements confirmed"),
    "rubric_needs_signals": (
        "課題の具体性の種類数（数値・システム・規模・原因）",
        "kinds of concreteness in the needs (numbers, systems, scale, cause)",
    ),
    "rubric_gate_passed": ("トスアップ基準を満たす", "passes the toss-up gate"),
}
_OTHER: Final[dict[str, tuple[str, str]]] = {
    "memo_format": ("メモの形式", "memo format (template, JSON, free text, none)"),
    "memo_text": ("引き継ぎメモの本文", "hand-off memo text"),
}


def memo_columns(item_names: Mapping[str, str]) -> list[str]:
    """The numeric memo and rubric columns; `item_names` maps rubric items to names."""
    return [
        *(f"memo_{k}_status" for k in FIELD_KEYS),
        *(f"element_{k}_status" for k in ELEMENT_KEYS),
        *_VALUES,
        "rubric_total",
        *(f"rubric_{name}_points" for name in item_names.values()),
        "rubric_bant_confirmed",
        "rubric_needs_signals",
        "rubric_gate_passed",
    ]


def memo_info(name: str) -> tuple[str, str, str] | None:
    """(group, ja, en) of a memo or rubric column name, or None."""
    if name in _VALUES or name in _OTHER:
        return ("memo", *(_VALUES | _OTHER)[name])
    if name in _RUBRIC:
        return ("rubric", *_RUBRIC[name])
    scale_ja = "（0 空欄・0.5 未取得・1 曖昧・2 記入）"
    scale_en = " (0 empty, 0.5 not obtained, 1 vague/partial, 2 filled)"
    key = name.removeprefix("memo_").removesuffix("_status")
    if name.startswith("memo_") and name.endswith("_status") and key in FIELD_KEYS:
        f = field(key)
        return (
            "memo",
            f"メモ項目「{f.ja}」の記入状況{scale_ja}",
            f"memo: {f.en}{scale_en}",
        )
    key = name.removeprefix("element_").removesuffix("_status")
    if name.startswith("element_") and key in ELEMENT_KEYS:
        e = element(key)
        return (
            "memo",
            f"「{e.ja}」の把握状況{scale_ja}",
            f"{e.en} in the memo{scale_en}",
        )
    if name.startswith("rubric_") and name.endswith("_points"):
        item = name.removeprefix("rubric_").removesuffix("_points")
        rubric = default_rubric()
        ja, en = rubric.label(item) if item in rubric.items else (item, item)
        return "rubric", f"スコア項目「{ja}」の得点", f"score points: {en}"
    return None


def _num(value: float | None) -> float:
    return math.nan if value is None else float(value)


def _days(to: date | None, ref: date) -> float:
    return math.nan if to is None else float((to - ref).days)


def _row(memo: Memo, result: RubricResult, ref: date, length: int) -> list[float]:
    s = memo.problem_signals
    budget = memo.budget_amount_jpy
    secured = memo.budget_secured
    return [
        *(_STATUS[memo.status(k)] for k in FIELD_KEYS),
        *(_STATUS[result.element_status[k]] for k in ELEMENT_KEYS),
        math.log10(1 + budget) if budget is not None and budget >= 0 else math.nan,
        math.nan if secured is None else float(secured),
        float(memo.meeting_has_date),
        float(memo.meeting_agreed),
        _days(memo.meeting_date, ref),
        float(memo.meeting_format == "visit"),
        float(memo.meeting_format == "online"),
        _num(memo.attendee_count),
        float(len(memo.competitor_names)),
        float(memo.no_competitor),
        float(memo.differences_asked),
        math.nan if memo.urgency is None else _URGENCY[memo.urgency],
        _days(memo.timeline_date, ref),
        _num(memo.start_in_months),
        float(bool(memo.decision_maker)),
        float(s.numbers),
        float(s.systems),
        float(s.causes),
        float(s.scale),
        float(s.desired),
        float(s.chars),
        _num(memo.touch_count),
        float(length),
        float(len(memo.warnings)),
        result.total,
        *(item.points for item in result.items),
        float(result.bant_confirmed),
        float(result.needs_signals),
        float(result.gate_passed),
    ]


def memo_features(
    memos: Sequence[object],
    days: np.ndarray,
    *,
    rubric: Rubric | None,
    item_names: Mapping[str, str],
    progress: Callable[[int], object] | None = None,
) -> tuple[dict[str, np.ndarray], np.ndarray, list[str]]:
    """Memo columns, memo format codes (into MEMO_FORMATS) and NFKC memo texts.

    `days` are the points' days (datetime64[D]); a memo that is not a string, or
    only blanks, is no memo yet and gives the features of an empty memo.
    """
    rubric = rubric or default_rubric()
    day_numbers = np.asarray(days, dtype="datetime64[D]").astype(np.int64)
    slot: dict[tuple[str, int], int] = {}
    keys: list[tuple[str, int]] = []  # the distinct (text, day) in order of slot
    inverse = np.empty(len(memos), dtype=np.int64)
    raw_texts: list[str] = []
    for i, (raw, day) in enumerate(zip(memos, day_numbers.tolist(), strict=True)):
        text = raw if isinstance(raw, str) and raw.strip() else ""
        raw_texts.append(text)
        key = (text, day if text else 0)  # no memo reads the same on any day
        if key not in slot:
            slot[key] = len(keys)
            keys.append(key)
        inverse[i] = slot[key]
    # A memo never changes once written: its reading is kept (features.memo_cache).
    cache = active_cache()
    version = reader_version(rubric)
    hashed = [memo_key(text, day) for text, day in keys]
    known = cache.get_many(version, hashed)
    normalised = {
        keys[j][0]: got[2] for j, h in enumerate(hashed) if (got := known.get(h))
    }
    columns = memo_columns(item_names)
    table = np.empty((len(keys), len(columns)), dtype=np.float32)
    formats = np.empty(len(keys), dtype=np.int64)
    new: dict[str, tuple[int, np.ndarray, str]] = {}
    todo = [j for j, h in enumerate(hashed) if h not in known]
    if len(todo) >= _PARALLEL_MIN and _WORKERS.get() > 1:
        read = _read_in_processes([keys[j] for j in todo], rubric, _WORKERS.get())
        new = {hashed[j]: got for j, got in zip(todo, read, strict=True)}
        normalised |= {keys[j][0]: got[2] for j, got in zip(todo, read, strict=True)}
    done = 0
    for j, ((text, day), h) in enumerate(zip(keys, hashed, strict=True)):
        got = known.get(h) or new.get(h)
        if got is None:
            if text not in normalised:
                normalised[text] = unicodedata.normalize("NFKC", text)
            got = _read(text, day, rubric, normalised[text])
            new[h] = got
        formats[j], table[j] = got[0], got[1]
        if progress is not None and (j + 1) % _PROGRESS_EVERY == 0:
            progress(j + 1 - done)
            done = j + 1
    cache.put_many(version, new)
    if progress is not None and done < len(memos):
        # progress counts the points' memos: the rest of them, read or repeated
        progress(len(memos) - done)
    texts = [normalised[text] for text in raw_texts]
    rows = table[inverse]  # one gather, then a column view each
    values = {c: rows[:, j] for j, c in enumerate(columns)}
    return values, formats[inverse], texts


def _read(
    text: str, day: int, rubric: Rubric, nfkc: str | None = None
) -> tuple[int, np.ndarray, str]:
    """(format code, feature row, NFKC text) of one memo read as of `day`."""
    nfkc = unicodedata.normalize("NFKC", text) if nfkc is None else nfkc
    ref = _EPOCH + timedelta(days=day)
    memo = parse_memo(text or None, reference_date=ref)
    result = score_memo(memo, rubric=rubric)
    row = _row(memo, result, ref, len(nfkc.strip()))
    return MEMO_FORMATS.index(memo.format), np.asarray(row, np.float32), nfkc


def _read_chunk(
    pairs: Sequence[tuple[str, int]], rubric: Rubric
) -> list[tuple[int, np.ndarray, str]]:
    return [_read(text, day, rubric) for text, day in pairs]


def _read_in_processes(
    pairs: Sequence[tuple[str, int]], rubric: Rubric, workers: int
) -> list[tuple[int, np.ndarray, str]]:
    """The readings of many memos over `workers` processes, in order.

    Parsing is pure Python, so threads would wait on each other; "forkserver"
    starts clean processes (forking a process that runs LightGBM's threads can
    deadlock), each importing only the parser.
    """
    size = math.ceil(len(pairs) / (workers * 4))
    chunks = [pairs[i : i + size] for i in range(0, len(pairs), size)]
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        parts = pool.map(_read_chunk, chunks, [rubric] * len(chunks))
        return [got for part in parts for got in part]


@contextmanager
def memo_workers(workers: int) -> Iterator[int]:
    """Read at least `_PARALLEL_MIN` uncached memos with `workers` processes, for
    the block (a command's setting; scoring one lead never needs it)."""
    token = _WORKERS.set(max(int(workers), 1))
    try:
        yield _WORKERS.get()
    finally:
        _WORKERS.reset(token)
