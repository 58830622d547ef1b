"""Dashboard pages through the ASGI client: sign-in, role checks, CSRF, offline assets."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from growthpilot.api.permissions import PERMISSIONS, ROLES

PAGES = {"/ui": "aggregates:read", "/ui/segments": "aggregates:read", "/ui/customers": "customers:read",
         "/ui/customers/C0001": "customers:read", "/ui/forecasts": "aggregates:read",
         "/ui/campaigns": "aggregates:read", "/ui/campaigns/new": "campaigns:write",
         "/ui/campaigns/X1": "aggregates:read", "/ui/experiments": "aggregates:read", "/ui/copy": "aggregates:read",
         "/ui/assistant": "assistant:chat"}


def _login(client, key):
    r = client.post("/ui/login", data={"key": key, "next": "/ui"}, follow_redirects=False)
    assert r.status_code == 303 and "gp_session" in r.headers["set-cookie"]
    assert "httponly" in r.headers["set-cookie"].lower() and key not in r.headers["set-cookie"]


@pytest.mark.parametrize("role", ROLES)
def test_page_matrix(web_app, role):
    app, keys = web_app
    with TestClient(app) as c:
        assert c.get("/ui", follow_redirects=False).headers["location"].startswith("/ui/login")
        _login(c, keys[role])
        for path, perm in PAGES.items():
            r = c.get(path)
            expected = 200 if role in PERMISSIONS[perm] else 403
            assert r.status_code == expected, (role, path, r.status_code, r.text[:200])


def test_bad_key_is_refused(web_app):
    app, _ = web_app
    with TestClient(app) as c:
        r = c.post("/ui/login", data={"key": "gpk_000000000000_nope"})
        assert r.status_code == 401 and "not valid" in r.text


def test_pages_are_offline_and_show_data(web_app):
    app, keys = web_app
    with TestClient(app) as c:
        _login(c, keys["admin"])
        for path in PAGES:
            html = c.get(path).text
            assert not re.search(r"(src|href)=\"https?://", html), path  # no CDN, nothing remote
        assert "<svg" in c.get("/ui").text and "Revenue per month" in c.get("/ui").text
        customer = c.get("/ui/customers/C0001").text
        assert "bought 1 times" in customer and "P0" in customer and "user0@example.com" not in customer
        assert c.get("/static/style.css").status_code == 200


def test_forms_need_the_csrf_token(web_app):
    app, keys = web_app
    with TestClient(app) as c:
        _login(c, keys["marketer"])
        r = c.post("/ui/campaigns", data={"csrf": "forged", "name": "x", "channel": "email"})
        assert r.status_code == 403 and "CSRF" in r.text
        token = re.search(r'name="csrf" value="([0-9a-f]+)"', c.get("/ui/campaigns/new?channel=email&offer=x").text)
        r = c.post("/ui/campaigns", data={"csrf": token.group(1), "name": "via form", "channel": "email",
                                          "segment": "loyal", "offer": "x", "holdout": "0"}, follow_redirects=False)
        assert r.status_code == 303 and "sent=" in r.headers["location"]


def test_browser_errors_are_pages_api_errors_stay_problem_json(web_app):
    app, keys = web_app
    with TestClient(app) as c:
        _login(c, keys["viewer"])
        browser = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
        r = c.get("/ui/campaigns/%3Cb%3Enope", headers=browser)
        assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
        assert "no campaign" in r.text and "&lt;b&gt;nope" in r.text and "<b>nope" not in r.text
        assert 'href="/ui"' in r.text
        r = c.get("/ui/customers", headers=browser)  # viewers may not read customers
        assert r.status_code == 403 and r.headers["content-type"].startswith("text/html")
        r = c.get("/ui/campaigns/nope")  # no HTML asked for: problem+json as before
        assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"
        r = c.get("/api/v1/customers", headers=browser)  # the API never answers with pages
        assert r.status_code == 401 and r.headers["content-type"] == "application/problem+json"
