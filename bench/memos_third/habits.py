"""Five writing habits; each turns a Memo (facts + true statuses) into text.

A field in status empty is never written: no line in prose and chat, a key with
no value or no row at all in keyed habits.
"""

from __future__ import annotations

from collections.abc import Callable

from bench.memos_third import facts as F
from bench.memos_third import phrases as P
from bench.memos_third.generator import Memo

KEY_JA: dict[str, tuple[str, ...]] = {
    "company": ("企業名", "会社名", "顧客名", "取引先名"),
    "contact": ("担当者名/役職", "担当者", "先方担当", "窓口"),
    "contact_info": ("連絡先", "TEL/Mail", "連絡先（電話・メール）"),
    "company_size": ("企業規模", "従業員数・売上", "規模感"),
    "first_contact": ("初回接点日", "初回接点", "リード獲得日"),
    "touch_count": ("接点回数", "接触回数"),
    "touch_summary": ("接点履歴", "主な接点内容", "これまでの経緯"),
    "problem": ("課題", "顧客課題", "困りごと"),
    "cause": ("課題の背景", "背景・原因", "原因"),
    "desired_state": ("解決後の状態", "ゴール", "期待する状態"),
    "budget": ("予算", "予算感", "Budget", "予算（確保状況）"),
    "authority": ("決裁者", "決裁ルート", "決裁フロー", "Authority"),
    "need": ("緊急度", "温度感", "優先度", "Need"),
    "timeline": ("導入時期", "スケジュール", "導入希望時期", "Timeline"),
    "competitors": ("競合", "比較検討先", "競合状況"),
    "impression": ("当社への印象", "印象・懸念", "懸念点"),
    "meeting_datetime": ("商談日時", "アポ日時", "次アクション"),
    "meeting_format": ("商談形式", "形式", "訪問/オンライン"),
    "attendees": ("先方参加者", "参加者（先方）", "同席者"),
    "expected_content": ("商談で期待される内容", "先方の期待", "当日のアジェンダ"),
    "notes": ("特記事項", "備考", "注意点"),
}
MEETING = ("meeting_datetime", "meeting_format", "attendees", "expected_content")
BANT = ("budget", "authority", "need", "timeline")
HISTORY = ("first_contact", "touch_count", "touch_summary")
NEEDS = ("problem", "cause", "desired_state")
COMPETITION = ("competitors", "impression")


def _keyed_line(memo: Memo, key: str, bullet: str, sep: str) -> str | None:
    value = memo.val(key)
    label = memo.rng.choice(KEY_JA[key])
    if value is None:
        return f"{bullet}{label}{sep}" if memo.rng.random() < 0.5 else None
    return f"{bullet}{label}{sep}{value}"


# ---- 1. minutes --------------------------------------------------------------


