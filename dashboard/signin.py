"""The sign-in page and the door in front of the app: Starlette routes and middleware that server.py
mounts beside Streamlit.

GET /signin shows the form (Chinese; English with ?lang=en). POST /signin checks the password
(access.accounts: argon2id, lockout) and sets the session cookie: HttpOnly, SameSite=Lax, a random
token that the server keeps only as a hash; then it goes on to the page asked for (a path on this
server, nothing secret in it). GET /signout ends the session.

The door (Gate) sends a page load without a live session to /signin, turns a single sign-on login
(st.login's identity cookie) into a session through the claim mapping in the settings, and serves
/media files (the downloads) only to a live session whose role may download. It is the door, not
the lock: the app's script checks the session again on every run (dashboard/auth.py), and the query
layer and download helper check what it may read.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import datetime
from html import escape
from urllib.parse import parse_qs, urlencode, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from access import accounts, audit, sessions
from access.accounts import SignInRefused
from access.roles import DOWNLOAD
from access.sessions import COOKIE
from access.settings import load as settings
from dashboard.i18n import t

CSRF_COOKIE = "wuwei_signin"
COOKIE_DAYS = 30  # the cookie's own life; the server ends an unused session long before (idle_minutes)
# Streamlit's own paths (and ours) that are not a page load
NOT_PAGES = ("/_stcore/", "/static/", "/media/", "/component/", "/app/static/", "/auth/", "/oauth2callback",
             "/signin", "/signout", "/favicon")
STREAMLIT_USER_COOKIES = ("_streamlit_user", "_streamlit_user_tokens")
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "Cache-Control": "no-store",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}


def _lang(request: Request) -> str:
    lang = request.query_params.get("lang") or parse_qs(urlsplit(_next(request)).query).get("lang", [""])[0]
    return "en" if lang == "en" else "zh"


def _next(request: Request, form: dict | None = None) -> str:
    """Where to go after signing in: a path on this server, never another site."""
    target = (form or {}).get("next") or request.query_params.get("next") or "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target


def _session_cookie(response: Response, request: Request, token: str) -> None:
    response.set_cookie(COOKIE, token, max_age=COOKIE_DAYS * 86400, path="/", httponly=True, samesite="lax",
                        secure=request.url.scheme == "https")


def _live_session(request: Request) -> sessions.Session | None:
    return sessions.resolve(request.cookies.get(COOKIE))[0]


PAGE = """<!doctype html>
<html lang="{html_lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · {app}</title>
<style>
body {{ margin: 0; min-height: 100vh; display: flex; align-items: center; justify-content: center;
  background: #F3F5F8; color: #1F2A37; font: 16px/1.5 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC',
  'Noto Sans SC', 'Source Han Sans SC', 'WenQuanYi Micro Hei', sans-serif; }}
