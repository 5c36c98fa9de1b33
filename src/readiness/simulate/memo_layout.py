"""How the memo is laid out: headings, labels, bullets, paragraphs, drift.

The defaults are the domain.md template; a rep's `drift` moves the format away
from it and low `diligence` makes it sloppier. Also decides which fields end up
in free text, which the per-field truth records. A drifting rep sometimes drops
the template altogether and writes a chat message or prose (`memo_habits`).
"""

from __future__ import annotations

from typing import Final

from readiness.fields import FIELD_KEYS, SECTIONS, field, fields_of_section
from readiness.simulate import memo_phrases as P
from readiness.simulate.memo_habits import pick_habit, write_chat, write_narrative
from readiness.simulate.memo_kit import (
    EMPTY,
    FILLED,
    NOT_FILLED,
    Dice,
    Field,
    MemoFacts,
    RenderedMemo,
)

_SECTION_KEYS: Final = tuple(s.key for s in SECTIONS)
_SECTION_JA: Final = {s.key: s.ja for s in SECTIONS}
_SECTION_EN: Final = {s.key: s.en for s in SECTIONS}
_SECTION_FIELDS: Final = {
    s.key: tuple(f.key for f in fields_of_section(s.key)) for s in SECTIONS
}
_LABEL_JA: Final = {k: field(k).ja for k in FIELD_KEYS}
_FULLWIDTH: Final = str.maketrans("0123456789:/.,", "０１２３４５６７８９：／．，")
# Fields whose digits a rep typing in full-width mode writes as １２３.
_FW_FIELDS: Final = frozenset((
    "first_contact", "touch_count", "company_size", "problem", "cause",
    "desired_state", "budget", "need", "timeline", "meeting_datetime", "attendees",
))  # fmt: skip
# Long free-form values that may wrap onto a second line.
_WRAP_FIELDS: Final = frozenset((
    "touch_summary", "problem", "cause", "desired_state", "budget", "authority",
    "need", "timeline", "impression", "expected_content",
))  # fmt: skip
_FREE_SECTIONS: Final = {"needs": 0.35, "competition": 0.25, "meeting": 0.1}


class _Style:
    """How one rep lays out one memo; the defaults are the domain.md template."""

    __slots__ = (
        "blank", "bullet", "colon", "crlf", "fullwidth", "heading", "labels",
        "p_free", "p_missing_line", "p_missing_section", "p_wrap", "sloppy",
        "split_contact", "trailing",
    )  # fmt: skip

    def __init__(self, sloppy: float) -> None:
        self.sloppy = sloppy
        self.heading = "【{}】"
        self.bullet = "・"
        self.colon = ":"
        self.labels = "template"  # template | short | en
        self.crlf = self.blank = self.fullwidth = self.split_contact = False
        self.p_free = self.p_missing_line = self.p_missing_section = 0.0
        self.p_wrap = self.trailing = 0.0


def _style(f: MemoFacts, d: Dice) -> _Style:
    drift = min(max(f.drift, 0.0), 1.0)
    s = _Style(drift * (1.0 - min(max(f.diligence, 0.0), 1.0)))
    if drift <= 0.0:
        return s
    if d.chance(drift * 0.75):
        s.heading = d.pick(P.HEADING_STYLES)
    if d.chance(drift * 0.6):
        s.colon = d.pick(P.COLONS)
    if d.chance(drift * 0.5):
        s.bullet = d.pick(P.BULLETS)
    if d.chance(drift * 0.18):
        s.labels = "en"
    elif d.chance(drift * 0.5):
        s.labels = "short"
        s.split_contact = d.chance(0.15)
    s.crlf = d.chance(drift * 0.05)
    s.blank = d.chance(drift * 0.35)
    s.fullwidth = d.chance(drift * 0.3)
    s.p_free = drift
    s.p_missing_line = drift * 0.6
    s.p_missing_section = drift * 0.7
    s.p_wrap = drift * 0.25
    s.trailing = drift * 0.1
    return s


def _section_order(d: Dice, drift: float) -> list[str]:
    order = list(_SECTION_KEYS)
    if drift > 0 and d.chance(drift * 0.3):
        if d.chance(0.4):  # the appointment first: what FS looks for
            order.remove("meeting")
            order.insert(1, "meeting")
        else:
            sec = order.pop(d.randint(1, len(order) - 1))
            order.insert(d.randint(1, len(order)), sec)
    return order


def _heading(s: _Style, key: str, d: Dice) -> str:
    if s.labels == "en":
        title = _SECTION_EN[key]
    elif s.labels == "short" and d.chance(0.5):
        title = d.pick(P.SECTION_SHORT[key])
    else:
        title = _SECTION_JA[key]
    return s.heading.format(title)


def _label(s: _Style, key: str, d: Dice) -> str:
    if s.labels == "template":
        return _LABEL_JA[key]
    if s.labels == "en":
        return d.pick(P.LABEL_EN[key]) if d.u() < 0.85 else _LABEL_JA[key]
    return d.pick(P.LABEL_SHORT[key]) if d.u() < 0.65 else _LABEL_JA[key]


