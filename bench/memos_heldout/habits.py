"""Four ways a rep hands a lead over: e-mail, bracket notes, CRM log, dictated memo."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from bench.memos_heldout.facts import fmt_date, maybe_zen, short_date
from bench.memos_heldout.phrasing import Ctx
from bench.memos_heldout.render import render

GROUPS: dict[str, tuple[str, ...]] = {
    "basics": ("company", "contact", "contact_info", "company_size"),
    "history": ("first_contact", "touch_count", "touch_summary"),
    "needs": ("problem", "cause", "desired_state"),
    "bant": ("budget", "authority", "need", "timeline"),
    "competition": ("competitors", "impression"),
    "meeting": ("meeting_datetime", "meeting_format", "attendees", "expected_content"),
    "notes": ("notes",),
}

_GIVEN = ("健", "由美", "翔太", "彩", "大輔", "美咲", "拓也", "真央")
_OURS = (
    "株式会社ネクストリンク",
    "クラウドワークス・ジャパン株式会社",
    "株式会社フォーサイト",
)


# ---- e-mail ----------------------------------------------------------------

_MAIL_LABEL = {
    "budget": ("予算", "ご予算"),
    "authority": ("決裁", "決裁者"),
    "need": ("緊急度", "優先度"),
    "timeline": ("スケジュール", "導入時期"),
    "competitors": ("競合", "比較先"),
    "impression": ("当社の印象", "印象・懸念"),
    "meeting_datetime": ("日時", "日程"),
    "meeting_format": ("形式", "場所"),
    "attendees": ("ご参加", "先方参加者"),
    "expected_content": ("ご要望", "聞きたいこと"),
}
_MAIL_INTRO = {
    "bant": ("BANTは以下の通りです。", "ヒアリングできた範囲のBANTです。"),
    "competition": ("競合状況です。", "他社検討の状況は以下です。"),
    "meeting": ("商談の概要です。", "アポの詳細は以下の通りです。"),
}


def _mail_bullets(c: Ctx, group: str) -> list[str]:
    bullet = c.pick("・", "- ", "● ")
    colon = c.pick("：", ": ", "：")
    lines = []
    for key in GROUPS[group]:
        v = render(c, key, "kv")
        if v is None:
            continue
        lines.append(f"{bullet}{c.r.choice(_MAIL_LABEL[key])}{colon}{v}")
    if not lines:
        return []
    return [c.r.choice(_MAIL_INTRO[group]), *lines]


def _prose(c: Ctx, keys: tuple[str, ...], mode: str) -> str:
    parts = [render(c, k, mode) for k in keys]
    return "".join(p for p in parts if p)


def email(c: Ctx) -> str:
    L = c.lead
    lines: list[str] = []
    if c.r.random() < 0.45:
        subj = "【トスアップ】新規商談のご共有"
        if c.labels["company"] == "confirmed":
            subj = f"【トスアップ】{L.company_full}様"
        lines += [
            "---------- Forwarded message ---------",
            f"From: {L.is_rep} <is-team@example.co.jp>",
            f"Date: {L.reference.year}年{L.reference.month}月{L.reference.day}日",
            f"Subject: {subj}",
            f"To: {L.fs_rep}",
            "",
        ]
    lines.append(
        c.pick(f"{L.fs_rep}さん", f"{L.fs_rep}さん（cc: IS各位）", f"{L.fs_rep}さん、")
    )
    lines.append("")
    lines.append(
        c.pick(
            f"お疲れ様です。インサイドセールスの{L.is_rep}です。",
            f"お疲れ様です、{L.is_rep}です。",
            f"お疲れさまです。ISの{L.is_rep}です。",
        )
    )
    opener = render(c, "company", "polite")
    if opener is None:
        opener = c.pick(
            "先日お問い合わせいただいた件、トスアップさせてください。",
            "アポが取れましたので共有します。",
        )
    para1 = opener + _prose(c, ("contact", "company_size", "contact_info"), "polite")
    lines.append(para1)
    lines.append("")
    hist = _prose(c, ("first_contact", "touch_count", "touch_summary"), "polite")
    if hist:
        lines += [hist, ""]
    needs = _prose(c, ("problem", "cause", "desired_state"), "polite")
    if needs:
        lines += [c.pick("", "ヒアリング内容です。", "課題まわりです。") + needs, ""]
    bulleted = set(
        c.r.sample(("bant", "competition", "meeting"), c.r.choice((1, 1, 2)))
    )
    for group in ("bant", "competition", "meeting"):
        if group in bulleted:
            block = _mail_bullets(c, group)
        else:
            text = _prose(c, GROUPS[group], "polite")
            block = [text] if text else []
        if block:
            lines += [*block, ""]
    note = render(c, "notes", "polite")
    if note:
        lines += [c.pick("その他、", "補足です。", "") + note, ""]
    lines.append(
        c.pick(
            "以上、よろしくお願いいたします。",
            "ご不明点あればお気軽にどうぞ。よろしくお願いします。",
            "当日のフォロー、どうぞよろしくお願いいたします。",
        )
    )
    lines += [
        "",
        c.pick("--", "――――――――", "-----"),
        c.r.choice(_OURS),
        c.pick("インサイドセールス部", "営業本部 IS課", "セールスデベロップメント"),
        f"{L.is_rep} {c.r.choice(_GIVEN)}",
    ]
    if c.r.random() < 0.4:
        lines.append(f"内線 {c.r.randrange(1000, 9999)}")
    return "\n".join(lines)


# ---- bracket notes -----------------------------------------------------------

_HEADS = {
    "basics": ("お客様情報", "企業情報", "顧客概要", "会社概要"),
    "history": ("これまでの経緯", "接点", "やりとり履歴", "経緯"),
    "needs": ("お困りごと", "課題", "ニーズ・課題", "ヒアリング内容"),
    "bant": ("BANT", "予算・決裁・時期", "BANT状況", "BANT確認"),
    "competition": ("競合", "他社検討状況", "競合・評価"),
    "meeting": ("次回アポ", "アポ詳細", "商談設定", "次のアクション"),
    "notes": ("その他", "備考", "申し送り", "注意事項"),
}
_KEYS = {
    "company": ("会社名", "社名", "企業"),
    "contact": ("ご担当", "担当者", "窓口"),
    "contact_info": ("連絡先", "TEL/メール", "連絡手段"),
    "company_size": ("規模", "従業員・売上", "会社規模"),
    "first_contact": ("初回", "初回接点", "最初の接点"),
    "touch_count": ("接点数", "接触回数", "回数"),
    "touch_summary": ("経緯", "やりとり", "これまで"),
    "problem": ("課題", "困りごと", "ペイン"),
    "cause": ("原因", "背景", "なぜ"),
    "desired_state": ("ゴール", "理想", "解決後"),
    "budget": ("B", "予算", "Budget"),
    "authority": ("A", "決裁", "Authority"),
    "need": ("N", "緊急度", "Need"),
    "timeline": ("T", "時期", "Timeline"),
    "competitors": ("競合", "比較先", "他社"),
    "impression": ("印象", "反応・懸念", "当社評価"),
    "meeting_datetime": ("次回", "日時", "アポ"),
    "meeting_format": ("形式", "場所", "方法"),
    "attendees": ("参加", "出席者", "先方メンバー"),
    "expected_content": ("要望", "期待", "聞きたいこと"),
    "notes": ("注意", "メモ", "備考"),
}
_MERGES = (
    ("budget", "authority", ("予算/決裁", "B/A")),
    ("meeting_datetime", "meeting_format", ("日時/形式", "日時・形式")),
    ("first_contact", "touch_count", ("初回/回数", "初回・接点数")),
    ("need", "timeline", ("N/T", "緊急度/時期")),
)


def brackets(c: Ctx) -> str:
    L = c.lead
    head = c.pick("【{}】", "■{}", "◆{}", "▼{}", "■ {} ■", "◇{}")
    bullet = c.pick("・", "-", "- ", "・", "＊")
    colon = c.pick("：", ":", "：", " : ")
    order = list(GROUPS)
    if c.r.random() < 0.3:
        order.remove("meeting")
        order.insert(0, "meeting")
    lines: list[str] = []
    if c.r.random() < 0.5:
        lines.append(
            c.pick(
                "＜FS引継ぎメモ＞",
                f"トスアップ {fmt_date(c.r, L.reference, L.reference)} / IS {L.is_rep}",
                "FS共有用",
            )
        )
    merges = {a: (b, labels) for a, b, labels in _MERGES if c.r.random() < 0.4}
    merged_away = {b for b, _ in merges.values()}
    for group in order:
        body: list[str] = []
        for key in GROUPS[group]:
            if key in merged_away:
                continue
            if key in merges:
                other, labels = merges[key]
                v1, v2 = render(c, key, "kv"), render(c, other, "kv")
                if v1 is not None and v2 is not None:
                    body.append(
                        f"{bullet}{c.r.choice(labels)}{colon}{v1}"
                        f"{c.pick('・', '／', ' / ')}{v2}"
                    )
                    continue
                for k, v in ((key, v1), (other, v2)):
                    line = _kv_line(c, k, v, bullet, colon)
                    if line:
                        body.append(line)
                continue
            line = _kv_line(c, key, render(c, key, "kv"), bullet, colon)
            if line:
                body.append(line)
        if group == "notes":
            body = [
                ln.replace(bullet, "※", 1)
                if ln.startswith(bullet) and c.r.random() < 0.6
                else ln
                for ln in body
            ]
        if not body:
            if c.r.random() < 0.5:
                lines.append(head.format(c.r.choice(_HEADS[group])))
            continue
        lines.append(head.format(c.r.choice(_HEADS[group])))
        lines += body
    return "\n".join(lines)


def _kv_line(
    c: Ctx, key: str, value: str | None, bullet: str, colon: str
) -> str | None:
    if value is None:
        # empty: the key with no value, or no line at all
        if c.r.random() < 0.5:
            return f"{bullet}{c.r.choice(_KEYS[key])}{colon.rstrip()}"
        return None
    return f"{bullet}{c.r.choice(_KEYS[key])}{colon}{value}"


# ---- CRM activity log ---------------------------------------------------------

_CRM_KEYS = {
    "company": ("Company", "会社", "Acct", "取引先"),
    "contact": ("Contact", "担当", "窓口", "Person"),
    "contact_info": ("Tel/Mail", "連絡先", "TEL/Email"),
    "company_size": ("Size", "規模", "Emp/Rev"),
    "first_contact": ("1st touch", "初回", "First contact", "Lead date"),
    "touch_count": ("Touches", "接点数", "Activity count"),
    "touch_summary": ("History", "経緯", "活動概要"),
    "problem": ("Pain", "課題", "Issue"),
    "cause": ("Cause", "背景", "Why"),
    "desired_state": ("Goal", "To-Be", "ゴール"),
    "budget": ("Budget", "予算", "B"),
    "authority": ("DM", "決裁", "Authority"),
    "need": ("Need", "緊急度", "Priority"),
    "timeline": ("Timeline", "時期", "Schedule"),
    "competitors": ("Comp", "競合", "Competitor"),
    "impression": ("Impression", "印象", "Feedback"),
    "meeting_datetime": ("Next", "次回", "Appt"),
    "meeting_format": ("Format", "形式", "Mode"),
    "attendees": ("Attendees", "参加", "出席"),
    "expected_content": ("Ask", "要望", "Agenda"),
    "notes": ("Memo", "備考", "Note"),
}


def _log_days(c: Ctx, n: int) -> list[date]:
    L = c.lead
    span = (L.reference - L.first_contact).days
    days = sorted(c.r.sample(range(1, span), min(n, span - 1)))
    return [L.first_contact.fromordinal(L.first_contact.toordinal() + d) for d in days]


def _activity_log(c: Ctx) -> list[str]:
    """The customer touches as log lines; this is how the memo states touch_summary."""
    L = c.lead
    st = c.labels["touch_summary"]
    if st == "empty":
        return []
    if st == "not_obtained":
        text = c.pick(
            "活動履歴: 未入力", "（活動ログなし・前任分は未移行）", "Activity: n/a"
        )
        c.frags["touch_summary"] = text
        return [text]
    if st == "partial":
        text = c.pick(
            f"{L.first_contact.month}月〜 前任が数回架電"
            "（内容メモなし、たぶん概要説明）",
            "（旧SFAの履歴あり、メール数回らしい）",
        )
        c.frags["touch_summary"] = text
        return [text]
    w = c.who("kv")
    cap = L.touches - 1 if c.labels["touch_count"] == "confirmed" else 4
    n = max(1, min(cap, c.r.choice((2, 3, 4))))
    days = _log_days(c, n)
    events = [
        "架電 → 不在",
        f"架電 → {w}と接続、課題ヒアリング 20min",
        f"Web面談({L.tool}) 45min デモ実施",
        "mail 事例資料送付",
        "架電 → 受付ブロック",
        "mail 日程候補3つ送付 → 返信あり",
        f"架電 → {w}と接続、アポ合意",
    ]
    out = []
    for i, d in enumerate(days):
        ev = events[min(i * 2 + c.r.randrange(0, 2), len(events) - 1)]
        out.append(f"{maybe_zen(c.r, short_date(d), 0.05)} {ev}")
    # an excerpt: the log need not start at the first contact nor list every touch
    out.insert(
        0, c.pick("活動ログ（抜粋）", "--- log (抜粋) ---", "直近の活動（抜粋）：")
    )
    c.frags["touch_summary"] = "\n".join(out)
    return out


def crm_note(c: Ctx) -> str:
    L = c.lead
    hh, mm = c.r.randrange(9, 19), c.r.randrange(0, 60)
    ref = L.reference
    stamp = c.pick(
        f"[{ref.isoformat()} {hh:02d}:{mm:02d}] {L.is_rep}: トスアップ登録",
        f"{ref.year}/{ref.month:02d}/{ref.day:02d} {hh}:{mm:02d}"
        f" TU作成（IS {L.is_rep}）",
        f"{ref.month}/{ref.day} {hh}:{mm:02d} {L.is_rep} > FS {L.fs_rep} へ引継ぎ",
    )
    lines = [stamp, *_activity_log(c)]
    lines.append(c.pick("---", "=====", "■summary", "[Summary]", ""))
    colon = c.pick(": ", ":", "： ")
    merge_next = c.r.random() < 0.5
    for key in _CRM_KEYS:
        if key == "touch_summary" or (merge_next and key == "meeting_format"):
            continue
        label = c.r.choice(_CRM_KEYS[key])
        if merge_next and key == "meeting_datetime":
            v1 = render(c, "meeting_datetime", "crm")
            v2 = render(c, "meeting_format", "crm")
            if v1 is not None and v2 is not None:
                lines.append(f"Next{colon}{v1} {v2}")
                continue
            for k, v in (("meeting_datetime", v1), ("meeting_format", v2)):
                if v is not None:
                    lines.append(f"{c.r.choice(_CRM_KEYS[k])}{colon}{v}")
                elif c.r.random() < 0.5:
                    lines.append(f"{c.r.choice(_CRM_KEYS[k])}{colon.rstrip()}")
            continue
        v = render(c, key, "crm")
        if v is None:
            if c.r.random() < 0.5:
                lines.append(f"{label}{colon.rstrip()}")
            continue
        lines.append(f"{label}{colon}{v}")
    return "\n".join(lines)


# ---- dictated memo -----------------------------------------------------------

_FILLERS = (
    "",
    "",
    "で、",
    "あと、",
    "えーと、",
    "あ、そうだ、",
    "それから、",
    "ちなみに、",
    "んで、",
    "なんか、",
    "えっと、",
    "あー、",
    "まあ、",
    "そうそう、",
)


def spoken(c: Ctx) -> str:
    opener = render(c, "company", "casual")
    if opener is None:
        opener = c.pick(
            "えーと、昨日アポ取れた件なんですけど、",
            "お疲れさまです、一件トスアップです。",
            "はい、えー、先週お問い合わせのあった件です。",
        )
    order = [
        k
        for g in ("basics", "history", "needs", "bant", "competition", "meeting")
        for k in GROUPS[g]
    ]
    order.remove("company")
    # People talk in rough blocks; move a few fields to where they come to mind.
    for _ in range(c.r.randrange(2, 6)):
        k = order.pop(c.r.randrange(len(order)))
        order.insert(c.r.randrange(len(order) + 1), k)
    sentences = []
    used: set[str] = set()
    for key in order:
        s = render(c, key, "casual")
        if s is None:
            continue
        f = c.r.choice(_FILLERS)
        if s.startswith(("で、", "えー")) or f in used:
            f = ""
        if f not in ("", "で、", "あと、"):
            used.add(f)
        sentences.append(f + s)
    note = render(c, "notes", "casual")
    if note:
        lead_in = c.pick("あ、あと注意点なんですけど、", "それと、")
        if c.labels["notes"] != "confirmed":
            lead_in = "あと、"  # 「注意点なんですけど、特になし」 does not sound right
        sentences.append(lead_in + note)
    sentences.append(
        c.pick(
            "以上です、よろしくお願いしまーす。",
            "そんな感じです。何かあったらチャットください。",
            "えー、以上です。",
            "とりあえずそんなところです、よろしくです。",
        )
    )
    cut = c.r.randrange(
        len(sentences) // 3, max(len(sentences) // 3 + 1, 2 * len(sentences) // 3)
    )
    one = opener + "".join(sentences[:cut])
    two = "".join(sentences[cut:])
    if c.r.random() < 0.4:
        return one + two
    return one + "\n\n" + two


HABITS: dict[str, Callable[[Ctx], str]] = {
    "email": email,
    "brackets": brackets,
    "crm_note": crm_note,
    "spoken": spoken,
}
