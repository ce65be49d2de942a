"""Running the app's pages headless with Streamlit's AppTest."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")


def run_page(page: str, timeout: float = 60, **query_params: str) -> AppTest:
    """Run one page (its url path, e.g. "overview") with the given URL query parameters."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in query_params.items():
        at.query_params[key] = value
    at.run()
    if page != "overview":
        at.switch_page(f"dashboard/pages/{page}.py").run()
    return at
