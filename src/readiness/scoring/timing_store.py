"""The timing model on disk, next to the bundle: an artifact that runs no code.

`timing.json` is what the CLI and API read (what was learned, the format version)
and is written last; `timing/` is the artifact (docs/artifact.md): the two
LightGBM models as their own model text, the fitted numbers as JSON, and a
checksum manifest. One loader is kept per format version (`LOADERS`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Final

from readiness.data.write import atomic_write_bytes
from readiness.model.artifact import (
    ArtifactReader,
    ArtifactWriter,
    open_artifact,
    staged_directory,
)
from readiness.model.bundle_state import read_state, write_state
from readiness.scoring.timing_model import TimingError, TimingModel

__all__ = [
    "LOADERS",
    "TIMING_DIR",
    "TIMING_FILE",
    "TIMING_META",
    "load_timing",
    "save_timing",
]

TIMING_META: Final = "timing.json"
# The file whose presence and time say a timing model is saved (written last).
TIMING_FILE: Final = TIMING_META
TIMING_DIR: Final = "timing"
ARTIFACT_KIND: Final = "readiness.timing"
_STATE: Final = "timing_model"
_REFIT: Final = "refit with `readiness timing DATA_DIR --refit`"


def save_timing(model: TimingModel, out_dir: Path) -> Path:
    """Write `timing/` and then `timing.json` into `out_dir` (the bundle's).

    Each is replaced whole: a half-written timing model never replaces a good one.
    Returns the path of `timing.json`, written last.
    """
    out_dir = Path(out_dir)
    meta = model.describe()  # refuses an unfitted model
    writer = ArtifactWriter()
    write_state(writer, _STATE, model, classes=(TimingModel,))
    features = [{"name": name} for name in model.features_]
    with staged_directory(out_dir / TIMING_DIR) as tmp:
        writer.write(tmp, {"kind": ARTIFACT_KIND, "features": features})
    text = json.dumps(meta, ensure_ascii=False, indent=2).encode()
    atomic_write_bytes(out_dir / TIMING_META, text)
    return out_dir / TIMING_META


def load_timing(model_dir: Path) -> TimingModel:
    """Load the timing model saved next to a bundle; refuses what it cannot read."""
    model_dir = Path(model_dir)
    meta_path = model_dir / TIMING_META
    if not meta_path.is_file():
        raise TimingError(
            f"no timing model in {model_dir}: run `readiness timing DATA_DIR "
            f"--model-dir {model_dir}` once to learn it from your history"
        )
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TimingError(f"{meta_path} is unreadable ({exc}); {_REFIT}") from exc
    version = meta.get("schema_version") if isinstance(meta, dict) else None
    if isinstance(version, int) and version < min(LOADERS):
        raise TimingError(
            f"{meta_path} has schema version {version}: a pickled timing.joblib, "
            f"which runs code when loaded and is no longer read; {_REFIT}"
        )
    if version not in LOADERS:
        raise TimingError(
            f"{meta_path} has schema version {version!r}, this package reads "
            f"{', '.join(map(str, sorted(LOADERS)))}; {_REFIT}"
        )
    reader = open_artifact(
        model_dir / TIMING_DIR,
        kind=ARTIFACT_KIND,
        versions=LOADERS,
        error=TimingError,
        fix=_REFIT,
    )
    if reader.version != version:
        raise reader.refuse(
            f"{TIMING_META} says format version {version} but the manifest says "
            f"{reader.version}"
        )
    return LOADERS[reader.version](reader)


def _load_v3(reader: ArtifactReader) -> TimingModel:
    model = read_state(reader, _STATE, classes=(TimingModel,))
    if not isinstance(model, TimingModel) or not hasattr(model, "gain_"):
        raise reader.refuse(f"{_STATE}.json does not hold a fitted timing model")
    features = list(model.features_)
    listed = [f.get("name") for f in reader.manifest.get("features", [])]
    if listed != features:
        raise reader.refuse(
            "the features in manifest.json differ from the timing model's; the "
            "files disagree"
        )
    for part in (model.win_, model.gain_):
        names = list(part.booster_.feature_name())
        if names != features:
            raise reader.refuse(
                f"a LightGBM model has {len(names)} features ({names[:3]}…) but the "
                f"timing model lists {len(features)}; the files disagree"
            )
    return model


# One loader per format version this readiness reads (docs/artifact.md).
LOADERS: Final[dict[int, Callable[[ArtifactReader], TimingModel]]] = {
    3: _load_v3,
}
