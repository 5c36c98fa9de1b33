"""Dates and times in memo text: meeting day and hour, first contact, start timeline.

IS reps write dates every way (2026/11/3, 11月3日(火), 来週水曜 15:00, Nov 3) and
mostly without a year. A date without a year is resolved against a reference date
(the toss-up day): a meeting or a start date is the next such day on or after it, a
first contact the last such day on or before it. Nothing here raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Final

__all__ = [
    "MAX_VALUE_CHARS",
    "DateHit",
    "clip",
    "combine",
    "find_date",
    "find_time",
    "meeting_datetime",
    "past_date",
    "timeline",
]

# Values are capped so that a pathological field costs bounded time.
MAX_VALUE_CHARS: Final = 4000
# A reference outside these years is a data error; it is ignored, not trusted.
_PLAUSIBLE: Final = (date(1900, 1, 1), date(2200, 12, 31))


def _plausible(ref: date | None) -> date | None:
    return ref if ref is not None and _PLAUSIBLE[0] <= ref <= _PLAUSIBLE[1] else None


def clip(text: str) -> str:
    return text[:MAX_VALUE_CHARS]


# --- dates and times -----------------------------------------------------------

_FULL_DATE: Final = re.compile(
    r"(?<!\d)(\d{4})\s*[/\-.年]\s*(\d{1,2})\s*[/\-.月]\s*(\d{1,2})(?!\d)\s*日?"
)
_MONTH_DAY: Final = re.compile(
    r"(?<![\d/.\-])(\d{1,2})\s*(?:/|月)\s*(\d{1,2})(?![\d/])\s*日?"
)
_MONTHS_EN: Final = (
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
)  # fmt: skip
_EN_DATE: Final = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]{0,6}\.?\s+(\d{1,2})"
    r"(?:st|nd|rd|th)?(?:,?\s*(\d{4}))?",
    re.IGNORECASE,
)
_WEEKDAYS: Final = "月火水木金土日"
_WEEKDAYS_EN: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_RELATIVE: Final = re.compile(
    r"(再来週|来週|今週)\s*(?:の)?\s*([月火水木金土日])曜"
    r"|(明後日|あさって|明日|本日|今日)"
    r"|(?<![(（])([月火水木金土日])曜日?"
    r"|\b(?:(next)\s+)?(mon|tue|wed|thu|fri|sat|sun)[a-z]{0,6}\b"
    r"|\b(tomorrow|today)\b",
    re.IGNORECASE,
)
_TIME_COLON: Final = re.compile(
    r"(?<![\d/])(\d{1,2})\s*:\s*(\d{2})(?!\d)(?:\s*(am|pm))?", re.I
)
_TIME_JA: Final = re.compile(
    r"(午前|午後|am|pm)?\s*(\d{1,2})\s*時\s*(?:(\d{1,2})\s*分|(半))?", re.I
)
_TIME_EN: Final = re.compile(r"(?<![\d:])(\d{1,2})\s*(am|pm)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class DateHit:
    """A date expression: resolved to a date when the year can be known."""

    value: date | None
    start: int
    end: int
    explicit_year: bool


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _resolve(m: int, d: int, ref: date | None, *, future: bool) -> date | None:
    if ref is None:
        return None
    for year in (
        (ref.year, ref.year + 1, ref.year + 2)
        if future
        else (ref.year, ref.year - 1, ref.year - 2)
    ):
        candidate = _safe_date(year, m, d)
        if candidate is None:
            continue
        if (future and candidate >= ref) or (not future and candidate <= ref):
            return candidate
    return None


def _week_day(ref: date, weeks: int, weekday: int) -> date:
    monday = ref - timedelta(days=ref.weekday())
    return monday + timedelta(weeks=weeks, days=weekday)


def _next_weekday(ref: date, weekday: int) -> date:
    ahead = (weekday - ref.weekday()) % 7 or 7
    return ref + timedelta(days=ahead)


def find_date(text: str, ref: date | None, *, future: bool = True) -> DateHit | None:
    """The first date in a text: 2026/11/3, 2026-11-03, 11月3日(火), 来週水曜, Nov 3.

    A found expression whose year cannot be known (no reference date) is still a
    hit with `value=None`, so the caller knows a date was given.
    """
    text, ref = clip(text), _plausible(ref)
    m = _FULL_DATE.search(text)
    if m:
        y, mo, d = (int(g) for g in m.groups())
        return DateHit(_safe_date(y, mo, d), m.start(), m.end(), True)
    m = _MONTH_DAY.search(text)
    if m:
        mo, d = int(m.group(1)), int(m.group(2))
        if 1 <= mo <= 12 and 1 <= d <= 31:
            return DateHit(
                _resolve(mo, d, ref, future=future), m.start(), m.end(), False
            )
    m = _EN_DATE.search(text)
    if m:
        mo = _MONTHS_EN.index(m.group(1).lower()) + 1
        d = int(m.group(2))
        if m.group(3):
            return DateHit(_safe_date(int(m.group(3)), mo, d), m.start(), m.end(), True)
        return DateHit(_resolve(mo, d, ref, future=future), m.start(), m.end(), False)
    m = _RELATIVE.search(text)
    if m:
        return DateHit(_relative(m, ref), m.start(), m.end(), False)
    return None


def _relative(m: re.Match[str], ref: date | None) -> date | None:
    if ref is None:
        return None
    week, wd, day_word, bare_wd, next_en, wd_en, day_en = m.groups()
    if week:
        weeks = {"今週": 0, "来週": 1, "再来週": 2}[week]
        return _week_day(ref, weeks, _WEEKDAYS.index(wd))
    if day_word or day_en:
        word = (day_word or day_en).lower()
        offset = {"本日": 0, "今日": 0, "today": 0, "明日": 1, "tomorrow": 1}.get(
            word, 2
        )
        return ref + timedelta(days=offset)
    if bare_wd:
        return _next_weekday(ref, _WEEKDAYS.index(bare_wd))
    weekday = _WEEKDAYS_EN.index(wd_en.lower()[:3])
    if next_en:
        return _week_day(ref, 1, weekday)
    return _next_weekday(ref, weekday)


def _hour(h: int, meridiem: str | None) -> int:
    mer = (meridiem or "").lower()
    if mer in ("午後", "pm") and h < 12:
        return h + 12
    if mer in ("午前", "am") and h == 12:
        return 0
    # Business meetings: "3時" without 午前/午後 means 15:00.
    if not mer and 1 <= h <= 7:
        return h + 12
    return h


def find_time(text: str) -> time | None:
    """The first clock time in a text: 14:00, 14時, 午後3時半, 3pm."""
    text = clip(text)
    hits: list[tuple[int, time]] = []
    # Each pattern is only tried when its mark (:, 時, am/pm) is in the text.
    for m in _TIME_COLON.finditer(text) if ":" in text else ():
        h, mi = int(m.group(1)), int(m.group(2))
        h = _hour(h, m.group(3))
        if h <= 23 and mi <= 59:
            hits.append((m.start(), time(h, mi)))
            break
    for m in _TIME_JA.finditer(text) if "時" in text else ():
        h = _hour(int(m.group(2)), m.group(1))
        mi = 30 if m.group(4) else int(m.group(3) or 0)
        if h <= 23 and mi <= 59:
            hits.append((m.start(), time(h, mi)))
            break
    for m in _TIME_EN.finditer(text) if "m" in text or "M" in text else ():
        h = _hour(int(m.group(1)), m.group(2))
        if h <= 23:
            hits.append((m.start(), time(h, 0)))
            break
    return min(hits)[1] if hits else None


def past_date(text: str, ref: date | None) -> date | None:
    """A past date (first contact): the last such day on or before `ref`."""
    hit = find_date(text, ref, future=False)
    return hit.value if hit else None


def meeting_datetime(text: str, ref: date | None) -> tuple[DateHit | None, time | None]:
    """The meeting's date hit and its clock time (searched after the date first)."""
    hit = find_date(text, ref)
    if hit is None:
        return None, find_time(text)
    return hit, find_time(text[hit.end :]) or find_time(text[: hit.start])


