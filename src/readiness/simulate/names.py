"""Name banks for the synthetic world: companies, people, reps, competitors."""

from __future__ import annotations

from typing import Final

import numpy as np

INDUSTRIES: Final[tuple[str, ...]] = (
    "manufacturing",
    "it_services",
    "retail",
    "finance",
    "healthcare",
    "logistics",
    "construction",
    "professional_services",
)
INDUSTRY_SHARE: Final[tuple[float, ...]] = (
    0.22,
    0.18,
    0.12,
    0.08,
    0.08,
    0.1,
    0.1,
    0.12,
)
# How well the product fits each industry (logit scale); a business rule of the world.
INDUSTRY_FIT: Final[tuple[float, ...]] = (0.35, 0.5, -0.2, 0.1, -0.35, 0.2, -0.3, 0.0)
# Median employees per industry.
INDUSTRY_MEDIAN_EMPLOYEES: Final[tuple[float, ...]] = (
    220.0,
    120.0,
    160.0,
    300.0,
    180.0,
    140.0,
    110.0,
    60.0,
)

REGIONS: Final[tuple[str, ...]] = (
    "関東",
    "関西",
    "中部",
    "九州",
    "東北",
    "北海道",
    "中国・四国",
)
REGION_SHARE: Final[tuple[float, ...]] = (0.42, 0.2, 0.14, 0.09, 0.06, 0.04, 0.05)

LEAD_SOURCES: Final[tuple[str, ...]] = (
    "inquiry",
    "download",
    "seminar",
    "ad",
    "trade_show",
    "referral",
    "outbound",
)
SOURCE_SHARE: Final[tuple[float, ...]] = (0.1, 0.28, 0.18, 0.16, 0.1, 0.05, 0.13)

ROLES: Final[tuple[str, ...]] = ("decision_maker", "influencer", "staff")
ROLE_SHARE: Final[tuple[float, ...]] = (0.2, 0.45, 0.35)

_DEPARTMENTS: Final[tuple[str, ...]] = (
    "情報システム部",
    "経営企画部",
    "営業部",
    "総務部",
    "経理部",
    "DX推進室",
    "業務改革部",
    "管理本部",
)
TITLES_BY_ROLE: Final[dict[str, tuple[str, ...]]] = {
    "decision_maker": ("部長", "本部長", "取締役", "執行役員", "代表取締役"),
    "influencer": ("課長", "マネージャー", "室長", "グループリーダー"),
    "staff": ("主任", "担当", "係長", "リーダー"),
}

_NAME_STEMS: Final[tuple[str, ...]] = (
    "山田",
    "大和",
    "東海",
    "北斗",
    "青葉",
    "光陽",
    "富士",
    "桜井",
    "中央",
    "日進",
    "旭",
    "双葉",
    "明星",
    "若葉",
    "三つ葉",
    "丸山",
    "高橋",
    "新星",
    "港北",
    "瀬戸",
    "松本",
    "白鷺",
    "朝日",
    "平和",
    "昭和",
    "協和",
    "大同",
    "共栄",
    "千代田",
    "竹内",
    "エムケイ",
    "ネクスト",
    "アクシス",
    "サンライズ",
    "グローバル",
    "テクノ",
    "ユニオン",
    "フロンティア",
    "ライフ",
    "クレスト",
)
_SUFFIX_BY_INDUSTRY: Final[dict[str, tuple[str, ...]]] = {
    "manufacturing": ("製作所", "工業", "精機", "化学", "電機"),
    "it_services": ("システム", "ソフト", "テクノロジーズ", "情報サービス", "ネット"),
    "retail": ("商事", "ストア", "リテール", "物産"),
    "finance": ("ファイナンス", "信用金庫", "リース", "証券"),
    "healthcare": ("メディカル", "ヘルスケア", "薬品", "医療サービス"),
    "logistics": ("運輸", "ロジスティクス", "物流", "倉庫"),
    "construction": ("建設", "工務店", "住建", "設備"),
    "professional_services": ("コンサルティング", "総研", "会計事務所", "パートナーズ"),
}

SURNAMES: Final[tuple[str, ...]] = (
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
    "山田",
    "佐々木",
    "山口",
    "松本",
    "井上",
    "木村",
    "林",
    "斎藤",
    "清水",
    "山崎",
    "森",
    "池田",
    "橋本",
    "阿部",
    "石川",
    "前田",
    "藤田",
    "小川",
    "岡田",
)
GIVEN_NAMES: Final[tuple[str, ...]] = (
    "太郎",
    "健",
    "翔太",
    "大輔",
    "誠",
    "拓也",
    "直樹",
    "浩二",
    "花子",
    "美咲",
    "陽子",
    "彩",
    "恵",
    "由美",
    "優子",
    "真理",
    "和也",
    "亮",
    "智子",
    "裕子",
)

COMPETITORS: Final[tuple[str, ...]] = (
    "Aクラウド",
    "ベータワークス",
    "クラウドフロー",
    "SmartOps",
    "業務ナビ",
    "NexSuite",
    "オフィスコネクト",
    "WorkHub",
)


def company_names(industry_idx: np.ndarray, rng: np.random.Generator) -> list[str]:
    """Japanese company names; the legal form goes before or after the stem."""
    stems = rng.integers(0, len(_NAME_STEMS), size=len(industry_idx))
    suffix_pick = rng.random(len(industry_idx))
    prefix = rng.random(len(industry_idx)) < 0.6
    names: list[str] = []
    for k, ind in enumerate(industry_idx):
        suffixes = _SUFFIX_BY_INDUSTRY[INDUSTRIES[int(ind)]]
        body = _NAME_STEMS[stems[k]] + suffixes[int(suffix_pick[k] * len(suffixes))]
        names.append(f"株式会社{body}" if prefix[k] else f"{body}株式会社")
    return names


def person_names(n: int, rng: np.random.Generator) -> list[str]:
    sur = rng.integers(0, len(SURNAMES), size=n)
    giv = rng.integers(0, len(GIVEN_NAMES), size=n)
    return [f"{SURNAMES[a]} {GIVEN_NAMES[b]}" for a, b in zip(sur, giv, strict=True)]


def contact_titles(role_idx: np.ndarray, rng: np.random.Generator) -> list[str]:
    dept = rng.integers(0, len(_DEPARTMENTS), size=len(role_idx))
    pick = rng.random(len(role_idx))
    out: list[str] = []
    for k, r in enumerate(role_idx):
        titles = TITLES_BY_ROLE[ROLES[int(r)]]
        title = titles[int(pick[k] * len(titles))]
        out.append(
            title if title == "代表取締役" else f"{_DEPARTMENTS[dept[k]]} {title}"
        )
    return out
