"""Customer-360 features as Ibis expressions, computed as of a cutoff on any backend."""

from growthpilot.features.customer360 import customer_features, warehouse_features
from growthpilot.features.orders import as_timestamp, clean_lines, purchase_labels, purchases

__all__ = ["customer_features", "warehouse_features", "purchase_labels", "purchases", "clean_lines",
           "as_timestamp"]