def combine(day: date | None, clock: time | None) -> datetime | None:
    return datetime.combine(day, clock) if day and clock else None


def _fy_end(ref: date) -> date:
    """Japanese fiscal years end on 31 March."""
    return date(ref.year if ref.month <= 3 else ref.year + 1, 3, 31)


_TL_FULL: Final = re.compile(
    r"(?<!\d)(\d{4})\s*[年/\-.]\s*(\d{1,2})(?:\s*[/\-.月]\s*(\d{1,2}))?"
)
_TL_FISCAL: Final = re.compile(r"(\d{4})\s*年度\s*(上期|上半期|下期|下半期)?")
_TL_SEASON: Final = re.compile(r"(\d{4})\s*年\s*(春|夏|秋|冬)")
_SEASON_MONTH: Final = {"春": 4, "夏": 7, "秋": 10, "冬": 12}
_TL_EN_MONTH: Final = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]{0,6}\.?\s+(\d{4})", re.I
)
_TL_NEXT_YEAR_MONTH: Final = re.compile(r"(来年|翌年)(?:度)?\s*の?\s*(\d{1,2})\s*月")
_TL_MONTH: Final = re.compile(r"(?<![\d/年])(\d{1,2})\s*月(?!\s*\d)")
_TL_MONTHS: Final = re.compile(
    r"(\d{1,2}(?:\.\d)?)\s*(?:ヶ|か|カ|ケ|ヵ|箇)\s*月|(\d{1,2})\s*months?"
    r"|(\d{1,2})\s*年(?:以内|後|程度|くらい|ぐらい)|半年",
    re.I,
)
_TL_WORDS: Final[tuple[tuple[re.Pattern[str], str], ...]] = (
    (re.compile(r"再来月"), "m2"),
    (re.compile(r"来月"), "m1"),
    (re.compile(r"今月"), "m0"),
    (re.compile(r"年内|今年中|by (?:the )?end of (?:the )?year"), "dec"),
    (re.compile(r"今期|年度内|今年度|年度末|this fiscal"), "fy"),
    (re.compile(r"来期|来年度|next fiscal"), "next_fy"),
    (re.compile(r"来春"), "next_april"),
    (re.compile(r"asap|すぐ|早急|至急|即時|できるだけ早"), "m0"),
)


