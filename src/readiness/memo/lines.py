"""Terse and chat lines as template lines, before a memo is collected.

Reps who skip the template still write keys: several `key:value` pairs on one line
(「予算:300万/確保済 / 決裁:部長｜時期:7月」), an arrow or a dash for the colon
(「予算→確認中」, `Budget - 300万`, 「決裁者?不明」). `key_value_lines` rewrites
them as one `key:value` line per pair, so `collect` reads them like the template.
Only a known label (see `memo.labels`) makes a pair, so a value's own slash,
arrow or time (14:00) stays in it.
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import pairwise
from typing import Final

from readiness.memo.labels import field_for_label

__all__ = ["key_value_lines", "thread_lines"]


# A `key:value` pair inside a terse line: after a separator (/ | 、 or spaces).
_PAIR_START: Final = re.compile(
    r"(?:(?<=[/|、])|(?<=\s))\s*"
    r"((?:[A-Za-z]{1,8}/[A-Za-z]{1,8}|[^\s/|、:→()]{1,16})(?:\([^()]{1,16}\))?)\s*[:→]"
)
_PAIR_TRIM: Final = re.compile(r"[\s/|、]+$")


def _split_pairs(line: str, section: str | None) -> list[str]:
    """A terse line holding several `key:value` pairs, as one line per pair.

    「予算:300万/確保済 / 決裁:部長｜時期:7月」: a pair starts where a known label
    and a colon follow a separator, so a value's own slash (300万/確保済) or
    time (14:00) stays in it.
    """
    if line.count(":") + line.count("→") < 2:
        return [line]
    cuts = [
        m.start(1)
        for m in _PAIR_START.finditer(line)
        if field_for_label(m.group(1), section) is not None
    ]
    if not cuts:
        return [line]
    bounds = [0, *cuts, len(line)]
    pieces = [_PAIR_TRIM.sub("", line[a:b]) for a, b in pairwise(bounds)]
    return [p for p in pieces if p.strip()]


_ARROW_LABEL: Final = re.compile(
    r"\s*([^\s→:?]{1,12}(?: [A-Za-z#.]{1,12}){0,2})\s*"
    r"(?:→|⇒|->|\s[-–—](?:\s|$)|\?(?=\S))\s*(.*)"
)


_ARROWS: Final = ("→", "⇒", "->", " -", " —", " –", "?")


def _arrow_line(line: str, section: str | None) -> str:
    """「予算→確認中」 (chat), `Budget - 300万`: an arrow, a spaced dash or a
    question mark after a known label is its colon."""
    m = _ARROW_LABEL.match(line)
    if m and field_for_label(m.group(1), section) is not None:
        return f"{m.group(1)}:{m.group(2)}"
    return line


# A chat thread: 「IS 斎藤: …」 / 「FS 渡辺: …」 / 「[10:02] 斎藤: …」 turns.
_SPEAKER: Final = re.compile(
    r"\s*(?:\[[0-9:/ ]{3,16}\]\s*|\d{1,2}:\d{2}\s+)?"
    r"(?P<who>(?:IS|FS|is|fs|インサイド|フィールド)(?:\s*[^\s:]{1,6})?|[^\s:]{1,6}(?:さん)?)"
    r"\s*:\s*(?P<said>.*)"
)
_QUESTION_NOUN: Final = re.compile(
    r"^(.{1,12}?)(?:って|は|の方は|について|とか|、|どう|わかり|分かり|いつ|何)"
)


def thread_lines(text: str) -> str:
    """A chat thread between IS and FS as the facts IS gave.

    Speaker prefixes go; FS's own lines go, except a question, whose topic is
    put before the answer that follows (「連絡先わかります?」 + 「不明です」 →
    「連絡先は不明です」). Text that is not such a thread comes back unchanged.
    """
    lines = text.split("\n")
    turns = [_SPEAKER.fullmatch(ln) for ln in lines]
    who = Counter(
        m.group("who")
        for m in turns
        if m and field_for_label(m.group("who"), None) is None
    )
    # a thread: two speakers or more, each speaking twice or more
    if sum(1 for n in who.values() if n >= 2) < 2:
        return text
    out: list[str] = []
    topic = ""
    for line, m in zip(lines, turns, strict=True):
        if m is None or m.group("who") not in who:
            out.append(line)
            continue
        said = m.group("said").strip()
        receiver = m.group("who").lower().startswith(("fs", "フィールド"))
        if said.endswith(("?", "？")):
            q = _QUESTION_NOUN.match(said)
            topic = q.group(1) if q else ""
            continue
        if receiver:
            topic = ""
            continue
        out.append(f"{topic}は{said}" if topic and topic not in said else said)
        topic = ""
    return "\n".join(out)


def key_value_lines(text: str) -> tuple[list[str], set[int]]:
    """The text's lines, pairs split and arrows read; and the indices of lines
    that were arrow or dash pairs (a chat line's value ends with its line)."""
    lines: list[str] = []
    closed: set[int] = set()
    if ":" in text:
        text = thread_lines(text)
    for raw in text.split("\n"):
        if any(mark in raw for mark in _ARROWS):
            arrow = _arrow_line(raw, None)
            if arrow is not raw:
                closed.add(len(lines))
                raw = arrow
        lines.extend(_split_pairs(raw, None) if ":" in raw else (raw,))
    return lines, closed
