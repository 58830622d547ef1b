"""Surrogate-assisted uplift: heterogeneity learnt on a frequent auxiliary outcome, mapped to the target.

A rare target (a conversion at about 1 %) carries little information on *who* responds; experiment tables
usually also record a more frequent intermediate outcome (a visit, a click). :class:`SurrogateUplift`

1. learns each arm's uplift on the auxiliary outcome (``aux``) with any uplift learner: the score ``s(x)``;
2. optionally rescales it by the local ratio ``r(x) = E[y | x] / E[aux | x]`` of the two outcomes' means
   (``scale="ratio"``; in a funnel, the share of visitors who convert), ``z = s * r``, else ``z = s``;
3. maps it to the target's scale by the least-squares line ``phi_j ~ a_j + b_j z_j`` of the target's
   doubly-robust (AIPW) uplift pseudo-outcome ``phi_j`` on **out-of-fold** scores (``n_folds``,
   nuisance models cross-fitted too), so the line is not fitted on the score's own training rows:
   ``line="arm"`` an own line per arm, ``"pooled"`` one slope for all arms, ``"proportional"`` one slope and
   no intercept (the arm's mean effect then also comes from the frequent outcome: lowest variance, and right
   only when the target's uplift is proportional to ``z``, as in a funnel where the arm changes the visits).

Whether these assumptions hold is left to validation on the target: if the auxiliary outcome says nothing
about the target's uplift, the slope is near zero, the candidate predicts about the arm mean (or nothing,
``"proportional"``) and loses to the other candidates in
:class:`~growthpilot.decide.profit_model.ProfitUpliftModel`'s choice by cross-validated profit on the target.

>>> m = SurrogateUplift(base="lin").fit(X, arm, converted, aux=visited, control="control")  # doctest: +SKIP
>>> m.predict(X_new)                                    # (n, n_arms) target uplift, order m.arms_  # doctest: +SKIP
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold

from growthpilot.decide._features import FeatureEncoder, control_and_arms
from growthpilot.decide.linear_uplift import LinearUplift
from growthpilot.decide.policy import dr_scores
from growthpilot.decide.uplift_learners import LEARNERS, _lgbm, _response
from growthpilot.errors import DataError, NotFittedError

SMOOTH = {"n_estimators": 60, "learning_rate": 0.05, "num_leaves": 3, "min_child_samples": 200}
"""LightGBM settings of the nuisance models (target responses, outcome means): smooth."""
LINES = ("arm", "pooled", "proportional")


def _line(z: np.ndarray, phi: np.ndarray, kind: str) -> np.ndarray:
    """Least-squares ``phi_j ~ a_j + b_j z_j``: ``"arm"`` own line per arm, ``"pooled"`` one slope shared by
    the arms (own intercepts), ``"proportional"`` one slope and no intercept. Returns ``(n_arms, 2)``."""
    n, m = z.shape
    if kind == "arm":
        return np.array([np.linalg.lstsq(np.column_stack([np.ones(n), z[:, j]]), phi[:, j], rcond=None)[0]
                         for j in range(m)])
    if kind not in LINES:
        raise DataError(f"line must be one of {LINES}, got {kind!r}")
    A = z.T.reshape(-1, 1)
    if kind == "pooled":
        A = np.hstack([np.kron(np.eye(m), np.ones((n, 1))), A])
    c = np.linalg.lstsq(A, phi.T.reshape(-1), rcond=None)[0]
    return np.column_stack([c[:m] if kind == "pooled" else np.zeros(m), np.full(m, c[-1])])


class SurrogateUplift:
    """Uplift of the target predicted from the auxiliary outcome's uplift score through a cross-fitted line.

    Parameters
    ----------
    base : learner of the auxiliary uplift: ``"lin"`` (:class:`~growthpilot.decide.linear_uplift.LinearUplift`)
        or a key of :data:`~growthpilot.decide.uplift_learners.LEARNERS`.
    base_params : settings of that learner.
    scale : ``"ratio"`` (score times ``E[y|x] / E[aux|x]``) or ``"none"``.
    line : ``"arm"``, ``"pooled"`` or ``"proportional"`` (see above).
    n_folds : folds for the out-of-fold scores and nuisance models behind the calibration line.
    random_state, n_jobs : passed to LightGBM.

    Attributes
    ----------
    coef_ : ``(n_arms, 2)`` intercept and slope of each arm's line.
    """

    name = "surrogate"

    def __init__(self, *, base: str = "lin", base_params: dict[str, Any] | None = None, scale: str = "ratio",
                 line: str = "arm", n_folds: int = 2, random_state: int = 0, n_jobs: int = 1) -> None:
        self.base = base
        self.base_params = dict(base_params or {})
        self.scale = scale
        self.line = line
        self.n_folds = n_folds
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _base(self):
        if self.base == "lin":
            return LinearUplift(**self.base_params)
        if self.base not in LEARNERS:
            raise DataError(f"unknown base learner {self.base!r}; choose 'lin' or one of {sorted(LEARNERS)}")
        return LEARNERS[self.base](**self.base_params, random_state=self.random_state, n_jobs=self.n_jobs)

    def _mean_model(self, Xn, v, seed):
        binary = bool(set(np.unique(v)) <= {0.0, 1.0})
        return _lgbm(binary, SMOOTH, self.random_state + seed, self.n_jobs).fit(Xn, v)

    def _fit_parts(self, X, Xn, t, aux, y, rows):
        """Auxiliary uplift learner and (scale="ratio") the two outcome-mean models, fitted on ``rows``."""
        base = self._base().fit(X.iloc[rows], t[rows], aux[rows], control=self.control_)
        means = ((self._mean_model(Xn[rows], y[rows], 1), self._mean_model(Xn[rows], aux[rows], 2))
                 if self.scale == "ratio" else None)
        return base, means

    def _score(self, parts, X, Xn) -> np.ndarray:
        base, means = parts
        s = base.predict(X)
        if means is None:
            return s
        my, ma = (np.clip(_response(m, Xn), 0.0, None) for m in means)
        return s * (my / np.maximum(ma, 1e-3 * max(float(ma.mean()), 1e-12)))[:, None]

    def fit(self, X: pd.DataFrame, treatment, y, *, aux, control: Any = 0) -> SurrogateUplift:
        """Fit on an experiment: target outcome ``y``, auxiliary outcome ``aux`` (same rows)."""
        if self.line not in LINES:
            raise DataError(f"line must be one of {LINES}, got {self.line!r}")
        if self.scale not in ("ratio", "none"):
            raise DataError(f"scale must be 'ratio' or 'none', got {self.scale!r}")
        X = pd.DataFrame(X).reset_index(drop=True)
        t = pd.Series(np.asarray(treatment)).astype(str).to_numpy()
        y, aux = np.asarray(y, dtype=float), np.asarray(aux, dtype=float)
        if not len(X) == len(t) == len(y) == len(aux):
            raise DataError(f"X, treatment, y and aux must have the same rows; got {len(X)}, {len(t)}, {len(y)}, "
                            f"{len(aux)}")
        if np.isnan(aux).any() or np.isnan(y).any():
            raise DataError("the target and auxiliary outcomes must not have missing values")
        self.control_, self.arms_ = control_and_arms(t, control)
        groups = [self.control_, *self.arms_]
        self.encoder_ = FeatureEncoder().fit(X)
        Xn = self.encoder_.transform(X)
        binary = bool(set(np.unique(y)) <= {0.0, 1.0})
        n, m = len(y), len(self.arms_)
        z, mu = np.zeros((n, m)), np.zeros((n, m + 1))
        strata = pd.Series(t) + "|" + pd.Series(y > 0).astype(str)
        folds = StratifiedKFold(max(2, self.n_folds), shuffle=True, random_state=self.random_state)
        for k, (a, b) in enumerate(folds.split(X, strata)):
            z[b] = self._score(self._fit_parts(X, Xn, t, aux, y, a), X.iloc[b], Xn[b])
            for j, g in enumerate(groups):
                r = a[t[a] == g]
                mu[b, j] = _response(_lgbm(binary, SMOOTH, self.random_state + 10 * k + j, self.n_jobs)
                                     .fit(Xn[r], y[r]), Xn[b])
        G = dr_scores(mu, t, y, groups)
        phi = G[:, 1:] - G[:, :1]
        self.lines_ = {kind: _line(z, phi, kind) for kind in LINES}
        self.coef_ = self.lines_[self.line]
        self.parts_ = self._fit_parts(X, Xn, t, aux, y, np.arange(n))
        return self

    def with_line(self, line: str) -> SurrogateUplift:
        """The fitted model with another calibration line (every line is fitted at once; no refit)."""
        if line not in LINES:
            raise DataError(f"line must be one of {LINES}, got {line!r}")
        other = copy.copy(self)
        other.line, other.coef_ = line, self.lines_[line]
        return other

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Estimated uplift of the target for every arm, shape ``(n_rows, n_arms)`` (order of ``arms_``)."""
        if not hasattr(self, "coef_"):
            raise NotFittedError("SurrogateUplift is not fitted yet; call fit(X, treatment, y, aux=...) first")
        z = self._score(self.parts_, X, self.encoder_.transform(X))
        return self.coef_[:, 0] + self.coef_[:, 1] * z


def auxiliary_outcomes(outcomes: pd.DataFrame, y: np.ndarray, cols: str | Sequence[str] = "auto",
                       *, min_ratio: float = 2.0) -> list[str]:
    """Auxiliary outcome columns for the surrogate candidates. ``"auto"``: every other outcome of the
    experiment that is non-zero at least ``min_ratio`` times as often as the target (a visit beside a rare
    conversion; not the spend of the same conversions); ``"none"``/empty: none; else the named columns."""
    if isinstance(cols, str):
        if cols == "auto":
            rate = max(float(np.mean(np.asarray(y) != 0)), 1e-12)
            return [c for c in outcomes.columns if float(np.mean(outcomes[c].to_numpy() != 0)) >= min_ratio * rate]
        cols = [] if cols in ("", "none") else [c.strip() for c in cols.split(",") if c.strip()]
    missing = [c for c in cols if c not in outcomes.columns]
    if missing:
        raise DataError(f"auxiliary outcome(s) {missing} are not in the experiment; outcomes: {list(outcomes.columns)}")
    return list(cols)
