"""Read a hand-off memo into a typed, frozen `Memo`: every field's status and values.

IS reps paste the articles' template, but real memos drift: other headings and
bullets, short or English labels, free text under a heading, JSON exports from a
CRM, cp932 files. `parse_memo` reads all of them and never raises; what it cannot
read becomes a warning, because one broken memo must not stop scoring a backlog.

Reading rules (documented in docs/rubric.md):
- A line `{bullet}{label}{colon}{value}` fills the field its label names (see
  `memo.labels`); following lines without a label continue that value.
- A heading (【…】, ■…, […], <…>, ## …, or a bare section name) opens a section.
- Free text without a label is split into sentences; a sentence goes to every
  field of its section whose cue words it contains, and the section's main field
  (problem, notes, …) gets the whole block (needs, notes, basics, history) or the
  sentences no other field took (competition, meeting). A sentence that names a
  field as its topic (「背景は不明」) decides that field's status and does not
  count for the main field's. Text outside any section, and memos without any
  structure, are routed the same way over all fields with stricter cues, the
  rest going to notes.
- A value is *empty* when blank, *vague* when it is mainly a "not known" marker
  (未確認, 不明, 調整中, TBD, −, …), and *filled* otherwise: 「競合なし」 and
  「予算なし（確認済）」 are confirmed facts, so they are filled.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache
from types import MappingProxyType
from typing import Any, Final, Literal

from readiness.fields import FIELD_KEYS, FieldStatus, fields_of_section
from readiness.memo import dates as md
from readiness.memo import values as mv
from readiness.memo.labels import (
    DATE_CUE,
    FIELD_CUES,
    IN_SECTION_CUES,
    LABEL_WORDS,
    MEETING_WORD,
    SECTION_MAIN,
    TOPIC_CUES,
    field_for_label,
    has_marker,
    is_marker_only,
    marker_spans,
    nfkc,
    norm_key,
    section_for_heading,
)

__all__ = ["MAX_CHARS", "Memo", "MemoField", "MemoFormat", "field_status", "parse_memo"]

MemoFormat = Literal["template", "json", "freeform", "empty"]
MAX_CHARS: Final = 200_000
MAX_DEPTH: Final = 8
# A clause with a "not known" marker and at most this many informative characters
# says "unknown"; a value with such a clause is vague unless the rest of it holds
# at least MIN_INFORMATIVE_CHARS informative characters.
MARKER_CLAUSE_MAX_CHARS: Final = 6
MIN_INFORMATIVE_CHARS: Final = 8

_STATUS_RANK: Final[dict[str, int]] = {"empty": 0, "vague": 1, "filled": 2}


@dataclass(frozen=True, slots=True)
class MemoField:
    """One template field as read: its status, normalised text and presence."""

    key: str
    status: FieldStatus
    text: str
    present: bool


@dataclass(frozen=True)
class Memo:
    """A parsed hand-off memo. `fields` holds every key of `fields.FIELD_KEYS`."""

    fields: Mapping[str, MemoField]
    format: MemoFormat
    warnings: tuple[str, ...] = ()
    reference_date: date | None = None
    budget_amount_jpy: float | None = None
    budget_low_jpy: float | None = None
    budget_high_jpy: float | None = None
    budget_secured: bool | None = None
    meeting_at: datetime | None = None
    meeting_date: date | None = None
    meeting_time: time | None = None
    meeting_has_date: bool = False
    meeting_format: mv.MeetingFormat | None = None
    meeting_agreed: bool = False
    meeting_tentative: bool = False
    agreement_words: bool = False
    attendee_count: int | None = None
    attendee_titles: tuple[str, ...] = ()
    competitor_names: tuple[str, ...] = ()
    no_competitor: bool = False
    differences_asked: bool = False
    urgency: mv.Urgency | None = None
    decision_maker: str | None = None
    timeline_date: date | None = None
    start_in_months: float | None = None
    touch_count: int | None = None
    first_contact: date | None = None
    employees: int | None = None
    annual_revenue_m: float | None = None
    problem_signals: mv.ProblemSignals = field(default_factory=mv.ProblemSignals)

    def status(self, key: str) -> FieldStatus:
        return self.fields[key].status

    def text(self, key: str) -> str:
        return self.fields[key].text

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict: dates as ISO strings, tuples as lists."""
        out: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if name == "fields":
                out[name] = {
                    k: {"status": f.status, "text": f.text, "present": f.present}
                    for k, f in value.items()
                }
            elif name == "problem_signals":
                out[name] = {
                    "numbers": value.numbers,
                    "systems": value.systems,
                    "causes": value.causes,
                    "scale": value.scale,
                    "desired": value.desired,
                    "chars": value.chars,
                    "system_names": list(value.system_names),
                }
            else:
                out[name] = _json_value(value)
        return out


