"""Pseudonyms, secrets, vault, consent, DP reports, budget and retention."""

from __future__ import annotations

import os
from datetime import datetime

import pandas as pd
import pytest

from growthpilot.errors import ConfigError, ValidationError
from growthpilot.privacy import (
    BudgetExceededError,
    ConsentRegistry,
    PrivacyBudget,
    RetentionRule,
    Vault,
    apply_retention,
    dp_report,
    protect_frame,
    pseudonymise_frame,
    vault_key,
    workspace_pseudonym_key,
    workspace_secret,
)

KEY = b"k" * 32


def test_pseudonymise_frame_is_keyed_deterministic_and_idempotent():
    df = pd.DataFrame({"customer_id": ["a", "b", "c"], "email": ["Ann@X.com ", "ann@x.com", None],
                       "phone": ["+49 (170) 123", "+49170123", "1"]})
    out = pseudonymise_frame(df, ["email", "phone", "absent"], KEY)
    assert out.loc[0, "email"] == out.loc[1, "email"] and out.loc[0, "email"].startswith("ps_")
    assert out.loc[2, "email"] is None and out.loc[0, "phone"] == out.loc[1, "phone"]
    assert df.loc[0, "email"] == "Ann@X.com "  # input untouched
    assert pseudonymise_frame(out, ["email", "phone"], KEY).equals(out)
    other = pseudonymise_frame(df, ["email"], b"z" * 32)
    assert other.loc[0, "email"] != out.loc[0, "email"]
    with pytest.raises(ConfigError):
        pseudonymise_frame(df, ["email"], b"short")


def test_workspace_secret_is_created_once_with_0600(tmp_path):
    k1 = workspace_pseudonym_key(tmp_path)
    path = tmp_path / "secrets" / "pseudonym.key"
    assert oct(path.stat().st_mode & 0o777) == "0o600" and len(k1) == 32
    assert workspace_secret(tmp_path, "pseudonym") == k1
    os.chmod(path, 0o644)
    with pytest.raises(ConfigError, match="chmod 600"):
        workspace_secret(tmp_path, "pseudonym")


def test_vault_encrypts_at_rest_and_reveals(workspace):
    wh = workspace.warehouse
    raw = pd.DataFrame({"customer_id": ["c1"], "email": ["ann@example.com"], "name": ["Ann"]})
    safe = protect_frame(raw, Vault(wh, vault_key(workspace)), KEY, ["email", "name"])
    assert safe.loc[0, "email"].startswith("ps_")
    stored = wh.read("pii_vault")
    assert not stored.astype(str).apply(lambda c: c.str.contains("ann@example.com")).any().any()
    assert Vault(wh, vault_key(workspace)).reveal("c1") == {"email": "ann@example.com", "name": "Ann"}


def test_consent_is_opt_in_and_validated(duckdb_warehouse):
    reg = ConsentRegistry(duckdb_warehouse)
    assert reg.allowed(["c1"], "email") == set()
    reg.update([{"customer_id": "c1", "channel": "email", "purpose": "marketing", "granted": True},
                {"customer_id": "c2", "channel": "email", "purpose": "marketing", "granted": False}])
    assert reg.allowed(["c1", "c2", "c3"], "email") == {"c1"}
    reg.set("c1", "email", "marketing", False)
    assert reg.allowed(["c1"], "email") == set()
    with pytest.raises(ValidationError, match="channel"):
        reg.set("c1", "pigeon", "marketing", True)


def test_dp_count_is_close_and_budget_is_enforced(duckdb_warehouse):
    wh = duckdb_warehouse
    n = 4000
    wh.write("customers", pd.DataFrame({"customer_id": [f"c{i}" for i in range(n)],
                                        "country": ["DE" if i % 4 else "FR" for i in range(n)]}))
    budget = PrivacyBudget(wh, total=3.0)
    rep = dp_report(wh, budget, table="customers", by="country", epsilon=1.0, categories=["DE", "FR"])
    counts = {r["category"]: r["value"] for r in rep.rows}
    assert abs(counts["DE"] - 3000) < 40 and abs(counts["FR"] - 1000) < 40  # Laplace scale 1 at eps=1
    assert budget.spent() == pytest.approx(1.0)
    with pytest.raises(BudgetExceededError):
        dp_report(wh, budget, table="customers", by="country", epsilon=2.5)
    assert budget.spent() == pytest.approx(1.0)  # refused releases cost nothing
    wh.write("orders", pd.DataFrame({"order_id": [f"o{i}" for i in range(n)], "line_no": 1, "ts": "2024-01-01",
                                     "customer_id": [f"c{i}" for i in range(n)], "country": "DE", "amount": 10.0}))
    s = dp_report(wh, budget, table="orders", by="country", value="amount", upper=50.0, epsilon=1.0)
    assert abs(s.rows[0]["value"] - 40000) < 1000 and s.scale == pytest.approx(50.0, rel=1e-3)


def test_retention_deletes_only_old_rows(duckdb_warehouse):
    wh = duckdb_warehouse
    wh.write("events", pd.DataFrame({"event_id": ["old", "new"], "event_type": "view",
                                     "ts": [datetime(2020, 1, 1), datetime(2026, 1, 1)]}))
    rules = (RetentionRule("events", "ts", 365),)
    assert apply_retention(wh, rules, now=datetime(2026, 6, 1), dry_run=True) == {"events": 1}
    assert wh.count("events") == 2
    assert apply_retention(wh, rules, now=datetime(2026, 6, 1)) == {"events": 1}
    assert wh.read("events")["event_id"].tolist() == ["new"]
