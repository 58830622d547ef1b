"""Held-out evaluation of the uplift learners on any experiment table (used by ``benchmarks/uplift.py``)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from growthpilot.decide.uplift_learners import LEARNERS
from growthpilot.decide.uplift_metrics import bootstrap_ci, qini_auc_score, uplift_at_k, uplift_auc_score
from growthpilot.decide.uplift_model import UpliftModel
from growthpilot.errors import DataError


@dataclass
class ExperimentSpec:
    """Which columns of an experiment table play which role."""

    treatment_col: str
    control_value: str
    outcome_col: str
    feature_cols: Sequence[str] | None = None
    exclude_cols: Sequence[str] = ()
    arms: Sequence[str] | None = None

    def features(self, df: pd.DataFrame) -> list[str]:
        for col in (self.treatment_col, self.outcome_col):
            if col not in df.columns:
                raise DataError(f"column {col!r} is not in the data; columns: {list(df.columns)}")
        if self.feature_cols:
            missing = [c for c in self.feature_cols if c not in df.columns]
            if missing:
                raise DataError(f"feature column(s) {missing} are not in the data; columns: {list(df.columns)}")
            return list(self.feature_cols)
        drop = {self.treatment_col, self.outcome_col, *self.exclude_cols}
        return [c for c in df.columns if c not in drop]

    def select(self, df: pd.DataFrame) -> pd.DataFrame:
        """Rows of the control and the chosen arms (all arms when ``arms`` is empty)."""
        t = df[self.treatment_col].astype(str)
        if str(self.control_value) not in set(t):
            raise DataError(f"control value {self.control_value!r} not found in {self.treatment_col!r}; "
                            f"values: {sorted(set(t))[:10]}")
        if self.arms:
            keep = t.isin([str(self.control_value), *map(str, self.arms)])
            return df[keep.to_numpy()].reset_index(drop=True)
        return df.reset_index(drop=True)


@dataclass
class UpliftBenchmarkResult:
    rows: list[dict[str, Any]]
    chosen: str
    chosen_params: dict[str, Any]
    cv_results: list[dict[str, Any]]
    predictions: pd.DataFrame
    extra: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """The metrics as one JSON-able dict (the benchmark's last line)."""
        return {"chosen": self.chosen, "chosen_params": self.chosen_params, "models": self.rows, **self.extra}


def split_half(df: pd.DataFrame, spec: ExperimentSpec, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """50/50 split stratified by arm (and by outcome when it is binary)."""
    y = df[spec.outcome_col]
    strata = df[spec.treatment_col].astype(str)
    if set(pd.unique(y.dropna())) <= {0, 1}:
        strata = strata + "|" + y.astype(str)
    tr, te = train_test_split(np.arange(len(df)), test_size=0.5, random_state=seed, stratify=strata)
    return df.iloc[np.sort(tr)].reset_index(drop=True), df.iloc[np.sort(te)].reset_index(drop=True)


def score_predictions(y, t, control: str, arms: Sequence[str], pred: np.ndarray, *,
                      n_boot: int = 200, seed: int = 0) -> list[dict[str, Any]]:
    """Qini AUC, AUUC and uplift@30% (both strategies) with bootstrap 95 % intervals, per arm."""
    t = np.asarray(t).astype(str)
    y = np.asarray(y, dtype=float)
    out = []
    metrics: dict[str, Callable[..., float]] = {
        "qini_auc": qini_auc_score, "auuc": uplift_auc_score,
        "uplift_at_30": lambda a, b, c: uplift_at_k(a, b, c, k=0.3, strategy="by_group"),
        "uplift_at_30_overall": lambda a, b, c: uplift_at_k(a, b, c, k=0.3, strategy="overall"),
    }
    for j, arm in enumerate(arms):
        rows = (t == arm) | (t == control)
        w = (t[rows] == arm).astype(float)
        rec: dict[str, Any] = {"arm": arm, "n_test": int(rows.sum())}
        for name, fn in metrics.items():
            est, lo, hi = bootstrap_ci(fn, y[rows], pred[rows, j], w, n_boot=n_boot, seed=seed)
            rec[name], rec[f"{name}_ci"] = round(est, 5), [round(lo, 5), round(hi, 5)]
        out.append(rec)
    return out


def run_uplift_benchmark(
    train: pd.DataFrame,
    test: pd.DataFrame,
    spec: ExperimentSpec,
    *,
    learners: Sequence[str] = tuple(LEARNERS),
    cv: int = 3,
    n_boot: int = 200,
    seed: int = 42,
    progress: Callable[[int, int], None] | None = None,
) -> UpliftBenchmarkResult:
    """Choose a model by cross-validation on ``train``; score every learner (at its best CV settings) on ``test``."""
    train, test = spec.select(train), test.reset_index(drop=True)
    feats = spec.features(train)
    control = str(spec.control_value)
    model = UpliftModel(learners=learners, cv=cv, random_state=seed).fit(
        train[feats], train[spec.treatment_col], train[spec.outcome_col], control=control, progress=progress)
    best_per_learner: dict[str, dict[str, Any]] = {}
    for r in sorted(model.cv_results_, key=lambda r: -r["score"]):
        best_per_learner.setdefault(r["learner"], {**r, "params": json.loads(r["params"])})
    rows: list[dict[str, Any]] = []
    labelled = spec.treatment_col in test.columns and spec.outcome_col in test.columns
    if not labelled:  # unlabelled test file: predictions only
        best_per_learner = {}
    else:
        t_test = test[spec.treatment_col].astype(str).to_numpy()
        y_test = test[spec.outcome_col].to_numpy(dtype=float)
    for name, r in best_per_learner.items():
        if name == model.best_name_:
            pred = model.predict(test[feats])
        else:
            est = model._make(name, r["params"]).fit(
                train[feats], train[spec.treatment_col], train[spec.outcome_col], control=control)
            pred = est.predict(test[feats])
        for rec in score_predictions(y_test, t_test, control, model.arms_, pred, n_boot=n_boot, seed=seed):
            rows.append({"model": LEARNERS[name].name, "chosen": name == model.best_name_,
                         "cv_score": round(r["score"], 5), **rec})
    return UpliftBenchmarkResult(
        rows=rows, chosen=LEARNERS[model.best_name_].name, chosen_params=model.best_params_,
        cv_results=model.cv_results_, predictions=model.predict_frame(test[feats]),
        extra={"arms": model.arms_, "control": control, "outcome": spec.outcome_col,
               "n_train": len(train), "n_test": len(test), "cv_scoring": model.scoring},
    )