def minutes(memo: Memo) -> str:
    rng, v, st, lead = memo.rng, memo.vars, memo.status, memo.lead
    lines = []
    if st["company"] in "CP":
        memo.val("company")  # records the stated name
        title = rng.choice(
            ("【議事録】{}様 ヒアリング", "{} 初回ヒアリング議事録", "■議事録：{}様")
        ).format(v["company"])
        lines.append(title + ("　※正式社名は未確認" if st["company"] == "P" else ""))
    else:
        lines.append(
            rng.choice(("【議事録】新規リード ヒアリング", "ヒアリング議事録（IS）"))
        )
        company = memo.val("company")
        if company is not None:
            lines.append(f"顧客：{company}")
    call_time = f"{rng.choice((10, 11, 14, 15, 16))}:{rng.choice(('00', '30'))}"
    lines.append(
        f"日時：{F.date_ja(lead.reference, rng, weekday=True)} {call_time}〜"
        f"（{rng.choice(('電話', 'Zoom', 'Teams', '架電'))}）"
    )
    ours = f"（当社）IS {v['is']}"
    who = memo.val("contact")
    if st["contact"] == "N":
        who = f"ご担当者様（氏名・役職 {who}）"
    lines.append(
        f"参加者：（先方）{who}／{ours}" if who is not None else f"参加者：{ours}"
    )
    lines.append(
        "議題："
        + rng.choice(
            (
                "現状の課題ヒアリング、FS商談の打診",
                "導入検討状況の確認",
                f"{v['product']}の検討状況ヒアリング",
            )
        )
    )
    lines.append("")
    keyed_bant = rng.random() < 0.5
    block = list(MEETING) + (list(BANT) if keyed_bant else [])
    if rng.random() < 0.5:
        block.append("notes")
    body_keys = [
        "contact_info",
        "company_size",
        *HISTORY,
        *NEEDS,
        *([] if keyed_bant else BANT),
        *COMPETITION,
    ]
    if "notes" not in block:
        body_keys.append("notes")
    lines.append(rng.choice(("■内容", "【内容】", "＜内容＞")))
    numbering = rng.choice(("{}. ", "{}) ", "({}) "))
    n = 0
    for key in body_keys:
        s = memo.sentence(key, "memo")
        if s is not None:
            n += 1
            lines.append(numbering.format(n) + s)
    lines.append("")
    lines.append(
        rng.choice(("■FSへの申し送り", "【トスアップ事項】", "＜FSへの申し送り＞"))
    )
    bullet, sep = rng.choice((("・", "："), ("- ", ": "), ("・", "：")))
    for key in block:
        line = _keyed_line(memo, key, bullet, sep)
        if line is not None:
            lines.append(line)
    lines.append("")
    lines.append(rng.choice(("■ToDo", "【ToDo】", "ToDo：")))
    todos = [
        f"・[IS {v['is']}] 本議事録をSFAに登録",
        f"・[IS {v['is']}] 先方へお礼メール送付",
        f"・[FS {v['fs']}] 事前に先方HPとIR情報を確認",
        f"・[FS {v['fs']}] 提案資料のたたきを作成",
    ]
    lines.extend(rng.sample(todos, 2))
    return "\n".join(lines)


# ---- 2. table -------------------------------------------------------------------


def table(memo: Memo) -> str:
    rng = memo.rng
    pipe = rng.random() < 0.5
    lines = []
    if rng.random() < 0.6:
        lines.append(
            rng.choice(
                (
                    "■トスアップシート（SFAより貼付）",
                    "トスアップ情報",
                    "【引き継ぎシート】",
                )
            )
        )
    lines.append("| 項目 | 内容 |\n|---|---|" if pipe else "項目\t内容")
    sections = rng.random() < 0.4
    current = ""
    from readiness.fields import FIELDS, section

    for f in FIELDS:
        if sections and f.section != current:
            current = f.section
            lines.append(
                f"| **{section(current).ja}** | |"
                if pipe
                else f"■{section(current).ja}"
            )
        value = memo.val(f.key)
        label = rng.choice(KEY_JA[f.key])
        if value is None:
            if rng.random() < 0.4:
                continue
            value = ""
        lines.append(f"| {label} | {value} |" if pipe else f"{label}\t{value}")
    return "\n".join(lines)


# ---- 3. line_chat ----------------------------------------------------------------

QUESTIONS: dict[str, tuple[str, ...]] = {
    "contact": ("先方のご担当は？", "窓口はどなたですか？"),
    "contact_info": ("連絡先わかります？", "直通とかメールあります？"),
    "company_size": ("どれくらいの規模の会社ですか？", "従業員数どのくらい？"),
    "first_contact": (
        "最初の接点っていつでしたっけ？",
        "リードはいつ入ってきたんですか？",
    ),
    "touch_count": ("何回くらい話してます？", "接点は何回目？"),
    "touch_summary": (
        "ここまでの経緯ざっくり教えてください",
        "どういう流れで来たリードです？",
    ),
    "problem": ("課題は何ですか？", "何に困ってる感じです？"),
    "cause": ("なんでそうなってるんですかね？", "原因は聞けました？"),
    "desired_state": ("解決したらどうしたいって？", "ゴールイメージは？"),
    "budget": ("予算は？", "予算感どうでした？", "ご予算って聞けてます？"),
    "authority": ("決裁者は？", "決裁ルートわかります？"),
    "need": ("温度感どうですか？", "緊急度は？"),
    "timeline": ("導入時期は？", "スケジュール感は？"),
    "competitors": ("競合は？", "他社も見てます？"),
    "impression": ("うちの印象どうでした？", "懸念点ありました？"),
    "meeting_datetime": ("アポいつですか？", "商談日時は？"),
    "meeting_format": ("訪問ですか？オンライン？", "形式は？"),
    "attendees": ("先方は誰が出ます？", "参加者は？"),
    "expected_content": ("当日何を話せばいいですかね？", "先方の期待は？"),
    "notes": ("他に注意点あります？", "何か気をつけることは？"),
}
_ACKS = (
    "了解です",
    "なるほど",
    "了解です！",
    "ふむふむ",
    "OKです",
    "ありがとうございます🙏",
    "助かります",
)


