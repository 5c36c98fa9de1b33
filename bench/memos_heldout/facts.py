"""A random lead and the notations reps use for its dates, times and amounts.

Written for the held-out corpus without looking at bench/memos or readiness.simulate:
the companies, products, problems and notations here are this folder's own.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

WEEKDAYS = "月火水木金土日"

# (kanji, romaji) pairs: a company name is a prefix and an industry word.
_PREFIXES = (
    ("青葉", "aoba"),
    ("東邦", "toho"),
    ("北斗", "hokuto"),
    ("大和田", "owada"),
    ("三河", "mikawa"),
    ("白鷺", "shirasagi"),
    ("瀬戸内", "setouchi"),
    ("丸善", "maruzen"),
    ("富士見", "fujimi"),
    ("若松", "wakamatsu"),
    ("浜名", "hamana"),
    ("千曲", "chikuma"),
    ("朝日丘", "asahigaoka"),
    ("葵", "aoi"),
    ("常盤", "tokiwa"),
    ("八雲", "yakumo"),
    ("南星", "nansei"),
    ("協和", "kyowa"),
    ("日向", "hyuga"),
    ("春日井", "kasugai"),
)

# industry word, its romaji, the industry for prose, revenue per head in 万円
_INDUSTRIES = (
    ("建設", "kensetsu", "建設業", 4000),
    ("精機", "seiki", "精密機器メーカー", 3000),
    ("物流", "logi", "物流", 2000),
    ("フーズ", "foods", "食品製造", 2500),
    ("メディカル", "medical", "医療機器卸", 5000),
    ("不動産", "fudosan", "不動産管理", 3500),
    ("化成", "kasei", "化学メーカー", 4500),
    ("システムズ", "systems", "受託開発", 1800),
    ("運輸", "unyu", "運送業", 1500),
    ("商事", "shoji", "専門商社", 8000),
    ("ホテルズ", "hotels", "ホテル運営", 1200),
    ("工業", "kogyo", "部品加工", 2200),
    ("薬品", "yakuhin", "調剤薬局チェーン", 2000),
    ("電設", "densetsu", "電気設備工事", 2600),
)

_FORMS = ("株式会社{n}", "{n}株式会社", "(株){n}", "（株）{n}", "{n}(株)", "{n}㈱")

SURNAMES = (
    ("田中", "tanaka"),
    ("鈴木", "suzuki"),
    ("高橋", "takahashi"),
    ("渡辺", "watanabe"),
    ("伊藤", "ito"),
    ("中村", "nakamura"),
    ("小林", "kobayashi"),
    ("加藤", "kato"),
    ("吉田", "yoshida"),
    ("山口", "yamaguchi"),
    ("松本", "matsumoto"),
    ("井上", "inoue"),
    ("木村", "kimura"),
    ("清水", "shimizu"),
    ("森", "mori"),
    ("池田", "ikeda"),
    ("橋本", "hashimoto"),
    ("石川", "ishikawa"),
    ("前田", "maeda"),
    ("藤井", "fujii"),
    ("岡田", "okada"),
    ("長谷川", "hasegawa"),
    ("村上", "murakami"),
    ("近藤", "kondo"),
    ("坂本", "sakamoto"),
    ("遠藤", "endo"),
    ("青木", "aoki"),
    ("西村", "nishimura"),
    ("福田", "fukuda"),
    ("太田", "ota"),
)

_DEPTS = (
    "総務部",
    "管理部",
    "情報システム部",
    "経営企画室",
    "人事部",
    "営業企画部",
    "DX推進室",
    "業務改革推進部",
    "経理部",
    "物流部",
    "製造部",
    "カスタマーサポート部",
)
_TITLES = ("課長", "係長", "部長", "主任", "マネージャー", "室長", "リーダー", "次長")
_BOSS_TITLES = ("部長", "本部長", "取締役", "常務", "社長", "CFO", "執行役員")

_CITIES = (
    "東京都港区",
    "東京都千代田区",
    "大阪市北区",
    "名古屋市中区",
    "福岡市博多区",
    "横浜市西区",
    "札幌市中央区",
    "仙台市青葉区",
    "広島市中区",
    "さいたま市大宮区",
    "静岡県浜松市",
    "京都市下京区",
)
_AREA_CODES = (
    "03",
    "06",
    "052",
    "092",
    "045",
    "011",
    "022",
    "082",
    "048",
    "053",
    "075",
)


@dataclass(frozen=True)
class Product:
    """What our company sells in this deal, and what a customer says about it."""

    name: str
    area: str  # the business area, for vague sentences
    problems: tuple[tuple[str, str, str], ...]  # (problem, cause, desired state)
    demo: tuple[str, ...]  # what a meeting could show
    rivals: tuple[str, ...]
    budget_man: tuple[int, int]  # typical budget range in 万円


PRODUCTS: tuple[Product, ...] = (
    Product(
        "勤怠管理クラウド",
        "勤怠まわり",
        (
            (
                "紙のタイムカードの月次集計に毎月3営業日かかっている",
                "拠点ごとに打刻方法がバラバラで、手入力の転記が多い",
                "締め作業を1日で終わらせ、残業時間を日次で把握したい",
            ),
            (
                "36協定の上限に近づいている社員を事前に把握できていない",
                "残業申請が紙で、集計が月末にならないと出てこない",
                "上限超過の手前でアラートを出し、労基対応の不安をなくしたい",
            ),
        ),
        ("シフト作成機能のデモ", "打刻端末の実機紹介", "給与ソフト連携の説明"),
        ("タイムレコ", "勤怠ナビPlus", "ワークログ365"),
        (80, 600),
    ),
    Product(
        "経費精算システム",
        "経費精算",
        (
            (
                "経費申請の差し戻しが月200件発生している",
                "紙の領収書とExcel申請で、規程チェックを経理が目視で行っている",
                "電子帳簿保存法に対応しつつ、申請から承認まで3日以内にしたい",
            ),
            (
                "出張精算の締めが遅れ、月次決算が毎月5営業日ずれ込む",
                "営業が外出続きで申請が溜まり、月末にまとめて出てくる",
                "スマホで都度申請できる形にして、月次決算を早期化したい",
            ),
        ),
        ("スマホ申請画面のデモ", "電帳法対応の説明", "会計ソフト連携の実例紹介"),
        ("ケイヒクラウド", "SpendFlow", "精算パートナー"),
        (60, 400),
    ),
    Product(
        "電子契約サービス",
        "契約業務",
        (
            (
                "契約書の押印と郵送で、締結まで平均2週間かかる",
                "押印が本社総務に集中し、在宅勤務でも出社が必要になっている",
                "締結までを3日以内にし、押印のための出社をなくしたい",
            ),
        ),
        ("署名フローのデモ", "取引先側の操作説明", "文書管理・検索機能の紹介"),
        ("サインポート", "ケイヤクNOW"),
        (50, 300),
    ),
    Product(
        "クラウド在庫管理",
        "在庫管理",
        (
            (
                "棚卸のたびに在庫差異が数百万円規模で出る",
                "入出庫をExcelと手書き伝票で管理していて、リアルタイムに反映されない",
                "ハンディ端末で入出庫を即時反映し、差異をなくしたい",
            ),
            (
                "欠品と過剰在庫が同時に起きている",
                "発注が担当者の勘に頼っていて、拠点間の在庫も見えない",
                "全拠点の在庫を一画面で見て、発注点を自動で出したい",
            ),
        ),
        ("ハンディ端末での入出庫デモ", "発注点アラートの説明", "基幹連携の事例紹介"),
        ("ZAIKO Pro", "ロジマネ", "在庫番クラウド"),
        (200, 1500),
    ),
    Product(
        "MAツール",
        "マーケティング",
        (
            (
                "展示会で集めた名刺が年間3000枚あるのに活用されていない",
                "マーケ担当が1名で、メール配信も手作業のため追客まで手が回らない",
                "スコアリングで確度の高いリードだけを営業に自動で渡したい",
            ),
        ),
        ("スコアリング設定のデモ", "シナリオメール作成の実演", "SFA連携の説明"),
        ("リードエンジン", "MarkeOne", "ナーチャリー"),
        (100, 800),
    ),
    Product(
        "クラウドCTI",
        "コールセンター",
        (
            (
                "問い合わせ窓口の放棄呼率が20%を超えている",
                "繁忙期のオペレーター不足に加え、通話履歴が顧客情報と紐づいていない",
                "放棄呼率を5%以下にし、応対品質を数字で見られるようにしたい",
            ),
        ),
        (
            "着信時の顧客情報ポップアップのデモ",
            "通話録音・分析機能の紹介",
            "料金体系の説明",
        ),
        ("コールクラウドX", "TeleNavi"),
        (150, 900),
    ),
    Product(
        "設備保全IoT",
        "設備保全",
        (
            (
                "生産ラインの突発停止が先月だけで4回あった",
                "点検が紙の巡回記録で、故障の予兆をつかめていない",
                "振動センサーで予兆を検知し、計画保全に切り替えたい",
            ),
        ),
        (
            "センサー設置イメージの説明",
            "予兆検知ダッシュボードのデモ",
            "PoCの進め方の提案",
        ),
        ("ホゼンAI", "ファクトリーアイ", "MentePlus"),
        (300, 3000),
    ),
    Product(
        "EDR運用サービス",
        "セキュリティ",
        (
            (
                "大手取引先のセキュリティチェックシートで不備を指摘された",
                "情シスが2名しかおらず、ログ監視まで手が回っていない",
                "24時間の監視を外部に任せ、インシデント時の初動を早くしたい",
            ),
        ),
        ("SOC運用体制の説明", "管理画面のデモ", "チェックシート回答の支援内容"),
        ("ガードワン", "SecureWatch", "まもるEDR"),
        (200, 1200),
    ),
    Product(
        "採用管理システム",
        "採用業務",
        (
            (
                "中途採用の応募者への連絡が遅れ、選考辞退が目立つ",
                "複数の求人媒体からの応募をExcelに手で転記している",
                "応募から一次面接の設定までを48時間以内にしたい",
            ),
        ),
        ("応募者一元管理のデモ", "媒体連携の説明", "面接日程調整機能の紹介"),
        ("サイヨウBox", "HireDesk"),
        (50, 350),
    ),
    Product(
        "BIダッシュボード",
        "データ集計",
        (
            (
                "経営会議資料の作成に各部門が毎月2日ずつかけている",
                "基幹システムからのデータ抽出が手作業で、Excelでの加工が属人化している",
                "売上と粗利を日次のダッシュボードで見られるようにしたい",
            ),
        ),
        ("ダッシュボードのデモ", "基幹データ接続の説明", "導入支援メニューの紹介"),
        ("ミエルBI", "DataBoard", "グラフィカ"),
        (150, 1000),
    ),
    Product(
        "受発注EDI",
        "受発注業務",
        (
            (
                "FAX注文の手入力ミスで、先月は誤出荷が12件あった",
                "取引先の8割がFAXと電話で発注してくる",
                "受注データを基幹に自動で取り込み、手入力をなくしたい",
            ),
        ),
        ("取引先向け発注画面のデモ", "基幹連携の方式説明", "取引先への案内方法の提案"),
        ("ハッチューBB", "OrderLink"),
        (200, 1200),
    ),
    Product(
        "人事評価システム",
        "人事評価",
        (
            (
                "評価シートの回収と集計に人事が1か月かかりきりになる",
                "Excelの評価シートをメールでやり取りしていて、版管理ができていない",
                "評価の進捗を一覧で把握し、評価期間を2週間短くしたい",
            ),
        ),
        ("評価ワークフローのデモ", "目標管理機能の紹介", "Excelからの移行手順の説明"),
        ("ヒョウカル", "TalentNote"),
        (80, 500),
    ),
)


@dataclass
class Lead:
    """The facts of one hand-off; a memo writes some of them, hedges or omits others."""

    company_core: str
    company_romaji: str
    company_full: str
    industry: str
    employees: int
    revenue_oku: int  # 億円
    city: str
    surname: str
    surname_romaji: str
    dept: str
    title: str
    phone: str
    email: str
    rep_email: str  # a shared address, used when the contact is not known
    product: Product
    problem: str
    cause: str
    desired: str
    budget_man: int
    boss_surname: str
    boss_title: str
    first_contact: date
    touches: int
    reference: date
    meeting: date
    hour: int
    online: bool
    tool: str
    rivals: tuple[str, ...]
    is_rep: str
    fs_rep: str
    extra_attendees: tuple[str, ...] = field(default_factory=tuple)


def _weekday_after(d: date, days: int) -> date:
    d = d + timedelta(days=days)
    while d.weekday() >= 5:
        d += timedelta(days=1)
    return d


def draw_lead(r: random.Random) -> Lead:
    pre, pre_r = r.choice(_PREFIXES)
    ind, ind_r, industry, per_head = r.choice(_INDUSTRIES)
    core = pre + ind
    full = r.choice(_FORMS).format(n=core)
    employees = r.choice(
        (35, 48, 60, 85, 120, 150, 230, 300, 420, 650, 880, 1200, 2300)
    )
    employees += r.randrange(0, max(1, employees // 10))
    revenue = max(1, round(employees * per_head * r.uniform(0.7, 1.3) / 10000))
    names = r.sample(SURNAMES, 4)
    (sur, sur_r), (boss, _), (is_rep, _), (fs_rep, _) = names
    area = r.choice(_AREA_CODES)
    mid = 4 if len(area) == 2 else 3
    phone = f"{area}-{r.randrange(10 ** (mid - 1), 10**mid)}-{r.randrange(1000, 10000)}"
    if r.random() < 0.2:
        phone = f"090-{r.randrange(1000, 10000)}-{r.randrange(1000, 10000)}"
    domain = f"{pre_r}-{ind_r}.co.jp"
    email = f"{sur_r}@{domain}" if r.random() < 0.5 else f"{sur_r[0]}.{sur_r}@{domain}"
    rep_email = f"{r.choice(('info', 'contact', 'soumu', 'webmaster'))}@{domain}"
    product = r.choice(PRODUCTS)
    problem, cause, desired = r.choice(product.problems)
    lo, hi = product.budget_man
    step = 50 if hi > 500 else 10
    budget = max(lo, round(r.uniform(lo, hi) / step) * step)
    reference = date(2025, 4, 1) + timedelta(days=r.randrange(0, 365))
    reference = _weekday_after(reference, 0)
    first = reference - timedelta(days=r.randrange(6, 80))
    meeting = _weekday_after(reference, r.randrange(2, 20))
    online = r.random() < 0.55
    tool = r.choice(("Zoom", "Teams", "Google Meet", "Webex"))
    rivals = tuple(r.sample(product.rivals, r.choice((1, 1, 2))))
    boss_title = r.choice(_BOSS_TITLES)
    extra_pool = [
        f"{boss}{boss_title}",
        "情シスのご担当者",
        "現場リーダーの方",
        "経理のご担当者",
        "購買部のご担当者",
    ]
    extra = tuple(r.sample(extra_pool, r.choice((0, 1, 1, 2))))
    return Lead(
        company_core=core,
        company_romaji=f"{pre_r} {ind_r}",
        company_full=full,
        industry=industry,
        employees=employees,
        revenue_oku=revenue,
        city=r.choice(_CITIES),
        surname=sur,
        surname_romaji=sur_r,
        dept=r.choice(_DEPTS),
        title=r.choice(_TITLES),
        phone=phone,
        email=email,
        rep_email=rep_email,
        product=product,
        problem=problem,
        cause=cause,
        desired=desired,
        budget_man=budget,
        boss_surname=boss,
        boss_title=boss_title,
        first_contact=first,
        touches=r.randrange(2, 9),
        reference=reference,
        meeting=meeting,
        hour=r.choice((9, 10, 10, 11, 13, 14, 14, 15, 16, 17)),
        online=online,
        tool=tool,
        rivals=rivals,
        is_rep=is_rep,
        fs_rep=fs_rep,
        extra_attendees=extra,
    )


# ---- notations -------------------------------------------------------------

_ZEN = str.maketrans("0123456789/:-().%", "０１２３４５６７８９／：－（）．％")


def zen(s: str) -> str:
    """Full-width digits and punctuation, as a rep's IME leaves them."""
    return s.translate(_ZEN)


