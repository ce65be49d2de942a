"""Built-in accounts: argon2id password hashes, lockout after repeated failures, and every change audited.

An account is bound to a role (and a county officer to one county). Changing an account's password,
role or county, or disabling it, ends its open sessions: the next page load asks it to sign in again.
"""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from access import audit, sessions, store
from access.roles import ROLES, check, counties
from access.settings import load as settings

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,31}$")
MIN_PASSWORD = 10
# letters and digits that cannot be mistaken for each other when read off a terminal
ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
HASHER = PasswordHasher()  # argon2id with argon2-cffi's defaults (RFC 9106's low-memory profile: 64 MiB, 3 passes)
_unknown_user_hash: list[str] = []  # checked against for a name with no account, so both take as long


class AccountError(ValueError):
    """A change that cannot be made; the message says why, in Chinese and English."""


@dataclass(frozen=True)
class SignInRefused(Exception):
    reason: str                      # bad_credentials, locked, disabled
    locked_until: float | None = None


def generate_password() -> str:
    """Sixteen characters in four groups (about 90 bits), easy to read off a screen."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(16))
    return "-".join(chars[i:i + 4] for i in range(0, 16, 4))


def _valid_name(username: str) -> str:
    name = username.strip().lower()
    if not USERNAME.match(name):
        raise AccountError(f"用户名须为 2–32 个小写字母、数字或 . _ -：{username!r} | A user name is 2–32 lower-case "
                           f"letters, digits or . _ -: {username!r}")
    return name


def _valid_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"密码至少 {MIN_PASSWORD} 个字符 | A password has at least {MIN_PASSWORD} characters")
    return password


def _public(row) -> dict:
    """An account row without its password hash."""
    account = dict(row)
    del account["password_hash"]
    return account


def get(username: str) -> dict | None:
    """The account (without its hash), or None."""
    with store.connect() as con:
        row = con.execute("select * from accounts where username = ?", (username.strip().lower(),)).fetchone()
    return None if row is None else _public(row)


def all_accounts() -> list[dict]:
    with store.connect() as con:
        rows = con.execute("select * from accounts order by role, username").fetchall()
    return [_public(r) for r in rows]


def _existing(con, username: str) -> dict:
    row = con.execute("select * from accounts where username = ?", (username,)).fetchone()
    if row is None:
        raise AccountError(f"没有这个账户：{username} | No such account: {username}")
    return dict(row)


def create(username: str, role: str, county: str | None = None, display_name: str | None = None,
           password: str | None = None, *, actor: str, ip: str | None = None) -> str:
    """A new account; returns its password (a generated one unless given): shown once, stored only as a hash."""
    name = _valid_name(username)
    try:
        role, county = check(role, county)
    except ValueError as exc:
        raise AccountError(str(exc)) from None
    password = _valid_password(password) if password is not None else generate_password()
    now = time.time()
    with store.connect() as con:
        if con.execute("select 1 from accounts where username = ?", (name,)).fetchone():
            raise AccountError(f"账户已存在：{name} | The account exists already: {name}")
        con.execute("insert into accounts (username, display_name, role, county_code, password_hash, created_at,"
                    " updated_at) values (?, ?, ?, ?, ?, ?, ?)",
                    (name, (display_name or name).strip(), role, county, HASHER.hash(password), now, now))
    audit.record("account_created", actor, ip=ip, username=name, role=role, county=county)
    return password


def set_password(username: str, password: str | None = None, *, actor: str, ip: str | None = None) -> str:
    """A new password (a generated one unless given); ends the account's sessions and clears a lockout."""
    name = username.strip().lower()
    password = _valid_password(password) if password is not None else generate_password()
    with store.connect() as con:
        _existing(con, name)
        con.execute("update accounts set password_hash = ?, failed_count = 0, locked_until = null, updated_at = ?"
                    " where username = ?", (HASHER.hash(password), time.time(), name))
    sessions.end_for(name, "account_changed")
    audit.record("password_changed", actor, ip=ip, username=name)
    return password


