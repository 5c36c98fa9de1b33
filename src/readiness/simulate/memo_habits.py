"""Whole-memo habits: the hand-off as a chat message, or told as prose.

Some reps do not paste the template at all. A `chat` memo is a message to the FS
rep: no headings, one line per thought, casual endings and the odd emoji, and
only what the rep thought worth saying (the fields left out are empty). A
`narrative` memo tells the hand-off in one to three paragraphs, every field that
is not empty as a sentence. Either way each field keeps the status the content
writers decided: a hedged value is written as it is, a bare "not known" marker
becomes a marker sentence on its topic (「予算は聞けていません」), and every field
written is recorded as free text. The habit is drawn from the rep's drift.
"""

from __future__ import annotations

import re
from typing import Final

from readiness.fields import FIELD_KEYS
from readiness.simulate import memo_phrases as P
from readiness.simulate.memo_kit import (
    EMPTY,
    FILLED,
    NOT_OBTAINED,
    Dice,
    Field,
    MemoFacts,
    RenderedMemo,
    empty,
)

# Chance per unit of drift that a rep writes the whole memo as chat / as prose.
CHAT_RATE: Final = 0.15
NARRATIVE_RATE: Final = 0.10
# Chance that a chat leaves out a field it could have said something about.
_CHAT_DROP: Final[dict[str, float]] = {
    "contact": 0.2, "contact_info": 0.6, "company_size": 0.5, "first_contact": 0.6,
    "touch_count": 0.5, "touch_summary": 0.4, "problem": 0.05, "cause": 0.3,
    "desired_state": 0.3, "budget": 0.1, "authority": 0.15, "need": 0.2,
    "timeline": 0.15, "competitors": 0.2, "impression": 0.3, "meeting_datetime": 0.05,
    "meeting_format": 0.15, "attendees": 0.3, "expected_content": 0.35, "notes": 0.4,
}  # fmt: skip
# The order in which the thoughts come, by group (the meeting may come first).
_NEEDS: Final = ("problem", "cause", "desired_state")
_BANT: Final = ("budget", "authority", "need", "timeline")
_COMPETITION: Final = ("competitors", "impression")
_MEETING: Final = (
    "meeting_datetime",
    "meeting_format",
    "attendees",
    "expected_content",
)
_CUSTOMER: Final = ("contact_info", "company_size")
_HISTORY: Final = ("first_contact", "touch_count", "touch_summary")
_DASHES: Final = frozenset(("-", "ー", "−", "－"))
_BRACKETS: Final = re.compile(r"（[^）]*）|\([^)]*\)")
_HIRAGANA: Final = re.compile("[ぁ-ゟ]")


def pick_habit(f: MemoFacts, d: Dice) -> str:
    """template, chat or narrative: the more a rep drifts, the likelier the last two."""
    drift = min(max(f.drift, 0.0), 1.0)
    if drift <= 0.0:
        return "template"
    u = d.u()
    if u < drift * CHAT_RATE:
        return "chat"
    if u < drift * (CHAT_RATE + NARRATIVE_RATE):
        return "narrative"
    return "template"


def _bare(fld: Field) -> bool:
    """A not-obtained text that is only a marker (「未確認」, 「-」, 「TBD」)."""
    text = fld.text.strip()
    return fld.status == NOT_OBTAINED and (text in P.NOT_KNOWN_ALONE or len(text) <= 4)


def _topical(key: str, fld: Field, d: Dice, markers: tuple[str, ...]) -> str:
    """A field's text as a sentence on its topic, without the closing 。.

    A bare marker becomes a marker sentence (「予算は聞けていません」); a text that
    does not name its topic gets it (「確保済 300万円」 → 「予算は確保済 300万円」).
    """
    topic, words = P.HABIT_TOPIC[key]
    if _bare(fld) and key != "first_contact":  # 「初回接点は記録なし」 stays so
        return topic + d.pick(markers)
    text = fld.text.rstrip("。")
    if key == "attendees":
        text = text.replace("：", "、")
    elif key == "competitors" and fld.value.get("names") and d.chance(0.5):
        return text + "と比較中"
    if _names_topic(text, words):
        return text
    if text.startswith("詳細"):  # 「詳細は後日確認」 → 「商談内容の詳細は後日確認」
        return topic.removesuffix("は") + "の" + text
    return topic + text


def _names_topic(text: str, words: tuple[str, ...]) -> bool:
    """The text says what it is about: in its first clause, or a clause opens with it.

    Words in brackets do not count (「なし（当社のみで比較）」 needs 「競合は」).
    """
    bare = _BRACKETS.sub("", text)
    clauses = [c.strip() for c in bare.split("。") if c.strip()]
    if not clauses:
        return False
    return any(w in clauses[0] for w in words) or any(
        c.startswith(words) for c in clauses[1:]
    )


def _tail(text: str, d: Dice) -> str:
    """A casual ending that fits: 「です」 after a noun or 〜たい, not after 〜いる."""
    tail = d.pick(P.CHAT_TAILS)
    if "す" in tail and _HIRAGANA.search(text[-1:]) and not text.endswith("たい"):
        return ""
    return tail


def _truth(out: dict[str, Field], habit: str, text: str) -> RenderedMemo:
    fields = {k: out[k].truth(out[k].status != EMPTY) for k in FIELD_KEYS}
    return RenderedMemo(text=text, fields=fields, habit=habit)


