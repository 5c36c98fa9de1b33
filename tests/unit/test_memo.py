"""The memo parser reads the articles' template, its drifted forms, free text and
JSON into typed fields and values, and never raises on anything."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readiness.fields import FIELD_KEYS, FIELD_STATUSES, FIELDS, SECTIONS
from readiness.memo.collect import MAX_CHARS
from readiness.memo.customer import (
    employees,
    problem_signals,
    revenue_millions,
    touch_count,
    urgency,
)
from readiness.memo.dates import find_date, meeting_datetime, past_date, timeline
from readiness.memo.labels import first_char_gate
from readiness.memo.labels import nfkc as fast_nfkc
from readiness.memo.parse import Memo, parse_memo
from readiness.memo.values import (
    attendees,
    budget_secured,
    competitors,
    decision_maker,
    differences_asked,
    meeting_format,
    parse_money,
)

GOLDEN = Path(__file__).parent / "golden"
EXPECTED: dict[str, Any] = yaml.safe_load(
    (GOLDEN / "expectations.yaml").read_text(encoding="utf-8")
)
REF: date = EXPECTED["reference_date"]
VALUE_KEYS = (
    "budget_amount_jpy",
    "budget_low_jpy",
    "budget_high_jpy",
    "budget_secured",
    "meeting_at",
    "meeting_date",
    "meeting_format",
    "meeting_agreed",
    "attendee_count",
    "attendee_titles",
    "competitor_names",
    "no_competitor",
    "differences_asked",
    "urgency",
    "decision_maker",
    "timeline_date",
    "start_in_months",
    "touch_count",
    "first_contact",
    "employees",
    "annual_revenue_m",
)

INTERNAL_ERROR = "could not be read"


def golden_bytes(name: str) -> bytes:
    """A golden memo as the parser gets it (CRLF and padding applied by the spec)."""
    spec = EXPECTED["memos"][name]
    data = (GOLDEN / name).read_bytes()
    if spec.get("crlf"):
        data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    if pad := spec.get("pad_to_bytes"):
        line = "・2026/10/01 架電。先方不在のため折り返し依頼。資料送付の要望あり。\n"
        chunk = line.encode("utf-8")
        data += chunk * (pad // len(chunk) + 1)
    return data


def template(values: dict[str, str]) -> str:
    """The domain.md template with the given values (field key → text)."""
    lines: list[str] = []
    for section in SECTIONS:
        lines.append(f"【{section.ja}】")
        for f in FIELDS:
            if f.section == section.key and f.key != "notes":
                lines.append(f"・{f.ja}：{values.get(f.key, '')}")
        if section.key == "notes":
            lines.append(f"・{values.get('notes', '')}")
    return "\n".join(lines)


CONCRETE: dict[str, str] = {
    "company": "株式会社山田製作所",
    "contact": "田中 一郎 / 情報システム部 部長",
    "contact_info": "03-1234-5678 / tanaka@yamada-ss.example.jp",
    "company_size": "従業員450名・売上120億円",
    "first_contact": "2026/9/12",
    "touch_count": "4回",
    "touch_summary": "資料DL→ウェビナー参加→オンラインヒアリング2回",
    "problem": "請求書処理を経理5名がExcelと紙で行い、月200時間の残業が発生",
    "cause": "取引先が3年で1.5倍に増えたため手入力が追いつかない",
    "desired_state": "請求書処理の工数を半減したい",
    "budget": "300〜500万円（今期予算で確保済み）",
    "authority": "山田社長が最終決裁。部長起案→経営会議で稟議",
    "need": "高（インボイス対応のため今期中に必須）",
    "timeline": "12月中に選定、2027年4月稼働希望",
    "competitors": "楽楽精算、マネーフォワード クラウド経費",
    "impression": "UIは好評。他社との違いを詳しく知りたいとのこと",
    "meeting_datetime": "11月5日(木) 14:00〜15:00",
    "meeting_format": "訪問（本社会議室）",
    "attendees": "3名（情報システム部長、経理課長、担当者）",
    "expected_content": "勘定奉行連携のデモ、費用感",
    "notes": "社長は数字重視。ROI試算を持参のこと",
}


def nfkc(text: str) -> str:
    """Extractors take NFKC-normalised text, as the parser hands it to them."""
    return unicodedata.normalize("NFKC", text)


def memo_signature(memo: Memo) -> dict[str, Any]:
    """What must not change when only the memo's layout changes."""
    d = memo.to_dict()
    return {
        "statuses": {k: f.status for k, f in memo.fields.items()},
        **{k: d[k] for k in VALUE_KEYS},
    }


# --- golden memos -------------------------------------------------------------------


