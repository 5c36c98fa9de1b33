"""The real UCI bank-marketing export, imported by its mapping and trained as usual.

41,188 telemarketing calls (May 2008 – Nov 2010) in time order; the latest 20 %
(May 2009 on) are the test set, where the subscription rate has jumped from ~6 %
to ~31 % and the economic indicators have left their training range. The figures
this test measured are in examples/bank-marketing/README.md.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from readiness.data.importer import import_export
from readiness.data.mapping import load_mapping
from readiness.data.read import read_export
from readiness.model.config import load_train_config
from readiness.model.train import train

ROOT = Path(__file__).resolve().parents[2]
EXPORT = ROOT / "data" / "external" / "bank-additional-full.csv.gz"
MAPPING = ROOT / "examples" / "bank-marketing" / "mapping.yaml"
CONFIG = ROOT / "examples" / "bank-marketing" / "train.yaml"


def _plain_logistic(dataset, cut: int) -> np.ndarray:  # type: ignore[no-untyped-def]
    """One-hot categoricals + scaled numerics of the same columns, same split."""
    order = dataset.handoffs.sort_values(["tossed_up_at", "lead_id"], kind="stable")[
        "lead_id"
    ]
    kinds = dataset.extra_lead_columns
    numeric = [c for c, k in kinds.items() if k == "numeric"]
    category = [c for c, k in kinds.items() if k == "category"]
    X = dataset.leads.set_index("lead_id").loc[order, [*numeric, *category]]
    X = X.astype({c: object for c in category})
    y = dataset.outcomes.set_index("lead_id").loc[order, "won"].to_numpy(dtype=int)
    prep = ColumnTransformer(
        [
            (
                "num",
                make_pipeline(SimpleImputer(strategy="median"), StandardScaler()),
                numeric,
            ),
            ("cat", OneHotEncoder(handle_unknown="ignore"), category),
        ]
    )
    model = make_pipeline(prep, LogisticRegression(max_iter=2000))
    model.fit(X.iloc[:cut], y[:cut])
    return np.asarray(model.predict_proba(X.iloc[cut:])[:, 1])


@pytest.mark.slow
def test_bank_marketing_imports_and_trains_through_the_normal_pipeline() -> None:
    mapping = load_mapping(MAPPING)
    export = read_export(EXPORT, mapping=mapping)
    assert len(export) == 41_188
    result = import_export(export, mapping)
    dataset = result.dataset
    assert result.leak_dropped == ["duration"] and result.not_imported == []
    assert "duration" not in dataset.leads.columns
    assert dataset.handoffs["tossed_up_at"].is_monotonic_increasing
    assert dataset.handoffs["tossed_up_at"].min() >= pd.Timestamp("2008-05-01")
    assert dataset.handoffs["tossed_up_at"].max() < pd.Timestamp("2010-12-01")
    assert int(dataset.outcomes["won"].sum()) == 4_640

    # The example's training config (only candidates that carry a trend,
    # calibrated on the latest calls), fewer trees for speed.
    config = load_train_config(CONFIG).model_copy(
        update={"n_estimators": 150, "text_components": 0}
    )
    assert set(config.candidates) == {"logistic", "lightgbm_linear"}
    trained = train(dataset, config=config)
    assert trained.served == "model", trained.reason
    assert trained.predictor in ("logistic", "lightgbm_linear")
    assert {f"x_{c}" for c in dataset.extra_lead_columns} <= set(trained.feature_names)
    test = trained.test_frame
    assert test["tossed_up_at"].min() > pd.Timestamp(trained.split["train_until"])
    auc = {
        name: float(roc_auc_score(test["won"], test[f"p_{name}"]))
        for name in ("model", "rubric_total", "logistic")
    }
    p_plain = _plain_logistic(dataset, trained.split["train_toss_ups"])
    auc["plain_logistic"] = float(roc_auc_score(test["won"], p_plain))
    print(f"bank-marketing time-ordered test ROC-AUC: {auc}")

    # No memo, no events: the rubric is flat and ranks nothing.
    assert auc["rubric_total"] == pytest.approx(0.5)
    # The published time-ordered level without `duration` is ≈ 0.65.
    assert auc["model"] > 0.70
    # The pipeline's own logistic baseline sees the declared extras like the plain
    # one does (a check that they reach the features with the right kinds).
    assert auc["logistic"] == pytest.approx(auc["plain_logistic"], abs=0.02)
    # Trees alone predict flat beyond the economic indicators' training range (0.68
    # vs 0.75); train.yaml serves only candidates that carry the trend, calibrated
    # on the latest calls — see examples/bank-marketing/README.md.
    # Issue 13: the served predictor's log-loss is not worse than the plain
    # model's beyond the noise: the paired bootstrap 95 % interval of the
    # difference reaches 0 or below. And it ranks level with it.
    y_test = test["won"].to_numpy()
    p_served = np.clip(test["p_model"].to_numpy(), 1e-6, 1 - 1e-6)
    p_base = np.clip(p_plain, 1e-6, 1 - 1e-6)
    diff = -(y_test * np.log(p_served) + (1 - y_test) * np.log(1 - p_served)) + (
        y_test * np.log(p_base) + (1 - y_test) * np.log(1 - p_base)
    )
    rng = np.random.default_rng(0)
    draws = rng.integers(0, len(diff), size=(400, len(diff)))
    low = float(np.quantile(diff[draws].mean(axis=1), 0.025))
    assert low <= 0, (float(diff.mean()), low)
    assert auc["model"] >= auc["plain_logistic"] - 0.01
    assert np.isfinite(list(auc.values())).all()
    # Calibration under the jump in the base rate (6 % → 31 %): ECE was 0.18 with
    # the trees fitted on the earlier rows only.
    assert trained.evaluation.metrics["model"]["ece"] < 0.12
