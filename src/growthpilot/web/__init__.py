"""The dashboard: server-rendered Jinja2 pages over the same app and permission table, offline."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

HERE = Path(__file__).parent


def mount_dashboard(app: FastAPI) -> None:
    """Add ``/ui`` pages, ``/static`` files and the login redirect to ``app``."""
    from fastapi.responses import RedirectResponse

    from growthpilot.web import pages, studio
    from growthpilot.web.auth import LoginRequired, login_redirect

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(pages.router)
    app.include_router(studio.router)
    app.add_exception_handler(LoginRequired, login_redirect)

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/ui", status_code=307)
