"""Phrase banks for the simulated hand-off memo: what IS reps actually write.

Constants only, built once at import. Templates use `str.format` slots filled by
`memo_text`: industry nouns ({work}, {doc}, {site}, {team}, {sys}, {sys2},
{cust}) and numbers ({n}, {c}, {h}, ...). Every *concrete* problem template
carries at least one number with a unit (名, 件, 時間, 拠点, %, 万円, 日), so a
parser can tell it from the generic level-1 texts, which carry none and never
say ため / 原因.
"""

from __future__ import annotations

from typing import Final

# --- not-known markers --------------------------------------------------------
# Every vague value contains one of these; no filled value ever does (nor do the
# generic needs texts of NEEDS_GENERIC). "-", "ー", "−", "－" only ever stand alone.
NOT_KNOWN: Final[tuple[str, ...]] = (
    "未確認",
    "不明",
    "確認中",
    "検討中",
    "調整中",
    "未定",
    "TBD",
    "これから",
    "後日確認",
    "ヒアリング予定",
    "ありそう",
    "聞きそびれ",
    "未ヒアリング",
    "要確認",
    "次回確認",
    "回答待ち",
    "聞けず",
    "聞けて",
    "記録なし",
)
NOT_KNOWN_ALONE: Final[tuple[str, ...]] = (
    "-",
    "ー",
    "−",
    "－",
    "未確認",
    "不明",
    "TBD",
    "要確認",
    "未ヒアリング",
    "次回確認",
    "（聞けず）",
    "記録なし",
)

# --- layout -------------------------------------------------------------------
HEADING_STYLES: Final[tuple[str, ...]] = (
    "■{}",
    "■ {}",
    "[{}]",
    "＜{}＞",
    "<{}>",
    "## {}",
    "◆{}",
    "【{}】",
)
BULLETS: Final[tuple[str, ...]] = ("・", "•", "- ", "* ", "●", "", "・ ", "-")
COLONS: Final[tuple[str, ...]] = ("：", ": ", " : ", "：", ":", " ：")
INDENTS: Final[tuple[str, ...]] = ("", "  ", "　", "    ")

SECTION_SHORT: Final[dict[str, tuple[str, ...]]] = {
    "basics": ("基本情報", "顧客情報", "顧客基本情報"),
    "history": ("接点履歴", "これまでの接点", "接触履歴"),
    "needs": ("課題", "ニーズ・課題", "課題・ニーズ"),
    "bant": ("BANT", "BANT情報", "BANT確認状況"),
    "competition": ("競合状況", "競合", "検討状況"),
    "meeting": ("商談設定", "次回商談", "アポ内容"),
    "notes": ("特記事項", "備考", "注意点"),
}

# Short labels per field; the template label comes from readiness.fields.
LABEL_SHORT: Final[dict[str, tuple[str, ...]]] = {
    "company": ("企業名", "会社名", "社名"),
    "contact": ("担当者", "担当者名・役職", "ご担当者", "担当"),
    "contact_info": ("連絡先", "TEL/Mail", "電話・メール"),
    "company_size": ("企業規模", "従業員数", "規模"),
    "first_contact": ("初回接点", "初回接触日", "初回"),
    "touch_count": ("接点数", "接触回数", "接点回数"),
    "touch_summary": ("接点内容", "主な接点", "経緯"),
    "problem": ("課題", "現状の課題", "困りごと"),
    "cause": ("背景・原因", "原因", "背景"),
    "desired_state": ("期待する状態", "ゴール", "理想の状態", "導入後のイメージ"),
    "budget": ("予算", "B(予算)", "予算感"),
    "authority": ("決裁者", "決裁者・プロセス", "A(決裁)", "決裁フロー"),
    "need": ("緊急度", "ニーズ・緊急度", "N(緊急度)", "優先度"),
    "timeline": ("導入時期", "スケジュール", "T(時期)"),
    "competitors": ("競合", "競合状況", "比較対象"),
    "impression": ("懸念点", "印象・懸念", "当社への印象"),
    "meeting_datetime": ("商談日時", "日時", "アポ日時"),
    "meeting_format": ("形式", "商談形式", "訪問/オンライン"),
    "attendees": ("参加者", "先方参加者", "同席者"),
    "expected_content": ("期待内容", "商談の目的", "先方の期待"),
    "notes": ("備考",),
}
LABEL_EN: Final[dict[str, tuple[str, ...]]] = {
    "company": ("Company",),
    "contact": ("Contact / title", "Contact person"),
    "contact_info": ("Contact details (phone, e-mail)", "Phone / e-mail"),
    "company_size": ("Company size (employees, revenue)", "Company size"),
    "first_contact": ("First contact date", "First contact"),
    "touch_count": ("Number of touches", "Touches"),
    "touch_summary": ("Main touches (summary)", "Touch summary"),
    "problem": ("Customer's problem", "Problem"),
    "cause": ("Background / cause", "Cause"),
    "desired_state": ("Desired state after solving", "Desired state"),
    "budget": ("Budget",),
    "authority": ("Authority (decision maker, process)", "Authority"),
    "need": ("Need (urgency, priority)", "Need"),
    "timeline": ("Timeline (evaluation, start)", "Timeline"),
    "competitors": ("Competitors under comparison", "Competitors"),
    "impression": ("Impression of us / concerns", "Concerns"),
    "meeting_datetime": ("Meeting date and time", "Meeting date"),
    "meeting_format": ("Meeting format (visit, online)", "Format"),
    "attendees": ("Customer attendees", "Attendees"),
    "expected_content": ("What they expect from the meeting", "Expected content"),
    "notes": ("Notes",),
}
TITLE_LABELS: Final[tuple[str, ...]] = ("役職", "肩書")

# Greetings pasted above the memo in chat tools; no field's words in them.
PRELUDES: Final[tuple[str, ...]] = (
    "お疲れ様です。下記の通りトスアップします。",
    "お疲れ様です。以下、引き継ぎ内容です。",
    "トスアップ1件、よろしくお願いします。",
    "お疲れ様です。共有します。",
)
# A bare marker written as a sentence of a free-text paragraph names its topic.
PARA_TOPIC: Final[dict[str, str]] = {
    "problem": "課題は",
    "cause": "背景は",
    "desired_state": "理想の状態は",
    "competitors": "競合は",
    "impression": "印象・懸念点は",
    "meeting_datetime": "日程は",
    "meeting_format": "形式は",
    "attendees": "参加者は",
    "expected_content": "内容は",
}