def _json_value(value: Any) -> Any:
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_json_value(v) for v in value]
    return value


# --- status -----------------------------------------------------------------------

_BULLETS_ONLY: Final = re.compile(r"[\s・•*●○◦▪]*")
_FILLERS: Final = re.compile(
    r"現時点|現在|今のところ|まだ|次回|予定|について|に関して|詳細|具体的|特に|状況|確認"
    r"|です|ます|でした|とのこと|ている|いる|要|の方|[はがのをにでともへやかよね]"
)
# The first characters of a value of bullets only (・) or of a bare "not known"
# mark (-, ー, ?, N/A, TBD): see _BULLETS_ONLY and labels.is_marker_only.
_BARE_START: Final = frozenset("・•*●○◦▪-ー−―‐—–~〜?.…_×xX/nNtT")
_NON_WORD: Final = re.compile(r"[\W_]+")
_CLAUSE: Final = re.compile(r"[、,。;()\[\]「」『』\n]")


def _informative(key: str, clause: str, spans: list[tuple[int, int]]) -> int:
    """Characters a clause says beyond markers, its label words and particles."""
    rest, last = [], 0
    for start, end in spans:
        rest.append(clause[last:start])
        last = end
    rest.append(clause[last:])
    remainder = " ".join(rest)
    for word in LABEL_WORDS.get(key, ()):
        remainder = remainder.replace(word, " ")
    return len(_NON_WORD.sub("", _FILLERS.sub("", remainder)))


def field_status(key: str, text: str) -> FieldStatus:
    """Filled, vague or empty: vague when a value is mainly a "not known" marker.

    The value is split into clauses (、。 and parentheses). A clause with a marker
    and little else (「予算は未定」, 「(社名未確認)」) says "unknown"; the value is
    vague when it has such a clause and the other clauses add fewer than
    MIN_INFORMATIVE_CHARS characters. So 「候補日を提示済み、調整中」 is vague, while
    a concrete sentence that happens to contain 検討中 stays filled, and confirmed
    negatives (「競合なし」, 「予算なし（確認済）」) carry no marker and are filled.
    """
    return _status(key, text.strip()[: md.MAX_VALUE_CHARS])


@lru_cache(maxsize=32_768)  # short values (未確認, 訪問, 3回) recur across memos
def _status(key: str, t: str) -> FieldStatus:
    if not t:
        return "empty"
    if t[0] in _BARE_START:  # only such values can be bullets or dashes alone
        if _BULLETS_ONLY.fullmatch(t):
            return "empty"
        if is_marker_only(t):
            return "vague"
    lower = t.lower()
    if not has_marker(lower):
        return "filled"
    unknown, informative = False, 0
    for clause in _CLAUSE.split(lower):
        spans = marker_spans(clause)
        chars = _informative(key, clause, spans)
        if spans and chars <= MARKER_CLAUSE_MAX_CHARS:
            unknown = True
        else:
            informative += chars
    return "vague" if unknown and informative < MIN_INFORMATIVE_CHARS else "filled"


# --- decoding and cleaning ------------------------------------------------------------

