"""What a rep writes for a field in a given status: short values and sentences.

Three banks, each per field and status (C confirmed, P partial, N not obtained):
- ``VAL``: a Japanese value after a key (tables, 申し送り blocks);
- ``SENT``: a Japanese sentence body and its ending kind, rendered in a register
  (memo: plain 体言止め / とのこと, keigo: 報告書, chat: casual);
- ``EN``: an English value (Japanese names and values mixed in).
Templates name the facts they state in braces; the generator records a memo's
``values`` from them ({company}, {csur}, {amount}, {mdate}).
"""

from __future__ import annotations

NOT_KNOWN = (
    "未確認",
    "不明",
    "－",
    "?",
    "TBD",
    "確認中",
    "未ヒアリング",
    "（聞けず）",
    "次回確認",
    "要確認",
    "後日確認",
    "ー",
)
NOT_KNOWN_BY_FIELD = {
    "meeting_datetime": ("調整中", "未定", "先方回答待ち"),
    "meeting_format": ("未定", "調整中"),
    "timeline": ("未定",),
    "first_contact": ("記録なし",),
    "notes": ("特になし", "なし"),
    "expected_content": ("特になし",),
    "attendees": ("先方回答待ち",),
}
NOT_KNOWN_EN = (
    "TBC",
    "not asked",
    "unknown",
    "?",
    "TBD",
    "n/a (not asked)",
    "unclear",
    "未確認",
    "not heard yet",
)

