"""Write the third memo corpus: draw each field's true status, then the text.

    PYTHONPATH=src:. python -m bench.memos_third.generator --per-habit 40 --seed 11 \
        --out bench/memos_third/corpus.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any

from bench.memos_third import facts as F
from bench.memos_third import phrases as P
from readiness.fields import FIELD_KEYS

STATUS_NAME = {"C": "confirmed", "P": "partial", "N": "not_obtained", "E": "empty"}
HABITS = ("minutes", "table", "line_chat", "bilingual", "report")

_ROMAJI = dict(
    zip(
        F.CONTACT_SURNAMES,
        [
            "yamamoto",
            "nakamura",
            "kobayashi",
            "kato",
            "yoshida",
            "yamaguchi",
            "matsumoto",
            "inoue",
            "kimura",
            "shimizu",
            "morita",
            "ikeda",
            "hashimoto",
            "ishikawa",
            "maeda",
            "fujii",
            "okada",
            "goto",
            "hasegawa",
            "murakami",
            "kondo",
            "ishii",
            "sakamoto",
            "endo",
            "aoki",
            "nishimura",
            "fukuda",
            "ota",
            "miura",
            "fujiwara",
        ],
        strict=True,
    )
)
_CITIES = (
    "品川",
    "大手町",
    "新横浜",
    "名古屋",
    "梅田",
    "博多",
    "札幌",
    "仙台",
    "さいたま",
    "神戸",
    "浜松",
    "広島",
)
_TOOLS = ("Zoom", "Teams", "Google Meet", "Webex")
_PROCESS = (
    ("稟議を回して役員会で承認", "ringi, then board approval"),
    ("部門長承認のあと経営会議で決定", "department head, then the management meeting"),
    ("稟議書起案→管理本部長→社長の順に承認", "ringi up to the CEO"),
    ("情シス審査を経て役員決裁", "IT review, then an executive signs"),
)


def draw_statuses(rng: random.Random) -> dict[str, str]:
    """Each field's true status; completeness varies from memo to memo."""
    p_conf = rng.uniform(0.3, 0.8)
    weights = [rng.uniform(0.4, 1.6) for _ in range(3)]
    rest = [(1 - p_conf) * w / sum(weights) for w in weights]
    out = {}
    for key in FIELD_KEYS:
        probs = [0.8, 0.1, 0.05, 0.05] if key == "company" else [p_conf, *rest]
        out[key] = rng.choices("CPNE", weights=probs)[0]
    return out


