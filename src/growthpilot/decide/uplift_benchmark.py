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
from growthpilot.errors import DataError, ValidationError
from growthpilot.parsing import present

_YES = {"1", "yes", "y", "true", "t"}
_NO = {"0", "no", "n", "false", "f"}


def treatment_labels(s: pd.Series) -> pd.Series:
    """Treatment values as text, the same whatever the file type: a numeric column (``0/1``, ``0.0/1.0``)
    gives integers without ``.0`` (``"0"``, ``"1"``), text is stripped; missing stays missing (NA)."""
    filled = present(s)
    txt = s.astype("string").str.strip()
    if not pd.api.types.is_bool_dtype(s):
        num = pd.to_numeric(s.where(filled), errors="coerce")
        if filled.any() and num[filled].notna().all():
            integral = filled & (num == num.round())
            whole = num.where(integral).round().astype("Int64").astype("string")
            txt = txt.where(~integral, whole)
    return txt.where(filled, pd.NA)


@dataclass
class ExperimentSpec:
    """Which columns of an experiment table play which role."""

    treatment_col: str
    control_value: str
    outcome_col: str
    feature_cols: Sequence[str] | None = None
    exclude_cols: Sequence[str] = ()
    arms: Sequence[str] | None = None
    #: rows :meth:`prepare` dropped for a missing treatment or outcome
    dropped_rows: int = 0

    def features(self, df: pd.DataFrame) -> list[str]:
        for col in (self.treatment_col, self.outcome_col):
            if col not in df.columns:
                raise DataError(f"column {col!r} is not in the data; columns: {list(df.columns)}")
        if self.feature_cols:
            missing = [c for c in self.feature_cols if c not in df.columns]
            if missing:
                raise DataError(f"feature column(s) {missing} are not in the data; columns: {list(df.columns)}")
            leak = [c for c in self.feature_cols if c in (self.treatment_col, self.outcome_col)]
            if leak:
                raise DataError(f"feature column(s) {leak} are the treatment or outcome column; leave them out")
            return list(self.feature_cols)
        drop = {self.treatment_col, self.outcome_col, *self.exclude_cols}
        return [c for c in df.columns if c not in drop]

    def prepare(self, df: pd.DataFrame, *, labelled: bool = True) -> pd.DataFrame:
        """Canonical treatment labels (:func:`treatment_labels`), the control value in the same form, and a
        numeric outcome (``yes/no`` and ``true/false`` text read as 1/0). With ``labelled`` rows without a
        treatment or an outcome are dropped (they cannot train or score an uplift model); otherwise kept.
        ``control_value`` is rewritten in the column's form (``"0.0"`` -> ``"0"`` for integer arms)."""
        df = df.reset_index(drop=True)
        if self.treatment_col not in df.columns:
            return df
        t = treatment_labels(df[self.treatment_col])
        if t.isna().any() or (t != df[self.treatment_col].astype(str)).any():  # else: left exactly as read
            df = df.assign(**{self.treatment_col: t.astype(object).where(t.notna(), None)})
        labels = t.dropna()
        if len(labels) and labels.str.fullmatch(r"-?\d+").all():  # integer arms: control "0.0" means "0"
            self.control_value = treatment_labels(pd.Series([str(self.control_value)])).fillna("")[0]
        if self.outcome_col in df.columns:
            df[self.outcome_col] = _outcome(df[self.outcome_col], self.outcome_col)
            if labelled:
                keep = df[self.treatment_col].notna() & df[self.outcome_col].notna()
                self.dropped_rows = int((~keep).sum())
                df = df[keep.to_numpy()].reset_index(drop=True)
        return df

    def select(self, df: pd.DataFrame) -> pd.DataFrame:
        """Rows of the control and the chosen arms (all arms when ``arms`` is empty)."""
        t = df[self.treatment_col].astype(str)
        if str(self.control_value) not in set(t):
            raise DataError(f"control value {self.control_value!r} not found in {self.treatment_col!r}; "
                            f"values: {sorted(set(t))[:10]}")
        if self.arms:
            unknown = [a for a in map(str, self.arms) if a not in set(t)]
            if unknown:
                raise DataError(f"arm(s) {unknown} not found in {self.treatment_col!r}; values: {sorted(set(t))[:10]}")
            keep = t.isin([str(self.control_value), *map(str, self.arms)])
            return df[keep.to_numpy()].reset_index(drop=True)
        return df.reset_index(drop=True)


def _outcome(s: pd.Series, column: str) -> pd.Series:
    """A numeric outcome; binary text (yes/no, true/false, y/n) as 1/0; anything else a clear error."""
    if pd.api.types.is_bool_dtype(s):
        return s.astype(float)
    if pd.api.types.is_numeric_dtype(s):
        return s
    num = pd.to_numeric(s, errors="coerce")
    filled = present(s)
    bad = filled & num.isna()
    if bad.any():
        low = s.astype("string").str.strip().str.lower()
        mapped = low.map(lambda v: 1.0 if v in _YES else 0.0 if v in _NO else np.nan).astype(float)
        num = num.fillna(mapped)
        bad = filled & num.isna()
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise ValidationError("the outcome is not a number", row=i, column=column, value=s.iloc[i],
                                  expected="a number or yes/no, true/false")
    return num.astype(float)


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
    train = spec.select(spec.prepare(train))
    test = spec.prepare(test, labelled=False)
    feats = spec.features(train)
    missing = [c for c in feats if c not in test.columns]
    if missing:
        raise DataError(f"the test table lacks feature column(s) {missing} of the training table; "
                        f"test columns: {list(test.columns)}")
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
        scored = ~np.isnan(y_test) & test[spec.treatment_col].notna().to_numpy()  # rows with both labels
    for name, r in best_per_learner.items():
        if name == model.best_name_:
            pred = model.predict(test[feats])
        else:
            est = model._make(name, r["params"]).fit(
                train[feats], train[spec.treatment_col], train[spec.outcome_col], control=control)
            pred = est.predict(test[feats])
        for rec in score_predictions(y_test[scored], t_test[scored], control, model.arms_, pred[scored],
                                     n_boot=n_boot, seed=seed):
            rows.append({"model": LEARNERS[name].name, "chosen": name == model.best_name_,
                         "cv_score": round(r["score"], 5), **rec})
    return UpliftBenchmarkResult(
        rows=rows, chosen=LEARNERS[model.best_name_].name, chosen_params=model.best_params_,
        cv_results=model.cv_results_, predictions=model.predict_frame(test[feats]),
        extra={"arms": model.arms_, "control": control, "outcome": spec.outcome_col,
               "n_train": len(train), "n_test": len(test), "cv_scoring": model.scoring},
    )
