"""The served model: loaded once at start-up, swapped whole on reload.

Scoring reads one reference to an immutable `Loaded`; a reload builds a new one
and replaces the reference only when loading succeeded, so requests in flight
keep the model they started with and a failed reload keeps the old model.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from readiness.model.bundle import Bundle, BundleError, load_bundle
from readiness.rubric.config import Rubric
from readiness.rubric.store import active_rubric
from readiness.settings import Settings

log = logging.getLogger("api")

TRAIN_HINT_EN = "Train one with `readiness train DATA_DIR` (or `make run`)."
TRAIN_HINT_JA = "`readiness train DATA_DIR`（または `make run`）で学習してください。"


@dataclass(frozen=True)
class Loaded:
    bundle: Bundle
    source: str
    loaded_at: str
    # The adopted rubric (`readiness rubric adopt`), shown instead of the bundle's.
    rubric: Rubric | None = None

    def describe(self) -> dict[str, Any]:
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


def _load(settings: Settings) -> Loaded:
    if settings.model_uri:
        from readiness.workflows.tracking import (
            default_tracking_uri,
            load_bundle_from_registry,
        )

        tracking_uri = settings.tracking_uri or default_tracking_uri(
            settings.project_dir
        )
        bundle = load_bundle_from_registry(
            settings.model_uri, tracking_uri=tracking_uri
        )
        source = settings.model_uri
    else:
        bundle = load_bundle(settings.model_dir)
        source = str(settings.model_dir)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    rubric = active_rubric(settings.rubric_dir)
    return Loaded(bundle=bundle, source=source, loaded_at=now, rubric=rubric)


class ModelHolder:
    """The current model (or why there is none) and a lock for reloads."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.current: Loaded | None = None
        self.error: str | None = None
        self._lock = threading.Lock()

    def load(self) -> tuple[bool, str | None]:
        """Try to (re)load; keep the old model on failure. (ok, error message)."""
        with self._lock:
            try:
                loaded = _load(self.settings)
            except (BundleError, OSError, ValueError) as exc:
                self.error = str(exc)
                log.warning("model not loaded: %s", type(exc).__name__)
                return False, self.error
            self.current = loaded
            self.error = None
            log.info(
                "model loaded from %s (served=%s, version=%s)",
                loaded.source,
                loaded.bundle.served,
                loaded.bundle.meta.get("registered_version"),
            )
            return True, None
