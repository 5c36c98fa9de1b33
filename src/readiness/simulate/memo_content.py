"""What the memo says about the customer: basics, history, problem, notes.

Each `write_*` function adds its section's fields to `out`, drawing from the
shared `Dice` in a fixed order (the world's seed must give the same memo).
"""

from __future__ import annotations

from readiness.simulate import memo_phrases as P
from readiness.simulate.memo_kit import (
    FILLED,
    Dice,
    Field,
    MemoFacts,
    empty,
    vague,
    vague_or_empty,
    weak_needs,
)


def make_slots(f: MemoFacts, d: Dice, *, full: bool) -> dict[str, object]:
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


def write_basics(f: MemoFacts, d: Dice, level: int, out: dict[str, Field]) -> None:
    terse = d.u() > f.diligence
    company = f.company_name
    if f.drift > 0 and d.chance(f.drift * 0.15) and company.startswith("株式会社"):
        company = d.pick(("㈱", "(株)", "（株）")) + company[4:]
    elif d.chance(0.15):
        company += "様"
    out["company"] = Field(FILLED, company)
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
                out[key] = Field(FILLED, _contact_text(f, d, sei, terse))
            elif key == "contact_info":
                # An address would give away a name the memo says is unknown.
                known = "" if weak[0] else sei
                out[key] = Field(FILLED, _contact_info_text(d, known))
            else:
                out[key] = _company_size(f, d, terse)
        elif level == 0:
            out[key] = empty(key)
        else:
            bank = {
                "contact": P.CONTACT_VAGUE,
                "contact_info": P.CONTACT_INFO_VAGUE,
                "company_size": P.SIZE_VAGUE,
            }[key]
            fld = vague_or_empty(key, bank, d)
            fld.text = fld.text.format(sei=sei, dept=dept)
            out[key] = fld


def _contact_text(f: MemoFacts, d: Dice, sei: str, terse: bool) -> str:
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


def _contact_info_text(d: Dice, sei: str) -> str:
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


def _company_size(f: MemoFacts, d: Dice, terse: bool) -> Field:
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
        return Field(
            FILLED, "従業員" + e_part, {"employees": emp, "annual_revenue_m": None}
        )
    text = d.pick(
        (
            f"従業員{e_part}・{r_txt}",
            f"{e_part}／{r_txt}",
            f"従業員数{e_part}、{r_txt}",
            f"{e_part}（{r_txt}）",
        )
    )
    return Field(FILLED, text, {"employees": emp, "annual_revenue_m": rev})


def write_history(f: MemoFacts, d: Dice, out: dict[str, Field]) -> None:
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
    if d.chance(0.05 * (1.0 - f.diligence)):  # no record of it at hand
        out["first_contact"] = vague("first_contact", d.pick(P.FIRST_CONTACT_UNKNOWN))
    else:
        out["first_contact"] = Field(FILLED, txt, {"date": fc})
    out["touch_count"] = Field(
        FILLED,
        d.pick(P.TOUCH_COUNT).format(n=f.touch_count),
        {"count": int(f.touch_count)},
    )
    terse = d.u() > f.diligence
    if terse and d.chance(0.25 * (1 - f.diligence)):
        out["touch_summary"] = empty("touch_summary")
        return
    bank = P.TOUCH_SHORT if terse else P.TOUCH_LONG
    labels = list(dict.fromkeys(bank[kd] for kd in kinds)) or [
        "電話・メールでのやりとり"
    ]
    if f.levels.get("next_action", 0) == 2 and d.chance(0.4):
        labels.append("商談設定")
    summary = d.pick(P.TOUCH_JOINERS).join(labels)
    out["touch_summary"] = Field(FILLED, summary)


def write_problem(
    f: MemoFacts, d: Dice, level: int, slots: dict[str, object], out: dict[str, Field]
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
            out[key] = Field(FILLED, text, {"concrete": True})
    elif level == 1:
        if d.chance(0.7):
            bank = P.PROBLEM_GENERIC[theme] if d.chance(0.7) else P.PROBLEM_GENERAL
            out["problem"] = weak_needs(vague("problem", d.pick(bank)))
        else:
            out["problem"] = vague("problem", d.pick(P.PROBLEM_VAGUE))
        out["cause"] = weak_needs(vague_or_empty("cause", P.CAUSE_VAGUE, d))
        out["desired_state"] = weak_needs(
            vague_or_empty("desired_state", P.DESIRED_VAGUE, d)
        )
    else:
        for key in ("problem", "cause", "desired_state"):
            out[key] = empty(key)


def write_notes(f: MemoFacts, d: Dice, out: dict[str, Field]) -> None:
    if d.chance(0.15 + 0.45 * (1 - f.diligence)):
        out["notes"] = empty("notes")
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
    out["notes"] = Field(FILLED, "\n".join(notes))
