"""The frame around every page: the sign-in gate and who is signed in, first-run build, global filters kept
in the URL, page header, and the refusals a role gets."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from html import escape
from urllib.parse import urlencode, urlsplit

import streamlit as st

from access import audit
from access.sessions import Session
from access.settings import load as load_settings
from contract import location
from dashboard import auth, queries
from dashboard.i18n import bound, language, month_label, t, v

LANGUAGES = {"zh": "中文", "en": "English"}
URL_KEYS = ("scope", "month", "lang")


@dataclass(frozen=True)
class Filters:
    scope: str          # adcode: the city or one county
    month: date         # as-of month (month end)
    city: str           # the city's adcode
    latest: date        # the data month

    @property
    def is_city(self) -> bool:
        return self.scope == self.city


# Page runs at a time. Streamlit runs every session's script in its own thread at once; with the GIL they
# take turns every few milliseconds, so when a meeting room opens the app together all of them finish near
# the end, and the switching itself cost a third more CPU than the same runs one after another
# (benchmarks/bench_sessions.py). Runs beyond these wait their turn in arrival order. A run that takes long
# (a console query, a bulletin) holds a turn, so no run waits more than TURN_WAIT for one: it then goes
# ahead, as every run did before.
RUNS_AT_ONCE = 1  # measured at 30 sessions (2026-12-03): 1 run 118–121 ms CPU a visitor, 2 runs 132–139, all 124–151
TURN_WAIT = 5.0
_turns = threading.Semaphore(RUNS_AT_ONCE)


@contextmanager
def turn() -> Iterator[None]:
    """A turn to run a page (see RUNS_AT_ONCE)."""
    got = _turns.acquire(timeout=TURN_WAIT)
    try:
        yield
    finally:
        if got:
            _turns.release()


def ensure_warehouse() -> None:
    """With no warehouse yet, build the demo city in a subprocess (the app never imports the pipeline)."""
    if queries.has_warehouse():
        return
    if run_pipeline(["demo", "--if-missing"], "first_run"):
        st.rerun()
    st.stop()


def run_pipeline(args: list[str], labels: str, env: dict[str, str] | None = None) -> bool:
    """`python -m pipelines <args>` in a subprocess, its output shown as it comes (status labels
    <labels>.title/.failed/.done); whether it succeeded."""
    with st.status(t(f"{labels}.title"), expanded=True) as status:
        log = st.empty()
        lines: list[str] = []
        proc = subprocess.Popen([sys.executable, "-m", "pipelines", *args], cwd=location.ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8",
                                env={**os.environ, **(env or {})})
        for line in proc.stdout:
            lines.append(line.rstrip())
            log.code("\n".join(lines[-12:]))
        ok = proc.wait() == 0 and queries.has_warehouse()
        status.update(label=t(f"{labels}.{'done' if ok else 'failed'}"), state="complete" if ok else "error")
    return ok


def _from_url(key: str, options: list[str], default: str) -> None:
    """A filter starts from the URL (a shared link), else its default; codes, not labels, so links
    work in either language."""
    if key not in st.session_state:
        value = st.query_params.get(key)
        st.session_state[key] = value if value in options else default


def _select(state_key: str, label: str, options: list[str], format_func) -> None:
    """A selectbox that edits st.session_state[state_key], which other code may also set (a map click).

    The widget's own key carries the language: Streamlit keeps a selectbox's value as its
    formatted label, so after a language switch the old label would no longer be an option.
    """
    widget_key = f"_{state_key}_{language()}"
    st.session_state[widget_key] = st.session_state[state_key]

    def changed() -> None:
        st.session_state[state_key] = st.session_state[widget_key]

    st.selectbox(label, options, key=widget_key, format_func=format_func, on_change=changed)


def sidebar_filters() -> Filters:
    info = queries.build_info()
    scopes = queries.scopes()
    codes = scopes["scope_code"].to_list()
    city = scopes.filter(scopes["scope_level"] == "city")["scope_code"][0]
    months = [m.strftime("%Y-%m") for m in queries.months()]
    home = auth.current().records_county or city  # a county officer starts at the own county
    for key, options, default in (("lang", list(LANGUAGES), "zh"), ("scope", codes, home),
                                  ("month", months, months[0])):
        _from_url(key, options, default)
    with st.sidebar:
        st.radio(t("filter.language"), list(LANGUAGES), key="lang", horizontal=True, format_func=LANGUAGES.get)
        _select("scope", t("filter.scope"), codes, bound(v))
        _select("month", t("filter.month"), months,
                bound(lambda m, lang: month_label(date.fromisoformat(m + "-01"), lang)))
    st.query_params.update({k: st.session_state[k] for k in URL_KEYS})
    year, month = (int(x) for x in st.session_state["month"].split("-"))
    as_of = next(m for m in queries.months() if (m.year, m.month) == (year, month))
    return Filters(scope=st.session_state["scope"], month=as_of, city=city, latest=info.data_month)


# -- who is signed in: the gate, the user box, refusals -------------------------------------------------

REFUSED_KEY = "_auth_refused"  # refusals already audited in this browser session


def gate() -> Session:
    """The live session of this browser, or the sign-in screen (and the run stops)."""
    session, why = auth.signed_in()
    if session is None:
        sign_in_screen(why)
        st.stop()
    return session


def _here() -> str:
    """The path and query of the page in view, to come back to after signing in."""
    path = urlsplit(st.context.url or "/").path or "/"
    query = urlencode(st.query_params.to_dict())
    return path + (f"?{query}" if query else "")


def sign_in_screen(why: str) -> None:
    """No live session: say why, and offer the sign-in page (and single sign-on when it is set up)."""
    if load_settings().oidc and st.query_params.get("sso") == "1":
        st.login()  # Streamlit sends the browser to the provider; the sign-in door takes it from there
    st.title(t("app.title"))
    st.info(t({"expired": "signin.expired", "ended": "signin.signed_out"}.get(why, "auth.need_sign_in")))
    query = urlencode({"next": _here(), "lang": language()})
    st.markdown(f'<a href="/signin?{escape(query)}" target="_self">{escape(t("auth.sign_in"))}</a>',
                unsafe_allow_html=True)


def role_label(session: Session) -> str:
    label = t(f"role.{session.role}")
    return f"{label} · {v(session.county_code)}" if session.county_code else label


def user_box(session: Session) -> None:
    """Who is signed in, and the way out, at the foot of the sidebar."""
    with st.sidebar:
        st.caption(t("auth.signed_in_as", name=session.display_name, role=role_label(session)))
        st.markdown(f'<a href="/signout?lang={language()}" target="_self">{escape(t("auth.sign_out"))}</a>',
                    unsafe_allow_html=True)


def refuse(kind: str, target: str, **fmt) -> None:
    """Show a refusal (message access.refused.<kind>) and audit it, once per browser session and target."""
    session = auth.current()
    st.error(t(f"access.refused.{kind}", role=t(f"role.{session.role}"), **fmt))
    seen = st.session_state.setdefault(REFUSED_KEY, set())
    if (kind, target) not in seen:
        seen.add((kind, target))
        audit.record("refused", session.username, role=session.role, ip=auth.client_ip(session), kind=kind,
                     target=target)


def refusal_page(url: str) -> Callable[[], None]:
    """A page for `url` when the session may not open it: the refusal instead (the page itself never runs)."""
    def refused() -> None:
        st.title(t("app.title"))
        refuse("page", url, page=url)
    refused.__name__ = f"refused_{url.replace('-', '_')}"
    return refused


# Desk pages: KPI labels and deltas wrap instead of being cut ("专业物业覆…" at 1280–1366 px), and a value
# takes the font size its tile has room for (six tiles at 1280 px cut "95.6%" to "95.…"), wrapping only as a
# last resort; printing gives A4 landscape without the sidebar, toolbar or buttons, and a grid's static twin
# (components.grid) in its place.
DESK_CSS = """<style>
[data-testid="stMetricLabel"] *, [data-testid="stMetricDelta"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }
[data-testid="stMetric"] { container-type: inline-size; }
[data-testid="stMetricValue"] { font-size: min(2.25rem, 28cqi) !important; }
[data-testid="stMetricValue"] * { overflow: visible !important; text-overflow: clip !important;
                                  white-space: normal !important; overflow-wrap: anywhere; }