def maybe_zen(r: random.Random, s: str, p: float = 0.15) -> str:
    return zen(s) if r.random() < p else s


def wd(d: date) -> str:
    return WEEKDAYS[d.weekday()]


def fmt_date(r: random.Random, d: date, ref: date, *, weekday: bool = False) -> str:
    """A date the way a rep types it; year-less only within the toss-up's year span."""
    yearless_ok = abs((d - ref).days) < 150 and (d.year == ref.year or d < ref)
    w = f"({wd(d)})" if weekday and r.random() < 0.8 else ""
    wj = f"（{wd(d)}）" if weekday and r.random() < 0.8 else ""
    reiwa = d.year - 2018
    forms = [
        f"{d.year}/{d.month}/{d.day}{w}",
        f"{d.year}.{d.month}.{d.day}{w}",
        f"{d.year}年{d.month}月{d.day}日{wj}",
        f"令和{reiwa}年{d.month}月{d.day}日{wj}",
        f"R{reiwa}.{d.month}.{d.day}{w}",
        f"{d.year}-{d.month:02d}-{d.day:02d}{w}",
    ]
    if yearless_ok and d.year == ref.year:
        forms += [
            f"{d.month}/{d.day}{w}",
            f"{d.month}/{d.day}{w}",
            f"{d.month}月{d.day}日{wj}",
            f"{d.month}月{d.day}日{wj}",
            f"{d.month:02d}/{d.day:02d}{w}",
        ]
    return maybe_zen(r, r.choice(forms), 0.1)


