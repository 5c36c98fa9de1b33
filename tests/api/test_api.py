"""The HTTP API in-process: every route, keys, limits, error shapes, logs."""

from __future__ import annotations

import logging
import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from factory import Factory

from api.app import create_app
from api.schemas import EXAMPLE_SCORE_IN
from readiness.scoring.timing_store import TIMING_FILE
from readiness.settings import Settings

with warnings.catch_warnings():  # starlette prefers the httpx2 package; httpx works
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

KEY = "test-key-0123456789"
AUTH = {"X-API-Key": KEY}
MEMO_MARKER = "ROI試算を持参のこと"


@pytest.fixture(scope="module")
def bundle_dir(factory: Factory) -> Path:
    return factory.model_dir()


@pytest.fixture(scope="module")
def client(bundle_dir: Path) -> Iterator[TestClient]:
    settings = Settings(model_dir=bundle_dir, api_key=KEY)
    with TestClient(create_app(settings)) as c:
        yield c


def _lead(**changes: Any) -> dict[str, Any]:
    return {**EXAMPLE_SCORE_IN, **changes}


def _detail(response: Any) -> list[dict[str, Any]]:
    body = response.json()
    assert set(body) == {"detail"}
    for item in body["detail"]:
        assert {"loc", "msg_en", "msg_ja"} <= set(item)
    return body["detail"]


# --- ops ---------------------------------------------------------------------------


