"""Rubric recalibration: weights' form, direction on a known world, adopt/revert."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from factory import Factory

from readiness.cli import main
from readiness.data.contract import Dataset
from readiness.data.files import RawTables
from readiness.data.load import validate_and_coerce
from readiness.rubric.config import default_rubric, load_rubric
from readiness.rubric.fit import criterion_fractions, fit_weights
from readiness.rubric.recalibrate import (
    RecalibrationConfig,
    recalibrate,
    recalibrated_rubric,
)
from readiness.rubric.score import score_frame
from readiness.rubric.store import active_rubric, adopt_rubric, revert_rubric
from readiness.simulate.config import WorldConfig
from readiness.simulate.world import simulate_world

QUICK = RecalibrationConfig(n_bootstrap=20, seed=1)


def _dataset(cfg: WorldConfig) -> Dataset:
    report, dataset = validate_and_coerce(
        RawTables.from_frames(simulate_world(cfg).tables)
    )
    assert report.ok
    return dataset


def test_weights_are_whole_non_negative_and_sum_to_100(
    scoring_dataset: Dataset,
) -> None:
    result = recalibrate(scoring_dataset, config=QUICK)
    weights = np.array(list(result.weights.values()))
    assert weights.sum() == 100
    assert (weights >= 0).all()
    assert all(isinstance(w, int) for w in result.weights.values())
    lo, hi = result.weight_ci["bant"]
    assert lo <= hi
    assert result.bands[0] > result.bands[1]


def test_weights_from_a_known_linear_truth_are_recovered() -> None:
    rng = np.random.default_rng(0)
    s = rng.random((20_000, 3))
    p = 1 / (1 + np.exp(-(-2 + s @ np.array([0.5, 1.5, 0.0]))))
    whole, cont = fit_weights(s, p)  # soft labels: the exact truth
    assert list(whole) == [25, 75, 0]
    assert np.allclose(cont, [25, 75, 0], atol=0.5)


def test_a_heavier_bant_effect_yields_a_heavier_bant_weight() -> None:
    base = WorldConfig(n_leads=5_000, seed=21)
    info = {
        **base.info_weights,
        "budget": 0.6,
        "authority": 0.6,
        "need": 0.4,
        "timeline": 0.4,
    }
    heavy = base.with_(budget_effect=1.2, authority_effect=1.0, info_weights=info)
    light = base.with_(
        budget_effect=0.0,
        authority_effect=0.0,
        info_weights={
            **base.info_weights,
            "budget": 0.0,
            "authority": 0.0,
            "need": 0.0,
            "timeline": 0.0,
        },
    )
    w_heavy = recalibrate(_dataset(heavy), config=QUICK).weights_continuous["bant"]
    w_light = recalibrate(_dataset(light), config=QUICK).weights_continuous["bant"]
    assert w_heavy > w_light + 10


def test_new_totals_equal_what_the_scorer_gives(scoring_dataset: Dataset) -> None:
    handoffs = scoring_dataset.handoffs.head(300)
    s, _, _ = criterion_fractions(handoffs, default_rubric())
    new = recalibrated_rubric(
        default_rubric(),
        {"basics": 5, "problem": 20, "bant": 40, "competition": 10, "next_action": 25},
        (75, 55),
    )
    ours = s.to_numpy() @ np.array([5, 20, 40, 10, 25])
    theirs = score_frame(handoffs, rubric=new)["total"].to_numpy()
    assert np.allclose(ours, theirs, atol=0.11)


def test_adopted_yaml_round_trips_changes_scores_and_reverts(
    scoring_dataset: Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "recal"
    monkeypatch.setenv("READINESS_RUBRIC_DIR", str(tmp_path / "store"))
    from readiness.settings import get_settings

    get_settings.cache_clear()
    world = tmp_path / "world"
    from readiness.data.write import write_frames

    write_frames(
        {
            "leads": scoring_dataset.leads,
            "handoffs": scoring_dataset.handoffs,
            "outcomes": scoring_dataset.outcomes,
        },
        world,
    )
    run = CliRunner().invoke(
        main,
        [
            "recalibrate",
            str(world),
            "--out",
            str(out),
            "--bootstrap",
            "10",
            "--no-tracking",
        ],
    )
    assert run.exit_code == 0, run.output
    assert (out / "report.html").read_text("utf-8").count("data:image/png") == 4
    recommended = load_rubric(out / "rubric.yaml")  # what the scorer loads
    assert recommended.bands.high != 80 or any(
        recommended.items[k].weight != default_rubric().items[k].weight
        for k in recommended.items
    )
    store = tmp_path / "store"
    adopt = CliRunner().invoke(main, ["rubric", "adopt", str(out / "rubric.yaml")])
    assert adopt.exit_code == 0, adopt.output
    assert active_rubric(store) == recommended
    before = score_frame(scoring_dataset.handoffs.head(200))["total"]
    after = score_frame(scoring_dataset.handoffs.head(200), rubric=active_rubric(store))
    assert (before != after["total"]).any()
    # a second adoption keeps the first to revert to
    _, kept = adopt_rubric(out / "rubric.yaml", store)
    assert kept is not None and kept.exists()
    assert revert_rubric(store) == recommended
    assert revert_rubric(store) is None
    assert active_rubric(store) is None
    get_settings.cache_clear()


def test_adopt_refuses_a_broken_rubric_and_changes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("items:\n  bant:\n    weight: 130\n    criteria: {budget: 1}\n")
    from readiness.rubric.config import RubricError

    with pytest.raises(RubricError, match="weight"):
        adopt_rubric(bad, tmp_path / "store")
    assert active_rubric(tmp_path / "store") is None


def test_the_report_sets_adjusted_effects_beside_the_weights_and_warns(
    factory: Factory, tmp_path: Path
) -> None:
    import json

    from readiness.fields import ELEMENT_KEYS
    from readiness.workflows.recalibrate import run_recalibration

    run = run_recalibration(
        factory.world_dir("medium"),
        out_dir=tmp_path / "recal",
        bootstrap=10,
        tracking=False,
    )
    assert run.effects is not None
    assert {e.element for e in run.effects.effects} == set(ELEMENT_KEYS)
    document = json.loads(run.paths["json"].read_text(encoding="utf-8"))
    assert set(document["adjusted_effects"]["elements"][0]) >= {
        "element",
        "effect",
        "ci_low",
        "ci_high",
        "naive",
        "rv",
        "can_tell",
    }
    assert document["effect_warnings"] == list(run.effect_warnings)
    # every warning is bilingual: English, then Japanese after " / "
    assert all(" / " in w for w in run.effect_warnings)
    html = run.paths["html"].read_text(encoding="utf-8")
    assert "調整後の要素効果" in html and "Adjusted element effects" in html
    # the effect-following weights sit beside them, supported or not
    assert run.effect_weights is not None
    following = document["effect_weights"]
    assert {i["item"] for i in following["items"]} == set(run.result.items)
    assert following["available"] == (following["weights"] is not None)
    assert "効果に基づく配点" in html and "Effect-following weights" in html
    assert document["weights_written"] == "outcomes"


def test_the_command_can_leave_adjusted_effects_out(
    factory: Factory, tmp_path: Path
) -> None:
    import json

    out = tmp_path / "recal"
    done = CliRunner().invoke(
        main,
        [
            "recalibrate",
            str(factory.world_dir("medium")),
            "--out",
            str(out),
            "--bootstrap",
            "5",
            "--no-adjusted",
            "--no-tracking",
        ],
    )
    assert done.exit_code == 0, done.output
    document = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert "adjusted_effects" not in document


def _fake_effects(effect: float, se: float) -> Callable[..., Any]:
    """An `estimate_element_effects` stand-in: every element `effect` ± `se`."""
    from readiness.fields import ELEMENT_KEYS
    from readiness.model.effects import ElementEffect, ElementEffects

    def estimate(features: Any, won: Any, **_: Any) -> ElementEffects:
        # competition counts triple, so the weights differ from the articles'
        rows = [
            ElementEffect(
                element=e,
                can_tell=True,
                reason="",
                n=len(features),
                share_filled=0.5,
                naive=effect,
                effect=effect * (3 if e == "competition" else 1),
                ci_low=effect - 1.96 * se,
                ci_high=effect + 1.96 * se,
                std_error=se,
            )
            for e in ELEMENT_KEYS
        ]
        return ElementEffects(
            effects=tuple(rows),
            n=len(features),
            confounders=(),
            n_folds=5,
            seed=0,
            adjusts_other_elements=True,
        )

    return estimate


def _recalibrate_cli(world: Path, out: Path, *extra: str) -> str:
    done = CliRunner().invoke(
        main,
        [
            "recalibrate",
            str(world),
            "--out",
            str(out),
            "--bootstrap",
            "10",
            "--no-tracking",
            *extra,
        ],
    )
    assert done.exit_code == 0, done.output
    return done.output


def test_weights_effects_writes_the_effect_following_weights_into_rubric_yaml(
    factory: Factory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    import readiness.workflows.recalibrate as workflow

    monkeypatch.setattr(
        workflow, "estimate_element_effects", _fake_effects(0.02, 0.004)
    )
    out = tmp_path / "recal"
    output = _recalibrate_cli(factory.world_dir("medium"), out, "--weights", "effects")
    document = json.loads((out / "report.json").read_text(encoding="utf-8"))
    following = document["effect_weights"]
    assert following["available"] and document["weights_written"] == "effects"
    weights = following["weights"]
    # item effects 2 / 2 / 8 (four BANT elements) / 6 / 2 points
    assert weights == {
        "basics": 10,
        "problem": 10,
        "bant": 40,
        "competition": 30,
        "next_action": 10,
    }
    written = load_rubric(out / "rubric.yaml")
    assert {k: written.items[k].weight for k in weights} == weights
    bands = following["check"]["bands"]
    assert (written.bands.high, written.bands.standard) == (
        bands["high"],
        bands["standard"],
    )
    assert "Weights follow the adjusted element effects" in (
        out / "rubric.yaml"
    ).read_text(encoding="utf-8")
    assert "/".join(str(weights[k]) for k in document["items"]) in output
    assert following["check"]["heldout"]["auc_new"] is not None
    # the recommended weights stay in the report, beside them
    assert document["weights"] != weights


def test_weights_effects_falls_back_to_outcomes_with_a_bilingual_note(
    factory: Factory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    import readiness.workflows.recalibrate as workflow

    monkeypatch.setattr(workflow, "estimate_element_effects", _fake_effects(0.0, 0.05))
    out = tmp_path / "recal"
    output = _recalibrate_cli(factory.world_dir("medium"), out, "--weights", "effects")
    document = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert document["effect_weights"]["available"] is False
    assert document["weights_written"] == "outcomes"
    written = load_rubric(out / "rubric.yaml")
    assert {k: written.items[k].weight for k in document["weights"]} == document[
        "weights"
    ]
    note = next(n for n in document["notes"] if n.startswith("--weights effects"))
    assert "cannot support weights" in note and "受注実績" in note
    assert note in output
