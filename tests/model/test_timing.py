"""Timing advice: learned from the history, point-in-time, in business terms."""

from __future__ import annotations

import dataclasses
import json
import warnings
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from readiness.cli import main
from readiness.data.contract import Dataset
from readiness.data.write import write_frames
from readiness.features.build import build_features
from readiness.model.bundle import Bundle, save_bundle
from readiness.scoring.lead import lead_dataset
from readiness.scoring.timing import lead_states, open_lead_points, recommend
from readiness.scoring.timing_model import (
    AT_RISK,
    KEEP_NURTURING,
    TimingError,
    TimingModel,
    grid_points,
)
from readiness.scoring.timing_store import load_timing, save_timing

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

AS_OF = datetime(2026, 6, 1, 10, 0)
BANT_MISSING_MEMO = """【顧客基本情報】
・企業名: 株式会社山田製作所
・担当者名/役職: 山田太郎 / 情報システム部長
【課題・ニーズ】
・顧客が抱える課題: 受発注をExcel管理、月末の入力に毎月40時間、入力ミスが月10件
・課題の背景・原因: 担当者の属人化と3拠点ごとの様式の違い
・解決後に期待する状態: 受注から請求まで一元管理し、月末の残業をゼロにしたい
【競合・検討状況】
・比較検討中の競合: A社、B社
・自社への印象・懸念点: 導入工数を懸念
【商談設定内容】
・商談日時: 2026年6月10日 14:00
・商談形式(訪問・オンライン): オンライン
・顧客側参加者: 情報システム部長、経理課長
・商談で期待される内容: 導入事例と費用感の説明
【BANT情報】
・Budget(予算): 未確認
・Authority(決裁者・プロセス): 未確認
・Need(緊急度・優先度): 高い。来期の監査までに解決したい
・Timeline(検討・導入スケジュール): 2026年10月に稼働したい
"""


@pytest.fixture(scope="module")
def timing(scoring_dataset: Dataset) -> TimingModel:
    return TimingModel(n_estimators=80, max_grid_points=120_000).fit(scoring_dataset)


def _lead(events: list[dict[str, Any]]) -> Dataset:
    lead = {
        "lead_id": "T1",
        "company_name": "株式会社山田製作所",
        "industry": "製造業",
        "employees": 800,
        "annual_revenue": 20000,
        "region": "東京都",
        "contact_title": "情報システム部長",
        "contact_role": "decision_maker",
        "lead_source": "inquiry",
        "created_at": (AS_OF - timedelta(days=45)).isoformat(),
    }
    return lead_dataset(lead, events)


def _burst(days_ago: list[float], kind: str, detail: str | None = None) -> list[dict]:
    return [
        {
            "timestamp": (AS_OF - timedelta(days=d)).isoformat(),
            "type": kind,
            **({"detail": detail} if detail else {}),
        }
        for d in days_ago
    ]


def _advise(
    dataset: Dataset, bundle: Bundle, timing: TimingModel, memo: str | None = None
) -> Any:
    points = pd.DataFrame([{"lead_id": "T1", "as_of": AS_OF, "memo": memo}])
    (advice,) = recommend(dataset, points, bundle=bundle, timing=timing)
    return advice


def _talks(days_ago: list[float]) -> list[dict]:
    return _burst(days_ago, "is_call_connected") + _burst(
        [days_ago[-1]], "online_hearing"
    )


def test_a_lead_whose_intent_peaked_weeks_ago_is_at_risk(
    scoring_bundle: Bundle, timing: TimingModel
) -> None:
    peak = [30, 29.5, 29, 28, 28, 27.5, 27, 26, 26, 25, 24, 23]
    events = (
        _burst(peak, "web_visit", "pricing")
        + _burst(peak[::2], "web_visit", "case_study")
        + _burst([27, 25], "document_download", "料金表")
        + _burst([26], "form_submission")
        + _talks([31, 29, 27, 25, 24, 22])
        + _burst([12], "web_visit", "blog")
    )
    advice = _advise(_lead(events), scoring_bundle, timing)
    assert advice.action == AT_RISK, advice.to_dict()
    assert advice.expected_change <= timing.rebound
    text = " ".join(en for _, en in advice.reasons)
    assert "buying intent peaked" in text and "days ago" in text
    assert advice.next_element is None


