"""The recommend stage on a workspace, and the `growthpilot recommend` command."""

import json

import pandas as pd
import pytest
from recommend_synth import make_groups
from typer.testing import CliRunner

from growthpilot.errors import DataError
from growthpilot.recommend.pipeline import recommend_workspace


def seed_workspace(ws, out_of_stock=("i1",)):
    g = make_groups(n_users=40, n_items=20, per_user=6)
    orders = pd.DataFrame({
        "order_id": [f"o{i}" for i in range(len(g))], "line_no": 1, "customer_id": g["customer_id"],
        "product_id": g["product_id"], "ts": pd.to_datetime(g["ts"], unit="s"), "quantity": 1.0,
        "is_return": False,
    })
    items = sorted(set(g["product_id"]) | {"i_new"})
    products = pd.DataFrame({"product_id": items, "title": [f"product {i}" for i in items],
                             "category": ["tea" if int(i[1:] if i[1:].isdigit() else 0) % 2 else "coffee"
                                          for i in items],
                             "in_stock": [i not in out_of_stock for i in items]})
    ws.warehouse.write("orders", orders, mode="replace")
    ws.warehouse.write("products", products, mode="replace")
    ws.warehouse.write("customers", pd.DataFrame({"customer_id": ["u0", "newbie"]}), mode="replace")
    return orders


def test_recommend_workspace_writes_table(workspace):
    orders = seed_workspace(workspace)
    out, metrics = recommend_workspace(workspace, k=3, model="ease")
    table = workspace.warehouse.read("recommendations")
    assert list(table.columns) == ["customer_id", "rank", "product_id", "score", "model", "model_version", "run_id"]
    assert len(table) == len(out) > 0
    assert "newbie" in set(table["customer_id"])  # customers without purchases get popular items
    assert "i1" not in set(table["product_id"])  # out of stock
    bought = set(zip(orders["customer_id"], orders["product_id"], strict=True))
    assert not any((c, p) in bought for c, p in zip(table["customer_id"], table["product_id"], strict=True))
    assert table["run_id"].nunique() == 1 and table["model_version"].iloc[0].startswith("ease-")
    runs = workspace.warehouse.read("runs")
    assert (runs["stage"] == "recommend").any()
    assert metrics["customers"] == table["customer_id"].nunique()


def test_recommend_workspace_errors(workspace):
    with pytest.raises(DataError, match="orders"):
        recommend_workspace(workspace)
    seed_workspace(workspace)
    with pytest.raises(DataError, match="unknown model"):
        recommend_workspace(workspace, model="nope")


def test_cli_recommend(workspace):
    from growthpilot.cli import app

    seed_workspace(workspace)
    res = CliRunner().invoke(app, ["recommend", "--workspace", str(workspace.root), "--k", "2", "--model",
                                   "itemknn", "--json"])
    assert res.exit_code == 0, res.output
    payload = json.loads(res.stdout.strip().splitlines()[-1])
    assert payload["rows"] > 0 and payload["model"] == "itemknn"
