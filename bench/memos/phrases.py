"""What a rep writes for each field, by the status it should carry.

`VALUE[field][status]` are values after a label (「・Budget(予算): …」),
`SAY[field][status]` are sentences for chat and prose. Placeholders are filled
from `generator.slots`. The labelling rule the banks follow (bench/memos/README.md):
- confirmed: a concrete fact heard from the customer (「〜とのこと」 included), or a
  confirmed absence (「競合なし（当社のみ）」, 「予算なし（確認済み）」);
- partial: something informative but hedged, second-hand, a range or a guess
  (らしい, 〜と聞いている, たぶん, 〜予定, 〜頃, 〜くらい, 〜かも, 〜と思われる);
- not_obtained: only a marker that it was not asked, heard or known.
"""

from __future__ import annotations

from typing import Final

C, P, N = "confirmed", "partial", "not_obtained"

# Markers that say only "not known", in the forms reps actually type.
NOT_MARKERS: Final = (
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
    "—",
    "（聞けず）",
    "次回確認",
    "要確認",
    "未聴取",
    "不明（聞きそびれ）",
    "確認できず",
    "ヒアリング漏れ",
    "後日確認",
    "わからず",
    "未",
    "n/a",
    "N/A",
    "不明です",
    "まだ聞けていません",
    "（未確認）",
    "※次回ヒアリング",
    "確認中（先方回答待ち）",
    "不明／次回確認",
    "聞けてない",
    "未把握",
    "未確認(次回商談で確認)",
    "??",
    "不明…",
    "【要確認】",
    "未入手",
    "ヒアリングできず",
    "先方回答待ち",
    "確認漏れ",
)
NOT_EXTRA: Final[dict[str, tuple[str, ...]]] = {
    "meeting_datetime": ("調整中", "日程調整中", "未定", "TBD（候補日打診中）"),
    "meeting_format": ("未定", "調整中"),
    "timeline": ("未定", "不明（先方も未定とのこと？）"),
    "expected_content": ("特になし", "特に聞けず"),
    "notes": ("特になし", "なし", "特記なし"),
    "first_contact": ("記録なし",),
    "touch_summary": ("前任から引継ぎ（詳細不明）",),
    "problem": ("深掘りできず",),
}
# The noun a sentence uses for the field, and ways to say it was not obtained.
NOUN: Final[dict[str, str]] = {
    "contact_info": "連絡先",
    "company_size": "企業規模",
    "first_contact": "初回接点",
    "touch_count": "接点回数",
    "touch_summary": "これまでの経緯",
    "problem": "課題",
    "cause": "課題の背景",
    "desired_state": "導入後のイメージ",
    "budget": "予算",
    "authority": "決裁者",
    "need": "緊急度",
    "timeline": "導入スケジュール",
    "competitors": "競合",
    "impression": "当社への印象",
    "meeting_datetime": "商談日時",
    "meeting_format": "商談形式",
    "attendees": "先方の参加者",
    "expected_content": "商談で聞きたいこと",
    "notes": "特記事項",
}
NOT_SAY: Final = (
    "は聞けていません。",
    "は未確認です。",
    "は不明です。",
    "は次回確認します。",
    "は確認中です。",
    "はまだヒアリングできていません。",
    "は聞きそびれました。",
    "は分かりませんでした。",
    "は要確認です。",
    "については確認できていません。",
)
NOT_CHAT: Final = (
    "→聞けず🙏",
    "は未確認です💦",
    "？不明",
    "→次回確認",
    "は聞けてないです🙇",
    "：TBD",
    "まだです",
    "はわからずでした",
    "→確認中",
)

