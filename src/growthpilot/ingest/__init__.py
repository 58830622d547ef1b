"""Ingest that loses nothing: read, map, validate, quarantine, de-duplicate, upsert."""

from growthpilot.ingest.adapters import ADAPTERS, Adapter, get_adapter
from growthpilot.ingest.loader import IngestReport, ingest_file
from growthpilot.ingest.mapping import ColumnSpec, TableMapping, load_mapping

__all__ = ["ADAPTERS", "Adapter", "ColumnSpec", "IngestReport", "TableMapping", "get_adapter",
           "ingest_file", "load_mapping"]
