"""API hygiene: a bare `/readyz`, an OpenAPI spec that matches the answers, one
readable bilingual error per problem, warnings for time-inconsistent or unseen
input, and docs pages served without a CDN."""

from __future__ import annotations

import dataclasses
import json
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from factory import FAST_TRAIN, Factory

from api.app import create_app
from api.schemas import EXAMPLE_SCORE_IN
from readiness.model.bundle import bundle_from_result, save_bundle
from readiness.model.train import train
from readiness.settings import Settings

with warnings.catch_warnings():  # starlette prefers the httpx2 package; httpx works
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

KEY = "hygiene-key-0123456789"
AUTH = {"X-API-Key": KEY}
JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def bundle_dir(factory: Factory) -> Path:
    return factory.model_dir()


@pytest.fixture(scope="module")
def keyed(bundle_dir: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(model_dir=bundle_dir, api_key=KEY))) as c:
        yield c


@pytest.fixture(scope="module")
def open_client(bundle_dir: Path) -> Iterator[TestClient]:
    settings = Settings(model_dir=bundle_dir, max_request_bytes=20_000)
    with TestClient(create_app(settings)) as c:
        yield c


def _lead(**changes: Any) -> dict[str, Any]:
    return {**EXAMPLE_SCORE_IN, **changes}


def _attrs(**changes: Any) -> dict[str, Any]:
    return _lead(lead={**EXAMPLE_SCORE_IN["lead"], **changes})


def _detail(response: Any) -> list[dict[str, Any]]:
    body = response.json()
    assert set(body) == {"detail"}, body
    for item in body["detail"]:
        assert set(item) == {"loc", "msg_en", "msg_ja", "type"}
    return body["detail"]


def _has_japanese(text: str) -> bool:
    return any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in text)


# --- (a) /readyz is bare ---------------------------------------------------------


def test_readyz_says_ready_and_nothing_the_key_protects(keyed: TestClient) -> None:
    response = keyed.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready"}
    assert keyed.get("/v1/model").status_code == 401


def test_readyz_without_a_model_is_503_without_details(tmp_path: Path) -> None:
    settings = Settings(model_dir=tmp_path / "none", api_key=KEY)
    with TestClient(create_app(settings)) as c:
        response = c.get("/readyz")
    assert response.status_code == 503
    (item,) = _detail(response)
    assert item["type"] == "not_ready"
    assert str(tmp_path) not in response.text


# --- (b) the OpenAPI spec matches the answers ------------------------------------


def _operations(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        f"{method.upper()} {path}": op
        for path, ops in spec["paths"].items()
        for method, op in ops.items()
    }


def test_the_key_is_required_in_the_spec_only_when_configured(
    keyed: TestClient, open_client: TestClient
) -> None:
    with_key = _operations(keyed.get("/openapi.json").json())
    without = _operations(open_client.get("/openapi.json").json())
    for name in ("POST /v1/score", "GET /v1/model", "GET /v1/leads"):
        assert with_key[name]["security"] == [{"APIKeyHeader": []}]
        assert "401" in with_key[name]["responses"]
        assert "security" not in without[name]
        assert "401" not in without[name]["responses"]
    # admin routes always need the key
    assert without["POST /v1/admin/reload"]["security"] == [{"APIKeyHeader": []}]


def test_error_answers_are_documented_in_the_error_shape(keyed: TestClient) -> None:
    spec = keyed.get("/openapi.json").json()
    ops = _operations(spec)
    error_ref = "#/components/schemas/ErrorOut"

    def ref(op: str, code: str) -> str:
        return ops[op]["responses"][code]["content"]["application/json"]["schema"][
            "$ref"
        ]

    for op in ("POST /v1/score", "POST /v1/score/batch", "POST /v1/timing"):
        for code in ("400", "401", "413", "422"):
            assert ref(op, code) == error_ref, (op, code)
    for op in ("GET /v1/leads", "GET /v1/leads/{lead_id}"):
        for code in ("401", "404", "422"):
            assert ref(op, code) == error_ref, (op, code)
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    # and /v1/leads answers a 422 in that shape
    response = keyed.get("/v1/leads?limit=0", headers=AUTH)
    assert response.status_code == 422
    assert _detail(response)[0]["loc"] == ["query", "limit"]


