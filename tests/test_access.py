"""Accounts, lockout, sessions, settings and the audit trail (access/), without the app."""

from __future__ import annotations

import json
import time

import pytest
from argon2 import PasswordHasher

from access import accounts, audit, sessions, settings, store
from access.accounts import AccountError, SignInRefused
from access.roles import ROLES
from pipelines.__main__ import main as cli


@pytest.fixture
def data(tmp_path, monkeypatch):
    monkeypatch.setenv("WUWEI_DATA_DIR", str(tmp_path))
    return tmp_path


def events(kind: str | None = None) -> list[dict]:
    return [e for e in audit.read() if kind is None or e["event"] == kind]


def write_settings(text: str) -> None:
    settings.path().parent.mkdir(parents=True, exist_ok=True)
    settings.path().write_text(text, encoding="utf-8")


def test_passwords_are_stored_as_argon2id_hashes_only(data):
    password = accounts.create("wang", "leader", display_name="王局", actor="test")
    raw = store.database().read_bytes()
    assert password.encode() not in raw
    with store.connect() as con:
        hashed = con.execute("select password_hash from accounts").fetchone()[0]
    assert hashed.startswith("$argon2id$") and PasswordHasher().verify(hashed, password)
    assert oct(store.database().stat().st_mode & 0o777) == "0o600"
    assert accounts.authenticate("wang", password)["role"] == "leader"


def test_a_county_officer_has_exactly_one_county(data):
    with pytest.raises(AccountError, match="county"):
        accounts.create("li", "county", actor="test")
    accounts.create("li", "county", "民勤县", actor="test")
    assert accounts.get("li")["county_code"] == "620621"
    accounts.create("zhao", "analyst", "620621", actor="test")
    assert accounts.get("zhao")["county_code"] is None  # only a county officer is bound to a county
    with pytest.raises(AccountError, match="No such role"):
        accounts.create("qian", "superuser", actor="test")


def test_wrong_passwords_lock_the_account_then_it_opens_again(data):
    write_settings("max_failures = 3\nlockout_minutes = 10\n")
    password = accounts.create("sun", "analyst", actor="test")
    now = time.time()
    for _ in range(2):
        with pytest.raises(SignInRefused) as refused:
            accounts.authenticate("sun", "wrong-password", ip="10.0.0.9", now=now)
        assert refused.value.reason == "bad_credentials"
    with pytest.raises(SignInRefused) as refused:
        accounts.authenticate("sun", "wrong-password", ip="10.0.0.9", now=now)
    assert refused.value.reason == "locked" and refused.value.locked_until == pytest.approx(now + 600)
    with pytest.raises(SignInRefused, match="locked"):  # the right password does not open a locked account
        accounts.authenticate("sun", password, now=now + 599)
    assert accounts.authenticate("sun", password, now=now + 601)["username"] == "sun"
    failed = events("signin_failed")
    assert [e["what"]["reason"] for e in failed] == ["bad_password"] * 3 + ["locked"]
    assert all(e["ip"] == "10.0.0.9" for e in failed[:3])
    assert [e["what"]["failures"] for e in events("account_locked")] == [3]


def test_an_administrator_unlocks_and_a_success_resets_the_count(data):
    write_settings("max_failures = 2\n")
    password = accounts.create("zhou", "analyst", actor="test")
    for _ in range(2):
        with pytest.raises(SignInRefused):
            accounts.authenticate("zhou", "nope-nope-nope")
    accounts.unlock("zhou", actor="admin")
    assert accounts.authenticate("zhou", password)
    with pytest.raises(SignInRefused, match="bad_credentials"):  # counting starts again from 0
        accounts.authenticate("zhou", "nope-nope-nope")
    assert events("account_unlocked")[0]["actor"] == "admin"


def test_unknown_names_and_disabled_accounts_are_refused_and_audited(data):
    password = accounts.create("wu", "display", actor="test")
    with pytest.raises(SignInRefused, match="bad_credentials"):
        accounts.authenticate("nobody", "whatever-password")
    accounts.set_active("wu", False, actor="admin")
    with pytest.raises(SignInRefused, match="disabled"):
        accounts.authenticate("wu", password)
    assert [e["what"]["reason"] for e in events("signin_failed")] == ["unknown_user", "disabled"]


def test_session_survives_reuse_expires_when_idle_and_ends_at_sign_out(data):
    write_settings("idle_minutes = 10\n")
    token = sessions.start("zheng", "郑", "leader", None, ip="10.1.1.1")
    now = time.time()
    first, _ = sessions.resolve(token, now=now)
    again, why = sessions.resolve(token, now=now + 540)  # a reload nine minutes later: the same session
    assert why == "ok" and again == first and first.username == "zheng"
    assert sessions.resolve(token, now=now + 540 + 599)[1] == "ok"   # kept alive by the use at +540 s
    assert sessions.resolve(token, now=now + 540 + 601 + 600)[1] == "expired"
    assert sessions.resolve(token)[1] == "ended"
    assert events("session_expired")[0]["actor"] == "zheng"
    other = sessions.start("zheng", "郑", "leader", None)
    sessions.end(sessions.digest(other))
    assert sessions.resolve(other)[1] == "ended"
    assert sessions.resolve("made-up-token")[1] == "unknown"
    assert token not in store.database().read_text(errors="ignore")  # only the token's hash is kept
    assert [e["event"] for e in events()] == ["signin", "session_expired", "signin", "signout"]


