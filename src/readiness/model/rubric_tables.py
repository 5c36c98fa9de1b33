"""The evaluation's tables against the rubric: win rates per band and per decile
(observed, rubric-implied, model), the model's own probability deciles, and the
hand-offs where model and rubric disagree most. Pure; frames in, frames out.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from readiness.model.metrics import outcomes, probabilities
from readiness.rubric.config import BANDS

__all__ = [
    "band_table",
    "check_columns",
    "decile_table",
    "disagreements",
    "n_distinct",
    "probability_deciles",
]


_LOGIT_EPS: Final = 1e-6  # a 0 vs 1e-9 probability is no real disagreement


def _column_or_nan(frame: pd.DataFrame, column: str | None) -> NDArray[np.float64]:
    if column is None or column not in frame:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)


def check_columns(frame: pd.DataFrame, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in frame]
    if missing:
        raise ValueError(
            f"frame lacks column(s) {', '.join(missing)}; "
            f"it has {', '.join(map(str, frame.columns))}"
        )


def _rates(
    keys: pd.Series, won: NDArray[np.int64], p_rubric: NDArray, p_model: NDArray
) -> pd.DataFrame:
    data = pd.DataFrame(
        {"key": keys.to_numpy(), "won": won, "p_rubric": p_rubric, "p_model": p_model}
    )
    grouped = data.groupby("key", sort=True)
    return pd.DataFrame(
        {
            "n": grouped.size(),
            "wins": grouped["won"].sum(),
            "observed": grouped["won"].mean(),
            "p_rubric": grouped["p_rubric"].mean(),
            "p_model": grouped["p_model"].mean(),
        }
    )


def band_table(
    frame: pd.DataFrame,
    *,
    model: str | None = "p_model",
    rubric: str | None = "p_rubric",
) -> pd.DataFrame:
    """Per rubric band (high, standard, needs work): n, observed and implied win rates.

    `p_rubric` is the mean calibrated rubric probability — the rate the band's
    points imply — and `p_model` the model's mean; a column absent from the frame
    gives NaN. Empty bands stay in the table with n = 0.
    """
    check_columns(frame, ("band", "won"))
    bands = frame["band"].astype("string").fillna("<missing>")
    unknown = sorted(set(bands) - set(BANDS))
    if unknown:
        raise ValueError(
            f"unknown band value(s) {', '.join(unknown)}; expected {', '.join(BANDS)}"
        )
    won = outcomes(frame["won"], name="won")
    rates = _rates(
        bands, won, _column_or_nan(frame, rubric), _column_or_nan(frame, model)
    ).reindex(list(BANDS))
    rates["n"] = rates["n"].fillna(0).astype(int)
    rates["wins"] = rates["wins"].fillna(0).astype(int)
    rates.insert(1, "share", rates["n"] / max(len(frame), 1))
    rates.insert(0, "band_en", [BANDS[b][1] for b in BANDS])
    rates.insert(0, "band_ja", [BANDS[b][0] for b in BANDS])
    rates.index.name = "band"
    return rates.reset_index()


def decile_table(
    frame: pd.DataFrame,
    *,
    model: str | None = "p_model",
    rubric: str | None = "p_rubric",
) -> pd.DataFrame:
    """Per rubric-score decile (1 = lowest): score range, n, observed and implied rates.

    Equal scores always share a decile, so a score held by many hand-offs makes
    its decile larger and may leave a neighbour empty (dropped).
    """
    check_columns(frame, ("rubric_total", "won"))
    total = pd.to_numeric(frame["rubric_total"], errors="coerce")
    missing = int(total.isna().sum())
    if missing:
        raise ValueError(f"rubric_total has {missing} missing values")
    won = outcomes(frame["won"], name="won")
    if len(frame) == 0:
        columns = ["decile", "score_min", "score_max", "n", "wins", "observed"]
        return pd.DataFrame(columns=[*columns, "p_rubric", "p_model"])
    deciles = _rank_deciles(total)
    rates = _rates(
        deciles, won, _column_or_nan(frame, rubric), _column_or_nan(frame, model)
    )
    scores = pd.Series(total.to_numpy()).groupby(deciles)
    rates.insert(0, "score_max", scores.max())
    rates.insert(0, "score_min", scores.min())
    rates.index.name = "decile"
    return rates.reset_index().astype({"n": int, "wins": int})


def _rank_deciles(values: pd.Series) -> pd.Series:
    """Decile 1-10 by rank; equal values share a rank, hence a decile."""
    ranks = values.rank(method="average").to_numpy()
    return pd.Series(np.clip(np.ceil(ranks / len(values) * 10), 1, 10).astype(int))


def probability_deciles(
    frame: pd.DataFrame,
    *,
    model: str = "p_model",
    rubric: str | None = "p_rubric",
) -> pd.DataFrame:
    """Per decile of the predictor's own probability (1 = lowest): its range, n,
    observed and predicted win rates — the table that needs no rubric.

    Equal probabilities share a decile, so only a predictor with a real spread
    fills all ten; a constant one gives a single row.
    """
    check_columns(frame, (model, "won"))
    p = probabilities(frame[model], name=model)
    won = outcomes(frame["won"], name="won")
    columns = ["decile", "p_min", "p_max", "n", "wins", "observed"]
    if len(frame) == 0:
        return pd.DataFrame(columns=[*columns, "p_rubric", "p_model"])
    deciles = _rank_deciles(pd.Series(p))
    rates = _rates(deciles, won, _column_or_nan(frame, rubric), p)
    grouped = pd.Series(p).groupby(deciles)
    rates.insert(0, "p_max", grouped.max())
    rates.insert(0, "p_min", grouped.min())
    rates.index.name = "decile"
    return rates.reset_index().astype({"n": int, "wins": int})


def n_distinct(values: NDArray[np.float64]) -> int:
    finite = values[np.isfinite(values)]
    return len(np.unique(finite))


def _logit(p: NDArray[np.float64]) -> NDArray[np.float64]:
    q = np.clip(p, _LOGIT_EPS, 1.0 - _LOGIT_EPS)
    return np.log(q / (1.0 - q))


def disagreements(
    frame: pd.DataFrame,
    *,
    k: int = 20,
    model: str = "p_model",
    rubric: str = "p_rubric",
) -> pd.DataFrame:
    """The k hand-offs where model and rubric disagree most, in log-odds.

    `logit_gap` > 0: the model is more optimistic than the rubric. Log-odds make
    10 % vs 1 % as large a gap as 50 % vs 91 %, which is how a sales rep reads it.
    """
    columns = ["lead_id", "rubric_total", "band", "won"]
    out_columns = [*columns[:3], "p_model", "p_rubric", "won", "logit_gap"]
    if rubric not in frame or model not in frame:
        return pd.DataFrame(columns=out_columns)
    check_columns(frame, tuple(columns))
    p_model = probabilities(frame[model], name=model)
    p_rubric = probabilities(frame[rubric], name=rubric)
    out = pd.DataFrame(
        {
            "lead_id": frame["lead_id"].to_numpy(),
            "rubric_total": frame["rubric_total"].to_numpy(),
            "band": frame["band"].to_numpy(),
            "p_model": p_model,
            "p_rubric": p_rubric,
            "won": outcomes(frame["won"], name="won"),
            "logit_gap": _logit(p_model) - _logit(p_rubric),
        }
    )
    order = np.argsort(-np.abs(out["logit_gap"].to_numpy()), kind="stable")
    return out.iloc[order[: max(k, 0)]].reset_index(drop=True)