# Words by which a vague sentence in a paragraph names its field; a sentence
# without one (「詳細は未確認」) gets the field's topic (「背景の詳細は未確認」).
PARA_TOPIC_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "problem": ("課題",),
    "cause": ("背景", "原因"),
    "desired_state": ("ゴール", "理想", "状態", "たい"),
    "impression": ("印象", "懸念"),
    "meeting_format": ("形式", "訪問", "オンライン"),
    "attendees": ("参加", "同席"),
    "expected_content": ("内容",),
}

# --- industries -----------------------------------------------------------------
INDUSTRY_JA: Final[dict[str, str]] = {
    "manufacturing": "製造業",
    "it_services": "IT・ソフトウェア",
    "retail": "小売業",
    "finance": "金融業",
    "healthcare": "医療・ヘルスケア",
    "logistics": "物流",
    "construction": "建設業",
    "professional_services": "士業・コンサル",
}
# work, doc, site, team, sys, cust — what the problem texts talk about.
INDUSTRY_NOUNS: Final[dict[str, dict[str, tuple[str, ...]]]] = {
    "manufacturing": {
        "work": (
            "受発注処理",
            "見積作成",
            "生産計画の調整",
            "在庫照会",
            "品質記録の管理",
        ),
        "doc": ("注文書", "見積書", "作業日報", "検査成績書"),
        "site": ("工場", "拠点", "営業所"),
        "team": ("生産管理課", "営業事務", "購買部", "品質保証課"),
        "sys": ("基幹システム", "Excel", "紙の指示書", "SAP", "生産管理システム"),
        "cust": ("取引先", "得意先"),
    },
    "it_services": {
        "work": ("工数集計", "案件管理", "請求処理", "問い合わせ対応", "要員アサイン"),
        "doc": ("工数表", "見積書", "作業報告書", "契約書"),
        "site": ("拠点", "開発拠点", "事業所"),
        "team": ("PMO", "管理部", "営業部", "サポート窓口"),
        "sys": ("スプレッドシート", "Excel", "Salesforce", "Redmine", "Backlog"),
        "cust": ("顧客", "取引先"),
    },
    "retail": {
        "work": ("発注業務", "棚卸", "売上集計", "シフト作成", "販促の効果測定"),
        "doc": ("発注書", "店舗日報", "棚卸表", "販促計画書"),
        "site": ("店舗", "拠点", "物流センター"),
        "team": ("店舗運営部", "商品部", "本部スタッフ", "販促チーム"),
        "sys": ("POS", "Excel", "FAX", "基幹システム", "紙の発注台帳"),
        "cust": ("顧客", "会員"),
    },
    "finance": {
        "work": ("申込書の審査", "顧客対応履歴の管理", "稟議処理", "契約書チェック"),
        "doc": ("申込書", "稟議書", "契約書", "本人確認書類"),
        "site": ("支店", "営業店", "拠点"),
        "team": ("業務部", "審査部", "営業推進部", "事務センター"),
        "sys": ("勘定系の周辺システム", "Excel", "紙の稟議", "Access", "基幹システム"),
        "cust": ("顧客", "取引先"),
    },
    "healthcare": {
        "work": (
            "予約受付",
            "レセプト処理",
            "シフト作成",
            "検査結果の共有",
            "物品管理",
        ),
        "doc": ("問診票", "紹介状", "勤務表", "同意書"),
        "site": ("クリニック", "施設", "拠点"),
        "team": ("医事課", "看護部", "事務局", "受付スタッフ"),
        "sys": ("電子カルテ", "Excel", "紙の台帳", "FAX", "レセコン"),
        "cust": ("患者", "利用者"),
    },
    "logistics": {
        "work": (
            "配車計画",
            "出荷指示",
            "在庫管理",
            "運賃請求",
            "ドライバーの勤怠管理",
        ),
        "doc": ("送り状", "配車表", "請求書", "点呼記録"),
        "site": ("倉庫", "営業所", "拠点", "センター"),
        "team": ("配車担当", "倉庫管理課", "業務課", "運行管理者"),
        "sys": ("WMS", "Excel", "紙の配車表", "基幹システム", "FAX"),
        "cust": ("荷主", "取引先"),
    },
    "construction": {
        "work": ("日報作成", "原価管理", "安全書類の作成", "工程管理", "写真整理"),
        "doc": ("日報", "安全書類", "見積書", "施工写真台帳"),
        "site": ("現場", "支店", "拠点"),
        "team": ("工事部", "積算課", "管理部", "現場監督"),
        "sys": ("Excel", "紙の日報", "基幹システム", "FAX", "原価管理システム"),
        "cust": ("施主", "協力会社"),
    },
    "professional_services": {
        "work": (
            "請求書処理",
            "顧問先の案件管理",
            "契約書管理",
            "工数管理",
            "書類回収",
        ),
        "doc": ("請求書", "契約書", "報告書", "申告書類"),
        "site": ("事務所", "拠点", "オフィス"),
        "team": ("事務局", "管理部", "コンサルタント", "所員"),
        "sys": ("Excel", "kintone", "紙のファイル", "freee", "会計ソフト"),
        "cust": ("顧問先", "クライアント"),
    },
}

