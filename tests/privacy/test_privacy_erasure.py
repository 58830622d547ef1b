"""Erasure: afterwards no table, output, file or log row names the customer (pseudonyms included),
everything else is unchanged, and the receipt verifies."""

from __future__ import annotations

import json

import pandas as pd
from gp_api_fixtures import build_workspace, make_keys
from starlette.testclient import TestClient

from growthpilot.api import create_app
from growthpilot.privacy import pseudonym_key, pseudonymise_value, verify_receipt
from growthpilot.privacy.erasure import customer_identifiers, load_receipt, remaining_mentions

VICTIM = "C0001"
SKIP = ("_", "ibis_")


def _snapshot(wh) -> dict[str, pd.DataFrame]:
    return {t: wh.read(t) for t in wh.tables() if not t.startswith(SKIP)}


def _mentions(df: pd.DataFrame, identifiers: set[str]) -> pd.Series:
    text = df.astype(str)
    hit = pd.Series(False, index=df.index)
    for ident in identifiers:
        pattern = rf"(?:^|[^A-Za-z0-9_]){ident}(?:[^A-Za-z0-9_]|$)"
        hit |= text.apply(lambda col, p=pattern: col.str.contains(p, regex=True)).any(axis=1)
    return hit


def test_erasure_removes_every_trace_and_nothing_else(tmp_path):
    ws = build_workspace(tmp_path / "ws")
    app = create_app(ws, background=False, llm=False)
    keys = make_keys(app)
    export = ws.root / "exports" / "sends.csv"
    export.parent.mkdir()
    export.write_text(f"customer_id,offer\n{VICTIM},10%\nC0002,10%\nC0010,5%\n")
    with TestClient(app) as c:
        h = {"Authorization": f"Bearer {keys['admin']}"}
        # personal reads and writes about the victim land in the audit log first
        assert c.get(f"/api/v1/customers/{VICTIM}/scores", headers=h).status_code == 200
        assert c.get(f"/api/v1/recommendations/{VICTIM}", headers=h).status_code == 200
        c.put(f"/api/v1/privacy/consent/{VICTIM}", headers=h,
              json={"updates": [{"channel": "sms", "purpose": "marketing", "granted": True}]})
        app.state.gp.audit.flush()
        wh = ws.warehouse
        identifiers = customer_identifiers(ws, VICTIM)
        assert pseudonymise_value(VICTIM, pseudonym_key(ws), "customer_id") in identifiers
        assert len(identifiers) >= 5  # id, its pseudonym, e-mail/phone/name/address pseudonyms
        before = _snapshot(wh)
        named_before = {t: int(_mentions(df, identifiers).sum()) for t, df in before.items()}
        assert named_before["audit_log"] >= 3 and named_before["pii_vault"] == 4 and named_before["orders"] >= 1

        r = c.post("/api/v1/privacy/erasure", json={"customer_id": VICTIM}, headers=h)
        assert r.status_code == 201
        receipt = r.json()
        assert receipt["verification"] == {"digest_ok": True, "signature_ok": True}
        assert VICTIM not in json.dumps(receipt)
        # the erasure request itself is audited, naming only the receipt
        assert app.state.gp.indexes["recommendations"].get(VICTIM) == []  # the cache forgot them too

    app.state.gp.audit.flush()
    after = _snapshot(wh)
    for table, df in before.items():
        if table in ("audit_log", "erasure_receipts"):
            continue
        gone = _mentions(df, identifiers)
        kept = df[~gone].reset_index(drop=True)
        assert not _mentions(after[table], identifiers).any(), f"{table} still names the customer"
        pd.testing.assert_frame_equal(after[table].sort_values(list(df.columns)[:2]).reset_index(drop=True),
                                      kept.sort_values(list(df.columns)[:2]).reset_index(drop=True),
                                      check_dtype=False, obj=table)
        if gone.any():
            assert receipt["tables"][table]["rows"] == int(gone.sum())
    assert not _mentions(after["audit_log"], identifiers).any()
    assert len(after["audit_log"]) >= len(before["audit_log"]) - named_before["audit_log"]
    # files: the victim's export line went, the others stayed
    assert export.read_text() == "customer_id,offer\nC0002,10%\nC0010,5%\n"
    assert receipt["files"]["exports/sends.csv"]["lines"] == 1
    # the stored receipt verifies against the customer id, and nothing remains
    stored = load_receipt(ws, receipt["receipt_id"])
    check = verify_receipt(ws, stored, VICTIM)
    assert check == {"digest_ok": True, "signature_ok": True, "subject_ok": True, "no_rows_remain": True}
    assert verify_receipt(ws, stored, "C0002")["subject_ok"] is False
    assert remaining_mentions(ws, VICTIM) == {}
    stored.tables["orders"]["rows"] = 999
    assert verify_receipt(ws, stored)["digest_ok"] is False
    ws.close()


def test_shared_field_values_do_not_erase_someone_else(workspace):
    from growthpilot.privacy import Vault, erase_customer, protect_frame, vault_key

    raw = pd.DataFrame({"customer_id": ["A1", "B2"], "email": ["a@x.com", "b@x.com"],
                        "name": ["Wei Walker", "Wei Walker"], "address": ["1 Mill Road", "1 Mill Road"]})
    wh = workspace.warehouse
    wh.write("customers", protect_frame(raw, Vault(wh, vault_key(workspace)), pseudonym_key(workspace)))
    ids = customer_identifiers(workspace, "A1")
    assert len(ids) == 3  # id, id pseudonym, e-mail pseudonym; the shared name/address are not identifying
    receipt = erase_customer(workspace, "A1")
    assert receipt.tables["customers"]["rows"] == 1 and receipt.tables["pii_vault"]["rows"] == 3
    assert wh.read("customers")["customer_id"].tolist() == ["B2"]
    assert Vault(wh, vault_key(workspace)).reveal("B2")["name"] == "Wei Walker"
