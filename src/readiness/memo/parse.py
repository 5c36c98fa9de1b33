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
  (未確認, 未入手, 〜待ち, 聞けず, 記録なし, 次回確認, TBD, −, …) or hedged (らしい,
  かも, たぶん, と聞いている, 仮押さえ; a range or 〜頃/〜予定 where the field needs
  a confirmed figure or date, see `labels.hedge_spans`), and *filled* otherwise:
  「競合なし」, 「Zendeskと比較検討中」 and 「予算なし（確認済）」 are facts.
- Terse and chat keys (「予算:300万/確保済 / 決裁:部長」, 「予算→未定」,
  `DM - 社長`) are split into key lines first (`memo.lines`); prose is routed by
  `memo.route`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache
from types import MappingProxyType
from typing import Any, Final, Literal

from readiness.fields import FIELD_KEYS, FieldStatus
from readiness.memo import customer as mc
from readiness.memo import dates as md
from readiness.memo import values as mv
from readiness.memo.collect import (
    Collected,
    Part,
    clean_text,
    collect_mapping,
    collect_text,
    decode,
    is_garbage,
    value_text,
)
from readiness.memo.labels import (
    DATE_CUE,
    LABEL_WORDS,
    TOPIC_WORDS,
    has_marker,
    hedge_spans,
    hedges_whole_value,
    is_marker_only,
    marker_spans,
    says_nothing,
)

__all__ = ["Memo", "MemoField", "MemoFormat", "field_status", "parse_memo"]

MemoFormat = Literal["template", "json", "freeform", "empty"]
# A clause with a "not known" marker and at most this many informative characters
# says "unknown"; a value with such a clause is vague unless the rest of it holds
# at least MIN_INFORMATIVE_CHARS informative characters.
MARKER_CLAUSE_MAX_CHARS: Final = 6
MIN_INFORMATIVE_CHARS: Final = 8
# A value of marker clauses only is "not obtained" when they hold at most this
# many informative characters (「担当者レベルでは不明」); more is partial.
NOT_OBTAINED_MAX_CHARS: Final = 2
# Hedge words that only say "not decided": markers, not hedges.
_MARKER_HEDGES: Final = frozenset({"未定", "未確定"})
_DATE_FIELDS: Final = frozenset({"meeting_datetime", "timeline"})

# The best status wins when parts of a field combine.
_STATUS_RANK: Final[dict[str, int]] = {
    "empty": 0,
    "not_obtained": 1,
    "vague": 2,
    "filled": 3,
}


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
    urgency: mc.Urgency | None = None
    decision_maker: str | None = None
    timeline_date: date | None = None
    start_in_months: float | None = None
    touch_count: int | None = None
    first_contact: date | None = None
    employees: int | None = None
    annual_revenue_m: float | None = None
    problem_signals: mc.ProblemSignals = field(default_factory=mc.ProblemSignals)

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
    r"|ませんでした|ました|ません|です|ます|でした|っす|とのこと|ている|いる|要|の方"
    r"|ちょっと|すみません|申し訳ありません|ってことで|って感じ|なくて|んですけど"
    r"|んですよね|ですね|ちゃんと|てしまいました|てしまい|ておりません|ておらず|おります"
    r"|先方|有無|比較"
    r"|[はがのをにでともへやかよね]"
)
# The first characters of a value of bullets only (・) or of a bare "not known"
# mark (-, ー, ?, N/A, TBD): see _BULLETS_ONLY and labels.is_marker_only.
_BARE_START: Final = frozenset("・•*●○◦▪-ー−―‐—–~〜?.…_×xX/nNtT")
_NON_WORD: Final = re.compile(r"[\W_]+")
_PAREN: Final = re.compile(r"\(([^()]{1,40})\)")
# Clauses: 、。 brackets, lines, a slash not in a date (「必要らしい/未確認」).
_CLAUSE: Final = re.compile(r"[、,。;()\[\]「」『』\n]|(?<!\d)/|/(?!\d)")


