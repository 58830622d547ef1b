"""Offer-allocation benchmark: incremental profit of the uplift-driven plan as a share of the oracle plan.

Uplift is learnt from a simulated randomised experiment, then offers are allocated to fresh customers
under a fixed budget; every plan is scored with the simulator's true uplift. Beside the oracle it shows a
random plan and a "top propensity" plan.

    python benchmarks/allocation.py --simulator offers --seed 0
    python benchmarks/allocation.py --simulator email --outcome conversion --contact-cost 0.1
    python benchmarks/allocation.py --simulator email --seed 1 --ceiling   # + plan from E[true uplift | features]
    python benchmarks/allocation.py --simulator email --auxiliary-outcome-cols none   # no surrogate candidates

The last stdout line is one JSON object of metrics; ``--predictions-out`` is not applicable (the plans are
scored inside) and writes the per-plan table as CSV when given.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

import pandas as pd

from growthpilot.benchmark_output import run_main, strict_json
from growthpilot.decide.allocation_benchmark import run_allocation_benchmark

os.environ.setdefault("OMP_NUM_THREADS", "2")


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
    p.add_argument("--predictions-out", help="write the per-plan table as CSV")
    a = p.parse_args(argv)
    t0 = time.time()
    res = run_allocation_benchmark(simulator=a.simulator, n_train=a.n_train, n_test=a.n_test,
                                   budget_share=a.budget_share, seed=a.seed,
                                   learners=tuple(a.learners.split(",")), cv=a.cv, outcome=a.outcome,
                                   contact_cost=a.contact_cost, method=a.method,
                                   selection=a.selection, stretch=tuple(float(v) for v in a.stretch.split(",")),
                                   top_k=a.top_k, linear=not a.no_linear,
                                   ceiling=a.ceiling, auxiliary=a.auxiliary_outcome_cols,
                                   permute_auxiliary=a.permute_auxiliary)
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
        table.to_csv(a.predictions_out, index=False)
    sys.stdout.write(json.dumps(strict_json(res)) + "\n")
    return res


if __name__ == "__main__":
    run_main(main)