def test_rising_intent_with_budget_and_authority_unknown_keeps_nurturing_on_them(
    scoring_bundle: Bundle, timing: TimingModel
) -> None:
    # interest warming up: blog, then product pages, more each week; IS has talked
    events = (
        _burst([12, 6, 3, 1], "web_visit", "blog")
        + _burst([2], "web_visit", "product")
        + _talks([14, 9, 4])
    )
    advice = _advise(_lead(events), scoring_bundle, timing, memo=BANT_MISSING_MEMO)
    assert advice.action == KEEP_NURTURING, advice.to_dict()
    assert advice.expected_change > 0
    assert advice.next_element is not None
    assert advice.next_element.element in ("budget", "authority")
    reasons = " ".join(en for _, en in advice.reasons)
    assert "Budget" in reasons and "Authority" in reasons and "unconfirmed" in reasons
    assert f"collect next: {advice.next_element.label_en}" in reasons
    assert any("予算" in ja or "決裁" in ja for ja, _ in advice.reasons)


def test_advice_never_uses_events_after_the_moment_asked_about(
    scoring_dataset: Dataset, scoring_bundle: Bundle, timing: TimingModel
) -> None:
    events = scoring_dataset.events
    moment = events["timestamp"].quantile(0.6)
    points = open_lead_points(scoring_dataset, as_of=moment).head(40)
    assert len(points) == 40
    before = recommend(scoring_dataset, points, bundle=scoring_bundle, timing=timing)
    cut = dataclasses.replace(
        scoring_dataset,
        events=events[events["timestamp"] < moment].reset_index(drop=True),
    )
    # the future is rewritten: every lead gets a burst of intent right after
    burst = pd.DataFrame(
        {
            "lead_id": np.repeat(points["lead_id"].to_numpy(), 5),
            "timestamp": moment + pd.to_timedelta(np.tile(np.arange(5), 40), "h"),
            "type": "web_visit",
            "detail": "pricing",
        }
    ).astype({"timestamp": "datetime64[us]"})
    changed = dataclasses.replace(
        cut, events=pd.concat([cut.events, burst], ignore_index=True)
    )
    after = recommend(changed, points, bundle=scoring_bundle, timing=timing)
    assert [a.to_dict() for a in before] == [a.to_dict() for a in after]


def test_grid_points_follow_each_lead_until_its_toss_up(
    scoring_dataset: Dataset,
) -> None:
    grid = grid_points(scoring_dataset, step_days=5)
    toss = scoring_dataset.handoffs.set_index("lead_id")["tossed_up_at"]
    at = grid["lead_id"].map(toss)
    assert (grid["as_of"][at.notna()] <= at[at.notna()]).all()
    created = grid["lead_id"].map(
        scoring_dataset.leads.set_index("lead_id")["created_at"]
    )
    assert ((grid["as_of"] - created) == pd.to_timedelta(grid["day"], "D")).all()
    assert set(grid["day"] % 5) == {0}


def test_the_decision_uses_no_memo_and_no_rep(timing: TimingModel) -> None:
    assert not any(
        c.startswith(("memo", "rubric", "bant")) for c in timing.features_
    ), timing.features_
    assert {"is_rep", "fs_rep", "lead_age_days"}.isdisjoint(timing.features_)
    info = timing.describe()
    assert 0 < info["risk_floor"] <= info["floor"] < 1
    assert sum(info["phase_share_at_toss_up"].values()) == pytest.approx(1, abs=1e-3)


def test_decide_is_learned_not_constant(
    scoring_dataset: Dataset, timing: TimingModel
) -> None:
    grid = grid_points(scoring_dataset, step_days=6).sample(3000, random_state=1)
    decided = timing.decide(build_features(scoring_dataset, grid))
    assert decided["action"].nunique() == 3
    assert decided["gain"].std() > 0


def test_a_history_too_small_is_refused_with_what_to_do(
    scoring_dataset: Dataset,
) -> None:
    few = scoring_dataset.handoffs.head(50)
    small = dataclasses.replace(
        scoring_dataset,
        handoffs=few,
        outcomes=scoring_dataset.outcomes[
            scoring_dataset.outcomes["lead_id"].isin(few["lead_id"])
        ],
    )
    with pytest.raises(TimingError, match="at least 200"):
        TimingModel().fit(small)