def test_the_golden_set_has_at_least_30_memos_each_with_expectations() -> None:
    files = {p.name for p in GOLDEN.iterdir() if p.name != "expectations.yaml"}
    assert files == set(EXPECTED["memos"])
    assert len(files) >= 30


@pytest.mark.parametrize("name", sorted(EXPECTED["memos"]))
def test_a_golden_memo_parses_to_its_expected_statuses_and_values(name: str) -> None:
    spec = EXPECTED["memos"][name]
    memo = parse_memo(golden_bytes(name), reference_date=REF)

    assert memo.format == spec["format"]
    assert set(memo.fields) == set(FIELD_KEYS)
    expected = {k: "empty" for k in FIELD_KEYS}
    expected |= dict.fromkeys(spec["filled"], "filled")
    expected |= dict.fromkeys(spec["vague"], "vague")
    expected |= dict.fromkeys(spec.get("not_obtained", ()), "not_obtained")
    assert {k: f.status for k, f in memo.fields.items()} == expected
    got = memo.to_dict()
    for key in VALUE_KEYS:
        want = spec["values"].get(key)
        if want is None:
            assert got[key] in (None, [], False), key
        else:
            assert got[key] == want, key
    assert len(memo.warnings) == spec.get("warnings", 0)
    assert not any(INTERNAL_ERROR in w for w in memo.warnings)


def test_a_memo_of_more_than_a_megabyte_parses_in_well_under_a_few_seconds() -> None:
    data = golden_bytes("27_huge_notes.txt")
    assert len(data) > 1_000_000
    started = datetime.now()
    memo = parse_memo(data, reference_date=REF)
    assert (datetime.now() - started).total_seconds() < 3
    assert memo.status("budget") == "filled"
    assert any("only the first" in w for w in memo.warnings)


def test_cp932_bytes_read_the_same_as_the_same_text_in_utf8() -> None:
    raw = (GOLDEN / "28_cp932.txt").read_bytes()
    text = raw.decode("cp932")
    assert memo_signature(parse_memo(raw, reference_date=REF)) == memo_signature(
        parse_memo(text.encode("utf-8"), reference_date=REF)
    )


# --- drift: the same content in another layout reads the same ---------------------

CANONICAL = template(CONCRETE)

HEADING_STYLES = {
    "square": lambda ja, en: f"■{ja}",
    "brackets": lambda ja, en: f"[{ja}]",
    "angle_fullwidth": lambda ja, en: f"＜{ja}＞",
    "markdown": lambda ja, en: f"## {ja}",
    "bare": lambda ja, en: ja,
    "english": lambda ja, en: en,
    "english_markdown": lambda ja, en: f"### {en}",
}


@pytest.mark.parametrize("style", sorted(HEADING_STYLES))
def test_heading_style_does_not_change_what_is_read(style: str) -> None:
    make = HEADING_STYLES[style]
    text = CANONICAL
    for s in SECTIONS:
        text = text.replace(f"【{s.ja}】", make(s.ja, s.en))
    assert memo_signature(parse_memo(text, reference_date=REF)) == memo_signature(
        parse_memo(CANONICAL, reference_date=REF)
    )


@pytest.mark.parametrize("bullet", ["•", "-", "*", "‐", "●", "", "  - ", "1. "])
@pytest.mark.parametrize("colon", [":", "：", " : ", "\t"])
def test_bullets_and_colons_do_not_change_what_is_read(bullet: str, colon: str) -> None:
    text = re.sub(
        r"^・(.+?)：", lambda m: f"{bullet}{m.group(1)}{colon}", CANONICAL, flags=re.M
    )
    assert memo_signature(parse_memo(text, reference_date=REF)) == memo_signature(
        parse_memo(CANONICAL, reference_date=REF)
    )


def test_english_labels_read_like_the_japanese_ones() -> None:
    text = CANONICAL
    for f in FIELDS:
        text = text.replace(f"・{f.ja}：", f"- {f.en}: ")
    assert memo_signature(parse_memo(text, reference_date=REF)) == memo_signature(
        parse_memo(CANONICAL, reference_date=REF)
    )


def test_reordering_sections_does_not_change_what_is_read() -> None:
    blocks = re.split(r"(?=^【)", CANONICAL, flags=re.M)
    text = "\n".join(reversed([b.strip() for b in blocks if b.strip()]))
    assert memo_signature(parse_memo(text, reference_date=REF)) == memo_signature(
        parse_memo(CANONICAL, reference_date=REF)
    )


