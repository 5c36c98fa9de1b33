"""The page for IS reps in a real headless Chromium, served by a real uvicorn."""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from browser import headless_chromium
from factory import Factory
from uvicorn_server import running_server


@pytest.fixture(scope="module")
def model_root(factory: Factory) -> Path:
    return factory.project()  # world/ and bundle/


@pytest.fixture(scope="module")
def page_url(model_root: Path) -> Iterator[str]:
    env = {
        "READINESS_MODEL_DIR": str(model_root / "bundle"),
        "READINESS_DATA_DIR": str(model_root / "world"),
        "READINESS_RUBRIC_DIR": str(model_root / "no-rubric"),
        "READINESS_MODEL_URI": "",
        "READINESS_API_KEY": "",
    }
    with running_server(env) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with headless_chromium("--lang=ja") as driver:
        yield driver


def _click_score(driver: Any) -> None:
    """Score once the page takes it: the button stays disabled until the previous
    score's timing advice has arrived, and a click on it before is lost."""
    from selenium.webdriver.common.by import By

    _wait(driver, lambda d: d.find_element(By.ID, "score").is_enabled())
    driver.find_element(By.ID, "score").click()


def _wait(driver: object, condition: object, timeout: float = 60) -> object:
    from selenium.common.exceptions import (
        NoSuchElementException,
        StaleElementReferenceException,
    )
    from selenium.webdriver.support.ui import WebDriverWait

    # the page re-renders lists and results as answers arrive: an element found a
    # moment ago may be gone, so look again
    ignored = (NoSuchElementException, StaleElementReferenceException)
    wait = WebDriverWait(driver, timeout, ignored_exceptions=ignored)  # type: ignore[arg-type]
    return wait.until(condition)  # type: ignore[arg-type]


def _open(driver: object, url: str) -> None:
    """The page afresh: no language or key remembered from an earlier test."""
    driver.get(url)  # type: ignore[attr-defined]
    driver.execute_script("localStorage.clear()")  # type: ignore[attr-defined]
    driver.get(url)  # type: ignore[attr-defined]


def _all_won(items: list[object]) -> bool:
    """The list shows only won leads (not an earlier, unfiltered answer)."""
    return bool(items) and all("受注" in i.text for i in items[:20])  # type: ignore[attr-defined]


def test_a_rep_picks_a_lead_and_reads_the_score_why_and_what_to_ask(
    browser: object, page_url: str, tmp_path: Path
) -> None:
    from PIL import Image
    from selenium.webdriver.common.by import By

    d = browser
    _open(d, page_url)
    _wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, "#lead-list li"))
    # the first lead that was handed off with a memo (won or lost)
    d.find_element(By.ID, "lead-status").send_keys("受注")
    _wait(d, lambda d: _all_won(d.find_elements(By.CSS_SELECTOR, "#lead-list li")))
    d.find_element(By.CSS_SELECTOR, "#lead-list li").click()
    _wait(d, lambda d: d.find_element(By.ID, "probability").text.endswith("%"))

    probability = float(d.find_element(By.ID, "probability").text.rstrip("%"))
    assert 0 < probability < 100
    # its interval beside it: 「（55〜69%）」
    interval = d.find_element(By.ID, "probability-interval").text
    low, high = map(float, re.fullmatch(r"（(\d+)〜(\d+)%）", interval).groups())  # type: ignore[union-attr]
    assert low - 0.5 <= probability <= high + 0.5
    assert d.find_element(By.ID, "grade").text in {"A", "B", "C", "D"}
    bars = d.find_elements(By.CSS_SELECTOR, "#chart rect.bar")
    assert len(bars) == 5  # the five rubric items
    assert any(float(b.get_attribute("width")) > 0 for b in bars)
    rows = d.find_elements(By.CSS_SELECTOR, "#missing tbody tr")
    assert rows and ("？" in rows[0].text or "。" in rows[0].text)
    # each missing element shows its adjusted effect (or that it cannot be told)
    nothing = "足りない要素はありません" in rows[0].text
    assert nothing or all("調整後の効果" in r.text for r in rows)
    assert int(d.find_element(By.ID, "event-count").text) > 0
    _wait(d, lambda d: d.find_element(By.ID, "timing").text.strip() not in ("", "—"))

    shot = tmp_path / "page.png"
    card = d.find_element(By.ID, "result")
    assert card.screenshot(str(shot))
    image = Image.open(io.BytesIO(shot.read_bytes())).convert("RGB")
    assert image.width > 300 and image.height > 400
    colours = image.getcolors(maxcolors=1_000_000) or []
    assert len(colours) > 50  # text, bars and badges rendered, not a blank card

    d.find_element(By.ID, "lang").click()
    _wait(d, lambda d: d.find_element(By.TAG_NAME, "h1").text.startswith("Hand-off"))
    assert "Win probability" in d.find_element(By.ID, "answer").text
    missing = d.find_element(By.ID, "missing").text
    assert "Nothing is missing" in missing if nothing else "adjusted effect" in missing


