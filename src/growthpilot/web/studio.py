"""Dashboard pages that act: the campaign builder, the copy studio and the assistant chat."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse

from growthpilot.api import adapters, builder
from growthpilot.api.data import page, rows
from growthpilot.api.deps import Paging
from growthpilot.api.problems import Problem
from growthpilot.api.routes.experiments import results_for
from growthpilot.api.routes.segments import segment_sizes
from growthpilot.web.auth import WebUser, check_csrf, guard, page_user
from growthpilot.web.render import page as render

router = APIRouter(prefix="/ui", include_in_schema=False)
CHANNELS = ("email", "sms", "push", "ads")


@router.get("/campaigns")
def campaigns_page(request: Request):
    user = guard(request, "aggregates:read")
    data = page(request.app.state.gp, "campaigns", Paging(200, 0), order_by=["campaign_id"])
    return render(request, "campaigns.html", user, campaigns=data["items"])


@router.get("/campaigns/new")
def builder_page(
    request: Request,
    segment: Annotated[str | None, Query(max_length=100)] = None,
    channel: Annotated[str | None, Query(max_length=16)] = None,
    offer: Annotated[str | None, Query(max_length=200)] = None,
):
    """One page, four steps: each step's choice travels in the query string to the next."""
    user = guard(request, "campaigns:write")
    state = request.app.state.gp
    step, audience, variants = 1, None, []
    if channel:
        if channel not in CHANNELS:
            raise Problem(422, f"channel must be one of {', '.join(CHANNELS)}")
        with state.locked() as wh:
            n, ok = builder.audience(wh, segment or None, channel)
        audience = {"candidates": n, "consented": len(ok)}
        step = 2
    if channel and offer is not None:
        step = 3
        filters = {"channel": channel, "status": "accepted"}
        variants = page(state, "copy_variants", Paging(20, 0), filters=filters, order_by=["variant_id"])["items"]
    return render(request, "builder.html", user, step=step, segments=segment_sizes(state), channels=CHANNELS,
                  segment=segment or "", channel=channel or "", offer=offer or "", audience=audience,
                  variants=variants)


@router.post("/campaigns")
def builder_send(
    request: Request, user: Annotated[WebUser, Depends(page_user("campaigns:write"))], csrf: Annotated[str, Form()], name: Annotated[str, Form(min_length=1, max_length=200)],
    channel: Annotated[str, Form(max_length=16)], segment: Annotated[str, Form(max_length=100)] = "",
    offer: Annotated[str, Form(max_length=200)] = "", variant_ids: Annotated[list[str] | None, Form()] = None,
    holdout: Annotated[float, Form(ge=0.0, le=0.9)] = 0.1,
):
    check_csrf(user, csrf, name, channel, segment, offer, variant_ids or [])
    state = request.app.state.gp
    if channel not in CHANNELS:
        raise Problem(422, f"channel must be one of {', '.join(CHANNELS)}")
    spec = {"name": name, "channel": channel, "offer": offer, "segment": segment or None,
            "variant_ids": variant_ids or [], "holdout": holdout}
    with state.locked() as wh:
        row = builder.create(wh, spec, user.principal.key_id)
        result = adapters.send_campaign(state.ws, row["campaign_id"])
    return RedirectResponse(f"/ui/campaigns/{row['campaign_id']}?sent={result['sent']}"
                            f"&holdout={result['holdout']}&excluded={result['excluded_no_consent']}", status_code=303)


@router.get("/campaigns/{campaign_id}")
def campaign_page(request: Request, campaign_id: str, sent: int | None = None, holdout: int | None = None,
                  excluded: int | None = None):
    user = guard(request, "aggregates:read")
    state = request.app.state.gp
    found = rows(state, "campaigns", {"campaign_id": campaign_id}, limit=1)
    if not found:
        raise Problem(404, f"no campaign {campaign_id!r}")
    stored = rows(state, "campaign_specs", {"campaign_id": campaign_id}, limit=1) \
        if state.has_table("campaign_specs") else []
    spec = None
    if stored and stored[0].get("spec"):
        full = json.loads(stored[0]["spec"])
        spec = {"segment": ", ".join((full.get("audience") or {}).get("segments") or []) or None,
                "variant_ids": list(full.get("variants") or {}), "holdout": full.get("holdout_share")}
    return render(request, "campaign.html", user, campaign=found[0], spec=spec,
                  results=results_for(state, campaign_id), sent=sent, holdout=holdout, excluded=excluded)


@router.get("/copy")
def copy_page(request: Request, channel: Annotated[str | None, Query(max_length=16)] = None):
    user = guard(request, "aggregates:read")
    data = page(request.app.state.gp, "copy_variants", Paging(100, 0), filters={"channel": channel or None},
                order_by=["brief_id", "variant_id"])
    return render(request, "copy.html", user, variants=data["items"], channels=CHANNELS, generated=None, error=None)


@router.post("/copy")
def copy_generate(
    request: Request, user: Annotated[WebUser, Depends(page_user("copy:generate"))], csrf: Annotated[str, Form()], channel: Annotated[str, Form(max_length=16)] = "email",
    language: Annotated[str, Form(max_length=4)] = "en", segment: Annotated[str, Form(max_length=100)] = "",
    product_id: Annotated[str, Form(max_length=128)] = "", offer: Annotated[str, Form(max_length=200)] = "",
):
    check_csrf(user, csrf, channel, language, segment, product_id, offer)
    state = request.app.state.gp
    brief = {"channel": channel, "language": language, "segment": segment or None, "product_id": product_id or None,
             "offer": offer, "n_variants": 3}
    generated, error = None, None
    try:
        with state.locked():
            generated = adapters.generate_copy(state.ws, brief, use_llm=state.use_llm)
    except Problem as exc:
        error = exc.detail
    data = page(state, "copy_variants", Paging(100, 0), order_by=["brief_id", "variant_id"])
    return render(request, "copy.html", user, variants=data["items"], channels=CHANNELS, generated=generated,
                  error=error)


@router.get("/assistant")
def assistant_page(request: Request):
    user = guard(request, "assistant:chat")
    return render(request, "assistant.html", user, messages=[], error=None)


@router.post("/assistant")
def assistant_ask(request: Request, user: Annotated[WebUser, Depends(page_user("assistant:chat"))],
                  csrf: Annotated[str, Form()],
                  question: Annotated[str, Form(min_length=1, max_length=4000)],
                  history: Annotated[str, Form(max_length=40000)] = "[]"):
    check_csrf(user, csrf, question, history)
    state = request.app.state.gp
    try:
        messages = [m for m in json.loads(history) if m.get("role") in ("user", "assistant")][-18:]
    except (ValueError, AttributeError):
        messages = []
    messages.append({"role": "user", "content": question})
    error = None
    try:
        with state.locked():
            answer = adapters.assistant_chat(state.ws, messages, use_llm=state.use_llm)
        messages.append({"role": "assistant", "content": answer["answer"]})
    except Problem as exc:
        error = exc.detail
    return render(request, "assistant.html", user, messages=messages, error=error, history=json.dumps(messages))