class Memo:
    """One memo being written: its lead, true statuses, the facts as notations."""

    def __init__(self, rng: random.Random, habit: str) -> None:
        self.rng = rng
        self.habit = habit
        self.lead = F.draw_lead(rng)
        self.status = draw_statuses(rng)
        self.values: dict[str, Any] = {}
        self.contact_named = self.status["contact"] == "C" or (
            self.status["contact"] == "P" and rng.random() < 0.7
        )
        zen_p = rng.choice((0.0, 0.0, 0.35))
        self.vars = self._vars(zen_p)

    def z(self, text: str, zen_p: float) -> str:
        return F.zen(text) if self.rng.random() < zen_p else text

    def _vars(self, zp: float) -> dict[str, str]:
        rng, lead, z = self.rng, self.lead, self.z
        prod = lead.product
        head = lead.company
        for form in ("株式会社", "（株）", "㈱"):
            head = head.replace(form, "")
        short = head
        company = (
            lead.company
            if self.status["company"] == "C" and rng.random() < 0.8
            else short
        )
        contact_ok = self.status["contact"] == "C"
        area = rng.choice(("03", "06", "052", "045", "092", "011"))
        tail = 10 - len(area) - 4
        middle = rng.randrange(10 ** (tail - 1), 10**tail)
        phone = f"{area}-{middle}-{rng.randrange(1000, 10000)}"
        main_mid = rng.randrange(10 ** (tail - 1), 10**tail)
        mainphone = f"{area}-{main_mid}-{rng.choice(('0000', '1111', '7000'))}"
        box = rng.choice(("info", "soumu", "system", "jinji", "keiri", "contact"))
        genmail = f"{box}@{lead.domain}"
        email = (
            f"{_ROMAJI[lead.contact][0]}.{_ROMAJI[lead.contact]}@{lead.domain}"
            if contact_ok
            else genmail
        )
        emp = lead.employees
        emp_r = max(50, round(emp, -2) if emp >= 150 else round(emp, -1))
        kinds = [k for _, k in lead.touches]
        mday = lead.meeting.day
        city = rng.choice(_CITIES)
        online = lead.online
        tool = rng.choice(_TOOLS)
        place = rng.choice((f"本社（{city}）", "先方本社", f"{city}の事業所"))
        dm = lead.dm
        if contact_ok and lead.title in ("部長", "室長", "次長") and rng.random() < 0.4:
            dm = lead.contact + lead.title
        process = rng.choice(_PROCESS)
        good, concern, note, need = (
            F.GOOD[lead.good],
            F.CONCERNS[lead.concern],
            F.NOTES[lead.note],
            F.NEED_REASONS[lead.need_reason],
        )
        return {
            "company": company,
            "industry": lead.industry,
            "csur": lead.contact,
            "ctitle": lead.title,
            "cdept": lead.dept,
            "phone": z(phone, zp),
            "mainphone": mainphone,
            "email": email,
            "genmail": genmail,
            "emp": z(f"{emp:,}" if rng.random() < 0.5 else str(emp), zp),
            "rev": z(str(lead.revenue_oku), zp),
            "emp_r": str(emp_r),
            "emp_lo": str(max(10, int(round(emp * 0.6, -1)))),
            "emp_hi": str(int(round(emp * 1.4, -1))),
            "first": z(F.date_ja(lead.first, rng), zp),
            "first_m": f"{lead.first.month}月",
            "first_en": F.date_en(lead.first, rng),
            "first_m_en": F.MONTH_EN[lead.first.month - 1],
            "kind1": F.TOUCH_KINDS[kinds[0]][0],
            "kind1_en": F.TOUCH_KINDS[kinds[0]][1],
            "ntouch": z(str(len(kinds)), zp),
            "ntouch_lo": str(max(1, len(kinds) - 1)),
            "summary": rng.choice(("→", " → ", "、", "⇒")).join(
                F.TOUCH_KINDS[k][0] for k in kinds
            ),
            "summary_en": " > ".join(F.TOUCH_KINDS[k][1] for k in kinds),
            "problem": prod.problems[lead.problem][0],
            "problem_en": prod.problems[lead.problem][1],
            "cause": prod.causes[lead.cause][0],
            "cause_en": prod.causes[lead.cause][1],
            "desired": prod.desired[lead.desired][0],
            "desired_en": prod.desired[lead.desired][1],
            "expect": prod.expected[lead.expected][0],
            "expect_en": prod.expected[lead.expected][1],
            "product": prod.ja,
            "product_en": prod.en,
            "amount": z(F.amount_ja(lead.budget, rng), zp)
            if self.habit != "bilingual"
            else F.amount_en(lead.budget, rng),
            "range": F.range_ja(lead.budget)
            if self.habit != "bilingual"
            else F.range_en(lead.budget),
            "dm": dm,
            "process": process[0],
            "process_en": process[1],
            "need_reason": need[0],
            "need_reason_en": need[1],
            "decide": f"{lead.decide_month}月末",
            "start": f"{lead.start_month}月",
            "decide_en": F.MONTH_EN[lead.decide_month - 1],
            "start_en": F.MONTH_EN[lead.start_month - 1],
            "comp1": lead.competitors[0],
            "comp2": lead.competitors[1],
            "good": good[0],
            "good_en": good[1],
            "concern": concern[0],
            "concern_en": concern[1],
            "note": note[0],
            "note_en": note[1],
            "mdate": z(F.date_ja(lead.meeting, rng, weekday=rng.random() < 0.7), zp),
            "mtime": z(F.time_ja(lead.hour, lead.minute, rng), zp),
            "mdate_en": F.date_en(lead.meeting, rng),
            "mtime_en": F.time_en(lead.hour, lead.minute, rng),
            "mmonth": f"{lead.meeting.month}月",
            "mmonth_en": F.MONTH_EN[lead.meeting.month - 1],
            "mpart": "上旬" if mday <= 10 else "中旬" if mday <= 20 else "下旬",
            "fmt": "オンライン" if online else "訪問",
            "fmt_full": f"オンライン（{tool}）" if online else f"訪問（{place}）",
            "fmt_en": "online" if online else "onsite",
            "fmt_full_en": f"online ({tool})" if online else f"onsite at {place}",
            "place": place,
            "tool": tool,
            "att": lead.contact + lead.title if contact_ok else "ご担当者",
            "other": lead.other_attendee,
            "is": lead.is_rep,
            "fs": lead.fs_rep,
        }

    # ---- what the memo says about a field ----------------------------------

    def _fill(self, key: str, template: str, topic: str = "") -> str:
        """Format a template and record the values it states."""
        if "{company}" in template:
            self.values["company"] = self.vars["company"]
        if "{csur}" in template and key == "contact":
            self.values["contact"] = self.lead.contact
        if "{amount}" in template and key == "budget":
            self.values["budget_jpy"] = self.lead.budget
        if (
            "{mdate}" in template or "{mdate_en}" in template
        ) and key == "meeting_datetime":
            self.values["meeting_date"] = self.lead.meeting.isoformat()
        return template.format_map({**self.vars, "T": topic})

    def _bank_key(self, key: str) -> str:
        st = self.status[key]
        if key == "contact" and st == "P":
            return "PN" if self.contact_named else "PT"
        return st

    def marker(self, key: str, *, english: bool = False) -> str:
        pool = list(P.NOT_KNOWN_EN if english else P.NOT_KNOWN) + list(
            P.NOT_KNOWN_BY_FIELD.get(key, ())
        )
        return self.rng.choice(pool)

    def val(self, key: str) -> str | None:
        """A Japanese value after a key, or None for an empty field."""
        st = self.status[key]
        if st == "E":
            return None
        if st == "N":
            return self.marker(key)
        return self._fill(key, self.rng.choice(P.VAL[key][self._bank_key(key)]))

    def en(self, key: str) -> str | None:
        """An English value (Japanese mixed in), or None for an empty field."""
        st, rng = self.status[key], self.rng
        if st == "E":
            return None
        if st == "N":
            return self.marker(key, english=rng.random() < 0.7)
        if st == "P" and rng.random() < 0.3:
            return self.val(key)
        return self._fill(key, rng.choice(P.EN[key][self._bank_key(key)]))

    def stem(self, key: str, *, topic: bool = True) -> tuple[str, str] | None:
        """A sentence without its ending, and the ending kind; None when empty."""
        st, rng = self.status[key], self.rng
        if st == "E":
            return None
        noun = rng.choice(P.TOPIC[key])
        if st == "N":
            return noun, "X"
        body, kind = rng.choice(P.SENT[key][self._bank_key(key)])
        return self._fill(key, body, noun + "は" if topic else ""), kind

    def sentence(self, key: str, register: str, *, topic: bool = True) -> str | None:
        got = self.stem(key, topic=topic)
        if got is None:
            return None
        if got[1] == "X" and not topic and register == "chat":
            return self.rng.choice(P.CHAT_X_BARE)
        return got[0] + self.rng.choice(P.ENDINGS[got[1]][register])

    def record(self, memo_id: str, text: str) -> dict[str, Any]:
        return {
            "id": memo_id,
            "habit": self.habit,
            "text": text,
            "labels": {k: STATUS_NAME[self.status[k]] for k in FIELD_KEYS},
            "values": self.values,
            "reference_date": self.lead.reference.isoformat(),
        }


def generate(per_habit: int = 40, seed: int = 11) -> list[dict[str, Any]]:
    from bench.memos_third.habits import RENDER

    rng = random.Random(seed)
    out = []
    for habit in HABITS:
        for i in range(1, per_habit + 1):
            memo = Memo(rng, habit)
            text = RENDER[habit](memo)
            out.append(memo.record(f"{habit}-{i:03d}", text))
    return out


def write(records: list[dict[str, Any]], path: Path) -> None:
    lines = [json.dumps(r, ensure_ascii=False, sort_keys=False) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-habit", type=int, default=40)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).with_name("corpus.jsonl")
    )
    args = parser.parse_args(argv)
    records = generate(args.per_habit, args.seed)
    write(records, args.out)
    print(f"wrote {len(records)} memos to {args.out}")


if __name__ == "__main__":
    main()
