"""Choose and fit the customer model by an internal backtest inside the training period.

Candidates: BG/NBD + Gamma-Gamma alone, the gradient-boosted :class:`CustomerValueModel`
on the customer 360 (boosted from the BG/NBD prediction) trained on the latest window or on
several stacked windows, and an equal-weight blend of the one-window GBM and BG/NBD. With a cutoff ``c`` and horizon ``h``, candidates are trained on
windows that end by ``c - h`` and compared on what customers did in ``[c - h, c)``; the winner
(lowest purchase MAE) is refitted on windows ending by ``c`` and scores customers as of ``c``.
Nothing at or after ``c`` is read.
"""

from __future__ import annotations

import time

import ibis.expr.types as ir
import numpy as np
import pandas as pd

from growthpilot.customers.backtest import Baselines, evaluate
from growthpilot.customers.bgnbd import BetaGeoModel
from growthpilot.customers.clv import CustomerValueModel
from growthpilot.customers.examples import build_examples, execute, feature_columns, window_cutoffs
from growthpilot.customers.scores import median_purchases
from growthpilot.errors import DataError, NotFittedError
from growthpilot.features import as_timestamp

PRED_COLS = ("expected_purchases", "expected_spend", "p_purchase", "p_purchase_30d")


def bgnbd_predictions(df: pd.DataFrame) -> pd.DataFrame:
    """BG/NBD + Gamma-Gamma outputs of an examples frame in the prediction column names."""
    return pd.DataFrame({"expected_purchases": df["bg_purchases"], "expected_spend": df["bg_spend"],
                         "p_purchase": df["bg_p_purchase"], "p_purchase_30d": df["bg_p_30d"]}, index=df.index)


