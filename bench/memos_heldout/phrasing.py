"""What a rep writes for one field in one status, in four registers.

`kv` is a value after a key (bracket memos), `crm` a terse value for a CRM summary
(English and romaji allowed), `polite` a sentence of an e-mail, `casual` a spoken
sentence. `confirmed` states a fact; `partial` hedges it (たぶん, らしい, 〜くらい, a
range, 仮押さえ, a name without a title); `not_obtained` says only that it is not
known; `empty` is left to the habit (no key value, no line, never mentioned).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from bench.memos_heldout.facts import (
    Lead,
)

MODES = ("kv", "crm", "polite", "casual")
PROSE = ("polite", "casual")


@dataclass
class Ctx:
    """One memo being written: its lead, random stream, labels and what it states."""

    lead: Lead
    r: random.Random
    labels: dict[str, str]
    values: dict[str, object] = field(default_factory=dict)
    frags: dict[str, str] = field(default_factory=dict)

    def pick(self, *options: str) -> str:
        return self.r.choice(options)

    @property
    def contact_known(self) -> bool:
        return self.labels["contact"] == "confirmed"

    def who(self, mode: str) -> str:
        """How the memo names the contact outside the contact field."""
        L = self.lead
        if self.contact_known:
            if mode == "casual":
                return self.pick(f"{L.surname}さん", f"{L.surname}{L.title}")
            return self.pick(f"{L.surname}様", f"{L.surname}{L.title}")
        if mode == "casual":
            return self.pick("担当の方", "ご担当者")
        return self.pick("ご担当者", "ご担当者様")


# ---- endings ---------------------------------------------------------------


def fact(
    c: Ctx, clause: str, mode: str, *, noun: bool | None, own: bool = False
) -> str:
    """A confirmed clause closed as a fact (never a hedge).

    `own`: the rep's own record (dates, counts), not the customer's words.
    """
    if own:
        return clause + c.pick(
            "です。", "です。", "ですね。" if mode == "casual" else "です。"
        )
    # noun=None: the clause ends in neither a plain noun nor a plain verb; only the
    # endings that fit anything
    if mode == "casual":
        ends = ["って言ってました。", "とのことでした。", "ってはっきり言ってました。"]
        if noun is not None:
            ends += ["です。", "ですね。"] if noun else ["んですよ。", "んですね。"]
    else:
        ends = ["とのことです。", "とのことでした。"]
        if noun is not None:
            ends += (
                ["です。", "と明言されていました。"]
                if noun
                else ["とおっしゃっていました。"]
            )
    return clause + c.r.choice(ends)


def hedge(c: Ctx, clause: str, mode: str) -> str:
    """A partial clause closed with a hedge."""
    if mode == "casual":
        ends = [
            "っぽいです。",
            "らしいです。",
            "かもです。",
            "かなと思います。",
            "みたいです。",
        ]
        ends += ["かも、って感じです。"]
    else:
        ends = [
            "と思われます。",
            "らしいです。",
            "かもしれません。",
            "と推測しています。",
        ]
        ends += ["と思われます（要確認）。"]
    return clause + c.r.choice(ends)


_NO_KV = (
    "不明",
    "未確認",
    "確認中",
    "未ヒアリング",
    "TBD",
    "?",
    "？",
    "ー",
    "−",
    "-",
    "（聞けず）",
    "次回確認",
    "後日確認",
    "要確認",
    "先方回答待ち",
    "未聴取",
    "聞きそびれ",
    "把握できず",
    "ヒアリング漏れ",
    "不明（次回確認）",
    "未確認です",
    "N/A",
)
_NO_CRM = (
    "n/a",
    "N/A",
    "TBD",
    "unknown",
    "?",
    "-",
    "未確認",
    "不明",
    "not asked",
    "要確認",
)


def no_marker(c: Ctx, mode: str, extra: tuple[str, ...] = ()) -> str:
    pool = (_NO_CRM if mode == "crm" else _NO_KV) + extra
    return c.r.choice(pool)


def no_sentence(c: Ctx, topic: str, mode: str, extra: tuple[str, ...] = ()) -> str:
    if mode == "casual":
        pool = [
            f"{topic}はまだ聞けてないです。",
            f"{topic}は、すみません、聞きそびれました。",
            f"{topic}はちょっとわかんないです、聞けてなくて。",
            f"{topic}は確認中です。",
            f"{topic}は次回確認ってことで。",
            f"{topic}はまだ聞いてないんですよね。",
            f"{topic}は不明です。",
        ]
    else:
        pool = [
            f"{topic}はまだ聞けていません。",
            f"{topic}については未確認です。",
            f"{topic}はヒアリングできておらず、次回確認いたします。",
            f"{topic}は把握できていません。",
            f"申し訳ありません、{topic}は聞きそびれてしまいました。",
            f"{topic}は先方回答待ちです。",
            f"{topic}は確認できておりません。",
        ]
    return c.r.choice(pool + list(extra))


def no_value(c: Ctx, mode: str, topic: str, kv_extra: tuple[str, ...] = ()) -> str:
    if mode in PROSE:
        return no_sentence(c, topic, mode)
    return no_marker(c, mode, kv_extra)


HEDGES = (
    "らしい",
    "と聞いて",
    "たぶん",
    "多分",
    "かも",
    "と思われ",
    "予定",
    "頃",
    "おそらく",
    "っぽ",
    "程度",
    "くらい",
    "ぐらい",
    "前後",
    "未確認",
    "不明",
    "確認中",
    "要確認",
    "未定",
    "調整中",
    "TBD",
    "?",
    "？",
    "仮",
    "見込み",
    "推測",
    "あたり",
    "ようで",
    "模様",
    "みたい",
    "様子",
    "はず",
    "未確定",
    "そう",
    "〜",
    "~",
    "～",
    "気がする",
)
