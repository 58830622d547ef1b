"""Offer-allocation benchmark: incremental profit of the uplift-driven plan as a share of the oracle plan.

Uplift is learnt from a simulated randomised experiment, then offers are allocated to fresh customers
under a fixed budget; every plan is scored with the simulator's true uplift. Beside the oracle it shows a
random plan and a "top propensity" plan.

    python benchmarks/allocation.py --simulator offers --seed 0
    python benchmarks/allocation.py --simulator email --outcome conversion --contact-cost 0.1
    python benchmarks/allocation.py --simulator email --seed 1 --ceiling   # + plan from E[true uplift | features]
    python benchmarks/allocation.py --simulator email --auxiliary-outcome-cols none   # no surrogate candidates
    python benchmarks/allocation.py --train exp.csv --test fresh.csv --treatment-col arm --control-value control \
        --outcome-col converted --exclude-cols customer_id,visit --auxiliary-outcome-cols visit \
        --margin 12 --offer-costs email=0.1,sms=0.3      # your own simulator: fresh.csv has true_uplift_<arm>

The last stdout line is one JSON object of metrics; ``--predictions-out`` writes the model's plan per fresh
customer (offer, predicted uplift per arm, expected profit) so it can be scored independently.
With ``--train``/``--test`` the auxiliary outcomes are only those named (``auto`` means none there).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

import pandas as pd

from growthpilot.benchmark_output import run_main, strict_json
from growthpilot.decide.allocation_benchmark import FileExperiment, run_allocation_benchmark
from growthpilot.decide.uplift_benchmark import ExperimentSpec
from growthpilot.errors import DataError
from growthpilot.files import read_table

os.environ.setdefault("OMP_NUM_THREADS", "2")


def _csv_list(s: str | None) -> list[str]:
    return [c.strip() for c in s.split(",") if c.strip()] if s else []


def _file_experiment(a: argparse.Namespace) -> FileExperiment:
    costs = {}
    for item in _csv_list(a.offer_costs):
        arm, _, value = item.rpartition("=")
        try:
            costs[arm.strip()] = float(value)
        except ValueError:
            raise DataError(f"--offer-costs: {item!r} is not arm=number") from None
    aux = [] if a.auxiliary_outcome_cols in ("auto", "none", "") else _csv_list(a.auxiliary_outcome_cols)
    spec = ExperimentSpec(a.treatment_col, a.control_value, a.outcome_col,
                          feature_cols=_csv_list(a.feature_cols) or None, exclude_cols=_csv_list(a.exclude_cols))
    return FileExperiment(read_table(a.train), read_table(a.test), spec, true_prefix=a.true_uplift_prefix,
                          margin=a.margin, margin_col=a.margin_col, costs=costs, default_cost=a.contact_cost,
                          auxiliary=aux)


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--simulator", choices=["offers", "email"], default="offers",
                   help="offers: growthpilot.simulate.offers (discounts, free shipping, SMS); "
                        "email: growthpilot.simulate.simulate_uplift_experiment")
    p.add_argument("--simulate", action="store_true", help="accepted for symmetry; the benchmark always simulates")
    p.add_argument("--n-train", type=int, default=40000, help="customers in the randomised experiment")
    p.add_argument("--n-test", type=int, default=20000, help="fresh customers to allocate")
    p.add_argument("--budget-share", type=float, default=0.5,
                   help="budget as a share of what the oracle would spend without a budget")
    p.add_argument("--budget", type=float, default=None,
                   help="the budget as an amount (total expected offer cost) instead of --budget-share")
    p.add_argument("--learners", default="s,t,x,dr,ct")
    p.add_argument("--cv", type=int, default=2)
    p.add_argument("--outcome", default="conversion", help="outcome for --simulator email")
    p.add_argument("--contact-cost", type=float, default=0.1, help="cost per contact for --simulator email")
    p.add_argument("--method", default="auto", choices=["auto", "milp", "greedy"])
    p.add_argument("--selection", default="profit", choices=["profit", "qini"],
                   help="profit: choose learner/ensemble/stretch by the cross-validated DR profit of the plan "
                        "at this budget; qini: the previous choice by Qini AUC")
    p.add_argument("--stretch", default="1.0,1.5", help="stretch factors tried with --selection profit")
    p.add_argument("--top-k", type=int, default=5,
                   help="with --selection profit: average the k candidates with the best validated profit")
    p.add_argument("--no-linear", action="store_true",
                   help="with --selection profit: leave out the penalised-regression candidate (LinearUplift) "
                        "and its ensemble (the model before they were added)")
    p.add_argument("--auxiliary-outcome-cols", default="auto",
                   help="with --selection profit: the experiment's other outcomes used by the surrogate candidates "
                        "(uplift learnt on a frequent outcome, mapped to the target by a cross-fitted line); auto: "
                        "those non-zero at least twice as often as the target (e-mail: visit); none: no surrogate")
    p.add_argument("--permute-auxiliary", action="store_true",
                   help="check: shuffle the auxiliary outcomes across rows (uninformative) before fitting")
    p.add_argument("--ceiling", action="store_true",
                   help="diagnostic: also score a plan built from E[true uplift | features] (LightGBM fitted to "
                        "the experiment rows' TRUE uplift) - the most any estimator on these features can reach")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--predictions-out",
                   help="CSV of the model's plan per fresh customer (test-file order): offer ('' = none), "
                        "predicted_uplift_<arm>, expected_profit")
    f = p.add_argument_group("your own experiment instead of a simulator (--train EXP --test FRESH)")
    f.add_argument("--train", help="randomised experiment: features, treatment, outcome (CSV/Parquet)")
    f.add_argument("--test", help="fresh customers: the same features and, per arm, its true uplift "
                                  "(<true-uplift-prefix><arm>), read only to score the plans")
    f.add_argument("--treatment-col", default="treatment")
    f.add_argument("--control-value", default="control")
    f.add_argument("--outcome-col", default="conversion")
    f.add_argument("--feature-cols", help="comma-separated features (default: every other column)")
    f.add_argument("--exclude-cols", help="comma-separated columns that are not features (ids, other outcomes)")
    f.add_argument("--true-uplift-prefix", default="true_uplift_")
    f.add_argument("--margin", type=float, default=1.0, help="value of one more outcome (e.g. margin per conversion)")
    f.add_argument("--margin-col", help="per-customer value of one more outcome, in both files (also a feature)")
    f.add_argument("--offer-costs", default="",
                   help="cost per treated customer by arm, e.g. 'email_a=0.1,discount=2.5' (others: --contact-cost)")
    a = p.parse_args(argv)
    t0 = time.time()
    data = None
    if a.train or a.test:
        if not (a.train and a.test):
            p.error("--train and --test go together")
        data = _file_experiment(a)
    res = run_allocation_benchmark(data=data, simulator=a.simulator, n_train=a.n_train, n_test=a.n_test,
                                   budget_share=a.budget_share, budget=a.budget, seed=a.seed,
                                   learners=tuple(a.learners.split(",")), cv=a.cv, outcome=a.outcome,
                                   contact_cost=a.contact_cost, method=a.method,
                                   selection=a.selection, stretch=tuple(float(v) for v in a.stretch.split(",")),
                                   top_k=a.top_k, linear=not a.no_linear,
                                   ceiling=a.ceiling, auxiliary=a.auxiliary_outcome_cols,
                                   permute_auxiliary=a.permute_auxiliary)
    rows = res.pop("rows")
    res["seconds"] = round(time.time() - t0, 1)
    table = pd.DataFrame(res["plans"])
    print(f"simulator {res['simulator']}: budget {res['budget']:.2f}, uplift model {res['uplift_model']}, "
          f"allocation {res['allocation_method']}, auxiliary outcomes {res['auxiliary_outcomes'] or 'none'}"
          f"{' (permuted)' if res['auxiliary_permuted'] else ''}")
    print(table.to_string(index=False))
    def ratio(v: float | None, what: str) -> str:
        return f"{v}x {what}" if v is not None else f"{what} plan makes no profit (ratio undefined)"

    print(f"model plan = {res['share_of_oracle']} of oracle; {ratio(res['vs_random'], 'random')}; "
          f"{ratio(res['vs_top_propensity'], 'top-propensity')}")
    if a.ceiling:
        print(f"ceiling (diagnostic, from the true uplift) = {res['ceiling_share_of_oracle']} of oracle")
    if a.predictions_out:
        rows.to_csv(a.predictions_out, index=False)
    sys.stdout.write(json.dumps(strict_json(res)) + "\n")
    return res


if __name__ == "__main__":
    run_main(main)
