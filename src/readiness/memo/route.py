"""Routing unlabelled prose to fields: chat lines, narrative paragraphs, free text.

A block of sentences without labels (under a heading, or a memo without any) is
split into sentences; a sentence goes to the fields whose cue words it carries
(`memo.labels`), or, when it marks a field's noun as its topic (「予算は聞けて
いません」, 「課題の背景は不明」), to that field alone. A section's main field
(problem, notes, ...) gets the whole block or the sentences no field took; outside
any section notes get only those, and greetings around the memo are dropped.
"""

from __future__ import annotations

import re
from typing import Final

from readiness.fields import FIELD_KEYS, fields_of_section
from readiness.memo.labels import (
    DATE_CUE,
    FIELD_CUES,
    IN_SECTION_CUES,
    LEAD_TOPIC,
    MEETING_WORD,
    SECTION_MAIN,
    STRICT_TOPICS,
    TOPIC_CUES,
)

__all__ = ["Routed", "route"]

# (field key, text, the text its status is judged on)
Routed = tuple[str, str, str | None]

_SENTENCE_SPLIT: Final = re.compile(r"[。\n]")
_CLAUSE_SPLIT: Final = re.compile(r"[、,;]")
_BOILERPLATE: Final = re.compile(
    r"(?:以下|以上|下記|引き?継ぎ(?:メモ|内容|事項)|トスアップ(?:メモ|します|の件)"
    r"|(?:ご)?(?:共有|報告|連絡)(?:します|です|いたします|させてください)"
    r"|hi\b|hello|thanks|best regards)",
    re.IGNORECASE,
)
_GREETING: Final = re.compile(
    r"お疲れ様|お疲れさま|おつかれさま|お世話になって|よろしくお願い|宜しくお願い"
    r"|ご確認(?:ください|お願い)|よろしく(?:です|!|〜|$)|以上です"
    r"|(?:引き?継ぎ|トスアップ|フォロー|対応)(?:を)?お願い(?:します|いたします|致します)"
    r"|何かあれば|ご不明(?:点|な点)|聞いてください|質問があれば"
    r"|トスアップ\s*\d*\s*件|\d+\s*件(?:の)?トスアップ"
)
_NO_WORDS: Final = re.compile(r"[\W_〜ー]*")


# 「お疲れ様です！〇〇の件です」: the greeting goes, the rest of the line stays.
_GREETING_LEAD: Final = re.compile(
    r"^(?:お疲れ様です|お疲れさまです|おつかれさまです|お疲れ様でございます"
    r"|お世話になっております|いつもお世話になっております)[!。、\s]*"
    # and the writer's name after it: 「お疲れ様です、田中です。」
    r"(?:(?:ISの|インサイドセールスの)?[一-龥ァ-ヶ]{1,5}です[!。、\s]*)?"
)
# The addressee alone on a line: 「遠藤さん、」, 「FS 佐藤様」.
_ADDRESSEE: Final = re.compile(
    r"(?:fs|フィールドセールス|営業)?\s*[^\s、。:]{1,10}(?:さん|様|さま|殿)"
    r"(?:へ|宛)?[、,。!\s]*(?:\((?:cc|bcc|写し)[^)]{0,30}\))?[、,。!\s]*",
    re.IGNORECASE,
)


_BANG_SPLIT: Final = re.compile(r"(?<=[!。])")
_FILLER_LEAD: Final = re.compile(
    r"^(?:(?:えーと|えーっと|ええと|えっと|えー|あー|あっ|あ|うーん|んー|そうだ|そうそう"
    r"|まあ|まぁ|なんか|で|それで|それと|あと|あとは|ちなみに|なお|ほかに|他に|それから"
    r"|えと|じゃあ|ただ|申し訳ありません|申し訳ございません|すみません|恐縮ですが"
    r"|取り急ぎ)[、,!\s]+)+"
)


def _is_boilerplate(line: str) -> bool:
    return bool(
        _BOILERPLATE.match(line)
        or (len(line) <= 40 and _GREETING.search(line))
        or _ADDRESSEE.fullmatch(line)
        or _NO_WORDS.fullmatch(line)
    )


def _topic_chain(sentence: str, scope: list[str]) -> dict[str, str] | None:
    """Clauses grouped under the field whose noun opens them, when two or more do."""
    clauses = [c.strip() for c in _CLAUSE_SPLIT.split(sentence) if c.strip()]
    if len(clauses) < 2:
        return None
    leads = [_leading_topic(c) for c in clauses]
    if len({k for k in leads if k in scope}) < 2 or leads[0] not in scope:
        return None
    out: dict[str, list[str]] = {}
    key = leads[0]
    for clause, lead in zip(clauses, leads, strict=True):
        if lead in scope:
            key = lead
        out.setdefault(key, []).append(clause)
    return {k: "、".join(v) for k, v in out.items() if k}