def set_role(username: str, role: str, county: str | None = None, *, actor: str, ip: str | None = None) -> None:
    name = username.strip().lower()
    try:
        role, county = check(role, county)
    except ValueError as exc:
        raise AccountError(str(exc)) from None
    with store.connect() as con:
        before = _existing(con, name)
        con.execute("update accounts set role = ?, county_code = ?, updated_at = ? where username = ?",
                    (role, county, time.time(), name))
    sessions.end_for(name, "account_changed")
    audit.record("role_changed", actor, ip=ip, username=name, role_before=before["role"],
                 county_before=before["county_code"], role_after=role, county_after=county)


def set_active(username: str, active: bool, *, actor: str, ip: str | None = None) -> None:
    name = username.strip().lower()
    with store.connect() as con:
        _existing(con, name)
        con.execute("update accounts set active = ?, updated_at = ? where username = ?",
                    (int(active), time.time(), name))
    if not active:
        sessions.end_for(name, "account_changed")
    audit.record("account_enabled" if active else "account_disabled", actor, ip=ip, username=name)


def unlock(username: str, *, actor: str, ip: str | None = None) -> None:
    name = username.strip().lower()
    with store.connect() as con:
        _existing(con, name)
        con.execute("update accounts set failed_count = 0, locked_until = null where username = ?", (name,))
    audit.record("account_unlocked", actor, ip=ip, username=name)


def authenticate(username: str, password: str, *, ip: str | None = None, now: float | None = None) -> dict:
    """The account if the password is right and the account may sign in, else SignInRefused.

    Each wrong password counts; at max_failures in a row the account is locked for lockout_minutes
    (while locked, not even the right password opens it). Every refusal is audited with its reason.
    """
    config = settings()
    now = time.time() if now is None else now
    name = username.strip().lower()
    with store.connect() as con:
        row = con.execute("select * from accounts where username = ?", (name,)).fetchone()
    if row is None:
        if not _unknown_user_hash:
            _unknown_user_hash.append(HASHER.hash(generate_password()))
        _verify(_unknown_user_hash[0], password)
        audit.record("signin_failed", name or "?", ip=ip, reason="unknown_user")
        raise SignInRefused("bad_credentials")
    if row["locked_until"] and row["locked_until"] > now:
        audit.record("signin_failed", name, role=row["role"], ip=ip, reason="locked")
        raise SignInRefused("locked", row["locked_until"])
    if not _verify(row["password_hash"], password):
        with store.connect() as con:  # counted in one statement: two wrong tries at once count twice
            failures = con.execute("update accounts set failed_count = failed_count + 1 where username = ?"
                                   " returning failed_count", (name,)).fetchone()[0]
            locked_until = now + config.lockout_minutes * 60 if failures >= config.max_failures else None
            if locked_until:
                con.execute("update accounts set failed_count = 0, locked_until = ? where username = ?",
                            (locked_until, name))
        audit.record("signin_failed", name, role=row["role"], ip=ip, reason="bad_password", failures=failures)
        if locked_until:
            audit.record("account_locked", name, role=row["role"], ip=ip, failures=failures,
                         minutes=config.lockout_minutes)
            raise SignInRefused("locked", locked_until)
        raise SignInRefused("bad_credentials")
    if not row["active"]:
        audit.record("signin_failed", name, role=row["role"], ip=ip, reason="disabled")
        raise SignInRefused("disabled")
    with store.connect() as con:
        con.execute("update accounts set failed_count = 0, locked_until = null, last_signin = ? where username = ?",
                    (now, name))
    if HASHER.check_needs_rehash(row["password_hash"]):
        with store.connect() as con:
            con.execute("update accounts set password_hash = ? where username = ?", (HASHER.hash(password), name))
    return _public(row)


def _verify(hashed: str, password: str) -> bool:
    try:
        return HASHER.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def create_defaults(*, actor: str) -> dict[str, tuple[str, str | None, str]]:
    """On a first start (no account yet): one account per role, the county officer for the region's first
    county. Returns user name -> (role, county, password), for printing once."""
    if all_accounts():
        return {}
    first = next(iter(counties()))
    county_user = counties()[first][1].split()[0].lower()  # "Liangzhou District" -> liangzhou
    made = {}
    for role in ROLES:
        username = county_user if ROLES[role].county_bound else role
        county = first if ROLES[role].county_bound else None
        made[username] = (role, county, create(username, role, county, actor=actor))
    return made
