"""The memo parser on habits beyond the template: markers, hedges, keys, prose, chat.

Each test is a small memo as reps write it; statuses stay filled / vague / empty
(confirmed -> filled, partial or not obtained -> vague, nothing written -> empty).
"""

from __future__ import annotations

from datetime import date

import pytest

from readiness.memo.parse import field_status, parse_memo

REF = date(2026, 10, 20)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("budget", "未入手"),
        ("authority", "未ヒアリング"),
        ("competitors", "未"),
        ("first_contact", "記録なし"),
        ("expected_content", "確認漏れ"),
        ("attendees", "先方回答待ち"),
        ("cause", "聞けず"),
        ("problem", "まだ聞けていません"),
        ("contact", "聞けてない"),
        ("impression", "※次回ヒアリング"),
        ("timeline", "後日改めて確認"),
        ("need", "要確認"),
        ("budget", "TBC"),
        ("meeting_datetime", "—"),
        ("notes", "特になし"),
        ("expected_content", "特記なし"),
    ],
)
def test_a_not_obtained_marker_in_its_general_form_is_not_obtained(
    key: str, value: str
) -> None:
    assert field_status(key, value) == "not_obtained"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("authority", "事業部長決裁だと思われる"),
        ("company_size", "中堅規模らしい"),
        ("contact_info", "t.ito@example.co.jp(共用アドレスかも)"),
        ("contact_info", "代表番号のみ(03-1234-5678)"),
        ("need", "高めっぽい"),
        ("impression", "悪くない反応だった気がする"),
        ("need", "優先度は高いと聞いている"),
        ("desired_state", "たぶん工数削減"),
        ("timeline", "7月導入予定"),
        ("timeline", "来年春頃"),
        ("meeting_datetime", "6/12で仮押さえ(先方確認待ち)"),
        ("meeting_datetime", "4月上旬"),
        ("budget", "200〜400万くらい"),
        ("budget", "500万くらい?"),
        ("budget", "300万円を確保予定"),
        ("company_size", "60〜240名"),
        ("touch_count", "2〜3回"),
        ("attendees", "部長ほか数名の予定"),
    ],
)
def test_a_hedged_value_is_vague(key: str, value: str) -> None:
    assert field_status(key, value) == "vague"  # partial


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("competitors", "Zendeskと比較検討中"),
        ("competitors", "競合はZendeskで、比較検討中"),
        ("company_size", "約300名"),
        ("budget", "400万円前後(確保済み)"),
        ("budget", "150〜250万円・本年度確保済み"),
        ("meeting_datetime", "来週水曜15:00にオンラインで商談予定"),
        ("meeting_datetime", "8/18(月)13:00〜14:00"),
        ("touch_count", "4回程度"),
        ("company_size", "100名未満"),
        ("problem", "問い合わせの待ち時間が長い"),
    ],
)
def test_a_confirmed_value_with_a_look_alike_word_stays_filled(
    key: str, value: str
) -> None:
    assert field_status(key, value) == "filled"


def test_english_romaji_and_short_keys_fill_their_fields() -> None:
    memo = parse_memo(
        "Kaisha: 青葉建設株式会社\n"
        "Tantou: 山田様(総務部 部長)\n"
        "Yosan: 300万円 確保済\n"
        "DM: 山田部長\n"
        "N: 高\n"
        "TL: 2027年4月稼働\n"
        "Comp: kintone\n"
        "Next: 10/28(水) 14:00\n"
        "Members: 山田部長、佐藤課長\n"
        "NB: 専門用語OK",
        reference_date=REF,
    )
    for key in (
        "company",
        "contact",
        "budget",
        "authority",
        "need",
        "timeline",
        "competitors",
        "meeting_datetime",
        "attendees",
        "notes",
    ):
        assert memo.status(key) == "filled", key
    assert memo.budget_amount_jpy == 3_000_000
    assert memo.meeting_date == date(2026, 10, 28)


