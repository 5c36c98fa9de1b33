"""Six ways reps write the same hand-off: each turns labelled fields into text.

(a) template: the articles' layout; (b) reordered: other headings, labels and
order, sections merged, a section as free text; (c) terse: keyword lines, several
per line; (d) english: English or romaji keys; (e) chat: one thought per line,
arrows, emoji, no headings; (f) narrative: the hand-off as paragraphs of prose.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Final

from readiness.fields import SECTIONS, fields_of_section

from . import phrases
from .generator import Writer

GROUPS: Final = (
    ("company", "contact", "contact_info", "company_size"),
    ("first_contact", "touch_count", "touch_summary"),
    ("problem", "cause", "desired_state"),
    ("budget", "authority", "need", "timeline"),
    ("competitors", "impression"),
    ("meeting_datetime", "meeting_format", "attendees", "expected_content"),
    ("notes",),
)
GROUP_NAMES: Final = (
    ("基本情報", "お客様情報", "顧客情報"),
    ("経緯", "これまでの接点", "接点"),
    ("課題", "ニーズ", "課題・背景"),
    ("BANT", "予算・決裁・時期", "BANT確認"),
    ("競合", "競合状況", "検討状況"),
    ("次回アクション", "商談", "アポ内容"),
    ("備考", "その他", "注意事項"),
)
EMOJI: Final = ("", "", "", "🙏", "👍", "！", "💦", "🔥", "✨", "！！")


def template(w: Writer, rng: random.Random) -> str:
    colon = rng.choice((":", ":", "：", ": "))
    lines: list[str] = []
    for sec in SECTIONS:
        lines.append(f"【{sec.ja}】")
        for f in fields_of_section(sec.key):
            v = w.value(f.key)
            if f.key == "notes":
                lines.append(f"・{v}")
            elif v or rng.random() < 0.6:
                lines.append(f"・{f.ja}{colon}{v}")
    return "\n".join(lines)


def reordered(w: Writer, rng: random.Random) -> str:
    head = rng.choice(("■{}", "[{}]", "## {}", "＜{}＞", "◆{}", "【{}】"))
    bullet = rng.choice(("・", "- ", "• ", "* ", ""))
    colon = rng.choice((":", "：", " : "))
    blocks = [(list(GROUP_NAMES[i]), list(keys)) for i, keys in enumerate(GROUPS)]
    # merge a neighbouring pair or two under one heading
    for _ in range(rng.choice((1, 1, 2))):
        i = rng.randrange(len(blocks) - 1)
        (na, ka), (nb, kb) = blocks[i], blocks[i + 1]
        blocks[i : i + 2] = [([f"{rng.choice(na)}・{rng.choice(nb)}"], ka + kb)]
    first, rest = blocks[0], blocks[1:]
    rng.shuffle(rest)
    blocks = [first, *rest] if rng.random() < 0.6 else rng.sample(blocks, len(blocks))
    lines: list[str] = []
    for names, keys in blocks:
        lines.append(head.format(rng.choice(names)))
        prose = set(keys) == {"problem", "cause", "desired_state"} or (
            "problem" in keys and rng.random() < 0.4
        )
        if prose:  # the needs as a paragraph under the heading, no labels
            text = "".join(w.say(k) for k in ("problem", "cause", "desired_state"))
            if text:
                lines.append(text)
            keys = [k for k in keys if k not in ("problem", "cause", "desired_state")]
        order = list(keys)
        if rng.random() < 0.5:
            rng.shuffle(order)
        for key in order:
            v = w.value(key)
            if v or rng.random() < 0.3:
                label = rng.choice(phrases.ALT_LABEL[key])
                lines.append(f"{bullet}{label}{colon}{v}")
    return "\n".join(lines)


def _terse(value: str) -> str:
    for old, new in (
        ("とのこと", ""),
        ("（", "/"),
        ("）", ""),
        ("確保済み", "確保済"),
        ("、", "/"),
        (" / ", "/"),
    ):
        value = value.replace(old, new)
    return value.strip("/")


def terse(w: Writer, rng: random.Random) -> str:
    colon = rng.choice((":", "：", ":"))
    items: list[str] = []
    for group in GROUPS:
        for key in group:
            v = w.value(key)
            if not v and rng.random() < 0.85:
                continue
            if key not in ("company", "contact"):  # names keep their brackets
                v = _terse(v)
            items.append(f"{rng.choice(phrases.TERSE_KEY[key])}{colon}{v}")
    lines: list[str] = []
    while items:  # one to three keywords a line
        n = min(len(items), rng.choice((1, 1, 1, 2, 3)))
        lines.append(rng.choice(("　", " ", " ｜ ", " / ")).join(items[:n]))
        items = items[n:]
    if rng.random() < 0.4:
        lines.insert(
            0, rng.choice(("トス共有", "■トスアップ", "[TOSS]", "トスアップ情報"))
        )
    return "\n".join(lines)


ENGLISH_NOT: Final = ("TBD", "unknown", "N/A", "not asked", "pending", "TBC", "?", "-")
ENGLISH_CONFIRMED_BUDGET: Final = ("{} (secured)", "{} confirmed", "{}, approved")


def english(w: Writer, rng: random.Random) -> str:
    colon = rng.choice((": ", ":", " - "))
    headings = rng.random() < 0.3
    lines: list[str] = []
    for i, group in enumerate(GROUPS):
        if headings and i in (0, 2, 3, 5):
            lines.append(("# Account", "", "# BANT", "", "# Next step")[min(i, 4)])
        for key in group:
            status = w.status(key)
            v = w.value(key)
            if status == "not_obtained" and rng.random() < 0.5:
                v = rng.choice(ENGLISH_NOT)
            elif key == "budget" and status == "confirmed" and "確保" in v:
                amount = w.slots["amount"]
                v = rng.choice(ENGLISH_CONFIRMED_BUDGET).format(amount)
            if not v and rng.random() < 0.8:
                continue
            lines.append(f"{rng.choice(phrases.ENGLISH_KEY[key])}{colon}{v}")
    return "\n".join(line for line in lines if line)


def _opener(w: Writer, rng: random.Random, *, chat: bool) -> list[str]:
    """Company and contact as a chat or prose opener states them."""
    s = w.slots
    hon = "さん" if chat and w.casual else "様"
    company = s["company"] if w.status("company") == "confirmed" else ""
    contact = w.status("contact")
    who = ""
    if contact == "confirmed":
        who = w.fill(
            rng.choice(
                ("{surname}%s（{title}）", "{dept}{title}の{surname}%s")
            ).replace("%s", hon)
        )
    elif contact == "partial":
        who = w.fill(rng.choice(("{dept}のご担当者", "{surname}%s")).replace("%s", hon))
    out: list[str] = []
    if company and who:
        out.append(f"{company}の{who}の件です")
    elif company:
        out.append(f"{company}の件です")
    elif who:
        out.append(f"{who}の件です")
    else:
        out.append("新規トスの件です")
    if chat:
        out[0] = (
            rng.choice(("お疲れ様です！", "お疲れさまです。", ""))
            + out[0]
            + rng.choice(("！", "🙏", "。", ""))
        )
    else:
        out[0] += "。"
    if contact == "partial":
        note = "お名前は未確認です。" if "ご担当者" in who else "役職は未確認です。"
        out.append(w.tone(note))
    elif contact == "not_obtained":
        out.append(w.tone("担当者のお名前・役職は未確認です。"))
    return out


def chat(w: Writer, rng: random.Random) -> str:
    lines = _opener(w, rng, chat=True)
    keys = [k for g in GROUPS for k in g if k not in ("company", "contact")]
    if rng.random() < 0.5:  # thoughts come in any order, roughly by topic
        i = rng.randrange(len(keys) - 3)
        keys[i : i + 4] = rng.sample(keys[i : i + 4], 4)
    for key in keys:
        if (
            key == "touch_summary"
            and w.status(key) == "confirmed"
            and rng.random() < 0.6
        ):
            text = w.fill("{channel}→架電{calls}回→Web面談")
        elif w.status(key) == "confirmed" and key == "meeting_datetime":
            text = w.fill(
                rng.choice(
                    (
                        "次回→{meet_date} {meet_time}で確定",
                        "アポ：{meet_date} {meet_time}",
                    )
                )
            )
        else:
            text = w.say(key, chat=True)
        if text:
            lines.append(text.rstrip("。") + rng.choice(EMOJI))
    lines.append(
        rng.choice(("よろしくお願いします🙇", "以上です！", "よろしくです〜", ""))
    )
    return "\n".join(line for line in lines if line)


def narrative(w: Writer, rng: random.Random) -> str:
    paragraphs = ["".join(_opener(w, rng, chat=False))]
    for group in GROUPS:
        keys = [k for k in group if k not in ("company", "contact")]
        text = "".join(w.say(k) for k in keys)
        if not text:
            continue
        if rng.random() < 0.4 and len(paragraphs) > 1:
            paragraphs[-1] += text
        else:
            paragraphs.append(text)
    if rng.random() < 0.5:
        paragraphs.append(w.tone("以上、よろしくお願いいたします。"))
    return "\n\n".join(paragraphs) if rng.random() < 0.7 else "\n".join(paragraphs)


HABITS: Final = ("template", "reordered", "terse", "english", "chat", "narrative")
RENDER: Final[dict[str, Callable[[Writer, random.Random], str]]] = {
    "template": template,
    "reordered": reordered,
    "terse": terse,
    "english": english,
    "chat": chat,
    "narrative": narrative,
}
