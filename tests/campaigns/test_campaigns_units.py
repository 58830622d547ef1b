from datetime import datetime, timedelta

import pandas as pd
import pytest
from typer.testing import CliRunner

from growthpilot.campaigns import (
    Audience,
    Campaign,
    FileExportChannel,
    assign_arms,
    build_audience,
    send_campaign,
)
from growthpilot.cli import app
from growthpilot.errors import DataError


def test_holdout_is_stable_and_close_to_share():
    ids = [f"c{i}" for i in range(20000)]
    arms = assign_arms(ids, "camp", holdout_share=0.1, variants=["a", "b"])
    share = arms.count("control") / len(ids)
    assert abs(share - 0.1) < 0.01 and abs(arms.count("a") - arms.count("b")) < 600
    assert arms[:50] == assign_arms(ids[:50], "camp", holdout_share=0.1, variants=["a", "b"])
    assert arms != assign_arms(ids, "other", holdout_share=0.1, variants=["a", "b"])


def test_campaign_validation():
    with pytest.raises(DataError):
        Campaign("x", channel="pigeon")
    with pytest.raises(DataError):
        Campaign("x", variants={"control": "hi"})


def test_audience_from_segments_and_scores(duckdb_warehouse):
    wh = duckdb_warehouse
    wh.write("customers", pd.DataFrame({"customer_id": ["a", "b", "c"], "email": ["a@x", "b@x", "c@x"]}))
    wh.write("segments", pd.DataFrame({"customer_id": ["a", "b", "c"], "rfm_segment": ["champions", "at_risk",
                                       "at_risk"], "cluster": [1, 2, 2], "run_id": "r1"}), mode="replace")
    wh.write("customer_scores", pd.DataFrame({"customer_id": ["a", "b", "c"], "churn_risk": [0.1, 0.8, 0.4],
                                              "p_purchase_30d": [0.5, 0.2, 0.1], "run_id": "r1",
                                              "cutoff": datetime(2026, 1, 1), "horizon_days": 90}), mode="replace")
    aud = build_audience(wh, Audience(segments=["at_risk"], min_churn_risk=0.3))
    assert aud.customer_id.tolist() == ["b", "c"]


def test_file_export_budget_and_cli(tmp_path, workspace):
    wh = workspace.warehouse
    ids = [f"c{i}" for i in range(40)]
    wh.write("customers", pd.DataFrame({"customer_id": ids, "email": [f"{c}@x.test" for c in ids]}))
    wh.write("consent", pd.DataFrame({"customer_id": ids, "channel": "ads", "purpose": "marketing",
                                      "granted": True, "ts": datetime(2026, 1, 1)}))
    camp = Campaign("ads1", channel="file", holdout_share=0.2, budget=10.0, cost_per_send=1.0)
    rep = send_campaign(wh, camp, FileExportChannel(tmp_path / "ads.csv", layout="ads"), now=datetime(2026, 2, 1))
    assert rep.counts["sent"] == 10 and rep.counts["over_budget"] > 0
    out = pd.read_csv(tmp_path / "ads.csv")
    assert len(out) == 10 and out.hashed_email.str.len().eq(64).all() and "email" not in out.columns
    # budget spent: a second send adds nothing
    rep2 = send_campaign(wh, camp, FileExportChannel(tmp_path / "ads.csv", layout="ads"),
                         now=datetime(2026, 2, 1) + timedelta(hours=1))
    assert rep2.counts.get("sent", 0) == 0 and len(pd.read_csv(tmp_path / "ads.csv")) == 10

    runner = CliRunner()
    r = runner.invoke(app, ["campaign", "create", "cli1", "--channel", "file", "--variant", "a=Hi {name}",
                            "-w", str(workspace.root)])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["campaign", "send", "cli1", "--export-path", str(tmp_path / "e.csv"), "--json",
                            "-w", str(workspace.root)])
    assert r.exit_code == 0, r.output
    pd.DataFrame({"campaign_id": "cli1", "customer_id": ids[:3], "outcome_type": "conversion",
                  "value": 20.0}).to_csv(tmp_path / "o.csv", index=False)
    assert runner.invoke(app, ["campaign", "outcomes", str(tmp_path / "o.csv"), "-w", str(workspace.root)]).exit_code == 0
    r = runner.invoke(app, ["campaign", "report", "cli1", "--json", "-w", str(workspace.root)])
    assert r.exit_code == 0, r.output
    assert set(wh.read("campaign_results").metric) >= {"conversion_rate", "incremental_revenue"}


def test_experiment_analyze_cli(tmp_path):
    df = pd.DataFrame({"arm": ["control"] * 500 + ["b"] * 500, "converted": [0, 1] * 250 + [1, 1, 0, 1] * 125})
    df.to_csv(tmp_path / "e.csv", index=False)
    r = CliRunner().invoke(app, ["experiment", "analyze", "--data", str(tmp_path / "e.csv"), "--json"])
    assert r.exit_code == 0, r.output
    assert '"arm": "b"' in r.output