def _leading_topic(sentence: str) -> str | None:
    """The field whose noun opens the sentence (「予算50万円は…」 is budget)."""
    m = LEAD_TOPIC.match(sentence)
    # 「課題の背景は…」: the noun after の is the head (the cause).
    while m and sentence.startswith("の", m.end()):
        head = LEAD_TOPIC.match(sentence, m.end() + 1)
        if head is None:
            break
        m = head
    return m.lastgroup if m else None


# Cues that mislead in prose: 「月末は多忙のため」 is no cause without a problem,
# 「3月から使い始めたい」 is a timeline, 「…を説明してほしい」 the expected content,
# 「ウェビナー参加」 a touch, 「問い合わせ対応」 a problem area, 「…様、…の計3名が
# 参加」 the attendees, a chain 「展示会→架電3回→Web面談」 the touches.
_STRONG_CAUSE: Final = re.compile(r"原因|背景|要因|起因|せいで|because|due to")
_ASKS: Final = re.compile(
    r"(?:説明|紹介|提案|デモ|見積|比較表|事例)[^。]{0,12}?(?:ほしい|欲しい|希望|したい|頂きたい"
    r"|いただきたい)|(?:聞きたい|知りたい|見たい|見せてほしい)"
)
_STRONG_DESIRE: Final = re.compile(
    r"目指|理想|ゴール|実現|半減|短縮|ゼロに|一元|可視化"
)
_NOT_ATTENDING: Final = re.compile(
    r"(?:ウェビナー|セミナー|イベント|展示会)(?:に|へ|への)?参加"
)
_CHAIN: Final = re.compile(r"→[^→]+→")


# A dated line of the activity log (「9/24 架電 → 不在」, 「9/9 Web面談 デモ実施」)
# is a past touch, not the next meeting.
_LOGGED: Final = re.compile(
    r"\s*\d{1,4}[/.-]\d{1,2}(?:[/.-]\d{1,2})?(?:\([^)]{1,3}\))?\s*(?:\d{1,2}:\d{2})?\s*"
    r"(?:架電|電話|tel|call|メール|mail|面談|web面談|訪問|来社|商談|デモ|資料|セミナー"
    r"|ウェビナー|問い?合わせ|打ち?合わせ|mtg)",
    re.IGNORECASE,
)
_ARRANGED: Final = re.compile(r"予定|確定|調整|仮|次回|候補")


def _logged(sentence: str) -> bool:
    return bool(_LOGGED.match(sentence)) and not _ARRANGED.search(sentence)


def _misleads(key: str, sentence: str, section: str | None) -> bool:
    if _logged(sentence):
        return key != "touch_summary"
    if key == "cause":  # under the needs heading a 「…ため。」 is the cause
        return (
            section != "needs"
            and not _STRONG_CAUSE.search(sentence)
            and not _cue_plain("problem", sentence)
        )
    if key == "desired_state":
        return not _STRONG_DESIRE.search(sentence) and bool(
            _ASKS.search(sentence) or _cue_plain("timeline", sentence)
        )
    if key in ("competitors", "touch_summary", "problem") and _ASKS.search(sentence):
        return True
    if key == "attendees":
        return bool(_NOT_ATTENDING.search(sentence))
    if key == "contact":
        return section is None and _cue_plain("attendees", sentence)
    if key in ("first_contact", "touch_count", "problem"):
        return bool(_CHAIN.search(sentence))
    return False


def _cue_plain(key: str, sentence: str) -> bool:
    cue = FIELD_CUES.get(key)
    return bool(cue and cue.search(sentence))


def _cue_hits(key: str, sentence: str, section: str | None) -> bool:
    if _misleads(key, sentence, section):
        return False
    if key == "touch_summary" and _logged(sentence):
        return True
    in_section = IN_SECTION_CUES.get(key) if section is not None else None
    if in_section is not None and in_section.search(sentence):
        return True
    if key == "meeting_datetime":
        return bool(MEETING_WORD.search(sentence) and DATE_CUE.search(sentence))
    cue = FIELD_CUES.get(key)
    return bool(cue and cue.search(sentence))


def _strict(key: str, sentence: str) -> bool:
    return STRICT_TOPICS[key].search(sentence) is not None


def _topic(key: str, sentence: str) -> bool:
    """Whether a sentence names its field as its topic (「背景は…」)."""
    topic = TOPIC_CUES.get(key)
    if topic is not None and topic.search(sentence) is not None:
        return True
    return key in STRICT_TOPICS and _strict(key, sentence)