VALUE: Final[dict[str, dict[str, tuple[str, ...]]]] = {
    "company": {C: ("{company}",)},
    "contact": {
        C: (
            "{surname}様／{dept} {title}",
            "{dept}{title} {surname} {given}様",
            "{surname}（{title}）",
            "{surname} {given} 様（{dept}・{title}）",
        ),
        P: (
            "{surname}様（役職未確認）",
            "{dept}のご担当者（お名前は未確認）",
            "{surname}様（{title}クラスらしい）",
        ),
    },
    "contact_info": {
        C: ("{phone} / {mail}", "{mail}", "TEL {phone}", "TEL:{phone}　Mail:{mail}"),
        P: ("代表番号のみ（{phone}）", "{mail}（共用アドレスかも）"),
    },
    "company_size": {
        C: ("従業員{emp}名／売上{rev}億円", "{emp}名、年商{rev}億", "社員数{emp}名"),
        P: (
            "中堅規模らしい",
            "{lo}〜{hi}名くらい",
            "従業員{emp}名ほどと聞いている",
            "たぶん{emp}名前後",
        ),
    },
    "first_contact": {
        C: ("{first}（{channel}）", "{first}", "{first} {channel}"),
        P: ("{first_month}月頃（{channel}）", "{first_month}月頃？"),
    },
    "touch_count": {
        C: ("{touches}回", "{touches}回（架電{calls}・Web面談1）", "計{touches}回"),
        P: ("数回", "{touches}回くらい", "{touches}〜{touches1}回"),
    },
    "touch_summary": {
        C: (
            "{channel}→架電でヒアリング→Web面談で課題整理",
            "{first}に{channel}、その後電話{calls}回とWeb面談1回",
        ),
        P: (
            "前任者対応のため詳細は不明だが、{channel}経由らしい",
            "何度か電話でやり取りしたようだ",
        ),
    },
    "problem": {
        C: ("{problem}",),
        P: (
            "{topic}まわりで困っているらしい（詳細は未確認）",
            "{topic}を見直したい様子",
            "たぶん{topic}の効率化",
        ),
    },
    "cause": {
        C: ("{cause}",),
        P: (
            "人手不足が背景かも",
            "拠点が増えたことが原因と思われる",
            "現行のやり方が古いから…だと思う",
        ),
    },
    "desired_state": {
        C: ("{goal}",),
        P: (
            "効率化したいとのこと（具体的な目標は未確認）",
            "もう少し楽にしたい、くらいの温度感",
            "たぶん工数削減",
        ),
    },
    "budget": {
        C: (
            "{amount}（確保済み）",
            "{amount}・今期予算で確保済",
            "年間{amount}で承認済み",
            "{amount}／確保済",
            "予算なし（確認済み）",
        ),
        P: (
            "{amount}程度を確保予定",
            "{lo_man}〜{hi_man}万円くらい",
            "予算はあると聞いている（金額不明）",
            "{amount}くらい？",
            "来期予算で申請予定（{amount}想定）",
        ),
    },
    "authority": {
        C: (
            "{boss}（{boss_name}様）決裁、稟議あり",
            "{title}起案→{boss}決裁",
            "{boss}の{boss_name}様が最終決裁／稟議2週間程度",
        ),
        P: (
            "{boss}決裁だと思われる",
            "稟議が必要らしい（決裁者は未確認）",
            "たぶん{boss}決裁",
        ),
    },
    "need": {
        C: (
            "{urgency}（{urgency_why}）",
            "{urgency}：{urgency_why}",
            "緊急度{urgency}",
        ),
        P: ("高めっぽい", "優先度はそこそこ高いと聞いている", "中くらい？"),
    },
    "timeline": {
        C: (
            "{decide}月中に選定、{start}月導入希望",
            "{decide}月末までに決定／{start}月から利用開始",
        ),
        P: (
            "年内には決めたい様子",
            "{start}月頃導入が目安らしい",
            "下期導入予定（時期は未確定）",
        ),
    },
    "competitors": {
        C: ("{rivals}と比較中", "{rivals}", "競合なし（当社のみ検討）"),
        P: (
            "他社も見ているらしい（社名不明）",
            "{rival}も検討しているかも",
            "大手2〜3社と比較中と聞いている",
        ),
    },
    "impression": {
        C: (
            "価格は高めとの印象、サポート体制を評価",
            "UIが分かりやすいと好評。懸念は既存システムとの連携",
            "前向き。セキュリティ面の懸念あり",
        ),
        P: ("悪くない反応だった気がする", "好感触っぽい（懸念点は未確認）"),
    },
    "meeting_datetime": {
        C: ("{meet_date} {meet_time}", "{meet_date} {meet_time}（先方了承済）"),
        P: (
            "{meet_month}月{meet_part}で調整中",
            "{meet_date}で仮押さえ（先方確認待ち）",
        ),
    },
    "meeting_format": {
        C: ("{format}",),
        P: ("{format}の予定（変更の可能性あり）", "たぶん{format}"),
    },
    "attendees": {
        C: ("{att}（計{n_att}名）", "{att}"),
        P: ("{title}ほか数名の予定", "{n_att}名くらい（役職未確認）"),
    },
    "expected_content": {
        C: (
            "デモと導入事例、概算見積り",
            "{topic}の運用イメージとデモ、他社との違い",
            "費用感と導入スケジュールの説明",
        ),
        P: ("製品説明全般？", "デモを見たい、くらい（詳細は未確認）"),
    },
    "notes": {
        C: (
            "月末は多忙のため避けたいとのこと",
            "過去に別製品で失注歴あり",
            "ご担当者は技術寄りの方。専門用語OK",
            "稟議資料用に比較表が欲しいとのこと",
        ),
        P: ("キーマンは別にいるかも", "社内で反対意見もあるらしい"),
    },
}