def test_data_without_an_event_log_is_refused_with_the_reason(
    scoring_dataset: Dataset,
) -> None:
    no_events = dataclasses.replace(
        scoring_dataset, events=scoring_dataset.events.head(0)
    )
    with pytest.raises(TimingError, match="no event log"):
        TimingModel().fit(no_events)


def test_leads_created_at_their_toss_up_are_refused_not_crashed(
    scoring_dataset: Dataset,
) -> None:
    """What an import makes: one row per toss-up, the lead born at that moment."""
    handoffs = scoring_dataset.handoffs
    tossed = handoffs.set_index("lead_id")["tossed_up_at"]
    leads = scoring_dataset.leads[scoring_dataset.leads["lead_id"].isin(tossed.index)]
    leads = leads.assign(created_at=leads["lead_id"].map(tossed).to_numpy())
    imported = dataclasses.replace(scoring_dataset, leads=leads)
    with pytest.raises(TimingError, match="lead-days before a toss-up"):
        TimingModel(n_estimators=10).fit(imported)


def test_a_world_without_memos_still_learns_timing(scoring_dataset: Dataset) -> None:
    memo_less = dataclasses.replace(
        scoring_dataset, handoffs=scoring_dataset.handoffs.assign(memo="")
    )
    model = TimingModel(n_estimators=20, max_grid_points=30_000).fit(memo_less)
    grid = grid_points(memo_less, step_days=9).head(500)
    decided = model.decide(build_features(memo_less, grid))
    assert len(decided) == len(grid)


def test_saved_timing_loads_and_a_foreign_schema_is_refused(
    tmp_path: Path, timing: TimingModel
) -> None:
    with pytest.raises(TimingError, match="readiness timing DATA_DIR"):
        load_timing(tmp_path)
    save_timing(timing, tmp_path)
    assert load_timing(tmp_path).describe() == timing.describe()
    meta = json.loads((tmp_path / "timing.json").read_text())
    (tmp_path / "timing.json").write_text(json.dumps({**meta, "schema_version": 99}))
    with pytest.raises(TimingError, match="schema version"):
        load_timing(tmp_path)


# --- CLI and API -------------------------------------------------------------------


@pytest.fixture(scope="module")
def model_dir(
    tmp_path_factory: pytest.TempPathFactory,
    scoring_bundle: Bundle,
    timing: TimingModel,
) -> Path:
    out = tmp_path_factory.mktemp("timing-model")
    save_bundle(scoring_bundle, out)
    save_timing(timing, out)
    return out


