"""Running the app's pages headless with Streamlit's AppTest."""

from __future__ import annotations

import ast
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "streamlit_app.py")


def page_list() -> list[tuple[str, str, str]]:
    """(page file, title key, url path) of every page, from the PAGES list in streamlit_app.py (without
    running the app)."""
    tree = ast.parse(Path(APP).read_text(encoding="utf-8"))
    node = next(n for n in tree.body if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "PAGES")
    return [page for _section, pages in ast.literal_eval(node.value) for page in pages]


def registered_pages() -> dict[str, str]:
    """url path -> page file."""
    return {url: path for path, _title, url in page_list()}


def start(timeout: float = 60, **query_params: str) -> AppTest:
    """The app's first run (its default page) with the given URL query parameters."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in query_params.items():
        at.query_params[key] = value
    return at.run()


def run_page(page: str, timeout: float = 60, **query_params: str) -> AppTest:
    """Run one page, named by its url path (e.g. "overview"), with the given URL query parameters."""
    at = start(timeout, **query_params)
    path = registered_pages()[page]
    if path != registered_pages()[next(iter(registered_pages()))]:
        at.switch_page(path).run()
    return at
