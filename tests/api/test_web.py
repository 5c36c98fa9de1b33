"""The page for IS reps, in process: its assets and its lead routes.

The page in a real browser is tests/e2e/test_web_page.py."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from factory import Factory
from fastapi.testclient import TestClient

from api.app import create_app
from api.routes.page import STATIC
from readiness.data.load import load_dataset
from readiness.features.build import toss_up_points
from readiness.model.bundle import load_bundle
from readiness.scoring.score import score_points
from readiness.settings import Settings

SVG_NAMESPACE = "http://www.w3.org/2000/svg"


@pytest.fixture(scope="module")
def model_root(factory: Factory) -> Path:
    return factory.project()  # world/ and bundle/


@pytest.fixture(scope="module")
def client(model_root: Path) -> Iterator[TestClient]:
    settings = Settings(
        model_dir=model_root / "bundle",
        data_dir=model_root / "world",
        rubric_dir=model_root / "no-rubric",
        model_uri="",
        api_key="",
    )
    with TestClient(create_app(settings)) as c:
        yield c


def test_the_page_and_its_assets_are_served_without_any_external_url(
    client: TestClient,
) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "トスアップ判定" in page.text
    for asset in ("/static/app.js", "/static/app.css"):
        assert client.get(asset).status_code == 200
    for path in STATIC.iterdir():  # offline deployments: no CDN, no web fonts
        text = path.read_text().replace(SVG_NAMESPACE, "")  # a name, never fetched
        assert not re.search(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text), path.name


def test_leads_are_listed_filtered_and_returned_as_scoring_requests(
    client: TestClient, model_root: Path
) -> None:
    listed = client.get("/v1/leads", params={"status": "won", "limit": 5}).json()
    assert listed["total"] > 5 and len(listed["leads"]) == 5
    assert {r["status"] for r in listed["leads"]} == {"won"}
    one = listed["leads"][0]
    found = client.get("/v1/leads", params={"q": one["lead_id"]}).json()
    assert [r["lead_id"] for r in found["leads"]] == [one["lead_id"]]

    request = client.get(f"/v1/leads/{one['lead_id']}").json()
    assert request["memo"] and request["as_of"]
    scored = client.post("/v1/score", json=request)
    assert scored.status_code == 200, scored.text
    # the same toss-up scored from the data directly, by the library
    dataset = load_dataset(model_root / "world")
    points = toss_up_points(dataset)
    point = points[points["lead_id"] == one["lead_id"]]
    bundle = load_bundle(model_root / "bundle")
    (direct,) = score_points(dataset, point, bundle=bundle, explain=False)
    assert scored.json()["probability"] == pytest.approx(direct.probability, abs=1e-9)


def test_an_unknown_lead_or_no_data_directory_says_what_to_do(
    client: TestClient, model_root: Path, tmp_path: Path
) -> None:
    missing = client.get("/v1/leads/no-such-lead")
    assert missing.status_code == 404
    assert "not in the data" in missing.json()["detail"][0]["msg_en"]
    settings = Settings(
        model_dir=model_root / "bundle",
        data_dir=tmp_path / "nowhere",
        model_uri="",
        api_key="",
    )
    with TestClient(create_app(settings)) as c:
        response = c.get("/v1/leads")
        assert response.status_code == 404
        assert "READINESS_DATA_DIR" in response.json()["detail"][0]["msg_en"]
        assert c.get("/").status_code == 200  # pasting a memo needs no data
