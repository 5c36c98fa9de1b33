"""What the memo says about the deal: BANT, competition and the next meeting.

Each `write_*` function adds its section's fields to `out`, drawing from the
shared `Dice` in a fixed order (the world's seed must give the same memo).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Final

from readiness.simulate import memo_phrases as P
from readiness.simulate.memo_kit import (
    EMPTY_VALUES,
    FILLED,
    Dice,
    Field,
    MemoFacts,
    empty,
    vague,
    vague_or_empty,
)

_WEEKDAYS: Final = "月火水木金土日"
_MEETING_FIELDS: Final = (
    "meeting_datetime",
    "meeting_format",
    "attendees",
    "expected_content",
)


def _amount(man: int, d: Dice) -> tuple[str, float, float, float]:
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


def write_bant(
    f: MemoFacts,
    d: Dice,
    lv: Mapping[str, int],
    slots: dict[str, object],
    out: dict[str, Field],
) -> None:
    terse = d.u() > f.diligence
    # Budget
    level = lv.get("budget", 0)
    if level >= 2:
        period = d.pick(P.PERIODS)
        value: dict[str, object] = dict(EMPTY_VALUES["budget"])
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
        out["budget"] = Field(FILLED, text, value)
    elif level == 1:
        out["budget"] = vague("budget", d.pick(P.BUDGET_VAGUE))
    else:
        out["budget"] = empty("budget")
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
        out["authority"] = Field(FILLED, text)
    else:
        out["authority"] = (
            vague("authority", d.pick(P.AUTHORITY_VAGUE))
            if level == 1
            else empty("authority")
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
        out["need"] = Field(FILLED, text, {"urgency": urg})
    else:
        out["need"] = (
            vague("need", d.pick(P.NEED_VAGUE)) if level == 1 else empty("need")
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
        out["timeline"] = Field(FILLED, d.pick(bank).format(**parts))
    else:
        out["timeline"] = (
            vague("timeline", d.pick(P.TIMELINE_VAGUE))
            if level == 1
            else empty("timeline")
        )


def write_competition(
    f: MemoFacts, d: Dice, level: int, slots: dict[str, object], out: dict[str, Field]
) -> None:
    if level >= 2:
        if f.competitors:
            names = list(f.competitors)
            comp = Field(
                FILLED,
                d.pick(P.COMP_SEPARATORS).join(names),
                {"names": names, "none": False},
            )
        else:
            comp = Field(
                FILLED,
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
        out["impression"] = Field(
            FILLED, "。".join(parts), {"differences_asked": bool(f.differences_asked)}
        )
    elif level == 1:
        out["competitors"] = vague("competitors", d.pick(P.COMP_VAGUE))
        out["impression"] = vague_or_empty("impression", P.IMPRESSION_VAGUE, d)
    else:
        out["competitors"] = empty("competitors")
        out["impression"] = empty("impression")


def _meeting_datetime(at: datetime, toss: datetime, d: Dice) -> str:
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


def write_meeting(
    f: MemoFacts, d: Dice, level: int, slots: dict[str, object], out: dict[str, Field]
) -> None:
    if level >= 2 and f.meeting_at is not None:
        at = f.meeting_at
        agreed_here = d.chance(0.5)
        text = _meeting_datetime(at, f.tossed_up_at, d)
        if agreed_here:
            text += f"（{d.pick(P.AGREED)}）"
        out["meeting_datetime"] = Field(
            FILLED, text, {"date": at.date(), "time": f"{at.hour:02d}:{at.minute:02d}"}
        )
        fmt = "visit" if f.meeting_format == "visit" else "online"
        if f.drift > 0 and d.chance(f.drift * 0.15):
            fmt_text = d.pick(P.FORMAT_EN[fmt])
        else:
            fmt_text = d.pick(P.FORMAT_VISIT if fmt == "visit" else P.FORMAT_ONLINE)
        out["meeting_format"] = Field(FILLED, fmt_text, {"format": fmt})
        titles = list(f.attendees) or [f.contact_title]
        t = d.pick(P.TITLE_SEPARATORS).join(titles)
        out["attendees"] = Field(
            FILLED,
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
        out["expected_content"] = Field(
            FILLED, text, {"differences_asked": bool(asked)}
        )
    elif level >= 1:
        out["meeting_datetime"] = vague("meeting_datetime", d.pick(P.MEETING_VAGUE))
        out["meeting_format"] = vague_or_empty("meeting_format", P.FORMAT_VAGUE, d)
        out["attendees"] = vague_or_empty("attendees", P.ATTENDEES_VAGUE, d)
        out["expected_content"] = vague_or_empty(
            "expected_content", P.EXPECTED_VAGUE, d
        )
    else:
        for key in _MEETING_FIELDS:
            out[key] = empty(key)
