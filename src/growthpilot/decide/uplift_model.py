"""Choose an uplift learner and its hyperparameters by cross-validation inside the training data.

>>> from growthpilot.decide import UpliftModel   # doctest: +SKIP
>>> model = UpliftModel(cv=3).fit(X_train, arm_train, y_train, control="No E-Mail")   # doctest: +SKIP
>>> model.best_name_, model.predict_frame(X_test).head()                              # doctest: +SKIP
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold

from growthpilot.decide.uplift_learners import LEARNERS, BaseUpliftLearner, _lgbm, _response
from growthpilot.decide.uplift_metrics import qini_auc_score, uplift_at_k, uplift_auc_score
from growthpilot.errors import DataError, NotFittedError

DEFAULT_GRID: tuple[dict[str, Any], ...] = (
    {"n_estimators": 60, "learning_rate": 0.05, "num_leaves": 3, "min_child_samples": 200},
    {"n_estimators": 150, "learning_rate": 0.05, "num_leaves": 7, "min_child_samples": 100},
)
"""From very smooth to flexible: uplift signals are weak, so the smooth end often wins."""

SCORERS: dict[str, Callable[..., float]] = {
    "qini": qini_auc_score,
    "auuc": uplift_auc_score,
    "uplift_at_30": lambda y, u, t: uplift_at_k(y, u, t, k=0.3, strategy="by_group"),
}


class UpliftModel:
    """Cross-validated choice among uplift meta-learners, refit on all the training data.

    Parameters
    ----------
    learners : short names from :data:`~growthpilot.decide.uplift_learners.LEARNERS`
        (``s``, ``t``, ``x``, ``dr``, ``ct``).
    param_grid : LightGBM settings tried with every learner; default :data:`DEFAULT_GRID`.
    cv : folds, stratified by arm and outcome, used to score every candidate.
    scoring : ``"qini"`` (default), ``"auuc"`` or ``"uplift_at_30"``, averaged over arms and folds.
    ensemble : also score the average of all learners' predictions (``"ens"``) as a candidate.
    calibrate : rescale each arm's predictions by the line of the transformed outcome on the chosen
        candidate's out-of-fold predictions (shrink only). Off by default: on both simulators the noisy
        slope estimate cost more incremental profit in allocation than it saved.
    random_state, n_jobs : passed to LightGBM (``n_jobs=1``: on a busy machine LightGBM's threads spin-wait).

    Attributes
    ----------
    best_name_, best_params_ : the chosen learner and settings.
    cv_results_ : one dict per candidate with its mean and standard deviation of the score.
    model_ : the chosen learner refit on all rows; ``baseline_``: control response model.
    calibration_ : per arm ``(intercept, slope)`` applied to ``model_``'s predictions.
    """

    def __init__(
        self,
        *,
        learners: Sequence[str] = ("s", "t", "x", "dr", "ct"),
        param_grid: Sequence[dict[str, Any]] | None = None,
        cv: int = 3,
        scoring: str = "qini",
        ensemble: bool = True,
        calibrate: bool = False,
        random_state: int = 0,
        n_jobs: int = 1,
    ) -> None:
        self.learners = learners
        self.param_grid = param_grid
        self.cv = cv
        self.scoring = scoring
        self.ensemble = ensemble
        self.calibrate = calibrate
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _grid(self) -> list[dict[str, Any]]:
        unknown = [name for name in self.learners if name not in LEARNERS or name == "ens"]
        if unknown:
            raise DataError(f"unknown learner(s) {unknown}; choose from {sorted(set(LEARNERS) - {'ens'})}")
        return list(self.param_grid or DEFAULT_GRID)

    def _make(self, name: str, params: dict[str, Any]) -> BaseUpliftLearner:
        extra = {"members": tuple(self.learners)} if name == "ens" else {}
        return LEARNERS[name](**params, **extra, random_state=self.random_state, n_jobs=self.n_jobs)

    def fit(self, X: pd.DataFrame, treatment, y, *, control: Any = 0,
            progress: Callable[[int, int], None] | None = None) -> UpliftModel:
        """Score every candidate by cross-validation on these rows, then refit the best on all of them."""
        if self.scoring not in SCORERS:
            raise DataError(f"scoring must be one of {sorted(SCORERS)}, got {self.scoring!r}")
        X = X.reset_index(drop=True)
        t = pd.Series(np.asarray(treatment)).astype(str).to_numpy()
        y = np.asarray(y, dtype=float)
        control = str(control)
        binary = bool(set(np.unique(y)) <= {0.0, 1.0})
        strata = pd.Series(t) + "|" + (pd.Series(y > 0).astype(str) if binary else "")
        folds = list(StratifiedKFold(self.cv, shuffle=True, random_state=self.random_state)
                     .split(X, strata))
        grid = self._grid()
        total, done = len(grid) * len(folds) * len(self.learners), 0
        scorer = SCORERS[self.scoring]
        self.cv_results_: list[dict[str, Any]] = []
        candidates: list[tuple[str, dict[str, Any]]] = []
        oof: list[np.ndarray] = []
        for params in grid:
            scores: dict[str, list[float]] = {}
            fold_preds: dict[str, np.ndarray] = {}
            for tr, va in folds:
                preds = {}
                for name in self.learners:
                    est = self._make(name, params).fit(X.iloc[tr], t[tr], y[tr], control=control)
                    preds[name] = est.predict(X.iloc[va])
                    done += 1
                    if progress is not None:
                        progress(done, total)
                if self.ensemble and len(self.learners) > 1:
                    preds["ens"] = np.mean(list(preds.values()), axis=0)
                for name, pred in preds.items():
                    fold_preds.setdefault(name, np.zeros((len(y), pred.shape[1])))[va] = pred
                    for j, arm in enumerate(est.arms_):
                        rows = (t[va] == arm) | (t[va] == control)
                        scores.setdefault(name, []).append(
                            scorer(y[va][rows], pred[rows, j], (t[va][rows] == arm).astype(float)))
            for name, sc in scores.items():
                candidates.append((name, params))
                oof.append(fold_preds[name])
                self.cv_results_.append({"learner": name, "params": json.dumps(params, sort_keys=True),
                                         "score": float(np.nanmean(sc)), "score_std": float(np.nanstd(sc))})
        best = max(range(len(candidates)), key=lambda i: self.cv_results_[i]["score"])
        self.best_name_, self.best_params_ = candidates[best]
        self.best_score_ = self.cv_results_[best]["score"]
        self.model_ = self._make(self.best_name_, self.best_params_).fit(X, t, y, control=control)
        self.calibration_ = [self._calibration(oof[best][:, j], y, t, arm, control) if self.calibrate else (0.0, 1.0)
                             for j, arm in enumerate(self.model_.arms_)]
        self.arms_, self.control_, self.binary_ = self.model_.arms_, self.model_.control_, self.model_.binary_
        ctrl = t == control
        self.baseline_ = _lgbm(binary, dict(self.best_params_), self.random_state, self.n_jobs).fit(
            self.model_.encoder_.transform(X[ctrl]), y[ctrl])
        return self

    @staticmethod
    def _calibration(u: np.ndarray, y: np.ndarray, t: np.ndarray, arm: str, control: str) -> tuple[float, float]:
        """Intercept and slope of the transformed outcome on out-of-fold predicted uplift (one arm).

        In a randomised experiment ``y * (w - p) / (p (1 - p))`` has expectation equal to the true uplift,
        so its least-squares line on the prediction says how far to shrink the
        predictions (slope kept in [0.001, 1]: shrink only, and the ranking of customers never flips).
        """
        rows = (t == arm) | (t == control)
        w = (t[rows] == arm).astype(float)
        p = w.mean()
        ystar = y[rows] * (w - p) / (p * (1 - p))
        x = u[rows]
        vx = x.var()
        slope = float(np.cov(x, ystar, bias=True)[0, 1] / vx) if vx > 0 else 0.0
        slope = float(np.clip(slope, 1e-3, 1.0))
        return float(ystar.mean() - slope * x.mean()), slope

    def _check(self) -> None:
        if not hasattr(self, "model_"):
            raise NotFittedError("UpliftModel is not fitted yet; call fit(X, treatment, y, control=...) first")

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Uplift of each arm over control, shape ``(n_rows, n_arms)``."""
        self._check()
        raw = self.model_.predict(X)
        return np.column_stack([a + b * raw[:, j] for j, (a, b) in enumerate(self.calibration_)])

    def predict_frame(self, X: pd.DataFrame) -> pd.DataFrame:
        """One ``predicted_uplift_<arm>`` column per arm, rows in the order of ``X``."""
        return pd.DataFrame(self.predict(X), columns=[f"predicted_uplift_{a}" for a in self.arms_])

    def predict_baseline(self, X: pd.DataFrame) -> np.ndarray:
        """Expected outcome without treatment (control response model), for profit calculations."""
        self._check()
        return _response(self.baseline_, self.model_.encoder_.transform(X))

    @property
    def model_version(self) -> str:
        self._check()
        return f"uplift-{self.best_name_}-" + "-".join(f"{k}{v}" for k, v in sorted(self.best_params_.items()))