VAL: dict[str, dict[str, tuple[str, ...]]] = {
    "company": {
        "C": ("{company}", "{company}（{industry}）", "{company}　※{industry}"),
        "P": (
            "{company}（正式社名は未確認）",
            "{company}？（グループ会社のどこかは不明）",
            "{company}…と思われる（名刺なし）",
        ),
    },
    "contact": {
        "C": (
            "{cdept} {csur}{ctitle}",
            "{csur}様（{cdept}{ctitle}）",
            "{cdept}{ctitle} {csur}様",
            "{csur} {ctitle}／{cdept}",
        ),
        "PN": (
            "{csur}様（役職未確認）",
            "{csur}さん（部署・役職は聞けず）",
            "{csur}様 ※肩書不明",
        ),
        "PT": (
            "{cdept}の{ctitle}クラスの方らしい（お名前未確認）",
            "{cdept}の方（名前は聞き漏れ）",
        ),
    },
    "contact_info": {
        "C": (
            "{phone}／{email}",
            "TEL {phone}　Mail {email}",
            "{email}（直通 {phone}）",
        ),
        "P": (
            "代表 {mainphone} のみ（直通・メールは未確認）",
            "メールは {genmail} 宛てで届くはず",
            "{genmail}（部署共通アドレスかも）",
        ),
    },
    "company_size": {
        "C": (
            "従業員{emp}名／売上{rev}億円",
            "{emp}名、年商{rev}億円",
            "社員数{emp}名・売上高{rev}億円（前期）",
        ),
        "P": (
            "{emp_lo}〜{emp_hi}名くらい？",
            "従業員は{emp_r}名前後と思われる（HP情報）、売上非公開",
            "中堅規模らしい（詳細未確認）",
            "約{emp_r}名？",
        ),
    },
    "first_contact": {
        "C": ("{first}", "{first}（{kind1}）", "{first} {kind1}"),
        "P": (
            "{first_m}頃",
            "{first_m}上旬くらい？",
            "{first_m}の展示会あたり（記録があいまい）",
        ),
    },
    "touch_count": {
        "C": ("{ntouch}回", "計{ntouch}回", "{ntouch}回（今回含む）", "{ntouch}"),
        "P": ("{ntouch_lo}〜{ntouch}回くらい", "数回", "たぶん{ntouch}回目"),
    },
    "touch_summary": {
        "C": ("{summary}", "{summary}。今回の架電でヒアリング"),
        "P": (
            "{kind1}経由らしい（MA上の記録が一部欠落）",
            "過去に{kind1}があったはず、詳細は不明",
        ),
    },
    "problem": {
        "C": ("{problem}", "{problem}。担当者が強く問題視"),
        "P": (
            "業務効率化全般（具体的な課題はまだ）",
            "{problem}…らしいが深掘りできていない",
            "{problem}？（推測）",
        ),
    },
    "cause": {
        "C": ("{cause}", "{cause}ため"),
        "P": ("{cause}、と思われる", "人手不足が背景かも", "{cause}らしい（要深掘り）"),
    },
    "desired_state": {
        "C": ("{desired}", "{desired}とのこと"),
        "P": (
            "{desired}…くらいのイメージか",
            "とにかく楽にしたい、という温度感",
            "{desired}？（ぼんやり）",
        ),
    },
    "budget": {
        "C": (
            "{amount}（確保済み）",
            "{amount}、今期予算で確保済",
            "年間{amount}で確保済み",
            "予算なし（確認済み、来期で予算化を検討）",
        ),
        "P": (
            "{amount}くらい？",
            "{range}くらい",
            "{amount}程度と思われる（未確定）",
            "たぶん{amount}前後",
            "枠はあるらしい、金額不明",
        ),
    },
    "authority": {
        "C": (
            "{dm}決裁（稟議あり）",
            "決裁者：{dm}／{process}",
            "最終決裁は{dm}。{process}",
            "{dm}／{process}",
        ),
        "P": (
            "{dm}決裁になると思われる",
            "社長決裁かも（稟議フロー不明）",
            "{process}…と聞いている",
        ),
    },
    "need": {
        "C": (
            "高（{need_reason}）",
            "高い。{need_reason}",
            "優先度 中（{need_reason}）",
            "A（{need_reason}）",
        ),
        "P": (
            "高そう",
            "中〜高？",
            "{need_reason}らしいので高めか",
            "温度感はそこそこ",
        ),
    },
    "timeline": {
        "C": (
            "{decide}までに選定、{start}から利用開始希望",
            "{start}稼働希望（{decide}決裁）",
            "選定 {decide}／導入 {start}",
        ),
        "P": (
            "年内に決めたいらしい",
            "{start}頃の導入を考えているっぽい",
            "来期以降？",
            "{decide}頃に選定予定",
        ),
    },
    "competitors": {
        "C": (
            "{comp1}、{comp2}",
            "{comp1}と比較中",
            "なし（当社のみ検討）",
            "{comp1}／{comp2}の2社と相見積",
        ),
        "P": ("他社も見ているらしい（社名不明）", "{comp1}かも", "たぶん{comp1}あたり"),
    },
    "impression": {
        "C": (
            "{good}。懸念は{concern}",
            "好印象。{concern}を気にしている",
            "懸念：{concern}",
        ),
        "P": ("悪くはなさそう", "{concern}を気にしているかも", "まずまず？"),
    },
    "meeting_datetime": {
        "C": ("{mdate} {mtime}", "{mdate}　{mtime}", "{mdate}{mtime}（確定）"),
        "P": (
            "{mdate} {mtime}で仮押さえ（先方確認待ち）",
            "{mmonth}{mpart}で調整",
            "{mdate}の午後あたりで打診中",
            "{mdate}（仮）",
        ),
    },
    "meeting_format": {
        "C": ("{fmt_full}", "{fmt}", "{fmt_full}"),
        "P": ("{fmt}になりそう", "{fmt}希望っぽい", "たぶん{fmt}"),
    },
    "attendees": {
        "C": ("{att}、{other}の2名", "{att}＋{other}", "{att}ほか{other}（計2名）"),
        "P": ("2〜3名の予定", "{att}＋上長の方も来るかも", "{att}のみ？"),
    },
    "expected_content": {
        "C": ("{expect}", "{expect}、概算見積", "{expect}と導入事例の紹介"),
        "P": ("まずは話を聞きたい程度かも", "{expect}あたりを期待していそう"),
    },
    "notes": {
        "C": ("{note}", "※{note}"),
        "P": ("{note}らしい", "{note}…かもしれない（又聞き）"),
    },
}

