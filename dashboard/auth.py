"""Who is signed in, for the app's script: the session the sign-in cookie names, checked on every run.

signed_in() (called by the shell's gate at the top of streamlit_app.py) resolves the cookie
(access.sessions: live, ended or expired) and keeps the session in the session state; the query layer,
the download helper and the SQL console ask current() what it may do. Work Streamlit runs later on
another thread (a download's callable) carries the session with it (acting_as) and checks that it is
still live when it runs. No page or translation is imported here: the query layer imports this.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from access import sessions
from access.sessions import COOKIE, Session

SESSION_KEY = "_auth_session"
TOKEN_KEY = "_auth_token"      # set by tests/apptest.py only: AppTest cannot send cookies
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


def signed_in() -> tuple[Session | None, str]:
    """(the live session of this browser, "ok"), kept for current(); else (None, why)."""
    cookie = st.context.cookies.get(COOKIE)
    token = cookie if isinstance(cookie, str) and cookie else st.session_state.get(TOKEN_KEY)  # AppTest: no cookies
    session, why = sessions.resolve(token)
    if session is None:
        st.session_state.pop(SESSION_KEY, None)
    else:
        st.session_state[SESSION_KEY] = session
    return session, why
