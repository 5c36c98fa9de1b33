"""The API as deployed: a real uvicorn process on loopback, scored over HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
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