# Sentence bodies. {T} is the topic with は ("予算は"), dropped in a chat answer
# to the FS question that named it. Ending kinds: N noun-final, T とのこと,
# H hedged. Not obtained sentences are the topic plus an X ending.
TOPIC: dict[str, tuple[str, ...]] = {
    "company": ("企業名", "社名"),
    "contact": ("ご担当者", "担当者の方", "窓口"),
    "contact_info": ("連絡先", "直通の連絡先"),
    "company_size": ("企業規模", "会社の規模", "規模感"),
    "first_contact": ("初回接点", "最初の接点"),
    "touch_count": ("接点回数", "これまでの接触回数"),
    "touch_summary": ("これまでの接点", "接点の経緯"),
    "problem": ("課題", "困りごと", "現状の課題"),
    "cause": ("課題の背景", "原因", "背景"),
    "desired_state": ("解決後のイメージ", "目指す姿", "理想の状態"),
    "budget": ("予算", "予算感", "ご予算"),
    "authority": ("決裁者", "決裁ルート", "決裁フロー"),
    "need": ("緊急度", "優先度", "温度感"),
    "timeline": ("導入時期", "スケジュール", "導入スケジュール"),
    "competitors": ("競合", "比較先", "他社の検討状況"),
    "impression": ("当社への印象", "当社の評価", "懸念点"),
    "meeting_datetime": ("商談日時", "アポの日時", "次回の日程"),
    "meeting_format": ("商談形式", "実施形式", "形式"),
    "attendees": ("先方の参加者", "当日の参加者", "参加メンバー"),
    "expected_content": ("商談で聞きたいこと", "先方の期待", "当日の内容"),
    "notes": ("その他", "特記事項", "注意点"),
}