def test_a_pasted_memo_with_a_mistake_shows_the_fix_and_a_good_one_scores(
    browser: object, page_url: str
) -> None:
    from selenium.webdriver.common.by import By

    d = browser
    _open(d, page_url)
    _wait(d, lambda d: d.find_element(By.ID, "memo").get_attribute("value"))
    assert "【顧客基本情報】" in d.find_element(By.ID, "memo").get_attribute("value")
    d.find_element(By.ID, "company_name").clear()
    _click_score(d)
    # the browser's own check stops an empty required field before any request
    assert d.find_element(By.ID, "result").get_attribute("hidden") is not None
    d.find_element(By.ID, "company_name").send_keys("株式会社テスト")
    employees = d.find_element(By.ID, "employees")
    employees.clear()
    employees.send_keys("20000000")  # the browser accepts it, the API does not
    _click_score(d)
    _wait(d, lambda d: d.find_element(By.ID, "error").is_displayed())
    assert "lead.employees" in d.find_element(By.ID, "error").text
    employees.clear()
    employees.send_keys("120")
    _click_score(d)
    _wait(d, lambda d: d.find_element(By.ID, "answer").is_displayed())
    assert d.find_element(By.ID, "probability").text.endswith("%")
    assert not d.find_element(By.ID, "error").is_displayed()
    pd.Timestamp(d.find_element(By.ID, "as-of-label").text)  # the example's moment
    # a thin memo: every missing element shows its adjusted effect or that it has none
    memo = d.find_element(By.ID, "memo")
    memo.clear()
    memo.send_keys("課題：在庫管理が手作業で限界。予算は未確認。")
    _click_score(d)
    _wait(d, lambda d: "調整後の効果" in d.find_element(By.ID, "missing").text)
    rows = d.find_elements(By.CSS_SELECTOR, "#missing tbody tr")
    assert len(rows) >= 3 and all("調整後の効果" in r.text for r in rows)


JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff5e]")
FIELDS = (
    "company_name",
    "industry",
    "region",
    "employees",
    "contact_role",
    "lead_source",
)


def _pick_won_lead(d: object) -> None:
    from selenium.webdriver.common.by import By

    _wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, "#lead-list li"))
    d.find_element(By.ID, "lead-status").send_keys("受注")  # type: ignore[attr-defined]
    _wait(d, lambda d: _all_won(d.find_elements(By.CSS_SELECTOR, "#lead-list li")))
    d.find_element(By.CSS_SELECTOR, "#lead-list li").click()  # type: ignore[attr-defined]
    _wait(d, lambda d: d.find_element(By.ID, "probability").text.endswith("%"))