_BR: Final = re.compile(r"<\s*br\s*/?\s*>|</\s*(?:p|div|li|tr)\s*>", re.IGNORECASE)
_TAGS: Final = re.compile(
    r"<\s*/?\s*(?:p|div|span|li|ul|ol|b|strong|em|i|u|font|table|tr|td|th|tbody|thead"
    r"|html|body)(?:\s[^<>]{0,200})?\s*/?\s*>",
    re.IGNORECASE,
)
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff\u200b-\u200f]")
_GARBAGE: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")


def _decode(data: bytes, warnings: list[str]) -> str:
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


def _clean(text: str, warnings: list[str]) -> str:
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


def _is_garbage(text: str) -> bool:
    sample = text[:20_000]
    return bool(sample) and len(_GARBAGE.findall(sample)) > 0.05 * len(sample)


# --- collecting field texts --------------------------------------------------------


# A field's text, and the text its status is judged on: None judges the text
# itself, "" does not count (unless nothing else does).
_Part = tuple[str, str | None]


@dataclass
class _Collected:
    parts: dict[str, list[_Part]] = field(default_factory=dict)
    present: set[str] = field(default_factory=set)
    structured: bool = False
    warnings: list[str] = field(default_factory=list)

    def add(self, key: str, text: str, judge: str | None = None) -> None:
        self.parts.setdefault(key, []).append((text, judge))
        self.present.add(key)

    def merge(self, other: _Collected) -> None:
        for key, parts in other.parts.items():
            self.parts.setdefault(key, []).extend(parts)
        self.present |= other.present
        self.structured |= other.structured
        self.warnings += other.warnings


_SENTENCE_SPLIT: Final = re.compile(r"[。\n]")
_CLAUSE_SPLIT: Final = re.compile(r"[、,;]")
_BOILERPLATE: Final = re.compile(
    r"(?:以下|以上|下記|引き?継ぎ(?:メモ|内容|事項)|トスアップ(?:メモ|します|の件)"
    r"|hi\b|hello|thanks|best regards)",
    re.IGNORECASE,
)
_GREETING: Final = re.compile(
    r"お疲れ様|お疲れさま|おつかれさま|お世話になって|よろしくお願い|宜しくお願い"
    r"|ご確認(?:ください|お願い)"
)


def _is_boilerplate(line: str) -> bool:
    return bool(
        _BOILERPLATE.match(line) or (len(line) <= 40 and _GREETING.search(line))
    )


_TABLE_RULE: Final = re.compile(r"[\s\-:|]+")


def _cue_hits(key: str, sentence: str, section: str | None) -> bool:
    in_section = IN_SECTION_CUES.get(key) if section is not None else None
    if in_section is not None and in_section.search(sentence):
        return True
    if key == "meeting_datetime":
        return bool(MEETING_WORD.search(sentence) and DATE_CUE.search(sentence))
    cue = FIELD_CUES.get(key)
    return bool(cue and cue.search(sentence))


def _topic(key: str, sentence: str) -> bool:
    """Whether a sentence names its field as its topic (「背景は…」)."""
    topic = TOPIC_CUES.get(key)
    return topic is not None and topic.search(sentence) is not None


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