SENT: dict[str, dict[str, tuple[tuple[str, str], ...]]] = {
    "company": {
        "C": (
            ("{T}{company}（業種：{industry}）", "N"),
            ("お客様は{company}様で、業種は{industry}", "N"),
        ),
        "P": (
            ("{T}{company}…の可能性が高いが、正式社名は未確認", "N"),
            ("{T}{company}", "H"),
        ),
    },
    "contact": {
        "C": (
            ("{T}{cdept}の{csur}{ctitle}", "N"),
            ("{csur}様は{cdept}の{ctitle}", "N"),
        ),
        "PN": (("{T}{csur}様（役職は未確認）", "N"), ("{T}{csur}さんという方", "N")),
        "PT": (("{T}{cdept}の{ctitle}クラスの方", "H"),),
    },
    "contact_info": {
        "C": (
            ("{T}{phone}、メールは{email}", "N"),
            ("直通は{phone}、メールは{email}", "N"),
        ),
        "P": (
            ("{T}代表番号{mainphone}しか分かっておらず、直通は未確認", "N"),
            ("メールは{genmail}宛てで届く", "H"),
        ),
    },
    "company_size": {
        "C": (
            ("{T}従業員{emp}名、売上{rev}億円", "N"),
            ("従業員は{emp}名で、年商は{rev}億円", "T"),
        ),
        "P": (
            ("従業員は{emp_r}名くらい", "H"),
            ("{T}{emp_lo}〜{emp_hi}名程度（HPより）", "N"),
            ("{T}中堅クラス", "H"),
        ),
    },
    "first_contact": {
        "C": (
            ("{T}{first}の{kind1}", "N"),
            ("最初の接点は{first}で、{kind1}がきっかけ", "N"),
        ),
        "P": (("{T}{first_m}頃の{kind1}", "H"), ("{T}{first_m}あたり", "H")),
    },
    "touch_count": {
        "C": (("{T}今回で{ntouch}回目", "N"), ("これまで{ntouch}回接点あり", "N")),
        "P": (
            ("{T}{ntouch_lo}〜{ntouch}回", "H"),
            ("何度か接点はあるが回数は正確には不明", "N"),
        ),
    },
    "touch_summary": {
        "C": (("{T}{summary}という流れ", "N"), ("経緯としては{summary}", "N")),
        "P": (
            ("{T}{kind1}が最初", "H"),
            ("以前{kind1}があったはず（記録が一部欠落）", "N"),
        ),
    },
    "problem": {
        "C": (
            ("{T}{problem}", "T"),
            ("{problem}ことが一番の課題", "N"),
            ("先方いわく、{problem}", "T"),
        ),
        "P": (("{problem}", "H"), ("{T}業務効率化全般で、具体的な内容はまだ", "N")),
    },
    "cause": {
        "C": (("{T}{cause}ため", "T"), ("背景には{cause}という事情がある", "T")),
        "P": (("{cause}ことが背景", "H"), ("原因は人手不足", "H")),
    },
    "desired_state": {
        "C": (("{desired}", "T"), ("最終的には{desired}という希望", "N")),
        "P": (
            ("{desired}という思いがある", "H"),
            ("{T}まだぼんやりしていて、とにかく楽にしたいという程度", "N"),
        ),
    },
    "budget": {
        "C": (
            ("{T}{amount}で、今期分として確保済み", "T"),
            ("{T}{amount}（確保済み）", "N"),
            ("{amount}の予算枠が既に承認されている", "T"),
        ),
        "P": (
            ("{T}{amount}くらい", "H"),
            ("{T}{range}程度の幅で考えている", "H"),
            ("予算枠はある", "H"),
            ("{T}たぶん{amount}前後", "N"),
        ),
    },
    "authority": {
        "C": (
            ("最終決裁は{dm}で、{process}", "T"),
            ("{T}{dm}", "N"),
            ("決裁は{dm}、{process}", "N"),
        ),
        "P": (("決裁は{dm}になる", "H"), ("{T}{process}", "H")),
    },
    "need": {
        "C": (
            ("{need_reason}ため、緊急度は高い", "T"),
            ("{T}高めで、{need_reason}", "T"),
        ),
        "P": (("{T}高い", "H"), ("{need_reason}ため、緊急度は高め", "H")),
    },
    "timeline": {
        "C": (
            ("{decide}までに選定し、{start}から使い始めたい", "T"),
            ("{T}{decide}選定、{start}稼働", "N"),
        ),
        "P": (
            ("年内には決めたい", "H"),
            ("{T}{start}頃を考えている", "H"),
            ("{start}導入の予定", "N"),
        ),
    },
    "competitors": {
        "C": (
            ("{comp1}と{comp2}も比較している", "T"),
            ("{T}{comp1}", "N"),
            ("他社は検討しておらず当社のみ", "T"),
        ),
        "P": (("他社も見ている", "H"), ("{comp1}も検討している", "H")),
    },
    "impression": {
        "C": (("{good}で、懸念は{concern}", "N"), ("{concern}が気になっている", "T")),
        "P": (("印象は悪くない", "H"), ("{concern}を気にしている", "H")),
    },
    "meeting_datetime": {
        "C": (("{T}{mdate}の{mtime}で確定", "N"), ("{mdate} {mtime}でアポ確定", "N")),
        "P": (
            ("{T}{mdate}で仮押さえ中（先方の確認待ち）", "N"),
            ("{T}{mmonth}{mpart}で調整", "N"),
            ("{mdate}あたりになる", "H"),
        ),
    },
    "meeting_format": {
        "C": (("{T}{fmt}", "N"), ("{fmt}で実施", "N")),
        "P": (("{fmt}になる", "H"), ("{T}{fmt}を希望されている", "H")),
    },
    "attendees": {
        "C": (
            ("{T}{att}と{other}の2名", "N"),
            ("当日は{att}に加えて{other}も同席", "T"),
        ),
        "P": (("{T}2〜3名", "H"), ("上長の方も同席する", "H")),
    },
    "expected_content": {
        "C": (("{T}{expect}", "N"), ("当日は{expect}を聞きたい", "T")),
        "P": (
            ("{T}まずは話を聞きたいという程度", "H"),
            ("{expect}を期待している", "H"),
        ),
    },
    "notes": {
        "C": (("{note}", "T"), ("補足として、{note}", "T")),
        "P": (("{note}", "H"),),
    },
}

