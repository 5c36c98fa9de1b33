"""The hand-off memo's vocabulary: sections, fields and the information elements.

One place names every memo field, its Japanese and English labels, the template
section it sits in and the information element (of the articles' five, with BANT
split into its four letters) it belongs to. The simulator renders memos from it,
the parser reads them with it, the rubric scores by it and the API labels
missing elements with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

# filled: confirmed. vague = *partial*: informative but hedged or second-hand
# (「中堅規模（詳細未確認）」, 「来期以降？」). not_obtained: only a "not known" marker
# (未確認, 不明, TBD, −), nothing informative. empty: nothing written.
FieldStatus = Literal["filled", "vague", "not_obtained", "empty"]
FIELD_STATUSES: Final[tuple[FieldStatus, ...]] = (
    "filled",
    "vague",
    "not_obtained",
    "empty",
)
# Labels of the statuses for people (the API's reasons, the rubric's text).
STATUS_JA: Final[dict[str, str]] = {
    "filled": "記入済",
    "vague": "部分的",
    "not_obtained": "未取得",
    "empty": "未記入",
}
STATUS_EN: Final[dict[str, str]] = {
    "filled": "filled",
    "vague": "partial",
    "not_obtained": "not obtained",
    "empty": "empty",
}


@dataclass(frozen=True)
class Section:
    key: str
    ja: str
    en: str


@dataclass(frozen=True)
class Field:
    key: str
    section: str
    element: str
    ja: str
    en: str


@dataclass(frozen=True)
class Element:
    """An information element FS needs; the unit of 'what is missing'."""

    key: str
    ja: str
    en: str
    question_ja: str
    question_en: str


# Template order of domain.md; the heading text is what IS reps paste.
SECTIONS: Final[tuple[Section, ...]] = (
    Section("basics", "顧客基本情報", "Customer basics"),
    Section("history", "接点履歴", "Contact history"),
    Section("needs", "課題・ニーズ", "Problem and needs"),
    Section("bant", "BANT情報", "BANT"),
    Section("competition", "競合・検討状況", "Competition"),
    Section("meeting", "商談設定内容", "Agreed next action"),
    Section("notes", "特記事項・注意点", "Special notes"),
)

FIELDS: Final[tuple[Field, ...]] = (
    Field("company", "basics", "basics", "企業名", "Company"),
    Field("contact", "basics", "basics", "担当者名/役職", "Contact / title"),
    Field(
        "contact_info",
        "basics",
        "basics",
        "連絡先(電話・メール)",
        "Contact details (phone, e-mail)",
    ),
    Field(
        "company_size",
        "basics",
        "basics",
        "企業規模(従業員数・売上)",
        "Company size (employees, revenue)",
    ),
    Field("first_contact", "history", "history", "初回接点日", "First contact date"),
    Field("touch_count", "history", "history", "接点回数", "Number of touches"),
    Field(
        "touch_summary",
        "history",
        "history",
        "主な接点内容(概要)",
        "Main touches (summary)",
    ),
    Field("problem", "needs", "problem", "顧客が抱える課題", "Customer's problem"),
    Field("cause", "needs", "problem", "課題の背景・原因", "Background / cause"),
    Field(
        "desired_state",
        "needs",
        "problem",
        "解決後に期待する状態",
        "Desired state after solving",
    ),
    Field("budget", "bant", "budget", "Budget(予算)", "Budget"),
    Field(
        "authority",
        "bant",
        "authority",
        "Authority(決裁者・プロセス)",
        "Authority (decision maker, process)",
    ),
    Field("need", "bant", "need", "Need(緊急度・優先度)", "Need (urgency, priority)"),
    Field(
        "timeline",
        "bant",
        "timeline",
        "Timeline(検討・導入スケジュール)",
        "Timeline (evaluation, start)",
    ),
    Field(
        "competitors",
        "competition",
        "competition",
        "比較検討中の競合",
        "Competitors under comparison",
    ),
    Field(
        "impression",
        "competition",
        "competition",
        "自社への印象・懸念点",
        "Impression of us / concerns",
    ),
    Field(
        "meeting_datetime",
        "meeting",
        "next_action",
        "商談日時",
        "Meeting date and time",
    ),
    Field(
        "meeting_format",
        "meeting",
        "next_action",
        "商談形式(訪問・オンライン)",
        "Meeting format (visit, online)",
    ),
    Field(
        "attendees",
        "meeting",
        "next_action",
        "顧客側参加者",
        "Customer attendees",
    ),
    Field(
        "expected_content",
        "meeting",
        "next_action",
        "商談で期待される内容",
        "What they expect from the meeting",
    ),
    Field("notes", "notes", "notes", "特記事項・注意点", "Special notes"),
)

# The elements a toss-up is judged on. `history` and `notes` are context, not
# elements: the rubric does not score them and the world gives them no effect.
ELEMENTS: Final[tuple[Element, ...]] = (
    Element(
        "basics",
        "顧客基本情報",
        "Customer basics",
        "ご担当者様の役職と、会社の従業員規模を教えていただけますか？",
        "Could you tell me your role and the size of the company?",
    ),
    Element(
        "problem",
        "課題・ニーズ",
        "Problem and needs",
        "現在いちばん困っていることは何で、それはなぜ起きていますか？"
        "解決したらどんな状態になっていたいですか？",
        "What is the biggest problem today, why does it happen, and what should "
        "things look like once it is solved?",
    ),
    Element(
        "budget",
        "予算(Budget)",
        "Budget",
        "今回の取り組みに予算は確保されていますか？おおよその金額感も教えてください。",
        "Is budget set aside for this, and roughly how much?",
    ),
    Element(
        "authority",
        "決裁者・プロセス(Authority)",
        "Authority",
        "最終的にどなたが決裁され、どのような承認プロセスになりますか？",
        "Who makes the final decision, and what is the approval process?",
    ),
    Element(
        "need",
        "緊急度・優先度(Need)",
        "Need (urgency)",
        "この課題は社内でどのくらい優先度・緊急度が高いですか？",
        "How urgent and how high a priority is this problem internally?",
    ),
    Element(
        "timeline",
        "検討・導入スケジュール(Timeline)",
        "Timeline",
        "いつまでに検討を終え、いつ頃から利用を開始したいですか？",
        "By when do you want to decide, and when would you like to start?",
    ),
    Element(
        "competition",
        "競合・検討状況",
        "Competition",
        "他に比較されているサービスはありますか？当社との違いで気になる点は？",
        "Are you comparing other services? What differences matter to you?",
    ),
    Element(
        "next_action",
        "商談設定内容",
        "Agreed next action",
        "次回の打ち合わせの日時と、ご参加いただく方・お聞きになりたい内容を"
        "確認させてください。",
        "Can we confirm the date of the meeting, who will attend and what "
        "you would like to hear?",
    ),
)

ELEMENT_KEYS: Final[tuple[str, ...]] = tuple(e.key for e in ELEMENTS)
BANT_KEYS: Final[tuple[str, ...]] = ("budget", "authority", "need", "timeline")
FIELD_KEYS: Final[tuple[str, ...]] = tuple(f.key for f in FIELDS)
SECTION_KEYS: Final[tuple[str, ...]] = tuple(s.key for s in SECTIONS)

_FIELD_BY_KEY: Final[dict[str, Field]] = {f.key: f for f in FIELDS}
_ELEMENT_BY_KEY: Final[dict[str, Element]] = {e.key: e for e in ELEMENTS}
_SECTION_BY_KEY: Final[dict[str, Section]] = {s.key: s for s in SECTIONS}


def field(key: str) -> Field:
    return _FIELD_BY_KEY[key]


def element(key: str) -> Element:
    return _ELEMENT_BY_KEY[key]


def section(key: str) -> Section:
    return _SECTION_BY_KEY[key]


def fields_of_section(section_key: str) -> tuple[Field, ...]:
    return tuple(f for f in FIELDS if f.section == section_key)


def fields_of_element(element_key: str) -> tuple[Field, ...]:
    return tuple(f for f in FIELDS if f.element == element_key)