def _route(lines: list[str], section: str | None, out: _Collected) -> None:
    """Send unlabelled text to fields by cue words (see the module docstring)."""
    if section is None:  # greetings and titles around a memo say nothing
        lines = [ln for ln in lines if not _is_boilerplate(ln)]
    block = "\n".join(ln for ln in lines if ln)
    if not block.strip():
        return
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
        if not sentence:
            continue
        hits = [
            key
            for key in scope
            if not (key == main and takes_all) and _cue_hits(key, sentence, section)
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
            out.add(key, text, None if topic or not named else "")
    target = main or "notes"
    if main and takes_all:
        # The main field's status is judged on its own sentences, not on those
        # that name another field (「背景は不明」 does not make the problem vague).
        out.add(target, block, "\n".join(own) or None)
    elif leftovers:
        out.add(target, "\n".join(leftovers))


_BULLET: Final = r"(?:[・•*‐●○◦▪■□◆◇▶►✓✔※→]|-(?!-)|\d{1,2}[.)](?!\d))"
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


def _heading(line: str) -> tuple[bool, str | None]:
    """(is a heading, its section or None when the heading names no known section)."""
    if len(line) > 60:
        return False, None
    section = section_for_heading(line)
    if section is not None:
        return True, section
    return bool(_DECORATED.fullmatch(line)), None


def _next_is_field(lines: list[str], i: int, section: str | None) -> bool:
    for line in lines[i + 1 : i + 4]:
        if line.strip():
            return _field_line(line, section) is not None
    return False


def _collect_text(text: str) -> _Collected:
    """Read template-like text line by line into field texts."""
    out = _Collected()
    lines = text.split("\n")
    # field values in reading order: (key, value lines, status judge)
    entries: list[tuple[str, list[str], str | None]] = []
    section: str | None = None
    current: list[str] | None = None  # the value lines of the field being read
    block: list[str] = []  # unlabelled text waiting to be routed

    def flush() -> None:
        routed = _Collected()
        _route(block, section, routed)
        entries.extend(
            (k, [text], judge)
            for k, parts in routed.parts.items()
            for text, judge in parts
        )
        block.clear()

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
        if not (first.isspace() or first in _NOT_PLAIN):
            # The common `・label: value` line, without _field_line's other forms
            # (tables and 【label】 lines start otherwise).
            hit = None
            if ":" in line or "\t" in line:
                m = label_line(line)
                if m and (key := field_for_label(m.group(1).strip(" *"), section)):
                    hit = key, m.group(2)
        else:
            hit = _field_line(line, section)
        if hit is not None:
            key, value = hit
            value = value.strip()
            heading_section = None if value else section_for_heading(line)
            if heading_section is None or not _next_is_field(lines, i, heading_section):
                if block:
                    flush()
                current = [value]
                entries.append((key, current, None))
                out.structured = True
                continue
        is_heading, heading_section = _heading(line)
        if is_heading:
            if block:
                flush()
            current = None
            out.structured = True
            if heading_section is None:
                out.warnings.append(f"unknown section heading {line.strip()[:40]!r}")
            section = heading_section
            continue
        content = _LEADING_BULLET.sub("", line, count=1).strip()
        if not content:
            continue
        if current is not None:
            current.append(content)
        else:
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


# --- JSON and dicts -----------------------------------------------------------------

_TEXT_KEYS: Final = frozenset(
    {"memo", "text", "body", "本文", "メモ", "raw", "content"}
)


def _value_text(value: Any, depth: int = 0) -> str:
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
            f"{k}: {_value_text(v, depth + 1)}" for k, v in list(value.items())[:200]
        )
    if isinstance(value, list | tuple | set | frozenset):
        return "、".join(
            t for t in (_value_text(v, depth + 1) for v in list(value)[:200]) if t
        )
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)[:MAX_CHARS]


def _clean_value(text: str) -> str:
    return nfkc(text[:MAX_CHARS]).replace("\r\n", "\n")


