"""The synthetic world: determinism, realism, and a truth consistent with outcomes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from factory import Factory

from readiness.cli import main
from readiness.data.load import load_dataset
from readiness.fields import ELEMENT_KEYS, FIELD_KEYS, FIELD_STATUSES
from readiness.rubric.config import load_rubric
from readiness.simulate.config import WorldConfig
from readiness.simulate.memo_kit import HABITS
from readiness.simulate.store import read_truth, write_world
from readiness.simulate.summary import headline
from readiness.simulate.world import World, observe_end, simulate_world

IS_TYPES = ["is_call", "is_call_connected", "is_mail", "online_hearing"]


@pytest.fixture(scope="module")
def world(factory: Factory) -> World:
    return factory.world("large")  # 6,000 leads, seed 101


def _auc(score: np.ndarray, label: np.ndarray) -> float:
    order = np.argsort(score)
    ranks = np.empty(len(score))
    ranks[order] = np.arange(1, len(score) + 1)
    pos = label.astype(bool)
    n_pos, n_neg = pos.sum(), (~pos).sum()
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def test_same_seed_writes_byte_identical_tables(tmp_path: Path) -> None:
    config = WorldConfig(n_leads=400, seed=3)
    for name in ("a", "b"):
        write_world(simulate_world(config), tmp_path / name)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.*"))
    assert len(files) >= 10
    for rel in files:
        assert (tmp_path / "a" / rel).read_bytes() == (
            tmp_path / "b" / rel
        ).read_bytes(), rel


def test_another_seed_gives_another_world() -> None:
    a = simulate_world(WorldConfig(n_leads=300, seed=1)).tables["events"]
    b = simulate_world(WorldConfig(n_leads=300, seed=2)).tables["events"]
    assert not a.equals(b)


def test_world_passes_its_own_data_contract(tmp_path: Path) -> None:
    write_world(simulate_world(WorldConfig(n_leads=500, seed=5)), tmp_path)
    dataset = load_dataset(tmp_path)  # raises ContractError on any error
    assert len(dataset.leads) == 500
    assert len(dataset.handoffs) > 0


def test_world_also_writes_cp932_csv_that_validates(tmp_path: Path) -> None:
    write_world(
        simulate_world(WorldConfig(n_leads=300, seed=5)),
        tmp_path,
        fmt="csv",
        encoding="cp932",
    )
    raw = (tmp_path / "handoffs.csv").read_bytes()
    assert "【顧客基本情報】".encode("cp932") in raw or "顧客".encode("cp932") in raw
    assert len(load_dataset(tmp_path).handoffs) > 0


@pytest.mark.slow  # statistics of the 6,000-lead world
def test_rates_are_those_of_a_real_sales_floor(world: World) -> None:
    leads, outcomes = world.tables["leads"], world.tables["outcomes"]
    toss_rate = len(world.tables["handoffs"]) / len(leads)
    win_rate = outcomes["won"].mean()
    meeting_rate = outcomes["meeting_held"].mean()
    assert 0.25 < toss_rate < 0.75, "some leads are never tossed up"
    assert 0.15 <= win_rate <= 0.30
    assert meeting_rate > win_rate + 0.2
    assert not (outcomes["won"] & ~outcomes["meeting_held"]).any()


@pytest.mark.slow  # statistics of the 6,000-lead world
def test_event_volumes_are_plausible(world: World) -> None:
    events = world.tables["events"]
    per_lead = (
        events.groupby("lead_id")
        .size()
        .reindex(world.tables["leads"]["lead_id"], fill_value=0)
    )
    assert 10 < per_lead.mean() < 60
    marketing = events[~events["type"].isin(IS_TYPES)].groupby("lead_id").size()
    marketing = marketing.reindex(per_lead.index, fill_value=0)
    assert (marketing <= 2).mean() > 0.05, "there are quiet leads"
    assert per_lead.max() > 5 * per_lead.median(), "and very active ones"
    kinds = set(events["type"])
    assert {"web_visit", "is_call", "is_call_connected", "online_hearing"} <= kinds
    pages = events.loc[events["type"] == "web_visit", "detail"].value_counts(
        normalize=True
    )
    assert 0.03 < pages["pricing"] < 0.4


@pytest.mark.slow  # statistics of the 6,000-lead world
def test_pricing_visits_cluster_near_the_intent_peak(world: World) -> None:
    daily = world.truth["daily"]
    events = world.tables["events"]
    leads = world.tables["leads"][["lead_id", "created_at"]]
    web = events[events["type"] == "web_visit"].merge(leads, on="lead_id")
    web["day"] = (web["timestamp"] - web["created_at"].dt.normalize()).dt.days
    web = web.merge(daily[["lead_id", "day", "intent"]], on=["lead_id", "day"])
    pricing = web.loc[web["detail"] == "pricing", "intent"].mean()
    blog = web.loc[web["detail"] == "blog", "intent"].mean()
    assert pricing > blog * 1.3


@pytest.mark.slow  # statistics of the 6,000-lead world
def test_nothing_is_logged_after_the_export(world: World) -> None:
    end = pd.Timestamp(observe_end(world.config))
    assert world.tables["events"]["timestamp"].max() < end
    assert world.tables["handoffs"]["tossed_up_at"].max() < end
    assert world.tables["outcomes"]["closed_at"].max() < end


@pytest.mark.slow  # statistics of the 6,000-lead world
def test_is_calls_stop_at_the_toss_up(world: World) -> None:
    calls = world.tables["events"]
    calls = calls[
        calls["type"].isin(["is_call", "is_call_connected", "online_hearing"])
    ]
    joined = calls.merge(
        world.tables["handoffs"][["lead_id", "tossed_up_at"]], on="lead_id"
    )
    assert (joined["timestamp"] < joined["tossed_up_at"]).all()
    assert len(joined) > 0


@pytest.mark.slow  # statistics of the 6,000-lead world
def test_events_never_precede_the_lead(world: World) -> None:
    joined = world.tables["events"].merge(
        world.tables["leads"][["lead_id", "created_at"]], on="lead_id"
    )
    assert (joined["timestamp"] >= joined["created_at"]).all()


@pytest.mark.slow  # statistics of the 6,000-lead world
def test_mean_true_probability_matches_the_observed_win_rate(world: World) -> None:
    closed = world.tables["outcomes"].merge(world.truth["handoffs"], on="lead_id")
    se = np.sqrt(closed["p_true"].mean() * (1 - closed["p_true"].mean()) / len(closed))
    assert abs(closed["p_true"].mean() - closed["won"].mean()) < 4 * se


@pytest.mark.slow  # statistics of the 6,000-lead world
def test_higher_true_probability_wins_more_often(world: World) -> None:
    closed = world.tables["outcomes"].merge(world.truth["handoffs"], on="lead_id")
    assert _auc(closed["p_true"].to_numpy(), closed["won"].to_numpy()) > 0.68
    bins = pd.qcut(closed["p_true"], 4, labels=False)
    rates = closed.groupby(bins)["won"].mean().to_numpy()
    assert (np.diff(rates) > 0).all()


@pytest.mark.slow  # statistics of the 6,000-lead world
def test_complete_memos_win_20_to_30_percent_more_for_the_same_leads(
    world: World,
) -> None:
    truth = world.truth["handoffs"]
    ratio = truth["p_good_memo"].mean() / truth["p_poor_memo"].mean()
    assert ratio == pytest.approx(1.25, abs=0.07)
    for e in ELEMENT_KEYS:
        assert (truth[f"p_if_{e}"] >= truth["p_true"] - 1e-12).all(), e


@pytest.mark.slow  # statistics of the 6,000-lead world
def test_toss_up_truth_is_the_daily_truth_on_the_toss_up_day(world: World) -> None:
    tl = world.truth["leads"]
    tossed = tl[tl["tossed_up"]].merge(world.truth["handoffs"], on="lead_id")
    daily = world.truth["daily"].merge(
        tossed[["lead_id", "toss_day", "p_true"]],
        left_on=["lead_id", "day"],
        right_on=["lead_id", "toss_day"],
    )
    assert len(daily) == len(tossed)
    np.testing.assert_allclose(daily["p_win"], daily["p_true"], rtol=1e-5)
    assert (tl["p_best"] >= 0).all()


@pytest.mark.slow  # statistics of the 6,000-lead world
def test_reps_habits_shape_timing(world: World) -> None:
    tl = world.truth["leads"].merge(world.truth["handoffs"], on="lead_id")
    by = tl.groupby("is_habit")["days_from_peak"].mean()
    assert by["early"] < by["gate"] < by["late"]


@pytest.mark.slow  # statistics of the 6,000-lead world
def test_memo_truth_covers_every_field_of_every_toss_up(world: World) -> None:
    fields = world.truth["memo_fields"]
    assert len(fields) == len(world.tables["handoffs"]) * len(FIELD_KEYS)
    assert set(fields["status"]) == set(FIELD_STATUSES)  # incl. not_obtained
    json.loads(fields["value"].iloc[0])
    # a few reps write a chat message or prose instead of the template
    habits = fields.drop_duplicates("lead_id")["habit"].value_counts(normalize=True)
    assert set(habits.index) == set(HABITS)
    assert 0.02 < habits["chat"] + habits["narrative"] < 0.12


@pytest.mark.slow  # statistics of the 6,000-lead world
def test_not_every_toss_up_passes_the_gate(world: World) -> None:
    figures = headline(world, rubric=load_rubric())
    assert 0.1 < figures["gate_pass_rate"] < 0.9
    bands = figures["win_rate_by_band"]
    assert set(bands) == {"high", "standard", "needs_work"}


@pytest.mark.slow  # statistics of the 6,000-lead world
def test_fs_feedback_flags_missing_elements_more_than_complete_ones(
    world: World,
) -> None:
    fb = world.tables["fs_feedback"].merge(world.truth["handoffs"], on="lead_id")
    flagged_budget = fb["missing_elements"].str.contains("budget")
    assert flagged_budget[fb["level_budget"] == 0].mean() > 0.4
    assert flagged_budget[fb["level_budget"] == 2].mean() < 0.1


def test_config_rejects_unknown_elements() -> None:
    with pytest.raises(ValueError, match="unknown elements"):
        WorldConfig(info_weights={"budgett": 0.1})


def test_cli_simulates_writes_truth_and_prints_headline(tmp_path: Path) -> None:
    out = tmp_path / "w"
    result = CliRunner().invoke(
        main, ["simulate", "--leads", "300", "--seed", "4", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "win rate" in result.output
    assert (out / "leads.parquet").exists()
    assert len(read_truth(out, "handoffs")) == len(
        pd.read_parquet(out / "handoffs.parquet")
    )
    manifest = json.loads((out / "world.json").read_text(encoding="utf-8"))
    assert manifest["config"]["seed"] == 4


def test_cli_refuses_to_overwrite_data_it_did_not_make(tmp_path: Path) -> None:
    (tmp_path / "leads.csv").write_text("lead_id\nX1\n", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["simulate", "--leads", "50", "--out", str(tmp_path)]
    )
    assert result.exit_code != 0
    assert "refusing to overwrite" in result.output
    assert (tmp_path / "leads.csv").read_text(encoding="utf-8") == "lead_id\nX1\n"


@pytest.mark.slow
def test_rubric_bands_are_ordered_by_win_rate_on_a_larger_world() -> None:
    big = simulate_world(WorldConfig(n_leads=20_000, seed=2026))
    figures = headline(big, rubric=load_rubric())
    rates = [figures["win_rate_by_band"][b]["win_rate"] for b in ("high", "standard")]
    rates.append(figures["win_rate_by_band"]["needs_work"]["win_rate"])
    assert rates[0] > rates[1] > rates[2], rates
    # The rubric sees information, not intent or fit: informative, far from the truth.
    assert 0.52 < figures["rubric_auc"] < figures["oracle_auc"] - 0.1