def line_chat(memo: Memo) -> str:
    rng, v, st = memo.rng, memo.vars, memo.status
    style = rng.randrange(3)
    clock = [rng.randint(9 * 60, 17 * 60)]

    def say(role: str, name: str, text: str) -> str:
        if style == 0:
            return f"{role} {name}: {text}"
        if style == 1:
            return f"{name}({role})：{text}"
        clock[0] += rng.randint(0, 6)
        return f"[{clock[0] // 60}:{clock[0] % 60:02d}] {name}: {text}"

    isr, fs = ("IS", v["is"]), ("FS", v["fs"])
    turns = []
    opener = f"{v['fs']}さん、トスアップ1件お願いします！"
    if st["company"] == "C":
        opener += memo._fill(
            "company", rng.choice(("{company}さんです", "{company}の件です"))
        )
    elif st["company"] in "PN":
        opener += memo.sentence("company", "chat") or ""
    turns.append(say(*isr, opener))
    turns.append(
        say(
            *fs,
            rng.choice(
                (
                    "ありがとうございます！",
                    "了解です、詳細ください",
                    "お、ありがとうございます🙏",
                )
            ),
        )
    )
    order = [k for k in QUESTIONS if st[k] != "E"]
    i = 0
    while i < len(order):
        key = order[i]
        if rng.random() < 0.3 and i + 1 < len(order):
            # IS volunteers two facts at once, no question asked.
            a = memo.sentence(key, "chat")
            b = memo.sentence(order[i + 1], "chat")
            turns.append(say(*isr, f"あと、{(a or '').rstrip('！')}。{b}"))
            i += 2
        else:
            turns.append(say(*fs, rng.choice(QUESTIONS[key])))
            turns.append(
                say(*isr, memo.sentence(key, "chat", topic=rng.random() < 0.4) or "")
            )
            i += 1
        if rng.random() < 0.25:
            turns.append(say(*fs, rng.choice(_ACKS)))
    turns.append(
        say(
            *fs,
            rng.choice(
                (
                    "了解です！ありがとうございます [スタンプ]",
                    "助かります、あとはこちらで！",
                    "OKです(笑) 準備しておきます",
                    "[スタンプ]",
                )
            ),
        )
    )
    return "\n".join(turns)


# ---- 4. bilingual --------------------------------------------------------------

_EN_PROSE: dict[str, dict[str, tuple[str, ...]]] = {
    "problem": {
        "C": ("Their main pain: {problem_en}.", "They told us {problem_en}."),
        "P": (
            "Seems like {problem_en}, but we didn't dig deep.",
            "課題はたぶん{problem}.",
        ),
        "N": ("Didn't get to their actual pain yet.", "Pain point not asked."),
    },
    "cause": {
        "C": ("The background: {cause_en}.", "Root cause per them: {cause_en}."),
        "P": ("Probably because {cause_en}.", "Root cause unclear, maybe {cause_en}."),
        "N": ("Root cause: not asked.", "Why this happens – unknown."),
    },
    "desired_state": {
        "C": ("They want to {desired_en}.", "Goal: {desired_en}."),
        "P": ("I think they'd like to {desired_en}.", "Goal is still vague."),
        "N": ("Desired state TBC.", "Didn't ask what good looks like."),
    },
}