@pytest.mark.parametrize(
    "transform",
    [
        lambda t: t.replace("\n", "\r\n"),
        lambda t: t.replace("\n", "<br>"),
        lambda t: t.replace("\n", "<br />\n"),
        lambda t: "\ufeff" + t,
        lambda t: t.translate(str.maketrans("0123456789:", "０１２３４５６７８９：")),
    ],
    ids=["crlf", "br", "br_newline", "bom", "fullwidth_digits"],
)
def test_encoding_level_drift_does_not_change_what_is_read(transform: Any) -> None:
    assert memo_signature(parse_memo(transform(CANONICAL), reference_date=REF)) == (
        memo_signature(parse_memo(CANONICAL, reference_date=REF))
    )


def test_renaming_the_company_changes_only_the_company_text() -> None:
    other = CANONICAL.replace("株式会社山田製作所", "青葉物流株式会社")
    a = parse_memo(CANONICAL, reference_date=REF)
    b = parse_memo(other, reference_date=REF)
    assert memo_signature(a) == memo_signature(b)
    assert b.text("company") == "青葉物流株式会社"


def test_the_same_memo_as_json_reads_like_the_template() -> None:
    by_label = {
        next(s.ja for s in SECTIONS if s.key == section): {
            f.ja: CONCRETE[f.key] for f in FIELDS if f.section == section
        }
        for section in dict.fromkeys(f.section for f in FIELDS)
    }
    from_template = memo_signature(parse_memo(CANONICAL, reference_date=REF))
    for source in (
        by_label,
        json.dumps(by_label, ensure_ascii=False),
        json.dumps(CONCRETE, ensure_ascii=False).encode("utf-8"),
        {f.en: CONCRETE[f.key] for f in FIELDS},
    ):
        memo = parse_memo(source, reference_date=REF)
        assert memo.format == "json"
        assert memo_signature(memo) == from_template


# --- field status ---------------------------------------------------------------


def status_of(key: str, value: str) -> str:
    label = next(f.ja for f in FIELDS if f.key == key)
    return parse_memo(f"・{label}：{value}", reference_date=REF).status(key)


@pytest.mark.parametrize(
    "value",
    [
        "未確認",
        "不明",
        "確認中",
        "検討中",
        "調整中",
        "未定",
        "TBD",
        "tbc",
        "N/A",
        "-",
        "ー",
        "−",
        "―",
        "？",
        "?",
        "「これから」",
        "予算はこれから",
        "後日確認",
        "ヒアリング予定",
        "予算感はヒアリング予定",
    ],
)
def test_a_not_known_marker_alone_makes_the_value_not_obtained(value: str) -> None:
    assert status_of("budget", value) == "not_obtained"


@pytest.mark.parametrize(
    "value",
    ["数百万円規模？（未確認）", "担当者レベルでは不明", "補助金の採択次第（未定）"],
)
def test_a_marker_beside_something_informative_makes_the_value_partial(
    value: str,
) -> None:
    assert status_of("budget", value) == "vague"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("budget", "予算なし（確認済）"),
        ("competitors", "競合なし"),
        ("competitors", "他社比較なし"),
        ("competitors", "kintoneとサイボウズを比較検討中で、来月中に1社に絞る予定"),
        ("timeline", "2027年4月稼働（現在は製品選定を検討中）"),
        ("budget", "300万円"),
        ("need", "高"),
        ("problem", "業務を効率化したい"),
    ],
)
def test_confirmed_information_is_filled_even_when_it_says_none(
    key: str, value: str
) -> None:
    assert status_of(key, value) == "filled"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("meeting_datetime", "11月上旬で調整中"),
        ("meeting_datetime", "候補日を提示済み、調整中"),
        ("timeline", "時期未定（情報収集段階）"),
        ("authority", "担当者レベル。決裁者は不明"),
        ("cause", "背景には色々ありそう"),
        ("need", "ニーズはありそう（緊急度未確認）"),
        ("competitors", "他社資料も取り寄せている模様（社名不明）"),
        ("contact_info", "代表番号のみ（直通不明）"),
        ("contact", "情報システム部の方（氏名・役職不明）"),
        ("authority", "担当者レベルでは不明"),
    ],
)
def test_a_value_that_is_mainly_unknown_is_vague(key: str, value: str) -> None:
    assert status_of(key, value) == "vague"  # partial: it tells something


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("meeting_format", "オンラインか訪問か調整中"),
        ("meeting_datetime", "先方の返信待ち（日程未定）"),
    ],
)
def test_a_value_of_pending_markers_only_is_not_obtained(key: str, value: str) -> None:
    assert status_of(key, value) == "not_obtained"


