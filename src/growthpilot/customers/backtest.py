"""Backtest metrics and baselines for customer value and purchase propensity.

CLV: MAE and RMSE of holdout purchases and spend, Spearman rank correlation, total-spend
error, top-decile lift. Propensity: ROC-AUC, PR-AUC, Brier score, expected calibration error
and lift in the top 10 %. Baselines: past average, RFM score and BG/NBD (+ Gamma-Gamma) alone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats
from sklearn import metrics

from growthpilot.customers.rfm import rfm_scores


def _safe(fn, *args) -> float:
    try:
        return float(fn(*args))
    except ValueError:
        return float("nan")


def calibration_error(y: np.ndarray, p: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error over equal-count bins."""
    order = np.argsort(p)
    parts = np.array_split(order, bins)
    return float(sum(len(b) * abs(y[b].mean() - p[b].mean()) for b in parts if len(b)) / len(y))


def lift_at(y: np.ndarray, score: np.ndarray, frac: float = 0.1) -> float:
    """Mean of ``y`` in the top ``frac`` by score over the overall mean."""
    k = max(int(round(len(y) * frac)), 1)
    top = np.argsort(-score, kind="stable")[:k]
    base = y.mean()
    return float(y[top].mean() / base) if base > 0 else float("nan")


def clv_metrics(pred: pd.DataFrame, actual: pd.DataFrame) -> dict[str, float]:
    """Purchases / spend accuracy of ``pred`` (expected_purchases, expected_spend) against
    ``actual`` (purchases, spend), rows aligned."""
    yp, ys = actual["purchases"].to_numpy(float), actual["spend"].to_numpy(float)
    pp, ps = pred["expected_purchases"].to_numpy(float), pred["expected_spend"].to_numpy(float)
    return {
        "purchases_mae": float(np.mean(np.abs(pp - yp))),
        "purchases_rmse": float(np.sqrt(np.mean((pp - yp) ** 2))),
        "spend_mae": float(np.mean(np.abs(ps - ys))),
        "spend_rmse": float(np.sqrt(np.mean((ps - ys) ** 2))),
        "spearman": float(stats.spearmanr(pp, yp).statistic) if np.std(pp) > 0 else float("nan"),
        "total_spend_error": float((ps.sum() - ys.sum()) / ys.sum()) if ys.sum() else float("nan"),
        "decile_lift": lift_at(ys, ps, 0.1),
    }


def propensity_metrics(p: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Ranking and calibration of probabilities ``p`` for binary outcomes ``y``."""
    p, y = np.asarray(p, float), np.asarray(y, int)
    return {
        "auc": _safe(metrics.roc_auc_score, y, p),
        "pr_auc": _safe(metrics.average_precision_score, y, p),
        "brier": float(np.mean((p - y) ** 2)),
        "ece": calibration_error(y, p),
        "lift_top10": lift_at(y.astype(float), p, 0.1),
    }


def decile_table(score: np.ndarray, actual: np.ndarray, predicted: np.ndarray) -> pd.DataFrame:
    """Mean predicted and actual value per score decile (1 = highest scores)."""
    order = np.argsort(-np.asarray(score), kind="stable")
    rows = []
    for i, b in enumerate(np.array_split(order, 10), start=1):
        rows.append({"decile": i, "predicted": float(np.mean(predicted[b])), "actual": float(np.mean(actual[b]))})
    return pd.DataFrame(rows)


def calibration_table(p: np.ndarray, y: np.ndarray, bins: int = 10) -> pd.DataFrame:
    """Mean predicted probability and observed rate per equal-count bin."""
    order = np.argsort(p)
    return pd.DataFrame([
        {"bin": i, "predicted": float(np.mean(p[b])), "observed": float(np.mean(y[b])), "n": len(b)}
        for i, b in enumerate(np.array_split(order, bins), start=1) if len(b)
    ])


class Baselines:
    """Past-average, RFM-score and BG/NBD predictions, the yardsticks for every backtest.

    ``fit`` learns the RFM-score -> outcome table on a training window; ``predict`` returns,
    per baseline, a frame with expected_purchases, expected_spend and p_purchase. When the training
    window's labels span ``label_horizon_days`` instead of the horizon, the table is rescaled to the
    horizon (counts and spend in proportion, P(purchase) at a constant rate).
    """

    def __init__(self, *, horizon_days: int, label_horizon_days: int | None = None) -> None:
        self.horizon_days = horizon_days
        self.label_horizon_days = label_horizon_days

    def fit(self, train: pd.DataFrame) -> Baselines:
        score = rfm_scores(train)["rfm_score"]
        g = train.assign(rfm_score=score.to_numpy()).groupby("rfm_score")
        self.table_ = pd.DataFrame({"purchases": g["purchases"].mean(), "spend": g["spend"].mean(),
                                    "any": g["any"].mean()})
        self.overall_ = train[["purchases", "spend", "any"]].mean()
        ratio = self.horizon_days / (self.label_horizon_days or self.horizon_days)
        if ratio != 1:
            for table in (self.table_, self.overall_):
                table[["purchases", "spend"]] *= ratio
                table["any"] = 1 - (1 - np.minimum(table["any"], 1 - 1e-9)) ** ratio
        return self

    def predict(self, df: pd.DataFrame) -> dict[str, pd.DataFrame]:
        h = float(self.horizon_days)
        span = np.maximum(df["T"].to_numpy(float), h)
        past = pd.DataFrame({"expected_purchases": df["n_orders"].to_numpy(float) / span * h,
                             "expected_spend": df["monetary"].to_numpy(float) / span * h}, index=df.index)
        past["p_purchase"] = 1 - np.exp(-past["expected_purchases"])
        score = rfm_scores(df)["rfm_score"].to_numpy()
        t = self.table_.reindex(score)
        rfm = pd.DataFrame({
            "expected_purchases": t["purchases"].fillna(self.overall_["purchases"]).to_numpy(),
            "expected_spend": t["spend"].fillna(self.overall_["spend"]).to_numpy(),
            "p_purchase": t["any"].fillna(self.overall_["any"]).to_numpy(),
        }, index=df.index)
        bg = pd.DataFrame({"expected_purchases": df["bg_purchases"], "expected_spend": df["bg_spend"],
                           "p_purchase": df["bg_p_purchase"]}, index=df.index)
        return {"past_average": past, "rfm_score": rfm, "bgnbd": bg}


def evaluate(pred: pd.DataFrame, actual: pd.DataFrame) -> dict[str, float]:
    """CLV and propensity metrics of one model's predictions."""
    out = clv_metrics(pred, actual)
    out.update(propensity_metrics(pred["p_purchase"].to_numpy(), actual["any"].to_numpy()))
    return out