def short_date(d: date) -> str:
    return f"{d.month}/{d.day}"


def fmt_time(r: random.Random, hour: int, *, span: bool = True) -> str:
    end = hour + 1
    pm = hour - 12 if hour > 12 else hour
    forms = [f"{hour}:00", f"{hour}時", f"{hour}時〜", f"{hour}:00〜"]
    if span:
        forms += [f"{hour}:00-{end}:00", f"{hour}:00〜{end}:00", f"{hour}時〜{end}時"]
    if hour >= 12:
        forms += [f"午後{pm}時", f"PM{pm}:00"]
    else:
        forms += [f"午前{hour}時"]
    return maybe_zen(r, r.choice(forms), 0.12)


def fmt_amount(r: random.Random, man: int) -> str:
    """An amount of 万円 written as reps write it."""
    yen = man * 10000
    forms = [f"{man}万円", f"{man}万", f"¥{yen:,}", f"{yen:,}円", f"￥{yen:,}"]
    if man >= 1000 and man % 1000 == 0:
        forms += [f"{man // 1000}千万円", f"{man // 1000}千万"]
    elif man >= 1000:
        forms += [f"{man:,}万円"]
    if man % 100 == 0 and man < 1000:
        forms += [f"{man // 100}百万円"]
    s = r.choice(forms)
    return zen(s) if r.random() < 0.1 else s


def month_label(d: date) -> str:
    return f"{d.month}月"


def add_months(d: date, n: int) -> date:
    m = d.month - 1 + n
    return date(d.year + m // 12, m % 12 + 1, 1)