def _opening(f: MemoFacts, out: dict[str, Field], d: Dice) -> tuple[str, bool]:
    """「〇〇株式会社の田中部長の件です」; True when it names the (known) contact."""
    company = out["company"].text
    if out["contact"].status == FILLED and f.contact_name and d.chance(0.6):
        sei = f.contact_name.split(" ")[0]
        title = f.contact_title.split(" ")[-1] if f.contact_title else ""
        if title.endswith(("部長", "課長", "室長", "取締役")):
            return f"{company}の{sei}{title}の件です", True
        return f"{company}の{sei}様（{f.contact_title}）の件です", True
    return f"{company}の件です", False


# --- chat ---------------------------------------------------------------------------


def _chat_line(key: str, fld: Field, d: Dice) -> str:
    if d.chance(0.35):  # a key and an arrow: 「予算→確保済 300万円」
        text = fld.text.rstrip("。")
        if fld.status == NOT_OBTAINED and text in _DASHES:
            text = "ー"
        label = d.pick(P.LABEL_SHORT[key])
        return label + d.pick(P.CHAT_ARROWS) + text
    line = _topical(key, fld, d, P.CHAT_NOT_OBTAINED)
    if _bare(fld):
        return line
    return line + _tail(line, d)


def write_chat(f: MemoFacts, d: Dice, out: dict[str, Field]) -> RenderedMemo:
    """A chat message to the FS rep: no headings, one line per thought."""
    for key in FIELD_KEYS:  # what the rep did not bother to say
        if out[key].status != EMPTY and d.chance(_CHAT_DROP.get(key, 0.0)):
            out[key] = empty(key)
    lines: list[str] = []
    if d.chance(0.7):
        lines.append(d.pick(P.CHAT_OPENERS))
    opening, named = _opening(f, out, d)
    lines.append(opening + d.pick(("", "!", "🙏", "。")))
    if out["contact"].status != EMPTY and not named:
        lines.append(_chat_line("contact", out["contact"], d))
    meeting = _chat_meeting(out, d)
    groups: list[list[str]] = [
        [_chat_line(k, out[k], d) for k in (*_NEEDS, *_BANT, *_COMPETITION)
         if out[k].status != EMPTY],
        meeting,
        [_chat_line(k, out[k], d) for k in (*_CUSTOMER, *_HISTORY)
         if out[k].status != EMPTY],
    ]  # fmt: skip
    if d.chance(0.4):  # what FS looks for first
        groups.insert(0, groups.pop(1))
    for group in groups:
        lines.extend(group)
    if out["notes"].status != EMPTY:
        for note in out["notes"].text.split("\n"):
            lines.append(d.pick(P.CHAT_NOTE_LEADS) + note + d.pick(("", "", "!")))
    if d.chance(0.6):
        lines.append(d.pick(P.CHAT_CLOSERS))
    return _truth(out, "chat", "\n".join(lines) + "\n")


def _chat_meeting(out: dict[str, Field], d: Dice) -> list[str]:
    """「次回 6/12(木) 14:00〜、オンラインで」 when the date and form are set."""
    when, form = out["meeting_datetime"], out["meeting_format"]
    lines: list[str] = []
    rest: tuple[str, ...] = _MEETING
    if when.status == FILLED and form.status == FILLED and d.chance(0.6):
        lines.append(
            f"次回 {when.text}、{form.text}で" + d.pick(("", "!", "お願いします"))
        )
        rest = _MEETING[2:]
    elif when.status == FILLED and d.chance(0.5):
        lines.append(f"次回 {when.text}" + d.pick(("", "です", "で設定済み")))
        rest = _MEETING[1:]
    lines.extend(_chat_line(k, out[k], d) for k in rest if out[k].status != EMPTY)
    return lines


# --- narrative ----------------------------------------------------------------------


def _sentences(keys: tuple[str, ...], out: dict[str, Field], d: Dice) -> list[str]:
    said: list[str] = []
    for key in keys:
        if out[key].status == EMPTY:
            continue
        text = _topical(key, out[key], d, P.NARRATIVE_NOT_OBTAINED)
        lead = d.pick(P.NARRATIVE_LEADS) if said else ""
        said.append(lead + text + "。")
    return said


def _meeting_prose(out: dict[str, Field], d: Dice) -> list[str]:
    when, form = out["meeting_datetime"], out["meeting_format"]
    if when.status == FILLED and form.status == FILLED:
        first = f"商談は{when.text.rstrip('。')}、{form.text}で実施します。"
        return [first, *_sentences(_MEETING[2:], out, d)]
    return _sentences(_MEETING, out, d)


def write_narrative(f: MemoFacts, d: Dice, out: dict[str, Field]) -> RenderedMemo:
    """The hand-off told in one to three paragraphs, each field as a sentence."""
    opening, named = _opening(f, out, d)
    first = [opening + "。"]
    if not named:
        first += _sentences(("contact",), out, d)
    first += _sentences((*_CUSTOMER, *_HISTORY, *_NEEDS), out, d)
    second = _sentences((*_BANT, *_COMPETITION), out, d)
    third = _meeting_prose(out, d)
    if out["notes"].status != EMPTY:
        third += [
            "なお、" + n.rstrip("。") + "。" for n in out["notes"].text.split("\n")
        ]
    k = d.randint(1, 3)
    if k == 1:
        paragraphs = [first + second + third]
    elif k == 2:
        paragraphs = [first, second + third]
    else:
        paragraphs = [first, second, third]
    sep = "\n\n" if d.chance(0.7) else "\n"
    text = sep.join("".join(p) for p in paragraphs if p)
    return _truth(out, "narrative", text + "\n")