def test_clear_leaves_nothing_of_the_picked_lead(
    browser: object, page_url: str
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    d = browser
    _open(d, page_url)
    _pick_won_lead(d)
    assert d.find_element(By.ID, "company_name").get_attribute("value")  # type: ignore[attr-defined]
    d.find_element(By.ID, "clear").click()  # type: ignore[attr-defined]
    for field in (*FIELDS, "memo"):
        value = d.find_element(By.ID, field).get_attribute("value")  # type: ignore[attr-defined]
        assert value == "", field
    assert d.find_element(By.ID, "event-count").text == "0"  # type: ignore[attr-defined]
    assert not d.find_element(By.ID, "result").is_displayed()  # type: ignore[attr-defined]
    assert not d.find_elements(By.CSS_SELECTOR, "#lead-list li.on")  # type: ignore[attr-defined]
    assert d.execute_script("return JSON.stringify(requestBody())") == (  # type: ignore[attr-defined]
        '{"lead":{},"events":[],"memo":null,"as_of":null,"is_rep":null,"fs_rep":null}'
    )
    # the next score is of the new lead alone
    d.find_element(By.ID, "company_name").send_keys("株式会社つぎ")  # type: ignore[attr-defined]
    d.find_element(By.ID, "industry").send_keys("manufacturing")  # type: ignore[attr-defined]
    d.find_element(By.ID, "region").send_keys("関東")  # type: ignore[attr-defined]
    d.find_element(By.ID, "memo").send_keys("課題：在庫管理が手作業で限界。")  # type: ignore[attr-defined]
    _click_score(d)
    # the lead source is required: the browser asks for it before any request
    assert not d.find_element(By.ID, "result").is_displayed()  # type: ignore[attr-defined]
    Select(d.find_element(By.ID, "lead_source")).select_by_value("seminar")  # type: ignore[attr-defined]
    body = d.execute_script("return requestBody()")  # type: ignore[attr-defined]
    assert body["lead"] == {
        "company_name": "株式会社つぎ",
        "industry": "manufacturing",
        "region": "関東",
        "lead_source": "seminar",
    }
    _click_score(d)
    _wait(d, lambda d: d.find_element(By.ID, "probability").text.endswith("%"))
    assert d.find_element(By.ID, "event-count").text == "0"  # type: ignore[attr-defined]


def test_a_server_with_a_key_asks_for_it_and_refreshes_after_it(
    browser: object, model_root: Path
) -> None:
    from selenium.webdriver.common.by import By

    env = {
        "READINESS_MODEL_DIR": str(model_root / "bundle"),
        "READINESS_DATA_DIR": str(model_root / "world"),
        "READINESS_RUBRIC_DIR": str(model_root / "no-rubric"),
        "READINESS_MODEL_URI": "",
        "READINESS_API_KEY": "page-test-key",
    }
    d = browser
    with running_server(env) as url:
        _open(d, url)
        message = d.find_element(By.ID, "key-msg")  # type: ignore[attr-defined]
        _wait(d, lambda d: message.is_displayed())
        assert "API キー" in message.text and "API key" in message.text
        key = d.find_element(By.ID, "api-key")  # type: ignore[attr-defined]
        assert key.is_displayed()
        assert d.switch_to.active_element == key  # type: ignore[attr-defined]
        assert not d.find_elements(By.CSS_SELECTOR, "#lead-list li")  # type: ignore[attr-defined]
        assert "HTTP" not in d.find_element(By.ID, "lead-msg").text  # type: ignore[attr-defined]

        key.send_keys("wrong-key\n")
        _wait(d, lambda d: "正しくありません" in message.text)
        assert not d.find_elements(By.CSS_SELECTOR, "#lead-list li")  # type: ignore[attr-defined]

        key.clear()
        key.send_keys("page-test-key\n")
        _wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, "#lead-list li"))
        _wait(
            d, lambda d: d.find_element(By.ID, "model-info").text.startswith("モデル:")
        )
        assert not message.is_displayed()
        assert "件" in d.find_element(By.ID, "lead-msg").text  # type: ignore[attr-defined]
        _pick_won_lead(d)  # scoring sends the key too
        d.execute_script("localStorage.clear()")  # type: ignore[attr-defined]


