"""The API as deployed: a real uvicorn process on loopback, scored over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from browser import headless_chromium
from factory import Factory
from uvicorn_server import running_server

from api.schemas import EXAMPLE_SCORE_IN

KEY = "server-test-key"


@pytest.fixture(scope="module")
def server(factory: Factory) -> Iterator[str]:
    bundle_dir = factory.model_dir()
    env = {
        "READINESS_MODEL_DIR": str(bundle_dir),
        "READINESS_MODEL_URI": "",
        "READINESS_API_KEY": KEY,
    }
    with running_server(env) as url:
        yield url


def test_a_real_server_scores_a_lead_over_http(server: str) -> None:
    with httpx.Client(base_url=server, timeout=30) as http:
        response = http.post(
            "/v1/score", json=EXAMPLE_SCORE_IN, headers={"X-API-Key": KEY}
        )
        assert response.status_code == 200, response.text
        assert 0.0 < response.json()["probability"] < 1.0
        assert http.post("/v1/score", json=EXAMPLE_SCORE_IN).status_code == 401
        assert http.get("/v1/model", headers={"X-API-Key": KEY}).json()["features"]


@pytest.fixture(scope="module")
def offline_browser() -> Iterator[Any]:
    """Headless Chromium that can reach loopback only: any other host fails to
    resolve, as on a closed network."""
    with headless_chromium(
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
        capabilities={"goog:loggingPrefs": {"browser": "ALL"}},
    ) as driver:
        yield driver


@pytest.mark.parametrize(
    ("page", "selector"),
    [("/docs", ".opblock-summary-path"), ("/redoc", "[data-section-id]")],
)
def test_docs_pages_render_the_operations_offline(
    server: str, offline_browser: Any, page: str, selector: str
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    offline_browser.get(server + page)

    def rendered(driver: Any) -> bool:
        text = " ".join(e.text for e in driver.find_elements(By.CSS_SELECTOR, selector))
        body = driver.find_element(By.TAG_NAME, "body").text
        return "/v1/score" in text or "/v1/score" in body

    WebDriverWait(offline_browser, 60).until(rendered)
    loaded = offline_browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    assert any(url.startswith(f"{server}/docs-assets/") for url in loaded), loaded
    # nothing from outside was fetched: what is not ours was refused by the page's
    # policy before any request (ReDoc's CDN logo)
    refused = " ".join(
        e["message"]
        for e in offline_browser.get_log("browser")
        if "Content Security Policy" in e["message"]
    )
    outside = [url for url in loaded if not url.startswith(server)]
    assert all(url in refused for url in outside), (outside, refused)
