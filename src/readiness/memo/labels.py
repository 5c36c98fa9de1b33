"""The words a hand-off memo is read by: headings, labels, "not known" markers, cues.

`readiness.fields` names the template's sections and fields; real memos drift from
it (short labels, English, other headings), so this module holds every spelling the
parser accepts for them, and the cue words that route unlabelled free text to a
field. Everything here is matched on text that is already NFKC-normalised.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Final

from readiness.fields import FIELDS, SECTIONS

__all__ = [
    "DATE_CUE",
    "FIELD_CUES",
    "IN_SECTION_CUES",
    "LABEL_WORDS",
    "LEAD_TOPIC",
    "SECTION_MAIN",
    "STRICT_TOPICS",
    "TOPIC_CUES",
    "TOPIC_WORDS",
    "field_for_label",
    "first_char_gate",
    "has_marker",
    "hedge_spans",
    "hedges_whole_value",
    "is_marker_only",
    "marker_spans",
    "nfkc",
    "norm_key",
    "refine_key",
    "says_nothing",
    "section_for_heading",
]

_KEY_DROP: Final = re.compile(r"[\s・/_\-‐‑–—.,、:;'\"`*#=|]+")
_PAREN: Final = re.compile(r"[(\[<「『【〈《]([^)\]>」』】〉》]{0,40})[)\]>」』】〉》]")


# Runs of characters whose NFKC form does not depend on their neighbours: the
# ideographic space, full-width ASCII, Roman numerals, circled numbers, ㈱ and ㌔.
_COMPAT_RUN: Final = re.compile(
    "[\u3000\uff01-\uff5e\u2160-\u217f\u2460-\u24ff\u3200-\u33ff]+"
)


def _nfkc_run(m: re.Match[str]) -> str:
    return unicodedata.normalize("NFKC", m.group())


# The full-width characters nearly every Japanese memo has, folded by str.replace.
_COMMON_WIDE: Final = (
    ("（", "("),
    ("）", ")"),
    ("：", ":"),
    ("／", "/"),
    ("\u3000", " "),
)


def nfkc(text: str) -> str:
    """`unicodedata.normalize("NFKC", text)`, about ten times faster on memos.

    Full NFKC costs ~65 µs on a 600-character Japanese memo; most memos only need
    their full-width characters (（）：１２３) folded, so the common ones are
    replaced, the remaining runs normalised alone, and the result is checked,
    falling back to full NFKC when it is not normalised (half-width katakana,
    combining marks). The result is identical to full NFKC.
    """
    if unicodedata.is_normalized("NFKC", text):
        return text
    for wide, narrow in _COMMON_WIDE:
        if wide in text:
            text = text.replace(wide, narrow)
    if unicodedata.is_normalized("NFKC", text):
        return text
    folded = _COMPAT_RUN.sub(_nfkc_run, text)
    if unicodedata.is_normalized("NFKC", folded):
        return folded
    return unicodedata.normalize("NFKC", folded)


def first_char_gate(words: Iterable[str]) -> str:
    """A lookahead `(?=[…])` of the characters the words start with.

    Put before an alternation of many words, it lets a search skip every position
    where no word can start with one character test instead of trying each word:
    the regex module does that by itself only for plain alternations of literals.
    Words are matched case-sensitively (on lower-cased text).
    """
    return "(?=[" + "".join(sorted({re.escape(w[0]) for w in words if w})) + "])"


def norm_key(text: str) -> str:
    """Fold a label or heading to a lookup key: case, width, spaces and separators."""
    return _KEY_DROP.sub("", nfkc(text).lower())


def _w(words: str) -> tuple[str, ...]:
    """A word list written as one `|`-separated string, to keep the tables short."""
    return tuple(words.split("|"))


def _keys(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(norm_key(w) for w in words if norm_key(w)))


# --- sections --------------------------------------------------------------------

_SECTION_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "basics": _w(
        "基本情報|顧客情報|企業情報|会社情報|お客様情報|顧客概要|企業概要"
        "|basic info|basic information|basics|customer info|customer information"
        "|customer profile|company info|company information|account"
    ),
    "history": _w(
        "接触履歴|対応履歴|接点|経緯|これまでの経緯|これまでの接点|経緯・接点"
        "|history|contact history"
        "|touch history|touchpoints|interactions"
    ),
    "needs": _w(
        "課題ニーズ|ニーズ課題|課題|ニーズ|課題要望|課題と要望|課題・要望|要望"
        "|needs|problem"
        "|problems|problem and needs|problems and needs|pain points|challenges"
    ),
    "bant": _w("bant|bant情報|bant info|bant条件|bant確認状況|qualification"),
    "competition": _w(
        "競合|競合状況|競合情報|検討状況|比較検討|比較検討状況|競合・比較"
        "|competition|competitors|competitive situation|competitor info"
    ),
    "meeting": _w(
        "商談設定|商談情報|商談内容|商談|次回アクション|次回商談|ネクストアクション"
        "|アポ情報|アポイント|アポ内容|次のアクション|商談予定|next action"
        "|next actions|next steps|next meeting"
        "|meeting|meeting setup|appointment"
    ),
    "notes": _w(
        "特記事項|注意点|備考|その他|補足|留意点|notes|remarks|special notes|other"
        "|others|comments|misc"
    ),
}

_SECTION_BY_KEY: Final[dict[str, str]] = {}
for _s in SECTIONS:
    for _k in _keys((_s.ja, _s.en, _s.key, *_SECTION_WORDS.get(_s.key, ()))):
        _SECTION_BY_KEY.setdefault(_k, _s.key)

_SECTION_KEYWORDS: Final[tuple[tuple[str, str], ...]] = tuple(
    (norm_key(pair.split("=")[0]), pair.split("=")[1])
    for pair in _w(
        "基本情報=basics|顧客情報=basics|企業情報=basics|会社概要=basics"
        "|接点=history|履歴=history|経緯=history|課題=needs|ニーズ=needs"
        "|要望=needs|bant=bant|競合=competition|比較=competition|他社=competition"
        "|検討状況=competition|商談=meeting"
        "|アポ=meeting|次回=meeting|アクション=meeting|特記=notes|備考=notes"
        "|注意=notes|補足=notes|customer=basics|basic=basics|history=history"
        "|need=needs|problem=needs|competi=competition|meeting=meeting"
        "|action=meeting|note=notes|remark=notes"
    )
)

_HEADING_MARK: Final = re.compile(r"\s*(?:[【\[<《〈■◆□◇▼#]|\*\*)")
_SENTENCE_LIKE: Final = re.compile(r"[0-9はがをにで、。]")

# Decoration around a heading: 【…】 ■… [..] <…> ## … **…** 1. … and trailing colons.
_HEADING_STRIP: Final = re.compile(
    r"^[\s#*■□◆◇▼▽●○★☆◎=\-【\[<《〈]*(?:\(?\d{1,2}[.)]\s*)?"
    r"|[\s*】\]>》〉=\-:]*$"
)


@lru_cache(maxsize=8192)
def section_for_heading(line: str) -> str | None:
    """The section a heading-like line names, or None when it names none.

    A decorated heading (【…】, ■…) may also name its section by a keyword
    (「BANT確認」, 「競合・比較の状況」); a bare line must match a section name.
    """
    if len(line) > 80:
        return None
    core = _HEADING_STRIP.sub("", line)
    if not core or len(core) > 40:
        return None
    key = norm_key(core)
    base = norm_key(_PAREN.sub("", core))
    section = _SECTION_BY_KEY.get(key) or _SECTION_BY_KEY.get(base)
    if (
        section is None
        and _HEADING_MARK.match(line)
        and len(base) <= 15
        and not _SENTENCE_LIKE.search(core)
    ):
        section = next((s for w, s in _SECTION_KEYWORDS if w in base), None)
        if (
            section is None
        ):  # 「■予算・決裁・時期」, 「■お困りごと」: named by its fields
            parts = [p for p in re.split(r"[・/、,&]", core) if p.strip()]
            # only labels of one field each (「内容」 or 「概要」 name several)
            keys = [
                field_for_label(p, None)
                if len(_FIELD_CANDIDATES.get(norm_key(p), ("", ""))) <= 1
                else None
                for p in parts
            ]
            sections = {_SECTION_OF_FIELD[k] for k in keys if k}
            if len(sections) == 1 and all(keys):
                section = sections.pop()
    return section


# --- field labels ----------------------------------------------------------------

# Spellings per field besides fields.py's own labels and keys. A spelling listed
# under two fields is ambiguous; the field of the current section wins.
_FIELD_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "company": _w(
        "企業名|会社名|社名|顧客名|顧客企業|お客様名|法人名|企業|会社|業種|業界"
        "|事業内容|company name|customer|account name|organization|industry"
        "|account|client|kaisha|kigyou|kigyo|shamei|お客様|顧客|取引先|得意先|顧客企業名"
    ),
    "contact": _w(
        "担当者名|担当者|ご担当者|担当|氏名|役職|部署|所属|キーマン|contact"
        "|contact name|contact person|name|title|role|position|department|肩書"
        "|pic|person in charge|tantou|tanto|tantousha|先方担当|窓口|先方窓口|ご担当"
    ),
    "contact_info": _w(
        "連絡先|電話|電話番号|tel|メール|メールアドレス|email|mail|phone"
        "|contact details|contact info"
    ),
    "company_size": _w(
        "企業規模|規模|従業員数|従業員|社員数|売上|売上高|年商|資本金|size"
        "|employees|headcount|revenue|annual revenue|company size|scale|規模感|kibo"
        "|emp|rev|emp/rev|従業員/売上"
    ),
    "first_contact": _w(
        "初回接点|初回接触日|初回接点日|初回コンタクト|初回問い合わせ日|初回日"
        "|first contact|first touch|1st touch|1st contact|初回|初回接点|shokai"
    ),
    "touch_count": _w(
        "接点回数|接触回数|架電回数|コール回数|回数|接点数|接触数|コール数|架電数"
        "|touches|touch count|# of touches|no of touches|touch|kaisuu|kaisu"
        "|activity count|activities|# of activities|no of activities|活動回数"
        "|number of touches"
    ),
    "touch_summary": _w(
        "主な接点内容|接点内容|接点概要|対応履歴|経緯|概要|内容|流入経路"
        "|リードソース|summary|touch summary|main touches|lead source|source|history"
        "|接点|接点の概要|これまでの経緯|keii"
    ),
    "problem": _w(
        "課題|顧客課題|現状の課題|抱える課題|問題|悩み|困りごと|ニーズ|needs"
        "|problem|problems|pain|pain points|challenge|challenges|issue|issues"
        "|お困りごと|困っていること|kadai|mondai"
    ),
    "cause": _w(
        "背景|原因|背景原因|発生背景|要因|課題の背景|cause|background|root cause|why"
        "|haikei|genin"
    ),
    "desired_state": _w(
        "期待する状態|理想の状態|理想|目指す姿|ありたい姿|あるべき像|理想像|ゴール"
        "|期待効果|期待|要望"
        "|導入後のイメージ|導入後|解決後|desired state|goal|goals|desired outcome"
        "|expected outcome|to be|to-be|あるべき姿|risou"
    ),
    "budget": _w("予算|予算感|金額|費用|budget|b|bgt|yosan|予算規模"),
    "authority": _w(
        "決裁者|決裁|決裁プロセス|決裁者プロセス|決裁権|決裁権者|決裁ルート"
        "|意思決定者|承認プロセス|稟議|authority|decision maker|decision process"
        "|approval|a|auth|dm|decision|kessai|kessaisha|決裁フロー|決裁ライン"
    ),
    "need": _w(
        "緊急度|優先度|緊急度優先度|必要性|緊急性|ニーズ緊急度|ニーズ|need|needs"
        "|urgency|priority|n|kinkyudo|kinkyuudo|yuusendo|優先順位"
    ),
    "timeline": _w(
        "導入時期|スケジュール|時期|検討スケジュール|導入スケジュール|導入予定"
        "|導入希望時期|稼働時期|timeline|timeframe|schedule|go live|t|tl|when to start"
        "|jiki|dounyu|導入目途|導入目処"
    ),
    "competitors": _w(
        "競合|競合他社|競合製品|競合サービス|比較対象|比較検討|他社|検討状況"
        "|competitors|competitor|competition|alternatives|comp|comps|比較検討先"
        "|比較先|kyougou|kyogo|kyougo"
    ),
    "impression": _w(
        "印象|懸念点|懸念|自社への印象|評価|反応|不安|impression|concerns|concern"
        "|objections|reaction|当社の印象|自社の印象|insho|inshou"
    ),
    "meeting_datetime": _w(
        "日時|商談日|日程|訪問日時|訪問日|アポ日時|次回日時|実施日|予定日"
        "|meeting date|date|datetime|date and time|when|next|next meeting|meeting"
        "|apo|appointment|mtg|アポ|次回|次回アポ|商談日時|nichiji|商談"
    ),
    "meeting_format": _w(
        "形式|商談形式|実施形式|方法|形態|場所|訪問/オンライン|オンライン/訪問"
        "|訪問|オンライン|format|meeting format|mode|location|venue|keishiki"
        "|実施方法|商談方法|面談形式"
    ),
    "attendees": _w(
        "参加者|先方参加者|出席者|同席者|参加予定者|顧客参加者|attendees"
        "|participants|customer attendees|members|先方参加|先方出席者|出席予定"
        "|sankasha|attendee"
    ),
    "expected_content": _w(
        "期待される内容|商談内容|内容|目的|商談目的|アジェンダ|説明希望"
        "|聞きたいこと|確認事項|期待|期待内容|商談の目的|先方の期待|expected content"
        "|agenda|purpose|topics"
        "|expectations|ask|asks|先方要望|mokuteki|要望"
    ),
    "notes": _w(
        "特記事項|注意点|備考|補足|その他|メモ|留意点|notes|note|remarks|comments"
        "|other|memo|nb|n.b.|bikou|biko|misc"
    ),
}

_SECTION_OF_FIELD: Final[dict[str, str]] = {f.key: f.section for f in FIELDS}
_FIELD_CANDIDATES: Final[dict[str, tuple[str, ...]]] = {}
for _f in FIELDS:
    for _k in _keys((_f.ja, _f.en, _f.key, *_FIELD_WORDS.get(_f.key, ()))):
        _FIELD_CANDIDATES[_k] = (*_FIELD_CANDIDATES.get(_k, ()), _f.key)

# One-letter BANT labels ("B: 300万円") only inside a BANT section or none.
_BANT_LETTERS: Final = frozenset({"b", "a", "n", "t"})

# Last resort for long or unusual labels: the first keyword the label contains.
# More specific words come first (接点回数 before 接点).
_LABEL_KEYWORDS: Final[tuple[tuple[str, tuple[str, ...]], ...]] = tuple(
    (norm_key(word), tuple(fields.split(",")))
    for word, fields in (
        pair.split("=")
        for pair in _w(
            "予算=budget|決裁=authority|稟議=authority|緊急=need|優先=need"
            "|導入後=desired_state|目的=expected_content|導入=timeline|スケジュール=timeline|時期=timeline|競合=competitors"
            "|懸念=impression|印象=impression|参加=attendees|出席=attendees"
            "|日時=meeting_datetime|形式=meeting_format|回数=touch_count"
            "|初回=first_contact|接点=touch_summary|原因=cause|背景=cause|課題=problem"
            "|期待=desired_state,expected_content|従業員=company_size|規模=company_size"
            "|売上=company_size|連絡=contact_info|電話=contact_info|メール=contact_info"
            "|担当=contact|役職=contact|企業=company|会社=company|備考=notes|特記=notes"
            "|budget=budget|authority=authority|decision=authority|urgen=need"
            "|priorit=need|timeline=timeline|schedule=timeline|competi=competitors"
            "|concern=impression|impression=impression|attendee=attendees"
            "|participant=attendees|date=meeting_datetime|format=meeting_format"
            "|cause=cause|problem=problem|employee=company_size|revenue=company_size"
            "|phone=contact_info|mail=contact_info|company=company|contact=contact"
            "|note=notes"
        )
    )
)


# A "touch" value that is a count (「3回」, 「計4回/架電3・Web面談1」) is the count,
# whatever its label (「接点:3回」).
_COUNT_VALUE: Final = re.compile(
    r"\s*(?:計|合計|約|全)?\s*(?:\d{1,3}\s*回|数回|何度か|何回か)"
    r"(?:くらい|ぐらい|程度|ほど|前後)?(?:\s*(?:[/(]|$).{0,40})?",
    re.DOTALL,
)


def refine_key(key: str, value: str) -> str:
    """The field a labelled value belongs to when its value says otherwise."""
    if key == "touch_summary" and _COUNT_VALUE.fullmatch(nfkc(value)):
        return "touch_count"
    return key


def _choose(candidates: tuple[str, ...], section: str | None) -> str:
    for key in candidates:
        if _SECTION_OF_FIELD[key] == section:
            return key
    return candidates[0]


@lru_cache(maxsize=8192)
def field_for_label(
    label: str, section: str | None, near: str | None = None
) -> str | None:
    """The field a label names, preferring the current section's field when ambiguous.

    Without a section, `near` (the section of the label before) decides instead: in
    a memo of bare keys 「期待:」 after the meeting's keys is the expected content.

    Tried in order: the whole label, the label without its parenthesis, the
    parenthesis alone ("予算(Budget)"), each part of a "A・B" label, and finally a
    keyword the label contains (short labels only, so that a sentence with a colon
    is not mistaken for a label).
    """
    if not label or len(label) > 40:
        return None
    key = norm_key(label)
    if not key:
        return None
    if key in _BANT_LETTERS:
        # Outside any section a memo of short keys ("B: 300万", "T: 7月") uses them.
        return _FIELD_CANDIDATES[key][0] if section in ("bant", None) else None
    if key in _FIELD_CANDIDATES:
        return _choose(_FIELD_CANDIDATES[key], section or near)
    inner = _PAREN.findall(label)
    base = norm_key(_PAREN.sub("", label))
    tries = [base, *(norm_key(i) for i in inner)]
    tries += [norm_key(p) for p in re.split(r"[・/、,&]", _PAREN.sub("", label))]
    for t in tries:
        if t and t not in _BANT_LETTERS and t in _FIELD_CANDIDATES:
            return _choose(_FIELD_CANDIDATES[t], section or near)
    # A "label" with digits or particles is a sentence that happens to hold a colon.
    if len(base) <= 16 and not _SENTENCE_LIKE.search(label):
        for word, candidates in _LABEL_KEYWORDS:
            if word in base:
                return _choose(candidates, section or near)
    return None


# Label words per field, removed when judging whether a value says more than
# "(label) unknown": 「予算は未定」 is vague, 「山田部長が決裁、稟議は確認中」 is not.
LABEL_WORDS: Final[dict[str, tuple[str, ...]]] = {
    f.key: tuple(
        sorted(
            {
                w
                for w in (*_FIELD_WORDS.get(f.key, ()),)
                if len(w) >= 2 and not w.isascii()
            },
            key=len,
            reverse=True,
        )
    )
    for f in FIELDS
}


# Nouns that name what a "not known" sentence is about, beside the label words
# (「担当者のお名前・役職は未確認です」): see parse._topic_only.
TOPIC_WORDS: Final[tuple[str, ...]] = _w(
    "お名前|名前|氏名|役職|詳細|具体的な|具体|内容|当社|弊社|自社|先方|導入後"
    "|イメージ|特記事項|形式|参加者|連絡先|日時|日程|緊急度|優先度|背景|原因"
    "|課題|予算|決裁者|決裁|競合|印象|懸念|時期|スケジュール|規模|これまで"
    "|経緯|接点|回数|メール|電話|番号|商談|次回|理想|ゴール"
)


# --- "not known" markers -----------------------------------------------------------

_MARKER_WORDS: Final[tuple[str, ...]] = _w(
    "未確認|不明|確認中|検討中|調整中|未定|未確定|不確定|未把握|未聴取|未ヒアリング"
    "|未回答|回答待ち|要確認|要ヒアリング|後日確認|次回確認|追って確認|別途確認"
    "|確認予定|ヒアリング予定|ヒアリング中|聞けていない|聞けず|聞けなかった"
    "|確認できていない|確認できず|確認出来ていない|わからない|分からない|わからず"
    "|分からず|これから|保留|未記入|未入力|詳細不明|不詳|情報なし|おそらく|次第"
    "|ありそう|らしい|模様|と思われ|かもしれ|返信待ち|打診中|依頼中|照会中|問い合わせ中"
    "|たぶん|多分|tbd|tbc|n/a|unknown|not sure|not yet|pending|to be confirmed"
    "|to be determined|unconfirmed|undecided|not confirmed|not known|not asked"
    "|not heard|didn't ask|did not ask|not discussed|not checked|no info"
    "|to be checked|to confirm|ask next time|check next time|missed|unclear"
    "|not disclosed|no idea|don't know|do not know|nothing concrete|not yet known|?"
)
# General forms of "not obtained": 未〇〇 (not 未満, 未来), 〜待ち, could not hear /
# confirm / know, no record, missed, a later hearing (次回・後日・別途〜確認).
_MARKER_FORMS: Final = (
    r"未(?![満来然])",
    r"待ち(?!時間|合わせ)",
    r"聞けて(?:いませ?ん|いな[いく]|おらず|おりません|な[いく]|い|お|な)"
    r"|聞けな|聞けませ|聞きそびれ|聞き漏ら|聞き逃",
    r"(?:確認|把握|ヒアリング|深掘り|特定|お?伺い|伺う|お?聞き|聞く)(?:でき|出来|が出来|ができ)"
    r"(?:てい|ず|な|ませ|てお(?:りませ|らず))",
    r"(?:分か|わか)(?:りませ|ってい(?:な|ませ)|らな|ってな|んな|らず|りかね)",
    r"聞いてな(?:い|く)|聞いてません|聞いていません|記録(?:が)?な(?:く|い)",
    r"記録(?:なし|無し|がない|がありません)|記載(?:なし|無し)|情報(?:なし|無し)",
    r"確認漏れ|ヒアリング漏れ|聞き漏れ|要(?:確認|ヒアリング|深掘り)",
    r"(?:次回|後日|別途|追って|改めて|今後)[^。、\n]{0,10}?(?:確認|ヒアリング|聞|伺)",
)
_MARKER_RE: Final = re.compile(
    "|".join(
        # Whole words first, so 「未ヒアリング」 is one marker, not 未 + ヒアリング.
        [re.escape(w) for w in sorted(_MARKER_WORDS, key=len, reverse=True)]
        + [*_MARKER_FORMS]
    )
)

# Hedges: the value says something, but second-hand or unsure, so it is not a
# confirmed fact (partial). Approximations count only where the field needs a
# confirmed date: a timeline 「7月頃」 or a meeting 「4月上旬」 is not agreed. A rough
# amount (「400万円前後」) is what BANT asks of a budget, so only a range of two
# amounts (「200〜400万円くらい」) is partial; a size 「約300名」 is how sizes are
# stated, so only a range (「60〜240名」) is; an approximate touch or attendee count
# is still a count (the simulator writes 「4回程度」 as filled).
_HEDGE_RE: Final = re.compile(
    r"らし[いく]|かも|っぽ[いく]|気がし|気がす|と思(?:われ|いま|う|って)|思われ"
    r"|たぶん|多分|おそらく|恐らく|と聞いて|と伺って|仮押さえ|暫定|ありそう"
    r"|ようだ|ようです|変更の可能性|未確定|(?<=[^\s?])\?(?=$|[\s)])"
    # 「見直したい様子」 (as it looks), 「6回くらい」 (about, casual), 「300万想定」,
    # 「4月稼働見込み」, 「来るみたいです」: said or seen, not confirmed.
    r"|可能性|(?:なさ|なり|あり|でき|し|い|来)そう|[るたい]そうです"
    # English hedges of a bilingual memo: 「probably onsite」, 「¥3M, not final」.
    r"|\bprobably\b|\bmaybe\b|\blikely\b|\bi guess\b|\bi think\b|\bseems?\b"
    r"|\bperhaps\b|\bpossibly\b|\bapparently\b|\bnot final\b|\bsort of\b"
    r"|\bkind of\b|\brumou?red\b|\bi heard\b|\bsupposedly\b"
    r"|様子(?!見)|くらい|ぐらい|想定(?!外)|見込み?(?=$|です|でし|だ|で[、。]|[。、)])|(?<![てで])みたい(?:です|だ|っす)"
)
_APPROX_RE: Final = re.compile(
    r"くらい|ぐらい|程度|前後|頃|ごろ|およそ|大体|だいたい|上旬|中旬|下旬"
)
_RANGE_RE: Final = re.compile(r"\d\s*(?:万|億|千|名|人)?\s*[〜~～]\s*\d")
_APPROX_FIELDS: Final = frozenset({"timeline", "meeting_datetime", "first_contact"})
# 「15:00に商談予定」 is a scheduled meeting; 「7月導入予定」 is a plan, not a date.
_PLANNED_RE: Final = re.compile(r"予定")
_RANGE_FIELDS: Final = frozenset({"budget", "company_size", "touch_count"})
# 「〜様子」 (as observed): a hedge on a fact, but a problem IS observed is still the
# problem. Only a switchboard number or a shared address reaches nobody in person.
_FIELD_HEDGES: Final[dict[str, re.Pattern[str]]] = {
    **{
        k: re.compile(r"様子")
        for k in (
            "contact",
            "company_size",
            "cause",
            "desired_state",
            "budget",
            "authority",
            "timeline",
            "competitors",
            "impression",
        )
    },
    # "to be secured / applied for": the amount is not a budget yet.
    "budget": re.compile(r"様子|(?:確保|申請|計上|予算化|取得|承認)(?:する)?予定"),
    "contact_info": re.compile(
        r"代表(?:番号|電話)?(?:のみ|しか)|共用|共有アドレス|only (?:the )?main line"
        r"|main line only|switchboard only|only switchboard|shared (?:address|mailbox)"
    ),
    "attendees": re.compile(r"数名|何名か|複数名|未定"),
    # 「第1候補 12/29 10時」: a candidate date is not an agreed one.
    "meeting_datetime": re.compile(r"候補"),
    "touch_count": re.compile(r"数回|何度か|何回か"),
}
# "Nothing" is a fact for competitors (「競合なし」) but only says nothing was noted
# for notes and the expected content.
_NOTHING_RE: Final = re.compile(
    r"(?:特に|特記)?(?:事項)?(?:は)?(?:なし|無し|ない|ありません|ございません)[です。.!]*"
)
_NOTHING_IS_UNKNOWN: Final = frozenset({"notes", "expected_content"})


# A budget range that is secured (「150〜250万円・確保済み」) is a confirmed budget.
_SECURED_RE: Final = re.compile(r"確保|承認|決定|確定|計上済|secured|approved")


_WHOLE_VALUE_HEDGES: Final = frozenset({"contact_info", "attendees", "touch_count"})


def hedges_whole_value(key: str, text_lower: str) -> bool:
    """「代表番号のみ」, 「数名」, 「数回」: the whole value is unsure."""
    own = _FIELD_HEDGES.get(key) if key in _WHOLE_VALUE_HEDGES else None
    return own is not None and own.search(text_lower) is not None


def hedge_spans(
    key: str, text_lower: str, whole: str | None = None, *, approx: bool = True
) -> list[tuple[int, int]]:
    """Where a lower-cased value (or a clause of `whole`) hedges: らしい, ranges.

    `approx=False` leaves out approximations and ranges (「9月目処」 in a bracket
    only dates a plan; 「(共用かも)」 qualifies the value).
    """
    spans = [m.span() for m in _HEDGE_RE.finditer(text_lower)]
    if (own := _FIELD_HEDGES.get(key)) is not None:
        spans += [m.span() for m in own.finditer(text_lower)]
    if not approx:
        return spans
    if key in _APPROX_FIELDS:
        spans += [m.span() for m in _APPROX_RE.finditer(text_lower)]
    if key == "timeline":
        spans += [m.span() for m in _PLANNED_RE.finditer(text_lower)]
    elif key in _RANGE_FIELDS and not (
        key == "budget" and _SECURED_RE.search(whole or text_lower)
    ):
        spans += [m.span() for m in _RANGE_RE.finditer(text_lower)]
    return spans


def says_nothing(key: str, text: str) -> bool:
    """「特になし」 in notes or the expected content: nothing noted, not a fact."""
    return key in _NOTHING_IS_UNKNOWN and _NOTHING_RE.fullmatch(text) is not None


# Values that are nothing but a dash, a question mark or "NA".
_MARKER_ONLY_RE: Final = re.compile(
    r"[\s\-ー−―‐—–~〜?・.…_*×x/]*|na|n/a|n\.a\.|none\?|tbd\.?|tbc\.?",
    re.IGNORECASE,
)


def has_marker(text_lower: str) -> bool:
    """Whether a lower-cased value holds a "not known" marker."""
    return _MARKER_RE.search(text_lower) is not None


def marker_spans(text_lower: str) -> list[tuple[int, int]]:
    """Where the "not known" markers are in a lower-cased value."""
    return [m.span() for m in _MARKER_RE.finditer(text_lower)]


def is_marker_only(text: str) -> bool:
    """Whether a value is only dashes / question marks / NA (with at least one)."""
    return bool(text.strip()) and _MARKER_ONLY_RE.fullmatch(text.strip()) is not None


# --- routing unlabelled text -------------------------------------------------------

# A section's main field receives its free text; `None` sends it to notes.
SECTION_MAIN: Final[dict[str | None, tuple[str | None, bool]]] = {
    # section: (main field, main field takes the whole block rather than leftovers)
    "basics": ("company", True),
    "history": ("touch_summary", True),
    "needs": ("problem", True),
    "bant": (None, False),
    "competition": ("competitors", False),
    "meeting": ("meeting_datetime", False),
    "notes": ("notes", True),
    # Outside any section notes get what no field took, not the whole memo.
    None: ("notes", False),
}

DATE_CUE: Final = re.compile(
    r"\d{1,4}\s*[/月年-]\s*\d{1,2}|\d{1,2}\s*[:時]|[月火水木金土日]曜"
    r"|\d{1,4}\.\d{1,2}\.\d{1,2}"
    r"|明日|明後日|来週|今週|再来週|本日|tomorrow|next (?:mon|tue|wed|thu|fri)"
)


def _cue(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


# Cues that route a sentence to a field anywhere (free-form memos, lines outside a
# section). Kept strict: a wrong route fills a field that is really missing.
FIELD_CUES: Final[dict[str, re.Pattern[str]]] = {
    "company": _cue(
        r"株式会社|有限会社|合同会社|\(株\)|\bco\.,? ?ltd|\binc\.|corporation"
        r"|^[^。、]{2,40}?(?:様|さん)?の(?:件|案件)(?:です|で|について|、|!|$)"
    ),
    "contact": _cue(
        r"担当者|ご担当|窓口|役職|[一-龥]{1,4}(?:部長|課長|係長|主任|社長|室長|所長"
        r"|様|さん)"
    ),
    "contact_info": _cue(r"@|\btel\b|電話番号|メールアドレス|\d{2,4}-\d{2,4}-\d{3,4}"),
    "company_size": _cue(
        r"従業員|社員数|名規模|人規模|売上|年商|employees|企業規模|会社規模|規模感"
    ),
    "first_contact": _cue(
        r"初回|最初の(?:問い合わせ|接点|接触)|first contact|流入|きっかけ|名刺交換"
    ),
    "touch_count": _cue(
        r"\d{1,9}\s*回目|接点回数|接触回数|\d{1,9}\s*touches"
        r"|(?:接点|接触|やり取り)(?:は|が)?(?:計|合計|全部で|これまで)?\s*\d{1,3}\s*回"
        r"|\d{1,3}\s*回(?:くらい|ほど|程度)?(?:の)?(?:やり取り|接点|接触|架電|コンタクト"
        r"|電話|連絡|お話)"
    ),
    "touch_summary": _cue(
        r"問い?合わせ|資料請求|ダウンロード|ウェビナー|セミナー|展示会|架電|inquiry"
        r"|webinar"
    ),
    "problem": _cue(
        r"課題|困って|悩|問題|負担|非効率|手間|ミス|属人|煩雑|追いつか|かかって"
        r"|problem|pain|struggl|回って(?:い)?ない|回らな|散らば|漏れが|遅れ|滞"
        r"|手作業|手入力|二重入力|差し戻し"
    ),
    "cause": _cue(
        r"ため|原因|により|によって|起因|背景|せいで|ので|because|due to|caused by"
    ),
    "desired_state": _cue(
        r"たい(?:[。、と]|$)|目指|実現|理想|ゴール|半減|短縮|自動化|一元化|可視化"
        r"|ペーパーレス|want to|\baim|\bgoal"
    ),
    "budget": _cue(r"予算|万円|億円|費用感|金額|budget"),
    "authority": _cue(r"決裁|稟議|承認|意思決定|決定権|authority|decision"),
    "need": _cue(r"緊急|優先|急ぎ|喫緊|至急|早急|urgen|priority"),
    "timeline": _cue(
        r"導入(?!事例)|稼働|運用開始|利用開始|開始(?:したい|希望|予定)|切り?替|リプレイス"
        r"|使い始め|選定|\d{1,2}月(?:から|までに|中に|末まで)"
        r"|までに|スケジュール|時期|来期|今期|年度内|年内|\d{1,9}\s*(?:ヶ月|か月"
        r"|カ月)以内|timeline|go-live"
    ),
    "competitors": _cue(r"競合|他社|相見積|比較|も検討|competitor|compar|alternative"),
    "impression": _cue(
        r"印象|懸念|不安|好感|好反応|前向き|乗り気|気に(?:して|され|なって|なる)|心配"
        r"|ネック|impression|concern|worr|反応|好評|評価(?:いただ|され|して)"
    ),
    "meeting_format": _cue(
        r"訪問|対面|来社|オンライン|web会議|web商談|zoom|teams|webex|google meet"
        r"|リモート|online"
        r"|onsite|on-site|in person"
    ),
    "attendees": _cue(
        r"参加|同席|出席|\d{1,9}\s*名で|attend|particip"
        r"|\d{1,3}\s*(?:名|人)(?:くらい|ほど|程度|前後)?(?:が|で)?(?:来|いらっしゃ)"
    ),
    "expected_content": _cue(
        r"説明|デモ|聞きたい|知りたい|提案|見積|事例|確認したい|demo|proposal"
        r"|want to (?:see|know|hear)"
    ),
}

# A meeting outside its section needs both a meeting word and a date.
MEETING_WORD: Final = _cue(
    r"商談|打ち?合わ?せ|アポ|面談|訪問|mtg|ミーティング|meeting|デモ|仮押さえ|^次回"
    r"|お時間(?:を)?(?:いただ|頂)"
)

# Looser cues that are safe inside their own section.
IN_SECTION_CUES: Final[dict[str, re.Pattern[str]]] = {
    "contact": _cue(
        r"様|さん|部長|課長|係長|主任|社長|取締役|マネージャー|担当|manager"
        r"|director"
    ),
    "company_size": _cue(r"\d[\d,]{0,12}\s*(?:名|人)|億円|百万円|規模"),
    "first_contact": _cue(r"\d{4}\s*[/年-]\s*\d{1,2}|\d{1,2}\s*[/月]\s*\d{1,2}"),
    "touch_count": _cue(r"\d{1,9}\s*回"),
    "meeting_datetime": _cue(DATE_CUE.pattern + "|" + "日程|日時|候補日"),
    "meeting_format": _cue(r"形式|方法|場所|で実施|visit"),
    "expected_content": _cue(
        r"内容|目的|アジェンダ|希望|議題|紹介|試算|共有|回答|お願い|期待|フィット"
    ),
    "impression": _cue(
        r"印象|懸念|不安|好感|好評|反応|評価|関心|重視|前向き|乗り気|気に|心配|ネック"
        r"|経緯"
    ),
    "attendees": _cue(
        r"\d{1,9}\s*(?:名|人)|部長|課長|社長|担当者|役員|manager|director"
    ),
}

# The noun a sentence is about, marked as its topic (「予算は聞けていません」,
# 「企業規模については要確認」): the sentence belongs to that field alone, even
# when it carries other fields' cues (「課題の背景は不明」 is about the cause).
_TOPIC_NOUNS: Final[dict[str, str]] = {
    "company_size": r"企業規模|会社規模|規模|従業員数|社員数",
    "contact": r"役職|担当者|ご担当者|ご担当",
    "contact_info": r"連絡先|電話番号|メールアドレス",
    "first_contact": r"初回接点|初回接触|初回|きっかけ",
    "touch_count": r"接点回数|接触回数|接点数",
    "problem": r"課題|困りごと|悩み",
    "cause": r"背景|原因|要因",
    "desired_state": r"理想|ゴール|目指す姿|あるべき姿|導入後のイメージ|期待する状態",
    "budget": r"予算|予算感|費用感",
    "authority": r"決裁者?|決裁ルート|決裁フロー|稟議|承認プロセス",
    "need": r"緊急度|優先度|緊急性",
    "timeline": r"導入時期|時期|スケジュール|導入スケジュール",
    "competitors": r"競合|他社|比較(?:検討)?先",
    "impression": r"印象|懸念|反応",
    "meeting_datetime": r"商談日時|日程|日時|アポ|次回",
    "meeting_format": r"商談形式|形式|実施方法",
    "attendees": r"参加者|同席者|出席者|先方の参加者",
    "expected_content": r"商談で(?:期待|聞きたい)|商談内容|アジェンダ",
}
STRICT_TOPICS: Final[dict[str, re.Pattern[str]]] = {
    k: re.compile(
        rf"(?:^|[、。!?\s]|の)(?:{v})(?:は|については|について|も|として|:|まだ)"
    )
    for k, v in _TOPIC_NOUNS.items()
}

# A sentence that opens with a field's noun is about that field, whatever other
# cues it carries: 「予算50万円は今期で承認済み」 (budget, not authority or timeline),
# 「優先度高(来期の監査までに必須)」, 「売上は300億円規模の会社です」.
_LEAD_NOUNS: Final[dict[str, str]] = {
    "company_size": r"従業員数?|社員数?|売上|年商|企業規模|会社規模|規模感?",
    "first_contact": r"初回接点|初回の接点|初回接触|最初の接点|初回",
    "touch_count": r"接点回数|接触回数|接点数",
    "problem": r"課題",
    "cause": r"原因|背景|要因",
    "desired_state": r"理想|ゴール|導入後のイメージ|ありたい姿",
    "budget": r"予算|費用感",
    "authority": r"決裁|稟議",
    "need": r"緊急度|優先度|緊急性|温度感",
    "timeline": r"導入時期|導入スケジュール|スケジュール|時期",
    "competitors": r"競合|比較先|他社は",
    "impression": r"印象|当社への印象|懸念",
    "meeting_datetime": r"商談日時|日程|次回商談|アポ",
    "meeting_format": r"商談形式|形式",
    "attendees": r"参加者|同席者|出席者|先方の参加者",
    "contact_info": r"連絡先|電話番号|メールアドレス",
}
LEAD_TOPIC: Final = re.compile(
    r"(?:なお|あと|また|ちなみに|それと)?[、,\s]*(?:[一-龥ァ-ヶー]{1,6}の)?(?:ご|お)?(?:"
    + "|".join(f"(?P<{k}>{v})" for k, v in _LEAD_NOUNS.items())
    + ")"
)


# Words by which a free-text sentence names its field as the topic (「背景は不明」,
# 「ゴールはこれから確認」): such a sentence belongs to that field, not to the
# section's main field, and decides the field's status over sentences that only
# carry one of its cues.
TOPIC_CUES: Final[dict[str, re.Pattern[str]]] = {
    "problem": _cue(r"課題|問題|困りごと|悩み"),
    "cause": _cue(r"背景|原因|要因"),
    "desired_state": _cue(
        r"理想|ゴール|目指す姿|あるべき姿|期待する状態|解決後|導入後"
    ),
    "competitors": _cue(r"競合|他社|比較"),
    "impression": _cue(r"印象|懸念"),
    "meeting_datetime": _cue(r"日程|日時"),
    "meeting_format": _cue(r"形式"),
    "attendees": _cue(r"参加者|同席者|出席者"),
    "expected_content": _cue(r"内容|目的|アジェンダ"),
}
