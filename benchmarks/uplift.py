"""Uplift benchmark: S-, T-, X-, DR-learners and class transformation on a held-out half.

Examples
--------
Hillstrom, Womens E-Mail vs No E-Mail, outcome visit (50/50 split, seed 42)::

    python benchmarks/uplift.py --data ../shared/data/uplift_hillstrom/hillstrom.csv \
        --treatment-col segment --control-value "No E-Mail" --outcome-col visit \
        --exclude-cols conversion,spend --arms "Womens E-Mail" --seed 42

``--auxiliary-outcome-col visit`` (target conversion, ``--exclude-cols visit,spend``) also scores the
surrogate-assisted model (:class:`growthpilot.decide.surrogate_uplift.SurrogateUplift`) on the test half.

Independent scoring: ``--train A.csv --test B.csv --predictions-out preds.csv`` writes one
``predicted_uplift_<arm>`` column per arm, in the test file's row order. ``--simulate`` runs on the
project's simulator (``growthpilot.simulate.simulate_uplift_experiment``) and adds true-uplift scores.
The last stdout line is one JSON object of metrics.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np
import pandas as pd

from growthpilot.benchmark_output import run_main, strict_json
from growthpilot.decide.uplift_benchmark import ExperimentSpec, run_uplift_benchmark, split_half
from growthpilot.files import read_table

os.environ.setdefault("OMP_NUM_THREADS", "2")


def _csv_list(s: str | None) -> list[str]:
    return [c.strip() for c in s.split(",") if c.strip()] if s else []


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--data", help="experiment table (CSV/Parquet; a folder: its first CSV); split 50/50")
    src.add_argument("--train", help="training table; needs --test")
    src.add_argument("--simulate", action="store_true", help="use the project's experiment simulator")
    p.add_argument("--test", help="test table (with --train)")
    p.add_argument("--treatment-col", default="treatment")
    p.add_argument("--control-value", default="control")
    p.add_argument("--outcome-col", default="visit")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--feature-cols", help="comma-separated feature columns (default: all other columns)")
    g.add_argument("--exclude-cols", help="comma-separated columns that are not features")
    p.add_argument("--arms", help="comma-separated treatment arms to keep (default: all)")
    p.add_argument("--learners", default="s,t,x,dr,ct", help="subset of s,t,x,dr,ct")
    p.add_argument("--cv", type=int, default=3, help="folds for model choice inside the training half")
    p.add_argument("--n-boot", type=int, default=200, help="bootstrap resamples for the intervals")
    p.add_argument("--n", type=int, default=30000, help="rows to simulate with --simulate")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--predictions-out", help="CSV of the chosen model's predicted uplift per test row")
    p.add_argument("--debug", action="store_true", help="show the traceback of an input error")
    p.add_argument("--auxiliary-outcome-col",
                   help="also score SurrogateUplift (uplift learnt on this frequent outcome, e.g. visit, mapped to "
                        "the target by a cross-fitted line) on the test half; not a candidate of the CV choice. "
                        "Exclude the column from the features (--exclude-cols)")
    a = p.parse_args(argv)

    exclude = _csv_list(a.exclude_cols)
    truth = None
    if a.simulate:
        from growthpilot.simulate import simulate_uplift_experiment

        df, truth = simulate_uplift_experiment(n=a.n, seed=a.seed)
        if a.treatment_col == "treatment" and a.control_value == "control":
            exclude += ["customer_id", *[o for o in ("visit", "conversion", "spend") if o != a.outcome_col]]
        df["_row"] = np.arange(len(df))
        exclude.append("_row")
        train, test = split_half(df, ExperimentSpec(a.treatment_col, a.control_value, a.outcome_col), a.seed)
    elif a.data:
        path = a.data
        if os.path.isdir(path):
            path = os.path.join(path, sorted(f for f in os.listdir(path) if f.endswith((".csv", ".parquet")))[0])
        df = read_table(path)
        prep = ExperimentSpec(a.treatment_col, a.control_value, a.outcome_col)
        prep.features(df)  # checks that the treatment and outcome columns are there
        df = prep.prepare(df)
        a.control_value = prep.control_value
        if prep.dropped_rows:
            print(f"{prep.dropped_rows} rows without a treatment or outcome dropped", file=sys.stderr)
        if a.arms:  # keep the chosen arms first, then split: the experiment is arm(s) vs control
            df = ExperimentSpec(a.treatment_col, a.control_value, a.outcome_col, arms=_csv_list(a.arms)).select(df)
        train, test = split_half(df, ExperimentSpec(a.treatment_col, a.control_value, a.outcome_col), a.seed)
    else:
        if not a.test:
            p.error("--train needs --test")
        train, test = read_table(a.train), read_table(a.test)
    spec = ExperimentSpec(a.treatment_col, a.control_value, a.outcome_col,
                          feature_cols=_csv_list(a.feature_cols) or None, exclude_cols=exclude,
                          arms=_csv_list(a.arms) or None)
    t0 = time.time()
    res = run_uplift_benchmark(train, test, spec, learners=_csv_list(a.learners), cv=a.cv,
                               n_boot=a.n_boot, seed=a.seed)
    if a.auxiliary_outcome_col and res.rows:
        from growthpilot.decide.surrogate_uplift import SurrogateUplift
        from growthpilot.decide.uplift_benchmark import score_predictions

        feats = spec.features(train)
        tr = spec.select(spec.prepare(train))
        te = spec.prepare(test)
        sur = SurrogateUplift(base="lin", random_state=a.seed).fit(
            tr[feats], tr[a.treatment_col], tr[a.outcome_col], aux=tr[a.auxiliary_outcome_col],
            control=spec.control_value)
        for rec in score_predictions(te[a.outcome_col], te[a.treatment_col], str(spec.control_value), sur.arms_,
                                     sur.predict(te[feats]), n_boot=a.n_boot, seed=a.seed):
            res.rows.append({"model": f"surrogate_{a.auxiliary_outcome_col}", "chosen": False, "cv_score": None, **rec})
    summary = res.summary()
    summary["seconds"] = round(time.time() - t0, 1)
    if truth is not None:
        tt = truth.iloc[test["_row"].to_numpy()]
        summary["true_uplift"] = {}
        for j, arm in enumerate(res.extra["arms"]):
            true_u = tt[f"true_uplift_{a.outcome_col}_{arm}"].to_numpy()
            pred = res.predictions.iloc[:, j].to_numpy()
            k = int(0.3 * len(pred))
            summary["true_uplift"][arm] = {
                "corr": round(float(np.corrcoef(pred, true_u)[0, 1]), 4),
                "true_uplift_top30_model": round(float(true_u[np.argsort(-pred)[:k]].mean()), 5),
                "true_uplift_top30_oracle": round(float(np.sort(true_u)[::-1][:k].mean()), 5),
                "true_uplift_all": round(float(true_u.mean()), 5),
            }
    if a.predictions_out:
        res.predictions.to_csv(a.predictions_out, index=False)

    cols = ["model", "arm", "chosen", "cv_score", "qini_auc", "auuc", "uplift_at_30", "uplift_at_30_overall"]
    if not res.rows:
        print(f"test file has no {spec.treatment_col!r}/{spec.outcome_col!r} columns: predictions only "
              f"(chosen {res.chosen} {res.chosen_params})")
        sys.stdout.write(json.dumps(strict_json(summary), default=str) + "\n")
        return summary
    table = pd.DataFrame(res.rows)[cols]
    ci = pd.DataFrame(res.rows)["uplift_at_30_ci"].map(lambda c: f"[{c[0]:.4f}, {c[1]:.4f}]")
    table.insert(len(cols) - 1, "uplift_at_30_ci95", ci)
    print(f"outcome {spec.outcome_col}, control {spec.control_value!r}, train {len(train)} / test {len(test)} rows; "
          f"chosen by {a.cv}-fold CV ({res.extra['cv_scoring']}): {res.chosen} {res.chosen_params}")
    print(table.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    if "true_uplift" in summary:
        print("true uplift (simulator):", json.dumps(summary["true_uplift"]))
    sys.stdout.write(json.dumps(strict_json(summary), default=str) + "\n")
    return summary


if __name__ == "__main__":
    run_main(main)