def test_keys_are_read_in_full_width_and_any_case() -> None:
    memo = parse_memo("ＢＵＤＧＥＴ：３００万円\nkessai：社長", reference_date=REF)
    assert memo.status("budget") == "filled"
    assert memo.status("authority") == "filled"


@pytest.mark.parametrize("sep", [" / ", "／", "｜", " | ", "、", "  "])
def test_a_terse_line_of_several_pairs_fills_each_field(sep: str) -> None:
    memo = parse_memo(f"予算:300万/確保済{sep}決裁:部長{sep}時期:来年4月")
    assert memo.status("budget") == "filled"
    assert memo.text("budget") == "300万/確保済"
    assert memo.status("authority") == "filled"
    assert memo.status("timeline") == "filled"


def test_a_dash_or_an_arrow_after_a_key_is_its_colon() -> None:
    memo = parse_memo("Budget - 300万円\n時期→未確認\n決裁者?不明\n競合→なし")
    assert memo.status("budget") == "filled"
    assert memo.text("budget") == "300万円"
    assert memo.status("timeline") == "not_obtained"
    assert memo.status("authority") == "not_obtained"
    assert memo.status("competitors") == "filled"


def test_a_sentence_naming_a_field_as_its_topic_goes_to_that_field() -> None:
    memo = parse_memo(
        "お疲れ様です!信州フーズの件です!\n"
        "予算は聞けていません\n"
        "課題の背景は分かりませんでした\n"
        "企業規模は要確認です\n"
        "決裁は部長だと思われます"
    )
    assert memo.status("company") == "filled"
    assert "信州フーズ" in memo.text("company")
    assert memo.status("budget") == "not_obtained"
    assert memo.status("cause") == "not_obtained"
    assert memo.status("problem") == "empty"
    assert memo.status("company_size") == "not_obtained"
    assert memo.status("authority") == "vague"  # 「だと思われます」: a hedge


def test_chat_lines_routed_to_fields_are_not_dumped_into_notes() -> None:
    memo = parse_memo(
        "株式会社浜松プラスチックの山本さんの件です\n"
        "これまで7回やり取りしています\n"
        "予算は120万円で、すでに確保済みとのことです\n"
        "アポ:R7.12.10(水) 14:00で確定\n"
        "よろしくです〜",
        reference_date=REF,
    )
    assert memo.status("touch_count") == "filled"
    assert memo.status("budget") == "filled"
    assert memo.status("meeting_datetime") == "filled"
    assert memo.status("notes") == "empty"


def test_prose_routes_meetings_first_contacts_and_attendee_counts() -> None:
    memo = parse_memo(
        "ミドリ薬品株式会社の件です。9月13日(土)に資料DLからの流入でした。"
        "接点は計3回です。9/17 13:00にお時間いただきました。"
        "先方は2名くらい来るようです。",
        reference_date=REF,
    )
    assert memo.status("first_contact") == "filled"
    assert memo.status("touch_count") == "filled"
    assert memo.status("meeting_datetime") == "filled"
    assert memo.status("attendees") == "vague"  # 「2名くらい来るようです」


def test_a_sentence_naming_the_field_decides_over_one_that_only_mentions_it() -> None:
    memo = parse_memo("港北自動車株式会社の遠藤様の件です!\n役職は未確認です")
    assert memo.status("company") == "filled"
    assert memo.status("contact") != "filled"


@pytest.mark.xfail(
    strict=True,
    reason="known gap: the name 遠藤様 stays on the company line, so contact reads "
    "only 「役職は未確認です」 (not obtained)",
)
def test_a_name_without_a_title_is_partial() -> None:
    memo = parse_memo("港北自動車株式会社の遠藤様の件です!\n役職は未確認です")
    assert memo.status("contact") == "vague"


def test_a_greeting_line_leaves_nothing_in_notes() -> None:
    memo = parse_memo("お疲れ様です。共有します。\n【顧客基本情報】\n・企業名:A社")
    assert memo.status("notes") == "empty"
    assert memo.status("company") == "filled"
