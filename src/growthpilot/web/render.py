"""Jinja2 environment shared by the dashboard pages."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates

from growthpilot.web import HERE

templates = Jinja2Templates(directory=str(HERE / "templates"))
NAV = [("/ui", "Overview"), ("/ui/segments", "Segments"), ("/ui/customers", "Customers"),
       ("/ui/forecasts", "Forecasts"), ("/ui/campaigns", "Campaigns"), ("/ui/experiments", "Experiments"),
       ("/ui/copy", "Copy studio"), ("/ui/assistant", "Assistant")]


def page(request: Request, name: str, user: Any = None, status_code: int = 200, **ctx: Any):
    return templates.TemplateResponse(request, name, {"nav": NAV, "user": user, **ctx}, status_code=status_code)