@pytest.mark.parametrize("value", ["", "   ", "　"])
def test_a_blank_value_after_the_colon_is_empty_but_present(value: str) -> None:
    memo = parse_memo(f"・Budget(予算)：{value}\n・Need(緊急度・優先度)：高")
    assert memo.status("budget") == "empty"
    assert memo.fields["budget"].present
    assert not memo.fields["timeline"].present


# --- free text -------------------------------------------------------------------


def test_free_text_under_needs_fills_problem_and_its_cause_and_desired_state() -> None:
    memo = parse_memo(
        "【課題・ニーズ】\n"
        "請求書を紙で回しているため、承認に平均7日かかる。"
        "ワークフローを電子化して2日以内にしたい。"
    )
    assert memo.status("problem") == "filled"
    assert "承認に平均7日" in memo.text("problem")
    assert memo.text("cause").startswith("請求書を紙で回しているため")
    assert "2日以内にしたい" in memo.text("desired_state")


def test_free_text_under_competition_goes_to_competitors_and_names_them() -> None:
    memo = parse_memo("■競合\nkintoneと比較中。kintoneとの違いを聞かれた。")
    assert memo.competitor_names == ("kintone",)
    assert memo.differences_asked


def test_a_freeform_sentence_holding_two_facts_gives_each_field_its_clause() -> None:
    memo = parse_memo("予算は未定ですが、決裁は加藤部長とのこと。")
    assert memo.format == "freeform"
    assert memo.status("budget") == "not_obtained"
    assert memo.status("authority") == "filled"
    assert memo.decision_maker == "加藤部長"


def test_greetings_around_a_memo_are_not_notes() -> None:
    memo = parse_memo(
        "お疲れ様です。以下、引き継ぎ内容です。\n【BANT情報】\n・予算：300万円"
    )
    assert memo.status("notes") == "empty"
    assert memo.budget_amount_jpy == 3_000_000


def test_a_greeting_line_above_the_first_heading_is_not_a_note() -> None:
    memo = parse_memo(
        "トスアップ1件、よろしくお願いします。\n\n【特記事項・注意点】\n・"
    )
    assert memo.status("notes") == "empty"


@pytest.mark.parametrize(
    ("heading", "section_field"),
    [
        ("【これまでの接点】", "touch_count"),
        ("【ニーズ・課題】", "problem"),
        ("【BANT確認状況】", "budget"),
        ("【アポ内容】", "meeting_datetime"),
    ],
)
def test_the_simulators_short_headings_open_their_section(
    heading: str, section_field: str
) -> None:
    label = {
        "touch_count": "回数",
        "problem": "課題",
        "budget": "予算",
        "meeting_datetime": "日時",
    }[section_field]
    memo = parse_memo(f"{heading}\n・{label}：3")
    assert memo.status(section_field) == "filled"
    assert not memo.warnings


@pytest.mark.parametrize(
    ("heading", "label", "key"),
    [
        ("【接点履歴】", "接点数", "touch_count"),
        ("【課題・ニーズ】", "導入後のイメージ", "desired_state"),
        ("【BANT情報】", "ニーズ・緊急度", "need"),
        ("【商談設定内容】", "訪問/オンライン", "meeting_format"),
        ("【商談設定内容】", "商談の目的", "expected_content"),
        ("【顧客基本情報】", "肩書", "contact"),
    ],
)
def test_the_simulators_short_labels_name_their_field(
    heading: str, label: str, key: str
) -> None:
    memo = parse_memo(f"{heading}\n・{label}：値あり")
    assert memo.status(key) == "filled"
    assert [k for k, f in memo.fields.items() if f.status != "empty"] == [key]


def test_a_needs_paragraph_judges_each_field_by_the_sentences_that_name_it() -> None:
    memo = parse_memo(
        "【課題・ニーズ】\n手作業が多く、業務を効率化したい。人手不足も背景にありそう。"
        "ゴールはこれから確認。"
    )
    # a generic problem is filled; the vague cause and goal do not make it vague
    assert memo.status("problem") == "filled"
    assert memo.status("cause") == "vague"  # 「背景にありそう」: a hedge
    assert memo.status("desired_state") == "not_obtained"  # 「これから確認」
    # a guessed cause is no concreteness signal
    assert memo.problem_signals.causes == 0


def test_a_competition_paragraph_names_competitors_and_keeps_concerns_apart() -> None:
    memo = parse_memo(
        "【競合・検討状況】\nWorkHub、ベータワークスと比較中。導入事例に関心が高い。"
        "アクセス権限とログ管理を気にされている。"
        "「WorkHubと何が違うのか（セキュリティ対策）」との質問あり。"
    )
    assert memo.competitor_names == ("WorkHub", "ベータワークス")
    assert memo.status("impression") == "filled"
    assert "気にされている" in memo.text("impression")
    assert memo.differences_asked


