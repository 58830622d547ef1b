"""Gradient-boosted customer value model: BG/NBD with customer covariates, boosted on the 360.

Each head starts from the BG/NBD + Gamma-Gamma prediction (as LightGBM ``init_score``) and
learns a multiplicative correction from the customer-360 features, so it keeps the
probabilistic model's level and adds what covariates explain: expected purchases (Poisson),
expected spend (Tweedie), P(purchase in the horizon) and P(purchase in 30 days) (binary,
then calibrated). Boosting rounds are chosen by early stopping on a slice of the training
customers (whole customers: with stacked windows a customer's rows never straddle the split),
which also fits the probability calibration; the test data is never used.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

from growthpilot.errors import DataError, NotFittedError, require

LABELS = ("purchases", "spend", "any", "any_30d")
# head -> (label, objective, BG/NBD column used as the offset, link)
HEADS = {
    "purchases": ("purchases", "poisson", "bg_purchases", "log"),
    "spend": ("spend", "tweedie", "bg_spend", "log"),
    "any": ("any", "binary", "bg_p_purchase", "logit"),
    "any_30d": ("any_30d", "binary", "bg_p_30d", "logit"),
}


def _offset(values: np.ndarray, link: str) -> np.ndarray:
    v = np.asarray(values, float)
    if link == "log":
        return np.log(np.clip(v, 1e-4, None))
    return special.logit(np.clip(v, 1e-4, 1 - 1e-4))


class CustomerValueModel:
    """LightGBM purchases / spend / propensity model boosted from BG/NBD, with calibrated probabilities.

    Parameters
    ----------
    n_estimators : upper bound on boosting rounds (early stopping picks the number).
    learning_rate, num_leaves, min_child_samples : LightGBM tree settings.
    offset : start every head from the BG/NBD prediction (needs the ``bg_*`` columns).
    calibration : ``"auto"`` (isotonic with at least 500 of each class, Platt otherwise),
        ``"isotonic"`` or ``"sigmoid"``.
    random_state : seed for the validation split and LightGBM.
    n_jobs : LightGBM threads.

    Examples
    --------
    >>> m = CustomerValueModel().fit(X, y)     # y has purchases, spend, any, any_30d   # doctest: +SKIP
    >>> m.predict(X_new).head()                                                        # doctest: +SKIP
    """

    def __init__(self, *, n_estimators: int = 500, learning_rate: float = 0.05, num_leaves: int = 15,
                 min_child_samples: int = 40, offset: bool = True, calibration: str = "auto",
                 random_state: int = 0, n_jobs: int = 1) -> None:
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.offset = offset
        self.calibration = calibration
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _lgb(self, objective: str, n: int | None = None):
        lgb = require("lightgbm", "core")
        return lgb.LGBMRegressor(
            objective=objective, n_estimators=n or self.n_estimators, learning_rate=self.learning_rate,
            num_leaves=self.num_leaves, min_child_samples=self.min_child_samples, subsample=0.8,
            subsample_freq=1, colsample_bytree=0.8, reg_lambda=1.0, random_state=self.random_state,
            n_jobs=self.n_jobs, verbose=-1)

    def _init(self, X: pd.DataFrame, head: str) -> np.ndarray | None:
        _label, _obj, col, link = HEADS[head]
        return _offset(X[col].to_numpy(), link) if self.offset else None

    def _validation_mask(self, n: int, groups) -> np.ndarray:
        """25 % of the rows for early stopping and calibration; whole groups when ``groups`` is given."""
        rng = np.random.default_rng(self.random_state)
        if groups is None:
            return rng.random(n) < 0.25
        codes, uniques = pd.factorize(pd.Series(groups).astype(str))
        return (rng.random(len(uniques)) < 0.25)[codes]

    def fit(self, X: pd.DataFrame, y: pd.DataFrame, *, groups=None) -> CustomerValueModel:
        """Fit on features ``X`` and labels ``y`` (columns purchases, spend, any, any_30d).

        ``groups`` (e.g. customer ids of stacked windows) keeps each group on one side of the
        early-stopping split, so repeated customers cannot leak into it."""
        lgb = require("lightgbm", "core")
        missing = [c for c in LABELS if c not in y.columns]
        if missing:
            raise DataError(f"labels lack column(s) {missing}; build them with growthpilot.customers.examples")
        if len(X) < 50:
            raise DataError(f"the GBM needs at least 50 training customers, got {len(X)}")
        X = X.astype("float64")
        self.features_ = list(X.columns)
        val = self._validation_mask(len(X), groups)
        if val.all() or not val.any():
            raise DataError("too few customers to hold out an early-stopping slice; add more history")
        self.models_, self.rounds_, self.calibrators_ = {}, {}, {}
        for head, (label, objective, _col, _link) in HEADS.items():
            target = y[label].to_numpy(float).clip(min=0)
            if objective == "binary" and target.min() == target.max():
                # one class only (e.g. everyone buys again in the horizon): a constant, smoothed rate
                self.models_[head] = (target.sum() + 0.5) / (len(target) + 1.0)
                continue
            init = self._init(X, head)
            m = self._lgb(objective)
            m.fit(X[~val], target[~val], init_score=None if init is None else init[~val],
                  eval_X=(X[val],), eval_y=(target[val],),
                  eval_init_score=None if init is None else [init[val]],
                  callbacks=[lgb.early_stopping(40, verbose=False)])
            rounds = max(int(m.best_iteration_ or self.n_estimators), 10)
            self.rounds_[head] = rounds
            if objective == "binary":  # keep the early-stopped model; calibrate on the held-out slice
                self.models_[head] = m
                raw = self._raw(m, X[val], None if init is None else init[val], rounds)
                yv = target[val].astype(int)
                self.calibrators_[head] = (self._calibrator(special.expit(raw), yv)
                                           if 0 < yv.sum() < len(yv) else None)  # one class: uncalibrated
            else:
                self.models_[head] = self._lgb(objective, rounds).fit(X, target, init_score=init)
        return self

    @staticmethod
    def _raw(model, X: pd.DataFrame, init: np.ndarray | None, rounds: int | None = None) -> np.ndarray:
        raw = model.predict(X, raw_score=True, num_iteration=rounds)
        return raw + (0.0 if init is None else init)

    def _calibrator(self, p: np.ndarray, y: np.ndarray):
        from sklearn.isotonic import IsotonicRegression
        from sklearn.linear_model import LogisticRegression

        method = self.calibration
        if method == "auto":
            method = "isotonic" if min(y.sum(), len(y) - y.sum()) >= 500 else "sigmoid"
        if method == "isotonic":
            return IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(p, y)
        return LogisticRegression(C=1e4).fit(special.logit(np.clip(p, 1e-6, 1 - 1e-6))[:, None], y)

    def _proba(self, head: str, X: pd.DataFrame) -> np.ndarray:
        if isinstance(self.models_[head], float):  # single-class training label
            return np.full(len(X), self.models_[head])
        p = special.expit(self._raw(self.models_[head], X, self._init(X, head), self.rounds_[head]))
        cal = self.calibrators_[head]
        if cal is None:
            return p
        if hasattr(cal, "predict_proba"):
            return cal.predict_proba(special.logit(np.clip(p, 1e-6, 1 - 1e-6))[:, None])[:, 1]
        return cal.predict(p)

    def predict(self, X: pd.DataFrame) -> pd.DataFrame:
        """Expected purchases and spend, P(purchase in horizon) and P(purchase in 30 days)."""
        if not hasattr(self, "models_"):
            raise NotFittedError("CustomerValueModel is not fitted; call fit(X, y) first")
        X = X.reindex(columns=self.features_, fill_value=0.0).astype("float64")  # unseen levels -> 0
        out = pd.DataFrame(index=X.index)
        out["expected_purchases"] = np.exp(self._raw(self.models_["purchases"], X, self._init(X, "purchases")))
        out["expected_spend"] = np.exp(self._raw(self.models_["spend"], X, self._init(X, "spend")))
        out["p_purchase"] = self._proba("any", X)
        out["p_purchase_30d"] = np.minimum(self._proba("any_30d", X), out["p_purchase"])
        return out

    @property
    def booster_(self):
        """The purchases model (explained with SHAP by :mod:`growthpilot.customers.explain`)."""
        if not hasattr(self, "models_"):
            raise NotFittedError("CustomerValueModel is not fitted; call fit(X, y) first")
        return self.models_["purchases"]
