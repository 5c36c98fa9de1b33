"""Memos in the wrappers people paste them in: e-mail, CRM logs, chat threads, reports.

Each test is one general reading rule (docs/rubric.md, "Reading a memo"), written
with text of its own, not copied from the benchmark corpora.
"""

from __future__ import annotations

from datetime import date

import pytest

from readiness.memo.lines import thread_lines
from readiness.memo.parse import field_status, parse_memo

REF = date(2026, 6, 1)


def test_mail_headers_and_the_signature_are_not_the_hand_off() -> None:
    memo = parse_memo(
        "From: 佐藤 <is@example.com>\n"
        "Date: 2026年5月29日\n"
        "Subject: トスアップ共有\n"
        "To: 木村\n\n"
        "木村さん、\n\n"
        "お疲れ様です、佐藤です。\n"
        "株式会社ミナト精工の件です。予算は500万円で確保済みとのことです。\n\n"
        "--\n"
        "株式会社サンプルソフト\n"
        "インサイドセールス部 佐藤",
        reference_date=REF,
    )
    assert "ミナト精工" in memo.text("company")
    assert "サンプルソフト" not in memo.text("company")
    assert memo.status("budget") == "filled"
    assert memo.meeting_date is None  # the Date: header is no meeting
    assert "木村" not in memo.text("contact")


def test_a_crm_record_header_and_dated_activity_lines_are_past_touches() -> None:
    memo = parse_memo(
        "2026/05/30 10:12 TU作成（IS 佐藤）\n"
        "5/20 架電 → 不在\n"
        "5/22 Web面談 デモ実施\n"
        "会社:株式会社ミナト精工\n"
        "Next:6/10(水) 15:00 Zoom",
        reference_date=REF,
    )
    assert "架電" in memo.text("touch_summary")
    assert "5/22" not in memo.text("meeting_datetime")
    assert memo.meeting_date == date(2026, 6, 10)
    assert "TU作成" not in memo.text("notes")


def test_a_chat_thread_keeps_is_facts_and_puts_the_question_before_the_answer() -> None:
    thread = (
        "IS 佐藤: ミナト精工の件お願いします\n"
        "FS 木村: 了解です\n"
        "FS 木村: 予算感どうでした？\n"
        "IS 佐藤: 未確認です\n"
        "FS 木村: ありがとうございます"
    )
    assert thread_lines(thread).split("\n") == [
        "ミナト精工の件お願いします",
        "予算感は未確認です",
    ]
    assert parse_memo(thread).status("budget") == "not_obtained"


def test_labelled_lines_are_not_mistaken_for_a_thread() -> None:
    text = "担当者: 田中様\n予算: 300万円\n決裁: 部長\n時期: 9月"
    assert thread_lines(text) == text


def test_a_sentence_moving_from_topic_to_topic_gives_each_field_its_clauses() -> None:
    memo = parse_memo(
        "1. 商談条件\n"
        "ご予算は800万円で今期確保済みとのことで、決裁は山本部長でございます。",
        reference_date=REF,
    )
    assert "800万円" in memo.text("budget")
    assert "山本部長" in memo.text("authority")
    assert "800万円" not in memo.text("authority")


def test_a_label_of_two_fields_gives_each_its_part() -> None:
    memo = parse_memo("【経緯】\n・初回・接点数：2026/04/02 展示会／5")
    assert memo.first_contact == date(2026, 4, 2)
    assert memo.touch_count == 5


@pytest.mark.parametrize(
    ("key", "value", "status"),
    [
        ("meeting_format", "probably onsite", "vague"),
        ("budget", "¥5M, not final", "vague"),
        ("contact_info", "only main line 03-1111-2222", "vague"),
        ("meeting_datetime", "6/12 10時(最終確認待ち)", "vague"),
        ("meeting_datetime", "第1候補 6/12 10時", "vague"),
        ("impression", "悪くはなさそう", "vague"),
        ("contact", "ご担当者のお名前と役職については未確認です", "not_obtained"),
        ("timeline", "いつまでに入れたいかは確認中です", "not_obtained"),
        ("company_size", "会社の規模はお伺いできておらず", "not_obtained"),
        ("need", "たぶん未定", "not_obtained"),
        ("problem", "受注見込みが読めず、案件管理が属人化している", "filled"),
    ],
)
def test_hedges_and_unknowns_of_other_writing_habits(
    key: str, value: str, status: str
) -> None:
    assert field_status(key, value) == status


def test_parsing_stays_linear_on_a_long_line_of_topics() -> None:
    # the topic chain and the head-noun loop must end on any input
    text = "課題の背景の予算の決裁の" * 2_000 + "は不明"
    memo = parse_memo(text)
    assert memo.format in ("freeform", "template")
