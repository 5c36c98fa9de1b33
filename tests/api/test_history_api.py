"""The score history through the API: opt-in appends and a lead's history."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from factory import Factory

from api.app import create_app
from api.schemas import EXAMPLE_SCORE_IN
from readiness.settings import Settings

with warnings.catch_warnings():  # starlette prefers the httpx2 package; httpx works
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

LEAD = EXAMPLE_SCORE_IN["lead"]["lead_id"]


@pytest.fixture(scope="module")
def kept(
    factory: Factory, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, Path]]:
    home = tmp_path_factory.mktemp("api-history")
    settings = Settings(
        model_dir=factory.model_dir(),
        data_dir=home / "none",
        history_url=f"sqlite:///{home / 'history.sqlite'}",
        history_api=True,
    )
    with TestClient(create_app(settings)) as c:
        yield c, home


def _later(body: dict[str, Any]) -> dict[str, Any]:
    """A week on: two more web visits and a seminar."""
    events = [
        *body["events"],
        {"timestamp": "2026-11-02T10:00:00+09:00", "type": "web_visit"},
        {"timestamp": "2026-11-03T10:00:00+09:00", "type": "web_visit"},
        {"timestamp": "2026-11-04T10:00:00+09:00", "type": "seminar_attendance"},
    ]
    return {**body, "events": events, "as_of": "2026-11-06T18:00:00+09:00"}


def test_kept_scores_make_a_history_with_the_new_events_between(
    kept: tuple[TestClient, Path],
) -> None:
    client, home = kept
    assert client.post("/v1/score", json=EXAMPLE_SCORE_IN).status_code == 200
    assert client.post("/v1/score", json=_later(EXAMPLE_SCORE_IN)).status_code == 200
    assert (home / "history.sqlite").exists()
    response = client.get(f"/v1/leads/{LEAD}/history")
    assert response.status_code == 200, response.text
    out = response.json()
    assert [p["kind"] for p in out["points"]] == ["api", "api"]
    assert out["points"][0]["as_of"].startswith("2026-10-30T18:00")
    (change,) = out["changes"]
    assert change["new_events"] == {"web_visit": 2, "seminar_attendance": 1}
    assert change["model_changed"] is False
    reasons = [r["en"] for r in change["reasons"]]
    assert "2 new web visits, 1 new seminar attendance" in reasons
    assert all(r["ja"] for r in change["reasons"])


def test_a_lead_without_history_is_a_bilingual_404(
    kept: tuple[TestClient, Path],
) -> None:
    client, _ = kept
    response = client.get("/v1/leads/NOBODY-1/history")
    assert response.status_code == 404
    (item,) = response.json()["detail"]
    assert "NOBODY-1" in item["msg_en"] and "履歴" in item["msg_ja"]


def test_scores_are_not_kept_unless_asked_and_reading_creates_no_file(
    factory: Factory, tmp_path: Path
) -> None:
    settings = Settings(
        model_dir=factory.model_dir(),
        data_dir=tmp_path / "data",
        history_url=f"sqlite:///{tmp_path / 'history.sqlite'}",
    )
    with TestClient(create_app(settings)) as client:
        assert client.post("/v1/score", json=EXAMPLE_SCORE_IN).status_code == 200
        assert client.get(f"/v1/leads/{LEAD}/history").status_code == 404
    assert not (tmp_path / "history.sqlite").exists()
