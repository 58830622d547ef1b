"""``growthpilot privacy``: erasure with receipts, consent, DP reports, budget, retention."""

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from growthpilot.commands._common import WorkspaceOpt, out, print_json, print_table


def register(app: typer.Typer) -> None:
    priv = typer.Typer(help="Privacy: erase a customer, consent, DP reports, retention.", no_args_is_help=True)
    app.add_typer(priv, name="privacy")

    @priv.command("erase")
    def erase(customer_id: Annotated[str, typer.Argument(help="Customer to forget everywhere.")],
              workspace: WorkspaceOpt = Path(".")) -> None:
        """Erase a customer from every table and workspace file; prints the signed receipt (JSON)."""
        from growthpilot.privacy import erase_customer, verify_receipt
        from growthpilot.workspace import Workspace

        ws = Workspace.open(workspace)
        receipt = erase_customer(ws, customer_id)
        print_json({**asdict(receipt), "verification": verify_receipt(ws, receipt, customer_id)})

    @priv.command("protect")
    def protect(workspace: WorkspaceOpt = Path(".")) -> None:
        """Pseudonymise raw personal fields already in `customers` and move the raw values to the vault."""
        from growthpilot.privacy import protect_customers
        from growthpilot.workspace import Workspace

        n = protect_customers(Workspace.open(workspace))
        out.print(f"protected {n} customer rows (raw values now only in the encrypted vault)")

    @priv.command("verify")
    def verify(receipt_id: str, workspace: WorkspaceOpt = Path("."),
               customer_id: Annotated[str | None, typer.Option(help="Check the receipt is theirs.")] = None) -> None:
        """Verify a stored erasure receipt (signature, digest; with --customer-id, nothing remains)."""
        from growthpilot.privacy import load_receipt, verify_receipt
        from growthpilot.workspace import Workspace

        ws = Workspace.open(workspace)
        receipt = load_receipt(ws, receipt_id)
        if receipt is None:
            raise typer.BadParameter(f"no receipt {receipt_id!r}")
        print_json(verify_receipt(ws, receipt, customer_id))

    @priv.command("consent")
    def consent(customer_id: str, workspace: WorkspaceOpt = Path("."),
                channel: Annotated[str | None, typer.Option(help="email | sms | push | ads")] = None,
                purpose: Annotated[str, typer.Option(help="marketing | profiling")] = "marketing",
                grant: Annotated[bool | None, typer.Option("--grant/--withdraw", help="Set consent.")] = None) -> None:
        """Show a customer's consent, or grant/withdraw one channel and purpose."""
        from growthpilot.privacy import ConsentRegistry
        from growthpilot.workspace import Workspace

        reg = ConsentRegistry(Workspace.open(workspace).warehouse)
        if grant is not None:
            if channel is None:
                raise typer.BadParameter("--grant/--withdraw needs --channel")
            reg.set(customer_id, channel, purpose, grant, source="cli")
        print_table(f"consent of {customer_id}", reg.get(customer_id).astype(str).to_dict("records"))

    @priv.command("report")
    def report(table: str, by: str, workspace: WorkspaceOpt = Path("."),
               epsilon: Annotated[float, typer.Option(help="Privacy loss to spend.")] = 1.0,
               value: Annotated[str | None, typer.Option(help="Sum this column (else count).")] = None,
               upper: Annotated[float | None, typer.Option(help="Clamp per customer for sums.")] = None) -> None:
        """A differentially private count or sum per category (spends privacy budget)."""
        from growthpilot.privacy import PrivacyBudget, dp_report
        from growthpilot.workspace import Workspace

        wh = Workspace.open(workspace).warehouse
        rep = dp_report(wh, PrivacyBudget(wh), table=table, by=by, epsilon=epsilon, value=value, upper=upper)
        print_table(f"DP {rep.kind} of {table} by {by} (epsilon {rep.epsilon}, noise scale {rep.scale:.3g})", rep.rows)
        out.print(f"budget spent {rep.spent_after:.3f} of {rep.budget_total:.3f}")

    @priv.command("retention")
    def retention(workspace: WorkspaceOpt = Path("."),
                  apply: Annotated[bool, typer.Option("--apply", help="Delete (default: only count).")] = False) -> None:
        """Apply retention rules (events/sends/outcomes 730 d, audit log 400 d, quarantine 90 d)."""
        from growthpilot.privacy import apply_retention
        from growthpilot.workspace import Workspace

        res = apply_retention(Workspace.open(workspace).warehouse, dry_run=not apply)
        out.print(json.dumps({"dry_run": not apply, "deleted": res}))