def _wrap(text: str, d: Dice) -> tuple[str, str]:
    """Split a value over two lines the way long entries wrap; ("", "") if not."""
    cut = text.find("。")
    if cut < 0 or cut == len(text) - 1:
        cut = text.find("、")
        if cut < 8:
            return "", ""
    head, rest = text[: cut + 1], text[cut + 1 :]
    if not rest or ":" in rest or "：" in rest or head.count("（") > head.count("）"):
        return "", ""
    return head, d.pick(P.INDENTS) + rest


def _paragraph(sec: str, out: dict[str, Field], d: Dice) -> list[str]:
    """A section written as free text; every field in it shares one status."""
    texts = {k: _sentence(k, out[k]) for k in _SECTION_FIELDS[sec]}
    if sec == "competition" and out["competitors"].value.get("names"):
        texts["competitors"] = out["competitors"].text + "と比較中"
    elif sec == "meeting" and out["meeting_datetime"].status == FILLED:
        texts["meeting_datetime"] += f"、{texts.pop('meeting_format')}で実施"
        texts["attendees"] = "先方参加者は" + texts["attendees"].replace("：", "、")
    sentences = [t if t.endswith("。") else t + "。" for t in texts.values() if t]
    if d.chance(0.5):
        return ["".join(sentences)]
    return sentences


def _sentence(key: str, fld: Field) -> str:
    """A field's value as a sentence of prose: bare markers get their topic."""
    text = fld.text
    if fld.status in NOT_FILLED and (text in P.NOT_KNOWN_ALONE or len(text) <= 4):
        marker = "未確認" if text in ("-", "ー", "−", "－") else text
        return P.PARA_TOPIC.get(key, "") + marker
    words = P.PARA_TOPIC_WORDS.get(key)
    if fld.status in NOT_FILLED and words and not any(w in text for w in words):
        # Out of its labelled line, 「詳細は未確認」 no longer says whose details.
        topic = P.PARA_TOPIC[key]
        if text.startswith("詳細"):
            return topic.removesuffix("は") + "の" + text
        return topic + text
    if key == "desired_state" and fld.status == FILLED and not text.endswith("たい"):
        return text + "を目指したい"
    return text


def lay_out(f: MemoFacts, d: Dice, out: dict[str, Field]) -> RenderedMemo:
    """The memo text: the drifting template, or a whole-memo habit (memo_habits)."""
    habit = pick_habit(f, d)
    if habit == "chat":
        return write_chat(f, d, out)
    if habit == "narrative":
        return write_narrative(f, d, out)
    s = _style(f, d)
    drift = min(max(f.drift, 0.0), 1.0)
    free: set[str] = set()
    lines: list[str] = []
    if drift > 0 and d.chance(drift * 0.12):
        lines.append(d.pick(P.PRELUDES).format(company=f.company_name))
        if d.chance(0.5):
            lines.append("")
    for sec in _section_order(d, drift):
        keys = _SECTION_FIELDS[sec]
        statuses = {out[k].status for k in keys}
        if statuses == {EMPTY} and d.chance(s.p_missing_section):
            continue
        lines.append(_heading(s, sec, d))
        if sec == "notes":
            note = out["notes"].text
            if note:
                lines.extend(s.bullet + t for t in note.split("\n"))
            elif s.bullet.strip():
                lines.append(s.bullet.strip())
        elif (
            sec in _FREE_SECTIONS
            and len(statuses) == 1
            and EMPTY not in statuses
            and d.chance(s.p_free * _FREE_SECTIONS[sec])
        ):
            for k in keys:
                free.add(k)
            para = _paragraph(sec, out, d)
            if s.fullwidth:
                para = [t.translate(_FULLWIDTH) for t in para]
            lines.extend(para)
        else:
            for k in keys:
                _field_lines(k, out[k], s, d, lines, f)
        if s.blank:
            lines.append("")
    if s.trailing:
        lines = [
            ln + d.pick((" ", "  ", "　")) if ln and d.chance(s.trailing) else ln
            for ln in lines
        ]
    while lines and lines[-1] == "":
        lines.pop()
    text = ("\r\n" if s.crlf else "\n").join(lines) + ("\r\n" if s.crlf else "\n")
    fields = {k: out[k].truth(k in free) for k in FIELD_KEYS}
    return RenderedMemo(text=text, fields=fields)


def _field_lines(
    key: str, fld: Field, s: _Style, d: Dice, lines: list[str], f: MemoFacts
) -> None:
    if fld.status == EMPTY and d.chance(s.p_missing_line):
        return
    bullet, colon = s.bullet, s.colon
    if s.sloppy and d.chance(s.sloppy * 0.3):
        colon = d.pick(P.COLONS)
    if s.sloppy and d.chance(s.sloppy * 0.15):
        bullet = d.pick(P.BULLETS)
    if key == "contact" and s.split_contact and fld.status == FILLED:
        lines.append(f"{bullet}{_label(s, key, d)}{colon}{f.contact_name}様")
        lines.append(f"{bullet}{d.pick(P.TITLE_LABELS)}{colon}{f.contact_title}")
        return
    text = fld.text
    if s.fullwidth and key in _FW_FIELDS and d.chance(0.8):
        text = text.translate(_FULLWIDTH)
    rest = ""
    if key in _WRAP_FIELDS and s.p_wrap and d.chance(s.p_wrap):
        head, rest = _wrap(text, d)
        if head:
            text = head
    lines.append(f"{bullet}{_label(s, key, d)}{colon}{text}")
    if rest:
        lines.append(rest)
