"""Who is signed in, for the app's script: the session the sign-in cookie names, checked on every run.

gate() at the top of streamlit_app.py resolves the cookie (access.sessions: live, ended or expired)
and keeps the session in the session state; the query layer, the download helper and the SQL console
ask current() what it may do. Work Streamlit runs later on another thread (a download's callable)
carries the session with it (acting_as) and checks that it is still live when it runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from html import escape
from urllib.parse import urlencode, urlsplit

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from access import audit, sessions
from access.sessions import COOKIE, Session
from access.settings import load as settings
from dashboard.i18n import language, t, v

SESSION_KEY = "_auth_session"
TOKEN_KEY = "_auth_token"      # set by tests/apptest.py only: AppTest cannot send cookies
REFUSED_KEY = "_auth_refused"  # refusals already audited in this browser session
_acting: ContextVar[Session | None] = ContextVar("acting", default=None)


class NotSignedIn(RuntimeError):
    """Code that reads the warehouse ran with no session (outside a run, and not acting_as one)."""


class Refused(PermissionError):
    """The session may not do this."""


def current() -> Session:
    """The session this code runs for."""
    if (session := _acting.get()) is not None:
        return session
    if get_script_run_ctx() is not None and (session := st.session_state.get(SESSION_KEY)) is not None:
        return session
    raise NotSignedIn("没有登录的会话 | No signed-in session")


@contextmanager
def acting_as(session: Session) -> Iterator[None]:
    """Run the block for `session` (work done outside a script run, and tests)."""
    token = _acting.set(session)
    try:
        yield
    finally:
        _acting.reset(token)


def still_live(session: Session) -> None:
    """Refused unless `session` is still live (not signed out, expired or ended by an account change)."""
    if sessions.resolve_id(session.id)[0] is None:
        raise Refused("会话已结束 | The session has ended")


def client_ip(session: Session) -> str | None:
    """The browser's address: this connection's, else the one it signed in from (Streamlit gives none for
    localhost)."""
    try:
        return st.context.ip_address or session.ip
    except RuntimeError:
        return session.ip


def role_label(session: Session) -> str:
    label = t(f"role.{session.role}")
    return f"{label} · {v(session.county_code)}" if session.county_code else label


def _here() -> str:
    """The path and query of the page in view, to come back to after signing in."""
    path = urlsplit(st.context.url or "/").path or "/"
    query = urlencode(st.query_params.to_dict())
    return path + (f"?{query}" if query else "")


def _sign_in_screen(why: str) -> None:
    """No live session: say why, and offer the sign-in page (and single sign-on when it is set up)."""
    oidc = settings().oidc
    if oidc and st.query_params.get("sso") == "1":
        st.login()  # Streamlit sends the browser to the provider; the sign-in gate takes it from there
    st.title(t("app.title"))
    message = {"expired": "signin.expired", "ended": "signin.signed_out"}.get(why, "auth.need_sign_in")
    st.info(t(message))
    query = urlencode({"next": _here(), "lang": language()})
    st.markdown(f'<a href="/signin?{escape(query)}" target="_self">{escape(t("auth.sign_in"))}</a>',
                unsafe_allow_html=True)


def gate() -> Session:
    """The live session of this browser, or the sign-in screen (and the run stops)."""
    cookie = st.context.cookies.get(COOKIE)
    token = cookie if isinstance(cookie, str) and cookie else st.session_state.get(TOKEN_KEY)  # AppTest: no cookies
    session, why = sessions.resolve(token)
    if session is None:
        st.session_state.pop(SESSION_KEY, None)
        _sign_in_screen(why)
        st.stop()
    st.session_state[SESSION_KEY] = session
    return session


def sidebar(session: Session) -> None:
    with st.sidebar:
        st.caption(t("auth.signed_in_as", name=session.display_name, role=role_label(session)))
        st.markdown(f'<a href="/signout?lang={language()}" target="_self" data-testid="sign-out">'
                    f'{escape(t("auth.sign_out"))}</a>', unsafe_allow_html=True)


def refuse(kind: str, target: str, **fmt) -> None:
    """Show a refusal (message access.refused.<kind>) and audit it, once per browser session and target."""
    session = current()
    st.error(t(f"access.refused.{kind}", role=t(f"role.{session.role}"), **fmt))
    seen = st.session_state.setdefault(REFUSED_KEY, set())
    if (kind, target) not in seen:
        seen.add((kind, target))
        audit.record("refused", session.username, role=session.role, ip=client_ip(session), kind=kind,
                     target=target)


def refusal_page(url: str, needs: str) -> Callable[[], None]:
    """A page at `url` for a session without `needs`: the refusal instead of the page (which never runs)."""
    def refused() -> None:
        st.title(t("app.title"))
        refuse("page", url, page=url)
    refused.__name__ = f"refused_{url.replace('-', '_')}"
    return refused