# --- problems (level 2 templates; level 1 generic texts) -----------------------
PROBLEM: Final[dict[str, tuple[str, ...]]] = {
    "manual_work": (
        "{work}を{sys}への手入力で回しており、{team}{n}名で月{h}時間かかっている",
        "{doc}の転記作業が月{c}件あり、入力ミスによる差し戻しが頻発している",
        "{work}が紙とFAX中心で、月{c}件を{n}名が手作業で処理している",
        "{sites}{site}分の{work}を本社で取りまとめており、毎月{dd}日かかっている",
        "{work}の二重入力が常態化し、残業が月{h}時間を超える担当者もいる",
    ),
    "data_silo": (
        "{cust}情報が{sys}と{sys2}に分散しており、{team}{n}名が毎回突き合わせている",
        "{sites}{site}で別々の管理表を使っていて、全社の状況把握に{dd}日かかる",
        "部署間で{doc}が共有されず、月{c2}件ほど二重対応や連絡漏れが起きている",
        "同じ{cust}の情報が{k}つのシステムに登録され、最新版の判別に毎回{mins}分ほど取られている",
        "{cust}からの問い合わせ対応で{k}つの台帳を確認する必要があり、1件{mins}分かかる",
    ),
    "lead_followup": (
        "展示会や問い合わせで月{c}件のリードが入るが、フォローできているのは{pct}%程度",
        "営業{n}名がリードを{sys}で個別管理しており、対応漏れが月{c2}件ほど発生",
        "見込み客への追客が担当者任せで、{mon}ヶ月以上放置されたリードが{c3}件ある",
        "問い合わせへの初回返信に平均{dd}日かかり、失注につながっている",
    ),
    "cost_reduction": (
        "{work}関連のコストが年間{cost}万円かかっており、経営から削減を求められている",
        "部署ごとに契約したツールのライセンス費が月{costm}万円に膨らんでいる",
        "{work}の外注費が年{cost}万円あり、内製化したい",
        "紙の{doc}の印刷・郵送費が月{costm}万円、保管にも{sites}{site}分のスペースが必要",
    ),
    "compliance": (
        "電子帳簿保存法への対応が必要だが、{doc}が月{c}件紙のまま保管されている",
        "{work}の承認履歴が残っておらず、監査で{k}件の指摘を受けた",
        "紙の稟議で承認まで平均{dd}日かかり、証跡管理もできていない",
        "個人情報を含む{doc}を{sys}で管理しており、閲覧権限が{n}名に付与されたまま",
        "インボイス対応で、{cust}{c2}社分の登録番号確認を手作業で行い、月{hw}時間かかっている",
    ),
    "remote_work": (
        "{doc}の押印のために月{k}回は出社が必要で、テレワーク率が{pct}%に留まっている",
        "社外から{sys}にアクセスできず、{n}名がVPN待ちで業務が止まることがある",
        "{sites}{site}のメンバー{n}名の勤怠・進捗が見えず、管理職が毎日{mins}分かけて確認",
        "オンライン会議の決定事項の共有が漏れ、月{c2}件の手戻りが出ている",
    ),
    "reporting": (
        "経営会議用のレポートを{team}{n}名が{sys}で手作業集計し、毎月{dd}日かかる",
        "週次の売上報告の作成に担当者が毎週{hw}時間を費やしている",
        "{sites}{site}分の実績がそろうのが月末から{dd}営業日後で、判断が遅れる",
        "KPIが{k}種類の帳票に分かれ、数字の食い違いが毎月{c2}件ほど発生",
    ),
    "hiring": (
        "今期{c2}名の採用目標に対し、応募者管理を{sys}で行っており対応漏れが起きている",
        "応募者への連絡に平均{dd}日かかり、選考辞退率が{pct}%に達している",
        "{sites}{site}分の面接日程調整を人事{n}名が手作業で行い、月{h}時間かかっている",
        "研修資料が紙で{site}ごとに教育内容がばらつき、早期離職が年{c2}名出ている",
    ),
}
CAUSE: Final[dict[str, tuple[str, ...]]] = {
    "manual_work": (
        "{sys}が他システムと連携しておらず、{n}名が同じ情報を{k}回入力しているため",
        "{y}年前に構築した基幹システムの改修が難しく、周辺業務が手作業で残っているのが原因",
        "業務が担当者{n}名に属人化しており、手順書も整備されていないため",
        "{site}ごとに様式が異なり、月{c}件のデータを手で統一しているため",
    ),
    "data_silo": (
        "{site}ごとにツールを導入した結果、{k}種類が並存し連携できていないため",
        "{y}年前から{sys}で運用しており、マスタ統一がされていないのが原因",
        "統合した{k}社のシステムが並存しているため",
        "部署ごとに管理項目が異なり、{c2}項目以上のマスタが不整合のため",
    ),
    "lead_followup": (
        "リードの優先度付けの基準がなく、営業{n}名が各自の判断で対応しているため",
        "{sys}での管理に限界があり、{n}名の対応履歴が共有されていないのが原因",
        "マーケと営業の引き継ぎルールがなく、月{c3}件のリードが宙に浮いているため",
        "営業が既存{cust}対応で手一杯で、新規フォローに割けるのが週{hw}時間程度のため",
    ),
    "cost_reduction": (
        "{site}ごとに個別契約したツールが{k}種類あり、重複機能が多いため",
        "業務量の増加を人手で吸収してきたため、残業代が前年比{pct}%増",
        "{y}年前に導入した{sys}の保守費が高止まりしているのが原因",
        "紙運用が残っており、{doc}だけで月{c}件の郵送が発生しているため",
    ),
    "compliance": (
        "{y}年前のルールのまま運用しており、法改正に業務フローが追いついていないため",
        "承認フローがメールと紙に分散しており、{k}系統の証跡が残っているのが原因",
        "権限管理の仕組みがなく、退職者アカウントの削除漏れが{k}件見つかったため",
        "内部監査の指摘{k}件について、{mon}ヶ月以内に改善報告が必要なため",
    ),
    "remote_work": (
        "紙と押印前提の承認フローが{k}段階残っているため",
        "社内サーバー上の{sys}が社外アクセスに対応しておらず、{n}名が出社せざるを得ないのが原因",
        "{site}ごとに勤怠管理の方法が異なり、{n}名分を手集計しているため",
        "チャットとメールが混在し、{n}名の情報の置き場所が決まっていないため",
    ),
    "reporting": (
        "{site}ごとのデータが{sys}で別管理されており、毎月{hw}時間かけて手でマージしているため",
        "集計ロジックが担当者{k}名の頭の中にしかなく、属人化しているのが原因",
        "{sys}から出力できる項目が限られ、加工に毎回{hw}時間以上かかるため",
        "帳票フォーマットが{site}ごとに異なり、読み替えに毎月{hw}時間かかるため",
    ),
    "hiring": (
        "人事担当が{k}名しかおらず、応募者対応を他業務と兼務しているため",
        "求人媒体が{k}つに分かれ、応募者情報が一元管理されていないのが原因",
        "面接官{n}名の日程をメールで個別に調整しているため",
        "{site}ごとに年{c2}名ずつ採用しており、本部で進捗が見えないため",
    ),
}
DESIRED: Final[dict[str, tuple[str, ...]]] = {
    "manual_work": (
        "入力作業を自動化し、月{h2}時間の工数を削減したい",
        "{work}を一元管理し、締め処理を{dd}日から{dd2}日に短縮したい",
        "転記ミスをなくし、{team}{n}名を付加価値の高い業務に回したい",
        "{work}の処理時間を{pct}%削減し、残業を月{h3}時間以内に抑えたい",
    ),
    "data_silo": (
        "全{sites}{site}の情報を1つの基盤に集約し、問い合わせに{mins2}分以内で答えられる状態",
        "問い合わせ対応を1件{mins2}分以内で完結させたい",
        "マスタを一本化し、突き合わせ作業を月{h2}時間削減したい",
        "{team}を含む{n2}名が同じデータを見て判断できる状態にしたい",
    ),
    "lead_followup": (
        "全リードに{hrs}時間以内に初回対応できる体制にしたい",
        "商談化率を現状の{pct}%から{pct2}%に引き上げたい",
        "対応履歴を一元化し、放置リード（現状{c3}件）をなくしたい",
        "追客を自動化し、営業{n}名が商談に集中できる状態",
    ),
    "cost_reduction": (
        "年間コストを{pct}%（約{cost2}万円）削減したい",
        "ツールを統合し、ライセンス費を月{costm2}万円以内に抑えたい",
        "外注していた{work}を社内{n}名で回せる状態にしたい",
        "ペーパーレス化で郵送費を月{costm2}万円まで下げたい",
    ),
    "compliance": (
        "{month}月の監査までに承認証跡を100%システムで残せる状態",
        "電子保存に切り替え、紙の保管量を{pct}%削減したい",
        "稟議の承認期間を{dd}日から{dd2}日に短縮し、証跡も自動で残したい",
        "権限を部署単位で管理し、棚卸を月{hh}時間で終えられる状態",
    ),
    "remote_work": (
        "押印をなくし、テレワーク率を{pct2}%まで引き上げたい",
        "どこからでも{work}ができ、出社を週{k2}日以内にしたい",
        "{n}名の勤怠・進捗をダッシュボードで確認し、管理工数を月{h2}時間削減",
        "決定事項をタスク化して共有し、手戻りを月{k}件以下にしたい",
    ),
    "reporting": (
        "レポート作成を自動化し、月{h2}時間の工数を削減したい",
        "月次の締めを{dd2}営業日で終え、全{sites}{site}の実績をすぐ確認できる状態",
        "KPIを1つのダッシュボードに集約し、会議資料の準備を{dd2}日で終えたい",
        "集計ミスをなくし、{team}{n}名を分析業務に振り向けたい",
    ),
    "hiring": (
        "応募から{hrs}時間以内に一次連絡できる体制にしたい",
        "辞退率を{pct2}%以下に下げ、年間{c2}名の採用目標を達成したい",
        "日程調整を自動化し、人事の工数を月{h2}時間削減したい",
        "研修をオンライン化して全{sites}{site}の教育をそろえ、早期離職を年{k}名以下にしたい",
    ),
}
# Terse concrete problems of low-diligence reps: still a number with a unit.
PROBLEM_TERSE: Final[dict[str, tuple[str, ...]]] = {
    "manual_work": ("{work}が{sys}手入力、月{h}時間", "{doc}転記 月{c}件・ミス多発"),
    "data_silo": (
        "{sys}と{sys2}に情報分散、{n}名で突合",
        "{sites}拠点バラバラ管理、集計{dd}日",
    ),
    "lead_followup": ("リード月{c}件、フォロー{pct}%のみ", "放置リード{c3}件"),
    "cost_reduction": ("ツール費 月{costm}万円", "外注費 年{cost}万円を削減したい"),
    "compliance": ("紙の{doc} 月{c}件、電帳法未対応の懸念", "監査指摘{k}件"),
    "remote_work": ("押印で月{k}回出社、対象{n}名", "テレワーク率{pct}%止まり"),
    "reporting": ("月次レポート手集計{dd}日", "週次報告に毎週{hw}時間"),
    "hiring": ("応募者対応漏れ、辞退率{pct}%", "面接調整に月{h}時間"),
}
CAUSE_TERSE: Final[tuple[str, ...]] = (
    "{sys}が他と連携しておらず{n}名が二重入力しているため",
    "担当{n}名に属人化しているため",
    "{sites}拠点で運用がバラバラなのが原因",
)
DESIRED_TERSE: Final[dict[str, tuple[str, ...]]] = {
    "manual_work": ("月{h2}時間削減", "{dd2}日で締めたい"),
    "data_silo": ("突合作業 月{h2}時間削減", "1件{mins2}分以内で回答"),
    "lead_followup": ("{hrs}時間以内に初回対応", "商談化率{pct2}%へ"),
    "cost_reduction": ("年{cost2}万円削減", "月{costm2}万円以内に"),
    "compliance": ("承認{dd2}日以内・証跡100%", "紙保管{pct}%削減"),
    "remote_work": ("テレワーク率{pct2}%", "出社 週{k2}日以内"),
    "reporting": ("月{h2}時間削減", "{dd2}営業日で締め"),
    "hiring": ("辞退率{pct2}%以下", "{hrs}時間以内に一次連絡"),
}
PROBLEM_GENERIC: Final[dict[str, tuple[str, ...]]] = {
    "manual_work": (
        "手作業が多く、業務を効率化したい",
        "事務作業の負担を減らしたいとのこと",
    ),
    "data_silo": ("情報共有に課題あり", "社内の情報がバラバラで見づらいとのこと"),
    "lead_followup": ("リード管理を改善したい", "営業の追客がうまくできていない"),
    "cost_reduction": ("コストを見直したい", "全体的に経費を下げたいとのこと"),
    "compliance": ("コンプライアンス対応を強化したい", "法対応が不安とのこと"),
    "remote_work": ("テレワーク環境を整えたい", "働き方改革を進めたい"),
    "reporting": ("レポート作成が大変", "数字の見える化をしたい"),
    "hiring": ("採用を強化したい", "人事業務を楽にしたい"),
}
PROBLEM_GENERAL: Final[tuple[str, ...]] = (
    "業務を効率化したい",
    "DXを進めたいとのこと",
    "現状の運用に課題感あり",
    "いろいろ困っているとのこと",
    "生産性を上げたい",
)
PROBLEM_VAGUE: Final[tuple[str, ...]] = (
    "未確認",
    "課題感はあるが詳細は未確認",
    "ヒアリング予定",
    "具体的な課題はこれから",
    "業務効率化？（詳細不明）",
    "確認中",
    "未ヒアリング",
    "次回確認",
)
CAUSE_VAGUE: Final[tuple[str, ...]] = (
    "詳細は未確認",
    "背景は後日確認",
    "不明",
    "人手不足も背景にありそう",
    "背景には色々ありそう",
    "ヒアリング予定",
    "-",
    "ー",
    "聞きそびれ",
    "要確認",
)
DESIRED_VAGUE: Final[tuple[str, ...]] = (
    "効率化",
    "もっと楽にしたい",
    "未確認",
    "よい状態にしたい",
    "ゴールはこれから確認",
    "TBD",
    "次回確認",
    "未ヒアリング",
)

