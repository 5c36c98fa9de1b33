"""Render the hand-off memo an IS rep writes at toss-up, and record what it says.

The world decides what the rep knows (`MemoFacts.levels`: 0 not recorded, 1 vague,
2 concrete per information element); this module turns that into the text a
real rep would paste: the domain.md template by default, drifting in format with
the rep's `drift` and getting terser with low `diligence`. Alongside the text it
records, per field, what a careful parser should read (`FieldTruth`), so the memo
parser can be tested against ground truth.

All randomness comes from the caller's generator, drawn in blocks of uniforms
(`_Dice`) because per-call numpy overhead would dominate at ~35k memos per world.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final

import numpy as np

from readiness.fields import FIELD_KEYS, SECTIONS, field, fields_of_section
from readiness.simulate import memo_phrases as P


@dataclass(frozen=True)
class MemoFacts:
    """What the IS rep knows and decides to record about one lead."""

    lead_id: str
    tossed_up_at: datetime
    company_name: str
    industry: str
    employees: int
    annual_revenue_m: float  # 百万円
    contact_name: str
    contact_title: str
    contact_role: str  # decision_maker | influencer | staff
    first_contact: date
    touch_count: int
    touch_kinds: tuple[str, ...]
    levels: Mapping[str, int]  # element key -> 0 not recorded, 1 vague, 2 concrete
    problem_theme: str
    budget_secured: bool
    budget_amount_man: int | None  # 万円
    decision_maker_title: str
    approval_steps: tuple[str, ...]
    urgency: str  # high | mid | low
    start_in_months: int
    competitors: tuple[str, ...]  # empty = confirmed no competitor (level 2)
    concern: str  # price | implementation_effort | support | features | security
    differences_asked: bool
    meeting_at: datetime | None
    meeting_format: str  # visit | online
    attendees: tuple[str, ...]
    drift: float  # 0..1 weight of format drift for this rep
    diligence: float  # 0..1 how carefully this rep writes


@dataclass(frozen=True)
class FieldTruth:
    status: str  # filled | vague | empty, as a parser should read the text
    value: Mapping[str, object]
    free_text: bool = False  # content sits in a paragraph, not a labelled line


@dataclass(frozen=True)
class RenderedMemo:
    text: str
    fields: Mapping[str, FieldTruth]


# --- constants ------------------------------------------------------------------
_SECTION_KEYS: Final = tuple(s.key for s in SECTIONS)
_SECTION_JA: Final = {s.key: s.ja for s in SECTIONS}
_SECTION_EN: Final = {s.key: s.en for s in SECTIONS}
_SECTION_FIELDS: Final = {
    s.key: tuple(f.key for f in fields_of_section(s.key)) for s in SECTIONS
}
_LABEL_JA: Final = {k: field(k).ja for k in FIELD_KEYS}
_WEEKDAYS: Final = "月火水木金土日"
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
_MEETING_FIELDS: Final = (
    "meeting_datetime",
    "meeting_format",
    "attendees",
    "expected_content",
)
_EMPTY_VALUES: Final[dict[str, dict[str, object]]] = {
    "budget": {
        "amount_jpy": None,
        "secured": None,
        "amount_low_jpy": None,
        "amount_high_jpy": None,
    },
    "meeting_datetime": {"date": None, "time": None},
    "meeting_format": {"format": None},
    "attendees": {"count": None, "titles": []},
    "competitors": {"names": [], "none": False},
    "impression": {"differences_asked": False},
    "expected_content": {"differences_asked": False},
    "need": {"urgency": None},
    "company_size": {"employees": None, "annual_revenue_m": None},
    "problem": {"concrete": False},
    "cause": {"concrete": False},
    "desired_state": {"concrete": False},
}
_FILLED: Final = "filled"
_VAGUE: Final = "vague"
_EMPTY: Final = "empty"


class _Dice:
    """Uniform draws from the caller's generator, fetched in blocks for speed."""

    __slots__ = ("_i", "_rng", "_u")

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self._u: list[float] = rng.random(96).tolist()
        self._i = 0

    def u(self) -> float:
        i = self._i
        if i == len(self._u):
            self._u = self._rng.random(64).tolist()
            i = 0
        self._i = i + 1
        return self._u[i]

    def chance(self, p: float) -> bool:
        return self.u() < p

    def pick(self, seq: Sequence[str]) -> str:
        return seq[int(self.u() * len(seq))]

    def randint(self, lo: int, hi: int) -> int:
        """Integer in [lo, hi]."""
        return lo + int(self.u() * (hi - lo + 1))


