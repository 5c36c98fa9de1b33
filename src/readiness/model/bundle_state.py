"""The bundle's fitted objects as artifact files, and back (docs/artifact.md).

Training keeps its objects as they are; this module only reads their fitted
attributes into a *state* (`readiness.model.artifact` writes it as JSON and
`.npy`) and rebuilds them from one. Only the classes named here are ever
rebuilt — readiness's own and a few scikit-learn ones, by setting their fitted
attributes — so loading runs no code the artifact could choose. LightGBM models
are stored as LightGBM's own model text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Final

import lightgbm as lgb
import sklearn
from sklearn.base import BaseEstimator
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer
from sklearn.impute import SimpleImputer
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from readiness.model.artifact import ArtifactReader, ArtifactWriter
from readiness.model.estimators import LogOddsScorer, RubricModel, WinModel
from readiness.model.linear import LinearBase
from readiness.model.loaded import SavedLightGBM, SigmoidCalibration
from readiness.model.matrix import TEXT_COLUMN, ModelMatrix
from readiness.model.text import MemoTextEncoder

__all__ = [
    "feature_kinds",
    "read_estimator",
    "read_state",
    "write_estimator",
    "write_state",
]

# Attributes that are not state: training-only wrappers, aliases and what is
# derived again after loading (`_AFTER`).
_SKIP: Final[dict[type, frozenset[str]]] = {
    # `calibrated_` (CalibratedClassifierCV) is needed to fit, not to predict
    WinModel: frozenset({"calibrated_", "booster_model_", "base_model_"}),
    LinearBase: frozenset({"numeric_", "flags_", "sum_"}),
    IsotonicRegression: frozenset({"f_"}),  # rebuilt from the thresholds
}
_OURS: Final[dict[str, type]] = {
    cls.__name__: cls
    for cls in (
        WinModel,
        RubricModel,
        LogOddsScorer,
        LinearBase,
        MemoTextEncoder,
        ModelMatrix,
    )
}
_SKLEARN: Final[dict[str, type[BaseEstimator]]] = {
    cls.__name__: cls
    for cls in (
        Pipeline,
        SimpleImputer,
        StandardScaler,
        LogisticRegression,
        TfidfVectorizer,
        TfidfTransformer,
        TruncatedSVD,
        IsotonicRegression,
    )
}
_DEFAULT_TREE_NAMES = re.compile(r"^Column_\d+$")


def _after_win_model(model: WinModel) -> None:
    model.booster_model_ = model.scorer_.booster_
    model.base_model_ = model.scorer_.base_


_AFTER: Final[dict[type, Callable[[Any], object]]] = {
    WinModel: _after_win_model,
    LinearBase: LinearBase.derive,
}


def _state_hook(
    writer: ArtifactWriter, ours: dict[str, type]
) -> Callable[[Any, str], Any]:
    def hook(value: Any, name: str) -> Any:
        if isinstance(value, lgb.LGBMModel | SavedLightGBM):
            booster = value.booster_
            return {
                "$lightgbm": writer.text(f"{name}.txt", booster.model_to_string()),
                "classifier": isinstance(value, lgb.LGBMClassifier)
                or (isinstance(value, SavedLightGBM) and value.classifier),
                "n_jobs": int(value.n_jobs or 1),
            }
        if type(value).__name__ in ("_SigmoidCalibration", "SigmoidCalibration"):
            return {"$sigmoid": [float(value.a_), float(value.b_)]}
        cls = type(value)
        if ours.get(cls.__name__) is cls or _SKLEARN.get(cls.__name__) is cls:
            skip = _SKIP.get(cls, frozenset())
            state = {k: v for k, v in vars(value).items() if k not in skip}
            return {
                "$object": cls.__name__,
                "state": writer.encode(state, name, hook=hook),
            }
        if hasattr(value, "fit") and not isinstance(value, type):
            raise ValueError(
                f"{name}: a {cls.__module__}.{cls.__name__} cannot be saved in an "
                "artifact; add it to readiness.model.bundle_state"
            )
        return NotImplemented

    return hook


def _load_hook(
    reader: ArtifactReader, ours: dict[str, type]
) -> Callable[[Any, str], Any]:
    def hook(value: Any, _name: str) -> Any:
        if not isinstance(value, dict):
            return NotImplemented
        if "$lightgbm" in value:
            name = str(value["$lightgbm"])
            try:
                booster = lgb.Booster(model_str=reader.text(name))
            except lgb.basic.LightGBMError as exc:
                raise reader.refuse(f"{name} is not a LightGBM model ({exc})") from exc
            return SavedLightGBM(
                booster,
                classifier=bool(value["classifier"]),
                n_jobs=int(value["n_jobs"]),
            )
        if "$sigmoid" in value:
            a, b = value["$sigmoid"]
            return SigmoidCalibration(float(a), float(b))
        if "$object" not in value:
            return NotImplemented
        name = str(value["$object"])
        state = reader.decode(value.get("state", {}), hook=hook)
        if not isinstance(state, dict):
            raise reader.refuse(f"the state of a {name} is not a mapping")
        if name in ours:
            cls = ours[name]
            obj: Any = object.__new__(cls)
            obj.__dict__.update(state)
            after = _AFTER.get(cls)
            if after is not None:
                after(obj)
            return obj
        if name in _SKLEARN:
            sk: Any = object.__new__(_SKLEARN[name])
            # scikit-learn's own protocol for restoring fitted attributes (it
            # rebuilds what is derived, e.g. IsotonicRegression's interpolator).
            sk.__setstate__({**state, "_sklearn_version": sklearn.__version__})
            return sk
        raise reader.refuse(
            f"it names a {name!r}, which this readiness does not rebuild "
            "(written by a newer version?)"
        )

    return hook


def _classes(extra: tuple[type, ...]) -> dict[str, type]:
    return {**_OURS, **{cls.__name__: cls for cls in extra}}


def write_state(
    writer: ArtifactWriter, name: str, obj: Any, *, classes: tuple[type, ...] = ()
) -> None:
    """`obj`'s state as `name.json` plus its arrays and LightGBM texts.

    `classes` adds classes of the caller's (e.g. the timing model) to those this
    module saves and rebuilds; their attributes must be plain data or objects
    this module knows.
    """
    hook = _state_hook(writer, _classes(classes))
    writer.json(f"{name}.json", writer.encode(obj, name, hook=hook))


def read_state(
    reader: ArtifactReader, name: str, *, classes: tuple[type, ...] = ()
) -> Any:
    """Rebuild what `write_state` saved (only classes this module or `classes`
    names are ever created)."""
    try:
        hook = _load_hook(reader, _classes(classes))
        return reader.decode(reader.json(f"{name}.json"), hook=hook)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise reader.refuse(
            f"{name}.json is malformed ({type(exc).__name__}: {exc})"
        ) from exc


def write_estimator(writer: ArtifactWriter, name: str, model: Any) -> None:
    """A bundle's estimator (WinModel or RubricModel) as artifact files."""
    write_state(writer, name, model)


