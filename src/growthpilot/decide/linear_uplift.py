"""A penalised (logistic) regression uplift learner: one model, the arm's effect as interactions.

Design: a shared basis of the features (cubic splines of numeric columns, one-hot categories) for the
baseline, plus, for every arm, an indicator and the basis times that indicator. The baseline is learnt
from *all* rows, so the uplift is not the difference of two independently noisy fits (as in a T-learner),
and the L2 penalty on the interactions (``interaction_scale`` < 1 penalises them more than the baseline)
shrinks the heterogeneity that the data cannot support. Logistic for 0/1 outcomes, ridge otherwise.
Smooth and low-variance where tree learners are noisy: a useful candidate and ensemble member for
:class:`~growthpilot.decide.profit_model.ProfitUpliftModel`, which keeps it only when it validates.

>>> m = LinearUplift(C=1.0).fit(X, arm, y, control="control")   # doctest: +SKIP
>>> m.predict(X_new)                                           # (n, n_arms), order m.arms_  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, SplineTransformer, StandardScaler

from growthpilot.decide._features import control_and_arms
from growthpilot.errors import DataError, NotFittedError


class LinearUplift:
    """Penalised regression with arm x basis interactions; ``predict`` gives each arm's uplift over control.

    Parameters
    ----------
    C : inverse L2 strength (as in scikit-learn; ridge uses ``alpha = 1 / C``).
    interaction_scale : the interaction columns are multiplied by this; below 1 they are penalised more.
    n_knots : spline knots per numeric column (columns with more than two distinct values).
    knots : ``"uniform"`` (knots evenly over each standardised column's range) or ``"quantile"`` (at its
        quantiles: the pieces follow the data, not its extremes).
    """

    name = "linear"

    def __init__(self, *, C: float = 1.0, interaction_scale: float = 1.0, n_knots: int = 5,
                 knots: str = "uniform") -> None:
        self.C = C
        self.interaction_scale = interaction_scale
        self.n_knots = n_knots
        self.knots = knots

    def _basis(self, X: pd.DataFrame) -> np.ndarray:
        B = self.basis_.transform(X)
        return B.toarray() if hasattr(B, "toarray") else np.asarray(B)

    def _design(self, B: np.ndarray, arm_idx: np.ndarray) -> np.ndarray:
        m = len(self.arms_)
        D = np.zeros((len(B), m))
        on = arm_idx >= 0
        D[np.flatnonzero(on), arm_idx[on]] = 1.0
        return np.hstack([B, D, *[self.interaction_scale * D[:, [j]] * B for j in range(m)]])

    def fit(self, X: pd.DataFrame, treatment, y, *, control: Any = 0) -> LinearUplift:
        """Fit on an experiment: features ``X``, arm labels ``treatment``, outcome ``y``."""
        X = pd.DataFrame(X).reset_index(drop=True)
        t = pd.Series(np.asarray(treatment)).astype(str).to_numpy()
        y = np.asarray(y, dtype=float)
        if len(t) != len(X) or len(y) != len(X):
            raise DataError(f"X, treatment and y must have the same rows; got {len(X)}, {len(t)}, {len(y)}")
        self.control_, self.arms_ = control_and_arms(t, control)
        self.binary_ = bool(set(np.unique(y)) <= {0.0, 1.0})
        num = [c for c in X.columns if pd.api.types.is_numeric_dtype(X[c]) and not pd.api.types.is_bool_dtype(X[c])
               and X[c].nunique() > 2]
        cat = [c for c in X.columns if c not in num]
        spline = make_pipeline(SimpleImputer(strategy="median"), StandardScaler(),
                               SplineTransformer(n_knots=self.n_knots, knots=self.knots, extrapolation="constant"))
        self.basis_ = ColumnTransformer([("num", spline, num),
                                         ("cat", OneHotEncoder(handle_unknown="ignore"), cat)]).fit(
            X.astype({c: str for c in cat}))
        self._cat = cat
        arm_idx = np.array([self.arms_.index(v) if v in self.arms_ else -1 for v in t])
        Z = self._design(self._basis(X.astype({c: str for c in cat})), arm_idx)
        self.model_ = (LogisticRegression(C=self.C, max_iter=3000) if self.binary_
                       else Ridge(alpha=1.0 / self.C)).fit(Z, y)
        return self

    def _response(self, Z: np.ndarray) -> np.ndarray:
        return self.model_.predict_proba(Z)[:, 1] if self.binary_ else self.model_.predict(Z)

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Estimated uplift of every arm over control, shape ``(n_rows, n_arms)`` (order of ``arms_``)."""
        if not hasattr(self, "model_"):
            raise NotFittedError("LinearUplift is not fitted yet; call fit(X, treatment, y) first")
        B = self._basis(pd.DataFrame(X).astype({c: str for c in self._cat}))
        n = len(B)
        base = self._response(self._design(B, np.full(n, -1)))
        return np.column_stack([self._response(self._design(B, np.full(n, j))) - base
                                for j in range(len(self.arms_))])
