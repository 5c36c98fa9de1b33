"""Collecting a memo's raw field texts, before any field is judged.

Text is decoded, cleaned of HTML and control characters, then read line by line:
template headings and labels (【BANT情報】, 「予算：」), bullets, tables and free
sentences routed to fields by their cue words. A JSON object (or dict) is walked
by its keys instead. What comes out is a `Collected`: per field the pieces of
text found and the text each is judged on; `readiness.memo.parse` builds the
`Memo` from it.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from readiness.fields import FIELDS
from readiness.memo.labels import (
    field_for_label,
    nfkc,
    norm_key,
    refine_key,
    section_for_heading,
)
from readiness.memo.lines import key_value_lines
from readiness.memo.route import route

__all__ = [
    "MAX_CHARS",
    "MAX_DEPTH",
    "Collected",
    "Part",
    "clean_text",
    "collect_mapping",
    "collect_text",
    "decode",
    "is_garbage",
    "value_text",
]


MAX_CHARS: Final = 200_000
_SECTION_OF: Final[dict[str, str]] = {f.key: f.section for f in FIELDS}
MAX_DEPTH: Final = 8
_BR: Final = re.compile(r"<\s*br\s*/?\s*>|</\s*(?:p|div|li|tr)\s*>", re.IGNORECASE)
_TAGS: Final = re.compile(
    r"<\s*/?\s*(?:p|div|span|li|ul|ol|b|strong|em|i|u|font|table|tr|td|th|tbody|thead"
    r"|html|body)(?:\s[^<>]{0,200})?\s*/?\s*>",
    re.IGNORECASE,
)
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff\u200b-\u200f]")
_GARBAGE: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")


def decode(data: bytes, warnings: list[str]) -> str:
    """UTF-8 (with or without BOM), then cp932 (Japanese Excel), then best effort."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    warnings.append("bytes are neither UTF-8 nor cp932; undecodable bytes replaced")
    return data.decode("utf-8", errors="replace")