def test_timing_command_advises_every_open_lead(
    tmp_path: Path, scoring_dataset: Dataset, model_dir: Path
) -> None:
    data = tmp_path / "data"
    write_frames(
        {
            "leads": scoring_dataset.leads,
            "events": scoring_dataset.events,
            "handoffs": scoring_dataset.handoffs,
            "outcomes": scoring_dataset.outcomes,
        },
        data,
    )
    out = tmp_path / "advice.csv"
    result = CliRunner().invoke(
        main,
        ["timing", str(data), "--model-dir", str(model_dir), "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out)
    n_open = len(open_lead_points(scoring_dataset))
    assert len(frame) == n_open
    assert set(frame["state"]) <= {"open", "dormant"}  # open leads only
    assert (frame["action"] == "recycle").equals(frame["state"] == "dormant")
    assert set(frame["action"]) <= {
        "toss_up_now", "keep_nurturing", "at_risk", "recycle"
    }  # fmt: skip
    assert f"{n_open:,} open leads" in result.output
    assert frame["reasons_ja"].str.contains("購買意欲|行動|活動").all()

    # A team's own dormancy rule: one day without activity makes most open leads
    # dormant; the saved model keeps what it learned.
    strict = CliRunner().invoke(
        main,
        ["timing", str(data), "--model-dir", str(model_dir), "--out", str(out),
         "--dormant-days", "1"],
    )  # fmt: skip
    assert strict.exit_code == 0, strict.output
    tight = pd.read_csv(out)
    assert (tight["state"] == "dormant").sum() > (frame["state"] == "dormant").sum()
    assert (tight["action"] == "recycle").equals(tight["state"] == "dormant")
    assert load_timing(model_dir).dormant_after() >= 30
    bad = CliRunner().invoke(
        main,
        ["timing", str(data), "--model-dir", str(model_dir), "--dormant-days", "0"],
    )
    assert bad.exit_code == 2 and "--dormant-days" in bad.output


@pytest.fixture(scope="module")
def client(model_dir: Path) -> Iterator[TestClient]:
    from api.app import create_app
    from readiness.settings import Settings

    with TestClient(create_app(Settings(model_dir=model_dir))) as c:
        yield c


def _body(**changes: Any) -> dict[str, Any]:
    from api.schemas import EXAMPLE_SCORE_IN

    body = {k: v for k, v in EXAMPLE_SCORE_IN.items() if k != "explain"}
    return {**body, **changes}


def test_timing_route_answers_with_action_reasons_and_next_element(
    client: TestClient,
) -> None:
    response = client.post("/v1/timing", json=_body(memo=BANT_MISSING_MEMO))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["action"] in ("toss_up_now", "keep_nurturing", "at_risk")
    assert body["reasons"] and {"ja", "en"} == set(body["reasons"][0])
    assert 0 <= body["probability"] <= 1
    if body["action"] == "keep_nurturing":
        assert body["next_element"]["element"]


def test_timing_route_refuses_bad_input_in_both_languages(client: TestClient) -> None:
    bad = _body(events=[{"timestamp": "yesterday", "type": "web_visit"}])
    response = client.post("/v1/timing", json=bad)
    assert response.status_code == 422
    item = response.json()["detail"][0]
    assert item["msg_en"] and item["msg_ja"]
    assert "events" in item["loc"]


def test_timing_route_without_a_timing_model_is_503(
    tmp_path: Path, scoring_bundle: Bundle
) -> None:
    from api.app import create_app
    from readiness.settings import Settings

    save_bundle(scoring_bundle, tmp_path)
    with TestClient(create_app(Settings(model_dir=tmp_path))) as c:
        response = c.post("/v1/timing", json=_body())
    assert response.status_code == 503
    item = response.json()["detail"][0]
    assert "readiness timing" in item["msg_ja"]
    assert item["type"] == "no_timing_model"


def test_daily_levels_draw_nothing_so_the_world_stays_the_same() -> None:
    from readiness.simulate.config import WorldConfig
    from readiness.simulate.world import simulate_world

    config = WorldConfig(n_leads=300, seed=3)
    plain = simulate_world(config)
    levels = simulate_world(config, daily_levels=True)
    for name, table in plain.tables.items():
        pd.testing.assert_frame_equal(table, levels.tables[name])
    daily = levels.truth["daily"]
    pd.testing.assert_frame_equal(
        plain.truth["daily"], daily[plain.truth["daily"].columns]
    )
    assert {"known_budget", "level_budget", "level_next_action"} <= set(daily)
    assert daily["level_budget"].isin([0, 1, 2]).all()


def test_daily_is_calls_match_the_log_before_the_toss_up() -> None:
    """The replay's IS calls are the world's own: identical to the log until the
    historical toss-up, and they go on after it (the lead stays with IS)."""
    from readiness.simulate.config import WorldConfig
    from readiness.simulate.world import simulate_world

    world = simulate_world(WorldConfig(n_leads=300, seed=3), daily_levels=True)
    daily = world.truth["daily"]
    toss = world.truth["leads"].set_index("lead_id")["toss_day"]
    cut = daily["lead_id"].map(toss)
    before = daily[(cut < 0) | (daily["day"] < cut)]
    logged = world.tables["events"]
    logged = logged[logged["type"] == "is_call_connected"]
    assert before["is_connected"].sum() == len(logged)
    assert (daily["is_connected"] <= daily["is_attempts"]).all()
    after = daily[(cut >= 0) & (daily["day"] >= cut)]
    assert after["is_attempts"].sum() > 0


def test_advice_knows_each_leads_state_and_never_contradicts_its_numbers(
    scoring_dataset: Dataset, scoring_bundle: Bundle, timing: TimingModel
) -> None:
    """Over a whole world at one moment: every lead, whatever its state."""
    moment = pd.Timestamp(scoring_dataset.handoffs["tossed_up_at"].quantile(0.6))
    leads = scoring_dataset.leads[scoring_dataset.leads["created_at"] < moment]
    points = pd.DataFrame(
        {"lead_id": leads["lead_id"].astype(str).to_numpy(), "as_of": moment}
    )
    advice = recommend(scoring_dataset, points, bundle=scoring_bundle, timing=timing)
    by_state: dict[str, int] = {}
    for a in advice:
        by_state[a.state] = by_state.get(a.state, 0) + 1
        first_ja, first_en = a.reasons[0]
        wait = a.expected_change
        if a.state in ("handed_off", "won", "lost"):
            assert a.action == "no_advice" and a.next_element is None
            assert len(a.reasons) == 1
        elif a.state == "dormant":
            assert a.action == "recycle" and "recycle to marketing" in first_en
            assert "マーケティング" in first_ja
        else:
            assert a.action in ("toss_up_now", "keep_nurturing", "at_risk")
        # the first reason is why, in the terms of the numbers beside it
        if a.action in ("toss_up_now", "at_risk"):
            assert "not expected" in first_en
        if "is expected to raise" in first_en:
            assert a.action == "keep_nurturing" and wait > 0
        if a.action == "toss_up_now":
            assert wait <= timing.margin + 1e-9
        if a.action == "at_risk":
            assert wait <= timing.rebound + 1e-9
        if a.action == "keep_nurturing" and wait <= 0:
            assert "is expected to raise" not in first_en
            assert any(
                k in first_en
                for k in (
                    "first:",
                    "not talked",
                    "below most past toss-ups",
                    "still climbing",
                )
            ), first_en
        if "collect" in first_en and "first" in first_en:
            assert a.next_element is not None
            assert a.next_element.gain > max(0.0, -wait)
    assert {"open", "handed_off"} <= set(by_state), by_state
    assert by_state.get("won", 0) + by_state.get("lost", 0) > 0, by_state


def test_a_lead_silent_past_the_learned_gap_is_dormant(
    scoring_dataset: Dataset, timing: TimingModel
) -> None:
    limit = timing.dormant_after()
    assert limit >= 30
    assert timing.describe()["dormant_days"] == limit
    handed = set(scoring_dataset.handoffs["lead_id"].astype(str))
    leads = scoring_dataset.leads
    lead = leads[~leads["lead_id"].astype(str).isin(handed)].iloc[0]
    ev = scoring_dataset.events[scoring_dataset.events["lead_id"] == lead["lead_id"]]
    last = pd.Timestamp(ev["timestamp"].max()) if len(ev) else lead["created_at"]
    later = pd.DataFrame(
        {
            "lead_id": [str(lead["lead_id"])] * 2,
            "as_of": [last + pd.Timedelta(days=limit + 1), last + pd.Timedelta(days=1)],
        }
    )
    (far, near) = lead_states(scoring_dataset, later, dormant_days=limit)
    assert far[0] == "dormant" and far[1] >= limit
    assert near[0] == "open"


def test_dormancy_can_be_set_instead_of_learned(
    scoring_dataset: Dataset, tmp_path: Path
) -> None:
    fixed = TimingModel(dormant_days=45, n_estimators=20).fit(scoring_dataset)
    assert fixed.waits_for_best()  # the value of waiting: the best within a month
    again = load_timing(save_timing(fixed, tmp_path).parent)
    assert again.dormant_after() == 45 and again.waits_for_best()
    assert fixed.dormant_after() == 45
    learned = fixed.describe()["dormant_days_learned"]
    assert learned is not None and learned >= 30
    assert fixed.set_dormant_days(None).dormant_after() == 45  # None keeps it
    assert fixed.set_dormant_days(200).dormant_after() == 200
    with pytest.raises(TimingError, match="休眠日数"):
        fixed.set_dormant_days(0)


def test_the_served_timing_model_takes_the_teams_dormancy_rule(
    model_dir: Path, tmp_path: Path
) -> None:
    from readiness.settings import Settings
    from readiness.workflows.served import load_configured

    learned = load_configured(
        Settings(model_dir=model_dir, rubric_dir=tmp_path / "rubric")
    ).timing
    assert learned is not None and learned.dormant_after() >= 30
    served = load_configured(
        Settings(model_dir=model_dir, rubric_dir=tmp_path / "rubric", dormant_days=12)
    )
    assert served.timing is not None and served.timing.dormant_after() == 12
