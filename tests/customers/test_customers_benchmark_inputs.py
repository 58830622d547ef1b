"""benchmarks/customers.py on awkward but legitimate transaction files, and clear errors on wrong ones."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests.conftest import benchmark_script

from growthpilot.customers.transactions import load_transactions
from growthpilot.errors import ValidationError

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "customers.py"


def test_amount_text_forms_and_semicolon_files(tmp_path) -> None:
    p = tmp_path / "eu.csv"
    p.write_text("kunde;datum;betrag;bestellung\n"
                 "7;09/09/2011;1.234,50;B1\n7;13/09/2011;12,50;B2\n8;14/09/2011;£3.50;\n8;15/09/2011;(2.00);B4\n")
    df, rep = load_transactions(p, customer_col="kunde", time_col="datum", amount_col="betrag", order_col="bestellung")
    assert df["amount"].tolist() == [1234.5, 12.5, 3.5, -2.0] and rep.dropped_bad == 0
    assert df["ts"].tolist()[1] == pd.Timestamp("2011-09-13")
    assert df["order_id"].tolist()[2] == "8|2011-09-14"  # no order id: the customer-day
    assert df["is_return"].tolist() == [False, False, False, True]


def test_order_ids_that_all_start_with_c_are_not_cancellations(tmp_path) -> None:
    p = tmp_path / "c.csv"
    p.write_text("cust,ts,amt,order\n1,2024-01-01,5,CA-2024-1\n1,2024-01-05,6,CA-2024-2\n2,2024-01-03,7,C100\n"
                 "2,2024-01-04,8,C101\n")
    df, rep = load_transactions(p, customer_col="cust", time_col="ts", amount_col="amt", order_col="order")
    assert rep.returns == 0 and (df["amount"] > 0).all()


def test_a_wrong_column_is_a_clear_error_not_a_silent_drop(tmp_path) -> None:
    p = tmp_path / "t.csv"
    p.write_text("cust,ts,amt,country\n1,2024-01-01,5,UK\n2,2024-01-02,6,FR\n")
    with pytest.raises(ValidationError, match=r"not a number.*row 0, column country, value 'UK'"):
        load_transactions(p, customer_col="cust", time_col="ts", amount_col="country")
    with pytest.raises(ValidationError, match=r"not a date.*column country"):
        load_transactions(p, customer_col="cust", time_col="country", amount_col="amt")
    p.write_text("cust,ts,amt\n1,2024-01-01,5\n2,2024-01-02,NA\n3,2024-01-03,-\n4,,7\n")  # missing markers: dropped
    df, rep = load_transactions(p, customer_col="cust", time_col="ts", amount_col="amt")
    assert rep.dropped_bad == 3 and set(rep.unpriced["customer_id"]) == {"2", "3"}


def _shop(n_customers: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for c in range(n_customers):
        for d in rng.choice(400, rng.integers(1, 8), replace=False):
            rows.append((c, str(pd.Timestamp("2023-01-01") + pd.Timedelta(days=int(d))), round(rng.gamma(2, 20), 2)))
    return pd.DataFrame(rows, columns=["cid", "t", "amt"])


def test_small_shop_falls_back_to_bgnbd_and_lists_every_customer_seen(tmp_path) -> None:
    df = _shop(30)
    extra = pd.DataFrame({"cid": [900, 901, 902], "t": ["2023-03-01", "2023-04-01", "2023-12-01"],
                          "amt": ["", "-5", "9"]})  # unpriced only; a return only; first seen after the cutoff
    df = pd.concat([df, extra]).sample(frac=1, random_state=0)  # unsorted
    df.to_csv(tmp_path / "shop.csv", index=False)
    out = tmp_path / "pred.csv"
    run = benchmark_script("customers").main
    res = run(["--data", str(tmp_path / "shop.csv"), "--customer-col", "cid", "--time-col", "t",
               "--amount-col", "amt", "--cutoff", "2023-11-01", "--horizon-days", "60",
               "--predictions-out", str(out), "--n-windows", "1"])
    assert res["selected"] == "bgnbd" and "GBM not fitted" in res["validation_scheme"]
    pred = pd.read_csv(out, dtype={"customer_id": str})
    before = df[pd.to_datetime(df["t"], format="mixed") < pd.Timestamp("2023-11-01")]
    assert set(pred["customer_id"]) == set(before["cid"].astype(str)) and pred["customer_id"].is_unique
    cols = ["expected_purchases", "expected_spend", "p_purchase", "p_alive"]
    assert pred[cols].notna().all().all() and pred[["p_purchase", "p_alive"]].le(1).all().all()


def test_input_errors_end_with_a_json_line(tmp_path) -> None:
    import subprocess
    import sys

    _shop(5).to_csv(tmp_path / "s.csv", index=False)
    r = subprocess.run([sys.executable, str(SCRIPT), "--data", str(tmp_path / "s.csv"), "--customer-col", "cid",
                        "--time-col", "t", "--amount-col", "nope", "--cutoff", "2023-11-01"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "error: column 'nope'" in r.stderr
    assert "nope" in json.loads(r.stdout.strip().splitlines()[-1])["error"]
