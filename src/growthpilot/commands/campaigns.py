"""Campaign commands: ``growthpilot campaign create/send/outcomes/report`` and ``growthpilot experiment analyze``."""

import json
from pathlib import Path
from typing import Annotated

import typer

from growthpilot.commands._common import WorkspaceOpt, console, print_json, print_table
from growthpilot.errors import DataError

campaign_app = typer.Typer(help="Define, send and measure campaigns.", no_args_is_help=True)
experiment_app = typer.Typer(help="Analyse experiments.", no_args_is_help=True)


@campaign_app.command("create")
def create(
    campaign_id: Annotated[str, typer.Argument(help="Campaign id.")],
    channel: Annotated[str, typer.Option(help="email, webhook or file.")] = "email",
    name: Annotated[str, typer.Option()] = "",
    offer: Annotated[str, typer.Option()] = "",
    subject: Annotated[str, typer.Option(help="E-mail subject; {name} fields allowed.")] = "A message for you",
    variant: Annotated[list[str] | None, typer.Option(help="Copy variant as id=text (repeat).")] = None,
    holdout: Annotated[float, typer.Option(help="Share kept as a hashed holdout.")] = 0.1,
    budget: Annotated[float | None, typer.Option()] = None,
    cost_per_send: Annotated[float, typer.Option()] = 0.0,
    frequency_cap: Annotated[int, typer.Option(help="Max messages per customer in the window.")] = 3,
    cap_window_days: Annotated[int, typer.Option()] = 7,
    segment: Annotated[list[str] | None, typer.Option(help="Audience: RFM segment or cluster (repeat).")] = None,
    min_churn_risk: Annotated[float | None, typer.Option()] = None,
    min_p_purchase: Annotated[float | None, typer.Option()] = None,
    plan_id: Annotated[str | None, typer.Option(help="Audience from a targeting plan.")] = None,
    max_size: Annotated[int | None, typer.Option()] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Define a campaign (audience, offer, channel, copy variants, budget, holdout, caps)."""
    from growthpilot.campaigns import Audience, Campaign
    from growthpilot.workspace import Workspace

    variants = _parse_variants(variant or ["a=Hello {name}, we picked something for you."])
    camp = Campaign(campaign_id, name=name, channel=channel, offer=offer, subject=subject, variants=variants,
                    budget=budget, cost_per_send=cost_per_send, holdout_share=holdout, frequency_cap=frequency_cap,
                    cap_window_days=cap_window_days,
                    audience=Audience(segments=segment or None, min_churn_risk=min_churn_risk,
                                      min_p_purchase=min_p_purchase, plan_id=plan_id, max_size=max_size))
    wh = Workspace.open(workspace).warehouse
    size = _audience_size(wh, camp.audience)  # an unknown segment is refused before anything is saved
    camp.save(wh)
    console.print(f"campaign {campaign_id} saved (arms {', '.join(camp.arms)}; {size})", markup=False)


def _audience_size(wh, audience) -> str:
    """The audience's size before consent, caps and holdout, or why it cannot be known yet."""
    from growthpilot.campaigns import build_audience

    needs = [t for t, used in (("customers", True), ("segments", bool(audience.segments)),
                               ("customer_scores", audience.min_churn_risk is not None
                                or audience.min_p_purchase is not None),
                               ("targeting_plans", bool(audience.plan_id))) if used and not wh.has_table(t)]
    if needs:
        return f"audience unknown until the workspace has {', '.join(needs)}"
    return f"audience {len(build_audience(wh, audience)):,} before consent, caps and holdout"


def _parse_variants(raw: list[str]) -> dict[str, str]:
    """``--variant id=text`` values as {id: text}; a value without ``id=`` or a repeated id is a usage error."""
    variants: dict[str, str] = {}
    for v in raw:
        vid, sep, text = v.partition("=")
        vid = vid.strip()
        if not sep or not vid or not text.strip():
            raise typer.BadParameter(f"{v!r} is not id=text; write e.g. --variant \"a=Hello {{name}}, 10% off\"",
                                     param_hint="--variant")
        if vid in variants:
            raise typer.BadParameter(f"variant id {vid!r} is given twice; give each variant its own id",
                                     param_hint="--variant")
        variants[vid] = text
    return variants


@campaign_app.command("send")
def send(
    campaign_id: Annotated[str, typer.Argument()],
    smtp_host: Annotated[str, typer.Option(help="SMTP server for e-mail campaigns.")] = "localhost",
    smtp_port: Annotated[int, typer.Option()] = 25,
    sender: Annotated[str, typer.Option(help="From address.")] = "shop@example.invalid",
    webhook_url: Annotated[str, typer.Option(help="URL for webhook campaigns.")] = "",
    export_path: Annotated[Path | None, typer.Option(help="CSV for file campaigns.")] = None,
    export_layout: Annotated[str, typer.Option(help="email or ads (hashed e-mails).")] = "email",
    workspace: WorkspaceOpt = Path("."),
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Send a campaign through its channel; consent, caps, holdout and budget are applied; re-runs are safe."""
    from growthpilot.campaigns import Campaign, FileExportChannel, SMTPChannel, WebhookChannel, send_campaign
    from growthpilot.privacy import Vault, vault_key
    from growthpilot.workspace import Workspace

    ws = Workspace.open(workspace)
    camp = Campaign.load(ws.warehouse, campaign_id)
    if camp.channel == "email":
        channel = SMTPChannel(smtp_host, smtp_port, sender=sender)
    elif camp.channel == "webhook":
        if not webhook_url:
            raise DataError("a webhook campaign needs --webhook-url")
        channel = WebhookChannel(webhook_url)
    else:
        channel = FileExportChannel(export_path or ws.reports_dir / f"{campaign_id}.csv", layout=export_layout)
    with ws.run("campaign_send", {"campaign_id": campaign_id}) as run:
        vault = Vault(ws.warehouse, vault_key(ws))  # real addresses for delivery, from the encrypted vault
        rep = send_campaign(ws.warehouse, camp, channel, run_id=run.run_id, reveal=vault.reveal_field)
        run.metrics.update(rep.as_dict())
    if as_json:
        print_json({**rep.as_dict(), "errors": rep.errors})
    else:
        print_table(f"campaign {campaign_id} sent", [rep.as_dict()])
    for why, n in list(rep.errors.items())[:5]:
        console.print(f"{n} deliveries failed: {why}", style="yellow", markup=False, highlight=False)
    if rep.errors:
        console.print("failed deliveries are retried by the next send; nobody who got it is sent it again",
                      markup=False, highlight=False)
        if not rep.counts.get("sent"):  # nothing went out: a failure for scripts and schedulers too
            raise typer.Exit(1)


@campaign_app.command("outcomes")
def outcomes(
    path: Annotated[Path, typer.Argument(help="CSV: campaign_id, customer_id, outcome_type, value, ts.")],
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Ingest campaign outcomes (opens, clicks, conversions) into outcomes and events."""
    from growthpilot.campaigns import ingest_outcomes
    from growthpilot.files import read_table
    from growthpilot.workspace import Workspace

    res = ingest_outcomes(Workspace.open(workspace).warehouse, read_table(path))
    console.print(f"{res['rows']} outcome rows read, {res['new']} new")
    if res["unknown_campaign"] or res["not_in_campaign"]:
        console.print(f"stored but not counted by campaign reports: {res['unknown_campaign']} rows of a campaign never "
                      f"sent from this workspace, {res['not_in_campaign']} of a customer the campaign neither sent to "
                      "nor held out (check the campaign_id and customer_id columns)", style="yellow", markup=False,
                      soft_wrap=True)


@campaign_app.command("report")
def report(
    campaign_id: Annotated[str, typer.Argument()],
    gross_margin: Annotated[float, typer.Option(help="Share of revenue kept as margin, for ROI.")] = 1.0,
    workspace: WorkspaceOpt = Path("."),
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Lift, incremental revenue and ROI with intervals per arm vs holdout; writes campaign_results."""
    from growthpilot.campaigns import campaign_report
    from growthpilot.workspace import Workspace

    ws = Workspace.open(workspace)
    with ws.run("campaign_report", {"campaign_id": campaign_id}) as run:
        res = campaign_report(ws.warehouse, campaign_id, gross_margin=gross_margin, run_id=run.run_id)
        res["model_version"] = "report-v1"
        ws.warehouse.write("campaign_results", res, mode="upsert")
    wh = ws.warehouse
    if not wh.has_table("outcomes") or not len(wh.read(wh.table("outcomes").filter(
            wh.table("outcomes").campaign_id == campaign_id).select("outcome_id").limit(1))):
        console.print(f"no outcomes recorded for campaign {campaign_id} yet, so every rate is 0; load them with: "
                      "growthpilot campaign outcomes FILE", style="yellow", markup=False, soft_wrap=True)
    if as_json:
        print_json(json.loads(res.to_json(orient="records")))
    else:
        print_table(f"campaign {campaign_id}", res.drop(columns=["campaign_id", "run_id", "model_version"])
                    .round(4).to_dict("records"))


@experiment_app.command("analyze")
def analyze(
    data: Annotated[Path, typer.Option("--data", help="One row per customer: arm and outcome.")],
    arm_col: Annotated[str, typer.Option()] = "arm",
    outcome_col: Annotated[str, typer.Option()] = "converted",
    control: Annotated[str, typer.Option()] = "control",
    covariate_col: Annotated[str, typer.Option(help="Pre-period covariate for CUPED (means).")] = "",
    experiment_id: Annotated[str, typer.Option()] = "experiment",
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """A/B(/n) analysis: difference, interval, lift, p-value, P(beat control) and an SRM check."""
    from growthpilot.experiments import analyze_experiment
    from growthpilot.files import read_table

    df = read_table(data)
    res = analyze_experiment(df, arm_col=arm_col, outcome_col=outcome_col, control=control,
                             covariate_col=covariate_col or None, campaign_id=experiment_id)
    if as_json:
        print_json(json.loads(res.to_json(orient="records")))
    else:
        print_table(f"experiment {experiment_id}", res.drop(columns=["campaign_id"]).round(4).to_dict("records"))


def register(app: typer.Typer) -> None:
    app.add_typer(campaign_app, name="campaign")
    app.add_typer(experiment_app, name="experiment")
