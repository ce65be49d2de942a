"""Sessions: a random token in an HttpOnly cookie, and server-side only its SHA-256 with who it is for.

A session survives page reloads (the cookie goes with every request), ends after `idle_minutes`
without a request (a meeting display in rotation keeps asking, so it stays), and ends at sign-out or
when its account is changed. Nothing about it is in a URL.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

from access import audit, store
from access.roles import ROLES
from access.settings import load as settings

COOKIE = "wuwei_session"
# last_seen is written at most this often (seconds), and more often for short inactivity limits
TOUCH_EVERY = 30.0


@dataclass(frozen=True)
class Session:
    id: str                 # SHA-256 of the token
    username: str
    display_name: str
    role: str
    county_code: str | None
    source: str             # password or oidc
    ip: str | None = None

    def may(self, permission: str) -> bool:
        return permission in ROLES[self.role].permissions

    @property
    def records_county(self) -> str | None:
        """The one county whose record-level rows this session may read; None: every county's."""
        return self.county_code if ROLES[self.role].county_bound else None


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _session(row) -> Session:
    return Session(row["id"], row["username"], row["display_name"], row["role"], row["county_code"],
                   row["source"], row["ip"])


def start(username: str, display_name: str, role: str, county_code: str | None, *, source: str = "password",
          ip: str | None = None, oidc_key: str | None = None) -> str:
    """A new session; returns its token (for the cookie only). Audited as a sign-in."""
    token = secrets.token_urlsafe(32)
    now = time.time()
    with store.connect() as con:
        con.execute("insert into sessions (id, username, display_name, role, county_code, source, oidc_key, ip,"
                    " created_at, last_seen) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (digest(token), username, display_name, role, county_code, source, oidc_key, ip, now, now))
    audit.record("signin", username, role=role, ip=ip, source=source, county=county_code)
    return token


def resolve(token: str | None, *, now: float | None = None) -> tuple[Session | None, str]:
    """(the session, "ok") for a live token, else (None, why): "none", "unknown", "ended" or "expired".

    Using a session keeps it alive; one past the inactivity limit is ended here (and audited)."""
    if not token:
        return None, "none"
    return resolve_id(digest(token), now=now)


def resolve_id(session_id: str, *, now: float | None = None) -> tuple[Session | None, str]:
    now = time.time() if now is None else now
    idle = settings().idle_minutes * 60
    with store.connect() as con:
        row = con.execute("select * from sessions where id = ?", (session_id,)).fetchone()
        if row is None:
            return None, "unknown"
        if row["ended_at"] is not None:
            return None, "ended"
        if now - row["last_seen"] > idle:
            con.execute("update sessions set ended_at = ?, end_reason = 'expired' where id = ? and ended_at is null",
                        (now, session_id))
            audit.record("session_expired", row["username"], role=row["role"], ip=row["ip"],
                         idle_minutes=round((now - row["last_seen"]) / 60, 1))
            return None, "expired"
        if now - row["last_seen"] > min(TOUCH_EVERY, idle / 4):
            con.execute("update sessions set last_seen = ? where id = ?", (now, session_id))
    return _session(row), "ok"


def end(session_id: str, reason: str = "signed_out") -> Session | None:
    """End a session (sign-out); returns it if it was live. Audited."""
    with store.connect() as con:
        row = con.execute("update sessions set ended_at = ?, end_reason = ? where id = ? and ended_at is null"
                          " returning *", (time.time(), reason, session_id)).fetchone()
    if row is None:
        return None
    audit.record("signout", row["username"], role=row["role"], ip=row["ip"], reason=reason)
    return _session(row)


def end_for(username: str, reason: str) -> int:
    """End every live session of an account (its password, role or county changed, or it was disabled)."""
    with store.connect() as con:
        ended = con.execute("update sessions set ended_at = ?, end_reason = ? where username = ? and source = "
                            "'password' and ended_at is null returning id", (time.time(), reason, username)).fetchall()
    return len(ended)


def by_oidc_key(key: str) -> dict | None:
    """The session a single sign-on login started (live or ended), or None."""
    with store.connect() as con:
        row = con.execute("select * from sessions where oidc_key = ?", (key,)).fetchone()
    return None if row is None else dict(row)


def live(*, now: float | None = None) -> list[dict]:
    """The sessions not ended and not past the inactivity limit, most recently used first."""
    now = time.time() if now is None else now
    with store.connect() as con:
        rows = con.execute("select * from sessions where ended_at is null and last_seen >= ? order by last_seen desc",
                           (now - settings().idle_minutes * 60,)).fetchall()
    return [dict(r) for r in rows]
