"""World presets: the default world untouched, a confounded world that differs.

The confounded preset is the second world in which associations between memo
elements and wins mislead (docs/world.md, "Presets"): keen leads tell budget far
more often, and the true element effects are ordered differently.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from clean_env import pinned_env
from factory import Factory

from readiness.errors import ReadinessError
from readiness.fields import ELEMENT_KEYS
from readiness.simulate.config import PRESETS, PresetError, WorldConfig, preset
from readiness.simulate.store import read_truth
from readiness.simulate.world import World, simulate_world


@pytest.fixture(scope="module")
def home(factory: Factory) -> World:
    return factory.world("large")  # 6,000 leads, seed 101


@pytest.fixture(scope="module")
def confounded(factory: Factory) -> World:
    return factory.world(preset("confounded", n_leads=6_000, seed=101))


def test_the_default_preset_is_the_default_config() -> None:
    assert set(PRESETS) == {"default", "confounded"}
    assert preset("default") == WorldConfig()
    assert preset("default", n_leads=500, seed=3) == WorldConfig(n_leads=500, seed=3)
    assert preset("confounded", seed=3).seed == 3
    assert preset("confounded") != WorldConfig()


def test_an_unknown_preset_names_the_known_ones() -> None:
    with pytest.raises(PresetError, match="default, confounded") as err:
        preset("confunded")
    assert isinstance(err.value, ValueError)
    assert isinstance(err.value, ReadinessError)


def test_the_confounded_preset_changes_only_what_it_documents() -> None:
    base, conf = WorldConfig(), preset("confounded")
    changed = {
        k for k in base.__dataclass_fields__ if getattr(base, k) != getattr(conf, k)
    }
    assert changed == {
        "info_weights",
        "meeting_next_action_effect",
        "record_intent_effects",
        "next_action_intent_effect",
    }


def test_the_new_knobs_at_rest_leave_the_default_world_unchanged() -> None:
    plain = simulate_world(WorldConfig(n_leads=500, seed=3))
    at_rest = simulate_world(
        WorldConfig(
            n_leads=500,
            seed=3,
            record_intent_effects=dict.fromkeys(ELEMENT_KEYS, 0.0),
            next_action_intent_effect=0.8,
        )
    )
    for name, table in plain.tables.items():
        pd.testing.assert_frame_equal(at_rest.tables[name], table)
        assert at_rest.tables[name].equals(table), name
    for name, table in plain.truth.items():
        pd.testing.assert_frame_equal(at_rest.truth[name], table)
    telling = simulate_world(
        WorldConfig(n_leads=500, seed=3, record_intent_effects={"budget": 1.0})
    )
    assert not telling.tables["handoffs"].equals(plain.tables["handoffs"])


def test_config_rejects_bad_intent_effects() -> None:
    with pytest.raises(ValueError, match="unknown elements"):
        WorldConfig(record_intent_effects={"budgett": 0.5})
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        WorldConfig(record_intent_effects={"budget": 1.5})


def _budget_gap(world: World) -> float:
    """Share of toss-ups with budget concrete: top minus bottom intent quartile."""
    th = world.truth["handoffs"]
    lo, hi = th["intent_at_toss"].quantile([0.25, 0.75])
    concrete = th["level_budget"] == 2
    return float(
        concrete[th["intent_at_toss"] >= hi].mean()
        - concrete[th["intent_at_toss"] <= lo].mean()
    )


def test_keen_leads_tell_budget_far_more_often_in_the_confounded_world(
    home: World, confounded: World
) -> None:
    gap_home, gap_conf = _budget_gap(home), _budget_gap(confounded)
    assert gap_conf > 0.25, gap_conf
    assert gap_conf > gap_home + 0.2, (gap_home, gap_conf)


@pytest.mark.parametrize("which", ["home", "confounded"])
def test_element_effects_hold_every_element_from_the_chances(
    which: str, request: pytest.FixtureRequest
) -> None:
    world: World = request.getfixturevalue(which)
    eff = world.truth["element_effects"]
    assert list(eff["element"]) == list(ELEMENT_KEYS)
    assert list(eff.columns[:5]) == [
        "element",
        "info_weight",
        "true_gain",
        "true_gain_if_missing",
        "share_missing",
    ]
    assert eff["info_weight"].tolist() == [
        world.config.info_weights[e] for e in ELEMENT_KEYS
    ]
    th = world.truth["handoffs"]
    for row in eff.itertuples():
        gain = th[f"p_if_{row.element}"] - th["p_true"]
        assert row.true_gain == pytest.approx(gain.mean())
        missing = th[f"level_{row.element}"] < 2
        assert row.true_gain_if_missing == pytest.approx(gain[missing].mean())
        # Concrete already: no gain; so the mean over the missing is the larger.
        assert (gain[~missing] == 0).all()
        assert row.true_gain_if_missing >= row.true_gain >= 0


def test_the_true_order_of_the_elements_differs_between_the_presets(
    home: World, confounded: World
) -> None:
    def order(world: World) -> list[str]:
        eff = world.truth["element_effects"]
        return list(eff.sort_values("true_gain", ascending=False)["element"])

    home_order, conf_order = order(home), order(confounded)
    assert home_order != conf_order
    assert conf_order[0] == "competition"
    assert set(conf_order[-3:]) >= {"budget", "next_action"}
    assert home_order.index("budget") < home_order.index("competition")


def test_associations_mislead_in_the_confounded_world(confounded: World) -> None:
    """Budget looks like a strong win driver there though its true gain is tiny."""
    th = confounded.truth["handoffs"].merge(
        confounded.tables["outcomes"][["lead_id", "won"]], on="lead_id"
    )
    won = th["won"].to_numpy(bool)

    def lift(e: str) -> float:
        concrete = th[f"level_{e}"].to_numpy() == 2
        return float(won[concrete].mean() - won[~concrete].mean())

    eff = confounded.truth["element_effects"].set_index("element")
    assert lift("budget") > lift("competition")
    assert eff.loc["budget", "true_gain"] < eff.loc["competition", "true_gain"] / 10
    assert np.isfinite(eff["true_gain"]).all()


def _run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from readiness.cli import main; main()", *args],
        cwd=home,
        env=pinned_env(home),
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_cli_simulates_the_confounded_preset(tmp_path: Path) -> None:
    out = tmp_path / "w"
    done = _run(
        tmp_path, "simulate", "--preset", "confounded", "--leads", "300", "--out", "w"
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    manifest = json.loads((out / "world.json").read_text(encoding="utf-8"))
    assert manifest["preset"] == "confounded"
    assert manifest["config"]["info_weights"]["competition"] == pytest.approx(
        preset("confounded").info_weights["competition"]
    )
    effects = read_truth(out, "element_effects")
    assert list(effects["element"]) == list(ELEMENT_KEYS)


def test_cli_refuses_an_unknown_preset_in_one_line(tmp_path: Path) -> None:
    done = _run(tmp_path, "simulate", "--preset", "nope", "--leads", "50", "--out", "w")
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    errors = [ln for ln in done.stderr.splitlines() if ln.startswith("Error:")]
    assert len(errors) == 1, done.stderr
    assert "nope" in errors[0] and "default, confounded" in errors[0]
    assert "プリセット" in errors[0]
    assert not (tmp_path / "w").exists()
