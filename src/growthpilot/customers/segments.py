"""Behavioural clustering of customers: KMeans on standardised log-features, k chosen by silhouette."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import StandardScaler

from growthpilot.errors import DataError, NotFittedError

CLUSTER_FEATURES = ("recency_days", "n_orders", "monetary", "aov", "T", "ipt_mean", "return_rate",
                    "discount_mean", "spend_trend", "orders_90d")


class BehaviourClusters:
    """KMeans segments with the number of clusters chosen by the best silhouette score.

    Parameters
    ----------
    k_range : candidate numbers of clusters (inclusive bounds).
    features : customer-360 columns used (missing ones are skipped).
    sample_size : customers used to score silhouettes (the criterion), for speed.
    random_state : seed.
    """

    def __init__(self, *, k_range: tuple[int, int] = (2, 8), features: tuple[str, ...] = CLUSTER_FEATURES,
                 sample_size: int = 4000, random_state: int = 0) -> None:
        self.k_range = k_range
        self.features = features
        self.sample_size = sample_size
        self.random_state = random_state

    def _matrix(self, df: pd.DataFrame) -> np.ndarray:
        X = df[self.features_].astype(float).fillna(0.0).to_numpy()
        return np.sign(X) * np.log1p(np.abs(X))

    def fit(self, df: pd.DataFrame) -> BehaviourClusters:
        self.features_ = [c for c in self.features if c in df.columns]
        if len(df) < 10 or not self.features_:
            raise DataError(f"clustering needs at least 10 customers and the customer-360 columns; got {len(df)}")
        X = self._matrix(df)
        self.scaler_ = StandardScaler().fit(X)
        Z = self.scaler_.transform(X)
        rng = np.random.default_rng(self.random_state)
        sample = rng.choice(len(Z), size=min(self.sample_size, len(Z)), replace=False)
        self.silhouettes_: dict[int, float] = {}
        best = None
        lo, hi = self.k_range
        for k in range(lo, min(hi, len(Z) - 1) + 1):
            km = KMeans(n_clusters=k, n_init=4, random_state=self.random_state).fit(Z)
            labels = km.labels_[sample]
            if len(set(labels)) < 2:
                continue
            s = float(silhouette_score(Z[sample], labels))
            self.silhouettes_[k] = s
            if best is None or s > best[0]:
                best = (s, km)
        if best is None:
            raise DataError("customers do not separate into clusters (all alike)")
        self.model_ = best[1]
        self.n_clusters_ = int(self.model_.n_clusters)
        return self

    def predict(self, df: pd.DataFrame) -> np.ndarray:
        if not hasattr(self, "model_"):
            raise NotFittedError("BehaviourClusters is not fitted; call fit(features) first")
        return self.model_.predict(self.scaler_.transform(self._matrix(df)))