# Level-1 needs texts that carry no "not known" marker: generic, not unknown. The
# renderer records them as filled and not concrete; every other level-1 needs text
# names a marker and is vague.
NEEDS_GENERIC: Final[frozenset[str]] = frozenset(
    (
        *(text for texts in PROBLEM_GENERIC.values() for text in texts),
        *PROBLEM_GENERAL,
        "効率化",
        "もっと楽にしたい",
        "よい状態にしたい",
    )
)

# --- BANT -------------------------------------------------------------------------
PERIODS: Final[tuple[str, ...]] = ("今期", "今年度", "下期", "本年度")
BUDGET_SECURED: Final[tuple[str, ...]] = (
    "予算確保済み：{a}（{p}）",
    "確保済（{p}予算 {a}）",
    "{a}で確保済み",
    "{p}予算として{a}を確保済",
    "あり（{a}・{p}確保済み）",
)
BUDGET_SECURED_TERSE: Final[tuple[str, ...]] = ("確保済 {a}", "{a}確保済")
BUDGET_SECURED_NO_AMOUNT: Final[tuple[str, ...]] = (
    "予算確保済み（金額は非開示）",
    "{p}予算で確保済み。金額は商談時に開示とのこと",
)
BUDGET_NOT_SECURED: Final[tuple[str, ...]] = (
    "{p}の予算枠なし。来期予算化の意向ありと確認済",
    "予算なし（確認済）。効果が見えれば来期に予算化する方針",
    "現時点で予算化されていないことを確認。来期予算への計上を社内で進める意向",
)
BUDGET_NOT_SECURED_AMOUNT: Final[tuple[str, ...]] = (
    "{p}の予算枠なし（確認済）。来期に{a}で予算申請する方針",
    "今期予算はなしと確認。来期{a}の枠取りを進める意向",
)
BUDGET_VAGUE: Final[tuple[str, ...]] = (
    "未確認",
    "不明",
    "確認中",
    "検討中",
    "予算はこれから",
    "後日確認",
    "TBD",
    "-",
    "ー",
    "未定",
    "予算感はヒアリング予定",
    "予算取りはこれから（金額感も未確認）",
    "数百万円規模？（未確認）",
    "担当者レベルでは不明",
    "未ヒアリング",
    "聞きそびれ",
    "要確認",
    "次回確認",
    "先方回答待ち",
    "（聞けず）",
)
AUTHORITY: Final[tuple[str, ...]] = (
    "{dm}（{steps}）",
    "決裁者：{dm}／{steps}",
    "最終決裁は{dm}。{steps}の流れ",
    "{dm}決裁。承認プロセスは{steps}",
)
AUTHORITY_SOLE: Final[tuple[str, ...]] = ("{dm}の単独決裁", "{dm}が最終決裁（即決可）")
AUTHORITY_VAGUE: Final[tuple[str, ...]] = (
    "決裁者未確認",
    "決裁フローは後日確認",
    "担当者レベル。決裁者は不明",
    "部長決裁？（未確認）",
    "確認中",
    "未確認",
    "不明",
    "TBD",
    "-",
    "未ヒアリング",
    "次回確認",
    "要確認",
    "（聞けず）",
)
STEP_JOINERS: Final[tuple[str, ...]] = ("→", "→", " > ", "⇒", "、")
URGENCY_JA: Final[dict[str, tuple[str, ...]]] = {
    "high": ("高", "高", "高め"),
    "mid": ("中", "中", "中程度"),
    "low": ("低", "低", "低め"),
}
URGENCY_EN: Final[dict[str, str]] = {"high": "High", "mid": "Medium", "low": "Low"}
NEED: Final[tuple[str, ...]] = (
    "{u}（{r}）",
    "緊急度{u}。{r}",
    "{r}。緊急度は{u}",
    "優先度{u}：{r}",
)
# Reasons per urgency; high ones per theme ({month} is a month number).
NEED_HIGH: Final[dict[str, tuple[str, ...]]] = {
    "manual_work": (
        "{month}月の繁忙期までに体制を整えたいため",
        "担当者の退職が決まり急ぎ",
    ),
    "data_silo": (
        "{month}月の組織再編に合わせて統合したいため",
        "社長案件として指示が出ている",
    ),
    "lead_followup": (
        "下期の新規売上目標の達成が必須のため",
        "営業増員前に仕組みを作りたい",
    ),
    "cost_reduction": (
        "来期予算策定で削減計画の提出が必要なため",
        "現行ツールの契約更新が{month}月",
    ),
    "compliance": (
        "{month}月の監査までに対応必須のため",
        "監査法人から改善を求められている",
    ),
    "remote_work": (
        "{month}月のオフィス縮小が決定済みのため",
        "全社方針でテレワーク推進が決定",
    ),
    "reporting": (
        "{month}月から経営会議の月次化が決定したため",
        "新社長の方針で早急に可視化が必要",
    ),
    "hiring": (
        "{month}月入社に向けた採用が本格化するため",
        "採用目標の未達が続き経営課題化",
    ),
}
NEED_MID: Final[tuple[str, ...]] = (
    "今期中に着手したいが、他の社内プロジェクトと並行のため",
    "中期経営計画の重点テーマの一つ",
    "現場からの要望が強く、上期中に方向性を決めたい",
    "優先順位は上位3番目程度とのこと",
)
NEED_LOW: Final[tuple[str, ...]] = (
    "情報収集段階。来期以降のテーマとして検討する位置づけ",
    "現行運用でも回っており、急ぎではない",
    "他部署の導入状況を見ながら進める方針",
)
NEED_VAGUE: Final[tuple[str, ...]] = (
    "緊急度不明",
    "優先度は確認中",
    "ニーズはありそう（緊急度未確認）",
    "未確認",
    "TBD",
    "後日確認",
    "-",
    "ー",
    "要確認",
    "聞きそびれ",
)
TIMELINE: Final[tuple[str, ...]] = (
    "{ey}年{em}月中に比較・選定、{sy}年{sm}月から利用開始希望",
    "{sy}年{sm}月稼働を目標（{em}月末までに選定）",
    "{sy}/{sm} 導入希望。{em}月に社内決裁の流れ",
    "{nm}ヶ月以内（{sy}年{sm}月目処）に導入したい",
    "{em}月中に決定、{sy}年{sm}月の運用開始を目指す",
)
TIMELINE_TERSE: Final[tuple[str, ...]] = (
    "{sy}/{sm}〜",
    "{sm}月導入希望",
    "{sy}年{sm}月開始",
)
TIMELINE_VAGUE: Final[tuple[str, ...]] = (
    "未定",
    "導入時期は検討中",
    "来期以降？（未確認）",
    "これから",
    "時期未定（情報収集段階）",
    "TBD",
    "確認中",
    "-",
    "次回確認",
    "先方回答待ち",
    "ー",
)

