"""Resources over the synthetic workspace: paging, problem+json, events, consent, sends, audit, DP."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from growthpilot.api import create_app
from growthpilot.workspace import Workspace


def _h(keys, role="admin"):
    return {"Authorization": f"Bearer {keys[role]}"}


def test_pagination(client, keys):
    first = client.get("/api/v1/customers?limit=5&offset=0", headers=_h(keys)).json()
    second = client.get("/api/v1/customers?limit=5&offset=5", headers=_h(keys)).json()
    assert first["total"] == second["total"] >= 20
    assert len(first["items"]) == 5 and first["limit"] == 5
    assert {c["customer_id"] for c in first["items"]}.isdisjoint({c["customer_id"] for c in second["items"]})
    bad = client.get("/api/v1/customers?limit=0", headers=_h(keys))
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"
    assert "limit" in bad.json()["detail"]


def test_personal_fields_are_pseudonyms_and_pii_needs_admin(client, keys, api_ws):
    stored = api_ws.warehouse.read("customers")
    assert stored["email"].str.startswith("ps_").all()
    assert "email" not in client.get("/api/v1/customers/C0001", headers=_h(keys, "marketer")).json()
    assert client.get("/api/v1/customers/C0001/pii", headers=_h(keys, "marketer")).status_code == 403
    pii = client.get("/api/v1/customers/C0001/pii", headers=_h(keys)).json()
    assert pii["fields"]["email"] == "user0@example.com"


def test_scores_reasons_and_recommendations(client, keys):
    scores = client.get("/api/v1/customers/C0002/scores", headers=_h(keys, "analyst")).json()
    assert scores[0]["reasons"] and isinstance(scores[0]["reasons"], list)
    recs = client.get("/api/v1/recommendations/C0002?k=3", headers=_h(keys, "marketer")).json()
    assert [r["rank"] for r in recs["items"]] == [1, 2, 3]
    assert client.get("/api/v1/recommendations/NOPE", headers=_h(keys)).json()["items"] == []


def test_absent_tables_give_empty_lists_or_clear_404(tmp_path):
    ws = Workspace.init(tmp_path / "empty")
    app = create_app(ws, background=False, llm=False)
    key, _ = app.state.gp.keys.create("admin")
    with TestClient(app) as c:
        h = {"Authorization": f"Bearer {key}"}
        assert c.get("/api/v1/segments", headers=h).json() == []
        assert c.get("/api/v1/forecasts", headers=h).json()["items"] == []
        r = c.get("/api/v1/recommendations/C1", headers=h)
        assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"
        body = r.json()
        assert body["table"] == "recommendations" and "growthpilot recommend" in body["detail"]
    ws.close()


def test_events_are_idempotent(client, keys):
    batch = {"events": [{"event_id": f"T{i}", "ts": "2025-03-01T10:00:00Z", "event_type": "click",
                         "customer_id": "C0004", "properties": {"i": i}} for i in range(3)]}
    first = client.post("/api/v1/events", json=batch, headers=_h(keys, "marketer")).json()
    again = client.post("/api/v1/events", json=batch, headers=_h(keys, "marketer")).json()
    assert first["new_or_changed"] == 3 and again["new_or_changed"] == 0 and again["total"] == first["total"]
    bad = client.post("/api/v1/events", json={"events": [{"event_id": "x", "ts": "yesterday", "event_type": "v"}]},
                      headers=_h(keys))
    assert bad.status_code == 422


def test_request_size_limit(client, keys):
    r = client.post("/api/v1/events", content=b"{" + b" " * (3 * 1024 * 1024) + b"}", headers=_h(keys))
    assert r.status_code == 413 and r.json()["status"] == 413


def test_campaign_send_honours_consent(client, keys, api_ws):
    h = _h(keys, "marketer")
    preview = client.post("/api/v1/campaigns/audience", json={"segment": "loyal", "channel": "email"}, headers=h).json()
    assert preview["candidates"] == 6 and 0 < preview["consented"] < 6
    cid = client.post("/api/v1/campaigns", json={"name": "t", "segment": "loyal", "holdout": 0.0}, headers=h).json()["campaign_id"]
    sent = client.post(f"/api/v1/campaigns/{cid}/send", json={}, headers=h).json()
    assert sent["sent"] + sent["holdout"] + sent["counts"].get("over_cap", 0) == preview["consented"]
    assert sent["excluded_no_consent"] == preview["candidates"] - preview["consented"]
    assert (api_ws.root / "exports" / f"{cid}.csv").exists()
    wh = api_ws.warehouse
    sends = wh.read(wh.table("sends").filter(wh.table("sends").campaign_id == cid))
    consent = wh.read("consent")
    refused = set(consent.loc[~consent["granted"].astype(bool), "customer_id"])
    assert refused.isdisjoint(set(sends["customer_id"]))
    again = client.post(f"/api/v1/campaigns/{cid}/send", json={}, headers=h).json()  # nobody gets it twice
    assert again["sent"] == 0 and again["counts"]["already_done"] == sent["sent"] + sent["holdout"]


def test_consent_update_then_read(client, keys):
    h = _h(keys, "marketer")
    body = {"updates": [{"channel": "sms", "purpose": "marketing", "granted": True}]}
    rows = client.put("/api/v1/privacy/consent/C0005", json=body, headers=h).json()
    assert any(r["channel"] == "sms" and r["granted"] for r in rows)


def test_audit_log_records_writes_and_personal_reads(client, keys, app_and_keys):
    app, _ = app_and_keys
    client.get("/api/v1/customers/C0007/scores", headers=_h(keys, "analyst"))
    client.post("/api/v1/events", json={"events": [{"event_id": "AUD1", "ts": "2025-01-01", "event_type": "v"}]},
                headers=_h(keys, "viewer"))  # denied write: audited too
    rows = client.get("/api/v1/privacy/audit?limit=500", headers=_h(keys)).json()["items"]
    assert any(r["subject_id"] == "C0007" and r["action"] == "read_personal" and r["role"] == "analyst" for r in rows)
    assert any(r["path"] == "/api/v1/events" and r["status"] == 403 and r["role"] == "viewer" for r in rows)
    assert not any(r["path"] == "/api/v1/segments" for r in rows)  # aggregates are not personal reads


def test_dp_report_spends_budget_until_exhausted(client, keys):
    h = _h(keys, "analyst")
    before = client.get("/api/v1/privacy/budget", headers=h).json()
    rep = client.post("/api/v1/privacy/dp-reports", json={"table": "customers", "by": "country", "epsilon": 1.0,
                                                           "categories": ["DE", "FR", "CN", "US"]}, headers=h)
    assert rep.status_code == 201
    body = rep.json()
    assert [r["category"] for r in body["rows"]] == ["DE", "FR", "CN", "US"] and body["categories_public"]
    after = client.get("/api/v1/privacy/budget", headers=h).json()
    assert after["spent"] == pytest.approx(before["spent"] + 1.0)
    big = client.post("/api/v1/privacy/dp-reports", json={"table": "customers", "by": "country", "epsilon": 10.0},
                      headers=h)
    assert big.status_code == 409 and "budget" in big.json()["detail"]
    bad = client.post("/api/v1/privacy/dp-reports", json={"table": "orders", "by": "customer_id", "epsilon": 1.0},
                      headers=h)
    assert bad.status_code == 422


def test_campaign_copy_must_be_existing_accepted_variants(client, keys, api_ws):
    h = _h(keys, "marketer")
    for ids, detail in ((["V1", "NOPE"], "unknown copy variant"), (["V1", "V3"], "not accepted by the fact check")):
        r = client.post("/api/v1/campaigns", json={"name": "picked", "variant_ids": ids}, headers=h)
        assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
        assert detail in r.json()["detail"] and ids[1] in r.json()["detail"]
    r = client.post("/api/v1/campaigns", json={"name": "picked", "variant_ids": ["V1", "V2"]}, headers=h)
    assert r.status_code == 201, r.text
    from growthpilot.campaigns import Campaign

    camp = Campaign.load(api_ws.warehouse, r.json()["campaign_id"])
    assert camp.variants == {"V1": "Spring is here: 10% off", "V2": "Your favourites, 10% off"}
