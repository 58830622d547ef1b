"""Files as shops export them: quoted line breaks, mixed JSON types, empty files, repeated or missing columns."""

from __future__ import annotations

import codecs
import gzip
import json

import pytest

from growthpilot.errors import ValidationError
from growthpilot.ingest import ingest_file

HEADER = "order_id,customer_id,product_id,ts,quantity,unit_price"


def test_quoted_fields_spanning_lines_are_read(tmp_path, duckdb_warehouse):
    src = tmp_path / "orders.csv"
    src.write_bytes(codecs.BOM_UTF8 + (
        f"{HEADER},note\r\n"
        'o1,c1,p1,2024-01-02 10:00:00,2,3.5,"first line\r\nsecond line"\r\n'
        'o2,c2,p2,2024-01-03 11:00:00,1,10,"a, b"\r\n'
        "o3,c2,p2,not a date,1,10,x\r\n").encode())
    rep = ingest_file(src, duckdb_warehouse, table="orders")
    assert (rep.rows_read, rep.rows_loaded, rep.quarantined_by_reason) == (3, 2, {"invalid timestamp": 1})
    orders = duckdb_warehouse.read("orders").set_index("order_id")
    assert orders.loc["o1", "amount"] == 7.0 and orders.loc["o2", "customer_id"] == "c2"
    q = duckdb_warehouse.read("quarantine").iloc[0]
    assert (q.row_number, q.column_name, q.value) == (3, "ts", "not a date")
    assert ingest_file(src, duckdb_warehouse, table="orders").rows_new == 0  # a re-run changes nothing


def test_json_lines_with_numbers_sometimes_quoted(tmp_path, duckdb_warehouse):
    src = tmp_path / "orders.jsonl"
    rows = [{"order_id": "o1", "customer_id": "c1", "product_id": "p1", "ts": "2024-01-02", "quantity": "2",
             "unit_price": 1.5},
            {"order_id": "o2", "customer_id": "c1", "product_id": "p1", "ts": "2024-01-02", "quantity": 3,
             "unit_price": "2.5"},
            {"order_id": "o3", "customer_id": "c1", "product_id": "p1", "ts": "2024-01-02", "quantity": "x",
             "unit_price": 1}]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    rep = ingest_file(src, duckdb_warehouse, table="orders")
    assert (rep.rows_loaded, rep.quarantined_by_reason) == (2, {"invalid float64": 1})
    amounts = duckdb_warehouse.read("orders").set_index("order_id")["amount"].to_dict()
    assert amounts == {"o1": 3.0, "o2": 7.5}
    assert duckdb_warehouse.read("quarantine").iloc[0].value == "x"  # the value as written, no JSON quotes


@pytest.mark.parametrize("content", [b"", b"\n\n", codecs.BOM_UTF8 + b"\r\n"])
def test_empty_file_says_so(tmp_path, duckdb_warehouse, content):
    src = tmp_path / "orders.csv"
    src.write_bytes(content)
    with pytest.raises(ValidationError, match="the input file is empty"):
        ingest_file(src, duckdb_warehouse, table="orders")
    gz = tmp_path / "orders.csv.gz"
    gz.write_bytes(gzip.compress(content))
    with pytest.raises(ValidationError, match="the input file is empty"):
        ingest_file(gz, duckdb_warehouse, table="orders")


def test_header_only_file_loads_nothing(tmp_path, duckdb_warehouse):
    src = tmp_path / "orders.csv"
    src.write_text(HEADER + "\n")
    rep = ingest_file(src, duckdb_warehouse, table="orders")
    assert (rep.rows_read, rep.rows_loaded, rep.rows_quarantined) == (0, 0, 0)


def test_repeated_header_column_is_refused_when_it_is_loaded(tmp_path, duckdb_warehouse):
    src = tmp_path / "orders.csv"
    src.write_text(f"{HEADER},quantity\no1,c1,p1,2024-01-02,2,3.5,9\n")
    with pytest.raises(ValidationError, match="names column 'quantity' 2 times") as exc:
        ingest_file(src, duckdb_warehouse, table="orders")
    assert exc.value.column == "quantity"
    unused = tmp_path / "notes.csv"  # a repeated column nobody loads is fine
    unused.write_text(f"{HEADER},note,note\no1,c1,p1,2024-01-02,2,3.5,a,b\n")
    assert ingest_file(unused, duckdb_warehouse, table="orders").rows_loaded == 1


