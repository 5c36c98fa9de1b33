"""The facts of one random lead, and how a rep writes dates, amounts and people.

Everything a memo may state about a lead is drawn here once, as data; the habits
decide how (and whether) to write it. Written from the domain (docs/domain) and
ordinary Japanese business writing, not from the project's simulator.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

STEMS = (
    "北斗精機",
    "山科物流",
    "みなと食品",
    "東邦テクノ",
    "青葉建設",
    "丸和商事",
    "桜井製作所",
    "中央メディカル",
    "ひかり電設",
    "浜松プラスチック",
    "大和ロジテック",
    "白鷺ホールディングス",
    "信州フーズ",
    "トーワ化成",
    "日向システム",
    "関西ビルサービス",
    "アサヒ工業",
    "にじいろ保育",
    "瀬戸内マリン",
    "KOBEソリューションズ",
    "三国印刷",
    "新光エンジニアリング",
    "富士見不動産",
    "ミドリ薬品",
    "オリオン通商",
    "港北自動車",
)
SURNAMES = (
    "佐藤",
    "鈴木",
    "高橋",
    "田中",
    "伊藤",
    "渡辺",
    "山本",
    "中村",
    "小林",
    "加藤",
    "吉田",
    "山口",
    "松本",
    "井上",
    "木村",
    "清水",
    "森",
    "池田",
    "橋本",
    "石川",
    "前田",
    "藤田",
    "岡本",
    "長谷川",
    "村上",
    "近藤",
    "坂本",
    "遠藤",
    "青木",
    "西村",
)
GIVEN = ("健一", "美咲", "大輔", "由美", "翔太", "直子", "誠", "彩", "拓也", "恵")
TITLES = (
    ("情報システム部", "部長"),
    ("総務部", "課長"),
    ("人事部", "マネージャー"),
    ("経営企画室", "室長"),
    ("営業部", "部長"),
    ("管理本部", "本部長"),
    ("経理部", "主任"),
    ("業務改革推進室", "リーダー"),
    ("DX推進部", "係長"),
    ("製造部", "課長"),
)
BOSSES = ("社長", "専務", "常務", "取締役", "本部長", "部長", "CIO", "事業部長")
RIVALS = (
    "A社",
    "B社",
    "C社",
    "X社",
    "ジョブカン",
    "freee",
    "マネーフォワード",
    "kintone",
    "Salesforce",
    "HubSpot",
    "サイボウズ",
    "楽楽精算",
    "SmartHR",
    "Zendesk",
    "現行ベンダー",
)
FORMATS_ONLINE = ("オンライン（Teams）", "オンライン（Zoom）", "Web会議（Google Meet）")
CHANNELS = (
    "資料DL",
    "問い合わせフォーム",
    "ウェビナー参加",
    "展示会で名刺交換",
    "紹介",
)

# One of our products' domains per lead: (topic, problem, cause, goal).
DOMAINS = (
    (
        "勤怠管理",
        "紙のタイムカードを月末にExcelへ手入力しており、集計に毎月{h}時間かかっている",
        "拠点が{k}か所に増え、打刻のやり方が拠点ごとにバラバラ",
        "締め作業を{d}営業日短縮し、残業時間をリアルタイムで把握したい",
    ),
    (
        "経費精算",
        "経費精算の差し戻しが月{n}件以上あり、経理の確認作業が回っていない",
        "紙の領収書と押印ベースの承認フローのまま",
        "電子帳簿保存法に対応しつつ、申請から支払いまでを{d}日以内にしたい",
    ),
    (
        "在庫管理",
        "倉庫ごとの在庫数がシステムと合わず、欠品が月{k}回ほど発生している",
        "各倉庫がExcelで別々に管理しており、入出庫の反映が翌日になる",
        "全拠点の在庫をリアルタイムで一元管理し、欠品をゼロにしたい",
    ),
    (
        "営業管理",
        "案件情報が営業個人のExcelに散らばり、受注見込みが読めない",
        "営業が{k}名から{n}名に増えて属人化が進んだ",
        "パイプラインを週次の会議で見える化し、予実の精度を上げたい",
    ),
    (
        "問い合わせ対応",
        "問い合わせがメール中心で、月{n}件のうち対応漏れが出ている",
        "担当{k}名が他業務と兼務で回している",
        "一次回答を24時間以内にし、対応履歴を全員で共有したい",
    ),
)
WEEKDAYS = "月火水木金土日"
MAILS = ("sato", "ito", "mori", "abe", "ueda")


@dataclass(frozen=True)
class Lead:
    """What is true about one lead; the memo states a part of it."""

    company: str  # as the rep writes it (with or without 株式会社)
    company_stem: str
    surname: str
    given: str
    dept: str
    title: str
    phone: str
    mail: str
    employees: int
    revenue_oku: int  # 億円
    first_contact: date
    channel: str
    touches: int
    topic: str
    problem: str
    cause: str
    goal: str
    budget_man: int  # 万円
    boss: str
    boss_name: str
    urgency: str  # 高 / 中 / 低
    decide_month: int
    start_month: int
    rivals: tuple[str, ...]
    written: date  # the day the memo is written (the toss-up day)
    meeting: datetime
    online: bool
    attendees: tuple[tuple[str, str], ...]  # (title, surname)


def draw_lead(rng: random.Random) -> Lead:
    stem = rng.choice(STEMS)
    company = rng.choice(
        (f"株式会社{stem}", f"{stem}株式会社", f"（株）{stem}", f"{stem}(株)", stem)
    )
    surname = rng.choice(SURNAMES)
    dept, title = rng.choice(TITLES)
    written = date(2025, 1, 6) + timedelta(days=rng.randrange(0, 420))
    meet_day = written + timedelta(days=rng.randrange(3, 22))
    if meet_day.month == 1 and meet_day.day <= 3:  # no meetings over New Year
        meet_day = meet_day.replace(day=6)
    while meet_day.weekday() >= 5:
        meet_day += timedelta(days=1)
    meeting = datetime(
        meet_day.year,
        meet_day.month,
        meet_day.day,
        rng.choice((10, 11, 13, 14, 15, 16)),
    ).replace(minute=rng.choice((0, 0, 0, 30)))
    topic, problem, cause, goal = rng.choice(DOMAINS)
    nums = {
        "h": rng.choice((20, 30, 40, 60)),
        "k": rng.choice((2, 3, 4, 5, 8)),
        "n": rng.choice((30, 50, 100, 200)),
        "d": rng.choice((2, 3, 5)),
    }
    others = [s for s in SURNAMES if s != surname]
    n_att = rng.choice((1, 2, 2, 3))
    attendees = tuple(
        (rng.choice(("部長", "課長", "担当", "主任", "役員")), rng.choice(others))
        for _ in range(n_att - 1)
    )
    lead = Lead(
        company=company,
        company_stem=stem,
        surname=surname,
        given=rng.choice(GIVEN),
        dept=dept,
        title=title,
        phone="-".join(
            (
                f"0{rng.randrange(3, 99)}",
                str(rng.randrange(100, 9999)),
                str(rng.randrange(1000, 9999)),
            )
        ),
        mail=f"{rng.choice('kmtys')}.{rng.choice(MAILS)}@example.co.jp",
        employees=rng.choice((45, 80, 120, 250, 300, 480, 800, 1200, 3000)),
        revenue_oku=0,  # set below from the headcount
        first_contact=written - timedelta(days=rng.randrange(7, 120)),
        channel=rng.choice(CHANNELS),
        touches=rng.randrange(2, 8),
        topic=topic,
        problem=problem.format(**nums),
        cause=cause.format(**nums),
        goal=goal.format(**nums),
        budget_man=rng.choice((50, 120, 200, 300, 450, 500, 800, 1000, 1500)),
        boss=rng.choice(BOSSES),
        boss_name=rng.choice(others),
        urgency=rng.choice(("高", "高", "中", "低")),
        decide_month=(meet_day.month % 12) + 1,
        start_month=((meet_day.month + 2) % 12) + 1,
        rivals=tuple(rng.sample(RIVALS, rng.choice((1, 1, 2)))),
        written=written,
        meeting=meeting,
        online=rng.random() < 0.55,
        attendees=((title, surname), *attendees),
    )
    # revenue follows headcount: 0.1 to 0.5 億円 a head, at least 3 億円
    per_head = rng.choice((0.1, 0.2, 0.3, 0.5))
    return replace(lead, revenue_oku=max(3, round(lead.employees * per_head)))


def era(d: date) -> str:
    """A Gregorian year as the Reiwa era writes it (令和元年 = 2019)."""
    n = d.year - 2018
    return f"令和{'元' if n == 1 else n}年"


def write_date(d: date, rng: random.Random, *, year: bool = False) -> str:
    """A date as reps write it: slashes, kanji, the era, with or without the weekday."""
    wd = f"({WEEKDAYS[d.weekday()]})" if rng.random() < 0.6 else ""
    forms = [f"{d.month}/{d.day}{wd}", f"{d.month}月{d.day}日{wd}"]
    if year or rng.random() < 0.3:
        forms = [
            f"{d.year}/{d.month:02d}/{d.day:02d}{wd}",
            f"{d.year}年{d.month}月{d.day}日{wd}",
            f"{era(d)}{d.month}月{d.day}日{wd}",
            f"R{d.year - 2018}.{d.month}.{d.day}{wd}",
        ]
    return rng.choice(forms)


def write_time(t: datetime, rng: random.Random) -> str:
    m = f"{t.minute:02d}"
    pm = t.hour - 12 if t.hour > 12 else t.hour
    forms = [
        f"{t.hour}:{m}",
        f"{t.hour}:{m}〜",
        f"{t.hour}時" if t.minute == 0 else f"{t.hour}時半",
    ]
    if t.hour >= 12:
        forms.append(f"午後{pm}時" if t.minute == 0 else f"午後{pm}時半")
    else:
        forms.append(f"午前{t.hour}時" if t.minute == 0 else f"午前{t.hour}時半")
    return rng.choice(forms)


def write_amount(man: int, rng: random.Random) -> str:
    if man >= 1000 and man % 1000 == 0 and rng.random() < 0.5:
        return f"{man // 1000}千万円"
    return rng.choice(
        (
            f"{man}万円",
            f"{man}万",
            f"{man:,}万円",
            f"{man * 10000:,}円",
            f"¥{man * 10000:,}",
        )
    )
