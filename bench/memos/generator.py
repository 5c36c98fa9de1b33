"""Memos as reps write them, with the true status of every field: a corpus writer.

A second memo generator, independent of `readiness.simulate` (no shared phrase
bank, template code or label list): for a random lead it first draws each
field's TRUE status (confirmed / partial / not_obtained / empty), then writes the
text from those labels in one of six habits (`habits.HABITS`). The frozen corpus
the parser benchmark reads is written by

    python -m bench.memos.generator --per-habit 55 --seed 15 \\
        --out bench/memos/corpus.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import re
import string
import sys
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final

from readiness.fields import FIELD_KEYS

from . import phrases
from .facts import Lead, draw_lead, write_amount, write_date, write_time

STATUSES: Final = ("confirmed", "partial", "not_obtained", "empty")
CORPUS: Final = Path(__file__).with_name("corpus.jsonl")
SEED: Final = 15
# Fields reps leave out first when they write freely.
MINOR: Final = frozenset(
    ("contact_info", "first_contact", "touch_count", "touch_summary", "cause", "notes")
)
BASE_EMPTY: Final = {
    "template": 0.08,
    "reordered": 0.12,
    "terse": 0.15,
    "english": 0.15,
    "chat": 0.25,
    "narrative": 0.2,
}


@dataclass(frozen=True)
class GeneratedMemo:
    """One memo with its labels and the values its text states."""

    id: str
    habit: str
    text: str
    labels: dict[str, str]
    values: dict[str, Any]
    reference_date: str

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)


def slots(lead: Lead, rng: random.Random, *, contact: str) -> dict[str, str]:
    """Every placeholder of the phrase banks, written for this memo.

    The contact attends the meeting; when the memo says the contact's name or
    title was not obtained, the attendee list must not give it away.
    """
    people = [
        f"{t} {s}様" if rng.random() < 0.5 else f"{s}{t}" for t, s in lead.attendees
    ]
    if contact in ("partial", "not_obtained"):
        people[0] = "ご担当者"
    att = "、".join(people)
    calls = max(1, lead.touches - 1)
    return {
        "company": lead.company,
        "surname": lead.surname,
        "given": lead.given,
        "dept": lead.dept,
        "title": lead.title,
        "phone": lead.phone,
        "mail": lead.mail,
        "emp": str(lead.employees),
        "rev": str(lead.revenue_oku),
        "lo": str(max(10, lead.employees // 2)),
        "hi": str(lead.employees * 2),
        "first": write_date(lead.first_contact, rng),
        "first_month": str(lead.first_contact.month),
        "channel": lead.channel,
        "touches": str(lead.touches),
        "touches1": str(lead.touches + 1),
        "calls": str(calls),
        "topic": lead.topic,
        "problem": lead.problem,
        "cause": lead.cause,
        "goal": lead.goal,
        "amount": write_amount(lead.budget_man, rng),
        "lo_man": str(lead.budget_man // 2),
        "hi_man": str(lead.budget_man),
        "boss": lead.boss,
        "boss_name": lead.boss_name,
        "urgency": lead.urgency,
        "urgency_why": {
            "高": "来期の監査までに必須",
            "中": "今期中には着手したい",
            "低": "まだ情報収集の段階",
        }[lead.urgency],
        "decide": str(lead.decide_month),
        "start": str(lead.start_month),
        "rivals": "・".join(lead.rivals),
        "rival": lead.rivals[0],
        "meet_date": write_date(lead.meeting.date(), rng),
        "meet_time": write_time(lead.meeting, rng),
        "meet_month": str(lead.meeting.month),
        "meet_part": ("上旬", "中旬", "下旬")[min(2, (lead.meeting.day - 1) // 10)],
        "format": rng.choice(
            ("オンライン（Teams）", "オンライン（Zoom）", "Web会議", "オンライン")
            if lead.online
            else ("訪問", "訪問（先方本社）", "ご訪問", "対面（先方オフィス）")
        ),
        "att": att,
        "n_att": str(len(lead.attendees)),
    }


def draw_statuses(habit: str, rng: random.Random) -> dict[str, str]:
    """The truth first: how much this rep heard, field by field."""
    heard = rng.random()
    out: dict[str, str] = {}
    for key in FIELD_KEYS:
        if key == "company":
            out[key] = "confirmed" if rng.random() < 0.93 else "empty"
            continue
        p_empty = BASE_EMPTY[habit]
        if key in MINOR and habit in ("chat", "narrative", "terse"):
            p_empty += 0.3
        if rng.random() < p_empty:
            out[key] = "empty"
        elif rng.random() < 0.2 + 0.65 * heard:
            out[key] = "confirmed"
        elif rng.random() < 0.45:
            out[key] = "partial"
        else:
            out[key] = "not_obtained"
    return out


_SLOT = re.compile(r"\{(\w+)\}")


class Writer:
    """Writes a field's text from its label and remembers which facts it stated."""

    def __init__(
        self, lead: Lead, labels: dict[str, str], rng: random.Random, *, casual: bool
    ) -> None:
        self.lead = lead
        self.labels = labels
        self.rng = rng
        self.casual = casual
        self.slots = slots(lead, rng, contact=labels["contact"])
        self.stated: set[str] = set()

    def status(self, key: str) -> str:
        return self.labels[key]

    def fill(self, form: str) -> str:
        self.stated.update(_SLOT.findall(form))
        return form.format(**self.slots)

    def value(self, key: str) -> str:
        """The value after a label; '' when the field is empty."""
        status = self.labels[key]
        if status == "empty":
            return ""
        if status == "not_obtained":
            extra = phrases.NOT_EXTRA.get(key, ())
            if extra and self.rng.random() < 0.4:
                return self.rng.choice(extra)
            return self.rng.choice(phrases.NOT_MARKERS)
        forms = phrases.VALUE[key][status]
        if key == "competitors" and status == "confirmed" and "競合なし" in forms[-1]:
            forms = forms if self.rng.random() < 0.15 else forms[:-1]
        if key == "budget" and status == "confirmed":
            forms = forms if self.rng.random() < 0.1 else forms[:-1]
        return self.fill(self.rng.choice(forms))

    def say(self, key: str, *, chat: bool = False) -> str:
        """A sentence for prose or chat; '' when the field is empty."""
        status = self.labels[key]
        if status == "empty":
            return ""
        if status == "not_obtained":
            noun = phrases.NOUN[key]
            if chat and self.rng.random() < 0.6:
                return noun + self.rng.choice(phrases.NOT_CHAT)
            return self.tone(noun + self.rng.choice(phrases.NOT_SAY))
        forms = phrases.SAY[key][status]
        if key in ("competitors", "budget") and status == "confirmed":
            forms = forms if self.rng.random() < 0.12 else forms[:-1]
        return self.tone(self.fill(self.rng.choice(forms)))

    def tone(self, sentence: str) -> str:
        """The casual register: the same content, other endings."""
        if not self.casual:
            return sentence
        r = self.rng
        sentence = re.sub(
            r"とのことです。",
            lambda _: r.choice(("とのこと。", "とのことです！", "って言ってました。")),
            sentence,
        )
        sentence = re.sub(
            r"ません。", lambda _: r.choice(("ないです。", "ません。")), sentence
        )
        return re.sub(
            r"です。", lambda _: r.choice(("です！", "。", "っす。")), sentence
        )

    def values(self) -> dict[str, Any]:
        """The values the text states, for value checks (yen, ISO dates)."""
        out: dict[str, Any] = {}
        if self.labels["company"] == "confirmed":
            out["company"] = self.lead.company
        if self.labels["contact"] != "empty" and "surname" in self.stated:
            out["contact"] = self.lead.surname
        if (
            self.labels["budget"] in ("confirmed", "partial")
            and "amount" in self.stated
        ):
            out["budget_jpy"] = self.lead.budget_man * 10_000
        if "meet_date" in self.stated:
            out["meeting_date"] = self.lead.meeting.date().isoformat()
        return out