# What a "not known" clause is about, before its marker: 「役職は未確認です」,
# 「当社への印象については次回確認」. A topic made only of field names names what is
# unknown and tells nothing; 「予算取りはこれから」 or 「部長の同席は調整中」 tell more.
_TOPIC_WORDS: Final = re.compile(
    "|".join(
        sorted(
            {w for words in LABEL_WORDS.values() for w in words} | set(TOPIC_WORDS),
            key=len,
            reverse=True,
        )
    )
)
_TOPIC_GLUE: Final = re.compile(
    r"(?:については|に関しては|について|に関して|への|の|は|も|と|や|および|・|/|:|\s"
    r"|まだ|現状)+"
)


# An indirect question as the topic: what is unknown, not a fact.
_ASKED: Final = re.compile(
    r".{0,20}(?:いつ|何|なに|どこ|誰|だれ|どの|どう|いくら|どれ|どんな)[^、。]{0,20}"
    r"か(?:は|も|について(?:は)?)?[、\s]*(?:まだ|現状)?\s*"
)


def _topic_only(prefix: str) -> bool:
    """Whether the text before a marker only names fields (「役職は」, 「印象には」)."""
    if _ASKED.fullmatch(prefix):  # 「いつまでに入れたいかは確認中」
        return True
    if not prefix or len(prefix) > 20:
        return False
    return not _TOPIC_GLUE.sub("", _TOPIC_WORDS.sub("", prefix))


def _informative(
    key: str, clause: str, spans: list[tuple[int, int]], *, alone: bool = False
) -> int:
    """Characters a clause says beyond markers, its label words and particles.

    `alone`: the clause is the whole value, so a topic before its marker
    (「役職は未確認です」) only names what is unknown.
    """
    if alone and spans and _topic_only(clause[: spans[0][0]]):
        clause, spans = (
            clause[spans[0][0] :],
            [(a - spans[0][0], b - spans[0][0]) for a, b in spans],
        )
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


def _whole_value_hedge(key: str, lower: str) -> bool:
    """A field's own whole-value hedge, other than 「未定」 (a marker)."""
    if not hedges_whole_value(key, lower):
        return False
    spans = hedge_spans(key, lower, approx=False)
    return any(lower[a:b] not in _MARKER_HEDGES for a, b in spans)


# Sentences of a value: each is judged alone and the best wins, so a hedged
# sentence beside a confirmed one (prose routed to one field) does not spoil it.
_SENTENCE_END: Final = re.compile(r"(?<=[。!])|\n")


@lru_cache(maxsize=32_768)  # short values (未確認, 訪問, 3回) recur across memos
def _status(key: str, t: str) -> FieldStatus:
    status = _clause_status(key, t)
    if status == "vague" and (
        "\n" in t or "。" in t.rstrip("。") or "!" in t.rstrip("!")
    ):
        parts = [s.strip() for s in _SENTENCE_END.split(t)]
        if len(parts := [s for s in parts if s]) > 1:
            ranks = [_STATUS_RANK[_clause_status(key, s)] for s in parts]
            # A fragment (「担当者レベル。」) is no confirmed fact on its own.
            if any(
                r == 3 and _informative(key, s.lower(), []) >= MIN_INFORMATIVE_CHARS
                for r, s in zip(ranks, parts, strict=True)
            ):
                return "filled"
    return status


