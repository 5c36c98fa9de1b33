"""The API as deployed: a real uvicorn process on loopback, scored over HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from test_api import build_bundle

from api.schemas import EXAMPLE_SCORE_IN

KEY = "server-test-key"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    bundle_dir = build_bundle(tmp_path_factory.getbasetemp() / "api-model")
    port = _free_port()
    env = {
        **os.environ,
        "READINESS_MODEL_DIR": str(bundle_dir),
        "READINESS_MODEL_URI": "",
        "READINESS_API_KEY": KEY,
    }
    root = Path(__file__).resolve().parents[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                err = proc.stderr.read().decode() if proc.stderr else ""
                pytest.fail(f"uvicorn exited with {proc.returncode}:\n{err}")
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("uvicorn did not become ready in 60 s")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_a_real_server_scores_a_lead_over_http(server: str) -> None:
    with httpx.Client(base_url=server, timeout=30) as http:
        response = http.post(
            "/v1/score", json=EXAMPLE_SCORE_IN, headers={"X-API-Key": KEY}
        )
        assert response.status_code == 200, response.text
        assert 0.0 < response.json()["probability"] < 1.0
        assert http.post("/v1/score", json=EXAMPLE_SCORE_IN).status_code == 401
        assert http.get("/v1/model", headers={"X-API-Key": KEY}).json()["features"]
