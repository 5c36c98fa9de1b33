"""Typed values read from the text of one memo field: money, meetings, people,
competitors.

Each extractor takes the (NFKC-normalised) text of a field and returns a value or
None; none of them raises. Patterns are bounded and the text is capped, so a
pathological value costs linear time. Dates live in `memo.dates`; values about
the customer (size, touches, urgency, problem signals) in `memo.customer`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal

from readiness.memo.dates import clip
from readiness.memo.labels import has_marker

__all__ = [
    "MeetingFormat",
    "MoneyRange",
    "agreement_cues",
    "attendees",
    "budget_secured",
    "competitors",
    "decision_maker",
    "differences_asked",
    "meeting_format",
    "number",
    "parse_money",
]

MeetingFormat = Literal["visit", "online"]

_NUM: Final = r"\d{1,15}(?:,\d{3}){0,5}(?:\.\d{1,6})?"
_UNITS: Final[dict[str, float]] = {
    "億": 1e8,
    "千万": 1e7,
    "百万": 1e6,
    "万": 1e4,
    "千": 1e3,
}
# "1億5000万円", "300万円", "1.5億", "3,000,000円"
_MONEY: Final = re.compile(
    rf"({_NUM})\s*(億|千万|百万|万|千)?(?:\s*({_NUM})\s*(千万|百万|万|千))?\s*(円|yen|jpy)?",
    re.IGNORECASE,
)
_RANGE_LOW: Final = re.compile(
    rf"({_NUM})\s*(億|千万|百万|万)?(?:円)?\s*[〜~\-–—ー]\s*$"
)
# Counters that make "10万件" a volume, not money.
_COUNTER_AFTER: Final = re.compile(
    r"\s*(?:件|人|名|社|台|枚|時間|回|個|本|pv|ユーザ|通)"
)
_RANGE_SEP: Final = re.compile(r"\s*[〜~\-–—ー]\s*")
_MONTHLY_BEFORE: Final = re.compile(r"(?:月額|月々|毎月|月あたり)\s*(?:約)?\s*$")
_MONTHLY_AFTER: Final = re.compile(r"\s*(?:/\s*月|per month|a month|/month)", re.I)


def number(text: str) -> float:
    """A number written with thousands separators (e.g. 1,200.5)."""
    return float(text.replace(",", ""))


@dataclass(frozen=True, slots=True)
class MoneyRange:
    """An amount in yen; a range keeps its ends and uses the midpoint as the amount."""

    low: float
    high: float

    @property
    def amount(self) -> float:
        return (self.low + self.high) / 2


def _money_value(m: re.Match[str]) -> float | None:
    num1, unit1, num2, unit2, yen = m.groups()
    if not unit1 and not yen:
        return None
    value = number(num1) * _UNITS.get(unit1 or "", 1.0)
    if num2 and unit2:
        if not unit1 or _UNITS[unit2] >= _UNITS[unit1]:
            return None
        value += number(num2) * _UNITS[unit2]
    return value


def parse_money(text: str, *, bare_yen: bool = False) -> MoneyRange | None:
    """The first amount of money in a text: 300万円, 約1,000万円, 1.5億円, 300〜500万円.

    A monthly amount (月額30万円) is annualised. With `bare_yen`, a plain number of
    at least 10,000 counts as yen (a JSON budget of 3000000).
    """
    text = clip(text)
    for m in _MONEY.finditer(text):
        value = _money_value(m)
        if value is None:
            if bare_yen and m.group(1) and number(m.group(1)) >= 10_000:
                return MoneyRange(number(m.group(1)), number(m.group(1)))
            continue
        if not m.group(5) and _COUNTER_AFTER.match(text, m.end()):
            continue
        before = text[max(0, m.start() - 30) : m.start()]
        low = value
        sep = _RANGE_SEP.match(text, m.end())
        upper = _MONEY.match(text, sep.end()) if sep else None
        high = _money_value(upper) if upper else None
        r = _RANGE_LOW.search(before)
        if high is not None:  # 300万〜500万円: this amount is the low end
            value = high
        elif r:  # 300〜500万円: the low end has no unit of its own
            unit = r.group(2) or m.group(2) or ""
            low = number(r.group(1)) * _UNITS.get(unit, 1.0)
            before = before[: r.start()]
        if low > value:
            low, value = value, low
        monthly = _MONTHLY_BEFORE.search(before[-8:]) or _MONTHLY_AFTER.match(
            text, (upper or m).end() if high is not None else m.end()
        )
        factor = 12.0 if monthly else 1.0
        return MoneyRange(low * factor, value * factor)
    return None


_SECURED_FALSE: Final = re.compile(
    r"予算(?:は)?(?:なし|無し|ない|ありません|がない)|未確保|確保(?:できて|されて|して)?(?:い)?ない"
    r"|確保前|来期(?:に)?予算|予算化(?:予定|前|はこれから|待ち)|これから予算|予算申請(?:前|予定)"
    r"|予算枠(?:は)?(?:なし|無し|ない)|予算化(?:されて|して)(?:い)?ない|予算申請する"
    r"|no budget|not (?:yet )?secured|unbudgeted|next fiscal",
)
_SECURED_TRUE: Final = re.compile(
    r"確保済|確保して(?:いる|います)|確保されて(?:いる|います)|確保あり|確保できて(?:いる|います)"
    r"|予算(?:は)?(?:あり|有り|有|ある|確保)|予算化済|計上済|承認済|予算取り済|枠あり"
    r"|secured(?<!\wsecured)|approved|allocated|budget (?:is )?(?:set|available)",
)


def budget_secured(text: str) -> bool | None:
    """Budget secured? 確保済み/予算あり → True; 予算なし/未確保/来期予算化 → False."""
    text = clip(text).lower()
    neg = _SECURED_FALSE.search(text)
    pos = _SECURED_TRUE.search(text)
    if neg and pos:
        # Japanese puts the conclusion last: 「予算はあるが未確保」 is not secured.
        return pos.start() > neg.start()
    if neg:
        return False
    if pos:
        return True
    return None


# --- meeting format, attendees, agreement -----------------------------------------

# Patterns of plain lower-case words are matched on lower-cased text without
# IGNORECASE: the regex engine then skips positions where no word starts, which
# it does not do under IGNORECASE (a `\b` in front would prevent it too, hence
# the look-behinds after the word).
_VISIT: Final = re.compile(
    r"訪問|対面|来社|来訪|御社|貴社にて|現地|onsite|on-site|in person|in-person|visit"
)
_ONLINE: Final = re.compile(
    r"オンライン|web会議|ウェブ会議|web商談|zoom|teams|webex|google meet"
    r"|meet\b(?<!\wmeet)"
    r"|リモート|online|video|ビデオ"
)


# 「オンラインか訪問か調整中」 names both and decides neither.
_EITHER: Final = re.compile(r"\s*(?:か|or\b|/|・|もしくは|または)")


def meeting_format(text: str) -> MeetingFormat | None:
    """Visit or online, whichever the text names first; None when it is either."""
    text = clip(text).lower()
    v, o = _VISIT.search(text), _ONLINE.search(text)
    if v and o:
        first = v if v.start() <= o.start() else o
        if _EITHER.match(text, first.end()):
            return None
    if v and (not o or v.start() <= o.start()):
        return "visit"
    return "online" if o else None


_TITLE_WORDS: Final = (
    r"代表取締役社長|代表取締役|取締役会|取締役|執行役員|副社長|社長|専務|常務|会長|役員会|役員"
    r"|本部長|事業部長|部長|次長|室長|課長|係長|主任|所長|工場長|センター長|支店長|店長"
    r"|マネージャー|マネジャー|リーダー|担当者|担当|責任者|代表|店主|オーナー|経営会議|理事会"
    r"|[^成延冗助伸身]長"
    r"|ceo|cfo|cio|cto|coo|ciso|vp|manager|director|head|lead|officer|president|owner"
    r"|staff|board"
)
_TITLE_END: Final = re.compile(rf"(?:{_TITLE_WORDS})$", re.IGNORECASE)
_SPLIT_PEOPLE: Final = re.compile(r"[、,・/\n()\[\]「」『』;]|と|及び|および|&|\band\b")
_PEOPLE_NOISE: Final = re.compile(
    r"\d{1,9}\s*(?:名|人)|計(?=\s*\d)|ほか|他(?=\s*\d|$)|など|等|予定|参加|同席|出席|合計|先方"
    r"|顧客側|様|さん|氏|people|persons|attendees",
    re.IGNORECASE,
)
_COUNT: Final = re.compile(
    r"(\d{1,3})\s*(?:名|人|people|persons|attendees|participants)", re.I
)
_PARTICLES_END: Final = "のがはもでを \t\n:"


_TOPIC_PREFIX: Final = re.compile(r"^[^は:]{0,8}[は:]")
_WORD_CHAR: Final = re.compile(r"[一-龥ぁ-んァ-ヴA-Za-z]")


def _people(text: str) -> list[str]:
    """List items of a people text, cleaned of counts, honorifics and particles."""
    items = []
    for token in _SPLIT_PEOPLE.split(text):
        t = _PEOPLE_NOISE.sub("", token).rstrip(_PARTICLES_END).strip()
        t = _TOPIC_PREFIX.sub("", t).strip() if len(t) > 4 else t
        if _WORD_CHAR.search(t) and not has_marker(t.lower()):
            items.append(t)
    return items


# No title is longer than this: a title at the end of a word lies in its tail.
_TITLE_TAIL: Final = 12


def _is_title(item: str) -> bool:
    return _TITLE_END.search(item[-_TITLE_TAIL:]) is not None


def _titles_of(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t for t in items if len(t) <= 20 and _is_title(t)))


def _titles(text: str) -> tuple[str, ...]:
    return _titles_of(_people(text))


def attendees(text: str) -> tuple[int | None, tuple[str, ...]]:
    """Attendee count and titles: 3名（部長、課長、担当者）, 部長・課長の2名."""
    text = clip(text)
    items = _people(text)
    titles = _titles_of(items)
    counts = list(_COUNT.finditer(text))
    if not counts:
        # A short list of people counts its items: 「園長、主任保育士」 is two.
        if items and all(len(i) <= 20 for i in items):
            return len(items), titles
        return (len(titles) or None), titles
    first = counts[0]
    if len(counts) == 1 or text[first.end() : first.end() + 2].lstrip().startswith("("):
        return int(first.group(1)), titles
    return sum(int(c.group(1)) for c in counts), titles


_AGREED: Final = re.compile(
    r"合意|確定|承諾|了承|快諾|決定|確約|同意|約束|confirmed|agreed|accepted|booked|fixed"
)
_TENTATIVE: Final = re.compile(
    r"仮|候補|調整中|打診|未確定|未定|予定調整"
    r"|tentative|tbd|tbc|to be confirmed|pending"
)


def agreement_cues(text: str) -> tuple[bool, bool]:
    """(agreement words present, tentative words present) in the meeting text."""
    text = clip(text).lower()
    tentative = _TENTATIVE.search(text)
    agreed = _AGREED.search(text)
    # 未確定 contains 確定: an agreement word inside a tentative one does not count.
    if agreed and tentative and tentative.start() <= agreed.start() < tentative.end():
        agreed = _AGREED.search(text, tentative.end())
    return agreed is not None, tentative is not None


# --- competition ----------------------------------------------------------------

_NO_COMPETITOR: Final = re.compile(
    r"競合(?:は)?(?:なし|無し|ない|いない)|他社(?:比較|検討)?(?:は)?(?:なし|無し|していない)"
    r"|比較(?:対象)?(?:は)?(?:なし|無し|していない)|単独検討|1社のみ|弊社のみ|当社のみ"
    r"|競合(?:は)?特に(?:なし|無し|ない)|^\s*(?:なし|無し|特になし|none|no)\s*$"
    r"|no competitors?|not comparing",
    re.IGNORECASE,
)
_COMP_SPLIT: Final = re.compile(
    r"[、,・/\n。;]|\s+(?:vs\.?|and|or)\s+|と(?!比較)|や|及び|および"
)
_COMP_PAREN: Final = re.compile(r"\([^()]{0,60}\)")
_COMP_TAIL: Final = re.compile(
    r"(?:を|と|が|も|は|で)?(?:比較検討|比較|検討|併用|評価|相見積|導入済|利用中|見積)"
    r".*$|(?:など|等|の\d{1,9}社|\d{1,9}社)$"
)
_COMP_HEAD: Final = re.compile(
    r"^(?:現在|現状|主に|他に|また|ほか|競合(?:は|として)?|他社(?:は)?)"
)
_COMP_STOP: Final = frozenset(
    {
        "他社",
        "競合",
        "競合他社",
        "複数社",
        "数社",
        "大手",
        "大手ベンダー",
        "他サービス",
        "なし",
        "無し",
        "特になし",
        "不明",
        "社名不明",
        "社名未確認",
        "excel",
        "saas",
        "crm",
        "sfa",
        "erp",
        "csv",
        "pdf",
        "api",
        "ui",
        "ux",
        "web",
        "it",
        "ai",
        "ocr",
        "none",
        "no",
        "tbd",
    }
)
_LATIN_NAME: Final = re.compile(
    r"[A-Za-z][A-Za-z0-9.+&\-]{2,30}(?: [A-Z][A-Za-z0-9]{1,20})?"
)


_HIRAGANA: Final = re.compile(r"[ぁ-ん]")


def _looks_like_name(token: str) -> bool:
    """Names are not sentences: few hiragana and no leading particle."""
    if re.fullmatch(r"[\d\s]+", token) or token[0] in "のをにがはでともへや":
        return False
    return len(_HIRAGANA.findall(token)) <= 0.4 * len(token)


_COMP_SENTENCE: Final = re.compile(r"[。\n]")
# Sentences about differences, impressions or concerns name no competitor, even
# when they mention one (「WorkHubと何が違うのか」との質問あり).
_REMARK: Final = re.compile(
    r"違い|違う|差分|差異|質問|懸念|印象|不安|気にされ|気にして|評価|好評|関心|重視"
    r"|反応|前向き|経緯|differen|concern|impression",
    re.IGNORECASE,
)


def competitors(text: str) -> tuple[tuple[str, ...], bool]:
    """Named competitors, and whether the text confirms there are none.

    Short list items are names; in long sentences only Latin-script product names
    are taken. Parenthesised remarks and sentences about differences or concerns
    are dropped.
    """
    text = clip(text)
    names: list[str] = []
    listing = "\n".join(
        s
        for s in _COMP_SENTENCE.split(_COMP_PAREN.sub("", text))
        if not _REMARK.search(s)
    )
    for token in _COMP_SPLIT.split(listing):
        t = _COMP_TAIL.sub("", _COMP_HEAD.sub("", token.strip())).strip(
            " 「」『』\"'*-"
        )
        if not t or t.lower() in _COMP_STOP or "なし" in t or has_marker(t.lower()):
            continue
        if len(t) <= 25:
            if _looks_like_name(t):
                names.append(t)
        else:
            names += [n for n in _LATIN_NAME.findall(t) if n.lower() not in _COMP_STOP]
    names = list(dict.fromkeys(names))
    none = not names and _NO_COMPETITOR.search(text) is not None
    return tuple(names), none


_DIFFERENCES: Final = re.compile(
    r"違い|差別化|差異|差分|比較ポイント|比較表|比較資料|優位性|優位点|強み|と比べ|と比較して"
    r"|何が違|differen|versus|compared (?:to|with)|vs\b(?<!\wvs)"
)


def differences_asked(text: str) -> bool:
    """Whether the customer asked how we differ from the competitors."""
    return _DIFFERENCES.search(clip(text).lower()) is not None


# --- the decision maker ------------------------------------------------------------

_DM_BEFORE: Final = re.compile(
    r"([^、,。()\s:]{1,20}?)(?:が|の)?(?:最終)?(?:決裁|承認|決定|判断|即決)"
    r"|([A-Za-z][A-Za-z .]{0,30}?)\s+(?:approves|decides|signs off|makes the)",
    re.IGNORECASE,
)
_DM_AFTER: Final = re.compile(
    r"(?:最終)?(?:決裁者|決裁権者|決定権者|決裁|承認者)\s*(?:は|:|=|が)?\s*([^、,。()\s]{1,20})"
    r"|(?:decision maker|approved by|approver)\s*:?\s*([A-Za-z][A-Za-z .]{0,30})",
    re.IGNORECASE,
)
# Hiragana (particles, verb endings) and arrows separate the people in a chain.
_DM_SPLIT: Final = re.compile(r"[ぁ-ん]+|[→⇒>]")


def _dm_candidate(raw: str, *, last: bool) -> str | None:
    parts = [p.strip() for p in _DM_SPLIT.split(_PEOPLE_NOISE.sub("", raw))]
    parts = [p for p in parts if p]
    if not parts:
        return None
    cand = parts[-1] if last else parts[0]
    if _is_title(cand) and not has_marker(cand.lower()):
        return cand
    return None


def decision_maker(text: str) -> str | None:
    """Who decides, as written: 山田社長, 情報システム部長, 取締役会, CFO.

    「部長起案→社長決裁」 gives the last person before 決裁;
    「決裁者は加藤部長とのこと」 the first after the label; else the first title.
    """
    text = clip(text)
    for m in _DM_BEFORE.finditer(text):
        cand = _dm_candidate(m.group(1) or m.group(2), last=True)
        if cand:
            return cand
    for m in _DM_AFTER.finditer(text):
        cand = _dm_candidate(m.group(1) or m.group(2), last=False)
        if cand:
            return cand
    titles = _titles(text)
    return titles[0] if titles else None
