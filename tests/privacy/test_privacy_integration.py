"""On the simulator's shop: protect raw personal fields, erase a customer through the API, nothing names them."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from growthpilot.api import create_app
from growthpilot.privacy import protect_customers
from growthpilot.privacy.erasure import customer_identifiers, remaining_mentions
from growthpilot.workspace import Workspace

pytestmark = pytest.mark.integration


def test_erase_on_simulated_shop(tmp_path):
    sim = pytest.importorskip("growthpilot.simulate")
    ws = Workspace.init(tmp_path / "ws")
    sim.write_shop(ws.warehouse, sim.SimConfig(customers=300, products=40, days=120, seed=3))
    wh = ws.warehouse
    raw_email = wh.read(wh.table("customers").limit(1))["email"].iloc[0]
    assert protect_customers(ws) == wh.count("customers")
    assert protect_customers(ws) == 0  # idempotent
    customers = wh.read("customers")
    assert customers["email"].dropna().str.startswith("ps_").all()
    assert raw_email not in set(customers["email"])
    orders = wh.read("orders")
    victim = orders["customer_id"].dropna().value_counts().index[0]
    before = {t: wh.count(t) for t in wh.tables() if not t.startswith(("_", "ibis_"))}
    identifiers = customer_identifiers(ws, victim)
    assert len(identifiers) >= 5 and remaining_mentions(ws, victim, identifiers)
    app = create_app(ws, background=False, llm=False)
    key, _ = app.state.gp.keys.create("admin")
    with TestClient(app) as c:
        h = {"Authorization": f"Bearer {key}"}
        assert c.get(f"/api/v1/customers/{victim}/pii", headers=h).json()["fields"]["email"].count("@") == 1
        receipt = c.post("/api/v1/privacy/erasure", json={"customer_id": victim}, headers=h).json()
    assert remaining_mentions(ws, victim, identifiers) == {}
    for table, n in before.items():
        gone = receipt["tables"].get(table, {}).get("rows", 0)
        assert wh.count(table) == n - gone, table
    assert receipt["tables"]["orders"]["rows"] == int((orders["customer_id"] == victim).sum())
    ws.close()
