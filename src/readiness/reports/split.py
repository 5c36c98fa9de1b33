"""How training and evaluation rows were divided (and ordered in time), in words.

Pure: the split description (`TrainResult.split`, optionally with `time_order`
from import.json) in, one `Conclusion` in Japanese and English out; the
evaluation report states it on the page and in its JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import pandas as pd

from readiness.reports.html import Conclusion

__all__ = ["split_sentence", "time_order_sentence"]


def _day(value: Any) -> str | None:
    if value is None:
        return None
    stamp = pd.to_datetime(value, errors="coerce")
    if stamp is None or pd.isna(stamp):
        return None
    return str(stamp.date().isoformat())


def _span(start: str | None, end: str | None) -> tuple[str, str]:
    if start and end:
        return f"{start}〜{end}", f"{start} to {end}"
    if end:
        return f"〜{end}", f"until {end}"
    if start:
        return f"{start}〜", f"from {start}"
    return "", ""


_BY_TIME: Final = (None, "time", "reconstructed")


def time_order_sentence(time_order: Mapping[str, Any] | None) -> Conclusion | None:
    """How the hand-offs are ordered in time, from `import.json`'s `time_order`
    (`{"kind": "time" | "order" | "constant" | "reconstructed", "column", "note"}`).

    "order" and "constant" mean the split follows a sequence, not time: the
    report must say so, since its "periods" are then positions, not dates.
    None when there is nothing to say (no dict).
    """
    return _time_order_text(time_order, standalone=True)


def _time_order_text(
    time_order: Mapping[str, Any] | None, *, standalone: bool
) -> Conclusion | None:
    """`time_order_sentence`; inside the split sentence, which already says
    "order, not time", without that lead."""
    if not time_order:
        return None
    lead, lead_en = (
        ("時刻ではなく順序：", "Order, not time: ") if standalone else ("", "")
    )
    kind = time_order.get("kind")
    column = time_order.get("column")
    col = f"（列「{column}」）" if column else ""
    col_en = f" (column {column!r})" if column else ""
    if kind == "time":
        ja = f"トスアップは記録された時刻{col}の順に並べ、時刻で分割している。"
        en = f"Hand-offs are ordered and split by their recorded time{col_en}."
    elif kind == "order":
        ja = (
            f"{lead}トスアップは日付のない連番{col}の順に並べて分割している。"
            "期間の日付は実際の日付ではなく並び順を表す。"
        )
        en = (
            f"{lead_en}hand-offs are ordered and split by a sequence{col_en}, "
            "not by dates; the dates shown stand for positions in that order."
        )
    elif kind == "constant":
        ja = (
            f"{lead}時刻の列{col}が一つの値しかないため、"
            "エクスポートの行順で分割している。"
        )
        en = (
            f"{lead_en}the time column{col_en} holds a single value, so "
            "hand-offs are split in the export's row order."
        )
    elif kind == "reconstructed":
        ja = (
            f"時刻は記録されたものではなく、{col.strip('（）') or 'ほかの列'}から"
            "復元したおおよそのもので、分割はその順序に従う。"
        )
        en = (
            f"Times are approximate, reconstructed{col_en} rather than recorded; "
            "the split follows that order."
        )
    else:
        ja = f"時刻の順序：{kind}{col}。"
        en = f"Time order: {kind}{col_en}."
    en = en[:1].upper() + en[1:]
    note = time_order.get("note")
    if note:
        ja += f"（{note}）"
        en += f" ({note})"
    return Conclusion(ja, en)


def split_sentence(
    split: Mapping[str, Any], *, time_order: Mapping[str, Any] | None = None
) -> Conclusion:
    """The split in one sentence: how many trained on and evaluated, with spans.

    Reads the keys `readiness.model.train` writes (`train_toss_ups`, `test_toss_ups`,
    `train_wins`, `test_wins`, `train_until`, `test_from`) and the optional
    `train_from`, `test_until` and `time_order` (else the keyword); unknown keys
    are ignored. Dates are left out when the order is not time.
    """
    order = time_order if time_order is not None else split.get("time_order")
    kind = order.get("kind") if isinstance(order, Mapping) else None
    # every toss-up at one moment: `readiness.model.train` split by lead id instead
    one_moment = split.get("basis", "time") != "time"
    by_time = kind in _BY_TIME and not one_moment
    parts_ja: list[str] = []
    parts_en: list[str] = []
    for side, ja_word, en_word, start_key, end_key in (
        ("train", "学習", "trained on", "train_from", "train_until"),
        ("test", "評価", "evaluated on", "test_from", "test_until"),
    ):
        count = split.get(f"{side}_toss_ups")
        if count is None:
            continue
        wins = split.get(f"{side}_wins")
        won = f"、受注{int(wins):,}件" if wins is not None else ""
        won_en = f", {int(wins):,} won" if wins is not None else ""
        span, span_en = (
            _span(_day(split.get(start_key)), _day(split.get(end_key)))
            if by_time
            else ("", "")
        )
        inner = "、".join(x for x in (span, won.lstrip("、")) if x)
        inner_en = ", ".join(x for x in (span_en, won_en.lstrip(", ")) if x)
        parts_ja.append(
            f"{ja_word}{int(count):,}件" + (f"（{inner}）" if inner else "")
        )
        parts_en.append(
            f"{en_word} {int(count):,} hand-offs"
            + (f" ({inner_en})" if inner_en else "")
        )
    how = "時刻" if by_time else "時刻ではなく順序"
    how_en = "time" if by_time else "order, not time"
    ja = f"{how}で分割：" + ("、".join(parts_ja) or "件数の記録なし") + "。"
    en = f"Split by {how_en}: " + ("; ".join(parts_en) or "no counts recorded") + "."
    extra = (
        _time_order_text(order, standalone=False)
        if isinstance(order, Mapping)
        else None
    )
    if extra is not None:
        ja, en = f"{ja}{extra.ja}", f"{en} {extra.en}"
    if one_moment and kind != "constant":
        ja += (
            "すべてのトスアップが同じ時刻のため、リードIDの順で分割しており、"
            "時間的な検証ではない。"
        )
        en += (
            " Every hand-off has the same time, so the split follows lead ids and "
            "is not a test over time."
        )
    return Conclusion(ja, en)