ENDINGS: dict[str, dict[str, tuple[str, ...]]] = {
    "N": {
        "memo": ("。",),
        "keigo": ("です。", "でございます。"),
        "chat": ("です", "ですね", "です！"),
        "join": ("で、",),
    },
    "T": {
        "memo": ("とのこと。", "とのこと。", "との話。"),
        "keigo": ("とのことです。", "とのことでございます。", "とのお話でした。"),
        "chat": ("とのことです", "って言ってました", "とのことでした"),
        "join": ("とのことで、",),
    },
    "H": {
        "memo": ("らしい。", "と思われる。", "かも。"),
        "keigo": ("と思われます。", "と推測しております。", "かもしれません。"),
        "chat": ("っぽいです", "らしいです", "かもです"),
        "join": ("と思われ、", "かもしれず、"),
    },
    "X": {
        "memo": (
            "は未確認。",
            "は聞けていない。",
            "は不明。",
            "：次回確認。",
            "は未ヒアリング。",
        ),
        "keigo": (
            "につきましては未確認です。",
            "はお伺いできておりません。",
            "は現時点で不明です。",
            "につきましては次回確認いたします。",
        ),
        "chat": (
            "はまだ聞けてないです",
            "は不明です💦",
            "は聞きそびれました…",
            "は確認中です",
        ),
        "join": ("は未確認で、", "はお伺いできておらず、"),
    },
}
# A chat answer that drops the topic, for a not obtained field.
CHAT_X_BARE = (
    "そこはまだ聞けてないです💦",
    "不明です",
    "すみません、聞きそびれました",
    "確認中です！",
    "次回確認します",
    "わからないです…",
)

EN_KEY: dict[str, tuple[str, ...]] = {
    "company": ("Account", "Company", "Customer"),
    "contact": ("Contact", "Main contact", "POC"),
    "contact_info": ("Contact info", "Tel/Mail", "Reach"),
    "company_size": ("Size", "Company size", "Headcount / revenue"),
    "first_contact": ("First touch", "First contact"),
    "touch_count": ("Touches", "No. of touches", "Touch count"),
    "touch_summary": ("History", "Touch history", "Engagement so far"),
    "problem": ("Pain", "Problem", "Issue"),
    "cause": ("Root cause", "Background", "Why"),
    "desired_state": ("Goal", "Desired state", "To-be"),
    "budget": ("Budget",),
    "authority": ("Authority", "DM / process", "Decision"),
    "need": ("Need", "Urgency", "Priority"),
    "timeline": ("Timeline", "Timing", "Schedule"),
    "competitors": ("Competitors", "Competition", "Other vendors"),
    "impression": ("Impression", "Their view of us", "Concerns"),
    "meeting_datetime": ("Meeting", "Next meeting", "Appt"),
    "meeting_format": ("Format", "Onsite/online", "Mode"),
    "attendees": ("Attendees", "Their side", "Who joins"),
    "expected_content": ("Agenda", "They want", "Expectations"),
    "notes": ("Notes", "FYI", "Remarks"),
}

