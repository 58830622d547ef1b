"""End-to-end in headless Chromium (Debian's ``chromium`` via Playwright): sign in, walk the main
pages, build and send a campaign; screenshots go to a temporary folder (or $GROWTHPILOT_SCREENSHOTS)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("GROWTHPILOT_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not (Path(CHROMIUM).exists() or shutil.which("chromium")),
                       reason=f"headless Chromium not found at {CHROMIUM}: apt-get install -y chromium"),
]


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
                              args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def shots(tmp_path):
    d = Path(os.environ.get("GROWTHPILOT_SCREENSHOTS", tmp_path / "screenshots"))
    d.mkdir(parents=True, exist_ok=True)
    return d


def test_walk_pages_and_build_a_campaign(browser, live_server, shots):
    base, keys = live_server
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    remote: list[str] = []
    page.on("request", lambda req: remote.append(req.url) if not req.url.startswith(base) else None)

    page.goto(f"{base}/ui")
    assert "/ui/login" in page.url
    page.fill("#key", keys["marketer"])
    page.click("#signin")
    page.wait_for_url(f"{base}/ui")
    assert page.locator("text=Revenue per month").count() == 1
    page.screenshot(path=str(shots / "01-overview.png"), full_page=True)

    for i, (path, expect) in enumerate([("/ui/segments", "Personas"), ("/ui/customers", "customers"),
                                        ("/ui/customers/C0002", "Why"), ("/ui/forecasts", "90% interval"),
                                        ("/ui/experiments", "Lift by arm"), ("/ui/copy", "Copy studio"),
                                        ("/ui/assistant", "Assistant")], start=2):
        page.goto(base + path)
        assert page.locator(f"text={expect}").count() >= 1, path
        page.screenshot(path=str(shots / f"{i:02d}-{path.strip('/').replace('/', '-')}.png"), full_page=True)

    # campaign builder: audience -> offer -> copy variants -> send
    page.goto(f"{base}/ui/campaigns")
    page.click("#new-campaign")
    page.select_option("#segment", "loyal")
    page.select_option("#channel", "email")
    page.click("#to-offer")
    audience = page.locator("#audience").inner_text()
    assert "6 customers" in audience
    page.fill("#offer", "15% off")
    page.click("#to-copy")
    assert page.locator("input[name=variant_ids]").count() == 2  # accepted email variants only
    page.screenshot(path=str(shots / "10-builder.png"), full_page=True)
    page.fill("#name", "browser spring push")
    page.click("#send")
    page.wait_for_selector("#sent-result")
    result = page.locator("#sent-result").inner_text()
    assert "left out for lack of consent" in result
    page.screenshot(path=str(shots / "11-campaign-sent.png"), full_page=True)
    assert remote == [], f"the dashboard fetched remote resources: {remote}"
    assert len(list(shots.glob("*.png"))) >= 10
    page.close()
