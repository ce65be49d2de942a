"""Real-browser tests: the app served by `streamlit run`, driven by Debian's Chromium via Playwright.

Every request not to 127.0.0.1 is aborted and recorded: the app must work on a closed network.
Screenshots go to test-artifacts/screenshots/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage"]



def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in item.nodeid:
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def demo_data_dir(tmp_path_factory) -> Path:
    """The demo city, built once for the browser tests (as a new user's first start would)."""
    data = tmp_path_factory.mktemp("demo-data")
    env = {**os.environ, "WUWEI_DATA_DIR": str(data)}
    subprocess.run([sys.executable, "-m", "pipelines", "demo"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    return data


@pytest.fixture(scope="session")
def demo_db(demo_data_dir):
    """A read-only connection to the demo warehouse (tests here also run the app's code in-process)."""
    from tests.conftest import open_warehouse

    warehouse = demo_data_dir / "warehouse"
    with open_warehouse(warehouse / (warehouse / "CURRENT").read_text(encoding="utf-8").strip()) as con:
        yield con


@pytest.fixture(scope="session")
def app_url(demo_data_dir):
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `python3 tasks.py test`, which installs it")
    port = _free_port()
    env = {**os.environ, "WUWEI_DATA_DIR": str(demo_data_dir)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("the app did not start") from None
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


class OfflinePage:
    """A page whose requests outside 127.0.0.1 are aborted and remembered."""

    def __init__(self, browser, base_url: str):
        self.base_url = base_url
        self.outside: list[str] = []
        self.context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN",
                                           accept_downloads=True)
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()

    def _route(self, route):
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def open(self, path: str = "", **params: str) -> None:
        query = "&".join(f"{k}={v}" for k, v in params.items())
        self.page.goto(f"{self.base_url}/{path}" + (f"?{query}" if query else ""))
        self.settle()

    def settle(self, timeout: float = 30_000) -> None:
        """Wait until the script has finished and nothing is left loading (Streamlit's own e2e recipe)."""
        from playwright.sync_api import expect

        app = self.page.get_by_test_id("stApp")
        expect(app).to_have_attribute("data-test-connection-state", "CONNECTED", timeout=timeout)
        expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=timeout)
        expect(self.page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=timeout)
        self.page.wait_for_timeout(300)  # let charts paint before a screenshot

    def screenshot(self, name: str) -> Path:
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def errors(self) -> int:
        return self.page.get_by_test_id("stException").count()


@pytest.fixture
def offline_page(browser, app_url):
    page = OfflinePage(browser, app_url)
    yield page
    page.context.close()