def _collect_mapping(
    obj: Mapping[Any, Any], section: str | None, out: _Collected, depth: int = 0
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
                _collect_mapping(value, heading_section, out, depth + 1)
            elif field_key is not None:
                out.add(field_key, _clean(_value_text(value, depth + 1), out.warnings))
            else:
                _collect_mapping(value, section, out, depth + 1)
            continue
        text = _clean(_value_text(value, depth + 1), out.warnings)
        if (
            field_key in (None, "notes") or norm_key(key) in _TEXT_KEYS
        ) and "\n" in text:
            inner = _collect_text(text)
            if inner.structured:
                out.merge(inner)
                continue
        if field_key is not None:
            out.add(field_key, text)
        elif heading_section is not None:
            _route(text.split("\n"), heading_section, out)
        else:
            out.warnings.append(f"unknown key {key[:40]!r} ignored")
    out.structured = True


# --- building the memo ------------------------------------------------------------

_SPACES: Final = re.compile(r"[ \t\u3000]+")


def _normalise(text: str) -> str:
    if not ("\n" in text or "\t" in text or "  " in text or "\u3000" in text):
        return text.strip()  # the common case, without a regex
    lines = (_SPACES.sub(" ", ln).strip() for ln in text.split("\n"))
    return "\n".join(ln for ln in lines if ln)


def _as_date(value: date | None) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


_RANKED: Final[tuple[FieldStatus, ...]] = ("empty", "vague", "filled")
_EMPTY_FIELDS: Final[dict[tuple[str, bool], MemoField]] = {
    (k, present): MemoField(k, "empty", "", present)
    for k in FIELD_KEYS
    for present in (False, True)
}
_NO_SIGNALS: Final = mv.ProblemSignals()


def _read_field(key: str, parts: list[_Part], present: bool) -> tuple[MemoField, str]:
    """A field from its collected parts, and the text its status was judged on."""
    texts: list[str] = []
    judged: list[str] = []
    for text, judge in parts:
        t = _normalise(text)
        if not t:
            continue
        texts.append(t)
        if judge is None:
            judged.append(t)
        elif judge and (j := _normalise(judge)):
            judged.append(j)
    if not texts:
        return _EMPTY_FIELDS[key, present], ""
    judged = judged or texts
    rank = 0
    for t in judged:  # the best status wins
        rank = max(rank, _STATUS_RANK[field_status(key, t)])
        if rank == 2:
            break
    text = texts[0] if len(texts) == 1 else "\n".join(texts)
    own = judged[0] if len(judged) == 1 else "\n".join(judged)
    return MemoField(key, _RANKED[rank], text, present), own


def _build(
    collected: _Collected, fmt: MemoFormat, ref: date | None, warnings: list[str]
) -> Memo:
    fields: dict[str, MemoField] = {}
    live: dict[str, str] = {}  # texts of the fields that are not empty
    own: dict[str, str] = {}  # the texts their statuses were judged on
    present, parts = collected.present, collected.parts
    for key in FIELD_KEYS:
        got = parts.get(key)
        if got is None:
            fields[key] = _EMPTY_FIELDS[key, key in present]
            continue
        if len(got) == 1 and got[0][1] is None:  # one labelled line: most fields
            t = got[0][0]
            if "\n" in t or "\t" in t or "  " in t or "\u3000" in t:
                t = _normalise(t)
            else:
                t = t.strip()
            fields[key] = mf = (
                MemoField(key, _status(key, t[: md.MAX_VALUE_CHARS]), t, True)
                if t
                else _EMPTY_FIELDS[key, True]
            )
            judged = t
        else:
            mf, judged = _read_field(key, got, key in present)
            fields[key] = mf
        if mf.status != "empty":
            live[key] = mf.text
            own[key] = judged

    def txt(*keys: str) -> str:
        return "\n".join(live[k] for k in keys if k in live)

    get = live.get
    budget = get("budget", "")
    when = get("meeting_datetime", "")
    money = mv.parse_money(budget, bare_yen=True) if budget else None
    hit, clock = md.meeting_datetime(when, ref) if when else (None, None)
    if hit is not None and hit.value is None:
        warnings.append(
            "meeting date has no year or is not a valid date"
            + ("; pass reference_date to resolve it" if ref is None else "")
        )
    meeting_day = hit.value if hit else None
    meeting_text = txt(
        "meeting_datetime", "meeting_format", "attendees", "expected_content"
    )
    agreed_words = mv.agreement_cues(meeting_text)[0] if meeting_text else False
    tentative = mv.agreement_cues(when)[1] if when else False
    has_date = hit is not None
    people = get("attendees", "")
    count, titles = mv.attendees(people) if people else (None, ())
    rivals = get("competitors", "")
    names, none = mv.competitors(rivals) if rivals else ((), False)
    schedule = get("timeline", "")
    timeline_day, months = md.timeline(schedule, ref) if schedule else (None, None)
    size_text = get("company_size") or get("company", "")
    need, authority = get("need", ""), get("authority", "")
    touches, first = get("touch_count", ""), get("first_contact", "")
    form = get("meeting_format", "")
    talk = txt("competitors", "impression", "expected_content", "notes")
    # A vague cause (「人手不足も背景にありそう」) is a guess, not a signal; a
    # needs paragraph counts for the problem without the sentences of others.
    needs = "\n".join(
        own[k]
        for k in ("problem", "cause", "desired_state")
        if k in own and fields[k].status == "filled"
    )
    return Memo(
        fields=MappingProxyType(fields),
        format=fmt,
        warnings=tuple(dict.fromkeys(collected.warnings + warnings)),
        reference_date=ref,
        budget_amount_jpy=money.amount if money else None,
        budget_low_jpy=money.low if money else None,
        budget_high_jpy=money.high if money else None,
        budget_secured=mv.budget_secured(budget) if budget else None,
        meeting_at=md.combine(meeting_day, clock),
        meeting_date=meeting_day,
        meeting_time=clock if has_date else None,
        meeting_has_date=has_date,
        meeting_format=(mv.meeting_format(form) if form else None)
        or (mv.meeting_format(when) if when else None),
        meeting_agreed=has_date
        and not tentative
        and fields["meeting_datetime"].status == "filled",
        meeting_tentative=tentative,
        agreement_words=agreed_words,
        attendee_count=count,
        attendee_titles=titles,
        competitor_names=names,
        no_competitor=none,
        differences_asked=mv.differences_asked(talk) if talk else False,
        urgency=mv.urgency(need) if need else None,
        decision_maker=mv.decision_maker(authority) if authority else None,
        timeline_date=timeline_day,
        start_in_months=months,
        touch_count=mv.touch_count(touches) if touches else None,
        first_contact=md.past_date(first, ref) if first else None,
        employees=mv.employees(size_text) if size_text else None,
        annual_revenue_m=mv.revenue_millions(size_text) if size_text else None,
        problem_signals=mv.problem_signals(needs) if needs else _NO_SIGNALS,
    )


def _empty(fmt: MemoFormat, ref: date | None, warnings: list[str]) -> Memo:
    """A memo with every field empty, built without running any extractor."""
    fields = {k: MemoField(k, "empty", "", False) for k in FIELD_KEYS}
    return Memo(
        fields=MappingProxyType(fields),
        format=fmt,
        warnings=tuple(dict.fromkeys(warnings)),
        reference_date=ref,
    )


def parse_memo(
    source: str | bytes | Mapping[Any, Any] | None,
    *,
    reference_date: date | None = None,
) -> Memo:
    """Parse a memo (template text, free text, JSON text or a dict, or bytes of those).

    Never raises: unreadable input gives an empty memo with a warning. Dates
    without a year resolve against `reference_date` (usually the toss-up day).
    """
    ref = _as_date(reference_date)
    warnings: list[str] = []
    try:
        return _parse(source, ref, warnings)
    except Exception as exc:
        warnings.append(
            f"memo could not be read ({type(exc).__name__}); treated as empty"
        )
        return _empty("empty", ref, warnings)


def _parse(source: Any, ref: date | None, warnings: list[str]) -> Memo:
    if source is None:
        return _empty("empty", ref, warnings)
    if isinstance(source, bytes | bytearray | memoryview):
        source = _decode(bytes(source), warnings)
    if isinstance(source, Mapping):
        out = _Collected()
        _collect_mapping(source, None, out)
        return _build(out, "json", ref, warnings)
    if not isinstance(source, str):
        warnings.append(f"unsupported memo type {type(source).__name__}; read as text")
        source = _value_text(source)
    if _is_garbage(source):
        warnings.append("memo is not text (binary data?); treated as empty")
        return _empty("empty", ref, warnings)
    text = _clean(source, warnings)
    if not text.strip():
        return _empty("empty", ref, warnings)
    stripped = text.strip()
    if stripped.startswith("{") and stripped.endswith("}"):
        try:
            data = json.loads(stripped)
        except (ValueError, RecursionError):
            warnings.append("memo looks like JSON but is not valid JSON; read as text")
        else:
            if isinstance(data, Mapping):
                out = _Collected()
                _collect_mapping(data, None, out)
                return _build(out, "json", ref, warnings)
    collected = _collect_text(text)
    return _build(
        collected, "template" if collected.structured else "freeform", ref, warnings
    )