_TL_ANY_WORD: Final = re.compile("|".join(p.pattern for p, _ in _TL_WORDS))
_DIGIT: Final = re.compile(r"\d")


def _months_between(ref: date, day: date) -> float:
    return round(max((day - ref).days, 0) / 30.44, 1)


def timeline(text: str, ref: date | None) -> tuple[date | None, float | None]:
    """When the customer wants to start: a date (first of month) and months from `ref`.

    Of several expressions ("検討は今月中、導入は2027年4月") the latest counts, since
    the Timeline element is about the start. Without `ref` only explicit years give
    a date and only durations (3ヶ月以内) give months.
    """
    text, ref = clip(text), _plausible(ref)
    hits: list[tuple[float | None, date | None]] = []
    digits = _DIGIT.search(text) is not None  # without any, only words can match
    if digits:
        dated: list[date | None] = [
            _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
            for m in _TL_FULL.finditer(text)
        ]
        dated += [
            _safe_date(
                int(m.group(1)), 10 if m.group(2) and "下" in m.group(2) else 4, 1
            )
            for m in _TL_FISCAL.finditer(text)
        ]
        dated += [
            _safe_date(int(m.group(1)), _SEASON_MONTH[m.group(2)], 1)
            for m in _TL_SEASON.finditer(text)
        ]
        dated += [
            _safe_date(int(m.group(2)), _MONTHS_EN.index(m.group(1).lower()) + 1, 1)
            for m in _TL_EN_MONTH.finditer(text)
        ]
        for d in dated:
            if d:
                hits.append((_months_between(ref, d) if ref else None, d))
    if ref:
        if digits:
            for m in _TL_NEXT_YEAR_MONTH.finditer(text):
                d = _safe_date(ref.year + 1, int(m.group(2)), 1)
                if d:
                    hits.append((_months_between(ref, d), d))
            if not hits:
                for m in _TL_MONTH.finditer(text):
                    mo = int(m.group(1))
                    if 1 <= mo <= 12:
                        y = ref.year if mo >= ref.month else ref.year + 1
                        d = date(y, mo, 1)
                        hits.append((_months_between(ref, d), d))
        if _TL_ANY_WORD.search(text):
            for pattern, kind in _TL_WORDS:
                if pattern.search(text):
                    d = _word_date(kind, ref)
                    hits.append((_months_between(ref, d), d))
    if digits:
        for m in _TL_MONTHS.finditer(text):
            if m.group(1) or m.group(2):
                months = float(m.group(1) or m.group(2))
            elif m.group(3):
                months = 12.0 * int(m.group(3))
            else:
                months = 6.0
            hits.append((months, None))
    elif "半年" in text:
        hits.append((6.0, None))
    if not hits:
        return None, None
    known = [(m, d) for m, d in hits if m is not None]
    if known:
        latest = max(known, key=lambda h: h[0])
        return latest[1], latest[0]
    days = [d for _, d in hits if d is not None]
    return (max(days) if days else None), None


def _word_date(kind: str, ref: date) -> date:
    if kind.startswith("m") and kind[1:].isdigit():
        month0 = ref.month - 1 + int(kind[1:])
        return date(ref.year + month0 // 12, month0 % 12 + 1, 1)
    if kind == "dec":
        return date(ref.year, 12, 1)
    fy_end = _fy_end(ref)
    if kind == "fy":
        return date(fy_end.year, 3, 1)
    return date(fy_end.year, 4, 1)
