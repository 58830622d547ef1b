import json

import numpy as np
import pandas as pd
import pytest
from tests.conftest import need_file
from typer.testing import CliRunner

from growthpilot.cli import app
from growthpilot.decide.uplift_benchmark import ExperimentSpec, run_uplift_benchmark, split_half
from growthpilot.simulate.offers import simulate_offers_experiment

runner = CliRunner()


def test_uplift_and_allocate_cli(tmp_path, workspace):
    exp, _ = simulate_offers_experiment(3000, seed=2)
    exp.to_csv(tmp_path / "exp.csv", index=False)
    fresh, _ = simulate_offers_experiment(300, seed=3, randomize=False)
    fresh.drop(columns=["arm", "converted", "revenue"]).to_csv(tmp_path / "fresh.csv", index=False)
    r = runner.invoke(app, ["uplift", "--data", str(tmp_path / "exp.csv"), "--treatment-col", "arm",
                            "--outcome-col", "converted", "--exclude-cols", "customer_id,revenue",
                            "--learners", "t", "--cv", "2", "--score", str(tmp_path / "fresh.csv"),
                            "--out", str(tmp_path / "u.csv"), "--json"])
    assert r.exit_code == 0, r.output
    pred = pd.read_csv(tmp_path / "u.csv")
    assert len(pred) == 300 and "predicted_uplift_discount_10" in pred.columns
    offers = {"discount_10": {"cost": 0.3}, "free_shipping": {"cost": 0.6, "capacity": 20}}
    r = runner.invoke(app, ["allocate", "--uplift", str(tmp_path / "u.csv"), "--offers", json.dumps(offers),
                            "--margin", "30", "--budget", "15", "-w", str(workspace.root), "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output.strip().splitlines()[-1])
    assert out["cost"] <= 15 + 1e-6
    plan = workspace.warehouse.read("targeting_plans")
    assert plan["reason"].str.contains("expected uplift").all()
    assert (plan.offer == "free_shipping").sum() <= 20


@pytest.mark.integration
def test_hillstrom_subsample_beats_random(data_dir):
    path = need_file(data_dir / "uplift_hillstrom" / "hillstrom.csv")
    df = pd.read_csv(path)
    df = df[df.segment.isin(["Womens E-Mail", "No E-Mail"])].sample(16000, random_state=0)
    spec = ExperimentSpec("segment", "No E-Mail", "visit", exclude_cols=["conversion", "spend"])
    train, test = split_half(df, spec, 42)
    res = run_uplift_benchmark(train, test, spec, learners=("t", "ct"), cv=2, n_boot=30, seed=42)
    chosen = [r for r in res.rows if r["chosen"]][0]
    overall_ate = test[test.segment != "No E-Mail"].visit.mean() - test[test.segment == "No E-Mail"].visit.mean()
    assert chosen["qini_auc"] > 0 and chosen["uplift_at_30"] > overall_ate
    assert len(res.predictions) == len(test) and np.isfinite(res.predictions.to_numpy()).all()


def test_uplift_cli_reads_float_arms_and_yes_no_outcomes(tmp_path):
    exp, _ = simulate_offers_experiment(2000, seed=4)
    exp = exp[exp["arm"].isin(["control", "discount_10"])].reset_index(drop=True)
    exp["arm"] = exp["arm"].map({"control": 0.0, "discount_10": 1.0})
    exp.loc[:9, "arm"] = None  # no treatment recorded: left out, not an arm called "nan"
    exp["converted"] = exp["converted"].map({0: "no", 1: "yes"})
    exp.to_csv(tmp_path / "exp.csv", index=False)
    r = runner.invoke(app, ["uplift", "--data", str(tmp_path / "exp.csv"), "--treatment-col", "arm",
                            "--control-value", "0", "--outcome-col", "converted", "--exclude-cols",
                            "customer_id,revenue", "--learners", "t", "--cv", "2", "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output.strip().splitlines()[-1])["arms"] == ["1"]