class _Field:
    """A field as written. `generic` marks a level-1 needs text without a marker.

    Generic needs (「業務を効率化したい」) are laid out like the other level-1 texts
    (`status` vague) but recorded as filled and not concrete: the text says
    something, and the rubric judges its lack of concreteness by the problem
    signals, not by the field status.
    """

    __slots__ = ("generic", "status", "text", "value")

    def __init__(
        self, status: str, text: str, value: dict[str, object] | None = None
    ) -> None:
        self.status = status
        self.text = text
        self.value: dict[str, object] = value if value is not None else {}
        self.generic = False

    def truth(self, free_text: bool) -> FieldTruth:
        status = _FILLED if self.generic else self.status
        return FieldTruth(status, self.value, free_text)


def _empty(key: str) -> _Field:
    base = _EMPTY_VALUES.get(key)
    return _Field(_EMPTY, "", dict(base) if base is not None else {})


def _vague(key: str, text: str) -> _Field:
    base = _EMPTY_VALUES.get(key)
    return _Field(_VAGUE, text, dict(base) if base is not None else {})


def _vague_or_empty(key: str, bank: Sequence[str], d: _Dice) -> _Field:
    return _vague(key, d.pick(bank)) if d.chance(0.6) else _empty(key)


def _weak_needs(fld: _Field) -> _Field:
    """Mark a level-1 needs text that names no "not known" marker as generic."""
    fld.generic = fld.text in P.NEEDS_GENERIC
    return fld


def render_memo(facts: MemoFacts, rng: np.random.Generator) -> RenderedMemo:
    """Write the memo for one toss-up and the per-field truth of what it says."""
    d = _Dice(rng)
    lv = facts.levels
    slots = _slots(facts, d, full=lv.get("problem", 0) >= 2)
    out: dict[str, _Field] = {}
    _basics(facts, d, lv.get("basics", 0), out)
    _history(facts, d, out)
    _problem(facts, d, lv.get("problem", 0), slots, out)
    _bant(facts, d, lv, slots, out)
    _competition(facts, d, lv.get("competition", 0), slots, out)
    _meeting(facts, d, lv.get("next_action", 0), slots, out)
    _notes(facts, d, out)
    return _layout(facts, d, out)