@pytest.mark.parametrize("field", ["company_name", "industry", "region"])
def test_empty_required_text_is_refused_by_the_schema(
    keyed: TestClient, field: str
) -> None:
    spec = keyed.get("/openapi.json").json()
    assert (
        spec["components"]["schemas"]["LeadIn"]["properties"][field]["minLength"] == 1
    )
    response = keyed.post("/v1/score", json=_attrs(**{field: ""}), headers=AUTH)
    assert response.status_code == 422
    (item,) = _detail(response)
    assert item["loc"] == ["body", "lead", field]
    assert item["type"] == "string_too_short" and _has_japanese(item["msg_ja"])
    response = keyed.post("/v1/score", json=_attrs(**{field: "  "}), headers=AUTH)
    (item,) = _detail(response)
    assert item["loc"] == ["body", "lead", field]
    assert item["type"] == "blank" and item["msg_ja"] == "空白だけにはできません"


# --- (c) errors for people -------------------------------------------------------


def test_a_too_long_memo_is_one_error_with_a_readable_path(bundle_dir: Path) -> None:
    settings = Settings(model_dir=bundle_dir, max_request_bytes=2_000_000)
    with TestClient(create_app(settings)) as c:
        for memo in ("a" * 100_001, {"notes": "a" * 100_001}):
            (item,) = _detail(c.post("/v1/score", json=_lead(memo=memo)))
            assert item["loc"] == ["body", "memo"]
            assert "文字" in item["msg_ja"] and "件" not in item["msg_ja"]
            assert "characters" in item["msg_en"]
        (item,) = _detail(c.post("/v1/score", json=_lead(memo=[1])))
        assert item["loc"] == ["body", "memo"] and item["type"] == "memo_type"


def test_a_too_long_text_field_counts_characters(open_client: TestClient) -> None:
    (item,) = _detail(open_client.post("/v1/score", json=_lead(is_rep="x" * 1001)))
    assert item["loc"] == ["body", "is_rep"]
    assert "1000 文字" in item["msg_ja"] and "characters" in item["msg_en"]


def test_a_nan_revenue_is_told_it_is_not_a_number(open_client: TestClient) -> None:
    body = _attrs(annual_revenue=float("nan"))
    import json

    raw = json.dumps(body).encode()  # NaN, as Python and JavaScript write it
    assert b"NaN" in raw
    (item,) = _detail(open_client.post("/v1/score", content=raw, headers=JSON))
    assert item["loc"] == ["body", "lead", "annual_revenue"]
    assert "not a number" in item["msg_en"] and "1e12" not in item["msg_en"]
    assert "数値ではありません" in item["msg_ja"]


def test_the_413_of_a_single_score_does_not_talk_of_batches(
    open_client: TestClient,
) -> None:
    single = open_client.post("/v1/score", json=_lead(memo="あ" * 10_000))
    assert single.status_code == 413
    (item,) = _detail(single)
    assert "batch" not in item["msg_en"] and "バッチ" not in item["msg_ja"]
    assert "memo" in item["msg_en"]
    batch = open_client.post(
        "/v1/score/batch", json={"leads": [_lead(memo="あ" * 10_000)]}
    )
    assert batch.status_code == 413
    assert "batch" in _detail(batch)[0]["msg_en"]


@pytest.mark.parametrize(
    "body",
    [
        b'{"lead": "\xff\xfe"}',
        b"[" * 100_000 + b"]" * 100_000,
    ],
    ids=["not-utf8", "nested-too-deep"],
)
def test_an_unreadable_body_is_a_documented_400_in_japanese(
    bundle_dir: Path, body: bytes
) -> None:
    settings = Settings(model_dir=bundle_dir, max_request_bytes=1_000_000)
    with TestClient(create_app(settings)) as c:
        response = c.post("/v1/score", content=body, headers=JSON)
    assert response.status_code == 400
    (item,) = _detail(response)
    assert item["type"] == "unreadable_body"
    assert "UTF-8" in item["msg_en"]
    assert _has_japanese(item["msg_ja"]) and "parsing" not in item["msg_ja"]


def test_a_wrong_lead_status_filter_is_told_in_japanese(keyed: TestClient) -> None:
    response = keyed.get("/v1/leads?status=nope", headers=AUTH)
    assert response.status_code == 422
    (item,) = _detail(response)
    assert item["loc"] == ["query", "status"]
    assert item["msg_ja"].startswith("形式が正しくありません")