SAY: Final[dict[str, dict[str, tuple[str, ...]]]] = {
    "contact_info": {
        C: (
            "連絡先は{phone}、メールは{mail}です。",
            "メールは{mail}でいただいています。",
        ),
        P: ("連絡先は代表番号（{phone}）しか分かっていません。",),
    },
    "company_size": {
        C: (
            "従業員は{emp}名、売上は{rev}億円規模の会社です。",
            "社員数{emp}名の会社です。",
        ),
        P: ("中堅規模の会社らしいです。", "従業員は{lo}〜{hi}名くらいと聞いています。"),
    },
    "first_contact": {
        C: (
            "初回接点は{first}の{channel}です。",
            "{first}に{channel}からの流入でした。",
        ),
        P: ("最初の接点は{first_month}月頃だったと思います。",),
    },
    "touch_count": {
        C: ("これまで{touches}回やり取りしています。", "接点は計{touches}回です。"),
        P: ("何回かやり取りしているようです。", "接点は{touches}回くらいです。"),
    },
    "touch_summary": {
        C: ("{channel}をきっかけに架電し、Web面談で課題を整理しました。",),
        P: ("前任者が対応していたので詳細は分かりませんが、{channel}経由らしいです。",),
    },
    "problem": {
        C: ("課題は、{problem}ことです。", "{problem}とのことです。"),
        P: (
            "{topic}まわりで困っているらしいです（詳細はまだ）。",
            "{topic}を見直したい様子でした。",
        ),
    },
    "cause": {
        C: ("背景として、{cause}とのことです。", "原因は、{cause}という点です。"),
        P: ("人手不足が背景かもしれません。", "拠点が増えたことが原因だと思われます。"),
    },
    "desired_state": {
        C: ("{goal}とのことです。", "理想としては{goal}という話でした。"),
        P: (
            "効率化したいとのことですが、具体的な目標はまだ聞けていません。",
            "もう少し楽にしたい、くらいの温度感でした。",
        ),
    },
    "budget": {
        C: (
            "予算は{amount}で、すでに確保済みとのことです。",
            "予算{amount}は今期で承認済みです。",
            "予算はなし（確認済み）です。",
        ),
        P: (
            "予算は{amount}程度を確保予定とのことです。",
            "予算は{lo_man}〜{hi_man}万円くらいのようです。",
            "予算はあると聞いていますが、金額は分かりません。",
            "予算はたぶん{amount}くらいです。",
        ),
    },
    "authority": {
        C: (
            "決裁は{boss}の{boss_name}様で、稟議が必要です。",
            "{title}が起案して{boss}決裁という流れです。",
        ),
        P: (
            "決裁は{boss}だと思われます。",
            "稟議が必要らしいですが、決裁者はまだ分かりません。",
        ),
    },
    "need": {
        C: (
            "緊急度は{urgency}で、{urgency_why}とのことです。",
            "優先度{urgency}（{urgency_why}）です。",
        ),
        P: ("優先度はそこそこ高いと聞いています。", "急ぎっぽい雰囲気はありました。"),
    },
    "timeline": {
        C: ("{decide}月中に選定して、{start}月から使い始めたいとのことです。",),
        P: ("年内には決めたい様子です。", "{start}月頃の導入が目安らしいです。"),
    },
    "competitors": {
        C: (
            "競合は{rivals}で、比較検討中です。",
            "他社は検討しておらず当社のみとのことです。",
        ),
        P: (
            "他社も見ているらしいですが、社名は分かりません。",
            "{rival}も検討しているかもしれません。",
        ),
    },
    "impression": {
        C: (
            "当社については価格は高めとの印象で、サポート体制を評価いただいています。",
            "UIが分かりやすいと好評でした。懸念は既存システムとの連携です。",
        ),
        P: (
            "反応は悪くなかった気がします。",
            "好感触っぽいですが、懸念点は聞けていません。",
        ),
    },
    "meeting_datetime": {
        C: (
            "商談は{meet_date} {meet_time}で確定しています。",
            "{meet_date} {meet_time}にお時間いただきました。",
        ),
        P: (
            "商談は{meet_month}月{meet_part}で調整中です。",
            "{meet_date}で仮押さえ中です（先方確認待ち）。",
        ),
    },
    "meeting_format": {
        C: ("形式は{format}です。", "{format}で実施します。"),
        P: ("たぶん{format}になると思います。",),
    },
    "attendees": {
        C: ("先方は{att}の計{n_att}名が参加予定です。", "参加者は{att}です。"),
        P: (
            "{title}ほか数名が出る予定です。",
            "先方は{n_att}名くらい来るようです（役職は未確認）。",
        ),
    },
    "expected_content": {
        C: (
            "商談ではデモと導入事例、概算見積りを見たいとのことです。",
            "{topic}の運用イメージと他社との違いを説明してほしいとのことです。",
        ),
        P: ("製品説明全般を聞きたい感じだと思います。",),
    },
    "notes": {
        C: (
            "なお、月末は多忙のため避けたいとのことです。",
            "過去に別製品で失注歴があります。",
            "稟議資料用に比較表が欲しいとのことです。",
        ),
        P: ("キーマンは別にいるかもしれません。", "社内で反対意見もあるらしいです。"),
    },
}