def _split_clauses(
    sentence: str, hits: list[str], section: str | None
) -> dict[str, str]:
    """Each field's clauses of a sentence that carries the cues of several fields.

    A clause without any cue continues the clause before it (「候補日を提示済み、
    調整中」); a field none of whose clauses carries its cue gets the sentence.
    """
    clauses = [c.strip() for c in _CLAUSE_SPLIT.split(sentence) if c.strip()]
    owners = [[k for k in hits if _cue_hits(k, c, section)] for c in clauses]
    mine: dict[str, list[str]] = {k: [] for k in hits}
    last: list[str] = next((o for o in owners if o), hits)
    for clause, keys in zip(clauses, owners, strict=True):
        last = keys or last
        for key in last:
            mine[key].append(clause)
    return {k: "、".join(c) if c else sentence for k, c in mine.items()}


def route(lines: list[str], section: str | None) -> list[Routed]:
    """Unlabelled lines of a section (or of none) as (field, text, judge) triples.

    `judge` is the text the field's status is judged on: None for the text
    itself, "" when it does not count (see `collect.Part`).
    """
    out: list[Routed] = []
    if section is None:  # greetings and titles around a memo say nothing
        lines = [_GREETING_LEAD.sub("", ln) for ln in lines]
        # sentence by sentence: 「渡辺さん、トスアップ1件お願いします!〇〇の件です」
        lines = [
            "".join(s for s in _BANG_SPLIT.split(ln) if s and not _is_boilerplate(s))
            for ln in lines
        ]
    block = "\n".join(ln for ln in lines if ln)
    if not block.strip():
        return out
    main, takes_all = SECTION_MAIN.get(section, SECTION_MAIN[None])
    scope = (
        [f.key for f in fields_of_section(section)]
        if section
        else [k for k in FIELD_KEYS if k != "notes"]
    )
    routed: dict[str, list[tuple[str, bool]]] = {}  # key: (text, names its topic)
    leftovers: list[str] = []
    own: list[str] = []  # sentences of the main field's own topic
    for sentence in (s.strip() for s in _SENTENCE_SPLIT.split(block)):
        # Spoken fillers before the topic (「えーと、」「そうそう、予算は…」).
        sentence = _FILLER_LEAD.sub("", sentence)
        if not sentence:
            continue
        # A long sentence that moves from topic to topic (「ご予算は…で、確保済みとの
        # ことで、決裁は河合本部長…」): each field gets the clauses from its noun on.
        if (chain := _topic_chain(sentence, scope)) is not None:
            for key, text in chain.items():
                routed.setdefault(key, []).append((text, True))
            continue
        # A sentence that marks a field's noun as its topic (「予算は聞けていません」)
        # belongs to that field alone.
        topics = [k for k in scope if k in STRICT_TOPICS and _strict(k, sentence)]
        if (lead := _leading_topic(sentence)) in scope and lead not in topics:
            topics.insert(0, lead)
        hits = [
            key
            for key in (topics or scope)
            if not (key == main and takes_all)
            and (bool(topics) or _cue_hits(key, sentence, section))
        ]
        if takes_all and not any(_topic(k, sentence) for k in scope if k != main):
            own.append(sentence)
        if not hits:
            leftovers.append(sentence)
        elif len(hits) == 1:
            routed.setdefault(hits[0], []).append((sentence, _topic(hits[0], sentence)))
        else:
            # 「予算は未定ですが、決裁は加藤部長」 holds two facts: give each field
            # the clauses that carry its cue (or the sentence when none alone does).
            for key, text in _split_clauses(sentence, hits, section).items():
                routed.setdefault(key, []).append((text, _topic(key, text)))
    for key, texts in routed.items():
        # A sentence that names the field (「ゴールはこれから確認」) says more about
        # its status than one that only carries a cue (「業務を効率化したい」).
        named = any(topic for _, topic in texts)
        for text, topic in texts:
            out.append((key, text, None if topic or not named else ""))
    target = main or "notes"
    if main and takes_all:
        # The main field's status is judged on its own sentences, not on those
        # that name another field (「背景は不明」 does not make the problem vague);
        # among them, those that name it (「課題は不明です」) decide. A block whose
        # every sentence names another field leaves the main field empty.
        if main in STRICT_TOPICS:
            own = [t for t in own if _strict(main, t)] or own
        if own:
            out.append((target, block, "\n".join(own)))
    elif leftovers:
        out.append((target, "\n".join(leftovers), None))
    return out
