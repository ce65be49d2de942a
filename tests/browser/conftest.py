"""Real-browser tests: the app served by `streamlit run server.py`, driven by Debian's Chromium via Playwright.

Every request not to 127.0.0.1 is aborted and recorded: the app must work on a closed network.
Screenshots go to test-artifacts/screenshots/ (git-ignored) for a person to look at.
Every page signs in through the sign-in form first (OfflinePage, as an analyst unless told otherwise), with
the test accounts made here; single sign-on is set up against a local OIDC provider (oidc-provider-mock).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage"]
PASSWORD = "browser-tests-only-1"  # every test account's: the accounts live in the tests' own data folder
ACCOUNTS = {"admin": ("t-admin", None), "leader": ("t-leader", None), "analyst": ("t-analyst", None),
            "county": ("t-minqin", "620621"), "display": ("t-display", None)}
# single sign-on users of the local provider: their groups map to roles through the settings below
SSO_USERS = {"sso-analyst": {"groups": ["wuwei-staff"], "name": "单点分析员", "preferred_username": "sso.analyst"},
             "sso-minqin": {"groups": ["wuwei-counties"], "county": "民勤县", "name": "单点民勤",
                            "preferred_username": "sso.minqin"},
             "sso-cleaner": {"groups": ["cleaners"], "preferred_username": "sso.cleaner"}}
SETTINGS = """max_failures = 3
[oidc]
client_id = "wuwei-tests"
client_secret = "not-a-secret"
server_metadata_url = "{provider}/.well-known/openid-configuration"
redirect_uri = "{app}/oauth2callback"
cookie_secret = "{cookie_secret}"
[oidc.roles]
"wuwei-staff" = "analyst"
"wuwei-counties" = "county"
"""



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
def oidc_provider():
    """A local OpenID Connect provider (its consent page names the users above), on 127.0.0.1."""
    import werkzeug.serving
    from oidc_provider_mock import User, app

    users = [User(sub=sub, claims=claims) for sub, claims in SSO_USERS.items()]
    server = werkzeug.serving.make_server("127.0.0.1", 0, app(user_claims=users), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


@contextmanager
def in_data(data_dir: Path) -> Iterator[None]:
    """Point this process's access/ calls at `data_dir` for a block (the server reads the same folder)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WUWEI_DATA_DIR", str(data_dir))
        yield


@pytest.fixture(scope="session")
def app_url(demo_data_dir, oidc_provider):
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `python3 tasks.py test`, which installs it")
    from access import settings

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with in_data(demo_data_dir):
        make_accounts()
        settings.path().write_text(SETTINGS.format(provider=oidc_provider, app=url, cookie_secret=os.urandom(16).hex()),
                                   encoding="utf-8")
    with serve(port, {"WUWEI_DATA_DIR": str(demo_data_dir)}):
        yield url


def make_accounts() -> None:
    """The test accounts (ACCOUNTS, PASSWORD) in the data folder this process points at."""
    from access import accounts

    for role, (username, county) in ACCOUNTS.items():
        if accounts.get(username) is None:
            accounts.create(username, role, county, password=PASSWORD, actor="tests")


@contextmanager
def serve(port: int, env: dict[str, str]) -> Iterator[None]:
    """`streamlit run server.py` on 127.0.0.1:`port` with `env` added to this process's, until the block ends."""
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "server.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
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
        yield
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
    """A page whose requests outside 127.0.0.1 are aborted and remembered, signed in as `role` (None: not)."""

    def __init__(self, browser, base_url: str, role: str | None = "analyst"):
        self.base_url = base_url
        self.outside: list[str] = []
        self.context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN",
                                           accept_downloads=True)
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        if role:
            self.sign_in(ACCOUNTS[role][0])

    def sign_in(self, username: str, password: str = PASSWORD) -> int:
        """Post the sign-in form as the browser would (its anti-forgery token and cookie included); the
        session cookie lands in this page's browser context. Returns the HTTP status of the answer."""
        form = self.context.request.get(f"{self.base_url}/signin")
        csrf = re.search(r'name="csrf" value="([^"]+)"', form.text())[1]
        answer = self.context.request.post(f"{self.base_url}/signin", max_redirects=0, form={
            "csrf": csrf, "username": username, "password": password, "next": "/", "lang": "zh"})
        return answer.status

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