def test_a_meeting_paragraph_reads_date_time_format_and_a_continued_clause() -> None:
    memo = parse_memo(
        "【商談設定内容】\n2025-09-29 16:00-17:00、Visitで実施。先方参加者は2名。",
        reference_date=date(2025, 9, 1),
    )
    assert memo.meeting_at == datetime(2025, 9, 29, 16, 0)
    assert memo.meeting_format == "visit"
    assert memo.attendee_count == 2
    vague = parse_memo("【商談設定内容】\n候補日を提示済み、調整中。形式は未定。")
    assert vague.status("meeting_datetime") == "vague"
    assert vague.text("meeting_datetime") == "候補日を提示済み、調整中"


# --- value extractors ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("300万円", 3e6, 3e6),
        ("約1,000万円", 1e7, 1e7),
        ("1000万円前後", 1e7, 1e7),
        ("1.5億円", 1.5e8, 1.5e8),
        ("1億5000万円", 1.5e8, 1.5e8),
        ("3,000,000円", 3e6, 3e6),
        ("300〜500万円", 3e6, 5e6),
        ("300万〜500万円", 3e6, 5e6),
        ("300-500万", 3e6, 5e6),
        ("予算は500万円以内", 5e6, 5e6),
        ("月額5万円", 6e5, 6e5),
        ("5万円/月", 6e5, 6e5),
        ("月々3万〜5万円", 3.6e5, 6e5),
        ("来月 300万円", 3e6, 3e6),
        ("5,000百万円", 5e9, 5e9),
    ],
)
def test_money_is_read_in_yen_with_ranges_kept(
    text: str, low: float, high: float
) -> None:
    money = parse_money(nfkc(text))
    assert money is not None
    assert (money.low, money.high) == (low, high)
    assert money.amount == (low + high) / 2


@pytest.mark.parametrize(
    "text", ["月10万件の請求書", "従業員300名", "未定", "2027年4月"]
)
def test_volumes_and_dates_are_not_money(text: str) -> None:
    assert parse_money(nfkc(text)) is None


def test_a_plain_number_counts_as_yen_only_when_asked_and_large() -> None:
    assert parse_money("3000000", bare_yen=True) is not None
    assert parse_money("3000000") is None
    assert parse_money("300", bare_yen=True) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("確保済み", True),
        ("予算あり", True),
        ("今期予算で確保している", True),
        ("来期予算で確保済み", True),
        ("予算なし", False),
        ("予算なし（確認済）", False),
        ("未確保", False),
        ("予算確保できていない", False),
        ("来期予算化", False),
        ("予算はあるが未確保", False),
        ("予算未定", None),
        ("300万円", None),
        ("予算枠なし（確認済）", False),
        ("今期の予算枠なし（確認済）。来期に500万円で予算申請する方針", False),
        ("現時点で予算化されていないことを確認", False),
    ],
)
def test_budget_secured_reads_confirmed_and_negated_budgets(
    text: str, expected: bool | None
) -> None:
    assert budget_secured(nfkc(text)) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026/11/3 14:00", datetime(2026, 11, 3, 14, 0)),
        ("2026-11-03 9:30", datetime(2026, 11, 3, 9, 30)),
        ("2026年11月3日 10時", datetime(2026, 11, 3, 10, 0)),
        ("11月3日(火) 14時", datetime(2026, 11, 3, 14, 0)),
        ("11/3 午後3時半", datetime(2026, 11, 3, 15, 30)),
        ("来週水曜 15:00", datetime(2026, 10, 28, 15, 0)),
        ("今週金曜 10:00", datetime(2026, 10, 23, 10, 0)),
        ("再来週の月曜 11:00", datetime(2026, 11, 2, 11, 0)),
        ("明日 16:00", datetime(2026, 10, 21, 16, 0)),
        ("1/15 10:00", datetime(2027, 1, 15, 10, 0)),
        ("Nov 3, 2026 3pm", datetime(2026, 11, 3, 15, 0)),
        ("next Wednesday 10:00", datetime(2026, 10, 28, 10, 0)),
    ],
)
def test_meeting_dates_resolve_to_the_next_occurrence_after_the_toss_up(
    text: str, expected: datetime
) -> None:
    hit, clock = meeting_datetime(nfkc(text), REF)  # REF is Tuesday 2026-10-20
    assert hit is not None and hit.value is not None and clock is not None
    assert datetime.combine(hit.value, clock) == expected