EN: dict[str, dict[str, tuple[str, ...]]] = {
    "company": {
        "C": ("{company}", "{company} ({industry})"),
        "P": ("{company}? (legal name TBC)", "probably {company}"),
    },
    "contact": {
        "C": (
            "{csur}{ctitle}, {cdept}",
            "{cdept} {csur}{ctitle}",
            "{csur}-san ({ctitle}, {cdept})",
        ),
        "PN": ("{csur}-san (title unclear)", "{csur}様, role not asked"),
        "PT": ("someone at {ctitle} level in {cdept}, name TBC",),
    },
    "contact_info": {
        "C": ("{phone} / {email}", "{email}, direct line {phone}"),
        "P": ("only main line {mainphone}", "{genmail} (shared inbox?)"),
    },
    "company_size": {
        "C": ("{emp} employees, ¥{rev}00M revenue", "{emp}名 / 売上{rev}億円"),
        "P": (
            "roughly {emp_r} people?",
            "{emp_lo}-{emp_hi} employees (website)",
            "mid-size, revenue not disclosed",
        ),
    },
    "first_contact": {
        "C": ("{first_en} ({kind1_en})", "{first_en}"),
        "P": ("around {first_m_en}", "sometime in {first_m_en}, I think"),
    },
    "touch_count": {
        "C": ("{ntouch}", "{ntouch} so far", "{ntouch} incl. today"),
        "P": ("{ntouch_lo}-{ntouch}?", "a few"),
    },
    "touch_summary": {
        "C": ("{summary_en}",),
        "P": ("came in via {kind1_en} probably, MA log incomplete",),
    },
    "problem": {
        "C": ("{problem_en}", "{problem}"),
        "P": ("general efficiency, nothing concrete yet", "probably {problem_en}"),
    },
    "cause": {
        "C": ("{cause_en}", "{cause}"),
        "P": ("maybe {cause_en}", "understaffing, I guess"),
    },
    "desired_state": {
        "C": ("{desired_en}", "they want to {desired_en}"),
        "P": ("vague – 'make it easier'", "probably {desired_en}"),
    },
    "budget": {
        "C": (
            "{amount} (secured)",
            "{amount}, approved this FY",
            "no budget – confirmed, aiming for next FY",
        ),
        "P": (
            "around {amount}?",
            "{range} range",
            "probably {amount}, not final",
            "there is some budget, amount unclear",
        ),
    },
    "authority": {
        "C": ("DM is {dm}; {process_en}", "{dm} signs off", "DM: {dm}"),
        "P": ("likely {dm}", "CEO maybe? process unclear"),
    },
    "need": {
        "C": (
            "high – {need_reason_en}",
            "high ({need_reason})",
            "mid, {need_reason_en}",
        ),
        "P": ("seems high", "mid-high?"),
    },
    "timeline": {
        "C": ("decide by end of {decide_en}, start {start_en}", "go-live {start_en}"),
        "P": ("sometime this year probably", "{start_en}-ish?", "next FY maybe"),
    },
    "competitors": {
        "C": (
            "{comp1}, {comp2}",
            "comparing with {comp1}",
            "none – only us (confirmed)",
        ),
        "P": ("probably looking at others too", "maybe {comp1}"),
    },
    "impression": {
        "C": (
            "{good_en}; concern: {concern_en}",
            "positive, worried about {concern_en}",
        ),
        "P": ("seems OK", "maybe worried about {concern_en}"),
    },
    "meeting_datetime": {
        "C": ("{mdate_en} {mtime_en}", "{mdate_en}, {mtime_en}"),
        "P": (
            "{mdate_en} tentative (waiting for their OK)",
            "mid-{mmonth_en}, TBC",
            "{mdate_en}? 仮押さえ",
        ),
    },
    "meeting_format": {
        "C": ("{fmt_full_en}", "{fmt_en}"),
        "P": ("{fmt_en} probably", "likely {fmt_en}"),
    },
    "attendees": {
        "C": ("{att}, {other}", "{att} + {other} (2)"),
        "P": ("2-3 people", "{att}, maybe their boss"),
    },
    "expected_content": {
        "C": ("{expect_en}", "{expect}"),
        "P": ("just an intro, I think", "probably {expect_en}"),
    },
    "notes": {"C": ("{note_en}", "{note}"), "P": ("{note_en} (heard second-hand)",)},
}
