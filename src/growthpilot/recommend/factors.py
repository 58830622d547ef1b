"""Matrix factorisation for implicit feedback with the ``implicit`` library (CPU): ALS and BPR."""

from __future__ import annotations

import numpy as np
import pandas as pd
from implicit.cpu.als import AlternatingLeastSquares
from implicit.cpu.bpr import BayesianPersonalizedRanking
from threadpoolctl import threadpool_limits

from growthpilot.recommend.base import BaseRecommender
from growthpilot.recommend.data import Encoded, binarize


class _Factor(BaseRecommender):
    def _make(self):  # pragma: no cover - overridden
        raise NotImplementedError

    def _fit(self, enc: Encoded, *, item_text: pd.Series | None = None) -> None:
        x = binarize(enc.matrix) if getattr(self, "binary", True) else enc.matrix
        with threadpool_limits(1, "blas"):
            model = self._make()
            model.fit(x.astype(np.float32).tocsr(), show_progress=False)
        self.user_factors_ = np.asarray(model.user_factors, dtype=np.float32)
        self.item_factors_ = np.asarray(model.item_factors, dtype=np.float32)

    def _scores(self, rows: np.ndarray) -> np.ndarray:
        return self.user_factors_[rows] @ self.item_factors_.T

    def _item_vectors(self) -> np.ndarray:
        return self.item_factors_


class ALS(_Factor):
    """Implicit-feedback ALS (Hu, Koren & Volinsky 2008) via ``implicit.cpu.als``.

    Parameters
    ----------
    factors, regularization, alpha, iterations : the usual ALS hyperparameters (defaults are
        ``implicit``'s own); confidence is 1 + alpha * strength. The hybrid validates a grid.
    binary : fit on 0/1 interactions (True) or on the weights (ratings, recency).
    random_state, num_threads : reproducibility and CPU threads.
    """

    name = "als"

    def __init__(self, *, factors: int = 100, regularization: float = 0.01, alpha: float = 1.0,
                 iterations: int = 15, binary: bool = True, half_life_days: float | None = None,
                 random_state: int = 42, num_threads: int = 2) -> None:
        self.factors = factors
        self.regularization = regularization
        self.alpha = alpha
        self.iterations = iterations
        self.binary = binary
        self.half_life_days = half_life_days
        self.random_state = random_state
        self.num_threads = num_threads

    def _make(self):
        return AlternatingLeastSquares(factors=self.factors, regularization=self.regularization,
                                       alpha=self.alpha, iterations=self.iterations,
                                       random_state=self.random_state, num_threads=self.num_threads)


class BPR(_Factor):
    """Bayesian Personalised Ranking (Rendle et al. 2009) via ``implicit.cpu.bpr``.

    Parameters
    ----------
    factors, learning_rate, regularization, iterations : SGD hyperparameters (``implicit``'s defaults).
    random_state, num_threads : reproducibility and CPU threads.
    """

    name = "bpr"

    def __init__(self, *, factors: int = 100, learning_rate: float = 0.01, regularization: float = 0.01,
                 iterations: int = 100, half_life_days: float | None = None, random_state: int = 42,
                 num_threads: int = 2) -> None:
        self.factors = factors
        self.learning_rate = learning_rate
        self.regularization = regularization
        self.iterations = iterations
        self.half_life_days = half_life_days
        self.random_state = random_state
        self.num_threads = num_threads

    def _make(self):
        return BayesianPersonalizedRanking(factors=self.factors, learning_rate=self.learning_rate,
                                           regularization=self.regularization, iterations=self.iterations,
                                           random_state=self.random_state, num_threads=self.num_threads)