# --- competition --------------------------------------------------------------------
COMP_SEPARATORS: Final[tuple[str, ...]] = ("、", "／", " / ", ", ", "，")
COMP_NONE: Final[tuple[str, ...]] = (
    "競合なし",
    "他社比較なし",
    "なし（当社のみで比較）",
    "競合なし（現行の{sys}運用からの切替）",
)
COMP_VAGUE: Final[tuple[str, ...]] = (
    "他社も検討中らしい（社名未確認）",
    "比較有無は未確認",
    "不明",
    "他社資料も取り寄せている模様（社名不明）",
    "確認中",
    "TBD",
    "-",
    "未ヒアリング",
    "聞きそびれ",
    "要確認",
)
IMPRESSION_POSITIVE: Final[tuple[str, ...]] = (
    "デモ動画を見て好印象",
    "画面が分かりやすいと好評",
    "導入事例に関心が高い",
    "機能面は評価いただいている",
    "セミナー内容への反応は良好",
    "前向きに話を聞いていただけた",
)
CONCERN: Final[dict[str, tuple[str, ...]]] = {
    "price": (
        "価格が予算内に収まるかが懸念",
        "他社より高いという印象あり、費用対効果の説明が必要",
        "初期費用の高さを気にされている",
    ),
    "implementation_effort": (
        "現場{n}名への展開・移行の負荷を懸念",
        "導入時の工数と社内体制が不安とのこと",
        "既存データ移行の手間を気にされている",
    ),
    "support": (
        "導入後のサポート体制を重視。以前のツールは定着しなかった経緯あり",
        "問い合わせ対応のスピードを気にされている",
        "定着支援の有無が懸念",
    ),
    "features": (
        "{feature}が要件を満たすかが懸念",
        "{feature}の細かい仕様を気にされている",
        "自社の運用に合わせたカスタマイズ可否が懸念",
    ),
    "security": (
        "情報セキュリティ部門の審査（ISMS・SSO対応）が懸念",
        "クラウド利用の社内規程をクリアできるかが懸念",
        "アクセス権限とログ管理を気にされている",
    ),
}
CONCERN_ASPECT: Final[dict[str, tuple[str, ...]]] = {
    "price": ("価格体系", "費用"),
    "implementation_effort": ("導入支援", "導入期間"),
    "support": ("サポート体制", "サポート"),
    "features": ("機能", "連携機能"),
    "security": ("セキュリティ", "セキュリティ対策"),
}
DIFF_ASKED: Final[tuple[str, ...]] = (
    "{comp}との違い（{aspect}）を知りたいとの質問あり",
    "「{comp}と何が違うのか（{aspect}）」との質問あり",
    "{comp}との差分（{aspect}）について質問を受けた",
)
DIFF_BASELINE: Final[tuple[str, ...]] = ("現行の{sys}運用", "他社ツール", "無料ツール")
THEME_FEATURE: Final[dict[str, str]] = {
    "manual_work": "帳票の自動取込",
    "data_silo": "既存システムとのAPI連携",
    "lead_followup": "メール配信・スコアリング",
    "cost_reduction": "利用状況の可視化",
    "compliance": "承認ログ・電子保存",
    "remote_work": "モバイル対応・電子承認",
    "reporting": "ダッシュボード",
    "hiring": "応募者管理・日程調整",
}
IMPRESSION_VAGUE: Final[tuple[str, ...]] = (
    "印象は未確認",
    "懸念点はヒアリング予定",
    "確認中",
    "好感触だが懸念点は未確認",
    "-",
    "不明",
    "次回確認",
    "TBD",
)