def test_healthz_and_readyz_answer_once_the_model_is_loaded(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready"}


def test_without_a_model_the_app_starts_and_scoring_says_how_to_train(
    tmp_path: Path,
) -> None:
    with TestClient(create_app(Settings(model_dir=tmp_path / "none"))) as c:
        assert c.get("/healthz").status_code == 200
        assert c.get("/readyz").status_code == 503
        response = c.post("/v1/score", json=EXAMPLE_SCORE_IN)
        assert response.status_code == 503
        (item,) = _detail(response)
        assert "readiness train DATA_DIR" in item["msg_en"]
        assert "readiness train DATA_DIR" in item["msg_ja"]
        assert "モデル" in item["msg_ja"]


# --- scoring -----------------------------------------------------------------------


def test_score_returns_probability_factors_and_rubric(client: TestClient) -> None:
    response = client.post("/v1/score", json=EXAMPLE_SCORE_IN, headers=AUTH)
    assert response.status_code == 200, response.text
    out = response.json()
    assert out["lead_id"] == EXAMPLE_SCORE_IN["lead"]["lead_id"]
    assert 0.0 < out["probability"] < 1.0
    assert out["probability_low"] <= out["probability"] <= out["probability_high"]
    assert out["grade"] in "ABCD"
    assert out["rubric_total"] == 100.0  # the example memo is complete
    assert out["gate_passed"] is True
    assert out["positive"] or out["negative"]
    assert {i["key"] for i in out["rubric_items"]} >= {"bant", "problem"}
    assert out["as_of"].startswith("2026-10-30T18:00")  # +09:00 → naive Tokyo


def test_score_without_explanations_has_no_factors(client: TestClient) -> None:
    out = client.post("/v1/score", json=_lead(explain=False), headers=AUTH).json()
    assert out["positive"] == out["negative"] == out["missing"] == []


def test_an_empty_memo_lists_missing_elements_with_questions(
    client: TestClient,
) -> None:
    out = client.post("/v1/score", json=_lead(memo=""), headers=AUTH).json()
    assert out["rubric_total"] < 60
    assert out["gate_passed"] is False
    assert out["gate_failures"] and out["gate_failures"][0]["ja"]
    assert out["missing"], "an empty memo misses every element"
    assert all(m["question_ja"] and m["question_en"] for m in out["missing"])


def test_memo_as_a_json_object_is_read_like_the_template(client: TestClient) -> None:
    memo = {
        "Budget(予算)": "年間300万円（確保済み）",
        "決裁者": "社長",
        "企業名": "山田",
    }
    out = client.post("/v1/score", json=_lead(memo=memo), headers=AUTH).json()
    empty = client.post("/v1/score", json=_lead(memo=None), headers=AUTH).json()
    assert out["rubric_total"] > empty["rubric_total"]


def test_as_of_defaults_to_now(client: TestClient) -> None:
    body = {k: v for k, v in EXAMPLE_SCORE_IN.items() if k != "as_of"}
    response = client.post("/v1/score", json=body, headers=AUTH)
    assert response.status_code == 200
    assert response.json()["as_of"] > "2026-10-30"


def test_batch_scores_good_leads_and_reports_bad_ones_by_index(
    client: TestClient,
) -> None:
    contract_bad = _lead(lead={**EXAMPLE_SCORE_IN["lead"], "company_name": ""})
    other = _lead(
        lead={**EXAMPLE_SCORE_IN["lead"], "lead_id": "L-2"}, memo="", explain=False
    )
    body = {"leads": [EXAMPLE_SCORE_IN, {"lead": 1}, other, contract_bad]}
    response = client.post("/v1/score/batch", json=body, headers=AUTH)
    assert response.status_code == 200, response.text
    out = response.json()
    assert (out["scored"], out["failed"]) == (2, 2)
    first, shape_bad, second, bad = out["results"]
    single = client.post("/v1/score", json=EXAMPLE_SCORE_IN, headers=AUTH).json()
    assert first["score"]["probability"] == pytest.approx(single["probability"])
    for end in ("probability_low", "probability_high"):
        assert first["score"][end] == pytest.approx(single[end])
    assert first["score"]["lead_id"] == "L-2026-00412"
    assert second["score"]["lead_id"] == "L-2" and second["score"]["positive"] == []
    assert shape_bad["score"] is None and shape_bad["errors"][0]["loc"][:3] == [
        "body",
        "leads",
        1,
    ]
    assert bad["index"] == 3 and bad["errors"]
    assert bad["errors"][0]["loc"][:5] == ["body", "leads", 3, "lead", "company_name"]


def test_batch_over_1000_leads_is_refused(client: TestClient) -> None:
    response = client.post("/v1/score/batch", json={"leads": [{}] * 1001}, headers=AUTH)
    assert response.status_code == 422
    (item,) = _detail(response)
    assert item["loc"] == ["body", "leads"] and "1000" in item["msg_ja"]


def test_model_route_describes_the_served_model(client: TestClient) -> None:
    out = client.get("/v1/model", headers=AUTH).json()
    assert out["name"] == "lead-readiness"
    assert out["features"] > 50
    assert out["trained_at"] and out["metrics"]["roc_auc"] is not None
    # which candidate is served, why, and every candidate's validation figures
    assert out["predictor"] == "lightgbm" and out["served"] == "model"
    assert out["reason"]
    served = [k for k, c in out["candidates"].items() if c["verdict"] == "served"]
    assert served == ["lightgbm"]
    assert out["candidates"]["constant"]["brier"] is not None
    assert isinstance(out["skipped"], dict)


# --- keys --------------------------------------------------------------------------


def test_v1_routes_need_the_key_when_one_is_configured(client: TestClient) -> None:
    for headers in ({}, {"X-API-Key": "wrong"}, {"X-API-Key": ""}):
        response = client.get("/v1/model", headers=headers)
        assert response.status_code == 401
        assert "X-API-Key" in _detail(response)[0]["msg_ja"]
    assert client.get("/v1/model", headers=AUTH).status_code == 200
    assert client.get("/healthz").status_code == 200  # ops routes stay open


def test_without_a_configured_key_v1_is_open_but_admin_is_forbidden(
    bundle_dir: Path,
) -> None:
    with TestClient(create_app(Settings(model_dir=bundle_dir))) as c:
        assert c.get("/v1/model").status_code == 200
        response = c.post("/v1/admin/reload", headers={"X-API-Key": "anything"})
        assert response.status_code == 403
        (item,) = _detail(response)
        assert "READINESS_API_KEY" in item["msg_en"]
        assert "READINESS_API_KEY" in item["msg_ja"]


def test_admin_reload_needs_the_key(client: TestClient) -> None:
    assert client.post("/v1/admin/reload").status_code == 401
    response = client.post("/v1/admin/reload", headers=AUTH)
    assert response.status_code == 200
    assert response.json()["reloaded"] is True


def test_a_failed_reload_keeps_serving_the_old_model(
    bundle_dir: Path, tmp_path: Path
) -> None:
    copy = shutil.copytree(bundle_dir, tmp_path / "bundle")
    with TestClient(create_app(Settings(model_dir=copy, api_key=KEY))) as c:
        shutil.rmtree(copy)
        response = c.post("/v1/admin/reload", headers=AUTH)
        assert response.status_code == 503
        out = response.json()
        assert out["reloaded"] is False
        assert "still serving the previous model" in out["message_en"]
        assert "以前のモデル" in out["message_ja"]
        assert c.post("/v1/score", json=EXAMPLE_SCORE_IN, headers=AUTH).is_success
        shutil.copytree(bundle_dir, copy)
        assert c.post("/v1/admin/reload", headers=AUTH).json()["reloaded"] is True


# --- limits and bad input ----------------------------------------------------------


@pytest.fixture(scope="module")
def small_client(bundle_dir: Path) -> Iterator[TestClient]:
    settings = Settings(model_dir=bundle_dir, max_request_bytes=20_000)
    with TestClient(create_app(settings)) as c:
        yield c


def test_a_body_over_the_limit_is_413_by_content_length(
    small_client: TestClient,
) -> None:
    response = small_client.post("/v1/score", json=_lead(memo="あ" * 10_000))
    assert response.status_code == 413
    (item,) = _detail(response)
    assert "20,000" in item["msg_en"] and "バイト" in item["msg_ja"]


def test_a_chunked_body_over_the_limit_is_413(small_client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"lead": {}, "memo": "'
        for _ in range(30):
            yield b"x" * 1_000
        yield b'"}'

    response = small_client.post(
        "/v1/score", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert _detail(response)[0]["type"] == "too_large"


def test_a_small_chunked_body_is_scored(small_client: TestClient) -> None:
    import json

    data = json.dumps(EXAMPLE_SCORE_IN).encode()

    def chunks() -> Iterator[bytes]:
        yield from (data[i : i + 500] for i in range(0, len(data), 500))

    response = small_client.post(
        "/v1/score", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 200, response.text


def test_validation_errors_name_the_field_in_english_and_japanese(
    client: TestClient,
) -> None:
    body = {
        "lead": {**EXAMPLE_SCORE_IN["lead"], "employees": -1, "lead_source": "tv"},
        "events": [{"timestamp": "yesterday", "type": "web_visit"}],
    }
    items = {
        tuple(i["loc"]): i
        for i in _detail(client.post("/v1/score", json=body, headers=AUTH))
    }
    assert items[("body", "lead", "employees")]["msg_ja"] == "0 以上を指定してください"
    assert "inquiry" in items[("body", "lead", "lead_source")]["msg_ja"]
    assert "日時" in items[("body", "events", 0, "timestamp")]["msg_ja"]
    assert all(i["msg_en"] for i in items.values())


def test_invalid_json_and_unknown_fields_are_422(client: TestClient) -> None:
    response = client.post(
        "/v1/score",
        content=b'{"lead": ',
        headers={**AUTH, "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert _detail(response)[0]["msg_ja"] == "JSON として読めません"
    response = client.post("/v1/score", json=_lead(memmo="x"), headers=AUTH)
    assert response.status_code == 422
    assert _detail(response)[0]["loc"] == ["body", "memmo"]


def test_contract_problems_from_the_library_are_422_with_paths(
    client: TestClient,
) -> None:
    body = _lead(lead={**EXAMPLE_SCORE_IN["lead"], "attributes": {"shoe_size": 3}})
    response = client.post("/v1/score", json=body, headers=AUTH)
    assert response.status_code == 422
    (item, *_) = _detail(response)
    assert item["loc"] == ["body", "lead", "attributes", "shoe_size"]
    assert item["type"] == "scoring_input"
    assert "lead.attributes" in item["msg_ja"]  # the model uses none: leave it out


def test_a_memo_over_100000_characters_is_422(bundle_dir: Path) -> None:
    settings = Settings(model_dir=bundle_dir, max_request_bytes=2_000_000)
    with TestClient(create_app(settings)) as c:
        response = c.post("/v1/score", json=_lead(memo="a" * 100_001))
    assert response.status_code == 422
    assert "100000" in _detail(response)[0]["msg_ja"]


def test_unknown_paths_answer_in_the_same_error_shape(client: TestClient) -> None:
    response = client.get("/v1/nothing", headers=AUTH)
    assert response.status_code == 404
    assert _detail(response)[0]["msg_ja"]


# --- logs --------------------------------------------------------------------------


def test_logs_carry_lead_ids_and_timings_but_no_memo_or_contact_data(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client.post("/v1/score", json=EXAMPLE_SCORE_IN, headers=AUTH)
    client.post("/v1/score/batch", json={"leads": [EXAMPLE_SCORE_IN]}, headers=AUTH)
    client.post("/v1/score", json=_lead(lead={"x": 1}), headers=AUTH)
    text = caplog.text
    assert "L-2026-00412" in text and " ms" in text
    for secret in (MEMO_MARKER, "tanaka@example.com", "03-0000-0000", "田中"):
        assert secret not in text


def test_score_with_timing_true_also_advises_when_to_toss_up(
    client: TestClient, tmp_path: Path, bundle_dir: Path
) -> None:
    body = {**EXAMPLE_SCORE_IN, "timing": True}
    response = client.post("/v1/score", json=body, headers={"X-API-Key": KEY})
    assert response.status_code == 200, response.text
    timing = response.json()["timing"]
    assert timing["action"] in ("toss_up_now", "keep_nurturing", "at_risk")
    assert timing["reasons"] and timing["probability"] > 0
    plain = client.post("/v1/score", json=EXAMPLE_SCORE_IN, headers={"X-API-Key": KEY})
    assert plain.json()["timing"] is None
    # without a timing model the score still comes, with a warning saying why
    shutil.copytree(bundle_dir, tmp_path / "bundle")
    (tmp_path / "bundle" / TIMING_FILE).unlink()
    with TestClient(create_app(Settings(model_dir=tmp_path / "bundle"))) as bare:
        response = bare.post("/v1/score", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["timing"] is None
    assert any("no timing advice" in w for w in response.json()["warnings"])