def blend(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """Equal-weight average of two models' predictions."""
    cols = [c for c in PRED_COLS if c in a.columns and c in b.columns]
    return pd.DataFrame({c: 0.5 * (a[c].to_numpy() + b[c].to_numpy()) for c in cols}, index=a.index)


class CustomerScorer:
    """Backtest-selected customer model (BG/NBD or GBM on the customer 360).

    Parameters
    ----------
    horizon_days : prediction horizon.
    n_windows : how many training windows the stacked GBM uses (spaced ``horizon / 3`` apart).
    min_history_days : a training window needs this much history before its cutoff
        (default: half the horizon, at least 30 days).
    random_state : seed for the GBM.
    gbm_params : extra keyword arguments for :class:`CustomerValueModel`.

    Examples
    --------
    >>> s = CustomerScorer(horizon_days=90).fit(orders, "2011-09-09")   # doctest: +SKIP
    >>> s.selected_, s.predict().head()                                # doctest: +SKIP
    """

    def __init__(self, *, horizon_days: int = 90, n_windows: int = 4, min_history_days: int | None = None,
                 random_state: int = 0, gbm_params: dict | None = None) -> None:
        self.horizon_days = horizon_days
        self.n_windows = n_windows
        self.min_history_days = min_history_days
        self.random_state = random_state
        self.gbm_params = gbm_params

    # --- data -----------------------------------------------------------------------------
    def _examples(self, cutoff: pd.Timestamp, labels: bool = True) -> pd.DataFrame:
        key = (cutoff, labels)
        if key not in self._cache:
            self._cache[key], self._params[cutoff] = build_examples(
                self._orders, cutoff, self.horizon_days, labels=labels, tables=self._tables)
        return self._cache[key]

    def _stack(self, cutoffs: list[pd.Timestamp]) -> pd.DataFrame:
        return pd.concat([self._examples(c) for c in cutoffs], ignore_index=True)

    def _gbm(self, train: pd.DataFrame) -> CustomerValueModel:
        m = CustomerValueModel(random_state=self.random_state, **(self.gbm_params or {}))
        return m.fit(train[feature_columns(train)], train[["purchases", "spend", "any", "any_30d"]])

    # --- fitting --------------------------------------------------------------------------
    def fit(self, orders: ir.Table, cutoff, *, tables: dict[str, ir.Table] | None = None) -> CustomerScorer:
        """Run the internal backtest, pick the model and fit it on data before ``cutoff``."""
        self._orders, self._tables, self._cache, self._params = orders, tables or {}, {}, {}
        self.cutoff_ = as_timestamp(cutoff).normalize()
        h = self.horizon_days
        t = orders.filter(orders.customer_id.notnull())
        start = as_timestamp(execute(t.aggregate(start=t.ts.min()))["start"].iloc[0])
        min_hist = self.min_history_days or max(h // 2, 30)
        final_windows = window_cutoffs(self.cutoff_, h, start, n_windows=self.n_windows, min_history_days=min_hist)
        if not final_windows:
            raise DataError(
                f"not enough history before {self.cutoff_.date()} for a {h}-day horizon: need at least "
                f"{h + min_hist} days of orders (data starts {start.date()}); use a later cutoff or shorter horizon")
        val_cut = self.cutoff_ - pd.Timedelta(days=h)
        val_windows = window_cutoffs(val_cut, h, start, n_windows=self.n_windows, min_history_days=min_hist)
        candidates = {"gbm": 1, "gbm_stacked": self.n_windows}
        self.validation_: dict[str, dict[str, float]] = {}
        self.validation_predictions_: dict[str, pd.DataFrame] = {}
        if val_windows:
            holdout = self._examples(val_cut)
            preds = {"bgnbd": bgnbd_predictions(holdout)}
            seen: set[int] = set()
            for name, k in candidates.items():
                wins = val_windows[:k]
                if len(wins) in seen:
                    continue
                seen.add(len(wins))
                model = self._gbm(self._stack(wins))
                preds[name] = model.predict(holdout)
            if "gbm" in preds:  # equal-weight blend of the covariate model and BG/NBD
                preds["blend"] = blend(preds["gbm"], preds["bgnbd"])
            for name, pred in preds.items():
                self.validation_[name] = evaluate(pred, holdout)
            self.selected_ = min(self.validation_, key=lambda m: self.validation_[m]["purchases_mae"])
            base = Baselines(horizon_days=h).fit(self._examples(val_windows[0])).predict(holdout)
            for name in ("past_average", "rfm_score"):
                preds[name] = base[name]
                self.validation_[name] = evaluate(base[name], holdout)
            self.validation_predictions_ = preds
            self.validation_actual_ = holdout[["customer_id", "purchases", "spend", "any", "any_30d"]]
        else:  # too little history to backtest inside the training period: use the GBM on one window
            self.selected_ = "gbm"
        t0 = time.perf_counter()
        wins = final_windows[: candidates.get(self.selected_, 1)]  # blend and bgnbd: one window
        self.train_windows_ = [str(w.date()) for w in wins]
        train = self._stack(wins)
        self.model_ = None if self.selected_ == "bgnbd" else self._gbm(train)
        self.fit_seconds_ = time.perf_counter() - t0
        self.baselines_ = Baselines(horizon_days=h).fit(self._examples(final_windows[0]))
        self.gbm_ = self.model_ or self._gbm(self._examples(final_windows[0]))
        return self

    # --- predicting -----------------------------------------------------------------------
    def current(self, *, labels: bool = False) -> pd.DataFrame:
        """Examples (features, BG/NBD outputs; labels if asked and available) at the cutoff."""
        if not hasattr(self, "cutoff_"):
            raise NotFittedError("CustomerScorer is not fitted; call fit(orders, cutoff) first")
        return self._examples(self.cutoff_, labels=labels)

    def predict(self, examples: pd.DataFrame | None = None, *, model: str | None = None) -> pd.DataFrame:
        """Scores per customer at the cutoff from the selected model (or ``model``: ``"gbm"``,
        ``"bgnbd"``, ``"past_average"``, ``"rfm_score"``)."""
        df = self.current() if examples is None else examples
        name = model or self.selected_
        if name == "bgnbd":
            pred = bgnbd_predictions(df)
        elif name == "blend":
            pred = blend(self.gbm_.predict(df), bgnbd_predictions(df))
        elif name in ("past_average", "rfm_score"):
            pred = self.baselines_.predict(df)[name]
            pred["p_purchase_30d"] = np.nan
        else:
            gbm = self.model_ if (self.model_ is not None and name == self.selected_) else self.gbm_
            pred = gbm.predict(df)
        pred = pred.copy()
        pred.insert(0, "customer_id", df["customer_id"].to_numpy())
        pred["p_alive"] = np.maximum(df["mbg_p_alive"].to_numpy(), pred["p_purchase"].to_numpy())
        pred["median_purchases"] = median_purchases(pred["expected_purchases"].to_numpy(),
                                                    pred["p_purchase"].to_numpy())
        return pred.reset_index(drop=True)

    def predict_without_purchases(self, customer_ids, first_seen_days) -> pd.DataFrame:
        """Scores for customers seen before the cutoff only through returns or cancellations:
        BG/NBD at the cutoff with no purchase yet (``frequency = t_x = 0``, ``T`` = days since first
        seen) and the Gamma-Gamma population mean order value."""
        self.current()
        p = self._params[self.cutoff_]
        bg = BetaGeoModel()
        bg.params_ = {k: p[k] for k in ("r", "alpha", "a", "b")}
        T = np.asarray(first_seen_days, float)
        zero = np.zeros_like(T)
        exp = bg.expected_purchases(self.horizon_days, zero, zero, T)
        value = p["p"] * p["gamma"] / (p["q"] - 1)
        pp = bg.p_purchase(self.horizon_days, zero, zero, T)
        return pd.DataFrame({"customer_id": list(customer_ids), "expected_purchases": exp,
                             "expected_spend": exp * value, "p_purchase": pp,
                             "p_purchase_30d": bg.p_purchase(min(30, self.horizon_days), zero, zero, T),
                             "p_alive": 1.0, "median_purchases": median_purchases(exp, pp)})