# --- meeting ------------------------------------------------------------------------
AGREED: Final[tuple[str, ...]] = (
    "先方合意済み",
    "先方了承済み",
    "日程・内容とも合意済み",
)
FORMAT_VISIT: Final[tuple[str, ...]] = (
    "訪問",
    "訪問（先方本社）",
    "対面（先方オフィス）",
    "訪問",
)
FORMAT_ONLINE: Final[tuple[str, ...]] = (
    "オンライン",
    "オンライン（Zoom）",
    "Web会議（Teams）",
    "オンライン（Google Meet、URL送付済み）",
)
FORMAT_EN: Final[dict[str, tuple[str, ...]]] = {
    "visit": ("Visit", "On-site visit"),
    "online": ("Online", "Online (Zoom)"),
}
ATTENDEES: Final[tuple[str, ...]] = (
    "{n}名（{t}）",
    "{t}（計{n}名）",
    "{t}の{n}名",
    "計{n}名：{t}",
)
TITLE_SEPARATORS: Final[tuple[str, ...]] = ("、", "・", "／", ", ")
EXPECTED_ITEMS: Final[tuple[str, ...]] = (
    "{ind}の導入事例の紹介",
    "概算見積の提示",
    "導入スケジュール案の説明",
    "費用対効果の試算",
    "デモ（{feature}）",
)
EXPECTED_BY_CONCERN: Final[dict[str, tuple[str, ...]]] = {
    "price": ("料金プランの説明", "概算見積の提示"),
    "implementation_effort": ("導入支援の進め方の説明", "移行計画のイメージ共有"),
    "support": ("サポート体制の説明", "定着支援メニューの紹介"),
    "features": ("{feature}のデモ", "要件とのフィット確認"),
    "security": ("セキュリティチェックシートへの回答", "認証・ログ機能の説明"),
}
EXPECTED_TAILS: Final[tuple[str, ...]] = (
    "を希望",
    "を期待",
    "",
    "をお願いしたいとのこと",
)
MEETING_VAGUE: Final[tuple[str, ...]] = (
    "日程調整中",
    "候補日を提示済み、調整中",
    "未定",
    "TBD",
    "来週で調整中",
    "先方の返信待ち（日程未定）",
    "先方回答待ち",
    "要確認",
)
FORMAT_VAGUE: Final[tuple[str, ...]] = (
    "未定",
    "オンラインか訪問か調整中",
    "確認中",
    "TBD",
    "ー",
    "先方回答待ち",
)
ATTENDEES_VAGUE: Final[tuple[str, ...]] = (
    "参加者未定",
    "確認中",
    "部長の同席は調整中",
    "TBD",
    "未定",
    "次回確認",
    "ー",
)
EXPECTED_VAGUE: Final[tuple[str, ...]] = (
    "詳細は後日確認",
    "内容はヒアリング予定",
    "未定",
    "確認中",
    "TBD",
    "次回確認",
)