def test_missing_required_column_fails_before_loading(tmp_path, duckdb_warehouse):
    src = tmp_path / "orders.csv"
    src.write_text("order_id,customer_id,product_id,quantity,unit_price\no1,c1,p1,2,3.5\n")
    with pytest.raises(ValidationError, match="no column for required 'ts' of table 'orders'") as exc:
        ingest_file(src, duckdb_warehouse, table="orders")
    assert "--mapping" in str(exc.value)
    assert "quarantine" not in duckdb_warehouse.tables()  # nothing half-loaded


def test_quarantine_names_the_fix_for_other_layouts(tmp_path, duckdb_warehouse):
    src = tmp_path / "orders.csv"
    src.write_text(f"{HEADER}\no1,c1,p1,25/12/2023 14:05,2,3.5\no2,c1,p1,2024-01-02,1,\"3,50\"\n"
                   "o3,c1,p1,05/12/23,1,1\n")
    rep = ingest_file(src, duckdb_warehouse, table="orders")
    assert rep.rows_quarantined == 3
    expected = duckdb_warehouse.read("quarantine").set_index("row_number")["expected"]
    assert "give its format in a --mapping file" in expected[1]
    assert "map the column with an expr" in expected[2]
    assert "%d/%m/%y" in expected[3]


def test_clear_errors_for_what_users_pass(tmp_path, duckdb_warehouse):
    src = tmp_path / "orders.csv"
    src.write_text(f"{HEADER}\no1,c1,p1,2024-01-02,2,3.5\n")
    cases = []
    bad_toml = tmp_path / "m.toml"
    bad_toml.write_text('table = "orders"\n[columns\norder_id = "order_id"\n')
    cases.append(({"mapping": bad_toml}, "not valid TOML"))
    bad_json = tmp_path / "m.json"
    bad_json.write_text('{"table": "orders", "columns": {"order_id": "order_id"')
    cases.append(({"mapping": bad_json}, "not valid JSON"))
    bad_expr = tmp_path / "e.toml"
    bad_expr.write_text('table = "orders"\n[columns]\norder_id = "order_id"\nts = "ts"\n'
                        'unit_price = { expr = "replace(nope, \',\', \'.\')" }\n')
    cases.append(({"mapping": bad_expr}, "an expression of the mapping cannot run"))
    cases.append(({"mapping": bad_expr, "table": "customers"}, "the mapping loads table 'orders' but --table says"))
    cases.append(({"table": "orders", "encoding": "klingon"}, "unknown text encoding"))
    for kwargs, message in cases:
        with pytest.raises(ValidationError, match=message):
            ingest_file(src, duckdb_warehouse, **kwargs)
    with pytest.raises(ValidationError, match="the input is a folder"):
        ingest_file(tmp_path, duckdb_warehouse, table="orders")
    (tmp_path / "orders.xlsx").write_bytes(b"PK\x03\x04")
    with pytest.raises(ValidationError, match="saved as CSV"):
        ingest_file(tmp_path / "orders.xlsx", duckdb_warehouse, table="orders")
    assert "orders" not in duckdb_warehouse.tables()


def test_nested_json_values_are_stored_as_json_text(tmp_path, duckdb_warehouse):
    src = tmp_path / "events.jsonl"
    rows = [{"event_id": "e1", "ts": "2024-01-01T10:00:00Z", "event_type": "view", "properties": {"page": "home", "n": 1}},
            {"event_id": "e2", "ts": "2024-01-01T10:05:00Z", "event_type": "view", "properties": {"page": "cart", "n": 2}}]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert ingest_file(src, duckdb_warehouse, table="events").rows_loaded == 2
    props = duckdb_warehouse.read("events").set_index("event_id")["properties"]
    assert json.loads(props["e1"]) == {"page": "home", "n": 1} and json.loads(props["e2"])["page"] == "cart"


