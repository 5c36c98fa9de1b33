"""Nothing personal in the API's logs or docs: lead searches (company names in the
query string) are logged without their query, by the app and by uvicorn itself,
and the OpenAPI examples carry only obviously fictional contact data."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from clean_env import scrubbed_env
from uvicorn_server import ROOT, free_port

from api.access_log import ScrubQueryStrings, scrub_target
from api.app import create_app
from readiness.settings import Settings

SECRET_COMPANY = "株式会社秘密商事"
PHONE = re.compile(r"\d{2,4}-\d{2,4}-\d{3,4}")
EMAIL = re.compile(r"[\w.+-]+@([\w-]+(?:\.[\w-]+)+)")
FICTIONAL_DOMAINS = ("example.com", "example.jp", "example.org", "example.net")


def test_scrub_target_drops_api_query_strings_only() -> None:
    assert scrub_target(f"/v1/leads?q={SECRET_COMPANY}&limit=5") == "/v1/leads"
    assert scrub_target("/v1/leads/L-1?x=1") == "/v1/leads/L-1"
    assert scrub_target("/v1/leads") == "/v1/leads"
    assert scrub_target("/static/app.js?v=3") == "/static/app.js?v=3"


def test_uvicorn_style_access_records_are_rewritten_by_create_app(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    create_app(Settings(model_dir=tmp_path, model_uri="", api_key="k"))
    access = logging.getLogger("uvicorn.access")
    assert sum(isinstance(f, ScrubQueryStrings) for f in access.filters) == 1
    create_app(Settings(model_dir=tmp_path, model_uri="", api_key="k"))
    assert sum(isinstance(f, ScrubQueryStrings) for f in access.filters) == 1
    caplog.set_level(logging.INFO, logger="uvicorn.access")
    target = f"/v1/leads?q={quote(SECRET_COMPANY)}"
    access.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5", "GET", target, "1.1", 200)
    assert '"GET /v1/leads HTTP/1.1" 200' in caplog.text
    assert "q=" not in caplog.text and quote(SECRET_COMPANY) not in caplog.text


def test_a_real_uvicorn_access_log_has_no_lead_search_query(tmp_path: Path) -> None:
    port = free_port()
    out = tmp_path / "uvicorn.log"
    env = {
        **scrubbed_env(),
        "READINESS_MODEL_DIR": str(tmp_path / "no-model"),
        "READINESS_MODEL_URI": "",
        "READINESS_API_KEY": "privacy-key",
        "READINESS_DATA_DIR": str(tmp_path / "no-data"),
    }
    with out.open("wb") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory",
             "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                assert proc.poll() is None, out.read_text(errors="replace")
                try:
                    if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "uvicorn did not start"
                time.sleep(0.2)
            headers = {"X-API-Key": "privacy-key"}
            params = {"q": SECRET_COMPANY, "status": "open"}
            httpx.get(f"{url}/v1/leads", params=params, headers=headers, timeout=10)
            httpx.get(f"{url}/v1/leads", params=params, timeout=10)  # 401
            httpx.get(f"{url}/healthz", timeout=10)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    text = out.read_text(encoding="utf-8", errors="replace")
    assert text.count("GET /v1/leads HTTP/1.1") == 2, text  # logged, without query
    assert "GET /healthz" in text
    for leaked in ("q=", SECRET_COMPANY, quote(SECRET_COMPANY), "status=open"):
        assert leaked not in text, text


def test_openapi_examples_carry_only_fictional_phones_and_e_mails(
    tmp_path: Path,
) -> None:
    app = create_app(Settings(model_dir=tmp_path, model_uri="", api_key="k"))
    text = json.dumps(app.openapi(), ensure_ascii=False)
    emails = EMAIL.findall(text)
    phones = PHONE.findall(text)
    assert emails and phones  # the memo example does show contact data …
    for domain in emails:  # … on reserved domains and all-zero numbers only
        assert domain.endswith(FICTIONAL_DOMAINS), domain
    for phone in phones:
        assert set(phone.split("-", 1)[1]) <= {"0", "-"}, phone