# Level-1 texts of the *_VAGUE banks above and below that say something informative
# but hedged or incomplete: the world records them as vague (= partial). Every
# other level-1 text is only a "not known" marker: not obtained.
PARTIAL_TEXTS: Final[frozenset[str]] = frozenset(
    (
        "課題感はあるが詳細は未確認",
        "業務効率化？（詳細不明）",
        "人手不足も背景にありそう",
        "背景には色々ありそう",
        "予算取りはこれから（金額感も未確認）",
        "数百万円規模？（未確認）",
        "担当者レベルでは不明",
        "担当者レベル。決裁者は不明",
        "部長決裁？（未確認）",
        "ニーズはありそう（緊急度未確認）",
        "来期以降？（未確認）",
        "時期未定（情報収集段階）",
        "他社も検討中らしい（社名未確認）",
        "他社資料も取り寄せている模様（社名不明）",
        "好感触だが懸念点は未確認",
        "候補日を提示済み、調整中",
        "来週で調整中",
        "部長の同席は調整中",
        "{sei}様（役職未確認）",
        "{dept}の方（氏名・役職不明）",
        "代表番号のみ（直通不明）",
        "メールのみ確認済み、電話は後日確認",
        "中堅規模（詳細未確認）",
    )
)

# --- basics -----------------------------------------------------------------------
ROLE_NOTES: Final[dict[str, tuple[str, ...]]] = {
    "decision_maker": ("※決裁者", "（決裁権あり）"),
    "influencer": ("（決裁に影響力あり）", "※推進担当"),
    "staff": ("（実務担当）", "※決裁権なし"),
}
CONTACT_VAGUE: Final[tuple[str, ...]] = (
    "{sei}様（役職未確認）",
    "ご担当者（氏名未確認）",
    "{dept}の方（氏名・役職不明）",
    "確認中",
)
CONTACT_INFO_VAGUE: Final[tuple[str, ...]] = (
    "未確認",
    "代表番号のみ（直通不明）",
    "メールのみ確認済み、電話は後日確認",
    "確認中",
    "-",
    "要確認",
    "ー",
    "（聞けず）",
)
SIZE_VAGUE: Final[tuple[str, ...]] = (
    "不明",
    "従業員数未確認",
    "中堅規模（詳細未確認）",
    "HPで確認中",
    "TBD",
    "-",
    "要確認",
    "未ヒアリング",
    "ー",
)
AREA_CODES: Final[tuple[str, ...]] = (
    "03",
    "03",
    "06",
    "052",
    "045",
    "092",
    "011",
    "022",
)
MAIL_DOMAINS: Final[tuple[str, ...]] = ("example.co.jp", "example.jp", "example.com")
GIVEN_INITIALS: Final[str] = "tkhymsanr"
# Romaji of common surnames, for fictional e-mail addresses.
SURNAME_ROMAJI: Final[dict[str, str]] = {
    "佐藤": "sato", "鈴木": "suzuki", "高橋": "takahashi", "田中": "tanaka",
    "伊藤": "ito", "渡辺": "watanabe", "山本": "yamamoto", "中村": "nakamura",
    "小林": "kobayashi", "加藤": "kato", "吉田": "yoshida", "山田": "yamada",
    "佐々木": "sasaki", "山口": "yamaguchi", "松本": "matsumoto", "井上": "inoue",
    "木村": "kimura", "林": "hayashi", "斎藤": "saito", "清水": "shimizu",
    "山崎": "yamazaki", "森": "mori", "池田": "ikeda", "橋本": "hashimoto",
    "阿部": "abe", "石川": "ishikawa", "前田": "maeda", "藤田": "fujita",
    "小川": "ogawa", "岡田": "okada", "山下": "yamashita", "中島": "nakajima",
    "石井": "ishii", "長谷川": "hasegawa", "後藤": "goto", "近藤": "kondo",
    "村上": "murakami", "遠藤": "endo", "青木": "aoki", "坂本": "sakamoto",
}  # fmt: skip

