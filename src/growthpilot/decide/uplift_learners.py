"""Uplift meta-learners on LightGBM: S, T, X, DR and class transformation, for several treatment arms.

Every learner takes a feature table ``X``, a treatment column with one control value and any number of
treatment arms, and an outcome ``y`` (binary, such as a visit, or continuous, such as spend). ``predict``
returns the estimated uplift of each arm over control: an array of shape ``(n_rows, n_arms)`` in the order
of ``arms_``. Binary outcomes use LightGBM classifiers for the response models, continuous ones regressors.

* :class:`SLearner` - one model with the arm as a feature; uplift = f(x, arm) - f(x, control).
* :class:`TLearner` - one response model per arm and for control.
* :class:`XLearner` - imputed effects regressed on x, blended by the treated share (Kuenzel et al. 2019).
* :class:`DRLearner` - doubly-robust pseudo-outcomes from cross-fitted nuisance models (Kennedy 2020).
* :class:`ClassTransformation` - the class-variable transformation (Jaskowski & Jaroszewicz 2012), with
  weights that balance arm and control; for a continuous outcome the transformed-outcome regression.

The data are assumed to come from a randomised experiment, so the propensity of an arm is its share of the
(arm, control) rows, estimated inside each training fold.
"""

from __future__ import annotations

from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.model_selection import KFold

from growthpilot.decide._features import FeatureEncoder, control_and_arms
from growthpilot.errors import DataError, NotFittedError


def _lgbm(binary: bool, params: dict[str, Any], seed: int, n_jobs: int):
    cls = lgb.LGBMClassifier if binary else lgb.LGBMRegressor
    return cls(**params, random_state=seed, n_jobs=n_jobs, verbose=-1)


def _response(model, X: np.ndarray) -> np.ndarray:
    if hasattr(model, "predict_proba"):
        return model.predict_proba(X)[:, 1]
    return model.predict(X)


