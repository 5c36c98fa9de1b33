"""The page for IS reps in a real headless Chromium, served by a real uvicorn."""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from factory import Factory
from uvicorn_server import running_server

CHROMIUM_ARGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--window-size=1400,1200",
    "--lang=ja",
)


@pytest.fixture(scope="module")
def model_root(factory: Factory) -> Path:
    return factory.project()  # world/ and bundle/


def _browser() -> tuple[str, str]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if chromium and driver:
        return chromium, driver
    why = "needs chromium and chromedriver (apt-get install chromium chromium-driver)"
    if os.environ.get("CI"):
        pytest.fail(why)  # CI installs them (.ci/run): never silently skipped there
    pytest.skip(why)


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
    chromium, driver_path = _browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in CHROMIUM_ARGS:
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


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


def _all_won(items: list[object]) -> bool:
    """The list shows only won leads (not an earlier, unfiltered answer)."""
    return bool(items) and all("受注" in i.text for i in items[:20])  # type: ignore[attr-defined]


def test_a_rep_picks_a_lead_and_reads_the_score_why_and_what_to_ask(
    browser: object, page_url: str, tmp_path: Path
) -> None:
    from PIL import Image
    from selenium.webdriver.common.by import By

    d = browser
    d.get(page_url)  # type: ignore[attr-defined]
    _wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, "#lead-list li"))
    # the first lead that was handed off with a memo (won or lost)
    d.find_element(By.ID, "lead-status").send_keys("受注")
    _wait(d, lambda d: _all_won(d.find_elements(By.CSS_SELECTOR, "#lead-list li")))
    d.find_element(By.CSS_SELECTOR, "#lead-list li").click()
    _wait(d, lambda d: d.find_element(By.ID, "probability").text.endswith("%"))

    probability = float(d.find_element(By.ID, "probability").text.rstrip("%"))
    assert 0 < probability < 100
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
    d.get(page_url)  # type: ignore[attr-defined]
    _wait(d, lambda d: d.find_element(By.ID, "memo").get_attribute("value"))
    assert "【顧客基本情報】" in d.find_element(By.ID, "memo").get_attribute("value")
    d.find_element(By.ID, "company_name").clear()
    d.find_element(By.ID, "score").click()
    # the browser's own check stops an empty required field before any request
    assert d.find_element(By.ID, "result").get_attribute("hidden") is not None
    d.find_element(By.ID, "company_name").send_keys("株式会社テスト")
    employees = d.find_element(By.ID, "employees")
    employees.clear()
    employees.send_keys("20000000")  # the browser accepts it, the API does not
    d.find_element(By.ID, "score").click()
    _wait(d, lambda d: d.find_element(By.ID, "error").is_displayed())
    assert "lead.employees" in d.find_element(By.ID, "error").text
    employees.clear()
    employees.send_keys("120")
    d.find_element(By.ID, "score").click()
    _wait(d, lambda d: d.find_element(By.ID, "answer").is_displayed())
    assert d.find_element(By.ID, "probability").text.endswith("%")
    assert not d.find_element(By.ID, "error").is_displayed()
    pd.Timestamp(d.find_element(By.ID, "as-of-label").text)  # the example's moment
    # a thin memo: every missing element shows its adjusted effect or that it has none
    memo = d.find_element(By.ID, "memo")
    memo.clear()
    memo.send_keys("課題：在庫管理が手作業で限界。予算は未確認。")
    d.find_element(By.ID, "score").click()
    _wait(d, lambda d: "調整後の効果" in d.find_element(By.ID, "missing").text)
    rows = d.find_elements(By.CSS_SELECTOR, "#missing tbody tr")
    assert len(rows) >= 3 and all("調整後の効果" in r.text for r in rows)
