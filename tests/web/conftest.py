from __future__ import annotations

import socket
import sys
import threading
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "api"))

from gp_api_fixtures import build_workspace, fast_embedder, make_keys  # noqa: E402


@pytest.fixture(scope="module")
def web_app(tmp_path_factory):
    from growthpilot.api import create_app

    ws = build_workspace(tmp_path_factory.mktemp("web") / "ws")
    app = create_app(ws, background=False, llm=False)
    keys = make_keys(app)
    yield app, keys
    ws.close()


@pytest.fixture(scope="module")
def live_server(web_app):
    """The app served by uvicorn on a free loopback port, in a thread."""
    import uvicorn

    app, keys = web_app
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", keys
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module", autouse=True)
def _fast_embedder():
    """Copy ranking and assistant retrieval use a hashing embedder here (the real one is tested in genai)."""
    with pytest.MonkeyPatch.context() as mp:
        fast_embedder(mp)
        yield
