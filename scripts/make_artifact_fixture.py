"""Write the saved artifact the tests load: tests/fixtures/artifacts/v<N>/.

A tiny bundle (LightGBM on a linear base, isotonic calibration, memo text
components) and a tiny timing model, trained on a small simulated world, plus
`expected.json`: a handful of feature rows and what the models answered for them
when they were saved. tests/test_artifact.py loads the artifact with this
readiness and must reproduce the answers. Run it once for each new format version
(docs/artifact.md, "Raising the format version"); never rewrite an old version's
fixture.

    python scripts/make_artifact_fixture.py            # the current version
    python scripts/make_artifact_fixture.py --out DIR  # somewhere else
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from readiness import __version__
from readiness.data.load import load_dataset
from readiness.features.build import build_features, labelled_points
from readiness.model.artifact import FORMAT_VERSION
from readiness.model.bundle import MODEL_NAME, Bundle, save_bundle
from readiness.model.estimators import RUBRIC_TOTAL, RubricModel, WinModel
from readiness.model.matrix import TEXT_COLUMN
from readiness.model.scale import ScoreScale
from readiness.rubric.config import default_rubric
from readiness.scoring.timing_model import TimingModel
from readiness.scoring.timing_store import save_timing
from readiness.simulate.config import WorldConfig
from readiness.simulate.store import write_world
from readiness.simulate.world import simulate_world

ROOT = Path(__file__).resolve().parents[1]
N_ROWS = 6  # the feature rows whose answers are pinned
# A few columns keep the fixture small: numbers, two categories, the memo, the rubric.
NUMERIC = ("rubric_bant_points", "lead_age_days", "web_visit_30d", "is_call_30d")
CATEGORIES = ("industry", "lead_source")


def columns(features: pd.DataFrame) -> list[str]:
    wanted = [*NUMERIC, *CATEGORIES, RUBRIC_TOTAL, TEXT_COLUMN]
    missing = [c for c in wanted if c not in features]
    if missing:
        raise SystemExit(f"features lack {missing}: update the fixture's columns")
    return wanted


def records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """JSON-safe rows: NaN → None, numbers as Python floats, the rest as text."""
    out = []
    for _, row in frame.iterrows():
        item: dict[str, object] = {}
        for c, v in row.items():
            if v is None or (isinstance(v, float) and np.isnan(v)) or pd.isna(v):
                item[str(c)] = None
            elif isinstance(v, int | float | np.number):
                item[str(c)] = float(v)
            else:
                item[str(c)] = str(v)
        out.append(item)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "tests" / "fixtures" / "artifacts" / f"v{FORMAT_VERSION}",
    )
    out = parser.parse_args().out
    with tempfile.TemporaryDirectory() as folder:
        write_world(simulate_world(WorldConfig(n_leads=900, seed=3)), Path(folder))
        dataset = load_dataset(Path(folder))
    points = labelled_points(dataset)
    features = build_features(dataset, points)
    X = features[columns(features)].copy()
    # The memo's first lines are enough to learn a (small) vocabulary from.
    X[TEXT_COLUMN] = X[TEXT_COLUMN].str.slice(0, 120)
    y = points["won"].to_numpy()
    model = WinModel(
        n_estimators=8,
        num_leaves=4,
        max_depth=3,
        min_child_samples=20,
        text_components=2,
        trees=True,
        base="logistic",
        calibration="isotonic",
    ).fit(X, y)
    rubric_model = RubricModel().fit(X, y)
    p = model.predict_proba(X)[:, 1]
    scale = ScoreScale(n_quantiles=21).fit(p, X[RUBRIC_TOTAL].to_numpy(dtype=float))
    meta = {
        "model_name": MODEL_NAME,
        "package_version": __version__,
        "git_commit": None,
        "data_fingerprint": "fixture",
        "served": "model",
        "predictor": model.kind,
        "reason": "fixture of the artifact format",
        "candidates": {},
        "calibration": "isotonic, crossfit",
        "features": list(X.columns),
        "metrics": {},
        "mlflow_run_id": None,
    }
    bundle = Bundle(meta, model, rubric_model, scale, default_rubric())
    timing = TimingModel(
        n_estimators=3, num_leaves=4, min_child_samples=20, max_grid_points=20_000
    ).fit(dataset)

    rows = X.iloc[:N_ROWS].reset_index(drop=True)
    scored = bundle.score(
        rows, contributions_for=[0], counterfactuals=[(1, {RUBRIC_TOTAL: 95.0})]
    )
    assert scored.contributions is not None
    timing_rows = build_features(dataset, points[["lead_id", "as_of"]].iloc[:3])
    decided = timing.decide(timing_rows)
    expected = {
        "format_version": FORMAT_VERSION,
        "rows": records(rows),
        "probability": scored.predictions["probability"].tolist(),
        "points": scored.predictions["points"].tolist(),
        "grade": scored.predictions["grade"].astype(str).tolist(),
        "contributions_row0": scored.contributions.iloc[0].tolist(),
        "timing_rows": records(timing_rows[timing.features_]),
        "timing_p_now": decided["p_now"].tolist(),
        "timing_gain": decided["gain"].tolist(),
    }
    if out.exists():
        shutil.rmtree(out)
    save_bundle(bundle, out / "model")
    save_timing(timing, out / "model")
    text = json.dumps(expected, ensure_ascii=False, indent=1)
    (out / "expected.json").write_text(text + "\n", encoding="utf-8")
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    print(f"wrote {out} ({size / 1024:.0f} KB)")


if __name__ == "__main__":
    main()
