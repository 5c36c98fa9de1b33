"""The simulated hand-off memo says what the world decided the rep knows, in varied
Japanese, and its recorded truth matches the text."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import replace
from datetime import date, datetime, timedelta

import numpy as np
import pytest

from readiness.fields import (
    ELEMENT_KEYS,
    FIELD_KEYS,
    FIELD_STATUSES,
    FIELDS,
    SECTIONS,
    fields_of_element,
)
from readiness.simulate.memo_kit import HABITS, NOT_FILLED, MemoFacts, RenderedMemo
from readiness.simulate.memo_phrases import (
    CAUSE_VAGUE,
    DESIRED_VAGUE,
    NEEDS_GENERIC,
    NOT_KNOWN,
    NOT_KNOWN_ALONE,
    PROBLEM_GENERAL,
    PROBLEM_GENERIC,
    PROBLEM_VAGUE,
    THEMES,
)
from readiness.simulate.memo_text import render_memo
from readiness.simulate.names import INDUSTRIES

# The domain.md template, verbatim.
TEMPLATE = """【顧客基本情報】
・企業名:
・担当者名/役職:
・連絡先(電話・メール):
・企業規模(従業員数・売上):
【接点履歴】
・初回接点日:
・接点回数:
・主な接点内容(概要):
【課題・ニーズ】
・顧客が抱える課題:
・課題の背景・原因:
・解決後に期待する状態:
【BANT情報】
・Budget(予算):
・Authority(決裁者・プロセス):
・Need(緊急度・優先度):
・Timeline(検討・導入スケジュール):
【競合・検討状況】
・比較検討中の競合:
・自社への印象・懸念点:
【商談設定内容】
・商談日時:
・商談形式(訪問・オンライン):
・顧客側参加者:
・商談で期待される内容:
【特記事項・注意点】
・""".splitlines()

_LABEL_TO_KEY = {f.ja: f.key for f in FIELDS}
_KINDS = (
    "form_submission",
    "document_download",
    "seminar_attendance",
    "web_visit",
    "referral",
    "is_call_connected",
    "online_hearing",
)
_SURNAMES = ("佐藤", "鈴木", "山田", "林", "佐々木", "小川")
_COMPETITORS = ("Aクラウド", "ベータワークス", "SmartOps", "業務ナビ", "WorkHub")
_APPROVALS = (
    ("部長決裁",),
    ("部長承認", "役員会"),
    ("課長起案", "部長承認", "社長決裁"),
    (),
)
_ATTENDEES = ("情報システム部長", "経理課長", "担当者", "営業部長", "DX推進室長")
# Concrete signals: a number with a unit; causes also say why.
_UNIT = re.compile(r"\d[\d,]*(?:\.\d+)?\s*(?:名|件|時間|拠点|%|万円|営業日|日|分)")
_CAUSE_UNIT = re.compile(
    r"\d[\d,]*\s*(?:名|件|時間|拠点|%|万円|日|分|年|回|社|種類|段階|項目|ヶ月|系統|つ)"
)
_SIGNAL = re.compile(r"\d|ため|原因|Excel|kintone|Salesforce|SAP|基幹|稟議|請求書")


def _facts(
    rng: np.random.Generator,
    *,
    level: int | None = None,
    drift: float = 0.0,
    diligence: float | None = None,
) -> MemoFacts:
    toss = datetime(2026, 4, 1, 10) + timedelta(
        days=int(rng.integers(0, 400)), minutes=int(rng.integers(0, 480))
    )
    levels = {
        e: int(rng.integers(0, 3)) if level is None else level for e in ELEMENT_KEYS
    }
    employees = int(np.clip(np.exp(rng.normal(np.log(150), 1.2)), 5, 50_000))
    secured = bool(rng.random() < 0.6)
    meeting = toss.replace(minute=0) + timedelta(days=int(rng.integers(3, 15)))
    meeting = meeting.replace(hour=int(rng.choice([10, 11, 13, 14, 15, 16])))
    n_comp = int(rng.integers(0, 4))
    return MemoFacts(
        lead_id=f"L{int(rng.integers(10**6))}",
        tossed_up_at=toss,
        company_name=str(rng.choice(["株式会社山田製作所", "青葉物流株式会社"])),
        industry=str(rng.choice(INDUSTRIES)),
        employees=employees,
        annual_revenue_m=round(
            employees * float(np.exp(rng.normal(np.log(25), 0.5))), 1
        ),
        contact_name=f"{rng.choice(_SURNAMES)} 太郎",
        contact_title=str(
            rng.choice(["情報システム部 部長", "総務部 担当", "代表取締役"])
        ),
        contact_role=str(rng.choice(["decision_maker", "influencer", "staff"])),
        first_contact=(toss - timedelta(days=int(rng.integers(1, 400)))).date(),
        touch_count=int(rng.integers(1, 15)),
        touch_kinds=tuple(
            dict.fromkeys(rng.choice(_KINDS, size=int(rng.integers(1, 4))))
        ),
        levels=levels,
        problem_theme=str(rng.choice(THEMES)),
        budget_secured=secured,
        budget_amount_man=int(rng.integers(5, 3000)) * 10
        if rng.random() < 0.8
        else None,
        decision_maker_title=str(rng.choice(["取締役", "情報システム部長"])),
        approval_steps=_APPROVALS[int(rng.integers(0, len(_APPROVALS)))],
        urgency=str(rng.choice(["high", "mid", "low"])),
        start_in_months=int(rng.integers(1, 12)),
        competitors=tuple(rng.choice(_COMPETITORS, size=n_comp, replace=False)),
        concern=str(
            rng.choice(
                ["price", "implementation_effort", "support", "features", "security"]
            )
        ),
        differences_asked=bool(rng.random() < 0.5),
        meeting_at=meeting if levels["next_action"] == 2 else None,
        meeting_format=str(rng.choice(["visit", "online"])),
        attendees=tuple(
            rng.choice(_ATTENDEES, size=int(rng.integers(1, 4)), replace=False)
        ),
        drift=drift,
        diligence=float(rng.random()) if diligence is None else diligence,
    )


def _memos(n: int, seed: int, **kw: object) -> list[tuple[MemoFacts, RenderedMemo]]:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        facts = _facts(rng, **kw)  # type: ignore[arg-type]
        out.append((facts, render_memo(facts, rng)))
    return out


def _template_values(text: str) -> dict[str, str]:
    """Field values of a drift-free memo: every line is `・label:value`."""
    values: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("・") and ":" in line:
            label, value = line[1:].split(":", 1)
            if label in _LABEL_TO_KEY:
                values[_LABEL_TO_KEY[label]] = value
    return values


def _has_marker(value: str) -> bool:
    return value.strip() in NOT_KNOWN_ALONE or any(m in value for m in NOT_KNOWN)


def test_every_field_key_has_a_recorded_truth() -> None:
    for _, memo in _memos(50, 1, drift=0.7):
        assert set(memo.fields) == set(FIELD_KEYS)
        assert {t.status for t in memo.fields.values()} <= set(FIELD_STATUSES)
        assert memo.fields["company"].status == "filled"


def test_concrete_levels_fill_every_element_field_with_measurable_problem_signals() -> (
    None
):
    for facts, memo in _memos(200, 2, level=2):
        values = _template_values(memo.text)
        for key in ELEMENT_KEYS:
            for f in fields_of_element(key):
                assert memo.fields[f.key].status == "filled", (f.key, memo.text)
                assert values[f.key] and not _has_marker(values[f.key]), (
                    f.key,
                    memo.text,
                )
        assert _UNIT.search(values["problem"]), values["problem"]
        assert _UNIT.search(values["desired_state"]), values["desired_state"]
        cause = values["cause"]
        assert _CAUSE_UNIT.search(cause) and re.search("ため|原因", cause), cause
        assert memo.fields["need"].value["urgency"] == facts.urgency
        assert memo.fields["meeting_datetime"].value["date"] == facts.meeting_at.date()  # type: ignore[union-attr]
        assert re.search(
            "合意済み|了承済み", values["meeting_datetime"] + values["expected_content"]
        )


def test_level_zero_leaves_element_fields_empty() -> None:
    for _, memo in _memos(100, 3, level=0):
        values = _template_values(memo.text)
        for key in ELEMENT_KEYS:
            for f in fields_of_element(key):
                if f.key == "company":
                    continue
                assert memo.fields[f.key].status == "empty"
                assert values[f.key] == ""


def test_vague_levels_show_not_known_markers_or_generic_needs() -> None:
    generic = 0
    seen: set[str] = set()
    for _, memo in _memos(200, 4, level=1):
        values = _template_values(memo.text)
        for key in ELEMENT_KEYS:
            statuses = {
                f.key: memo.fields[f.key].status for f in fields_of_element(key)
            }
            if key == "basics":
                weak = [
                    k
                    for k in ("contact", "contact_info", "company_size")
                    if statuses[k] != "filled"
                ]
                assert weak, memo.text
                continue
            main = {
                "competition": "competitors",
                "next_action": "meeting_datetime",
            }.get(key, key)
            if key == "problem":
                assert statuses[main] != "empty", memo.text
            else:
                # A bare marker is not obtained, a hedged value partial (vague).
                assert statuses[main] in NOT_FILLED, (key, memo.text)
                assert set(statuses.values()) <= NOT_FILLED | {"empty"}
            for k, status in statuses.items():
                value = values[k]
                assert (status == "empty") == (value == ""), (k, value)
                if status in NOT_FILLED:
                    assert _has_marker(value), (k, value)
                    seen.add(status)
                if key == "problem":
                    assert not _SIGNAL.search(value), value
                    assert memo.fields[k].value == {"concrete": False}, (k, value)
                    if status == "filled":  # generic: says something, vaguely
                        assert value in NEEDS_GENERIC and not _has_marker(value)
                        generic += 1
    assert generic > 50
    assert seen == NOT_FILLED  # both bare markers and hedged (partial) values


def test_generic_needs_texts_carry_no_marker_and_the_other_weak_ones_do() -> None:
    weak = (
        *(t for texts in PROBLEM_GENERIC.values() for t in texts),
        *PROBLEM_GENERAL,
        *PROBLEM_VAGUE,
        *CAUSE_VAGUE,
        *DESIRED_VAGUE,
    )
    assert NEEDS_GENERIC.issubset(weak)
    for text in weak:
        assert _has_marker(text) != (text in NEEDS_GENERIC), text


def test_concrete_needs_are_recorded_as_concrete() -> None:
    for _, memo in _memos(100, 16, level=2, drift=0.6):
        for key in ("problem", "cause", "desired_state"):
            if memo.habit == "chat" and memo.fields[key].status == "empty":
                continue  # left out of the chat message
            assert memo.fields[key].status == "filled"
            assert memo.fields[key].value == {"concrete": True}


def test_asking_for_differences_in_the_meeting_agenda_is_recorded() -> None:
    asked = 0
    for _, memo in _memos(300, 17, drift=0.3):
        recorded = memo.fields["expected_content"].value["differences_asked"]
        assert recorded == ("他社との違いの説明" in memo.text), memo.text
        asked += bool(recorded)
    assert asked > 10


def test_vague_sentences_in_paragraphs_name_their_field() -> None:
    topicless = {"詳細は未確認", "ヒアリング予定", "詳細は後日確認"}
    paragraphs = 0
    for _, memo in _memos(600, 18, level=1, drift=1.0):
        free = [k for k, t in memo.fields.items() if t.free_text]
        paragraphs += bool(free)
        sentences = {s.strip() for s in re.split("[。\n]", memo.text)}
        assert not sentences & topicless, memo.text
    assert paragraphs > 50


def test_a_confirmed_missing_budget_is_filled_and_names_no_not_known_marker() -> None:
    rng = np.random.default_rng(5)
    seen = 0
    for _ in range(200):
        facts = replace(_facts(rng, level=2), budget_secured=False)
        memo = render_memo(facts, rng)
        budget = _template_values(memo.text)["budget"]
        assert memo.fields["budget"].status == "filled"
        assert memo.fields["budget"].value["secured"] is False
        assert not _has_marker(budget), budget
        seen += "確認" in budget
    assert seen > 100  # it says it was confirmed


def test_the_same_facts_and_generator_state_give_the_identical_memo() -> None:
    facts = _facts(np.random.default_rng(6), drift=0.9, diligence=0.4)
    a = render_memo(facts, np.random.default_rng(60))
    b = render_memo(facts, np.random.default_rng(60))
    c = render_memo(facts, np.random.default_rng(61))
    assert a == b
    assert a.text != c.text


def test_no_drift_reproduces_the_template_headings_labels_and_order() -> None:
    for _, memo in _memos(150, 7, drift=0.0):
        lines = memo.text.split("\n")
        assert lines[-1] == ""  # ends with a newline, no CRLF
        lines = lines[:-1]
        body, notes = lines[: len(TEMPLATE) - 1], lines[len(TEMPLATE) - 1 :]
        for line, template in zip(body, TEMPLATE[:-1], strict=True):
            assert line.startswith(template), (line, template)
            if template.startswith("【"):
                assert line == template
        assert notes and all(n.startswith("・") for n in notes), memo.text


def test_high_drift_varies_headings_colons_bullets_languages_and_free_text() -> None:
    memos = _memos(200, 8, drift=1.0)
    headings, colons, bullets = set(), set(), set()
    english = free = crlf = 0
    for _, memo in memos:
        if memo.habit != "template":
            continue
        first = memo.text.splitlines()[0]
        first = memo.text.splitlines()[2] if not first or "。" in first else first
        headings.add(re.sub(r"[^【】■\[\]＜＞<>#◆ ]", "", first)[:2])
        colons.update(re.findall(r" ?[:：] ?", memo.text))
        bullets.update(line[:1] for line in memo.text.splitlines() if line)
        english += "Budget" in memo.text and "Customer basics" in memo.text
        free += any(t.free_text for t in memo.fields.values())
        crlf += "\r\n" in memo.text
    assert len(headings) >= 5, headings
    assert {":", "：", " : "} <= colons
    assert {"・", "•", "-", "●"} <= bullets
    assert 10 <= english <= 100
    assert 15 <= free <= 150
    assert crlf >= 1


def test_full_width_digits_occur_and_normalise_to_the_recorded_values() -> None:
    wide = 0
    for facts, memo in _memos(300, 9, drift=0.8):
        if memo.habit != "template":
            continue
        text = unicodedata.normalize("NFKC", memo.text)
        wide += text != memo.text and bool(re.search("[０-９]", memo.text))
        assert re.search("[０-９]", text) is None
        assert f"{facts.touch_count}回" in text
        when = memo.fields["meeting_datetime"]
        if when.status == "filled" and not when.free_text:
            hour = int(str(when.value["time"])[:2])
            assert f"{hour}:00" in text or f"{hour}時" in text, text
        size = memo.fields["company_size"].value
        if memo.fields["company_size"].status == "filled":
            emp = int(size["employees"])  # type: ignore[call-overload]
            assert f"{emp}名" in text.replace(",", "") or f"{emp}人" in text.replace(
                ",", ""
            )
        budget = memo.fields["budget"].value
        if (
            budget["amount_jpy"] is not None
            and budget["amount_low_jpy"] == budget["amount_high_jpy"]
        ):
            man = float(budget["amount_jpy"]) / 1e4  # type: ignore[arg-type]
            flat = text.replace(",", "")
            oku = f"{man / 1e4:g}億円"
            assert f"{man:g}万円" in flat or oku in flat, (man, text)
    assert 20 <= wide <= 200


def test_problem_texts_are_varied() -> None:
    problems = {
        _template_values(m.text)["problem"] for _, m in _memos(300, 10, level=2)
    }
    assert len(problems) >= 150


def test_low_diligence_reps_write_shorter_memos() -> None:
    careful = np.mean(
        [len(m.text) for _, m in _memos(150, 11, level=2, diligence=0.95)]
    )
    sloppy = np.mean([len(m.text) for _, m in _memos(150, 11, level=2, diligence=0.05)])
    assert sloppy < 0.9 * careful


def test_sections_are_dropped_only_when_nothing_in_them_was_recorded() -> None:
    titles = {s.key: (s.ja, s.en) for s in SECTIONS}
    short = {
        "needs": ("課題", "ニーズ・課題"),
        "bant": ("BANT",),
        "competition": ("競合状況", "競合", "検討状況"),
        "meeting": ("商談設定", "次回商談", "アポ内容"),
    }
    for _, memo in _memos(300, 12, drift=1.0):
        if memo.habit != "template":
            continue
        present = memo.text
        for sec, names in titles.items():
            if sec not in short:
                continue
            keys = [f.key for f in FIELDS if f.section == sec]
            if any(memo.fields[k].status != "empty" for k in keys):
                assert any(n in present for n in (*names, *short[sec])), (
                    sec,
                    memo.text,
                )


def test_relative_meeting_dates_are_used_only_for_next_week() -> None:
    relative = 0
    for facts, memo in _memos(400, 13, level=2, drift=0.5):
        if "来週" not in memo.text or facts.meeting_at is None:
            continue
        relative += 1
        toss = facts.tossed_up_at.date()
        monday = toss + timedelta(days=7 - toss.weekday())
        assert monday <= facts.meeting_at.date() < monday + timedelta(days=7)
    assert relative > 0


@pytest.mark.parametrize("secured", [True, False])
def test_budget_amounts_record_the_written_midpoint(secured: bool) -> None:
    rng = np.random.default_rng(14)
    ranges = 0
    for _ in range(300):
        facts = replace(
            _facts(rng, level=2), budget_secured=secured, budget_amount_man=800
        )
        value = render_memo(facts, rng).fields["budget"].value
        if value["amount_jpy"] is None:
            continue
        low, high = float(value["amount_low_jpy"]), float(value["amount_high_jpy"])  # type: ignore[arg-type]
        assert float(value["amount_jpy"]) == pytest.approx((low + high) / 2)  # type: ignore[arg-type]
        assert 4e6 <= low <= 8e6 <= high <= 1.2e7
        ranges += low < high
    assert ranges > (20 if secured else 3)


def test_first_contact_and_touch_count_are_recorded_unless_unknown_or_unsaid() -> None:
    unknown = 0
    for facts, memo in _memos(300, 15, drift=0.6, diligence=0.1):
        first, count = memo.fields["first_contact"], memo.fields["touch_count"]
        if first.status == "filled":
            assert first.value == {"date": facts.first_contact}
            assert isinstance(first.value["date"], date)
        elif first.status == "not_obtained":  # no record of it: 「記録なし」
            assert first.value == {"date": None}
            assert re.search("記録なし|不明", memo.text), memo.text
            unknown += 1
        else:
            assert memo.habit == "chat" and first.value == {"date": None}
        if count.status != "empty":
            assert count.value == {"count": facts.touch_count}
        else:
            assert memo.habit == "chat" and count.value == {"count": None}
    assert unknown > 3


_HEADING = re.compile(r"^\s*(?:【|■|◆|\[|［|<|＜|#)")
_BULLET = re.compile(r"^\s*(?:・|•|●|-|\*|\d+\.)")


def test_a_rep_without_drift_always_pastes_the_template() -> None:
    assert {m.habit for _, m in _memos(300, 19, drift=0.0)} == {"template"}


def test_drifting_reps_sometimes_write_a_chat_message_or_prose() -> None:
    habits = Counter(m.habit for _, m in _memos(1000, 20, drift=1.0))
    assert set(habits) == set(HABITS)
    assert 0.10 < habits["chat"] / 1000 < 0.20  # drift × 0.15
    assert 0.06 < habits["narrative"] / 1000 < 0.14  # drift × 0.10


def _habit_memos(habit: str, n: int, seed: int, **kw: object) -> list[RenderedMemo]:
    memos = [m for _, m in _memos(n, seed, drift=1.0, **kw) if m.habit == habit]
    assert len(memos) > 20
    return memos


def test_a_chat_memo_has_no_heading_lines_and_keeps_the_statuses() -> None:
    left_out = 0
    for memo in _habit_memos("chat", 600, 21):
        lines = memo.text.splitlines()
        assert not [ln for ln in lines if _HEADING.match(ln)], memo.text
        assert "" not in lines  # one line per thought
        assert not {ln.strip() for ln in lines} & {s.ja for s in SECTIONS}
        for t in memo.fields.values():
            assert t.status in FIELD_STATUSES
            assert t.free_text == (t.status != "empty")
        left_out += sum(t.status == "empty" for t in memo.fields.values())
        assert memo.fields["company"].status == "filled"
    assert left_out > 100  # a chat says only what the rep thought worth saying


def test_a_narrative_memo_has_no_bullet_lines_and_one_to_three_paragraphs() -> None:
    for memo in _habit_memos("narrative", 800, 22):
        paragraphs = [p for p in memo.text.splitlines() if p.strip()]
        assert 1 <= len(paragraphs) <= 3, memo.text
        assert not [p for p in paragraphs if _BULLET.match(p)], memo.text
        assert not [p for p in paragraphs if _HEADING.match(p)], memo.text
        assert paragraphs[0].startswith(memo.text[:4])
        assert "の件です。" in paragraphs[0]
        for t in memo.fields.values():
            assert t.free_text == (t.status != "empty")


@pytest.mark.parametrize("habit", ["chat", "narrative"])
def test_a_bare_marker_becomes_a_sentence_on_its_topic(habit: str) -> None:
    """「予算は聞けていません」, never a lone 「未確認」 the reader cannot place."""
    not_obtained = 0
    for memo in _habit_memos(habit, 800, 23, level=1):
        for sentence in re.split("[。\n]", memo.text):
            core = sentence.strip().rstrip("!💦🙏👍 ")
            assert core not in NOT_KNOWN_ALONE, memo.text
            assert core not in ("未確認です", "聞けていません", "次回確認します")
        not_obtained += sum(t.status == "not_obtained" for t in memo.fields.values())
    assert not_obtained > 50