def clean_text(text: str, warnings: list[str]) -> str:
    if len(text) > MAX_CHARS:
        warnings.append(
            f"memo has {len(text):,} characters; only the first {MAX_CHARS:,} are read"
        )
        text = text[:MAX_CHARS]
    text = nfkc(text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "<" in text:
        text = _TAGS.sub("", _BR.sub("\n", text))
    if "&" in text:
        text = html.unescape(text)
    return _CONTROL.sub("", text)


def is_garbage(text: str) -> bool:
    sample = text[:20_000]
    return bool(sample) and len(_GARBAGE.findall(sample)) > 0.05 * len(sample)


# A field's text, and the text its status is judged on: None judges the text
# itself, "" does not count (unless nothing else does).
Part = tuple[str, str | None]


@dataclass
class Collected:
    parts: dict[str, list[Part]] = field(default_factory=dict)
    present: set[str] = field(default_factory=set)
    structured: bool = False
    warnings: list[str] = field(default_factory=list)

    def add(self, key: str, text: str, judge: str | None = None) -> None:
        self.parts.setdefault(key, []).append((text, judge))
        self.present.add(key)

    def merge(self, other: Collected) -> None:
        for key, parts in other.parts.items():
            self.parts.setdefault(key, []).extend(parts)
        self.present |= other.present
        self.structured |= other.structured
        self.warnings += other.warnings


_TABLE_RULE: Final = re.compile(r"[\s\-:|]+")
# A CRM record's header: 「2025/09/29 14:05 TU作成（IS 村上）」.
_RECORD_HEADER: Final = re.compile(
    r"[\d/.: -]{6,}\s*(?:tu|トスアップ|トス|メモ|memo)?\s*(?:作成|記入|登録|更新)"
    r"\s*(?:\(|$)",
    re.IGNORECASE,
)
# A memo's title line (「■トスアップ」, 「[TOSS]」, 「トス共有です」): no field's text.
_TITLE_LINE: Final = re.compile(
    r"[\W_]*(?:トスアップ|トス|toss ?up|toss|引き?継ぎ|引継|hand-?off|handover"
    r"|パス|(?:fs|フィールドセールス)(?:へ|への|向け))"
    r"(?:の|情報|共有|連絡|報告|メモ|依頼|案件|のご連絡|のご共有|です|します|お願いします)*"
    r"[\W_]*",
    re.IGNORECASE,
)


_BULLET: Final = (
    r"(?:[・•*‐●○◦▪■□◆◇▶►✓✔※→]|-(?!-)|\d{1,2}[.)](?!\d)|\(\d{1,2}\)|\[\d{1,2}\])"
)
_FIELD_LINE: Final = re.compile(
    rf"\s{{0,12}}(?:{_BULLET}\s{{0,4}})?([^:\t]{{1,40}}?)\s*[:\t]\s*(.*)"
)
_BRACKET_LINE: Final = re.compile(
    r"\s{0,12}[【\[<《〈]([^】\]>》〉]{1,30})[】\]>》〉]\s*:?\s*(.*)"
)
_LEADING_BULLET: Final = re.compile(rf"\A\s*{_BULLET}\s*")
_DECORATED: Final = re.compile(
    r"\s*(?:【[^】]{1,40}】|\[[^\]]{1,40}\]|<[^>]{1,40}>|《[^》]{1,40}》|〈[^〉]{1,40}〉"
    r"|#{1,6}\s*\S.{0,40}|\*\*[^*]{1,40}\*\*|={2,}.{1,40}?={2,}|-{2,}.{1,40}?-{2,})\s*:?\s*"
)
_BRACKET_OPEN: Final = frozenset("【[<《〈")


# A line starting with none of these (nor whitespace) is no table row and no
# 【label】 line: only the `label: value` form can apply.
_NOT_PLAIN: Final = frozenset("|【[<《〈")


def _field_line(line: str, section: str | None) -> tuple[str, str] | None:
    """(field key, value) when the line is a labelled field line."""
    first = line.lstrip()[:1]
    if first == "|":
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and (key := field_for_label(cells[0], section)):
            return key, " ".join(c for c in cells[1:] if c)
        return None
    # The patterns are only tried on lines that can match them: most lines are
    # `・label:value` lines and the rest prose without a colon.
    if first in _BRACKET_OPEN and (m := _BRACKET_LINE.match(line)):
        label = m.group(1)
        # 【予算】300万円 is a field; 【課題】 alone is a heading.
        if (key := field_for_label(label, section)) and (
            section_for_heading(label) is None or m.group(2).strip()
        ):
            return key, m.group(2)
    if (
        (":" in line or "\t" in line)
        and (m := _FIELD_LINE.match(line))
        and (key := field_for_label(m.group(1).strip(" *"), section))
    ):
        return key, m.group(2)
    return None


# 「1. 案件概要」, 「2) 顧客の状況」: a numbered short title is a heading.
_NUMBERED: Final = re.compile(r"\s*\d{1,2}\s*[.)、]\s*[^\s、。:!?()0-9]{2,14}")


def _heading(line: str) -> tuple[bool, str | None]:
    """(is a heading, its section or None when the heading names no known section)."""
    if len(line) > 60:
        return False, None
    section = section_for_heading(line)
    if section is not None:
        return True, section
    return bool(_DECORATED.fullmatch(line) or _NUMBERED.fullmatch(line)), None


def _next_is_field(lines: list[str], i: int, section: str | None) -> bool:
    for line in lines[i + 1 : i + 4]:
        if line.strip():
            return _field_line(line, section) is not None
    return False


# A forwarded e-mail: its header lines and its signature are not the hand-off.
_MAIL_HEADER: Final = re.compile(
    r"\s*(?:from|to|cc|bcc|date|sent|subject|reply-to|件名|差出人|宛先|送信日時|送信者"
    r"|cc)\s*:.*|\s*-{3,}\s*(?:forwarded message|original message|転送|元のメッセージ)"
    r".*",
    re.IGNORECASE,
)
_MAIL_OPENER: Final = re.compile(r"\s*(?:from|subject|件名|差出人)\s*:", re.IGNORECASE)
# The signature's delimiter near the end: 「--」, 「――――」 (then a few lines).
_SIGNATURE: Final = re.compile(r"--\s?|-- ?-- ?|[―━＿_=]{3,}")


_LABEL_JOIN: Final = re.compile(r"[・/&、]")
_VALUE_JOIN: Final = re.compile(r"\s*(?:(?<!\d)/|/(?!\d)|、|\s[|]\s)\s*")


def _merged(
    label: str, value: str, section: str | None
) -> list[tuple[str, str]] | None:
    """「初回・接点数:2025/10/20 ウェビナー参加/7」: two fields' values on one line,
    as many parts in the value as fields in the label."""
    names = [n for n in _LABEL_JOIN.split(label) if n.strip()]
    if len(names) < 2:
        return None
    keys = [field_for_label(n, section) for n in names]
    if not all(keys) or len(set(keys)) != len(keys):
        return None
    parts = [v for v in _VALUE_JOIN.split(value.strip()) if v.strip()]
    if len(parts) != len(keys):
        return None
    return [(k, v) for k, v in zip(keys, parts, strict=True) if k]


def strip_envelope(text: str) -> str:
    """A memo pasted from e-mail without its header lines and signature."""
    lines = text.split("\n")
    head: list[int] = []
    if any(_MAIL_OPENER.match(ln) for ln in lines[:12]):
        head = [i for i, ln in enumerate(lines[:15]) if _MAIL_HEADER.fullmatch(ln)]
    keep = [ln for i, ln in enumerate(lines) if i not in head]
    for i in range(len(keep) - 1, max(len(keep) - 10, 0), -1):
        if _SIGNATURE.fullmatch(keep[i].strip()):
            keep = keep[:i]
            break
    return "\n".join(keep)


def collect_text(text: str) -> Collected:
    """Read template-like text line by line into field texts."""
    out = Collected()
    text = strip_envelope(text)
    # chat lines 「予算→確認中」 are closed: the line after them is not their value
    lines, closed = key_value_lines(text)
    # field values in reading order: (key, value lines, status judge)
    entries: list[tuple[str, list[str], str | None]] = []
    section: str | None = None
    current: list[str] | None = None  # the value lines of the field being read
    block: list[str] = []  # unlabelled text waiting to be routed

    def flush() -> None:
        entries.extend((k, [text], judge) for k, text, judge in route(block, section))
        block.clear()

    near: str | None = None  # the section of the last labelled field
    headed = False  # a heading seen: unlabelled lines may continue a value
    label_line = _FIELD_LINE.match
    for i, raw in enumerate(lines):
        line = raw.rstrip()
        first = line[:1]
        if not first or (
            (first.isspace() or first in "-:|") and _TABLE_RULE.fullmatch(line)
        ):
            if current is not None and any(current):
                current = None
            continue
        if (len(line) <= 24 and _TITLE_LINE.fullmatch(line.strip())) or (
            _RECORD_HEADER.match(line)
        ):
            continue
        if not (first.isspace() or first in _NOT_PLAIN):
            # The common `・label: value` line, without _field_line's other forms
            # (tables and 【label】 lines start otherwise).
            hit = None
            if ":" in line or "\t" in line:
                m = label_line(line)
                label = m.group(1).strip(" *") if m else ""
                if m and (key := field_for_label(label, section, near)):
                    hit = key, m.group(2)
                    if (pairs := _merged(label, m.group(2), section)) is not None:
                        for k, v in pairs:
                            entries.append((k, [v], None))
                        near = _SECTION_OF.get(key)
                        current = None
                        out.structured = True
                        continue
        else:
            hit = _field_line(line, section)
        if hit is not None:
            key, value = hit
            value = value.strip()
            key = refine_key(key, value)
            heading_section = None if value else section_for_heading(line)
            if heading_section is None or not _next_is_field(lines, i, heading_section):
                if block:
                    flush()
                near = _SECTION_OF.get(key)
                current = [value]
                entries.append((key, current, None))
                out.structured = True
                if i in closed:
                    current = None
                continue
        is_heading, heading_section = _heading(line)
        if is_heading:
            if block:
                flush()
            current = None
            headed = True
            out.structured = True
            if heading_section is None:
                out.warnings.append(f"unknown section heading {line.strip()[:40]!r}")
            section = heading_section
            continue
        content = _LEADING_BULLET.sub("", line, count=1).strip()
        if not content:
            continue
        # Under a heading a line without a label continues the value above it (a
        # wrapped template value); in a memo without headings (chat, prose) it is
        # a thought of its own unless indented.
        if current is not None and (headed or first.isspace()):
            current.append(content)
        else:
            current = None
            block.append(content)
    if block:
        flush()
    parts, present = out.parts, out.present
    for key, value_lines, judge in entries:
        value = value_lines[0] if len(value_lines) == 1 else "\n".join(value_lines)
        if not value:  # a label without a value: present, and empty
            present.add(key)
            continue
        if key in parts:
            parts[key].append((value, judge))
        else:
            parts[key] = [(value, judge)]
            present.add(key)
    return out


_TEXT_KEYS: Final = frozenset(
    {"memo", "text", "body", "本文", "メモ", "raw", "content"}
)


def value_text(value: Any, depth: int = 0) -> str:
    """A JSON value as memo text: lists joined with 、, objects as `key: value`."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if isinstance(value, float) and not math.isfinite(value):
        return ""  # NaN is how pandas and some exports write "no value"
    if isinstance(value, int | float):
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)
    if depth >= MAX_DEPTH:
        return ""
    if isinstance(value, Mapping):
        return "\n".join(
            f"{k}: {value_text(v, depth + 1)}" for k, v in list(value.items())[:200]
        )
    if isinstance(value, list | tuple | set | frozenset):
        return "、".join(
            t for t in (value_text(v, depth + 1) for v in list(value)[:200]) if t
        )
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)[:MAX_CHARS]


def _clean_value(text: str) -> str:
    return nfkc(text[:MAX_CHARS]).replace("\r\n", "\n")


def collect_mapping(
    obj: Mapping[Any, Any], section: str | None, out: Collected, depth: int = 0
) -> None:
    """Walk a (possibly section-nested) dict with Japanese or English keys."""
    if depth > MAX_DEPTH:
        out.warnings.append("JSON nested too deeply; inner values ignored")
        return
    for raw_key, value in list(obj.items())[:500]:
        key = _clean_value(str(raw_key))[:100]
        heading_section = section_for_heading(key)
        field_key = field_for_label(key, heading_section or section)
        if isinstance(value, Mapping):
            if heading_section is not None:
                collect_mapping(value, heading_section, out, depth + 1)
            elif field_key is not None:
                out.add(
                    field_key, clean_text(value_text(value, depth + 1), out.warnings)
                )
            else:
                collect_mapping(value, section, out, depth + 1)
            continue
        text = clean_text(value_text(value, depth + 1), out.warnings)
        if (
            field_key in (None, "notes") or norm_key(key) in _TEXT_KEYS
        ) and "\n" in text:
            inner = collect_text(text)
            if inner.structured:
                out.merge(inner)
                continue
        if field_key is not None:
            out.add(field_key, text)
        elif heading_section is not None:
            for k, routed, judge in route(text.split("\n"), heading_section):
                out.add(k, routed, judge)
        else:
            out.warnings.append(f"unknown key {key[:40]!r} ignored")
    out.structured = True