ENGLISH_SENTENCE = re.compile(r"[A-Za-z]+,? [A-Za-z]+,? [A-Za-z]+")


def _said_in_japanese(item: dict[str, Any]) -> bool:
    """A Japanese message that quotes no English sentence (names and paths aside)."""
    ja = item["msg_ja"]
    return (
        _has_japanese(ja) and not ENGLISH_SENTENCE.search(ja) and ja != item["msg_en"]
    )


def test_a_scoring_input_422_is_one_error_said_in_japanese_and_english(
    open_client: TestClient,
) -> None:
    where = ["lead", "attributes", "shoe_size"]  # the model uses no attributes
    body = _attrs(attributes={"shoe_size": 3})
    for route in ("/v1/score", "/v1/timing"):
        sent = {k: v for k, v in body.items() if k != "explain"}
        response = open_client.post(route, json=sent)
        assert response.status_code == 422, response.text
        (item,) = _detail(response)
        assert item["loc"] == ["body", *where] and item["type"] == "scoring_input"
        assert _said_in_japanese(item), item
        assert ENGLISH_SENTENCE.search(item["msg_en"]), item
    batch = open_client.post("/v1/score/batch", json={"leads": [body]})
    (item,) = batch.json()["results"][0]["errors"]
    assert item["loc"] == ["body", "leads", 0, *where] and _said_in_japanese(item)


def test_a_blank_lead_id_is_one_error_not_one_per_event(
    open_client: TestClient,
) -> None:
    body = _attrs(lead_id="   ")
    (item,) = _detail(open_client.post("/v1/score", json=body))
    assert item["loc"] == ["body", "lead", "lead_id"] and item["type"] == "blank"
    batch = open_client.post("/v1/score/batch", json={"leads": [body]})
    (item,) = batch.json()["results"][0]["errors"]
    assert item["loc"] == ["body", "leads", 0, "lead", "lead_id"]
    assert item["msg_ja"] == "空白だけにはできません"


# --- (d) time consistency and unseen categories ----------------------------------


def _known() -> dict[str, Any]:
    """A lead of the served world (known categories), consistent in time."""
    lead = {
        **EXAMPLE_SCORE_IN["lead"],
        "industry": "manufacturing",
        "region": "関東",
        "lead_source": "download",
        "contact_role": "decision_maker",
    }
    return _lead(lead=lead)


def test_a_consistent_lead_of_known_values_has_no_input_warnings(
    open_client: TestClient,
) -> None:
    response = open_client.post("/v1/score", json=_known())
    assert response.status_code == 200, response.text
    notes = response.json()["warnings"]
    assert not [w for w in notes if "as_of" in w or "never seen" in w]


def test_as_of_before_creation_and_later_events_are_warned(
    open_client: TestClient,
) -> None:
    body = _known()
    body["as_of"] = "2026-09-01T09:00:00+09:00"  # created 2026-09-12
    notes = open_client.post("/v1/score", json=body).json()["warnings"]
    assert any("before the lead was created" in w for w in notes)
    assert any(f"{len(EXAMPLE_SCORE_IN['events'])} event(s)" in w for w in notes)

    body["as_of"] = "2026-10-09T00:00:00+09:00"  # 4 of 9 events after
    notes = open_client.post("/v1/score", json=body).json()["warnings"]
    assert not any("before the lead was created" in w for w in notes)
    (later,) = [w for w in notes if "not counted" in w]
    assert later.startswith("4 event(s)") and "events[5]" in later


def test_each_unseen_category_value_gets_its_own_warning(
    open_client: TestClient,
) -> None:
    # the shipped example: 製造業 / 東京都 against the world's vocabulary
    body = _lead(as_of="2026-10-30T18:00:00+09:00")
    for route in ("/v1/score", "/v1/timing"):
        payload = (
            body
            if route == "/v1/score"
            else {k: v for k, v in body.items() if k != "explain"}
        )
        response = open_client.post(route, json=payload)
        assert response.status_code == 200, response.text
        unseen = [w for w in response.json()["warnings"] if "never seen" in w]
        assert len(unseen) == 2, unseen
        assert any("lead.industry '製造業'" in w for w in unseen)
        assert any("lead.region '東京都'" in w and "関東" in w for w in unseen)
    # with timing advice inside a score, the warnings are said once
    scored = open_client.post("/v1/score", json={**body, "timing": True}).json()
    assert scored["timing"] is not None
    assert not [w for w in scored["timing"]["warnings"] if "never seen" in w]
    # a batch warns per lead
    batch = open_client.post("/v1/score/batch", json={"leads": [body, _known()]}).json()
    first, second = (r["score"]["warnings"] for r in batch["results"])
    assert len([w for w in first if "never seen" in w]) == 2
    assert not [w for w in second if "never seen" in w]


