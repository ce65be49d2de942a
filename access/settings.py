"""Sign-in and upload settings: <data>/access/settings.toml (not in git; every key optional), read again when
it changes.

    idle_minutes = 30          # a session ends after this long without use (a meeting display in rotation is in use)
    max_failures = 5           # wrong passwords in a row that lock an account ...
    lockout_minutes = 15       # ... for this long (an administrator may unlock it sooner)
    upload_max_mb = 50         # the largest ledger file the upload page takes (MB)

    [oidc]                     # single sign-on through Streamlit's st.login; leave out for built-in accounts only
    label_zh = "统一身份认证登录"
    label_en = "Sign in with single sign-on"
    client_id = "..."
    client_secret = "..."
    server_metadata_url = "https://sso.example.gov.cn/.well-known/openid-configuration"
    redirect_uri = "http://<this server>:8501/oauth2callback"
    cookie_secret = "<a long random string>"
    role_claim = "groups"      # the claim naming the user's groups (a string or a list)
    county_claim = "county"    # the claim naming a county officer's county (adcode or name)

    [oidc.roles]               # a group in role_claim -> a role; the first role in ROLES order wins
    "wuwei-admin" = "admin"
    "wuwei-county" = "county"
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from access import store
from access.roles import ROLES, check

PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url", "redirect_uri", "cookie_secret")


class SettingsError(ValueError):
    """The settings file cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Oidc:
    provider: dict[str, str]                   # what st.login needs, as Streamlit's [auth] secrets
    roles: dict[str, str] = field(default_factory=dict)
    role_claim: str = "groups"
    county_claim: str = "county"
    label_zh: str = "统一身份认证登录"
    label_en: str = "Sign in with single sign-on"

    def role_for(self, claims: dict) -> tuple[str, str | None]:
        """(role, county) from a token's claims through the mapping; ValueError when they give none."""
        groups = claims.get(self.role_claim)
        groups = [groups] if isinstance(groups, str) else list(groups or [])
        mapped = {self.roles[g] for g in groups if g in self.roles}
        role = next((code for code in ROLES if code in mapped), None)
        if role is None:
            raise ValueError(f"令牌中没有可用的角色（{self.role_claim}={groups}） | The token's {self.role_claim} "
                             f"{groups} maps to no role")
        return check(role, claims.get(self.county_claim))


@dataclass(frozen=True)
class Settings:
    idle_minutes: float = 30
    max_failures: int = 5
    lockout_minutes: float = 15
    upload_max_mb: float = 50
    oidc: Oidc | None = None


def path() -> Path:
    return store.folder() / "settings.toml"


_cache: dict[tuple[Path, float], Settings] = {}


def load() -> Settings:
    """The settings in force (defaults where the file is silent, or with no file)."""
    file = path()
    try:
        stamp = (file, file.stat().st_mtime)
    except FileNotFoundError:
        return Settings()
    if stamp not in _cache:
        _cache.clear()
        _cache[stamp] = parse(file)
    return _cache[stamp]


def _positive(data: dict, key: str, kind: type, file: Path):
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0 or kind(value) != value:
        raise SettingsError(f"{file}: {key} 应为正{'整' if kind is int else ''}数，而不是 {value!r} | "
                            f"{key} must be a positive {kind.__name__}, not {value!r}")
    return kind(value)


def parse(file: Path) -> Settings:
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{file}: 不是有效的 TOML | not valid TOML: {exc}") from None
    known = {"idle_minutes": float, "max_failures": int, "lockout_minutes": float, "upload_max_mb": float}
    unknown = set(data) - {*known, "oidc"}
    if unknown:
        raise SettingsError(f"{file}: 未知的设置 | unknown settings: {', '.join(sorted(unknown))}")
    values = {key: _positive(data, key, kind, file) for key, kind in known.items() if key in data}
    return Settings(**values, oidc=_oidc(data["oidc"], file) if "oidc" in data else None)


def _oidc(section: dict, file: Path) -> Oidc:
    missing = [k for k in PROVIDER_KEYS if not section.get(k)]
    if missing:
        raise SettingsError(f"{file}: [oidc] 缺少 | is missing {', '.join(missing)}")
    roles = dict(section.get("roles", {}))
    wrong = {group: role for group, role in roles.items() if role not in ROLES}
    if wrong:
        raise SettingsError(f"{file}: [oidc.roles] 的角色不存在 | maps to no such role: {wrong} "
                            f"(roles: {', '.join(ROLES)})")
    extra = {k: section[k] for k in ("role_claim", "county_claim", "label_zh", "label_en") if k in section}
    return Oidc(provider={k: str(section[k]) for k in PROVIDER_KEYS}, roles=roles, **extra)