main {{ width: 22rem; background: #fff; border-radius: 0.75rem; padding: 2rem 2.25rem;
  box-shadow: 0 2px 12px rgba(31, 42, 55, 0.08); border-top: 4px solid #B22A2E; }}
h1 {{ font-size: 1.3rem; margin: 0; }} .sub {{ color: #5B6675; font-size: 0.85rem; margin: 0.2rem 0 1.5rem; }}
label {{ display: block; font-size: 0.9rem; margin: 0.9rem 0 0.3rem; }}
input {{ box-sizing: border-box; width: 100%; padding: 0.55rem 0.7rem; font: inherit; border: 1px solid #C9D0DA;
  border-radius: 0.5rem; }} input:focus {{ outline: 2px solid #B22A2E33; border-color: #B22A2E; }}
button, .sso {{ display: block; box-sizing: border-box; width: 100%; margin-top: 1.4rem; padding: 0.6rem; font: inherit;
  text-align: center; border-radius: 0.5rem; cursor: pointer; text-decoration: none; }}
button {{ background: #B22A2E; color: #fff; border: 0; }} .sso {{ border: 1px solid #B22A2E; color: #B22A2E; }}
.or {{ text-align: center; color: #5B6675; font-size: 0.85rem; margin-top: 1rem; }}
.msg {{ border-radius: 0.5rem; padding: 0.6rem 0.8rem; font-size: 0.9rem; }}
.error {{ background: #FDECEC; color: #8A1C1F; }} .info {{ background: #EAF2FB; color: #1D4E89; }}
footer {{ display: flex; justify-content: space-between; margin-top: 1.5rem; font-size: 0.8rem; color: #5B6675; }}
footer a {{ color: #1D4E89; }}
</style></head>
<body><main>
<h1>{app}</h1><p class="sub">{subtitle}</p>
{message}
<form method="post" action="/signin">
<input type="hidden" name="csrf" value="{csrf}"><input type="hidden" name="next" value="{next}">
<input type="hidden" name="lang" value="{lang}">
<label for="username">{username_label}</label>
<input id="username" name="username" value="{username}" autocomplete="username" autocapitalize="none"
  required autofocus>
<label for="password">{password_label}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">{submit}</button>
</form>
{sso}
<footer><span>{footer}</span><a href="/signin?{other_query}">{other_language}</a></footer>
</main></body></html>"""


def _page(request: Request, lang: str, *, status: int = 200, error: str = "", info: str = "",
          username: str = "", next_path: str | None = None) -> HTMLResponse:
    """The form, with a fresh anti-forgery token (in a cookie and the form: a post must carry both)."""
    csrf = secrets.token_urlsafe(24)
    next_path = next_path or _next(request)
    oidc = settings().oidc
    message = "".join(f'<p class="msg {kind}" role="{role}">{escape(text)}</p>'
                      for kind, role, text in (("error", "alert", error), ("info", "status", info)) if text)
    sso = (f'<p class="or">{escape(t("signin.or", lang))}</p><a class="sso" href="/?sso=1">'
           f'{escape(oidc.label_en if lang == "en" else oidc.label_zh)}</a>') if oidc else ""
    html = PAGE.format(
        html_lang="en" if lang == "en" else "zh-CN", title=escape(t("signin.title", lang)),
        app=escape(t("app.title", lang)), subtitle=escape(t("app.subtitle", lang)), message=message,
        csrf=csrf, next=escape(next_path), lang=lang, username_label=escape(t("signin.username", lang)),
        username=escape(username), password_label=escape(t("signin.password", lang)),
        submit=escape(t("signin.submit", lang)), sso=sso, footer=escape(t("signin.footer", lang)),
        other_query=escape(urlencode({"next": next_path, "lang": "zh" if lang == "en" else "en"})),
        other_language="中文" if lang == "en" else "English")
    response = HTMLResponse(html, status_code=status, headers=HEADERS)
    response.set_cookie(CSRF_COOKIE, csrf, path="/signin", httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")
    return response


async def signin_form(request: Request) -> Response:
    lang = _lang(request)
    reason = request.query_params.get("reason")
    info = {"expired": "signin.expired", "ended": "signin.signed_out", "signed_out": "signin.signed_out"}.get(reason)
    error = t("signin.sso_refused", lang) if reason == "sso_refused" else ""
    if not error and not await run_in_threadpool(accounts.all_accounts) and settings().oidc is None:
        error = t("signin.no_accounts", lang)
    return _page(request, lang, info=t(info, lang) if info else "", error=error)


async def signin_submit(request: Request) -> Response:
    form = dict(await request.form())
    lang = "en" if form.get("lang") == "en" else "zh"
    next_path = _next(request, form)
    username = str(form.get("username", ""))[:64]
    sent, expected = str(form.get("csrf", "")), request.cookies.get(CSRF_COOKIE, "")
    if not expected or not secrets.compare_digest(sent, expected):
        return _page(request, lang, status=400, error=t("signin.form_expired", lang), username=username,
                     next_path=next_path)
    ip = request.client.host if request.client else None
    try:  # argon2 takes a good part of a second: off the event loop, which serves every session
        account = await run_in_threadpool(accounts.authenticate, username, str(form.get("password", "")), ip=ip)
    except SignInRefused as refused:
        if refused.reason == "locked":
            until = datetime.fromtimestamp(refused.locked_until).strftime("%H:%M")
            return _page(request, lang, status=423, error=t("signin.locked", lang, time=until), username=username,
                         next_path=next_path)
        return _page(request, lang, status=403 if refused.reason == "disabled" else 401, username=username,
                     error=t(f"signin.{refused.reason}", lang), next_path=next_path)
    token = await run_in_threadpool(sessions.start, account["username"], account["display_name"], account["role"],
                                    account["county_code"], ip=ip)
    response = RedirectResponse(next_path, status_code=303)
    _session_cookie(response, request, token)
    response.delete_cookie(CSRF_COOKIE, path="/signin")
    return response


async def signout(request: Request) -> Response:
    """End the session and clear its cookie: only for a request from this site (a page elsewhere cannot
    sign anyone out) or typed into the address bar."""
    lang = "en" if request.query_params.get("lang") == "en" else "zh"
    if request.headers.get("sec-fetch-site", "none") not in ("same-origin", "none"):
        return RedirectResponse("/", status_code=303)
    token = request.cookies.get(COOKIE)
    if token:
        await run_in_threadpool(sessions.end, sessions.digest(token))
    response = RedirectResponse(f"/signin?{urlencode({'reason': 'signed_out', 'lang': lang})}", status_code=303)
    for name in (COOKIE, *STREAMLIT_USER_COOKIES):
        response.delete_cookie(name, path="/")
    return response


ROUTES = [Route("/signin", signin_form, methods=["GET"]), Route("/signin", signin_submit, methods=["POST"]),
          Route("/signout", signout, methods=["GET"])]


# -- single sign-on: st.login's identity cookie -> a session ------------------------------------------

def _sso_claims(request: Request) -> dict | None:
    """The claims in Streamlit's identity cookie after st.login, checked as Streamlit checks them (its
    signature with the cookie secret, and the origin), or None."""
    from streamlit.auth_util import get_cookie_with_chunks
    from streamlit.web.server.server_util import get_cookie_secret
    from streamlit.web.server.starlette.starlette_app_utils import decode_signed_value

    if STREAMLIT_USER_COOKIES[0] not in request.cookies:
        return None
    secret = get_cookie_secret()

    def single(name: str) -> bytes | None:
        value = request.cookies.get(name)
        return None if value is None else decode_signed_value(secret, name, value.encode("latin-1"))

    raw = get_cookie_with_chunks(single, STREAMLIT_USER_COOKIES[0])
    try:
        claims = json.loads(raw) if raw else None
    except ValueError:
        return None
    origin = f"{request.url.scheme}://{request.url.netloc}"
    if not claims or not claims.get("is_logged_in") or claims.get("origin") != origin:
        return None
    return claims


def _sso_session(request: Request) -> tuple[str | None, str]:
    """A new session for a single sign-on login (its token, "ok"), or (None, why): one login starts one
    session, so a signed-out or expired one does not come back from the identity cookie left behind."""
    oidc = settings().oidc
    claims = _sso_claims(request) if oidc else None
    if claims is None:
        return None, "none"
    key = hashlib.sha256("|".join(str(claims.get(k)) for k in ("iss", "sub", "iat", "nonce")).encode()).hexdigest()
    if (earlier := sessions.by_oidc_key(key)) is not None:
        return None, earlier["end_reason"] or "ended"
    username = str(claims.get("preferred_username") or claims.get("email") or claims["sub"])
    ip = request.client.host if request.client else None
    try:
        role, county = oidc.role_for(claims)
    except ValueError as exc:
        audit.record("signin_failed", username, ip=ip, source="oidc", reason="no_role", detail=str(exc))
        return None, "sso_refused"
    return sessions.start(username, str(claims.get("name") or username), role, county, source="oidc", ip=ip,
                          oidc_key=key), "ok"


class Gate:
    """Pure ASGI middleware, in front of Streamlit's routes (websockets pass: the script checks them)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        request = Request(scope)
        path = request.url.path
        if path.startswith("/media/"):
            session = await run_in_threadpool(_live_session, request)
            if session is None or not session.may(DOWNLOAD):
                return await PlainTextResponse("403 Forbidden", status_code=403)(scope, receive, send)
        elif self._page_load(request) and (checked := await run_in_threadpool(
                sessions.resolve, request.cookies.get(COOKIE)))[0] is None:
            token, why = await run_in_threadpool(_sso_session, request)
            why = checked[1] if why == "none" else why  # an expired cookie says so on the sign-in page
            here = path + (f"?{request.url.query}" if request.url.query else "")
            if token:
                response = RedirectResponse(here, status_code=303)
                _session_cookie(response, request, token)
            else:
                query = {"next": here, **({"reason": why} if why in ("expired", "ended", "signed_out", "sso_refused")
                                          else {})}
                response = RedirectResponse(f"/signin?{urlencode(query)}", status_code=303)
                if STREAMLIT_USER_COOKIES[0] in request.cookies:  # an identity cookie whose login is over: drop it
                    for name in STREAMLIT_USER_COOKIES:
                        response.delete_cookie(name, path="/")
            return await response(scope, receive, send)
        await self.app(scope, receive, send)

    @staticmethod
    def _page_load(request: Request) -> bool:
        path = request.url.path
        return (request.method in ("GET", "HEAD") and not path.startswith(NOT_PAGES)
                and "." not in path.rsplit("/", 1)[-1] and request.query_params.get("sso") != "1")


MIDDLEWARE = [Middleware(Gate)]


def streamlit_secrets() -> dict | None:
    """st.login's provider, from the sign-in settings (Streamlit reads it as its [auth] secrets)."""
    oidc = settings().oidc
    return {"auth": dict(oidc.provider)} if oidc else None
