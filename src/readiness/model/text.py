"""The memo as a few dense numbers: character-bigram TF-IDF reduced by SVD."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer

__all__ = ["MemoTextEncoder"]


class MemoTextEncoder(TransformerMixin, BaseEstimator):
    """Character-bigram TF-IDF of the memo, reduced to a few dense components.

    Japanese has no spaces, so words are not tokens; character n-grams work
    without a tokenizer (stack notes). Bigrams over at most `max_fit_docs` memos
    keep it at ~0.2 ms a memo. A corpus too small to learn from yields zeros.
    """

    def __init__(
        self,
        *,
        n_components: int = 16,
        max_features: int = 5_000,
        max_fit_docs: int = 20_000,
    ) -> None:
        self.n_components = n_components
        self.max_features = max_features
        self.max_fit_docs = max_fit_docs

    def fit(self, texts: pd.Series, y: Any = None) -> MemoTextEncoder:
        docs = pd.Series(texts).fillna("").astype(str)
        if len(docs) > self.max_fit_docs:
            docs = docs.sample(self.max_fit_docs, random_state=0)
        self.vectorizer_: TfidfVectorizer | None = None
        self.svd_: TruncatedSVD | None = None
        if self.n_components <= 0 or (docs.str.len() > 0).sum() < 20:
            return self
        self.vectorizer_ = TfidfVectorizer(
            analyzer="char",
            ngram_range=(2, 2),
            min_df=5,
            max_features=self.max_features,
            sublinear_tf=True,
            dtype=np.float32,
        )
        try:
            tfidf = self.vectorizer_.fit_transform(docs)
        except ValueError:  # every n-gram below min_df
            self.vectorizer_ = None
            return self
        k = min(self.n_components, tfidf.shape[1] - 1)
        if k < 1:
            self.vectorizer_ = None
            return self
        self.svd_ = TruncatedSVD(n_components=k, n_iter=3, random_state=0).fit(tfidf)
        return self

    def transform(self, texts: pd.Series) -> np.ndarray:
        docs = pd.Series(texts).fillna("").astype(str)
        out = np.zeros((len(docs), self.n_components), dtype=np.float32)
        if self.vectorizer_ is not None and self.svd_ is not None:
            reduced = self.svd_.transform(self.vectorizer_.transform(docs))
            out[:, : reduced.shape[1]] = reduced
        return out

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return np.array([f"memo_text_svd_{i}" for i in range(self.n_components)])
