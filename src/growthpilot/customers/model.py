"""Choose and fit the customer model by an internal backtest inside the training period.

Candidates: BG/NBD + Gamma-Gamma alone, the gradient-boosted :class:`CustomerValueModel`
on the customer 360 (boosted from the BG/NBD prediction) trained on the latest window or on
several stacked windows, equal-weight blends of the one-window GBM with BG/NBD (``blend``) and
with the stacked GBM (``gbm_ensemble``). With a
cutoff ``c`` and horizon ``h``, candidates are trained on windows that end by ``c - h`` and
compared on what customers did in ``[c - h, c)``. Each candidate gives two point forecasts of
purchases: its mean and the median of its count distribution (the MAE-optimal point); the
(model, point type) pair with the lowest purchase MAE wins, the spend point type is chosen by
spend MAE and the P(purchase) source by ROC-AUC, all on that inner holdout. The winners are
refitted on windows ending by ``c``. Nothing at or after ``c`` is read. When the history is too
short for that time split, the customers of the latest training window are split into four folds
instead, each held out once (every customer scored once, out of fold).

With more than a year of history, one more candidate, ``gbm_seasonal``, is trained on windows around the
same date a year earlier (``c - 365`` days, see :func:`seasonal_cutoffs`): its labels hold last year's
season, so it can learn a seasonal peak (Christmas) that a stationary model and recent windows miss. It
is chosen, like every candidate, only if it wins the inner backtest.

For P(purchase) alone there is one more candidate, ``rfm_logit`` (:class:`RFMResponseModel`): a
penalised logistic regression on the percentile ranks of recency, frequency, monetary value and tenure,
trained on the stacked windows. Ranks transfer from short-history training windows to a later
cutoff, where a tree model sees day counts beyond its training range (CDNOW's 39-week calibration);
there its level is BG/NBD's mean at the horizon (:func:`match_level`).

When the history before ``c`` is shorter than one horizon plus the minimum history (the usual
calibration / holdout split, e.g. 39 weeks / 39 weeks), the models are trained on a shorter label
window ``h'`` (:func:`training_horizon`) and carried to ``h`` through BG/NBD: the GBM heads learn a
correction to the BG/NBD prediction at ``h'``, which is applied to the BG/NBD prediction at ``h``
(ratio for purchases and spend, log-odds shift for the probabilities).
"""

from __future__ import annotations

import time

import ibis.expr.types as ir
import numpy as np
import pandas as pd
from scipy import optimize, special

from growthpilot.customers.backtest import Baselines, evaluate, propensity_metrics
from growthpilot.customers.bgnbd import BetaGeoModel, bgnbd_frame
from growthpilot.customers.clv import CustomerValueModel
from growthpilot.customers.examples import build_examples, execute, feature_columns, window_cutoffs
from growthpilot.customers.propensity import RFMResponseModel
from growthpilot.customers.scores import POINT_TYPES, median_purchases, point_forecast
from growthpilot.errors import DataError, NotFittedError
from growthpilot.features import as_timestamp

PRED_COLS = ("expected_purchases", "expected_spend", "p_purchase", "p_purchase_30d")
# prediction column -> the BG/NBD column it is carried to another horizon with, and how
TRANSFER = {"expected_purchases": ("bg_purchases", "log"), "expected_spend": ("bg_spend", "log"),
            "p_purchase": ("bg_p_purchase", "logit"), "p_purchase_30d": ("bg_p_30d", "logit")}
MIN_TRAINING_HORIZON_DAYS = 14
CUSTOMER_FOLDS = 4  # folds of the customer split used when the history is too short for a time split
BASELINES = ("past_average", "rfm_score")