# --- history and notes -----------------------------------------------------------
TOUCH_LONG: Final[dict[str, str]] = {
    "web_visit": "Webサイト閲覧",
    "email_open": "メルマガ開封",
    "email_click": "メールのリンククリック",
    "document_download": "資料ダウンロード",
    "seminar_registration": "セミナー申込",
    "seminar_attendance": "セミナー参加",
    "form_submission": "問い合わせフォーム",
    "is_call": "架電",
    "is_call_connected": "架電（担当者と通話）",
    "is_mail": "フォローメール",
    "online_hearing": "オンラインヒアリング",
    "trade_show": "展示会で名刺交換",
    "referral": "既存顧客からの紹介",
}
TOUCH_SHORT: Final[dict[str, str]] = {
    "web_visit": "Web",
    "email_open": "メール",
    "email_click": "メール",
    "document_download": "資料DL",
    "seminar_registration": "セミナー申込",
    "seminar_attendance": "セミナー",
    "form_submission": "問合せ",
    "is_call": "架電",
    "is_call_connected": "架電",
    "is_mail": "メール",
    "online_hearing": "ヒアリング",
    "trade_show": "展示会",
    "referral": "紹介",
}
# A first contact the CRM holds no record of: written as not obtained.
FIRST_CONTACT_UNKNOWN: Final[tuple[str, ...]] = (
    "記録なし",
    "不明",
    "記録なし（要確認）",
)
TOUCH_JOINERS: Final[tuple[str, ...]] = ("→", " → ", "、", "／")
TOUCH_COUNT: Final[tuple[str, ...]] = ("{n}回", "計{n}回", "{n}回", "{n}回程度")
NOTES_BY_KIND: Final[dict[str, tuple[str, ...]]] = {
    "seminar_attendance": ("セミナー参加後から温度感が上がっている",),
    "document_download": ("資料DLをきっかけに接点。比較検討ガイドも閲覧済み",),
    "online_hearing": ("オンラインヒアリングで画面共有デモを実施済み",),
    "trade_show": ("展示会ブースで名刺交換した経緯あり",),
    "referral": ("既存顧客からの紹介案件。紹介元への報告も忘れずに",),
    "form_submission": ("先方からの問い合わせ起点で、関心は高い",),
    "web_visit": ("料金ページを複数回閲覧しており、価格への関心が高い",),
}
NOTES_ROLE: Final[dict[str, tuple[str, ...]]] = {
    "decision_maker": (
        "面談者本人が決裁者。結論を急ぐタイプ",
        "決裁者と直接話せている",
    ),
    "influencer": ("面談者は社内推進役。決裁者向けの説明資料があると良い",),
    "staff": ("面談者は実務担当。上長への説明材料を求めている",),
}
NOTES_GENERAL: Final[tuple[str, ...]] = (
    "午前中のほうが電話がつながりやすい",
    "メールより電話のほうがレスポンスが早い",
    "月末は繁忙期のため連絡は月初が望ましい",
    "以前に他ツールの導入で失敗した経験あり。定着支援を丁寧に",
    "話が長くなりがちなので、商談はアジェンダを先に共有すると良い",
    "社内用語が多いので、先方の言葉に合わせて話すこと",
    "専門用語は避けて説明してほしいとの要望あり",
)
NOTES_LONG_AGO: Final[str] = (
    "初回接点から{m}ヶ月ほど経過。一度検討が止まった後の再燃案件"
)
NOTES_QUICK: Final[str] = "初回接点から{d}日でのトスアップ。スピード感を重視"
NOTES_MANY: Final[str] = "接点回数が多く、関係性は良好"
NOTES_FEW: Final[str] = "接点はまだ{n}回のみ。関係構築は途上"

# --- whole-memo habits: a chat message, or the hand-off told as prose -------------
# Each field's topic when it is written as a sentence, and the words by which its
# text already names the topic (then it gets no prefix).
HABIT_TOPIC: Final[dict[str, tuple[str, tuple[str, ...]]]] = {
    "contact": ("ご担当は", ("担当",)),
    "contact_info": ("連絡先は", ("連絡先", "TEL", "電話", "メール", "番号")),
    "company_size": ("企業規模は", ("規模", "従業員")),
    "first_contact": ("初回接点は", ("初回",)),
    "touch_count": ("接点は", ("接点", "回数")),
    "touch_summary": ("経緯は", ("経緯",)),
    "problem": ("課題は", ("課題",)),
    "cause": ("背景は", ("背景", "原因")),
    "desired_state": ("理想の状態は", ("ゴール", "理想")),
    "budget": ("予算は", ("予算",)),
    "authority": ("決裁は", ("決裁",)),
    "need": ("緊急度は", ("緊急度", "優先度")),
    "timeline": ("導入時期は", ("導入時期", "時期", "スケジュール")),
    "competitors": ("競合は", ("競合", "他社", "比較")),
    "impression": ("懸念点は", ("印象", "懸念")),
    "meeting_datetime": ("商談日時は", ("日時", "日程")),
    "meeting_format": ("形式は", ("形式",)),
    "attendees": ("先方参加者は", ("参加", "同席")),
    "expected_content": ("商談内容は", ("内容",)),
}
# A bare "not known" marker said as a whole sentence, after the field's topic.
CHAT_NOT_OBTAINED: Final[tuple[str, ...]] = (
    "未確認です",
    "聞けていません💦",
    "聞きそびれました🙏",
    "未ヒアリングです",
    "次回確認します",
    "先方回答待ちです",
    "まだ聞けてないです",
    "不明っす",
    "要確認です",
)
NARRATIVE_NOT_OBTAINED: Final[tuple[str, ...]] = (
    "未確認です",
    "聞けていません",
    "聞きそびれました",
    "まだ分かっていません",
    "次回確認します",
    "先方の回答待ちです",
    "未ヒアリングです",
)
CHAT_OPENERS: Final[tuple[str, ...]] = (
    "お疲れ様です!",
    "お疲れさまです〜",
    "1件トスアップです🙏",
    "お疲れ様です、引き継ぎお願いします!",
    "FSさん、トスアップ1件お願いします🙏",
)
CHAT_CLOSERS: Final[tuple[str, ...]] = (
    "よろしくお願いします🙏",
    "よろしくです!",
    "何かあれば聞いてください👍",
    "以上です、よろしくお願いします!",
)
# Casual line ends: after a fact, after a "not known" line.
CHAT_TAILS: Final[tuple[str, ...]] = ("", "", "です", "です!", "っす", " 👍")
CHAT_ARROWS: Final[tuple[str, ...]] = ("→", " → ", "→")
CHAT_NOTE_LEADS: Final[tuple[str, ...]] = ("", "", "あと、", "補足：", "※")
NARRATIVE_LEADS: Final[tuple[str, ...]] = ("", "", "", "", "また、")

# The problem themes a memo can be about: the keys of the phrase banks, in order.
THEMES: Final[tuple[str, ...]] = tuple(PROBLEM)