_WIDE = str.maketrans(
    {c: chr(ord(c) + 0xFEE0) for c in string.digits + string.ascii_letters + ":/()"}
)


def mix_width(text: str, rng: random.Random) -> str:
    """Some reps type in full width, some lines only (IME left on)."""
    mode = rng.random()
    if mode < 0.15:
        return text.translate(_WIDE)
    if mode < 0.35:
        return "\n".join(
            line.translate(_WIDE) if rng.random() < 0.4 else line
            for line in text.split("\n")
        )
    return text


def generate_memo(habit: str, rng: random.Random, memo_id: str) -> GeneratedMemo:
    from .habits import RENDER

    lead = draw_lead(rng)
    labels = draw_statuses(habit, rng)
    casual = rng.random() < {"chat": 0.7, "narrative": 0.25}.get(habit, 0.1)
    writer = Writer(lead, labels, rng, casual=casual)
    text = mix_width(RENDER[habit](writer, rng), rng)
    return GeneratedMemo(
        id=memo_id,
        habit=habit,
        text=text,
        labels=labels,
        values=writer.values(),
        reference_date=lead.written.isoformat(),
    )


def generate_corpus(per_habit: int = 55, seed: int = SEED) -> list[GeneratedMemo]:
    """`per_habit` memos of every habit, the same for the same seed."""
    from .habits import HABITS

    rng = random.Random(seed)
    return [
        generate_memo(habit, rng, f"{habit}-{i:03d}")
        for habit in HABITS
        for i in range(per_habit)
    ]


def read_corpus(path: Path = CORPUS) -> list[dict[str, Any]]:
    """The frozen corpus: one memo per line; lines starting with '#' are notes."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(json.loads(line))
    return rows


def reference(row: dict[str, Any]) -> date:
    return date.fromisoformat(row["reference_date"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-habit", type=int, default=55)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=None, help="default: stdout")
    args = parser.parse_args(argv)
    lines = [m.to_json() for m in generate_corpus(args.per_habit, args.seed)]
    text = "\n".join(lines) + "\n"
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.write_text(text, encoding="utf-8")
        print(f"{len(lines)} memos -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