# --- content ----------------------------------------------------------------------
def _slots(f: MemoFacts, d: _Dice, *, full: bool) -> dict[str, object]:
    """Nouns and numbers the texts talk about, scaled to the company.

    Only concrete problem texts need the full set; the rest use a few slots.
    """
    nouns = P.INDUSTRY_NOUNS.get(f.industry, P.INDUSTRY_NOUNS["manufacturing"])
    emp = max(f.employees, 5)
    systems = nouns["sys"]
    i = int(d.u() * len(systems))
    n = d.randint(2, max(3, min(40, emp // 8)))
    toss = f.tossed_up_at
    month = (toss.month + d.randint(1, 5) - 1) % 12 + 1
    feature = P.THEME_FEATURE.get(f.problem_theme, "基本機能")
    if not full:
        return {"sys": systems[i], "n": n, "month": month, "feature": feature}
    j = (i + 1 + int(d.u() * (len(systems) - 1))) % len(systems)
    h = 5 * d.randint(4, 32)
    dd = d.randint(3, 10)
    pct = 5 * d.randint(2, 8)
    cost = 50 * d.randint(4, 60)
    costm = 5 * d.randint(4, 60)
    mins = 5 * d.randint(2, 12)
    return {
        "work": d.pick(nouns["work"]),
        "doc": d.pick(nouns["doc"]),
        "site": d.pick(nouns["site"]),
        "team": d.pick(nouns["team"]),
        "cust": d.pick(nouns["cust"]),
        "sys": systems[i],
        "sys2": systems[j],
        "feature": feature,
        "n": n,
        "n2": n + d.randint(3, 30),
        "c": f"{10 * d.randint(3, 150):,}",
        "c2": d.randint(3, 30),
        "c3": 10 * d.randint(2, 30),
        "h": h,
        "h2": max(5, 5 * round(h * (0.3 + 0.4 * d.u()) / 5)),
        "h3": 5 * d.randint(2, 6),
        "hw": d.randint(3, 12),
        "hh": d.randint(2, 8),
        "dd": dd,
        "dd2": d.randint(1, dd - 1),
        "sites": d.randint(2, max(3, min(40, emp // 30 + 2))),
        "k": d.randint(2, 5),
        "k2": d.randint(1, 3),
        "pct": pct,
        "pct2": min(90, pct + 5 * d.randint(2, 6)),
        "mins": mins,
        "mins2": max(3, mins // 3),
        "cost": f"{cost:,}",
        "cost2": f"{max(10, round(cost * pct / 1000) * 10):,}",
        "costm": costm,
        "costm2": max(5, round(costm * 0.12) * 5),
        "y": d.randint(5, 20),
        "mon": d.randint(2, 6),
        "month": month,
        "hrs": 24 if d.chance(0.6) else 48,
    }


def _basics(f: MemoFacts, d: _Dice, level: int, out: dict[str, _Field]) -> None:
    terse = d.u() > f.diligence
    company = f.company_name
    if f.drift > 0 and d.chance(f.drift * 0.15) and company.startswith("株式会社"):
        company = d.pick(("㈱", "(株)", "（株）")) + company[4:]
    elif d.chance(0.15):
        company += "様"
    out["company"] = _Field(_FILLED, company)
    keys = ("contact", "contact_info", "company_size")
    if level >= 2:
        weak: tuple[bool, ...] = (False, False, False)
    elif level == 1:
        weak = (d.chance(0.5), d.chance(0.5), d.chance(0.5))
        if not any(weak):
            k = d.randint(0, 2)
            weak = (k == 0, k == 1, k == 2)
    else:
        weak = (True, True, True)
    sei = f.contact_name.split(" ")[0] if f.contact_name else "ご担当者"
    dept = f.contact_title.split(" ")[0] if " " in f.contact_title else "先方"
    for key, is_weak in zip(keys, weak, strict=True):
        if not is_weak:
            if key == "contact":
                out[key] = _Field(_FILLED, _contact_text(f, d, sei, terse))
            elif key == "contact_info":
                # An address would give away a name the memo says is unknown.
                known = "" if weak[0] else sei
                out[key] = _Field(_FILLED, _contact_info_text(d, known))
            else:
                out[key] = _company_size(f, d, terse)
        elif level == 0:
            out[key] = _empty(key)
        else:
            bank = {
                "contact": P.CONTACT_VAGUE,
                "contact_info": P.CONTACT_INFO_VAGUE,
                "company_size": P.SIZE_VAGUE,
            }[key]
            fld = _vague_or_empty(key, bank, d)
            fld.text = fld.text.format(sei=sei, dept=dept)
            out[key] = fld


def _contact_text(f: MemoFacts, d: _Dice, sei: str, terse: bool) -> str:
    name, title = f.contact_name, f.contact_title
    forms = (
        f"{name} / {title}",
        f"{name}（{title}）",
        f"{title} {sei}様",
        f"{name}様／{title}",
        f"{sei}様（{title}）",
    )
    text = d.pick(forms)
    if not terse and d.chance(0.4):
        text += d.pick(P.ROLE_NOTES.get(f.contact_role, ("",)))
    return text


def _contact_info_text(d: _Dice, sei: str) -> str:
    area = d.pick(P.AREA_CODES)
    if d.chance(0.2):
        phone = f"090-{d.randint(1000, 9999)}-{d.randint(1000, 9999)}"
    elif len(area) == 2:
        phone = f"{area}-{d.randint(3000, 6999)}-{d.randint(1000, 9999)}"
    else:
        phone = f"{area}-{d.randint(200, 999)}-{d.randint(1000, 9999)}"
    romaji = P.SURNAME_ROMAJI.get(sei)
    if romaji is None:
        return d.pick((phone, f"{phone}（メールは名刺参照）", f"TEL {phone}"))
    initial = d.pick(P.GIVEN_INITIALS)
    local = d.pick(
        (romaji, f"{initial}.{romaji}", f"{romaji}-{initial}", f"{initial}{romaji}")
    )
    mail = f"{local}@{d.pick(P.MAIL_DOMAINS)}"
    return d.pick(
        (
            f"{phone} / {mail}",
            f"TEL {phone}、Mail {mail}",
            f"{mail}（直通 {phone}）",
            f"{phone}（メールは名刺参照）",
            f"{mail} / {phone}",
        )
    )


def _company_size(f: MemoFacts, d: _Dice, terse: bool) -> _Field:
    e = max(int(f.employees), 1)
    if e < 20 or d.chance(0.25):
        emp, approx = e, ""
    else:
        step = 10 if e < 1000 else 100
        emp = max(step, round(e / step) * step)
        approx = d.pick(("約", "約", ""))
    emp_txt = f"{emp:,}" if emp >= 1000 and d.chance(0.7) else str(emp)
    e_part = (
        approx
        + emp_txt
        + d.pick(("名", "名", "人"))
        + ("規模" if not approx and d.chance(0.2) else "")
    )
    r = float(f.annual_revenue_m)
    if r >= 1000:
        v = round(r / 100)
        rev, r_txt = float(v * 100), f"{v:,}億円" if v >= 1000 else f"{v}億円"
    elif r >= 100:
        v1 = round(r / 10) / 10
        rev = round(v1 * 100, 1)
        r_txt = f"{int(v1)}億円" if v1 == int(v1) else f"{v1}億円"
    else:
        v2 = max(1, round(r))
        rev, r_txt = float(v2), f"{v2 * 100:,}万円"
    r_txt = d.pick(("売上", "売上高", "年商", "売上")) + d.pick(("約", "")) + r_txt
    if terse and d.chance(0.3):
        return _Field(
            _FILLED, "従業員" + e_part, {"employees": emp, "annual_revenue_m": None}
        )
    text = d.pick(
        (
            f"従業員{e_part}・{r_txt}",
            f"{e_part}／{r_txt}",
            f"従業員数{e_part}、{r_txt}",
            f"{e_part}（{r_txt}）",
        )
    )
    return _Field(_FILLED, text, {"employees": emp, "annual_revenue_m": rev})


def _history(f: MemoFacts, d: _Dice, out: dict[str, _Field]) -> None:
    fc = f.first_contact
    toss = f.tossed_up_at.date()
    recent = 0 <= (toss - fc).days < 300
    k = d.randint(0, 4 if recent else 2)
    if k == 0:
        txt = f"{fc.year}/{fc.month}/{fc.day}"
    elif k == 1:
        txt = f"{fc.year}-{fc.month:02d}-{fc.day:02d}"
    elif k == 2:
        txt = f"{fc.year}年{fc.month}月{fc.day}日"
    elif k == 3:
        txt = f"{fc.month}/{fc.day}"
    else:
        txt = f"{fc.month}月{fc.day}日"
    kinds = [kd for kd in f.touch_kinds if kd in P.TOUCH_LONG]
    if kinds and d.chance(0.3):
        txt += f"（{P.TOUCH_SHORT[kinds[0]]}）"
    out["first_contact"] = _Field(_FILLED, txt, {"date": fc})
    out["touch_count"] = _Field(
        _FILLED,
        d.pick(P.TOUCH_COUNT).format(n=f.touch_count),
        {"count": int(f.touch_count)},
    )
    terse = d.u() > f.diligence
    if terse and d.chance(0.25 * (1 - f.diligence)):
        out["touch_summary"] = _empty("touch_summary")
        return
    bank = P.TOUCH_SHORT if terse else P.TOUCH_LONG
    labels = list(dict.fromkeys(bank[kd] for kd in kinds)) or [
        "電話・メールでのやりとり"
    ]
    if f.levels.get("next_action", 0) == 2 and d.chance(0.4):
        labels.append("商談設定")
    summary = d.pick(P.TOUCH_JOINERS).join(labels)
    out["touch_summary"] = _Field(_FILLED, summary)


def _problem(
    f: MemoFacts, d: _Dice, level: int, slots: dict[str, object], out: dict[str, _Field]
) -> None:
    theme = f.problem_theme if f.problem_theme in P.PROBLEM else "manual_work"
    if level >= 2:
        terse = d.u() > f.diligence + 0.15
        if terse:
            texts = (
                d.pick(P.PROBLEM_TERSE[theme]),
                d.pick(P.CAUSE_TERSE),
                d.pick(P.DESIRED_TERSE[theme]),
            )
        else:
            texts = (
                d.pick(P.PROBLEM[theme]),
                d.pick(P.CAUSE[theme]),
                d.pick(P.DESIRED[theme]),
            )
        tails = ("", "", "とのこと", "（先方談）")
        for key, tmpl in zip(("problem", "cause", "desired_state"), texts, strict=True):
            text = tmpl.format(**slots)
            if not terse and key == "problem":
                text += d.pick(tails)
            out[key] = _Field(_FILLED, text, {"concrete": True})
    elif level == 1:
        if d.chance(0.7):
            bank = P.PROBLEM_GENERIC[theme] if d.chance(0.7) else P.PROBLEM_GENERAL
            out["problem"] = _weak_needs(_vague("problem", d.pick(bank)))
        else:
            out["problem"] = _vague("problem", d.pick(P.PROBLEM_VAGUE))
        out["cause"] = _weak_needs(_vague_or_empty("cause", P.CAUSE_VAGUE, d))
        out["desired_state"] = _weak_needs(
            _vague_or_empty("desired_state", P.DESIRED_VAGUE, d)
        )
    else:
        for key in ("problem", "cause", "desired_state"):
            out[key] = _empty(key)


def _amount(man: int, d: _Dice) -> tuple[str, float, float, float]:
    """Write an amount of 万円 the way reps do; return text, value, low, high (円)."""
    step = 10 if man < 100 else 50 if man < 1000 else 100 if man < 10000 else 1000
    nice = max(step, round(man / step) * step)
    k = d.randint(0, 5)
    if k == 5 and nice >= 100:  # a range around the amount
        low = max(step, round(man * 0.7 / step) * step)
        high = max(low + step, round(man * 1.3 / step) * step)
        sep = d.pick(("〜", "〜", "～", "-"))
        if low >= 10000:
            text = f"{low / 1e4:g}{sep}{high / 1e4:g}億円"
        else:
            text = (
                f"{low:,}{sep}{high:,}万円" if low >= 1000 else f"{low}{sep}{high}万円"
            )
        return text, (low + high) / 2 * 1e4, low * 1e4, high * 1e4
    if nice >= 10000 and d.chance(0.7):
        oku = round(nice / 1000) / 10
        body = f"{int(oku)}億円" if oku == int(oku) else f"{oku}億円"
        value = oku * 1e8
    else:
        body = f"{nice:,}万円" if nice >= 1000 and d.chance(0.7) else f"{nice}万円"
        value = nice * 1e4
    if k in (1, 2):
        body = "約" + body
    elif k == 3:
        body += "前後"
    elif k == 4:
        body += "程度"
    return body, value, value, value


def _bant(
    f: MemoFacts,
    d: _Dice,
    lv: Mapping[str, int],
    slots: dict[str, object],
    out: dict[str, _Field],
) -> None:
    terse = d.u() > f.diligence
    # Budget
    level = lv.get("budget", 0)
    if level >= 2:
        period = d.pick(P.PERIODS)
        value: dict[str, object] = dict(_EMPTY_VALUES["budget"])
        value["secured"] = bool(f.budget_secured)
        man = f.budget_amount_man
        if f.budget_secured and man:
            a, amt, low, high = _amount(man, d)
            bank = P.BUDGET_SECURED_TERSE if terse else P.BUDGET_SECURED
            text = d.pick(bank).format(a=a, p=period)
            value.update(amount_jpy=amt, amount_low_jpy=low, amount_high_jpy=high)
        elif f.budget_secured:
            text = d.pick(P.BUDGET_SECURED_NO_AMOUNT).format(p=period)
        elif man and d.chance(0.4):
            a, amt, low, high = _amount(man, d)
            text = d.pick(P.BUDGET_NOT_SECURED_AMOUNT).format(a=a, p=period)
            value.update(amount_jpy=amt, amount_low_jpy=low, amount_high_jpy=high)
        else:
            text = d.pick(P.BUDGET_NOT_SECURED).format(p=period)
        out["budget"] = _Field(_FILLED, text, value)
    elif level == 1:
        out["budget"] = _vague("budget", d.pick(P.BUDGET_VAGUE))
    else:
        out["budget"] = _empty("budget")
    # Authority
    level = lv.get("authority", 0)
    if level >= 2:
        dm = f.decision_maker_title or "部長"
        if f.approval_steps:
            steps = d.pick(P.STEP_JOINERS).join(f.approval_steps)
            text = d.pick(P.AUTHORITY).format(dm=dm, steps=steps)
        else:
            text = d.pick(P.AUTHORITY_SOLE).format(dm=dm)
        if f.contact_role == "decision_maker" and not terse and d.chance(0.5):
            text += "。面談者本人が決裁者"
        out["authority"] = _Field(_FILLED, text)
    else:
        out["authority"] = (
            _vague("authority", d.pick(P.AUTHORITY_VAGUE))
            if level == 1
            else _empty("authority")
        )
    # Need
    level = lv.get("need", 0)
    if level >= 2:
        urg = f.urgency if f.urgency in P.URGENCY_JA else "mid"
        if urg == "high":
            reason = d.pick(
                P.NEED_HIGH.get(f.problem_theme, P.NEED_HIGH["manual_work"])
            )
        else:
            reason = d.pick(P.NEED_MID if urg == "mid" else P.NEED_LOW)
        reason = reason.format(month=slots["month"])
        u = d.pick(P.URGENCY_JA[urg])
        if f.drift > 0 and d.chance(f.drift * 0.2):
            u = P.URGENCY_EN[urg]
        if terse and d.chance(0.5):
            text = f"{u}（{reason}）"
        else:
            text = d.pick(P.NEED).format(u=u, r=reason)
        out["need"] = _Field(_FILLED, text, {"urgency": urg})
    else:
        out["need"] = (
            _vague("need", d.pick(P.NEED_VAGUE)) if level == 1 else _empty("need")
        )
    # Timeline
    level = lv.get("timeline", 0)
    if level >= 2:
        toss = f.tossed_up_at
        months = max(1, int(f.start_in_months))
        sy, sm0 = divmod(toss.year * 12 + toss.month - 1 + months, 12)
        ey, em0 = divmod(
            toss.year * 12 + toss.month - 1 + max(0, months - d.randint(1, 2)), 12
        )
        parts = {"sy": sy, "sm": sm0 + 1, "ey": ey, "em": em0 + 1, "nm": months}
        bank = P.TIMELINE_TERSE if terse else P.TIMELINE
        out["timeline"] = _Field(_FILLED, d.pick(bank).format(**parts))
    else:
        out["timeline"] = (
            _vague("timeline", d.pick(P.TIMELINE_VAGUE))
            if level == 1
            else _empty("timeline")
        )


def _competition(
    f: MemoFacts, d: _Dice, level: int, slots: dict[str, object], out: dict[str, _Field]
) -> None:
    if level >= 2:
        if f.competitors:
            names = list(f.competitors)
            comp = _Field(
                _FILLED,
                d.pick(P.COMP_SEPARATORS).join(names),
                {"names": names, "none": False},
            )
        else:
            comp = _Field(
                _FILLED,
                d.pick(P.COMP_NONE).format(**slots),
                {"names": [], "none": True},
            )
        out["competitors"] = comp
        parts = []
        if d.chance(0.6):
            parts.append(d.pick(P.IMPRESSION_POSITIVE))
        concern = f.concern if f.concern in P.CONCERN else "price"
        parts.append(d.pick(P.CONCERN[concern]).format(**slots))
        if f.differences_asked:
            target = (
                f.competitors[0]
                if f.competitors
                else d.pick(P.DIFF_BASELINE).format(**slots)
            )
            aspect = d.pick(P.CONCERN_ASPECT[concern])
            parts.append(d.pick(P.DIFF_ASKED).format(comp=target, aspect=aspect))
        out["impression"] = _Field(
            _FILLED, "。".join(parts), {"differences_asked": bool(f.differences_asked)}
        )
    elif level == 1:
        out["competitors"] = _vague("competitors", d.pick(P.COMP_VAGUE))
        out["impression"] = _vague_or_empty("impression", P.IMPRESSION_VAGUE, d)
    else:
        out["competitors"] = _empty("competitors")
        out["impression"] = _empty("impression")


def _meeting_datetime(at: datetime, toss: datetime, d: _Dice) -> str:
    y, m, day, hh, mm = at.year, at.month, at.day, at.hour, at.minute
    wd = _WEEKDAYS[at.weekday()]
    end = at + timedelta(hours=1)
    eh = end.hour
    kanji = f"{hh}時" if mm == 0 else f"{hh}時半" if mm == 30 else f"{hh}:{mm:02d}"
    next_monday = toss.date() + timedelta(days=7 - toss.weekday())
    if next_monday <= at.date() < next_monday + timedelta(days=7) and d.chance(0.3):
        if d.chance(0.5):
            return f"来週{wd}曜 {kanji}"
        return f"来週{wd}曜（{m}/{day}）{hh}:{mm:02d}〜"
    k = d.randint(0, 5)
    if k == 0:
        return f"{y}/{m}/{day} {hh}:{mm:02d}"
    if k == 1:
        return f"{y}-{m:02d}-{day:02d} {hh:02d}:{mm:02d}"
    if k == 2:
        return f"{m}月{day}日({wd}) {hh}:{mm:02d}〜"
    if k == 3:
        return f"{m}/{day}({wd}) {hh}:{mm:02d}-{eh}:{mm:02d}"
    if k == 4:
        return f"{y}年{m}月{day}日（{wd}）{kanji}〜"
    return f"{m}/{day}（{wd}）{hh}:{mm:02d}〜{eh}:{mm:02d}"


def _meeting(
    f: MemoFacts, d: _Dice, level: int, slots: dict[str, object], out: dict[str, _Field]
) -> None:
    if level >= 2 and f.meeting_at is not None:
        at = f.meeting_at
        agreed_here = d.chance(0.5)
        text = _meeting_datetime(at, f.tossed_up_at, d)
        if agreed_here:
            text += f"（{d.pick(P.AGREED)}）"
        out["meeting_datetime"] = _Field(
            _FILLED, text, {"date": at.date(), "time": f"{at.hour:02d}:{at.minute:02d}"}
        )
        fmt = "visit" if f.meeting_format == "visit" else "online"
        if f.drift > 0 and d.chance(f.drift * 0.15):
            fmt_text = d.pick(P.FORMAT_EN[fmt])
        else:
            fmt_text = d.pick(P.FORMAT_VISIT if fmt == "visit" else P.FORMAT_ONLINE)
        out["meeting_format"] = _Field(_FILLED, fmt_text, {"format": fmt})
        titles = list(f.attendees) or [f.contact_title]
        t = d.pick(P.TITLE_SEPARATORS).join(titles)
        out["attendees"] = _Field(
            _FILLED,
            d.pick(P.ATTENDEES).format(n=len(titles), t=t),
            {"count": len(titles), "titles": titles},
        )
        items = [d.pick(P.EXPECTED_BY_CONCERN.get(f.concern, P.EXPECTED_ITEMS))]
        extra = d.pick(P.EXPECTED_ITEMS)
        if extra != items[0] and d.u() < f.diligence + 0.2:
            items.append(extra)
        asked = f.differences_asked and d.chance(0.6)
        if asked:
            items.append("他社との違いの説明")
        ind = P.INDUSTRY_JA.get(f.industry, "同業")
        text = "、".join(items).format(ind=f"同業（{ind}）", feature=slots["feature"])
        text += d.pick(P.EXPECTED_TAILS)
        if not agreed_here:
            text += f"。{d.pick(P.AGREED)}"
        out["expected_content"] = _Field(
            _FILLED, text, {"differences_asked": bool(asked)}
        )
    elif level >= 1:
        out["meeting_datetime"] = _vague("meeting_datetime", d.pick(P.MEETING_VAGUE))
        out["meeting_format"] = _vague_or_empty("meeting_format", P.FORMAT_VAGUE, d)
        out["attendees"] = _vague_or_empty("attendees", P.ATTENDEES_VAGUE, d)
        out["expected_content"] = _vague_or_empty(
            "expected_content", P.EXPECTED_VAGUE, d
        )
    else:
        for key in _MEETING_FIELDS:
            out[key] = _empty(key)


def _notes(f: MemoFacts, d: _Dice, out: dict[str, _Field]) -> None:
    if d.chance(0.15 + 0.45 * (1 - f.diligence)):
        out["notes"] = _empty("notes")
        return
    pool: list[str] = []
    for kd in f.touch_kinds:
        pool.extend(P.NOTES_BY_KIND.get(kd, ()))
    pool.extend(P.NOTES_ROLE.get(f.contact_role, ()))
    age = (f.tossed_up_at.date() - f.first_contact).days
    if age > 150:
        pool.append(P.NOTES_LONG_AGO.format(m=age // 30))
    elif 0 <= age < 21:
        pool.append(P.NOTES_QUICK.format(d=max(age, 1)))
    if f.touch_count >= 8:
        pool.append(P.NOTES_MANY)
    elif f.touch_count <= 2:
        pool.append(P.NOTES_FEW.format(n=f.touch_count))
    pool.append(d.pick(P.NOTES_GENERAL))
    first = pool[int(d.u() * len(pool))]
    notes = [first]
    if f.diligence > 0.5 and d.chance(0.45):
        second = pool[int(d.u() * len(pool))]
        if second != first:
            notes.append(second)
    out["notes"] = _Field(_FILLED, "\n".join(notes))


# --- layout ---------------------------------------------------------------------------
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


def _style(f: MemoFacts, d: _Dice) -> _Style:
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


def _section_order(d: _Dice, drift: float) -> list[str]:
    order = list(_SECTION_KEYS)
    if drift > 0 and d.chance(drift * 0.3):
        if d.chance(0.4):  # the appointment first: what FS looks for
            order.remove("meeting")
            order.insert(1, "meeting")
        else:
            sec = order.pop(d.randint(1, len(order) - 1))
            order.insert(d.randint(1, len(order)), sec)
    return order


def _heading(s: _Style, key: str, d: _Dice) -> str:
    if s.labels == "en":
        title = _SECTION_EN[key]
    elif s.labels == "short" and d.chance(0.5):
        title = d.pick(P.SECTION_SHORT[key])
    else:
        title = _SECTION_JA[key]
    return s.heading.format(title)


def _label(s: _Style, key: str, d: _Dice) -> str:
    if s.labels == "template":
        return _LABEL_JA[key]
    if s.labels == "en":
        return d.pick(P.LABEL_EN[key]) if d.u() < 0.85 else _LABEL_JA[key]
    return d.pick(P.LABEL_SHORT[key]) if d.u() < 0.65 else _LABEL_JA[key]


def _wrap(text: str, d: _Dice) -> tuple[str, str]:
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


def _paragraph(sec: str, out: dict[str, _Field], d: _Dice) -> list[str]:
    """A section written as free text; every field in it shares one status."""
    texts = {k: _sentence(k, out[k]) for k in _SECTION_FIELDS[sec]}
    if sec == "competition" and out["competitors"].value.get("names"):
        texts["competitors"] = out["competitors"].text + "と比較中"
    elif sec == "meeting" and out["meeting_datetime"].status == _FILLED:
        texts["meeting_datetime"] += f"、{texts.pop('meeting_format')}で実施"
        texts["attendees"] = "先方参加者は" + texts["attendees"].replace("：", "、")
    sentences = [t if t.endswith("。") else t + "。" for t in texts.values() if t]
    if d.chance(0.5):
        return ["".join(sentences)]
    return sentences


def _sentence(key: str, fld: _Field) -> str:
    """A field's value as a sentence of prose: bare markers get their topic."""
    text = fld.text
    if fld.status == _VAGUE and (text in P.NOT_KNOWN_ALONE or len(text) <= 4):
        marker = "未確認" if text in ("-", "ー", "−", "－") else text
        return P.PARA_TOPIC.get(key, "") + marker
    words = P.PARA_TOPIC_WORDS.get(key)
    if fld.status == _VAGUE and words and not any(w in text for w in words):
        # Out of its labelled line, 「詳細は未確認」 no longer says whose details.
        topic = P.PARA_TOPIC[key]
        if text.startswith("詳細"):
            return topic.removesuffix("は") + "の" + text
        return topic + text
    if key == "desired_state" and fld.status == _FILLED and not text.endswith("たい"):
        return text + "を目指したい"
    return text


def _layout(f: MemoFacts, d: _Dice, out: dict[str, _Field]) -> RenderedMemo:
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
        if statuses == {_EMPTY} and d.chance(s.p_missing_section):
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
            and _EMPTY not in statuses
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
    key: str, fld: _Field, s: _Style, d: _Dice, lines: list[str], f: MemoFacts
) -> None:
    if fld.status == _EMPTY and d.chance(s.p_missing_line):
        return
    bullet, colon = s.bullet, s.colon
    if s.sloppy and d.chance(s.sloppy * 0.3):
        colon = d.pick(P.COLONS)
    if s.sloppy and d.chance(s.sloppy * 0.15):
        bullet = d.pick(P.BULLETS)
    if key == "contact" and s.split_contact and fld.status == _FILLED:
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