def test_changing_an_account_ends_its_sessions(data):
    accounts.create("feng", "county", "620622", actor="test")
    tokens = [sessions.start("feng", "冯", "county", "620622") for _ in range(2)]
    accounts.set_role("feng", "county", "620623", actor="admin")
    assert [sessions.resolve(t)[1] for t in tokens] == ["ended", "ended"]
    change = events("role_changed")[0]
    assert change["actor"] == "admin"
    assert change["what"] == {"username": "feng", "role_before": "county", "county_before": "620622",
                              "role_after": "county", "county_after": "620623"}
    token = sessions.start("feng", "冯", "county", "620623")
    accounts.set_password("feng", "a-new-long-password", actor="admin")
    assert sessions.resolve(token)[1] == "ended"
    assert accounts.authenticate("feng", "a-new-long-password")


def test_first_start_creates_one_account_per_role_once(data):
    made = accounts.create_defaults(actor="cli:test")
    assert {u: (r, c) for u, (r, c, _) in made.items()} == {
        "admin": ("admin", None), "leader": ("leader", None), "analyst": ("analyst", None),
        "liangzhou": ("county", "620602"), "display": ("display", None)}
    for username, (_, _, password) in made.items():
        assert accounts.authenticate(username, password)["username"] == username
    assert accounts.create_defaults(actor="cli:test") == {}


def test_the_audit_trail_is_a_chain_that_shows_edits_and_deletions(data):
    for i in range(4):
        audit.record("sql_query", "analyst", role="analyst", ip="127.0.0.1", sql=f"select {i}")
    assert audit.verify() == (4, None)
    lines = audit.path().read_bytes().splitlines(keepends=True)
    edited = json.loads(lines[1])
    edited["what"]["sql"] = "select 99"
    audit.path().write_bytes(lines[0] + json.dumps(edited).encode() + b"\n" + b"".join(lines[2:]))
    entries, problem = audit.verify()
    assert entries == 2 and "line 3" in problem   # line 2 was changed: line 3 no longer follows it
    audit.path().write_bytes(lines[0] + b"".join(lines[2:]))  # a line deleted
    assert "line 2" in audit.verify()[1]
    audit.path().write_bytes(b"".join(lines))
    assert audit.verify() == (4, None)
    with pytest.raises(ValueError, match="unknown audit event"):
        audit.record("coffee", "me")


def test_settings_errors_name_the_file_and_the_key(data):
    assert settings.load() == settings.Settings()
    write_settings("idle_minutes = -5\n")
    with pytest.raises(settings.SettingsError, match=r"settings\.toml: idle_minutes"):
        settings.load()
    write_settings("idle_minute = 5\n")
    with pytest.raises(settings.SettingsError, match="unknown settings: idle_minute"):
        settings.load()
    write_settings('[oidc]\nclient_id = "x"\n')
    with pytest.raises(settings.SettingsError, match="missing client_secret"):
        settings.load()


OIDC = """
[oidc]
client_id = "wuwei"
client_secret = "s"
server_metadata_url = "http://127.0.0.1:1/.well-known/openid-configuration"
redirect_uri = "http://127.0.0.1:2/oauth2callback"
cookie_secret = "c"
[oidc.roles]
"wuwei-admins" = "admin"
"wuwei-staff" = "analyst"
"wuwei-counties" = "county"
"""


def test_single_sign_on_claims_map_to_a_role_and_county(data):
    write_settings(OIDC)
    oidc = settings.load().oidc
    assert oidc.role_for({"groups": ["wuwei-staff", "wuwei-admins"]}) == ("admin", None)  # ROLES order wins
    assert oidc.role_for({"groups": "wuwei-counties", "county": "古浪县"}) == ("county", "620622")
    with pytest.raises(ValueError, match="county"):
        oidc.role_for({"groups": ["wuwei-counties"]})
    with pytest.raises(ValueError, match="maps to no role"):
        oidc.role_for({"groups": ["cleaners"]})


def test_command_line_manages_accounts_and_checks_the_audit(data, capsys, monkeypatch):
    monkeypatch.setenv("WUWEI_ACTOR", "cli:root")
    assert cli(["accounts", "add", "chen", "--role", "county", "--county", "天祝县", "--name", "陈"]) == 0
    printed = capsys.readouterr().out
    password = next(line.split()[1] for line in printed.splitlines() if line.strip().startswith("chen"))
    assert accounts.authenticate("chen", password)["county_code"] == "620623"
    assert cli(["accounts", "role", "chen", "leader"]) == 0
    assert cli(["accounts", "disable", "chen"]) == 0
    assert cli(["accounts", "list"]) == 0
    assert "disabled" in capsys.readouterr().out
    assert cli(["accounts", "add", "chen", "--role", "leader"]) == 2
    assert "exists already" in capsys.readouterr().err
    assert cli(["audit", "--verify"]) == 0
    assert "intact: 3 entries" in capsys.readouterr().out
    out = data / "audit.csv"
    assert cli(["audit", "--event", "role_changed", "--csv", str(out)]) == 0
    text = out.read_text(encoding="utf-8-sig")
    assert text.count("\n") == 2 and "cli:root" in text and '""role_after"": ""leader""' in text


def test_every_audit_event_and_role_has_a_name_in_both_languages():
    from dashboard.i18n import TEXT

    for key in [f"event.{e}" for e in audit.EVENTS] + [f"role.{r}" for r in ROLES]:
        assert all(TEXT[key]), key