def read_estimator(reader: ArtifactReader, name: str) -> WinModel | RubricModel:
    """Rebuild what `write_estimator` saved and check it is whole and consistent."""
    model = read_state(reader, name)
    if not isinstance(model, WinModel | RubricModel):
        raise reader.refuse(f"{name}.json holds a {type(model).__name__}, not a model")
    if isinstance(model, WinModel):
        _check_win_model(reader, name, model)
    return model


def _check_win_model(reader: ArtifactReader, name: str, model: WinModel) -> None:
    """The pieces must agree on the design: the booster's and linear base's
    feature counts, the text components and the feature list in the manifest."""
    columns = list(model.design_columns_)
    width = len(model.matrix_.columns) + int(model.text_.n_components)
    if width != len(columns):
        raise reader.refuse(
            f"{name}: the feature matrix has {width} columns but the model was "
            f"fitted on {len(columns)}; the files disagree"
        )
    trees = model.scorer_.booster_
    if trees is not None:
        booster = trees.booster_
        if booster.num_feature() != len(columns):
            raise reader.refuse(
                f"{name}: the LightGBM model has {booster.num_feature()} features but "
                f"the feature list has {len(columns)}; the files disagree"
            )
        names = list(booster.feature_name())
        if not all(_DEFAULT_TREE_NAMES.match(n) for n in names) and names != columns:
            raise reader.refuse(
                f"{name}: the LightGBM model's feature names differ from the feature "
                "list; the files disagree"
            )
    base = model.scorer_.base_
    if base is not None and base.n_features_in_ != len(columns):
        raise reader.refuse(
            f"{name}: the linear base has {base.n_features_in_} features but the "
            f"feature list has {len(columns)}; the files disagree"
        )
    listed = reader.manifest.get("features")
    if listed is not None and listed != feature_kinds(model):
        raise reader.refuse(
            f"the features in manifest.json (their names, kinds or categories) "
            f"differ from {name}'s; the files disagree"
        )


def feature_kinds(model: WinModel | RubricModel) -> list[dict[str, Any]]:
    """The model's input features: name, kind (numeric, category, text) and the
    categories it knows (unseen ones are scored as missing)."""
    if isinstance(model, RubricModel):
        return [{"name": c, "kind": "numeric"} for c in model.columns]
    out: list[dict[str, Any]] = []
    for c in model.feature_names_in_:
        c = str(c)
        if c == TEXT_COLUMN:
            out.append({"name": c, "kind": "text"})
        elif c in model.matrix_.categories:
            cats = [str(v) for v in model.matrix_.categories[c]]
            out.append({"name": c, "kind": "category", "categories": cats})
        else:
            out.append({"name": c, "kind": "numeric"})
    return out
