"""The FastAPI application factory: ``create_app(workspace)``.

>>> from growthpilot.api import create_app          # doctest: +SKIP
>>> app = create_app("/path/to/workspace")           # doctest: +SKIP
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

import growthpilot
from growthpilot.api import problems
from growthpilot.api.audit_mw import AuditMiddleware
from growthpilot.api.limits import DEFAULT_MAX_BODY, BodySizeLimit
from growthpilot.api.routes import (
    assistant,
    campaigns,
    copy,
    customers,
    events,
    experiments,
    forecasts,
    health,
    keys,
    privacy,
    recommendations,
    segments,
)
from growthpilot.api.state import AppState
from growthpilot.workspace import Workspace

API_PREFIX = "/api/v1"
RESOURCE_ROUTERS = (customers, segments, recommendations, forecasts, campaigns, experiments, copy, assistant,
                    events, privacy, keys)


def create_app(
    workspace: str | Path | Workspace, *, max_body_bytes: int = DEFAULT_MAX_BODY, dashboard: bool = True,
    background: bool = True, llm: bool = True,
) -> FastAPI:
    """Build the API (and the dashboard) over one workspace.

    Parameters
    ----------
    workspace : a workspace directory or an opened :class:`Workspace`.
    max_body_bytes : request bodies above this are answered 413.
    dashboard : also serve the dashboard under ``/ui``.
    background : flush the audit log and refresh caches from a background thread while serving.
    llm : let copy generation and the assistant use the configured LLM backend (False: grounded
        templates and retrieval only, e.g. in tests).
    """
    ws = workspace if isinstance(workspace, Workspace) else Workspace.open(workspace)
    state = AppState(ws)
    state.use_llm = llm

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if background:
            state.start()
        try:
            yield
        finally:
            state.stop()

    app = FastAPI(
        title="growthpilot API", version=getattr(growthpilot, "__version__", "0.1.0"), lifespan=lifespan,
        openapi_url=None, docs_url=None, redoc_url=None,
        description="Customers, scores, recommendations, forecasts, campaigns, experiments, copy, assistant, "
        "events and privacy over one growthpilot workspace. Every route except /health needs an API key "
        "(Authorization: Bearer gpk_...). Errors are application/problem+json.",
    )
    app.state.gp = state
    problems.install(app)
    app.include_router(health.router)
    for module in RESOURCE_ROUTERS:
        app.include_router(module.router, prefix=API_PREFIX)
    _openapi_route(app)
    if dashboard:
        from growthpilot.web import mount_dashboard

        mount_dashboard(app)
    app.add_middleware(AuditMiddleware, audit=state.audit)
    app.add_middleware(BodySizeLimit, max_bytes=max_body_bytes)
    return app


def _openapi_route(app: FastAPI) -> None:
    """The OpenAPI document, behind a key like every route but /health."""
    from fastapi import Depends
    from fastapi.openapi.utils import get_openapi

    from growthpilot.api.deps import require

    @app.get(f"{API_PREFIX}/openapi.json", include_in_schema=False,
             dependencies=[Depends(require("aggregates:read"))])
    def openapi() -> dict:
        if app.openapi_schema is None:
            spec = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            spec.setdefault("components", {})["securitySchemes"] = {
                "apiKey": {"type": "http", "scheme": "bearer", "bearerFormat": "gpk_<key_id>_<secret>"}}
            spec["security"] = [{"apiKey": []}]
            spec["paths"].get("/health", {}).get("get", {})["security"] = []
            app.openapi_schema = spec
        return app.openapi_schema


def route_table() -> list[tuple[str, str, str | None]]:
    """``(method, path, permission)`` for every API route: the per-route permission table."""
    from fastapi.routing import APIRoute

    out = []
    for module in RESOURCE_ROUTERS:
        for route in module.router.routes:
            if not isinstance(route, APIRoute):
                continue
            perm = next((getattr(d.call, "permission", None) for d in route.dependant.dependencies
                         if getattr(d.call, "permission", None)), None)
            for method in sorted(route.methods or ()):
                out.append((method, API_PREFIX + route.path, perm))
    return out
