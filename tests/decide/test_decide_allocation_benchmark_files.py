"""benchmarks/allocation.py on files: an experiment and fresh customers with their true uplift."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from tests.conftest import benchmark_script

from growthpilot.decide.allocation_benchmark import run_allocation_benchmark
from growthpilot.errors import DataError
from growthpilot.simulate import simulate_uplift_experiment
from growthpilot.simulate.offers import GROSS_MARGIN

SEED, N_TRAIN, N_TEST = 1, 3000, 1500


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """The e-mail simulator's experiment and fresh customers written as a user would give them."""
    d = tmp_path_factory.mktemp("alloc")
    exp, _ = simulate_uplift_experiment(n=N_TRAIN, seed=SEED)
    fresh, truth = simulate_uplift_experiment(n=N_TEST, seed=SEED + 1)
    for arm in ("email_a", "email_b"):
        fresh[f"true_uplift_{arm}"] = truth[f"true_uplift_conversion_{arm}"].to_numpy()
    exp.to_csv(d / "exp.csv", index=False)
    fresh.drop(columns=["treatment", "visit", "conversion", "spend"]).to_csv(d / "fresh.csv", index=False)
    value = GROSS_MARGIN * exp.loc[exp["conversion"] > 0, "spend"].mean()
    return d, repr(float(value))


def test_files_reproduce_the_simulator_run(files, capsys):
    d, margin = files
    kw = dict(learners=("t",), cv=2, seed=SEED, method="greedy", linear=False)
    sim = run_allocation_benchmark(simulator="email", n_train=N_TRAIN, n_test=N_TEST, auxiliary="visit", **kw)
    out = d / "plan.csv"
    run = benchmark_script("allocation").main
    res = run(["--train", str(d / "exp.csv"), "--test", str(d / "fresh.csv"), "--treatment-col",
               "treatment", "--control-value", "control", "--outcome-col", "conversion",
               "--exclude-cols", "customer_id,spend,visit", "--auxiliary-outcome-cols", "visit",
               "--margin", margin, "--contact-cost", "0.1", "--learners", "t", "--cv", "2",
               "--seed", str(SEED), "--method", "greedy", "--no-linear", "--predictions-out", str(out)])
    assert res["simulator"] == "file" and res["offers"] == ["email_a", "email_b"]
    assert res["share_of_oracle"] == sim["share_of_oracle"] and res["plans"] == sim["plans"]
    last = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert last["share_of_oracle"] == res["share_of_oracle"]
    plan = pd.read_csv(out, keep_default_na=False)
    assert len(plan) == N_TEST and set(plan["offer"]) <= {"", "email_a", "email_b"}
    assert list(plan.columns) == ["offer", "predicted_uplift_email_a", "predicted_uplift_email_b", "expected_profit"]
    assert (plan["offer"] != "").sum() == next(r for r in res["plans"] if r["plan"] == "model")["customers_targeted"]


def test_files_without_the_true_uplift_or_with_unknown_arms_are_refused(files):
    d, margin = files
    fresh = pd.read_csv(d / "fresh.csv").drop(columns=["true_uplift_email_b"])
    fresh.to_csv(d / "fresh_partial.csv", index=False)
    base = ["--train", str(d / "exp.csv"), "--treatment-col", "treatment", "--outcome-col", "conversion",
            "--exclude-cols", "customer_id,spend,visit", "--learners", "t", "--cv", "2"]
    with pytest.raises(DataError, match="true_uplift_email_b"):
        benchmark_script("allocation").main([*base, "--test", str(d / "fresh_partial.csv")])
    with pytest.raises(DataError, match="email_c"):
        run = benchmark_script("allocation").main
        run([*base, "--test", str(d / "fresh.csv"), "--offer-costs", "email_c=1"])


def test_a_budget_given_as_an_amount_bounds_every_plan():
    res = run_allocation_benchmark(simulator="email", n_train=N_TRAIN, n_test=N_TEST, budget=30.0, learners=("t",),
                                   cv=2, seed=SEED, method="greedy", linear=False, auxiliary="none")
    assert res["budget"] == 30.0
    assert all(r["true_cost"] <= 30.0 + 1e-6 for r in res["plans"])  # contact costs: estimated = true
    with pytest.raises(DataError, match="budget must be positive"):
        run_allocation_benchmark(simulator="email", n_train=N_TRAIN, n_test=N_TEST, budget=0.0, learners=("t",))