[data-testid="stElementContainer"]:has(table.print-table) { display: none; }
@media print {
  @page { size: A4 landscape; margin: 10mm; }
  section[data-testid="stSidebar"], header[data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stSidebarCollapsedControl"], .stDownloadButton, .stButton, [class*="st-key-screen_only"],
  [class*="st-key-printable_"] [data-testid="stElementContainer"]:has([data-testid="stDataFrame"]) {
    display: none !important; }
  [data-testid="stElementContainer"]:has(table.print-table) { display: block; }
  [data-testid="stMainBlockContainer"] { max-width: 100% !important; padding: 0 !important; }
  [data-testid="stElementContainer"] { break-inside: avoid; }
  [data-testid="stElementContainer"]:has(h1, h2, h3) { break-after: avoid; }
  [data-testid="stAlertContainer"] { padding: 6px 12px; }
  table.print-table { width: 100%; border-collapse: collapse; font-size: 13px; color: #111827; }
  table.print-table th { text-align: left; border-bottom: 2px solid #111827; padding: 3px 6px; }
  table.print-table td { border-bottom: 1px solid #9CA3AF; padding: 3px 6px; vertical-align: middle; }
  table.print-table .n { text-align: right; font-variant-numeric: tabular-nums; }
  table.print-table tr { break-inside: avoid; }
  table.print-table .badge { color: #fff; font-weight: 600; border-radius: 4px; padding: 0 6px; }
}
</style>"""


def page_header(title_key: str, filters: Filters) -> None:
    info = queries.build_info()
    st.html(DESK_CSS)
    st.title(t(title_key))
    st.caption(" · ".join([
        v(filters.scope),
        t("footer.as_of", month=month_label(filters.month)),
        t("footer.built", time=info.finished_at.astimezone().strftime("%Y-%m-%d %H:%M")),
    ]))
    records_notice(filters)


def records_notice(filters: Filters) -> None:
    """A county officer sees every scope's aggregates; record-level tables hold the own county's rows only
    (the query layer keeps the rest out): say so, and refuse another county's records outright."""
    county = auth.current().records_county
    if county is None or filters.scope == county:
        return
    if filters.is_city:
        st.info(t("access.records_city", county=v(county)))
    else:
        refuse("records", filters.scope, scope=v(filters.scope), county=v(county))


def filters() -> Filters:
    """The current global filters (set by the shell before the page runs)."""
    return st.session_state["_filters"]


def url_choice(widget, label: str, options: list[str], *, key: str, default: str, **kwargs) -> str:
    """A page's own choice (which metric, say) kept in the URL as a code, like the global filters:
    `widget` is a Streamlit selector such as st.segmented_control, given `key` and no default."""
    _from_url(key, options, default)
    value = widget(label, options, key=key, **kwargs)
    st.query_params[key] = value
    return value
