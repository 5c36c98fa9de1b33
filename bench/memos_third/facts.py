# ruff: noqa: E501  (phrase and fact tables: one entry a line reads best)
"""A random lead and the ways reps write its dates, times and amounts.

Everything here is fact, not status: the generator decides later which of these
facts a memo states, hedges, marks unknown or leaves out.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

# Three disjoint surname pools: the customer's contact, other customer people
# (decision makers, attendees) and our own reps, so a stated contact is never
# confused with a rep or a boss by construction.
CONTACT_SURNAMES = (
    "山本", "中村", "小林", "加藤", "吉田", "山口", "松本", "井上", "木村", "清水",
    "森田", "池田", "橋本", "石川", "前田", "藤井", "岡田", "後藤", "長谷川", "村上",
    "近藤", "石井", "坂本", "遠藤", "青木", "西村", "福田", "太田", "三浦", "藤原",
)  # fmt: skip
OTHER_SURNAMES = (
    "岩崎", "野口", "松田", "菅原", "杉山", "千葉", "大野", "久保", "河合", "平野",
    "桑原", "堀内", "宮本", "内藤", "横山", "荒木", "星野", "大塚", "小島", "須藤",
)  # fmt: skip
REP_SURNAMES = (
    "田中",
    "佐藤",
    "高橋",
    "伊藤",
    "渡辺",
    "斎藤",
    "小川",
    "原田",
    "竹内",
    "上田",
)

NAME_HEADS = (
    "ミナト", "青葉", "北辰", "さくら", "東邦", "アサヒ", "大和", "ひかり", "三協", "中央",
    "富士見", "若葉", "丸高", "協和", "日進", "常盤", "白鷺", "瀬戸内", "湘南", "信州",
    "みらい", "東洋", "北斗", "寿", "銀河", "葵", "浪速", "杜の都", "清流", "旭日",
)  # fmt: skip
# (industry word in the name, industry for prose, domain slug, typical headcount range)
INDUSTRIES = (
    ("物流", "物流", "logi", (80, 900)),
    ("建設", "総合建設", "kensetsu", (60, 1500)),
    ("製薬", "医薬品製造", "pharma", (150, 3000)),
    ("フーズ", "食品製造", "foods", (40, 800)),
    ("精機", "精密機器製造", "seiki", (30, 600)),
    ("電機", "電機メーカー", "denki", (200, 5000)),
    ("不動産", "不動産管理", "fudosan", (20, 400)),
    ("商事", "専門商社", "shoji", (25, 700)),
    ("化成", "化学品製造", "kasei", (100, 2000)),
    ("ホテルズ", "ホテル運営", "hotels", (120, 1800)),
    ("メディカル", "医療法人向けサービス", "medical", (50, 900)),
    ("印刷", "印刷", "print", (30, 500)),
    ("運輸", "運送", "unyu", (60, 1200)),
    ("ソフト", "受託開発", "soft", (15, 400)),
    ("アパレル", "アパレル小売", "apparel", (40, 1500)),
)
LEGAL = ("株式会社{n}", "{n}株式会社", "（株）{n}", "㈱{n}", "{n}（株）", "{n}株式会社")

DEPARTMENTS = (
    "総務部", "情報システム部", "経営企画部", "人事部", "経理部", "営業企画部",
    "DX推進室", "管理本部", "マーケティング部", "生産管理部", "業務改革室", "購買部",
)  # fmt: skip
TITLES = ("部長", "課長", "係長", "主任", "室長", "マネージャー", "次長", "リーダー")
DM_TITLES = ("取締役", "常務", "社長", "本部長", "専務", "CFO", "部長")


@dataclass(frozen=True)
class Product:
    """What the seller sells, with the problems such a customer tends to have."""

    ja: str
    en: str
    problems: tuple[tuple[str, str], ...]  # (ja, en)
    causes: tuple[tuple[str, str], ...]
    desired: tuple[tuple[str, str], ...]
    expected: tuple[tuple[str, str], ...]
    competitors: tuple[str, ...]


PRODUCTS = (
    Product(
        "勤怠管理クラウド", "a cloud attendance system",
        (("紙のタイムカードの集計に毎月3営業日かかっている", "tallying paper timecards takes 3 working days every month"),
         ("拠点ごとに残業時間の把握が遅れ、36協定の超過が起きかけた", "overtime is seen too late per site; they nearly breached the 36 agreement")),
        (("拠点ごとに打刻方法がバラバラで、本社で手入力している", "each site clocks in differently and HQ re-keys it by hand"),
         ("シフト制の現場が多く、Excelの管理が限界に来ている", "many shift-based sites and Excel has hit its limit")),
        (("月次の締めを1日で終わらせたい", "close the month in one day"),
         ("残業をリアルタイムで見える化したい", "see overtime in real time")),
        (("既存の給与ソフトとの連携可否", "whether it links to their payroll software"),
         ("シフト作成機能のデモ", "a demo of shift planning")),
        ("タイムログ", "ジョブレコ", "勤怠ナビPro"),
    ),
    Product(
        "経費精算システム", "an expense management system",
        (("紙の領収書の回付で経理の月末残業が常態化している", "paper receipts keep accounting on overtime every month-end"),
         ("インボイス制度対応の確認作業が追いつかない", "they cannot keep up with invoice-system checks")),
        (("承認が押印ベースで、出張の多い部長の承認待ちが頻繁に起きている", "approvals need a seal and travelling managers hold them up"),
         ("電帳法対応をExcelと共有フォルダでしのいでいる", "they cope with e-bookkeeping law on Excel and a shared folder")),
        (("申請から精算までをスマホで完結させたい", "do everything from claim to payment on a phone"),
         ("経理の月末残業をゼロにしたい", "end month-end overtime in accounting")),
        (("会計ソフトへの仕訳連携の実演", "a live demo of journal export to their accounting software"),
         ("料金プランと初期費用の説明", "pricing plans and set-up fees")),
        ("ケイヒスマート", "Receipta", "精算クラウドX"),
    ),
    Product(
        "MAツール", "a marketing automation tool",
        (("展示会で集めた名刺が活用されず放置されている", "trade-show business cards sit unused"),
         ("ウェビナー後のフォローが営業任せで取りこぼしが多い", "webinar follow-up is left to sales and leads fall through")),
        (("マーケ担当が1名しかおらず手が回らない", "only one marketer and no bandwidth"),
         ("リードの管理がExcelと個人のメールに分散している", "leads are scattered over Excel and personal mailboxes")),
        (("商談化率を今の倍にしたい", "double the meeting conversion rate"),
         ("見込み度の高いリードから営業が追えるようにしたい", "let sales chase the hottest leads first")),
        (("スコアリング設計の事例紹介", "case studies of lead scoring"),
         ("既存CRMとの連携方法", "how it connects to their CRM")),
        ("リードパイロット", "MarkeOne", "ナーチャリングBox"),
    ),
    Product(
        "SFA", "an SFA / CRM",
        (("案件状況が営業個人のExcelにあり、受注予測が立たない", "deal status lives in personal Excel files, so no forecast"),
         ("退職者の顧客情報が引き継がれず失注した", "customer history left with a leaver and they lost the deal")),
        (("営業会議の資料作りに毎週半日かかっている", "preparing the weekly sales meeting takes half a day"),
         ("以前入れたSFAが現場に定着しなかった", "a previous SFA never took hold")),
        (("パイプラインを週次で正確に把握したい", "get a weekly pipeline they can trust"),
         ("入力の手間を今の半分にしたい", "halve the data-entry effort")),
        (("モバイルでの入力デモ", "a mobile data-entry demo"),
         ("定着支援の進め方", "how adoption support works")),
        ("セールスハブ", "商談ノート", "DealFlow"),
    ),
    Product(
        "電子契約サービス", "an e-signature service",
        (("契約書の製本・郵送・押印で締結まで平均2週間かかる", "binding, posting and sealing contracts takes two weeks on average"),
         ("収入印紙代が年間で数百万円になっている", "revenue stamps cost several million yen a year")),
        (("取引先ごとに契約フローが異なり法務がボトルネックになっている", "each partner has its own flow and legal is the bottleneck"),
         ("リモートワーク中も押印のために出社している", "staff come in just to stamp contracts")),
        (("締結までを3日以内にしたい", "sign within three days"),
         ("契約書の保管と検索を一元化したい", "have one place to store and search contracts")),
        (("相手方の操作画面の確認", "what the counterparty sees"),
         ("既存の契約書管理からの移行手順", "migration from their current contract store")),
        ("サインポート", "契約ラクダ", "eSign Cloud"),
    ),
    Product(
        "在庫管理システム", "an inventory management system",
        (("棚卸の差異が毎回数百万円規模で出る", "stocktakes are off by millions of yen every time"),
         ("欠品と過剰在庫が同時に起きている", "stock-outs and overstock at the same time")),
        (("入出庫を紙の伝票で記録し、夕方にまとめて入力している", "goods movements are on paper slips, keyed in each evening"),
         ("倉庫が3拠点に分かれ在庫が見えない", "three warehouses and no view of stock")),
        (("在庫をリアルタイムに把握し、発注を自動化したい", "see stock in real time and reorder automatically"),
         ("棚卸を年2回から1日で終わる形にしたい", "finish a stocktake in one day")),
        (("ハンディ端末の実機デモ", "a hands-on demo with handheld scanners"),
         ("基幹システムとの連携パターン", "integration patterns with their ERP")),
        ("ZaikoMaster", "ロジクラウド", "棚番くん"),
    ),
    Product(
        "EDR", "an EDR security product",
        (("取引先経由でランサムウェアの被害を受けかけた", "they nearly got ransomware through a supplier"),
         ("端末の脆弱性管理ができていない", "no vulnerability management on endpoints")),
        (("情シスが2名で、監視まで手が回らない", "two IT staff, no time for monitoring"),
         ("親会社からセキュリティ監査で指摘を受けた", "the parent company's audit flagged them")),
        (("24時間の監視体制を外部に任せたい", "outsource 24/7 monitoring"),
         ("監査の指摘事項を年度内に解消したい", "clear the audit findings this fiscal year")),
        (("SOCサービスの運用イメージ", "how the SOC service runs day to day"),
         ("既存アンチウイルスとの併用可否", "whether it coexists with their antivirus")),
        ("ガードアイ", "SecureNest", "EndpointOne"),
    ),
    Product(
        "採用管理システム", "an applicant tracking system",
        (("応募者対応が遅れ、内定辞退が増えている", "slow candidate handling and more declined offers"),
         ("複数の求人媒体の応募をExcelに転記している", "applications from several job boards are copied into Excel")),
        (("人事が3名で中途と新卒を兼務している", "three HR staff cover both graduate and mid-career hiring"),
         ("面接日程の調整をすべてメールで行っている", "interview scheduling is all by e-mail")),
        (("応募から面接設定までを24時間以内にしたい", "book interviews within 24 hours of applying"),
         ("採用チャネルごとの効果を数字で見たい", "see numbers on each hiring channel")),
        (("媒体連携の対応範囲", "which job boards it connects to"),
         ("他社の導入事例（同業種）", "case studies from their industry")),
        ("HireBoard", "採用ステーション", "リクルートナビ"),
    ),
    Product(
        "BIツール", "a BI tool",
        (("経営会議の数字を毎月Excelで手集計している", "board figures are hand-compiled in Excel every month"),
         ("部門ごとに数字の定義が違い、会議で揉める", "every department defines figures differently")),
        (("基幹システムのデータは情シスに依頼しないと出せない", "getting ERP data needs an IT request"),
         ("分析できる人が1人に偏っている", "only one person can analyse")),
        (("売上と粗利を日次で見られるようにしたい", "see daily sales and margin at a glance"),
         ("現場がセルフで分析できるようにしたい", "let the business analyse by itself")),
        (("自社データを使ったPoCの進め方", "how a PoC on their data would run"),
         ("ライセンス体系の説明", "the licence model")),
        ("DataLens", "ミエルカBI", "InsightPro"),
    ),
    Product(
        "設備IoT監視", "IoT equipment monitoring",
        (("設備の突発停止で月に数回ラインが止まる", "sudden equipment failures stop the line several times a month"),
         ("保全担当が巡回点検に追われている", "maintenance staff are stuck doing rounds")),
        (("ベテラン保全員の退職でノウハウが失われつつある", "veteran maintenance staff are retiring with their know-how"),
         ("古い設備が多く、稼働データが取れていない", "old machines give no operating data")),
        (("故障の予兆を検知して計画保全に切り替えたい", "detect failure signs and move to planned maintenance"),
         ("稼働率を5ポイント上げたい", "gain five points of uptime")),
        (("後付けセンサーの設置イメージ", "how retrofit sensors are fitted"),
         ("同業他社での効果事例", "results at similar plants")),
        ("FactoryEye", "稼働モニタ", "PlantSense"),
    ),
)  # fmt: skip

GOOD = (
    ("画面が分かりやすいという評価", "they like the UI"),
    ("事例の多さに好印象", "impressed by the number of case studies"),
    ("サポート体制を評価している", "they value our support"),
    ("価格帯は想定内とのこと", "the price range fits"),
)
CONCERNS = (
    ("既存システムとの連携", "integration with current systems"),
    ("価格（特に初期費用）", "price, the set-up fee above all"),
    ("現場が使いこなせるか", "whether staff will actually use it"),
    ("導入までの工数", "the effort to roll it out"),
    ("セキュリティ審査が通るか", "passing their security review"),
)
NOTES = (
    (
        "3月決算のため、2〜3月は先方が繁忙",
        "March year-end: they are swamped in Feb-Mar",
    ),
    (
        "過去に他社ツールの導入で失敗した経験あり、慎重",
        "burned by another tool before, so cautious",
    ),
    ("電話よりメールでの連絡を希望", "prefers e-mail to phone"),
    ("親会社の情シス承認が別途必要", "the parent company's IT must approve separately"),
    (
        "午前中は会議が多く、連絡は午後希望",
        "mornings are full of meetings; call in the afternoon",
    ),
    ("前回の面談で値引きの話が出ている", "discounts came up at the last call"),
)
NEED_REASONS = (
    ("今期の重点施策に入っている", "it is a top priority this term"),
    ("社長から直々に指示が出ている", "the CEO asked for it directly"),
    ("監査対応の期限がある", "there is an audit deadline"),
    ("現場から毎月のように不満が出ている", "complaints from the floor every month"),
)
TOUCH_KINDS = (
    ("資料DL", "downloaded a white paper"),
    ("ウェビナー参加", "attended a webinar"),
    ("問い合わせフォーム", "inquiry form"),
    ("展示会で名刺交換", "met at a trade show"),
    ("架電", "phone call"),
    ("オンライン面談", "web meeting"),
    ("料金ページ閲覧", "viewed the pricing page"),
    ("メール返信", "replied to our mail"),
)
AMOUNTS = (
    800_000, 1_200_000, 1_500_000, 2_000_000, 3_000_000, 4_500_000, 5_000_000,
    6_000_000, 8_000_000, 10_000_000, 12_000_000, 15_000_000, 20_000_000,
    30_000_000, 50_000_000, 100_000_000, 150_000_000,
)  # fmt: skip
WEEKDAY_JA = "月火水木金土日"
WEEKDAY_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTH_EN = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)


@dataclass
class Lead:
    """The facts of one lead; the memo states some of them."""

    company: str
    industry: str
    domain: str
    contact: str
    title: str
    dept: str
    dm: str  # the decision maker, e.g. 「岩崎取締役」
    employees: int
    revenue_oku: int  # 億円
    product: Product
    problem: int
    cause: int
    desired: int
    expected: int
    competitors: tuple[str, ...]
    good: int
    concern: int
    note: int
    need_reason: int
    budget: int
    reference: dt.date
    first: dt.date
    touches: list[tuple[dt.date, int]]
    meeting: dt.date
    hour: int
    minute: int
    online: bool
    other_attendee: str
    is_rep: str
    fs_rep: str
    decide_month: int
    start_month: int
    extra: dict[str, str] = field(default_factory=dict)


def _business_day(day: dt.date, step: int) -> dt.date:
    while day.weekday() >= 5 or (day.month == 1 and day.day <= 3):
        day += dt.timedelta(days=step)
    return day


def draw_lead(rng: random.Random) -> Lead:
    head = rng.choice(NAME_HEADS)
    word, industry, slug, (lo, hi) = rng.choice(INDUSTRIES)
    company = rng.choice(LEGAL).format(n=head + word)
    employees = rng.randrange(lo, hi)
    employees = employees // 10 * 10 if employees > 100 else employees
    revenue = max(1, round(employees * rng.uniform(0.15, 0.6)))
    product = rng.choice(PRODUCTS)
    reference = _business_day(
        dt.date(2025, 4, 1) + dt.timedelta(days=rng.randrange(0, 330)), 1
    )
    n_touch = rng.randint(2, 6)
    first = _business_day(reference - dt.timedelta(days=rng.randint(14, 90)), 1)
    span = (reference - first).days
    offsets = sorted(rng.sample(range(1, span), min(n_touch - 1, span - 1)))
    kinds = [rng.choice((0, 1, 2, 3, 6))] + [
        rng.choice((4, 4, 5, 7, 1)) for _ in offsets
    ]
    touches = [(first, kinds[0])] + [
        (first + dt.timedelta(days=o), k)
        for o, k in zip(offsets, kinds[1:], strict=True)
    ]
    meeting = _business_day(reference + dt.timedelta(days=rng.randint(3, 24)), 1)
    contact, dm_name, other = (
        rng.choice(CONTACT_SURNAMES),
        *rng.sample(OTHER_SURNAMES, 2),
    )
    is_rep, fs_rep = rng.sample(REP_SURNAMES, 2)
    decide = (meeting.month + rng.randint(1, 3) - 1) % 12 + 1
    return Lead(
        company=company,
        industry=industry,
        domain=f"{slug}-{rng.choice(('corp', 'grp', 'hd', 'co'))}.co.jp",
        contact=contact,
        title=rng.choice(TITLES),
        dept=rng.choice(DEPARTMENTS),
        dm=dm_name + rng.choice(DM_TITLES),
        employees=employees,
        revenue_oku=revenue,
        product=product,
        problem=rng.randrange(len(product.problems)),
        cause=rng.randrange(len(product.causes)),
        desired=rng.randrange(len(product.desired)),
        expected=rng.randrange(len(product.expected)),
        competitors=tuple(rng.sample(product.competitors, 2)),
        good=rng.randrange(len(GOOD)),
        concern=rng.randrange(len(CONCERNS)),
        note=rng.randrange(len(NOTES)),
        need_reason=rng.randrange(len(NEED_REASONS)),
        budget=rng.choice(AMOUNTS),
        reference=reference,
        first=first,
        touches=touches,
        meeting=meeting,
        hour=rng.choice((10, 11, 13, 14, 15, 16)),
        minute=rng.choice((0, 0, 0, 30)),
        online=rng.random() < 0.55,
        other_attendee=other + rng.choice(("部長", "課長", "係長", "さん")),
        is_rep=is_rep,
        fs_rep=fs_rep,
        decide_month=decide,
        start_month=decide % 12 + 1,
    )


# ---- notations -------------------------------------------------------------

_ZEN = str.maketrans("0123456789/:.,-", "０１２３４５６７８９／：．，－")


def zen(text: str) -> str:
    """Full-width digits and separators, as a rep typing with the IME on writes them."""
    return text.translate(_ZEN)


def date_ja(d: dt.date, rng: random.Random, *, weekday: bool | None = None) -> str:
    wd = WEEKDAY_JA[d.weekday()]
    w = rng.random() < 0.5 if weekday is None else weekday
    paren = rng.choice(("({})", "（{}）"))
    suffix = paren.format(wd) if w else ""
    reiwa = d.year - 2018
    form = rng.randrange(9)
    if form == 0:
        return f"{d.year}/{d.month}/{d.day}{suffix}"
    if form in (1, 2):
        return f"{d.month}/{d.day}{suffix}"
    if form in (3, 4):
        return f"{d.month}月{d.day}日{suffix}"
    if form == 5:
        return f"令和{reiwa}年{d.month}月{d.day}日{suffix}"
    if form == 6:
        return f"R{reiwa}.{d.month}.{d.day}{suffix}"
    if form == 7:
        return f"{d.year}年{d.month}月{d.day}日{suffix}"
    return f"{d.month:02d}/{d.day:02d}{suffix}"


def date_en(d: dt.date, rng: random.Random) -> str:
    wd, mon = WEEKDAY_EN[d.weekday()], MONTH_EN[d.month - 1]
    return rng.choice(
        (
            f"{d.month}/{d.day} {wd}",
            f"{mon} {d.day} ({wd})",
            f"{d.day} {mon} {d.year}",
            f"{d.year}-{d.month:02d}-{d.day:02d}",
            f"{wd} {d.month}/{d.day}",
        )
    )


def time_ja(hour: int, minute: int, rng: random.Random) -> str:
    end = hour + 1
    mm = f"{minute:02d}"
    half = "半" if minute == 30 else ""
    return rng.choice(
        (
            f"{hour}:{mm}〜{end}:{mm}",
            f"{hour}時{half}〜{end}時{half}",
            f"{hour}時{half}〜",
            f"{hour}:{mm}-{end}:{mm}",
            f"{hour}:{mm}〜",
            f"午後{hour - 12}時{half}から1時間"
            if hour > 12
            else f"午前{hour}時{half}から1時間",
        )
    )


def time_en(hour: int, minute: int, rng: random.Random) -> str:
    mm = f"{minute:02d}"
    h12 = hour - 12 if hour > 12 else hour
    ampm = "pm" if hour >= 12 else "am"
    return rng.choice(
        (
            f"{hour}:{mm} JST",
            f"{hour}:{mm}-{hour + 1}:{mm}",
            f"{h12}{ampm}" if minute == 0 else f"{h12}:{mm}{ampm}",
        )
    )


def _man(yen: int) -> str:
    man = yen // 10_000
    if man >= 10_000:
        oku, rest = divmod(man, 10_000)
        return f"{oku}億{rest // 1000}千万" if rest else f"{oku}億"
    if man >= 1000 and man % 1000 == 0:
        return f"{man // 1000}千万"
    return f"{man:,}万"


def amount_ja(yen: int, rng: random.Random) -> str:
    form = rng.randrange(6)
    if form == 0:
        return f"¥{yen:,}"
    if form == 1:
        return f"{yen:,}円"
    if form == 2 and yen >= 100_000_000 and yen % 100_000_000:
        return f"{yen / 100_000_000:g}億円"
    if form == 3:
        return _man(yen)
    return _man(yen) + "円"


def amount_en(yen: int, rng: random.Random) -> str:
    m = yen / 1_000_000
    return rng.choice(
        (f"¥{m:g}M", f"JPY {yen:,}", f"{m:g}M yen", f"¥{yen:,}", _man(yen) + "円")
    )


def range_ja(yen: int) -> str:
    lo, hi = _man(yen // 2), _man(yen)
    return f"{lo}〜{hi}円"


def range_en(yen: int) -> str:
    return f"¥{yen / 2_000_000:g}-{yen / 1_000_000:g}M"