class BaseUpliftLearner:
    """Shared fit/predict plumbing; subclasses implement ``_fit_arm`` and ``_predict_arm``."""

    name = "base"

    def __init__(
        self,
        *,
        n_estimators: int = 100,
        learning_rate: float = 0.05,
        num_leaves: int = 7,
        min_child_samples: int = 100,
        n_folds: int = 2,
        random_state: int = 0,
        n_jobs: int = 1,
    ) -> None:
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.n_folds = n_folds
        self.random_state = random_state
        self.n_jobs = n_jobs

    def get_params(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("n_estimators", "learning_rate", "num_leaves",
                                              "min_child_samples", "n_folds", "random_state", "n_jobs")}

    @property
    def _lgb_params(self) -> dict[str, Any]:
        return {"n_estimators": self.n_estimators, "learning_rate": self.learning_rate,
                "num_leaves": self.num_leaves, "min_child_samples": self.min_child_samples,
                "subsample": 0.8, "subsample_freq": 1, "colsample_bytree": 0.8, "reg_lambda": 1.0}

    def _model(self, binary: bool | None = None, seed_offset: int = 0):
        binary = self.binary_ if binary is None else binary
        return _lgbm(binary, self._lgb_params, self.random_state + seed_offset, self.n_jobs)

    def fit(self, X: pd.DataFrame, treatment, y, *, control: Any = 0) -> BaseUpliftLearner:
        """Fit on an experiment: features ``X``, arm labels ``treatment`` (``control`` = no treatment), outcome ``y``."""
        t = pd.Series(np.asarray(treatment)).astype(str).to_numpy()
        y = np.asarray(y, dtype=float)
        if len(t) != len(y) or len(t) != len(X):
            raise DataError(f"X, treatment and y must have the same number of rows; got {len(X)}, {len(t)}, {len(y)}")
        if np.isnan(y).any():
            raise DataError("the outcome has missing values; fill or drop those rows before fitting")
        self.control_, self.arms_ = control_and_arms(t, control)
        self.binary_ = bool(set(np.unique(y)) <= {0.0, 1.0})
        self.encoder_ = FeatureEncoder().fit(X)
        Xn = self.encoder_.transform(X)
        self._fit_all(Xn, t, y)
        return self

    def _fit_all(self, X: np.ndarray, t: np.ndarray, y: np.ndarray) -> None:
        self.arm_models_ = {}
        ctrl = t == self.control_
        for i, arm in enumerate(self.arms_):
            rows = ctrl | (t == arm)
            self.arm_models_[arm] = self._fit_arm(X[rows], (t[rows] == arm).astype(float), y[rows], i)

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Estimated uplift of every arm over control, shape ``(n_rows, n_arms)`` (order of ``arms_``)."""
        if not hasattr(self, "encoder_"):
            raise NotFittedError(f"{type(self).__name__} is not fitted yet; call fit(X, treatment, y) first")
        Xn = self.encoder_.transform(X)
        return np.column_stack([self._predict_arm(Xn, a) for a in self.arms_])

    def predict_frame(self, X: pd.DataFrame) -> pd.DataFrame:
        """:meth:`predict` as a frame with one ``predicted_uplift_<arm>`` column per arm."""
        return pd.DataFrame(self.predict(X), columns=[f"predicted_uplift_{a}" for a in self.arms_])

    def _fit_arm(self, X, w, y, i):  # pragma: no cover - abstract
        raise NotImplementedError

    def _predict_arm(self, X, arm):  # pragma: no cover - abstract
        raise NotImplementedError


class SLearner(BaseUpliftLearner):
    """Single model on the features plus one indicator column per arm."""

    name = "s_learner"

    def _fit_all(self, X, t, y):
        D = np.column_stack([(t == a).astype(float) for a in self.arms_])
        self.model_ = self._model().fit(np.hstack([X, D]), y)

    def _predict_arm(self, X, arm):
        D0 = np.zeros((len(X), len(self.arms_)))
        D1 = D0.copy()
        D1[:, self.arms_.index(arm)] = 1.0
        return _response(self.model_, np.hstack([X, D1])) - _response(self.model_, np.hstack([X, D0]))


class TLearner(BaseUpliftLearner):
    """Separate response models for control and for each arm."""

    name = "t_learner"

    def _fit_all(self, X, t, y):
        self.models_ = {g: self._model(seed_offset=k).fit(X[t == g], y[t == g])
                        for k, g in enumerate([self.control_, *self.arms_])}

    def _predict_arm(self, X, arm):
        return _response(self.models_[arm], X) - _response(self.models_[self.control_], X)


class XLearner(BaseUpliftLearner):
    """X-learner: imputed individual effects regressed on x in each group, blended by the treated share."""

    name = "x_learner"

    def _fit_arm(self, X, w, y, i):
        tr, ct = w == 1, w == 0
        mu0 = self._model(seed_offset=10 * i).fit(X[ct], y[ct])
        mu1 = self._model(seed_offset=10 * i + 1).fit(X[tr], y[tr])
        d1 = y[tr] - _response(mu0, X[tr])
        d0 = _response(mu1, X[ct]) - y[ct]
        tau1 = self._model(False, 10 * i + 2).fit(X[tr], d1)
        tau0 = self._model(False, 10 * i + 3).fit(X[ct], d0)
        return {"tau0": tau0, "tau1": tau1, "g": float(w.mean())}

    def _predict_arm(self, X, arm):
        m = self.arm_models_[arm]
        return m["g"] * m["tau0"].predict(X) + (1 - m["g"]) * m["tau1"].predict(X)


class DRLearner(BaseUpliftLearner):
    """Doubly-robust learner: cross-fitted outcome models give AIPW pseudo-outcomes, regressed on x."""

    name = "dr_learner"

    def _fit_arm(self, X, w, y, i):
        phi = np.zeros(len(y))
        folds = KFold(max(2, self.n_folds), shuffle=True, random_state=self.random_state + i)
        for k, (a, b) in enumerate(folds.split(X)):
            wa, ya = w[a], y[a]
            mu0 = self._model(seed_offset=20 * i + 2 * k).fit(X[a][wa == 0], ya[wa == 0])
            mu1 = self._model(seed_offset=20 * i + 2 * k + 1).fit(X[a][wa == 1], ya[wa == 1])
            e = float(np.clip(wa.mean(), 0.01, 0.99))
            m0, m1 = _response(mu0, X[b]), _response(mu1, X[b])
            wb, yb = w[b], y[b]
            phi[b] = m1 - m0 + wb * (yb - m1) / e - (1 - wb) * (yb - m0) / (1 - e)
        return self._model(False, 20 * i + 19).fit(X, phi)

    def _predict_arm(self, X, arm):
        return self.arm_models_[arm].predict(X)


class ClassTransformation(BaseUpliftLearner):
    """Class-variable transformation (binary outcome) or transformed-outcome regression (continuous)."""

    name = "class_transformation"

    def _fit_arm(self, X, w, y, i):
        p = float(np.clip(w.mean(), 0.01, 0.99))
        if self.binary_:
            z = y * w + (1 - y) * (1 - w)
            weights = np.where(w == 1, 0.5 / p, 0.5 / (1 - p))
            return self._model(True, 30 * i).fit(X, z, sample_weight=weights)
        ystar = y * (w - p) / (p * (1 - p))
        return self._model(False, 30 * i).fit(X, ystar)

    def _predict_arm(self, X, arm):
        m = self.arm_models_[arm]
        if self.binary_:
            return 2 * m.predict_proba(X)[:, 1] - 1
        return m.predict(X)


LEARNERS: dict[str, type[BaseUpliftLearner]] = {
    "s": SLearner, "t": TLearner, "x": XLearner, "dr": DRLearner, "ct": ClassTransformation,
}
"""Short names used by the CLI, the benchmark and :class:`~growthpilot.decide.UpliftModel`."""


class EnsembleLearner(BaseUpliftLearner):
    """Average of the uplift predicted by several meta-learners with the same LightGBM settings.

    The learners' errors are only partly correlated, so the average has less variance than any one of
    them - useful because uplift signals are weak next to outcome noise.
    """

    name = "ensemble"

    def __init__(self, *, members: tuple[str, ...] = ("s", "t", "x", "dr", "ct"), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.members = members

    def get_params(self) -> dict[str, Any]:
        return {**super().get_params(), "members": self.members}

    def _fit_all(self, X, t, y):
        params = super().get_params()
        self.members_ = []
        for m in self.members:
            est = LEARNERS[m](**params)
            est.control_, est.arms_, est.binary_ = self.control_, self.arms_, self.binary_
            est._fit_all(X, t, y)
            self.members_.append(est)

    def _predict_arm(self, X, arm):
        return np.mean([m._predict_arm(X, arm) for m in self.members_], axis=0)


LEARNERS["ens"] = EnsembleLearner
