"""Feature frame → the model's matrix: fixed columns, categories as in training."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = ["ModelMatrix", "codes_array"]

TEXT_COLUMN = "memo_text"


class ModelMatrix:
    """Feature frame → model matrix: fixed columns, categories as in training."""

    def __init__(self, columns: list[str], categories: dict[str, list[str]]) -> None:
        self.columns = columns
        self.categories = categories

    @classmethod
    def learn(cls, X: pd.DataFrame) -> ModelMatrix:
        cats = {
            c: sorted(map(str, X[c].dropna().unique()))
            for c in X.columns
            if c != TEXT_COLUMN
            and (isinstance(X[c].dtype, pd.CategoricalDtype) or X[c].dtype == object)
        }
        cols = [c for c in X.columns if c != TEXT_COLUMN]
        return cls(cols, cats)

    def frame(self, X: pd.DataFrame) -> pd.DataFrame:
        self._check(X)
        numeric = [c for c in self.columns if c not in self.categories]
        parts = X[numeric]
        if not all(pd.api.types.is_numeric_dtype(t) for t in parts.dtypes):
            parts = parts.apply(pd.to_numeric, errors="coerce")
        # One block conversion: per-column work dominated single-lead latency.
        out = pd.DataFrame(
            parts.to_numpy(dtype=np.float64, na_value=np.nan),
            columns=numeric,
            index=X.index,
        )
        for c, cats in self.categories.items():
            # Unseen categories become missing, which LightGBM treats as such.
            values = X[c].astype("string").astype(object)
            out[c] = pd.Categorical(values.where(values.isin(cats)), categories=cats)
        return out[self.columns]

    def array(self, X: pd.DataFrame) -> np.ndarray:
        """`frame` as float64, categories as their codes (missing or unseen → NaN)."""
        self._check(X)
        out = np.empty((len(X), len(self.columns)), dtype=np.float64)
        numeric = [i for i, c in enumerate(self.columns) if c not in self.categories]
        parts = X[[self.columns[i] for i in numeric]]
        if not all(pd.api.types.is_numeric_dtype(t) for t in parts.dtypes):
            parts = parts.apply(pd.to_numeric, errors="coerce")
        out[:, numeric] = parts.to_numpy(dtype=np.float64, na_value=np.nan)
        for i, c in enumerate(self.columns):
            if c in self.categories:
                out[:, i] = self._codes(c, X[c])
        return out

    @functools.cached_property
    def _tables(self) -> dict[str, dict[str, int]]:
        return {
            c: {v: i for i, v in enumerate(cats)} for c, cats in self.categories.items()
        }

    def rows_array(self, rows: Sequence[Mapping[str, object]]) -> np.ndarray:
        """`array` of feature rows given as {column: value} (a single lead's, built
        without a frame): numbers as float, categories as their training codes."""
        missing = [c for c in self.columns if c not in rows[0]] if rows else []
        if missing:
            self._check(pd.DataFrame(columns=list(rows[0])))
        out = np.empty((len(rows), len(self.columns)), dtype=np.float64)
        tables = self._tables
        for r, row in enumerate(rows):
            for j, c in enumerate(self.columns):
                value = row[c]
                table = tables.get(c)
                if table is not None:
                    code = -1 if _missing(value) else table.get(str(value), -1)
                    out[r, j] = code if code >= 0 else np.nan
                else:
                    out[r, j] = np.nan if value is None else float(value)  # type: ignore[arg-type]
        return out

    def _codes(self, column: str, values: pd.Series) -> np.ndarray:
        """Training codes of a column's values as float (missing or unseen → NaN)."""
        table = {v: i for i, v in enumerate(self.categories[column])}
        if isinstance(values.dtype, pd.CategoricalDtype):
            # Map the (few) categories, then index by code: no per-row strings.
            lookup = np.array(
                [table.get(str(v), -1) for v in values.cat.categories] + [-1],
                dtype=np.int64,
            )
            codes = lookup[values.cat.codes.to_numpy()]  # code -1 → the last, -1
        else:
            codes = np.array(
                [-1 if pd.isna(v) else table.get(str(v), -1) for v in values],
                dtype=np.int64,
            )
        return np.where(codes >= 0, codes, np.nan)

    def _check(self, X: pd.DataFrame) -> None:
        missing = [c for c in self.columns if c not in X.columns]
        if missing:
            raise ValueError(
                f"features missing from the input: {missing[:10]}"
                f"{' …' if len(missing) > 10 else ''}; build them with "
                "readiness.features.build.build_features"
            )


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def codes_array(design: pd.DataFrame | np.ndarray) -> np.ndarray:
    """A design frame (categories as in training) as the float64 design array."""
    if isinstance(design, np.ndarray):
        return design.astype(np.float64, copy=False)
    out = np.empty(design.shape, dtype=np.float64)
    for i, c in enumerate(design.columns):
        col = design[c]
        if isinstance(col.dtype, pd.CategoricalDtype):
            codes = col.cat.codes.to_numpy()
            out[:, i] = np.where(codes >= 0, codes, np.nan)
        else:
            out[:, i] = col.to_numpy(dtype=np.float64, na_value=np.nan)
    return out
