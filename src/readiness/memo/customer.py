"""Values about the customer read from one memo field: company size, touches,
urgency, and how concretely the problem is stated.

Like `readiness.memo.values`, each extractor takes a field's (NFKC-normalised)
text and returns a value or None, never raising, in linear time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal

from readiness.memo.dates import clip
from readiness.memo.labels import first_char_gate
from readiness.memo.values import number, parse_money

__all__ = [
    "ProblemSignals",
    "Urgency",
    "employees",
    "problem_signals",
    "revenue_millions",
    "states_cause",
    "states_desire",
    "touch_count",
    "urgency",
]


Urgency = Literal["high", "mid", "low"]
_URGENCY_PATTERNS: Final[tuple[tuple[re.Pattern[str], Urgency], ...]] = (
    (
        re.compile(
            r"急ぎではない|急いでいない|急がない|緊急性?は?低|優先度は?低|低い|低め|様子見|情報収集"
            r"|いずれ|将来的|not urgent|no rush|\blow\b",
            re.I,
        ),
        "low",
    ),
    (
        re.compile(
            r"緊急(?!度|性)|急ぎ|至急|早急|喫緊|最優先|優先度は?高|緊急度は?高|高い|高め|今期中|すぐ|直ちに"
            r"|asap|urgent|\bhigh\b|top priority|critical",
            re.I,
        ),
        "high",
    ),
    (
        re.compile(
            r"中程度|優先度は?中|緊急度は?中|普通|通常|\bmedium\b|\bmid\b|moderate",
            re.I,
        ),
        "mid",
    ),
    (
        re.compile(r"(?:^|[:：\s(])(高|中|低)(?:$|[\s)、。,/(])"),
        "high",  # resolved from the captured character below
    ),
)
_LEVEL_CHAR: Final[dict[str, Urgency]] = {"高": "high", "中": "mid", "低": "low"}
_LEVEL: Final = r"(高め|高い|高|中程度|中くらい|中|低め|低い|低|high|medium|mid|low)"


# An explicit level (緊急度は中, 優先度High, 高（…）) outranks the words of the
# reason that follows or precedes it (「今期中に…。緊急度は中」 is mid, not high).
_URGENCY_EXPLICIT: Final = re.compile(
    rf"(?:緊急度|優先度|緊急性|優先順位|urgency|priority)\s*(?:は|:|=)?\s*{_LEVEL}"
    r"(?![a-z])",
    re.IGNORECASE,
)
_URGENCY_LEADING: Final = re.compile(
    rf"\A\s*{_LEVEL}(?![a-z一-龥ぁ-んァ-ヴ])", re.IGNORECASE
)
_LEVEL_WORD: Final[dict[str, Urgency]] = {
    "高め": "high",
    "高い": "high",
    "高": "high",
    "high": "high",
    "中程度": "mid",
    "中くらい": "mid",
    "中": "mid",
    "medium": "mid",
    "mid": "mid",
    "低め": "low",
    "低い": "low",
    "低": "low",
    "low": "low",
}


def urgency(text: str) -> Urgency | None:
    """The urgency the need field states.

    An explicit level wins (緊急度は中, 優先度High, a value starting with 高/中/低);
    otherwise the earliest (then longest) cue word (至急, 急ぎではない, 様子見 …).
    """
    text = clip(text)
    m = _URGENCY_EXPLICIT.search(text) or _URGENCY_LEADING.match(text)
    if m is not None:
        return _LEVEL_WORD[m.group(1).lower()]
    best: tuple[int, int, Urgency] | None = None
    for pattern, level in _URGENCY_PATTERNS:
        m = pattern.search(text)
        if m is None:
            continue
        if m.lastindex:
            level = _LEVEL_CHAR[m.group(1)]
        key = (m.start(), -(m.end() - m.start()), level)
        if best is None or key[:2] < best[:2]:
            best = key
    return best[2] if best else None


_TOUCHES: Final = re.compile(r"(\d{1,4})\s*(?:回|度|times?|touches)", re.IGNORECASE)


def touch_count(text: str) -> int | None:
    """How many touches: 5回, 3 touches, or a bare number."""
    text = clip(text).strip()
    m = _TOUCHES.search(text)
    if m:
        return int(m.group(1))
    return int(text) if re.fullmatch(r"\d{1,4}", text) else None


_EMPLOYEES: Final = re.compile(
    r"(?:従業員|社員|職員|スタッフ)(?:数)?\s*(?:は|:)?\s*(?:約|およそ)?\s*"
    r"(\d[\d,]{0,9}(?:\.\d{1,6})?)\s*(万|千)?\s*(?:名|人)?"
    r"|(?:約|およそ)?(\d[\d,]{0,9}(?:\.\d{1,6})?)\s*(万|千)?\s*(?:名|人)"
    r"|(\d[\d,]{0,9})\s*(?:employees|staff|people)",
    re.IGNORECASE,
)


def employees(text: str) -> int | None:
    """Headcount: 従業員300名, 約1,200人, 1.2万人, 500 employees."""
    m = _EMPLOYEES.search(clip(text))
    if not m:
        return None
    num = m.group(1) or m.group(3) or m.group(5)
    unit = m.group(2) or m.group(4)
    value = number(num) * {"万": 1e4, "千": 1e3}.get(unit or "", 1.0)
    return round(value)


_REVENUE_LABEL: Final = re.compile(
    r"売上高?|年商|売上規模|revenue|sales", re.IGNORECASE
)


def revenue_millions(text: str) -> float | None:
    """Annual revenue in millions of yen (百万円): 売上50億円 → 5000."""
    text = clip(text)
    label = _REVENUE_LABEL.search(text)
    money = parse_money(text[label.end() :] if label else text)
    if money is None or (label is None and money.amount < 1e7):
        return None
    return round(money.amount / 1e6, 3)


# The signal patterns are matched on lower-cased text without IGNORECASE, and
# gated by the first characters their words can start with: the regex engine
# then skips most positions at once (the systems pattern runs ~8x faster).
_NUMBER_UNIT: Final = re.compile(
    r"\d[\d,.]{0,12}\s*(?:%|割|倍|時間|分|日|週間|ヶ月|か月|カ月|年|件|名|人|社|拠点|店舗|円|万|億"
    r"|回|枚|台|種類|部署|工数|人月|人日|h\b|hours?|days?|people|staff|sites?|times|yen)"
)
_SCALE: Final = re.compile(
    r"(?=[\d月日週年毎全])(?:\d[\d,.]{0,12}\s*(?:万|千)?\s*(?:名|人|拠点|店舗|工場|支店|部署|社"
    r"|件|枚|時間|人月|人日|employees|people|sites|hours)(?:\s*/\s*(?:月|日|週|年))?"
    r"|(?:月|日|週|年)(?:間|に)?\s*\d[\d,.]{0,12}\s*(?:件|枚|時間|回)"
    r"|毎月|毎日|全社|全国|全拠点|全部署|全店)"
)


# Product names count as whole Latin words (「access」, not 「accessible」).
_SYSTEM_NAMES: Final = (
    "excel",
    "エクセル",
    "スプレッドシート",
    "google sheets",
    "kintone",
    "salesforce",
    "hubspot",
    "sap",
    "oracle",
    "erp",
    "crm",
    "sfa",
    "access",
    "notes",
    "sharepoint",
    "box",
    "slack",
    "teams",
    "chatwork",
    "freee",
    "マネーフォワード",
    "楽楽精算",
    "弥生",
    "勘定奉行",
    "obic",
    "sansan",
    "smarthr",
    "rpa",
    "ocr",
)
_PROCESS_WORDS: Final = (
    "基幹システム",
    "会計システム",
    "販売管理",
    "生産管理",
    "在庫管理",
    "勤怠管理",
    "給与計算",
    "経費精算",
    "請求書",
    "見積書",
    "発注書",
    "受発注",
    "稟議",
    "ワークフロー",
    "承認フロー",
    "月次決算",
    "締め処理",
    "紙",
    "fax",
    "手作業",
    "手入力",
    "二重入力",
    "転記",
    "電子帳簿保存法",
    "インボイス",
    "日報",
    "顧客台帳",
    "案件管理",
    "営業管理",
    "メール",
)
_SYSTEMS: Final = re.compile(
    first_char_gate((*_SYSTEM_NAMES, *_PROCESS_WORDS))
    + r"(?:(?<![a-z])(?:"
    + "|".join(map(re.escape, _SYSTEM_NAMES))
    + r")(?![a-z])|"
    + "|".join(map(re.escape, _PROCESS_WORDS))
    + ")"
)
_CAUSES: Final = re.compile(
    r"ため|原因|により|によって|に起因|が背景|背景に|のせいで|ので"
    r"|because|due to|caused by"
)
_DESIRED: Final = re.compile(
    r"たい|目指|実現|理想|削減|短縮|半減|自動化|一元化|可視化|ペーパーレス|ゼロに|目標"
    r"|want|reduce|cut|automate"
)


def states_cause(text: str) -> bool:
    """Whether a text says why (「…のため」): `problem_signals().causes > 0`."""
    return _CAUSES.search(clip(text).lower()) is not None


def states_desire(text: str) -> bool:
    """Whether a text names a goal (「…したい」): `problem_signals().desired > 0`."""
    return _DESIRED.search(clip(text).lower()) is not None


@dataclass(frozen=True, slots=True)
class ProblemSignals:
    """Measurable concreteness of the problem text (counts of matches)."""

    numbers: int = 0
    systems: int = 0
    causes: int = 0
    scale: int = 0
    desired: int = 0
    chars: int = 0
    system_names: tuple[str, ...] = ()


def problem_signals(text: str) -> ProblemSignals:
    """Count numbers with units, named systems/processes, causes, scale and goals."""
    text = clip(text)
    low = text.lower()
    systems = tuple(dict.fromkeys(_SYSTEMS.findall(low)))
    return ProblemSignals(
        numbers=len(_NUMBER_UNIT.findall(low)),
        systems=len(systems),
        causes=len(_CAUSES.findall(low)),
        scale=len(_SCALE.findall(low)),
        desired=len(_DESIRED.findall(low)),
        chars=len(text),
        system_names=systems,
    )