def test_english_leaves_no_japanese_and_japanese_names_the_codes(
    browser: object, page_url: str
) -> None:
    from selenium.webdriver.common.by import By

    d = browser
    _open(d, page_url)
    _pick_won_lead(d)
    tags = [t.text for t in d.find_elements(By.CSS_SELECTOR, "#lead-list .tag")]  # type: ignore[attr-defined]
    assert tags and all(JAPANESE.search(t) and "_" not in t for t in tags), tags[:5]
    sources = [o.text for o in d.find_elements(By.CSS_SELECTOR, "#lead_source option")]  # type: ignore[attr-defined]
    assert "展示会" in sources and "trade_show" not in sources
    factors = (
        d.find_element(By.ID, "positive").text + d.find_element(By.ID, "negative").text
    )  # type: ignore[attr-defined]
    assert "it_services" not in factors and "professional_services" not in factors

    d.find_element(By.ID, "lang").click()  # type: ignore[attr-defined]
    _wait(d, lambda d: d.find_element(By.TAG_NAME, "h1").text.startswith("Hand-off"))
    # (the language button itself says 日本語: the way back)
    for where in ("h1", "#model-info", "#lead-msg", "#answer"):
        text = d.find_element(By.CSS_SELECTOR, where).text  # type: ignore[attr-defined]
        assert not JAPANESE.search(text), (
            where,
            JAPANESE.findall(text)[:10],
            text[:300],
        )
    tags = [t.text for t in d.find_elements(By.CSS_SELECTOR, "#lead-list .tag")]  # type: ignore[attr-defined]
    assert tags and not any(JAPANESE.search(t) for t in tags), tags[:5]
    sources = [o.text for o in d.find_elements(By.CSS_SELECTOR, "#lead_source option")]  # type: ignore[attr-defined]
    assert "Trade show" in sources
    d.find_element(By.ID, "lang").click()  # type: ignore[attr-defined]
    _wait(d, lambda d: d.find_element(By.TAG_NAME, "h1").text.startswith("トスアップ"))


def test_factors_read_in_business_units_and_never_name_a_rep(
    browser: object, page_url: str
) -> None:
    from selenium.webdriver.common.by import By

    d = browser
    _open(d, page_url)
    _pick_won_lead(d)
    shown = d.find_elements(By.CSS_SELECTOR, "#positive li, #negative li")  # type: ignore[attr-defined]
    assert shown
    names = {li.get_attribute("data-name") for li in shown}
    assert not names & {"is_rep", "fs_rep"}
    text = " ".join(li.text for li in shown)
    assert "log10" not in text and "（0 低" not in text
    lead = d.execute_script("return state.picked")  # type: ignore[attr-defined]
    for rep in (lead.get("is_rep"), lead.get("fs_rep")):
        assert not rep or rep not in text

    def fmt(name: str, value: object, lang: str = "ja") -> str:
        script = (
            "state.lang = arguments[2];"
            "const f = {name: arguments[0], group: 'x', label_ja: 'ラベル',"
            " label_en: 'label', value: arguments[1], contribution: 0.1};"
            "const out = [factorLabel(f), factorValue(f)].join(' ').trim();"
            "state.lang = 'ja'; return out;"
        )
        return str(d.execute_script(script, name, value, lang))  # type: ignore[attr-defined]

    assert fmt("memo_log_budget_jpy", math.log10(1 + 4_000_000)) == "予算 約400万円"
    assert fmt("memo_log_budget_jpy", math.log10(1 + 4_000_000), "en") == (
        "Budget about ¥4M"
    )
    assert fmt("log_employees", math.log10(1 + 22)) == "従業員 22名"
    assert fmt("days_since_is_call_connected", 11.897) == "ラベル 12日"
    assert fmt("days_since_is_call_connected", 1.2, "en") == "label 1 day"
    assert fmt("lead_source", "trade_show") == "ラベル 展示会"
    assert fmt("memo_budget_secured", 1) == "ラベル あり"
    assert fmt("web_intent_share_all", 0.25, "en") == "label 25%"
    assert fmt("log_annual_revenue", math.log10(1 + 8932)) == "売上高 約89億円"
    assert fmt("industry", "it_services", "en") == "label IT services"
    hidden = (
        "shownFactor({name: 'fs_rep', group: 'reps', value: '山田'}, false)",
        "shownFactor({name: 'is_rep', group: 'reps', value: '林'}, true)",
        "shownFactor({name: 'memo_length', group: 'memo', value: 0}, true)",
    )
    for check in hidden:
        assert d.execute_script(f"return {check}") is False  # type: ignore[attr-defined]
    assert d.execute_script(  # type: ignore[attr-defined]
        "return shownFactor({name: 'memo_length', group: 'memo', value: 0}, false)"
    )


