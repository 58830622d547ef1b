"""Errors as RFC 9457 problem details (``application/problem+json``)."""

from __future__ import annotations

import html
import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from growthpilot.errors import (
    DataError,
    GrowthPilotError,
    MissingDependencyError,
    NotFittedError,
    SchemaError,
    UnknownTableError,
    ValidationError,
)
from growthpilot.privacy.budget import BudgetExceededError

log = logging.getLogger("growthpilot.api")
MEDIA_TYPE = "application/problem+json"
_TITLES = {400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found", 405: "Method not allowed",
           409: "Conflict", 413: "Payload too large", 415: "Unsupported media type", 422: "Unprocessable content",
           429: "Too many requests", 500: "Internal server error", 503: "Service unavailable"}


class Problem(Exception):
    """Raise in a route to answer with a problem+json document."""

    def __init__(self, status: int, detail: str, *, title: str | None = None, slug: str | None = None,
                 headers: dict[str, str] | None = None, **extra: object) -> None:
        super().__init__(detail)
        self.status, self.detail, self.headers, self.extra = status, detail, headers or {}, extra
        self.title = title or _TITLES.get(status, "Error")
        self.slug = slug or self.title.lower().replace(" ", "-")


def problem_response(request: Request | None, status: int, detail: str, *, title: str | None = None,
                     slug: str | None = None, headers: dict[str, str] | None = None, **extra: object) -> Response:
    title = title or _TITLES.get(status, "Error")
    body = {"type": f"urn:growthpilot:problem:{slug or title.lower().replace(' ', '-')}", "title": title,
            "status": status, "detail": detail}
    if request is not None:
        body["instance"] = request.url.path
    body.update(extra)
    if request is not None and _wants_page(request):
        return _error_page(body, headers)
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def _wants_page(request: Request) -> bool:
    """A browser on the dashboard (``/ui``, asking for HTML) gets an error page instead of JSON."""
    path = request.url.path
    return (path == "/ui" or path.startswith("/ui/")) and "text/html" in request.headers.get("accept", "")


def _error_page(body: dict, headers: dict[str, str] | None) -> HTMLResponse:
    e = {k: html.escape(str(body.get(k, ""))) for k in ("title", "status", "detail")}
    page = (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{e['status']} {e['title']}"
            f" · growthpilot</title><link rel=\"stylesheet\" href=\"/static/style.css\"></head><body><main>"
            f"<h1>{e['status']} {e['title']}</h1><p>{e['detail']}</p><p><a href=\"/ui\">Back to the overview</a>"
            f"</p></main></body></html>")
    return HTMLResponse(page, status_code=int(body["status"]), headers=headers)


def _status_for(exc: GrowthPilotError) -> int:
    if isinstance(exc, BudgetExceededError):
        return 409
    if isinstance(exc, UnknownTableError):
        return 404
    if isinstance(exc, ValidationError | SchemaError | DataError):
        return 422
    if isinstance(exc, MissingDependencyError | NotFittedError):
        return 503
    return 500


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into problem+json."""

    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> Response:
        return problem_response(request, exc.status, exc.detail, title=exc.title, slug=exc.slug,
                                headers=exc.headers, **exc.extra)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        return problem_response(request, exc.status_code, str(exc.detail), headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        errors = [{"loc": [str(p) for p in e.get("loc", ())], "msg": e.get("msg", ""), "type": e.get("type", "")}
                  for e in exc.errors()]
        first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
        detail = f"{'.'.join(first['loc'])}: {first['msg']}" + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else "")
        return problem_response(request, 422, detail, errors=errors)

    @app.exception_handler(GrowthPilotError)
    async def _library(request: Request, exc: GrowthPilotError) -> Response:
        status = _status_for(exc)
        if status >= 500:
            log.exception("library error on %s", request.url.path, exc_info=exc)
        return problem_response(request, status, str(exc), title=type(exc).__name__)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s", request.url.path, exc_info=exc)
        return problem_response(request, 500, f"{type(exc).__name__}: the server failed to handle this request; "
                                "see the server log")