# Short keys for terse lines, English / romaji keys, and the reordered habit's labels.
TERSE_KEY: Final[dict[str, tuple[str, ...]]] = {
    "company": ("社名", "会社"),
    "contact": ("担当", "担当者"),
    "contact_info": ("連絡先", "TEL/Mail"),
    "company_size": ("規模",),
    "first_contact": ("初回",),
    "touch_count": ("接点", "接点数"),
    "touch_summary": ("経緯",),
    "problem": ("課題",),
    "cause": ("背景", "原因"),
    "desired_state": ("ゴール", "理想"),
    "budget": ("予算",),
    "authority": ("決裁", "決裁者"),
    "need": ("緊急度", "優先度"),
    "timeline": ("時期", "導入時期"),
    "competitors": ("競合",),
    "impression": ("印象",),
    "meeting_datetime": ("商談", "アポ"),
    "meeting_format": ("形式",),
    "attendees": ("参加", "先方参加"),
    "expected_content": ("期待", "要望"),
    "notes": ("備考", "メモ"),
}
ENGLISH_KEY: Final[dict[str, tuple[str, ...]]] = {
    "company": ("Company", "Account", "Kaisha"),
    "contact": ("Contact", "Tantou", "PIC"),
    "contact_info": ("Tel/Mail", "Contact info"),
    "company_size": ("Size", "Employees"),
    "first_contact": ("1st touch", "First contact"),
    "touch_count": ("Touches", "No. of touches"),
    "touch_summary": ("History",),
    "problem": ("Pain", "Issue", "Kadai"),
    "cause": ("Cause", "Background"),
    "desired_state": ("Goal", "To-be"),
    "budget": ("Budget", "Yosan", "B"),
    "authority": ("DM", "Authority", "Kessai", "A"),
    "need": ("Need", "Urgency", "N"),
    "timeline": ("Timeline", "Schedule", "T"),
    "competitors": ("Competitor", "Competitors", "Kyougou"),
    "impression": ("Impression",),
    "meeting_datetime": ("Next", "Meeting", "Apo"),
    "meeting_format": ("Format",),
    "attendees": ("Attendees", "Members"),
    "expected_content": ("Ask", "Agenda"),
    "notes": ("Memo", "Notes", "Note"),
}
ALT_LABEL: Final[dict[str, tuple[str, ...]]] = {
    "company": ("会社名", "顧客名", "企業名"),
    "contact": ("ご担当者", "担当者（役職）"),
    "contact_info": ("連絡先",),
    "company_size": ("従業員数・売上", "規模感"),
    "first_contact": ("初回接点", "初回コンタクト"),
    "touch_count": ("接触回数",),
    "touch_summary": ("これまでの経緯", "接点の概要"),
    "problem": ("課題", "お困りごと"),
    "cause": ("背景", "原因"),
    "desired_state": ("ありたい姿", "導入後のイメージ"),
    "budget": ("予算", "ご予算"),
    "authority": ("決裁者", "決裁フロー"),
    "need": ("緊急度", "優先度"),
    "timeline": ("導入時期", "スケジュール"),
    "competitors": ("競合", "比較検討先"),
    "impression": ("当社の印象", "懸念点"),
    "meeting_datetime": ("日時", "アポ日時"),
    "meeting_format": ("形式", "実施方法"),
    "attendees": ("参加者", "先方出席者"),
    "expected_content": ("聞きたいこと", "アジェンダ"),
    "notes": ("備考", "注意点"),
}
