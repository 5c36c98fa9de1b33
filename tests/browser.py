"""Headless Chromium for the browser tests: found, started and quit one way.

The page and the docs pages are tested in a real Chromium driven by chromedriver.
Without them a local run skips those tests; CI installs both (.ci/run), so there
a missing browser fails instead of being skipped silently.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import pytest

BASE_ARGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--window-size=1400,1200",
)


def chromium_paths() -> tuple[str, str]:
    """(chromium, chromedriver); skips the test without them (fails it on CI)."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if chromium and driver:
        return chromium, driver
    why = "needs chromium and chromedriver (apt-get install chromium chromium-driver)"
    if os.environ.get("CI"):
        pytest.fail(why)  # CI installs them (.ci/run): never silently skipped there
    pytest.skip(why)


@contextmanager
def headless_chromium(
    *args: str, capabilities: Mapping[str, Any] | None = None
) -> Iterator[Any]:
    """A Selenium driver of headless Chromium with `BASE_ARGS` and `args`."""
    chromium, driver_path = chromium_paths()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for name, value in (capabilities or {}).items():
        options.set_capability(name, value)
    for arg in (*BASE_ARGS, *args):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
