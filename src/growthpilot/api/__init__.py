"""The REST API (FastAPI): thin routes over the library, keys with roles, audit, problem+json."""

from growthpilot.api.app import API_PREFIX, create_app

__all__ = ["API_PREFIX", "create_app"]