def test_a_date_without_a_year_and_no_reference_is_found_but_not_resolved() -> None:
    hit = find_date("11月3日(火)", None)
    assert hit is not None and hit.value is None
    memo = parse_memo("・商談日時：11月3日(火) 14:00")
    assert memo.meeting_has_date and memo.meeting_date is None
    assert any("reference_date" in w for w in memo.warnings)


def test_an_impossible_date_is_not_a_date() -> None:
    hit = find_date("2026/2/30", REF)
    assert hit is not None and hit.value is None


def test_first_contact_is_the_last_such_day_before_the_toss_up() -> None:
    assert past_date("12/1", REF) == date(2025, 12, 1)
    assert past_date("2026/9/12", REF) == date(2026, 9, 12)


@pytest.mark.parametrize(
    ("text", "day", "months"),
    [
        ("2027年4月稼働", date(2027, 4, 1), 5.4),
        ("12月中に選定、2027年4月稼働希望", date(2027, 4, 1), 5.4),
        ("3ヶ月以内に導入したい", None, 3.0),
        ("半年後", None, 6.0),
        ("年内", date(2026, 12, 1), 1.4),
        ("来月から使いたい", date(2026, 11, 1), 0.4),
        ("来期", date(2027, 4, 1), 5.4),
        ("2027年度上期", date(2027, 4, 1), 5.4),
        ("2027年春", date(2027, 4, 1), 5.4),
        ("go-live April 2027", date(2027, 4, 1), 5.4),
        ("未定", None, None),
    ],
)
def test_timeline_gives_the_start_and_months_from_the_toss_up(
    text: str, day: date | None, months: float | None
) -> None:
    assert timeline(nfkc(text), REF) == (day, months)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("訪問", "visit"),
        ("本社にて対面", "visit"),
        ("来社", "visit"),
        ("オンライン（Teams）", "online"),
        ("Zoom", "online"),
        ("Web会議", "online"),
        ("未定", None),
        ("Visitで実施", "visit"),
        ("Google Meet", "online"),
        ("オンラインか訪問か調整中", None),
        ("訪問/オンライン未定", None),
    ],
)
def test_meeting_format_is_visit_or_online(text: str, expected: str | None) -> None:
    assert meeting_format(nfkc(text)) == expected


@pytest.mark.parametrize(
    ("text", "count", "titles"),
    [
        (
            "3名（情報システム部長、経理課長、担当者）",
            3,
            ("情報システム部長", "経理課長", "担当者"),
        ),
        ("部長・課長の2名", 2, ("部長", "課長")),
        ("田中部長、佐藤課長", 2, ("田中部長", "佐藤課長")),
        ("園長、主任保育士", 2, ("園長",)),
        ("2 people (Head of Sales, IT manager)", 2, ("IT manager",)),
        ("未定", None, ()),
        ("ー", None, ()),
    ],
)
def test_attendees_give_a_count_and_titles(
    text: str, count: int | None, titles: tuple[str, ...]
) -> None:
    assert attendees(nfkc(text)) == (count, titles)


@pytest.mark.parametrize(
    ("text", "names", "none"),
    [
        (
            "楽楽精算、マネーフォワード クラウド経費",
            ("楽楽精算", "マネーフォワード クラウド経費"),
            False,
        ),
        ("kintoneとサイボウズOfficeを比較中", ("kintone", "サイボウズOffice"), False),
        ("Salesforce, HubSpot", ("Salesforce", "HubSpot"), False),
        ("A社（クラウド型）と比較中", ("A社",), False),
        ("競合なし", (), True),
        ("他社比較なし", (), True),
        ("競合は特になし", (), True),
        ("なし", (), True),
        ("他社1社（社名未確認）", (), False),
        ("未確認", (), False),
        ("なし（当社のみで比較）", (), True),
        ("WorkHubと比較中\n情報セキュリティ部門の審査が懸念", ("WorkHub",), False),
        ("競合なし\n他社より高いという印象あり、費用対効果の説明が必要", (), True),
        (
            "Aクラウドと比較中。「Aクラウドと何が違うのか」との質問あり",
            ("Aクラウド",),
            False,
        ),
    ],
)
def test_competitors_are_named_or_confirmed_absent(
    text: str, names: tuple[str, ...], none: bool
) -> None:
    assert competitors(nfkc(text)) == (names, none)


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("他社との違いを知りたい", True),
        ("差別化ポイントを説明してほしい", True),
        ("比較ポイントを整理してほしい", True),
        ("Asked about differences from ServiceNow", True),
        ("UIは好評", False),
        ("kintoneと比較検討中", False),
    ],
)
def test_differences_asked_needs_a_question_about_differences(
    text: str, asked: bool
) -> None:
    assert differences_asked(nfkc(text)) is asked


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("高", "high"),
        ("高（インボイス対応のため今期中に必須）", "high"),
        ("優先度高", "high"),
        ("緊急度：中", "mid"),
        ("中程度", "mid"),
        ("低め、情報収集段階", "low"),
        ("急ぎではない", "low"),
        ("urgent", "high"),
        ("未確認", None),
        ("緊急度低。現行運用でも回っており、急ぎではない", "low"),
        ("今期中に着手したいが、他の社内プロジェクトと並行のため。緊急度は中", "mid"),
        ("優先度High：監査までに対応必須のため", "high"),
        ("優先度Medium：中期経営計画の重点テーマの一つ", "mid"),
        ("緊急度はLow", "low"),
        ("他部署の導入状況を見ながら進める方針。緊急度は低", "low"),
        ("中（今期中に着手したい）", "mid"),
        ("中期経営計画の重点テーマ", None),
        ("ニーズはありそう（緊急度未確認）", None),
    ],
)
def test_urgency_reads_high_mid_and_low(text: str, level: str | None) -> None:
    assert urgency(nfkc(text)) == level