def test_a_phone_360_px_wide_shows_the_missing_table_and_chart_whole(
    browser: object, page_url: str, tmp_path: Path
) -> None:
    from PIL import Image
    from selenium.webdriver.common.by import By

    d = browser
    metrics = {"width": 360, "height": 800, "deviceScaleFactor": 1, "mobile": True}
    d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)  # type: ignore[attr-defined]
    try:
        _open(d, page_url)
        assert d.execute_script("return window.innerWidth") == 360  # type: ignore[attr-defined]
        _wait(d, lambda d: d.find_element(By.ID, "memo").get_attribute("value"))
        memo = d.find_element(By.ID, "memo")  # type: ignore[attr-defined]
        memo.clear()
        memo.send_keys("課題：在庫管理が手作業で限界。予算は未確認。")
        _click_score(d)
        _wait(d, lambda d: "調整後の効果" in d.find_element(By.ID, "missing").text)
        for lang in ("ja", "en"):
            width = d.execute_script("return document.documentElement.scrollWidth")  # type: ignore[attr-defined]
            assert width <= 361, (lang, width)
            status = d.find_element(By.CSS_SELECTOR, "#missing td.status")  # type: ignore[attr-defined]
            question = d.find_element(By.CSS_SELECTOR, "#missing td.question")  # type: ignore[attr-defined]
            assert status.rect["width"] > 40 and question.rect["width"] > 150, lang
            assert question.rect["x"] + question.rect["width"] <= 360
            svg_width = d.find_element(By.ID, "chart").rect["width"]  # type: ignore[attr-defined]
            edges = d.execute_script(  # type: ignore[attr-defined]
                "return Array.from(document.querySelectorAll('#chart text'))"
                ".map((t) => { const b = t.getBBox(); return [b.x, b.x + b.width]; })"
            )
            assert edges and all(a >= 0 and b <= svg_width + 1 for a, b in edges), lang
            shot = tmp_path / f"phone-{lang}.png"
            assert d.save_screenshot(str(shot))  # type: ignore[attr-defined]
            image = Image.open(shot).convert("RGB")
            assert image.width == 360
            assert len(image.getcolors(maxcolors=1_000_000) or []) > 50
            if lang == "ja":
                d.find_element(By.ID, "lang").click()  # type: ignore[attr-defined]
                _wait(
                    d,
                    lambda d: (
                        "adjusted effect" in d.find_element(By.ID, "missing").text
                    ),
                )
    finally:
        d.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})  # type: ignore[attr-defined]


def _classes(d: object, element_id: str) -> list[str]:
    from selenium.webdriver.common.by import By

    found = d.find_element(By.ID, element_id)  # type: ignore[attr-defined]
    return str(found.get_attribute("class") or "").split()


