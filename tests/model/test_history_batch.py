"""Two nightly batch runs with news in between: the history tells what changed."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from readiness.batch.run import BatchOptions
from readiness.data.contract import Dataset, write_tables
from readiness.history import open_store, previous_points
from readiness.model.bundle import Bundle, save_bundle
from readiness.settings import Settings
from readiness.workflows.batch import run_score_batch
from readiness.workflows.history import lead_history

MEMO = "・Budget(予算)：300〜500万円（今期予算で確保済み）\n・Need(緊急度・優先度)：高"


def _settings(home: Path) -> Settings:
    return Settings(
        project_dir=home,
        data_dir=home / "world",
        tracking_uri=f"sqlite:///{home / 'mlflow.db'}",
        history_url=f"sqlite:///{home / 'h' / 'history.sqlite'}",
        memo_cache="off",
        workers=1,
    )


@pytest.fixture(scope="module")
def nights(
    tmp_path_factory: pytest.TempPathFactory,
    scoring_dataset: Dataset,
    scoring_bundle: Bundle,
) -> dict[str, object]:
    """Night 1 scores the world; then 3 web visits and a seminar for one open
    lead, and a memo draft with its budget; night 2 scores again."""
    home = tmp_path_factory.mktemp("history")
    model = save_bundle(scoring_bundle, home / "bundle")
    tables = {n: f.copy() for n, f in scoring_dataset.tables().items()}
    write_tables(tables, home / "world")
    handed = set(tables["handoffs"]["lead_id"])
    lead = sorted(set(tables["leads"]["lead_id"]) - handed)[0]
    latest = pd.Timestamp(tables["events"]["timestamp"].max()).to_pydatetime()
    night1 = latest + timedelta(days=1)
    night2 = night1 + timedelta(days=7)
    settings = _settings(home)
    options = BatchOptions(chunk_size=1_000, explain="top:10")

    def night(at: datetime, drafts: Path | None = None) -> dict[str, object]:
        run = run_score_batch(
            home / "world",
            home / f"scores-{at:%m%d}.parquet",
            options=BatchOptions(**{**options.__dict__, "as_of": at}),
            model_dir=model,
            drafts=drafts,
            settings=settings,
        )
        return run.result.summary

    first = night(night1)
    news = pd.DataFrame(
        {
            "lead_id": [lead] * 4,
            "timestamp": [night1 + timedelta(days=d) for d in (1, 2, 3, 4)],
            "type": ["web_visit"] * 3 + ["seminar_attendance"],
            "detail": ["pricing", "product", "pricing", "seminar"],
        }
    ).astype({"timestamp": tables["events"]["timestamp"].dtype})
    tables["events"] = pd.concat([tables["events"], news], ignore_index=True)
    write_tables(tables, home / "world")
    drafts = home / "drafts.csv"
    pd.DataFrame({"lead_id": [lead], "memo": [MEMO]}).to_csv(drafts, index=False)
    second = night(night2, drafts)
    again = night(night2, drafts)  # the same run again (a retry): no new points
    return {
        "home": home,
        "lead": lead,
        "settings": settings,
        "summaries": (first, second, again),
    }


def test_each_run_says_where_its_history_went_and_how_long_it_took(
    nights: dict,
) -> None:
    first, second, _ = nights["summaries"]
    assert first["history"]["rows"] == first["rows_scored"]
    assert first["history"]["url"].endswith("history.sqlite")
    assert "history append" in first["seconds"]["stages"]
    assert first["history"]["run_id"] != second["history"]["run_id"]
    written = json.loads(
        (nights["home"] / "scores-"
         f"{datetime.fromisoformat(first['as_of']):%m%d}.parquet.summary.json")
        .read_text()
    )  # fmt: skip
    assert written["history"] == first["history"]


def test_the_lead_has_two_points_and_the_new_events_between_them(
    nights: dict,
) -> None:
    found = lead_history(nights["lead"], settings=nights["settings"])
    assert len(found.points) == 2
    assert found.points["kind"].tolist() == ["batch", "batch"]
    (change,) = found.changes
    assert change.new_events == {"web_visit": 3, "seminar_attendance": 1}
    assert "3 new web visits, 1 new seminar attendance" in [
        en for _ja, en in change.reasons
    ]
    assert change.last_event_at is not None
    assert not change.model_changed


def test_the_memo_element_filled_between_the_runs_is_named(nights: dict) -> None:
    found = lead_history(nights["lead"], settings=nights["settings"])
    (change,) = found.changes
    assert "budget" in [c.element for c in change.elements_filled]
    assert found.points["memo_elements"].iloc[0]["budget"] == "empty"


def test_running_the_same_batch_again_appends_no_second_copy(nights: dict) -> None:
    _, second, again = nights["summaries"]
    assert again["history"]["run_id"] == second["history"]["run_id"]
    with open_store(nights["settings"].resolved_history_url()) as store:
        assert len(store.runs()) == 2
        before = previous_points(store, [nights["lead"]], second["history"]["run_id"])
    assert before["run_id"].tolist() == [nights["summaries"][0]["history"]["run_id"]]