def bilingual(memo: Memo) -> str:
    rng, v, st = memo.rng, memo.vars, memo.status
    sep = rng.choice((": ", ": ", " - "))
    lines = []
    if st["company"] in "CP":
        lines.append(f"Toss-up memo – {v['company']}")
    else:
        lines.append("Toss-up memo (new lead)")
    lines.append(
        f"From {v['is']} (IS) to {v['fs']} (FS), {F.date_en(memo.lead.reference, rng)}"
    )
    lines.append("")

    def keyed(keys: tuple[str, ...] | list[str], bullet: str = "") -> None:
        for key in keys:
            value = memo.en(key)
            label = rng.choice(P.EN_KEY[key])
            if value is None:
                if rng.random() < 0.5:
                    lines.append(f"{bullet}{label}{sep}".rstrip())
                continue
            lines.append(f"{bullet}{label}{sep}{value}")

    keyed(("company", "contact", "contact_info", "company_size"))
    lines.append("")
    lines.append(rng.choice(("[History]", "History", "## Engagement")))
    keyed(HISTORY, "- ")
    lines.append("")
    if rng.random() < 0.5:
        lines.append(rng.choice(("Summary", "[Needs]", "## Pain & goal")))
        prose = []
        for key in NEEDS:
            s = st[key]
            if s == "E":
                continue
            bank = "C" if s == "C" else s
            prose.append(memo._fill(key, rng.choice(_EN_PROSE[key][bank])))
        if prose:
            lines.append(" ".join(prose))
    else:
        lines.append(rng.choice(("[Needs]", "Needs")))
        keyed(NEEDS, "- ")
    lines.append("")
    lines.append(rng.choice(("BANT", "[BANT]", "## BANT")))
    keyed(BANT, "- ")
    lines.append("")
    lines.append(rng.choice(("Competition", "[Competition]")))
    keyed(COMPETITION, "- ")
    lines.append("")
    lines.append(rng.choice(("Next step", "[Meeting]", "## Next action")))
    keyed(MEETING, "- ")
    if st["notes"] != "E":
        lines.append("")
        keyed(("notes",))
    return "\n".join(lines).rstrip()


# ---- 5. report -----------------------------------------------------------------

_HEADINGS = (
    ("案件概要", "お客様の概要", "顧客基本情報"),
    ("顧客の状況", "課題とニーズ", "現状と課題"),
    ("商談条件", "予算・決裁・時期", "BANTの状況"),
    ("今後の進め方", "商談設定内容", "次のアクション"),
    ("特記事項", "留意点", "その他"),
)
_GROUPS = (
    ("company", "contact", "contact_info", "company_size", *HISTORY),
    (*NEEDS, "need", *COMPETITION),
    ("budget", "authority", "timeline"),
    MEETING,
    ("notes",),
)


def report(memo: Memo) -> str:
    rng, v, st = memo.rng, memo.vars, memo.status
    if st["company"] in "CP":
        subject = f"件名：{v['company']}様 トスアップのご報告"
    else:
        subject = "件名：新規案件トスアップのご報告"
    lines = [
        subject,
        "",
        f"フィールドセールス課 {v['fs']}課長",
        "",
        f"お疲れ様です。インサイドセールスの{v['is']}です。",
        "標記の件、以下の通りご報告いたします。",
        "",
    ]
    number = 0
    for headings, keys in zip(_HEADINGS, _GROUPS, strict=True):
        stems = [s for s in (memo.stem(k) for k in keys) if s is not None]
        if not stems:
            continue
        number += 1
        lines.append(f"{number}. {rng.choice(headings)}")
        text = ""
        i = 0
        while i < len(stems):
            stem, kind = stems[i]
            if i + 1 < len(stems) and rng.random() < 0.5:
                stem2, kind2 = stems[i + 1]
                text += (
                    stem
                    + rng.choice(P.ENDINGS[kind]["join"])
                    + stem2
                    + rng.choice(P.ENDINGS[kind2]["keigo"])
                )
                i += 2
            else:
                text += stem + rng.choice(P.ENDINGS[kind]["keigo"])
                i += 1
        lines.append("　" + text)
        lines.append("")
    lines.append(
        rng.choice(
            (
                "以上、ご確認のほどよろしくお願いいたします。",
                "以上となります。ご不明点があればお知らせください。",
            )
        )
    )
    return "\n".join(lines)


RENDER: dict[str, Callable[[Memo], str]] = {
    "minutes": minutes,
    "table": table,
    "line_chat": line_chat,
    "bilingual": bilingual,
    "report": report,
}
