"""Analyse an experiment table (one row per customer) into ``experiment_results`` rows.

>>> import pandas as pd
>>> df = pd.DataFrame({"arm": ["control"] * 4 + ["b"] * 4, "y": [0, 1, 0, 0, 1, 1, 0, 1]})
>>> analyze_experiment(df, arm_col="arm", outcome_col="y", control="control")["arm"].tolist()
['b']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from growthpilot.errors import DataError
from growthpilot.experiments.ab import compare_means, compare_means_cuped, compare_proportions
from growthpilot.experiments.design import srm_check
from growthpilot.warehouse.contracts import TableContract, register

RESULT_COLUMNS = {
    "campaign_id": "string", "arm": "string", "metric": "string", "value": "float64", "control_value": "float64",
    "ci_low": "float64", "ci_high": "float64", "lift": "float64", "p_value": "float64",
    "prob_beat_control": "float64", "n": "int64", "n_control": "int64", "srm_p_value": "float64",
    "run_id": "string", "model_version": "string",
}

EXPERIMENT_RESULTS = register(TableContract(
    "experiment_results", RESULT_COLUMNS, keys=("campaign_id", "arm", "metric", "run_id"),
    required=("campaign_id", "arm", "metric"),
    description="Per arm and metric: value, difference to control with its interval (ci_low..ci_high), "
    "relative lift, p-value and Bayesian probability to beat control.",
))


def analyze_experiment(df: pd.DataFrame, *, arm_col: str, outcome_col: str, control: str,
                       metric: str | None = None, covariate_col: str | None = None,
                       campaign_id: str = "experiment", alpha: float = 0.05) -> pd.DataFrame:
    """Compare every arm with control. ``metric`` is ``"proportion"`` (0/1 outcome) or ``"mean"``
    (default: proportion when the outcome is 0/1); ``covariate_col`` turns on CUPED for means."""
    for col in [arm_col, outcome_col, *([covariate_col] if covariate_col else [])]:
        if col not in df.columns:
            raise DataError(f"column {col!r} is not in the experiment table; columns: {list(df.columns)}")
    arms = df[arm_col].astype(str)
    if str(control) not in set(arms):
        raise DataError(f"control arm {control!r} not found; arms: {sorted(set(arms))}")
    y = df[outcome_col].astype(float).to_numpy()
    if metric is None:
        metric = "proportion" if set(np.unique(y)) <= {0.0, 1.0} else "mean"
    counts = arms.value_counts()
    srm = srm_check(counts.to_numpy()).p_value if len(counts) > 1 else float("nan")
    ctrl = (arms == str(control)).to_numpy()
    rows = []
    for arm in sorted(set(arms) - {str(control)}):
        tr = (arms == arm).to_numpy()
        if metric == "proportion":
            r = compare_proportions(int(y[ctrl].sum()), int(ctrl.sum()), int(y[tr].sum()), int(tr.sum()), alpha=alpha)
        elif covariate_col:
            x = df[covariate_col].astype(float).to_numpy()
            r = compare_means_cuped(y[ctrl], y[tr], x[ctrl], x[tr], alpha=alpha)
        else:
            r = compare_means(y[ctrl], y[tr], alpha=alpha)
        rows.append({"campaign_id": campaign_id, "arm": arm, "metric": f"{outcome_col}:{r.metric}",
                     "value": r.treatment, "control_value": r.control, "ci_low": r.ci_low, "ci_high": r.ci_high,
                     "lift": r.lift, "p_value": r.p_value, "prob_beat_control": r.prob_beat_control,
                     "n": r.n_treatment, "n_control": r.n_control, "srm_p_value": srm})
    return pd.DataFrame(rows)
