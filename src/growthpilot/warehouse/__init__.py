"""Warehouse: one Ibis API over DuckDB (default), PostgreSQL and Spark."""

from growthpilot.warehouse.connect import connect
from growthpilot.warehouse.contracts import TableContract, all_contracts, register
from growthpilot.warehouse.contracts import get as get_contract
from growthpilot.warehouse.store import Warehouse, WriteResult

__all__ = ["Warehouse", "WriteResult", "TableContract", "connect", "get_contract", "register", "all_contracts"]