def default_min_history(horizon_days: int) -> int:
    """History a training window needs before its cutoff: half the horizon, at least 30 days."""
    return max(horizon_days // 2, 30)


def training_horizon(history_days: int, horizon_days: int, min_history_days: int | None = None) -> int | None:
    """The label window the models are trained on: the horizon itself when ``history_days`` hold one
    horizon plus the minimum history, else the longest shorter window that fits (at least
    ``MIN_TRAINING_HORIZON_DAYS``); ``None`` when not even that fits."""
    def fits(h: int) -> bool:
        return h + (min_history_days or default_min_history(h)) <= history_days

    if fits(horizon_days):
        return horizon_days
    return next((h for h in range(horizon_days - 1, MIN_TRAINING_HORIZON_DAYS - 1, -1) if fits(h)), None)


def seasonal_cutoffs(cutoff, horizon_days: int, data_start, *, n_windows: int,
                     min_history_days: int) -> list[pd.Timestamp]:
    """Training cutoffs around the same date a year before ``cutoff``: ``cutoff - 365 + k * step`` days for
    ``n_windows`` values of ``k`` centred on 0 (``step`` = horizon / 3, as for the stacked windows), kept when
    their labels end before ``cutoff`` and they have ``min_history_days`` of history. The latest first."""
    cut, start = as_timestamp(cutoff).normalize(), as_timestamp(data_start)
    step = max(int(np.ceil(horizon_days / 3)), 7)
    out = []
    for k in range(n_windows - 1 - n_windows // 2, -(n_windows // 2) - 1, -1):
        c = cut - pd.Timedelta(days=365 - k * step)
        if c + pd.Timedelta(days=horizon_days) <= cut and c - start >= pd.Timedelta(days=min_history_days):
            out.append(c)
    return out


def carry_to_horizon(pred: pd.DataFrame, bg_train: pd.DataFrame, bg_target: pd.DataFrame) -> pd.DataFrame:
    """Carry predictions made for the training horizon to the target horizon through BG/NBD: the
    model's correction to BG/NBD (a ratio for counts and spend, a log-odds shift for probabilities) is
    kept and applied to BG/NBD's prediction at the target horizon."""
    out = pred.copy()
    for col, (bg_col, link) in TRANSFER.items():
        if col not in out.columns:
            continue
        a, b = bg_train[bg_col].to_numpy(float), bg_target[bg_col].to_numpy(float)
        v = out[col].to_numpy(float)
        if link == "log":
            out[col] = v * np.clip(b, 1e-4, None) / np.clip(a, 1e-4, None)
        else:
            out[col] = special.expit(special.logit(np.clip(v, 1e-6, 1 - 1e-6))
                                     + special.logit(np.clip(b, 1e-4, 1 - 1e-4))
                                     - special.logit(np.clip(a, 1e-4, 1 - 1e-4)))
    return out


def match_level(proba: pd.DataFrame, bg_target: pd.DataFrame) -> pd.DataFrame:
    """Shift each probability column on the log-odds scale (one constant per column, so the ranking is
    kept) until its mean equals BG/NBD's mean at the target horizon. Used for the RFM response model
    when it was trained on a shorter label window: its inputs are ranks, which carry no level."""
    out = proba.copy()
    for col in out.columns:
        bg_col = TRANSFER[col][0]
        target = float(np.clip(bg_target[bg_col].to_numpy(float), 1e-4, 1 - 1e-4).mean())
        z = special.logit(np.clip(out[col].to_numpy(float), 1e-6, 1 - 1e-6))
        shift = optimize.brentq(lambda c, z=z, t=target: special.expit(z + c).mean() - t, -30.0, 30.0)
        out[col] = special.expit(z + shift)
    return out


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
        (default: half the horizon, at least 30 days). With less history than one horizon plus this
        before the cutoff, the models are trained on a shorter label window (``train_horizon_days_``)
        and carried to the horizon through BG/NBD.
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
    def _examples(self, cutoff: pd.Timestamp, labels: bool = True, horizon: int | None = None) -> pd.DataFrame:
        horizon = horizon or self.train_horizon_days_
        key = (cutoff, labels, horizon)
        if key not in self._cache:
            self._cache[key], params = build_examples(
                self._orders, cutoff, horizon, labels=labels, tables=self._tables)
            self._params.setdefault(cutoff, params)
        return self._cache[key]

    def _stack(self, cutoffs: list[pd.Timestamp]) -> pd.DataFrame:
        return pd.concat([self._examples(c) for c in cutoffs], ignore_index=True)

    def _gbm(self, train: pd.DataFrame) -> CustomerValueModel:
        m = CustomerValueModel(random_state=self.random_state, **(self.gbm_params or {}))
        return m.fit(train[feature_columns(train)], train[["purchases", "spend", "any", "any_30d"]],
                     groups=train["customer_id"].to_numpy())

    # --- fitting --------------------------------------------------------------------------
    def fit(self, orders: ir.Table, cutoff, *, tables: dict[str, ir.Table] | None = None) -> CustomerScorer:
        """Run the internal backtest, pick the model and point type and fit on data before ``cutoff``."""
        self._orders, self._tables = orders, tables or {}
        self._cache: dict[tuple, pd.DataFrame] = {}
        self._params: dict[pd.Timestamp, dict] = {}
        self.cutoff_ = as_timestamp(cutoff).normalize()
        h = self.horizon_days
        t = orders.filter(orders.customer_id.notnull())
        start = as_timestamp(execute(t.aggregate(start=t.ts.min()))["start"].iloc[0])
        history = int((self.cutoff_ - start.normalize()) / pd.Timedelta(days=1))
        train_h = training_horizon(history, h, self.min_history_days)
        if train_h is None:
            need = MIN_TRAINING_HORIZON_DAYS + (self.min_history_days or default_min_history(MIN_TRAINING_HORIZON_DAYS))
            raise DataError(
                f"not enough history before {self.cutoff_.date()} to train a customer model: {history} days of "
                f"orders (data starts {start.date()}), need at least {need}; use a later cutoff")
        self.train_horizon_days_ = h = train_h
        min_hist = self.min_history_days or default_min_history(h)
        final_windows = window_cutoffs(self.cutoff_, h, start, n_windows=self.n_windows, min_history_days=min_hist)
        val_cut = self.cutoff_ - pd.Timedelta(days=h)
        val_windows = window_cutoffs(val_cut, h, start, n_windows=self.n_windows, min_history_days=min_hist)
        self.validation_: dict[str, dict[str, float]] = {}
        self.validation_predictions_: dict[str, pd.DataFrame] = {}
        self.selected_, self.point_, self.spend_point_, self.proba_model_ = "gbm", "mean", "mean", "gbm"
        self._windows = {"gbm": final_windows[:1], "gbm_stacked": final_windows[: self.n_windows],
                         "rfm_logit": final_windows[: self.n_windows],
                         "gbm_seasonal": seasonal_cutoffs(self.cutoff_, h, start, n_windows=self.n_windows,
                                                          min_history_days=min_hist)}
        if val_windows:  # time split: train on windows ending by c - h, score [c - h, c)
            self.validation_scheme_ = f"time split: holdout {val_cut.date()} + {h} days"
            seasonal = seasonal_cutoffs(val_cut, h, start, n_windows=self.n_windows, min_history_days=min_hist)
            if not self._windows["gbm_seasonal"]:
                seasonal = []
            self._inner_backtest([([self._examples(w) for w in val_windows], self._examples(val_cut),
                                   [self._examples(w) for w in seasonal])])
        else:  # too little history for that: cross-validate over customers of the latest window (labels < c)
            self.validation_scheme_ = (f"{CUSTOMER_FOLDS}-fold customer split of the window "
                                       f"{final_windows[0].date()} + {h} days")
            stack = [self._examples(w) for w in final_windows]
            ids = stack[0]["customer_id"].astype(str).unique()
            fold_of = dict(zip(ids, np.random.default_rng(self.random_state).permutation(len(ids)) % CUSTOMER_FOLDS,
                               strict=True))
            folds = []
            for k in range(CUSTOMER_FOLDS):
                held = [df["customer_id"].astype(str).map(fold_of).eq(k).to_numpy() for df in stack]
                folds.append(([df[~m] for df, m in zip(stack, held, strict=True)], stack[0][held[0]], None))
            try:
                self._inner_backtest(folds)
            except DataError:  # too few customers even for that: one-window GBM, mean forecasts
                self.validation_, self.validation_scheme_ = {}, "none (too little history)"
                self.selected_, self.point_, self.spend_point_, self.proba_model_ = "gbm", "mean", "mean", "gbm"
        t0 = time.perf_counter()
        self.models_: dict[str, CustomerValueModel] = {}
        needed = {self.selected_, self.proba_model_, "gbm"}
        if "gbm_ensemble" in needed:
            needed |= {"gbm_stacked"}
        try:
            for name in sorted(needed - {"bgnbd", "blend", "gbm_ensemble", "rfm_logit"}):
                self.models_[name] = self._gbm(self._stack(self._windows[name]))
            if self.proba_model_ == "rfm_logit":
                self.models_["rfm_logit"] = RFMResponseModel().fit(self._stack(self._windows["rfm_logit"]))
        except DataError as exc:  # too few customers for any GBM: BG/NBD + Gamma-Gamma alone
            self.models_ = {}
            self.selected_ = self.proba_model_ = "bgnbd"
            v = self.validation_.get("bgnbd", {})
            self.point_ = "median" if v.get("median_purchases_mae", np.inf) < v.get("purchases_mae", np.inf) else "mean"
            self.spend_point_ = "median" if v.get("median_spend_mae", np.inf) < v.get("spend_mae", np.inf) else "mean"
            self.validation_scheme_ += f"; GBM not fitted ({exc}): BG/NBD alone"
        self.train_windows_ = [str(w.date()) for w in self._windows.get(self.selected_, final_windows[:1])]
        if h != self.horizon_days:
            self.validation_scheme_ += (f"; trained on {h}-day label windows (history too short for "
                                        f"{self.horizon_days} days), carried to {self.horizon_days} days by BG/NBD")
        self.fit_seconds_ = time.perf_counter() - t0
        self.baselines_ = Baselines(horizon_days=self.horizon_days, label_horizon_days=h).fit(
            self._examples(final_windows[0]))
        self.gbm_ = self.models_.get("gbm")  # None when the data was too small for a GBM
        return self

    def _n_windows(self, name: str) -> int:
        return self.n_windows if name in ("gbm_stacked", "gbm_ensemble") else 1

    def _candidate_predictions(self, train: list[pd.DataFrame], holdout: pd.DataFrame,
                               seasonal: list[pd.DataFrame] | None = None) -> dict[str, pd.DataFrame]:
        """Every candidate's predictions for ``holdout`` from models trained on ``train`` (windows, the
        latest first); ``rfm_logit`` gives probabilities only. ``seasonal``: the same-season windows a
        year before the holdout (the ``gbm_seasonal`` candidate), when there are any."""
        preds = {"bgnbd": bgnbd_predictions(holdout)}
        seen: set[int] = set()
        for name in ("gbm", "gbm_stacked"):
            wins = train[: self._n_windows(name)]
            if len(wins) in seen:
                continue
            seen.add(len(wins))
            try:
                preds[name] = self._gbm(pd.concat(wins, ignore_index=True)).predict(holdout)
            except DataError:  # e.g. one class only in these windows: the candidate is left out
                continue
        if seasonal:
            try:
                preds["gbm_seasonal"] = self._gbm(pd.concat(seasonal, ignore_index=True)).predict(holdout)
            except DataError:
                pass
        if "gbm" in preds:  # covariate model and BG/NBD, equal weights
            preds["blend"] = blend(preds["gbm"], preds["bgnbd"])
        if "gbm" in preds and "gbm_stacked" in preds:  # the one-window and stacked GBMs, equal weights
            preds["gbm_ensemble"] = blend(preds["gbm"], preds["gbm_stacked"])
        try:
            preds["rfm_logit"] = RFMResponseModel().fit(pd.concat(train, ignore_index=True)).predict(holdout)
        except DataError:
            pass
        base = Baselines(horizon_days=self.train_horizon_days_).fit(train[0]).predict(holdout)
        preds.update({name: base[name] for name in BASELINES})
        return {name: p.reset_index(drop=True) for name, p in preds.items()}

    def _inner_backtest(self, folds: list[tuple[list[pd.DataFrame], pd.DataFrame, list[pd.DataFrame] | None]]) -> None:
        """Score every candidate (mean and median point forecasts) on the holdout customers of every fold
        ``(train windows, holdout, seasonal windows)``, pooled; pick the model and point type with the
        lowest purchase MAE, the spend point type with the lowest spend MAE and the P(purchase) source
        with the highest ROC-AUC (every model, and the RFM response model)."""
        parts = [self._candidate_predictions(train, holdout, seasonal) for train, holdout, seasonal in folds]
        names = [n for n in parts[0] if all(n in p for p in parts)]
        preds = {n: pd.concat([p[n] for p in parts], ignore_index=True) for n in names}
        holdout = pd.concat([f[1] for f in folds], ignore_index=True)
        y_n, y_s, y_any = (holdout[c].to_numpy(float) for c in ("purchases", "spend", "any"))
        models = [n for n in names if n not in BASELINES and n != "rfm_logit"]
        for name in names:
            pred = preds[name]
            if name == "rfm_logit":
                self.validation_[name] = propensity_metrics(pred["p_purchase"].to_numpy(), y_any)
                continue
            self.validation_[name] = ev = evaluate(pred, holdout)
            if name in models:
                n_med, s_med = point_forecast(pred, "median", "median")
                ev["median_purchases_mae"] = float(np.mean(np.abs(n_med - y_n)))
                ev["median_spend_mae"] = float(np.mean(np.abs(s_med - y_s)))
        key = {"mean": "purchases_mae", "median": "median_purchases_mae"}
        self.selected_, self.point_ = min(((m, pt) for m in models for pt in POINT_TYPES),
                                          key=lambda mp: self.validation_[mp[0]][key[mp[1]]])
        v = self.validation_[self.selected_]
        self.spend_point_ = "median" if v["median_spend_mae"] < v["spend_mae"] else "mean"
        proba = [*models, *(["rfm_logit"] if "rfm_logit" in preds else [])]
        self.proba_model_ = max(proba, key=lambda m: np.nan_to_num(self.validation_[m]["auc"], nan=-1.0))
        self.validation_predictions_ = {n: p for n, p in preds.items() if n != "rfm_logit"}
        self.validation_actual_ = holdout[["customer_id", "purchases", "spend", "any", "any_30d"]]

    # --- predicting -----------------------------------------------------------------------
    def current(self, *, labels: bool = False) -> pd.DataFrame:
        """Examples (features, BG/NBD outputs; labels if asked and available) at the cutoff."""
        if not hasattr(self, "cutoff_"):
            raise NotFittedError("CustomerScorer is not fitted; call fit(orders, cutoff) first")
        return self._examples(self.cutoff_, labels=labels, horizon=self.horizon_days)

    def _train_view(self, df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame] | None:
        """``df`` with its BG/NBD columns at the training horizon, and those columns (``None`` when the
        models were trained on the horizon itself). One BG/NBD fit, shared by every GBM of a prediction."""
        if self.train_horizon_days_ == self.horizon_days:
            return None
        bg_train, _ = bgnbd_frame(df, self.train_horizon_days_)
        at_train = df.copy()
        at_train[bg_train.columns] = bg_train.to_numpy()
        return at_train, bg_train

    def _fitted(self, name: str):
        """The fitted model ``name``; a clear error when it was not fitted for this cutoff."""
        if name not in self.models_:
            raise NotFittedError(f"model {name!r} was not fitted for this cutoff; fitted: {sorted(self.models_)}")
        return self.models_[name]

    def _gbm_predict(self, name: str, df: pd.DataFrame, view) -> pd.DataFrame:
        """A fitted GBM's predictions for the horizon; from the training horizon through BG/NBD when shorter."""
        if view is None:
            return self._fitted(name).predict(df)
        at_train, bg_train = view
        return carry_to_horizon(self._fitted(name).predict(at_train), bg_train, df)

    def _means(self, df: pd.DataFrame, name: str, view=None) -> pd.DataFrame:
        """One model's mean predictions; ``view`` is :meth:`_train_view` of ``df``."""
        if name == "bgnbd":
            return bgnbd_predictions(df)
        if name == "blend":
            return blend(self._gbm_predict("gbm", df, view), bgnbd_predictions(df))
        if name == "gbm_ensemble":
            return blend(self._gbm_predict("gbm", df, view), self._gbm_predict("gbm_stacked", df, view))
        if name in BASELINES:
            return self.baselines_.predict(df)[name].assign(p_purchase_30d=np.nan)
        if name == "rfm_logit":  # probabilities only; counts and spend from BG/NBD
            proba = self._fitted(name).predict(df if view is None else view[0])
            if view is not None:  # carried like the GBM; ranks carry no level: BG/NBD's mean at the horizon
                proba = match_level(carry_to_horizon(proba, view[1], df), df)
            return bgnbd_predictions(df).assign(**{c: proba[c].to_numpy() for c in proba.columns})
        return self._gbm_predict(name, df, view)

    def predict(self, examples: pd.DataFrame | None = None, *, model: str | None = None) -> pd.DataFrame:
        """Scores per customer at the cutoff.

        Without ``model``: the selected model's means, P(purchase) from the model with the best
        backtest AUC, and ``point_purchases`` / ``point_spend`` of the selected point types. With
        ``model`` (``"gbm"``, ``"gbm_stacked"``, ``"gbm_seasonal"``, ``"gbm_ensemble"``, ``"blend"``, ``"bgnbd"``,
        ``"past_average"``, ``"rfm_score"``; ``"rfm_logit"`` when it was chosen for P(purchase): its
        probabilities with BG/NBD's counts and spend): that model alone, point = mean. ``expected_*`` are always means;
        ``median_purchases`` is the median count (minimises absolute error).
        """
        df = self.current() if examples is None else examples
        name = model or self.selected_
        used = {name} | ({self.proba_model_} if model is None else set())
        view = self._train_view(df) if used - {"bgnbd", *BASELINES} else None
        pred = self._means(df, name, view).copy()
        med = median_purchases(pred["expected_purchases"].to_numpy(), pred["p_purchase"].to_numpy())
        if model is None:
            n_point, s_point = point_forecast(pred, self.point_, self.spend_point_)
            if self.proba_model_ != name:
                proba = self._means(df, self.proba_model_, view)
                pred["p_purchase"] = proba["p_purchase"].to_numpy()
                pred["p_purchase_30d"] = proba["p_purchase_30d"].to_numpy()
        else:
            n_point, s_point = point_forecast(pred)
        pred.insert(0, "customer_id", df["customer_id"].to_numpy())
        pred["p_alive"] = np.maximum(df["mbg_p_alive"].to_numpy(), pred["p_purchase"].to_numpy())
        pred["median_purchases"] = med
        pred["point_purchases"], pred["point_spend"] = n_point, s_point
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
        out = pd.DataFrame({"customer_id": list(customer_ids), "expected_purchases": exp,
                             "expected_spend": exp * value, "p_purchase": pp,
                             "p_purchase_30d": bg.p_purchase(min(30, self.horizon_days), zero, zero, T),
                             "p_alive": 1.0, "median_purchases": median_purchases(exp, pp)})
        out["point_purchases"], out["point_spend"] = point_forecast(out, self.point_, self.spend_point_)
        return out