def test_quarantine_keeps_no_personal_values_in_clear(tmp_path, workspace):
    from growthpilot.ingest.personal import workspace_protector

    src = tmp_path / "customers.csv"
    src.write_text("customer_id,Email,phone,name,country,birth_year\n"
                   "u1,ann@example.com,+44 1234,Ann Lee,UK,1980\n"
                   "u2,bob@example.com,,Bob Ray,UK,nineteen\n"   # bad birth year
                   "u1,ann@example.com,+44 1234,Ann Lee,UK,1980\n")  # duplicate of row 1
    protect = workspace_protector(workspace)
    rep = ingest_file(src, workspace.warehouse, table="customers", protect_personal=protect)
    assert rep.quarantined_by_reason == {"invalid int64": 1, "duplicate row": 1}
    q = workspace.warehouse.read("quarantine").set_index("row_number")
    text = q.to_json()
    for secret in ("ann@example.com", "bob@example.com", "Ann Lee", "Bob Ray", "+44 1234"):
        assert secret not in text
    assert json.loads(q.loc[2, "raw"])["birth_year"] == "nineteen"  # the fault itself stays visible
    assert json.loads(q.loc[2, "raw"])["Email"] == "[personal value not stored]"
    assert json.loads(q.loc[2, "raw"])["phone"] is None
    assert json.loads(q.loc[3, "raw"])["name"] == "[personal value not stored]"
    again = ingest_file(src, workspace.warehouse, table="customers", protect_personal=protect)
    assert again.tables_changed["quarantine"] == 0 and again.rows_new == 0


def test_ragged_csv_lines_are_quarantined_whole_and_rows_keep_their_numbers(tmp_path, duckdb_warehouse):
    src = tmp_path / "orders.csv"
    src.write_text(f"{HEADER}\n"
                   "o1,c1,p1,2024-01-02,1,2\n"
                   "o2,c1,p1,2024-01-02,1\n"                       # row 2: a field short
                   "o3,c1,p1,2024-01-02,1,2,surplus\n"             # row 3: a field too many
                   'o4,"c4, the ""big"" one",p1,2024-01-02,1,4\n'   # doubled quotes inside a quoted field
                   "o5,c5,p1,2024-01-02,1,abc\n")                  # row 5: a bad number after the ragged lines
    rep = ingest_file(src, duckdb_warehouse, table="orders")
    assert rep.rows_read == 5 and rep.rows_loaded == 2
    assert rep.quarantined_by_reason == {"too few fields": 1, "too many fields": 1, "invalid float64": 1}
    q = duckdb_warehouse.read("quarantine").set_index("row_number").sort_index()
    assert q.index.tolist() == [2, 3, 5]
    assert q.loc[2, "reason"] == "too few fields" and q.loc[2, "value"] == "o2,c1,p1,2024-01-02,1"
    assert q.loc[3, "value"] == "o3,c1,p1,2024-01-02,1,2,surplus" and "Found: 7" in q.loc[3, "expected"]
    assert (q.loc[5, "column_name"], q.loc[5, "value"]) == ("unit_price", "abc")
    assert duckdb_warehouse.read("orders").set_index("order_id").loc["o4", "customer_id"] == 'c4, the "big" one'
    assert ingest_file(src, duckdb_warehouse, table="orders").rows_new == 0  # a re-run changes nothing


def test_ragged_lines_of_personal_data_are_not_stored(tmp_path, workspace):
    from growthpilot.ingest.personal import workspace_protector

    src = tmp_path / "customers.csv"
    src.write_text("customer_id,email\nc1,a@x.test\nc2,b@x.test,surplus\n")
    rep = ingest_file(src, workspace.warehouse, table="customers", protect_personal=workspace_protector(workspace))
    assert rep.quarantined_by_reason == {"too many fields": 1}
    q = workspace.warehouse.read("quarantine").iloc[0]
    assert q.row_number == 2 and "b@x.test" not in q.value and "b@x.test" not in q.raw
