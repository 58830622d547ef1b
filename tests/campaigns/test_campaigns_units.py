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


def _consenting_customers(wh, ids: list[str], channel: str) -> None:
    """Customers ``ids`` with an e-mail address and marketing consent on ``channel``."""
    wh.write("customers", pd.DataFrame({"customer_id": ids, "email": [f"{c}@x.test" for c in ids]}))
    wh.write("consent", pd.DataFrame({"customer_id": ids, "channel": channel, "purpose": "marketing",
                                      "granted": True, "ts": datetime(2026, 1, 1)}))


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
    _consenting_customers(wh, ids, "ads")
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


def test_outcomes_as_people_write_them(duckdb_warehouse):
    from growthpilot.campaigns import ingest_outcomes
    from growthpilot.errors import ValidationError

    wh = duckdb_warehouse
    df = pd.DataFrame({"campaign_id": "c1", "customer_id": ["a", "b", "c"],
                       "outcome_type": ["open", "Conversion ", "conversion"],
                       "value": ["", "12,50", "20"], "ts": ["2026-03-01 10:00:00", "2026-03-02", "2026-03-03 09:30"]})
    assert ingest_outcomes(wh, df) == {"rows": 3, "new": 3, "unknown_campaign": 3, "not_in_campaign": 0}  # no sends
    assert ingest_outcomes(wh, df)["new"] == 0  # idempotent
    got = wh.read("outcomes").set_index("customer_id")
    assert got.loc["b", "outcome_type"] == "conversion" and got.loc["b", "value"] == 12.5
    assert str(got.loc["b", "ts"]) == "2026-03-02 00:00:00" and str(got.loc["c", "ts"]) == "2026-03-03 09:30:00"
    for col, bad in (("value", "abc"), ("ts", "someday"), ("outcome_type", "purchase")):
        broken = df.assign(**{col: df[col].where(df.index != 1, bad)})
        with pytest.raises(ValidationError, match=f"outcome row 2 has an (unreadable|unknown) {col}") as exc:
            ingest_outcomes(wh, broken)
        assert (exc.value.row, exc.value.column, exc.value.value) == (2, col, bad)


def test_variant_option_must_be_id_equals_text(workspace):
    for bad in (["just text"], ["=text"], ["a=Hi", "a=Ho"]):
        args = ["campaign", "create", "v1", "--channel", "file", "-w", str(workspace.root)]
        for v in bad:
            args += ["--variant", v]
        r = CliRunner().invoke(app, args)
        assert r.exit_code == 2 and "--variant" in r.output, r.output
    r = CliRunner().invoke(app, ["campaign", "create", "v1", "--channel", "file", "--variant", "a=x = y, 10% off",
                                 "-w", str(workspace.root)])
    assert r.exit_code == 0, r.output
    assert Campaign.load(workspace.warehouse, "v1").variants == {"a": "x = y, 10% off"}


def test_failed_deliveries_say_why(workspace):
    import json
    import socket

    wh = workspace.warehouse
    ids = ["c1", "c2", "c3"]
    _consenting_customers(wh, ids, "email")
    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    runner = CliRunner()
    assert runner.invoke(app, ["campaign", "create", "m1", "--holdout", "0", "-w", str(workspace.root)]).exit_code == 0
    r = runner.invoke(app, ["campaign", "send", "m1", "--smtp-host", "127.0.0.1", "--smtp-port", str(port), "--json",
                            "-w", str(workspace.root)])
    assert r.exit_code == 1, r.output  # every delivery failed: the command fails
    assert f"3 deliveries failed: SMTP server 127.0.0.1:{port}" in r.output
    rep = [line for line in r.output.splitlines() if line.startswith("{")][-1]
    assert list(json.loads(rep)["errors"].values()) == [3] and json.loads(rep)["failed"] == 3


def test_segment_names_match_as_people_type_them(workspace):
    wh = workspace.warehouse
    ids = ["a", "b", "c", "d"]
    wh.write("customers", pd.DataFrame({"customer_id": ids, "email": [f"{c}@x" for c in ids]}))
    wh.write("segments", pd.DataFrame({"customer_id": ids, "rfm_segment": ["At risk", "At risk", "Can't lose them",
                                                                          "Champions"],
                                       "cluster": [0, 1, 1, 0], "run_id": "r1"}), mode="replace")
    for names, members in ((["at_risk"], ["a", "b"]), (["AT-RISK", "cant_lose_them"], ["a", "b", "c"]),
                           (["1"], ["b", "c"])):
        assert sorted(build_audience(wh, Audience(segments=names)).customer_id) == members
    with pytest.raises(DataError, match=r"segment\(s\) \['vip'\].*'At risk'"):
        build_audience(wh, Audience(segments=["vip"]))
    runner = CliRunner()
    r = runner.invoke(app, ["campaign", "create", "s1", "--segment", "at_risk", "-w", str(workspace.root)])
    assert r.exit_code == 0 and "audience 2 before consent" in r.output, r.output
    r = runner.invoke(app, ["campaign", "create", "s2", "--segment", "vip", "-w", str(workspace.root)])
    assert r.exit_code != 0 and "vip" in str(r.exception)
    with pytest.raises(KeyError, match="no campaign 's2'"):
        Campaign.load(wh, "s2")  # nothing saved


def test_report_without_outcomes_says_how_to_load_them(tmp_path, workspace):
    wh = workspace.warehouse
    ids = [f"c{i}" for i in range(30)]
    _consenting_customers(wh, ids, "ads")
    runner = CliRunner()
    w = ["-w", str(workspace.root)]
    assert runner.invoke(app, ["campaign", "create", "r1", "--channel", "file", "--holdout", "0.3", *w]).exit_code == 0
    assert runner.invoke(app, ["campaign", "send", "r1", "--export-path", str(tmp_path / "r1.csv"), *w]).exit_code == 0
    r = runner.invoke(app, ["campaign", "report", "r1", *w])
    assert r.exit_code == 0, r.output
    assert "no outcomes recorded for campaign r1 yet" in r.output and "growthpilot campaign outcomes" in r.output
    pd.DataFrame({"campaign_id": "r1", "customer_id": ids[:2], "outcome_type": "conversion", "value": 5.0}) \
        .to_csv(tmp_path / "o.csv", index=False)
    assert runner.invoke(app, ["campaign", "outcomes", str(tmp_path / "o.csv"), *w]).exit_code == 0
    r = runner.invoke(app, ["campaign", "report", "r1", *w])
    assert r.exit_code == 0 and "no outcomes recorded" not in r.output
