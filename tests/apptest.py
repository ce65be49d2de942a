"""Running the app's pages headless with Streamlit's AppTest, signed in (AppTest sends no cookies, so the
session's token goes in through the session state; the app checks it like a cookie's)."""

from __future__ import annotations

import ast
from pathlib import Path

from streamlit.testing.v1 import AppTest

from access import accounts, sessions
from access.roles import ROLES, counties
from dashboard.auth import TOKEN_KEY

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "streamlit_app.py")


def page_list() -> list[tuple[str, str, str]]:
    """(page file, title key, url path) of every page, from the PAGES list in streamlit_app.py (without
    running the app)."""
    tree = ast.parse(Path(APP).read_text(encoding="utf-8"))
    node = next(n for n in tree.body if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "PAGES")
    return [(path, title, url)
            for _section, pages in ast.literal_eval(node.value) for path, title, url, _needs in pages]


def registered_pages() -> dict[str, str]:
    """url path -> page file."""
    return {url: path for path, _title, url in page_list()}


def session_token(role: str = "analyst", county: str | None = None) -> str:
    """A live session of a test account with `role` (a county officer: of `county`, else the first county)
    in the data folder the app reads; the account is made once per data folder."""
    if ROLES[role].county_bound:
        county = county or next(iter(counties()))
    username = f"test-{role}" + (f"-{county}" if county else "")
    account = accounts.get(username)
    if account is None:
        accounts.create(username, role, county, display_name=f"Test {role}", actor="tests")  # a name as entered
        account = accounts.get(username)
    return sessions.start(username, account["display_name"], role, account["county_code"], ip="127.0.0.1")


def start(timeout: float = 60, role: str = "analyst", county: str | None = None, **query_params: str) -> AppTest:
    """The app's first run (its default page) signed in as `role`, with the given URL query parameters."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.session_state[TOKEN_KEY] = session_token(role, county)
    for key, value in query_params.items():
        at.query_params[key] = value
    return at.run()


def run_page(page: str, timeout: float = 60, role: str = "analyst", county: str | None = None,
             **query_params: str) -> AppTest:
    """Run one page, named by its url path (e.g. "overview"), signed in as `role`, with the given URL query
    parameters."""
    at = start(timeout, role, county, **query_params)
    path = registered_pages()[page]
    if path != registered_pages()[next(iter(registered_pages()))]:
        try:
            at.switch_page(path)
        except ValueError:  # a page the role may not open: the registry put a refusal at its url, which AppTest
            at._page_hash = next(h for h, p in at._registered_pages.items() if p.get("url_pathname") == page)
        at.run()            # cannot switch to by path (a browser would just open the url)
    return at


def listed(boxes) -> list[str]:
    """The alerts of the page's boxes: each box is a Markdown list, one alert a line."""
    lines = [line for box in boxes for line in box.value.splitlines()]
    assert all(line.startswith("- ") for line in lines), lines
    return [line[2:] for line in lines]
