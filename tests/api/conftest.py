from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from gp_api_fixtures import build_workspace, fast_embedder, make_keys  # noqa: E402


@pytest.fixture(scope="module")
def api_ws(tmp_path_factory):
    ws = build_workspace(tmp_path_factory.mktemp("api") / "ws")
    yield ws
    ws.close()


@pytest.fixture(scope="module")
def app_and_keys(api_ws):
    from growthpilot.api import create_app

    app = create_app(api_ws, background=False, llm=False)
    return app, make_keys(app)


@pytest.fixture(scope="module")
def client(app_and_keys):
    from starlette.testclient import TestClient

    app, _ = app_and_keys
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="module")
def keys(app_and_keys):
    return app_and_keys[1]


@pytest.fixture(scope="module", autouse=True)
def _fast_embedder():
    """Copy ranking and assistant retrieval use a hashing embedder here (the real one is tested in genai)."""
    with pytest.MonkeyPatch.context() as mp:
        fast_embedder(mp)
        yield