PLANS = ("basic", "pro", "エンタープライズ")


@pytest.fixture(scope="module")
def with_attributes(
    factory: Factory, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    """A model trained with two extra lead columns: `plan` (a category) and
    `score_x` (a number)."""
    dataset = factory.dataset()
    rng = np.random.default_rng(7)
    leads = dataset.leads.assign(
        plan=rng.choice(PLANS, len(dataset.leads)),
        score_x=rng.normal(size=len(dataset.leads)),
    )
    extras = {"plan": "category", "score_x": "numeric"}
    dataset = dataclasses.replace(dataset, leads=leads, extra_lead_columns=extras)
    result = train(dataset, config=FAST_TRAIN)
    assert result.served == "model", result.reason
    out = tmp_path_factory.mktemp("with-attributes")
    save_bundle(bundle_from_result(result, data_fingerprint="x", commit=None), out)
    with TestClient(create_app(Settings(model_dir=out))) as c:
        yield c


def _with(**attributes: Any) -> dict[str, Any]:
    body = _known()
    return {**body, "lead": {**body["lead"], "attributes": attributes}}


def test_an_unseen_attribute_value_is_warned_like_an_unseen_industry(
    with_attributes: TestClient,
) -> None:
    c = with_attributes
    response = c.post("/v1/score", json=_with(plan="gold", score_x=1.5))
    assert response.status_code == 200, response.text
    (unseen,) = [w for w in response.json()["warnings"] if "never seen" in w]
    assert unseen.startswith("lead.attributes.plan 'gold' was never seen in training")
    assert all(plan in unseen for plan in PLANS)
    # a known value, as the model reads it (trimmed), and numbers: no warning
    for plan in ("pro", " エンタープライズ "):
        notes = c.post("/v1/score", json=_with(plan=plan, score_x=2)).json()
        assert not [w for w in notes["warnings"] if "never seen" in w], plan
    batch = c.post("/v1/score/batch", json={"leads": [_with(plan="gold")]}).json()
    notes = batch["results"][0]["score"]["warnings"]
    assert len([w for w in notes if "lead.attributes.plan 'gold'" in w]) == 1


def test_a_wrong_attribute_value_is_told_at_its_path_in_japanese(
    with_attributes: TestClient,
) -> None:
    c = with_attributes
    cases = [
        (_with(plan="pro", score_x="many"), "score_x", "数値"),
        (_with(plna="pro"), "plna", "plan, score_x"),
    ]
    for body, name, said in cases:
        response = c.post("/v1/score", json=body)
        assert response.status_code == 422, response.text
        (item,) = _detail(response)
        assert item["loc"] == ["body", "lead", "attributes", name]
        assert said in item["msg_ja"] and _said_in_japanese(item), item
        assert "readiness.yaml" not in item["msg_en"]  # a request has no mapping
    raw = json.dumps(_with(plan="pro", score_x=float("nan"))).encode()
    (item,) = _detail(c.post("/v1/score", content=raw, headers=JSON))
    assert item["loc"] == ["body", "lead", "attributes", "score_x"]
    assert item["msg_ja"].startswith("NaN は値ではありません")


# --- (e) /docs and /redoc without a CDN ------------------------------------------


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_load_only_local_assets(open_client: TestClient, page: str) -> None:
    import re

    response = open_client.get(page)
    assert response.status_code == 200
    html = response.text
    urls = re.findall(r"""(?:src|href|spec-url)\s*=\s*["']([^"']+)["']""", html)
    urls += re.findall(r"""\burl\s*:\s*["']([^"']+)["']""", html)
    assert urls, html
    for url in urls:
        assert url.startswith("/"), f"{page} loads {url}"
        assert not url.startswith("//"), f"{page} loads {url}"
    assert "http://" not in html and "https://" not in html
    assert "/openapi.json" in urls
    for url in urls:
        if url != "/openapi.json":
            asset = open_client.get(url)
            assert asset.status_code == 200, url
            assert len(asset.content) > 100, url