def _clause_status(key: str, t: str) -> FieldStatus:
    if not t:
        return "empty"
    if t[0] in _BARE_START:  # only such values can be bullets or dashes alone
        if _BULLETS_ONLY.fullmatch(t):
            return "empty"
        if is_marker_only(t):
            return "not_obtained"
    lower = t.lower()
    if says_nothing(key, lower):
        return "not_obtained"
    if not has_marker(lower) and not hedge_spans(key, lower):
        return "filled"
    # 「代表番号のみ」, 「数名」, and a hedge in a bracket that qualifies the value
    # before it (「…@example.jp(共用かも)」): partial.
    if _whole_value_hedge(key, lower) or (
        "(" in lower
        and any(hedge_spans(key, p, lower, approx=False) for p in _PAREN.findall(lower))
    ):
        return "vague"
    unknown, hedged, informative, told = False, False, 0, 0
    clauses = [c for c in _CLAUSE.split(lower) if c.strip()]
    for clause in clauses:
        spans = marker_spans(clause)
        if key == "competitors":  # 「Zendeskと比較検討中」: comparing is the fact
            spans = [(a, b) for a, b in spans if clause[a:b] != "検討中"]
        chars = _informative(key, clause, spans, alone=len(clauses) == 1)
        # A hedged clause (「事業部長決裁だと思われる」) is no confirmed fact however
        # long it is; an unknown marker only with little else beside it.
        hedges = [
            (a, b)
            for a, b in hedge_spans(key, clause, lower)
            if clause[a:b] not in _MARKER_HEDGES
        ]
        if hedges or (spans and chars <= MARKER_CLAUSE_MAX_CHARS):
            unknown = True
            # 「たぶん未定」 is still unknown; 「6回くらい」 says something, unsure.
            real = [sp for sp in spans if sp not in hedges]  # 未定 in 「未定?」
            hedged = hedged or bool(
                hedges and (not real or chars > NOT_OBTAINED_MAX_CHARS)
            )
            told += chars
            # 「来週で調整中」: a rough date is partial for a date field.
            if key in _DATE_FIELDS and DATE_CUE.search(clause):
                hedged = True
        else:
            informative += chars
    if not unknown:
        return "filled"
    # 「12/29 10時(最終確認待ち)」: a date waiting on a confirmation is not agreed.
    if key == "meeting_datetime" and DATE_CUE.search(lower):
        hedged = True
    # A hedge is never outweighed: 「6/12(木)で仮押さえ」 and 「問い合わせ経由らしい」
    # beside a concrete clause are still unsure.
    if hedged:
        return "vague"
    if informative >= MIN_INFORMATIVE_CHARS:
        return "filled"
    # Partial when the value tells something beyond its markers: a hedge, a
    # clause without a marker, or a marker clause that names more than its topic.
    if hedged or informative or told > NOT_OBTAINED_MAX_CHARS:
        return "vague"
    return "not_obtained"


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


_RANKED: Final[tuple[FieldStatus, ...]] = ("empty", "not_obtained", "vague", "filled")
_EMPTY_FIELDS: Final[dict[tuple[str, bool], MemoField]] = {
    (k, present): MemoField(k, "empty", "", present)
    for k in FIELD_KEYS
    for present in (False, True)
}
_NO_SIGNALS: Final = mc.ProblemSignals()


def _read_field(key: str, parts: list[Part], present: bool) -> tuple[MemoField, str]:
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
        if rank == 3:
            break
    text = texts[0] if len(texts) == 1 else "\n".join(texts)
    own = judged[0] if len(judged) == 1 else "\n".join(judged)
    return MemoField(key, _RANKED[rank], text, present), own


def _build(
    collected: Collected, fmt: MemoFormat, ref: date | None, warnings: list[str]
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
        urgency=mc.urgency(need) if need else None,
        decision_maker=mv.decision_maker(authority) if authority else None,
        timeline_date=timeline_day,
        start_in_months=months,
        touch_count=mc.touch_count(touches) if touches else None,
        first_contact=md.past_date(first, ref) if first else None,
        employees=mc.employees(size_text) if size_text else None,
        annual_revenue_m=mc.revenue_millions(size_text) if size_text else None,
        problem_signals=mc.problem_signals(needs) if needs else _NO_SIGNALS,
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
        source = decode(bytes(source), warnings)
    if isinstance(source, Mapping):
        out = Collected()
        collect_mapping(source, None, out)
        return _build(out, "json", ref, warnings)
    if not isinstance(source, str):
        warnings.append(f"unsupported memo type {type(source).__name__}; read as text")
        source = value_text(source)
    if is_garbage(source):
        warnings.append("memo is not text (binary data?); treated as empty")
        return _empty("empty", ref, warnings)
    text = clean_text(source, warnings)
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
                out = Collected()
                collect_mapping(data, None, out)
                return _build(out, "json", ref, warnings)
    collected = collect_text(text)
    return _build(
        collected, "template" if collected.structured else "freeform", ref, warnings
    )
