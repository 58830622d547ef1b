"""Read-only dashboard pages: overview, segments, customers, forecasts, experiments, sign-in."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse

from growthpilot.api.data import page, rows
from growthpilot.api.deps import Paging, set_subject
from growthpilot.api.problems import Problem
from growthpilot.api.records import records
from growthpilot.api.routes.customers import score_rows
from growthpilot.api.routes.experiments import results_for
from growthpilot.api.routes.forecasts import list_series, series
from growthpilot.api.routes.segments import personas, segment_sizes
from growthpilot.privacy import signing_key
from growthpilot.web.auth import current, guard
from growthpilot.web.charts import bar_chart, line_chart
from growthpilot.web.render import page as render
from growthpilot.web.session import COOKIE, TTL_SECONDS, make_session

router = APIRouter(prefix="/ui", include_in_schema=False)


@router.get("/login")
def login_form(request: Request, next: str = "/ui"):
    return render(request, "login.html", next=next if next.startswith("/ui") else "/ui")


@router.post("/login")
def login(request: Request, key: Annotated[str, Form(max_length=200)], next: Annotated[str, Form()] = "/ui"):
    state = request.app.state.gp
    rec = state.keys.verify(key)
    if rec is None:
        return render(request, "login.html", next=next, error="That key is not valid.", status_code=401)
    resp = RedirectResponse(next if next.startswith("/ui") else "/ui", status_code=303)
    resp.set_cookie(COOKIE, make_session(signing_key(state.ws), rec.key_id), max_age=TTL_SECONDS, httponly=True,
                    samesite="strict", secure=request.url.scheme == "https", path="/")
    return resp


@router.post("/logout")
def logout(request: Request):
    resp = RedirectResponse("/ui/login", status_code=303)
    resp.delete_cookie(COOKIE, path="/")
    return resp


def _kpis(state) -> tuple[dict, str]:
    kpis: dict[str, object] = {}
    chart = ""
    with state.locked() as wh:
        kpis["Customers"] = wh.count("customers")
        if wh.has_table("orders"):
            o = wh.table("orders")
            agg = wh.read(o.aggregate(orders=o.order_id.nunique(), revenue=o.amount.sum(), last=o.ts.max()))
            r = records(agg)[0]
            kpis["Orders"], kpis["Revenue"] = r["orders"], round(r["revenue"] or 0.0, 2)
            month = o.ts.truncate("M")
            by = wh.read(o.group_by(month=month).aggregate(revenue=o.amount.sum()).order_by("month"))
            by = by.tail(24)
            chart = line_chart([str(m)[:7] for m in by["month"]], [float(v) for v in by["revenue"]],
                               title="Revenue per month")
        kpis["Campaigns"] = wh.count("campaigns")
        if wh.has_table("customer_scores"):
            s = wh.table("customer_scores")
            r = records(wh.read(s.aggregate(churn=s.churn_risk.mean(), spend=s.expected_spend.sum())))[0]
            kpis["Mean churn risk"] = round(r["churn"] or 0.0, 3)
            kpis["Expected spend"] = round(r["spend"] or 0.0, 2)
        runs = records(wh.read(wh.table("runs").order_by(wh.table("runs").started_at.desc()).limit(8))) \
            if wh.has_table("runs") else []
    kpis["_runs"] = runs
    return kpis, chart


@router.get("")
def overview(request: Request):
    user = guard(request, "aggregates:read")
    kpis, chart = _kpis(request.app.state.gp)
    runs = kpis.pop("_runs")
    return render(request, "overview.html", user, kpis=kpis, chart=chart, runs=runs)


@router.get("/segments")
def segments_page(request: Request):
    user = guard(request, "aggregates:read")
    state = request.app.state.gp
    sizes = segment_sizes(state)
    chart = bar_chart([s["segment"] for s in sizes], [s["customers"] for s in sizes], title="Customers per segment")
    return render(request, "segments.html", user, sizes=sizes, chart=chart, personas=personas(state))


@router.get("/customers")
def customers_page(request: Request, q: Annotated[str | None, Query(max_length=128)] = None,
                   offset: Annotated[int, Query(ge=0)] = 0):
    user = guard(request, "customers:read")
    set_subject(request, None, "customer list")
    state = request.app.state.gp
    if q:
        return RedirectResponse(f"/ui/customers/{quote(q.strip(), safe='')}", status_code=303)
    data = page(state, "customers", Paging(50, offset), order_by=["customer_id"],
                select=["customer_id", "country", "city", "acquisition_channel", "created_at"])
    return render(request, "customers.html", user, data=data)


@router.get("/customers/{customer_id}")
def customer_page(request: Request, customer_id: str):
    user = guard(request, "customers:read")
    set_subject(request, customer_id)
    state = request.app.state.gp
    found = rows(state, "customers", {"customer_id": customer_id}, limit=1) if state.has_table("customers") else []
    if not found:
        raise Problem(404, f"no customer {customer_id!r}")
    personal = {"email", "phone", "name", "address"}
    profile = {k: v for k, v in found[0].items() if k not in personal}
    try:
        scores = score_rows(state, customer_id)
    except Problem:
        scores = []
    recs = state.indexes["recommendations"].get(customer_id) or []
    seg = rows(state, "segments", {"customer_id": customer_id}, limit=1) if state.has_table("segments") else []
    return render(request, "customer.html", user, profile=profile, scores=scores, recs=recs[:10],
                  segment=seg[0] if seg else None)


@router.get("/forecasts")
def forecasts_page(request: Request, unique_id: Annotated[str | None, Query(max_length=200)] = None):
    user = guard(request, "aggregates:read")
    state = request.app.state.gp
    listing = list_series(state, 200, 0)
    chosen, chart = None, ""
    if not unique_id and listing["items"]:
        unique_id = listing["items"][0]["unique_id"]
    if unique_id:
        try:
            chosen = series(state, unique_id)
        except Problem:
            chosen = None
        if chosen:
            pts = chosen["points"]
            chart = line_chart([p["ds"][:10] for p in pts], [p.get("y_hat") or 0.0 for p in pts],
                               [p.get("lo_90") or 0.0 for p in pts], [p.get("hi_90") or 0.0 for p in pts],
                               title=f"Forecast {unique_id} (90% interval)")
    return render(request, "forecasts.html", user, listing=listing["items"], chosen=chosen, chart=chart,
                  unique_id=unique_id)


@router.get("/experiments")
def experiments_page(request: Request, campaign_id: Annotated[str | None, Query(max_length=128)] = None):
    user = guard(request, "aggregates:read")
    state = request.app.state.gp
    ids: list[str] = []
    with state.locked() as wh:
        for table in ("experiment_results", "campaign_results"):
            if wh.has_table(table):
                t = wh.table(table)
                ids += [str(x) for x in wh.read(t.select("campaign_id").distinct())["campaign_id"]]
    ids = sorted(set(ids))
    campaign_id = campaign_id or (ids[0] if ids else None)
    results = results_for(state, campaign_id) if campaign_id else []
    lifts = [r for r in results if r.get("lift") is not None]
    chart = bar_chart([f"{r.get('arm')} {r.get('metric')}" for r in lifts], [float(r["lift"]) for r in lifts],
                      title="Lift by arm and metric") if lifts else ""
    return render(request, "experiments.html", user, ids=ids, campaign_id=campaign_id, results=results, chart=chart)


@router.get("/whoami")
def whoami(request: Request):
    user = current(request)
    if user is None:
        raise Problem(401, "not signed in; open /ui/login")
    return {"key_id": user.principal.key_id, "role": user.principal.role}