@pytest.mark.parametrize(
    ("text", "who"),
    [
        ("山田社長が最終決裁", "山田社長"),
        ("部長起案→社長決裁", "社長"),
        ("情報システム部長→取締役会で承認", "取締役会"),
        ("CFO決裁、1,000万円超は取締役会", "CFO"),
        ("決裁者は加藤部長とのこと", "加藤部長"),
        ("Head of Sales proposes, CEO approves", "CEO"),
        ("決裁者未確認", None),
    ],
)
def test_decision_maker_is_who_approves(text: str, who: str | None) -> None:
    assert decision_maker(nfkc(text)) == who


def test_basics_values_are_read_from_the_company_size_and_history() -> None:
    assert employees("従業員1,200名") == 1200
    assert employees("1.2万人") == 12000
    assert employees("500 employees") == 500
    assert revenue_millions("売上50億円") == 5000
    assert revenue_millions("年商3億円") == 300
    assert revenue_millions("従業員300名") is None
    assert touch_count("4回") == 4
    assert touch_count("7") == 7


def test_a_concrete_problem_has_numbers_systems_causes_and_scale() -> None:
    concrete = problem_signals(
        "請求書処理をExcelと紙で行っており、経理5名が月200時間を費やしている。"
        "取引先が増えたため手入力が追いつかない"
    )
    assert concrete.numbers >= 2 and concrete.scale >= 2
    assert {"excel", "紙", "請求書", "手入力"} <= set(concrete.system_names)
    assert concrete.causes >= 1
    generic = problem_signals("業務を効率化したい")
    assert (generic.numbers, generic.systems, generic.scale, generic.causes) == (
        0,
        0,
        0,
        0,
    )


def test_product_names_count_only_as_whole_words_whatever_their_case() -> None:
    assert problem_signals("Accessの台帳").system_names == ("access",)
    assert problem_signals("accessibleな画面").systems == 0
    assert problem_signals("EXCELとKintone").system_names == ("excel", "kintone")


# Characters the fast paths treat specially: full-width and compatibility forms,
# half-width katakana with sound marks, combining marks, markers and separators.
WIDTHS = st.text(
    alphabet=st.sampled_from(
        list("（）：／　１２３ＡＢａｂ㈱①Ⅲ㌔ｶﾞﾊﾟｶ\u3099\u0301e予算未確認・:-? TBDtbd")
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(WIDTHS | st.text(max_size=40))
def test_the_fast_nfkc_equals_unicode_nfkc(text: str) -> None:
    assert fast_nfkc(text) == unicodedata.normalize("NFKC", text)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(min_size=1, max_size=6), min_size=1, max_size=8),
    st.text(max_size=60),
)
def test_a_first_character_gate_never_changes_what_an_alternation_finds(
    words: list[str], text: str
) -> None:
    plain = "|".join(map(re.escape, words))
    gated = re.compile(first_char_gate(words) + f"(?:{plain})")
    haystack = text + "".join(words)
    assert gated.findall(haystack) == re.compile(plain).findall(haystack)


def test_to_dict_is_json_safe() -> None:
    memo = parse_memo(CANONICAL, reference_date=REF)
    again = json.loads(json.dumps(memo.to_dict(), ensure_ascii=False))
    assert again["meeting_at"] == "2026-11-05T14:00:00"
    assert set(again["fields"]) == set(FIELD_KEYS)


