"""The accounts and sessions file: <data>/access/access.sqlite, readable by its owner only.

A connection per use (the app's sessions, the sign-in page and the command line may write at once;
SQLite serialises them, WAL lets readers go on while one writes).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from contract import location

SCHEMA = """
create table if not exists accounts (
    username text primary key,
    display_name text not null,
    role text not null,
    county_code text,
    password_hash text not null,        -- argon2id, with its own salt and parameters
    active integer not null default 1,
    failed_count integer not null default 0,
    locked_until real,                  -- epoch seconds
    created_at real not null,
    updated_at real not null,
    last_signin real
);
create table if not exists sessions (
    id text primary key,                -- SHA-256 of the cookie's token: the token itself is never stored
    username text not null,
    display_name text not null,
    role text not null,
    county_code text,
    source text not null,               -- password or oidc
    oidc_key text unique,               -- one single sign-on login (issuer, subject, issued at)
    ip text,
    created_at real not null,
    last_seen real not null,
    ended_at real,
    end_reason text                     -- signed_out, expired, account_changed
);
"""
_ready: set[Path] = set()


def folder() -> Path:
    return location.data_dir() / "access"


def database() -> Path:
    return folder() / "access.sqlite"


@contextmanager
def connect() -> Iterator[sqlite3.Connection]:
    """A connection in autocommit mode; `with con:` around several statements makes them one transaction."""
    path = database()
    if path not in _ready:
        folder().mkdir(parents=True, exist_ok=True)
        os.chmod(folder(), 0o700)
    con = sqlite3.connect(path, timeout=15, isolation_level=None)
    con.row_factory = sqlite3.Row
    try:
        if path not in _ready:
            con.execute("pragma journal_mode = wal")
            con.executescript(SCHEMA)
            os.chmod(path, 0o600)
            _ready.add(path)
        yield con
    finally:
        con.close()
