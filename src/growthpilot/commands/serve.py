"""``growthpilot serve`` (the API and dashboard) and ``growthpilot keys`` (API key administration)."""

from pathlib import Path
from typing import Annotated

import typer

from growthpilot.commands._common import WorkspaceOpt, console, out, print_json, print_table


def _store(workspace: Path):
    from growthpilot.api.keys import KeyStore
    from growthpilot.workspace import Workspace

    return KeyStore(Workspace.open(workspace).warehouse)


def register(app: typer.Typer) -> None:
    keys_app = typer.Typer(help="Create, list and revoke API keys (stored hashed in the warehouse).",
                           no_args_is_help=True)
    app.add_typer(keys_app, name="keys")

    @app.command()
    def serve(
        workspace: WorkspaceOpt = Path("."),
        host: Annotated[str, typer.Option(help="Interface to bind; 127.0.0.1 keeps it local.")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
        max_body_mb: Annotated[float, typer.Option(help="Largest request body in MiB.")] = 2.0,
        log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "warning",
    ) -> None:
        """Serve the REST API (/api/v1, OpenAPI at /api/v1/openapi.json) and the dashboard (/ui) over a workspace."""
        import uvicorn

        from growthpilot.api import create_app

        app_ = create_app(workspace, max_body_bytes=int(max_body_mb * 1024 * 1024))
        console.print(f"growthpilot API on http://{host}:{port}/api/v1 · dashboard http://{host}:{port}/ui")
        if not any(not k.revoked for k in app_.state.gp.keys.list()):
            console.print(f"no API key yet: every route but /health needs one; create one with: "
                          f"growthpilot keys create --role admin -w {workspace}", style="yellow", markup=False,
                          soft_wrap=True)
        uvicorn.run(app_, host=host, port=port, log_level=log_level, access_log=False)

    @keys_app.command("create")
    def keys_create(
        role: Annotated[str, typer.Option("--role", help="admin | analyst | marketer | viewer")],
        workspace: WorkspaceOpt = Path("."),
        name: Annotated[str, typer.Option(help="Who or what the key is for.")] = "",
        rate_limit: Annotated[int, typer.Option("--rate-limit", help="Requests per minute.")] = 600,
        as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    ) -> None:
        """Create a key; its secret is printed once and stored only as a salted hash."""
        secret, rec = _store(workspace).create(role, name, rate_limit)
        if as_json:
            print_json({"key": secret, "key_id": rec.key_id, "role": rec.role, "rate_limit": rec.rate_limit})
            return
        out.print(secret, highlight=False, soft_wrap=True)
        console.print(f"key {rec.key_id} ({rec.role}, {rec.rate_limit}/min): store it now, it is not shown again")

    @keys_app.command("list")
    def keys_list(workspace: WorkspaceOpt = Path(".")) -> None:
        """List keys (ids, roles, limits; never secrets)."""
        print_table("API keys", [{"key_id": r.key_id, "name": r.name, "role": r.role, "rate_limit": r.rate_limit,
                                  "created_at": str(r.created_at)[:19], "revoked": r.revoked}
                                 for r in _store(workspace).list()])

    @keys_app.command("revoke")
    def keys_revoke(key_id: Annotated[str, typer.Argument(help="The key id (gpk_<key_id>_...).")],
                    workspace: WorkspaceOpt = Path(".")) -> None:
        """Revoke a key at once."""
        if not _store(workspace).revoke(key_id):
            raise typer.BadParameter(f"no key {key_id!r}; see: growthpilot keys list")
        out.print(f"revoked {key_id}")