def test_a_memo_is_frozen() -> None:
    memo = parse_memo(CANONICAL)
    with pytest.raises(AttributeError):
        memo.format = "json"  # type: ignore[misc]
    with pytest.raises(TypeError):
        memo.fields["budget"] = memo.fields["need"]  # type: ignore[index]
    assert replace(memo, format="json").format == "json"


def test_a_datetime_reference_works_like_its_date() -> None:
    a = parse_memo(
        "・商談日時：来週水曜 15:00", reference_date=datetime(2026, 10, 20, 18)
    )
    assert a.meeting_at == datetime(2026, 10, 28, 15, 0)


# --- never raises -----------------------------------------------------------------

LABELS = [f.ja for f in FIELDS] + [f.en for f in FIELDS] + [s.ja for s in SECTIONS]
MEMOISH = st.lists(
    st.sampled_from(
        [
            *"・:：【】■[]<>#-*\t\n 0123456789年月日時分万円億名件()（）〜~/.,、。",
            *(
                "予算",
                "未定",
                "確保済み",
                "競合なし",
                "来週水曜",
                "調整中",
                "部長",
                "TBD",
            ),
            *LABELS,
        ]
    ),
    max_size=120,
).map("".join)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(LABELS) | st.text(max_size=10), inner, max_size=4
        )
    ),
    max_leaves=25,
)


def assert_sane(memo: Memo) -> None:
    assert set(memo.fields) == set(FIELD_KEYS)
    assert all(f.status in FIELD_STATUSES for f in memo.fields.values())
    assert not any(INTERNAL_ERROR in w for w in memo.warnings)
    json.dumps(memo.to_dict(), ensure_ascii=False)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=2000) | MEMOISH, st.none() | st.dates())
def test_the_parser_never_raises_on_any_text(text: str, ref: date | None) -> None:
    assert_sane(parse_memo(text, reference_date=ref))


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000))
def test_the_parser_never_raises_on_any_bytes(data: bytes) -> None:
    assert_sane(parse_memo(data, reference_date=REF))


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(LABELS) | st.text(max_size=15), JSON_VALUES, max_size=8
    )
)
def test_the_parser_never_raises_on_any_dict(data: dict[Any, Any]) -> None:
    assert_sane(parse_memo(data, reference_date=REF))


@pytest.mark.parametrize(
    "source",
    [
        None,
        "",
        b"",
        {},
        [],
        42,
        3.5,
        object(),
        "{" * 5000,
        '{"a": ' * 3000,
        MAX_CHARS * "1",
    ],
    ids=[
        "none",
        "empty",
        "empty_bytes",
        "empty_dict",
        "list",
        "int",
        "float",
        "object",
        "braces",
        "deep_json",
        "digits",
    ],
)
def test_odd_inputs_give_an_empty_or_partial_memo_not_an_error(source: Any) -> None:
    assert_sane(parse_memo(source))


DATEISH = st.lists(
    st.sampled_from(
        [
            *"0123456789/-:年月日時 ",
            *("0000年度", "9999年", "上期", "春", "来期", "年内", "来月", "今期"),
            *("来週", "水曜", "明後日", "April ", "Nov ", "ヶ月", "午後", "半年"),
        ]
    ),
    max_size=30,
).map("".join)


@settings(max_examples=200, deadline=None)
@given(DATEISH, st.none() | st.dates())
def test_date_fields_never_break_the_memo_whatever_the_reference(
    text: str, ref: date | None
) -> None:
    labels = ("商談日時", "Timeline(検討・導入スケジュール)", "初回接点日")
    memo = parse_memo(
        "\n".join(f"・{lab}：{text}" for lab in labels), reference_date=ref
    )
    assert_sane(memo)


def test_a_reference_outside_plausible_years_is_ignored() -> None:
    memo = parse_memo("・商談日時：11/5 14:00", reference_date=date.max)
    assert memo.meeting_has_date and memo.meeting_date is None


def test_json_values_are_cleaned_like_text() -> None:
    memo = parse_memo(
        {"予算": float("nan"), "競合": "楽楽精算<br>kintone", "Need": "high"}
    )
    assert memo.status("budget") == "empty"
    assert memo.competitor_names == ("楽楽精算", "kintone")
    assert memo.urgency == "high"


def test_utf16_with_a_bom_is_read() -> None:
    data = "\ufeff・Budget(予算)：300万円".encode("utf-16-le")
    assert parse_memo(b"\xff\xfe" + data[2:]).budget_amount_jpy == 3_000_000


def test_deeply_nested_dicts_are_cut_off_with_a_warning() -> None:
    deep: dict[str, Any] = {"予算": "300万円"}
    for _ in range(50):
        deep = {"x": deep}
    memo = parse_memo(deep)
    assert any("nested too deeply" in w for w in memo.warnings)