def test_an_unseen_industry_is_flagged_on_its_field_and_warned_in_both_languages(
    browser: object, page_url: str
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    d = browser
    _open(d, page_url)
    _wait(d, lambda d: d.find_element(By.ID, "memo").get_attribute("value"))
    industry = d.find_element(By.ID, "industry")  # type: ignore[attr-defined]
    region = d.find_element(By.ID, "region")  # type: ignore[attr-defined]
    industry.clear()
    industry.send_keys("宇宙開発")  # no world industry: the model never saw it
    region.clear()
    region.send_keys("関東")
    _click_score(d)
    _wait(d, lambda d: "unseen" in _classes(d, "industry"))
    assert "unseen" not in _classes(d, "region")
    note = d.find_element(By.ID, "industry-note")  # type: ignore[attr-defined]
    assert note.is_displayed() and note.text == "学習データにない値：不明として判定"
    assert "学習データ" not in d.find_element(By.ID, "region-note").text  # type: ignore[attr-defined]
    warnings = d.find_element(By.ID, "warnings").text  # type: ignore[attr-defined]
    assert (
        "業種「宇宙開発」は学習データにない値です。不明として判定しました" in warnings
    )
    # the values the model knows: what to type, and its name
    assert "manufacturing（製造業）" in warnings
    assert "never seen" not in warnings
    assert "地域「関東」" not in warnings

    d.find_element(By.ID, "lang").click()  # type: ignore[attr-defined]
    _wait(d, lambda d: d.find_element(By.TAG_NAME, "h1").text.startswith("Hand-off"))
    assert note.text == "not seen in training: scored as unknown"
    warnings = d.find_element(By.ID, "warnings").text  # type: ignore[attr-defined]
    assert "lead.industry '宇宙開発' was never seen in training" in warnings
    assert "学習データ" not in warnings
    d.find_element(By.ID, "lang").click()  # type: ignore[attr-defined]
    _wait(d, lambda d: d.find_element(By.TAG_NAME, "h1").text.startswith("トスアップ"))

    # Clear drops the flag; a code typed in shows its name; a known value scores
    # without a flag
    d.find_element(By.ID, "clear").click()  # type: ignore[attr-defined]
    assert "unseen" not in _classes(d, "industry") and note.text == ""
    d.find_element(By.ID, "company_name").send_keys("株式会社つぎ")  # type: ignore[attr-defined]
    industry.send_keys("manufacturing")
    assert note.text == "製造業"
    region.send_keys("関東")
    Select(d.find_element(By.ID, "lead_source")).select_by_value("seminar")  # type: ignore[attr-defined]
    _click_score(d)
    _wait(d, lambda d: d.find_element(By.ID, "probability").text.endswith("%"))
    assert "unseen" not in _classes(d, "industry") and note.text == "製造業"
    assert "学習データにない" not in d.find_element(By.ID, "warnings").text  # type: ignore[attr-defined]

    # the next score clears a flag: the unseen value again, then a known one
    industry.clear()
    industry.send_keys("宇宙開発")
    _click_score(d)
    _wait(d, lambda d: "unseen" in _classes(d, "industry"))
    d.execute_script("document.getElementById('industry').value = 'retail'")  # type: ignore[attr-defined]
    _click_score(d)
    _wait(d, lambda d: "unseen" not in _classes(d, "industry"))
    _wait(d, lambda d: "学習データ" not in d.find_element(By.ID, "warnings").text)


ENGLISH_SENTENCE = re.compile(r"[A-Za-z]+,? [A-Za-z]+,? [A-Za-z]+")


def test_every_warning_the_api_gives_reads_in_japanese(
    browser: object, page_url: str
) -> None:
    from api.schemas import EXAMPLE_SCORE_IN

    d = browser
    _open(d, page_url)
    lead = {**EXAMPLE_SCORE_IN["lead"], "industry": "宇宙開発"}  # and region 東京都
    base = {**EXAMPLE_SCORE_IN, "lead": lead}
    bodies = [
        # as_of before the lead was created, and every event after it
        {**base, "as_of": "2026-09-01T09:00:00+09:00"},
        {**base, "memo": "【社内メモ】\n・Budget(予算)：未確認"},  # an unknown heading
        {**base, "memo": {"budget": "500万円", "shoe_size": "27"}},  # an unknown key
        {**base, "memo": "{not json}"},
        {**base, "memo": ""},  # no memo at all
    ]
    d.set_script_timeout(120)  # type: ignore[attr-defined]
    pairs = d.execute_async_script(  # type: ignore[attr-defined]
        "const done = arguments[arguments.length - 1];"
        "(async () => {"
        "  const said = [];"
        "  for (const body of arguments[0]) {"
        "    const init = {method: 'POST', body: JSON.stringify(body)};"
        "    const r = await api('/v1/score', init);"
        "    said.push(...r.body.warnings);"
        "  }"
        "  state.lang = 'ja';"
        "  done([...new Set(said)].map((w) => [w, warningText(w)]));"
        "})();",
        bodies,
    )
    said = dict(pairs)
    assert len(said) >= 8, said  # time, events, two fields, four of the memo
    for english, japanese in said.items():
        assert japanese != english and JAPANESE.search(japanese), english
        assert not ENGLISH_SENTENCE.search(japanese), (english, japanese)
    shown = " ".join(said.values())
    assert (
        "基準日時（2026-09-01 09:00）がリードの作成日時（2026-09-12 10:24）より前"
        in shown
    )
    assert "行動ログ 9 件は数えていません" in shown
    assert "地域「東京都」は学習データにない値です" in shown
    assert "メモの見出し '【社内メモ】' は認識できません" in shown
    assert "トスアップメモがありません" in shown
