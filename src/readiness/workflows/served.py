"""The served model, loaded one way for the API, the command line and batch.

What is served is a bundle, the timing model learned beside it and the adopted
rubric (`readiness rubric adopt`), from a bundle directory or from the MLflow
registry (`models:/lead-readiness@champion`). A registered model carries the
timing model its training saved; without one, the timing model of the model
directory is used. A missing or unreadable timing model never stops the bundle
from loading: `timing_error` says why there is none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from readiness.model.bundle import Bundle, load_bundle
from readiness.rubric.config import Rubric
from readiness.rubric.store import active_rubric
from readiness.scoring.timing_model import TimingError, TimingModel
from readiness.scoring.timing_store import load_timing
from readiness.settings import Settings

# Where a served model comes from: a bundle directory, or a registry URI.
Source = Path | str


@dataclass(frozen=True)
class ServedModel:
    """One loaded model, immutable: a reload builds a new one."""

    bundle: Bundle
    source: str
    loaded_at: str
    # The adopted rubric, shown instead of the bundle's (None: none adopted).
    rubric: Rubric | None = None
    timing: TimingModel | None = None
    timing_error: str | None = None  # why `timing` is None, when it was asked for

    def describe(self) -> dict[str, Any]:
        """Name, registry version and alias, what is served and why, metrics."""
        meta = self.bundle.meta
        served = self.bundle.served
        metrics = meta.get("metrics") or {}
        key = "model" if served == "model" else "rubric_total"
        served_metrics = metrics.get(key) or {}
        headline = {
            k: served_metrics.get(k)
            for k in ("n", "roc_auc", "brier", "log_loss", "ece")
        }
        headline["rubric_roc_auc"] = (metrics.get("rubric_total") or {}).get("roc_auc")
        version = meta.get("registered_version")
        return {
            "name": str(meta.get("model_name", "lead-readiness")),
            "version": None if version is None else str(version),
            "alias": meta.get("alias"),
            "served": served,
            "predictor": self.bundle.predictor,
            "reason": meta.get("reason"),
            "candidates": {
                name: {
                    "log_loss": row.get("log_loss"),
                    "brier": row.get("brier"),
                    "roc_auc": row.get("roc_auc"),
                    "eligible": bool(row.get("eligible", False)),
                    "verdict": str(row.get("verdict", "")),
                }
                for name, row in (meta.get("candidates") or {}).items()
            },
            "skipped": {str(k): str(v) for k, v in (meta.get("skipped") or {}).items()},
            "trained_at": meta.get("trained_at"),
            "metrics": {
                k: float(v) if isinstance(v, int | float) else None
                for k, v in headline.items()
            },
            "features": len(meta.get("features") or []),
            "source": self.source,
            "loaded_at": self.loaded_at,
        }


def load_served(
    source: Source,
    *,
    tracking_uri: str | None = None,
    rubric_dir: Path | None = None,
    timing: bool = True,
    timing_dir: Path | None = None,
) -> ServedModel:
    """The bundle in directory `source`, or registered at URI `source` (a str).

    `rubric_dir`: where the adopted rubric lives (None: show the bundle's).
    `timing`: also load the timing model, from the bundle's directory, then from
    `timing_dir` (the model directory, for a registered model trained before the
    timing model was registered with it). Raises BundleError (and RubricError for
    an unreadable adopted rubric); a timing model that cannot be loaded is only
    recorded in `timing_error`.
    """
    places: list[Path] = []
    if isinstance(source, str):
        from readiness.workflows.tracking import load_registered

        registered = load_registered(source, tracking_uri=tracking_uri)
        bundle = registered.bundle
        if registered.bundle_dir is not None:
            places.append(registered.bundle_dir)
    else:
        bundle = load_bundle(source)
        places.append(source)
    if timing_dir is not None and timing_dir not in places:
        places.append(timing_dir)
    timing_model, timing_error = _timing(places) if timing else (None, None)
    return ServedModel(
        bundle=bundle,
        source=str(source),
        loaded_at=datetime.now(UTC).isoformat(timespec="seconds"),
        rubric=active_rubric(rubric_dir) if rubric_dir is not None else None,
        timing=timing_model,
        timing_error=timing_error,
    )


def load_configured(settings: Settings) -> ServedModel:
    """What the settings serve: READINESS_MODEL_URI or READINESS_MODEL_DIR, with
    the adopted rubric and the timing model (what the API loads)."""
    served = load_served(
        settings.model_uri or settings.model_dir,
        tracking_uri=settings.resolved_tracking_uri(),
        rubric_dir=settings.rubric_dir,
        timing_dir=settings.model_dir,
    )
    if served.timing is not None:
        served.timing.set_dormant_days(settings.dormant_days)
    return served


def _timing(places: list[Path]) -> tuple[TimingModel | None, str | None]:
    """The first timing model that loads, else (None, the last place's reason)."""
    error = "no timing model"
    for place in places:
        try:
            return load_timing(place), None
        except (TimingError, OSError, ValueError) as exc:
            error = str(exc)
    return None, error
