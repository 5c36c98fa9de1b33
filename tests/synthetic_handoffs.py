"""Scored hand-offs with a known truth, for the evaluation and report tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

from readiness.rubric.config import band_for, default_rubric


def synthetic_handoffs(n: int, *, seed: int = 0, every: str = "6h") -> pd.DataFrame:
    """Known truth; the model sees it noisily, the rubric only through its score."""
    rng = np.random.default_rng(seed)
    quality, intent = rng.normal(size=n), rng.normal(size=n)
    total = np.clip(np.round(65 + 15 * quality + rng.normal(0, 8, n)), 0, 100)
    logit = -1.5 + 0.5 * quality + 0.9 * intent
    p_true = 1 / (1 + np.exp(-logit))
    won = (rng.random(n) < p_true).astype(int)
    p_model = 1 / (1 + np.exp(-(logit + rng.normal(0, 0.3, n))))
    p_rubric = pd.Series(won).groupby(total // 10).transform("mean").clip(0.02, 0.98)
    rubric = default_rubric()
    return pd.DataFrame(
        {
            "lead_id": [f"L{i:04d}" for i in range(n)],
            "tossed_up_at": pd.date_range("2026-04-01", periods=n, freq=every),
            "won": won,
            "rubric_total": total,
            "band": [band_for(t, rubric) for t in total],
            "p_model": p_model,
            "p_rubric": p_rubric.to_numpy(),
            "p_true": p_true,
        }
    )
