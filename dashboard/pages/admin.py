"""系统管理 (administrators only): accounts and live sessions, the audit trail (read, check, export),
a rebuild of the warehouse, and the sign-in settings in force. Every change here is audited by access/."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import streamlit as st

from access import accounts, audit, sessions
from access.roles import ADMIN, ROLES, counties
from access.settings import load as load_settings
from access.settings import path as settings_path
from contract import location
from dashboard import auth, shell
from dashboard.columns import label
from dashboard.downloads import table_downloads
from dashboard.i18n import half, t, v
from dashboard.shell import filters, page_header

AUDIT_SHOWN = 2000
FLASH_KEY = "admin_flash"  # the outcome of a change, shown after the rerun that shows the change


def flash(message: str, password: str | None = None, ok: bool = True) -> None:
    st.session_state[FLASH_KEY] = (ok, message, password)
    st.rerun()


def show_flash() -> None:
    if (outcome := st.session_state.pop(FLASH_KEY, None)) is None:
        return
    ok, message, password = outcome
    (st.success if ok else st.error)(message)
    if password:  # shown this once: it is stored only as a hash
        st.code(password, language=None)


def when(epoch: float | None) -> str | None:
    return datetime.fromtimestamp(epoch).strftime("%Y-%m-%d %H:%M") if epoch else None


def state(account: dict) -> str:
    if not account["active"]:
        return t("admin.state_disabled")
    if account["locked_until"] and account["locked_until"] > datetime.now().timestamp():
        return t("admin.state_locked", time=when(account["locked_until"]))
    return t("admin.state_active")


def account_table(rows: list[dict]) -> None:
    st.dataframe(pl.DataFrame({
        t("admin.col_username"): [r["username"] for r in rows],
        t("admin.col_name"): [r["display_name"] for r in rows],
        t("admin.col_role"): [t(f"role.{r['role']}") for r in rows],
        label("county"): [v(r["county_code"]) if r["county_code"] else "" for r in rows],
        t("admin.col_state"): [state(r) for r in rows],
        t("admin.col_last_signin"): [when(r["last_signin"]) for r in rows],
    }, schema_overrides={t("admin.col_last_signin"): pl.String}), hide_index=True, width="stretch")


def new_account(actor: str, ip: str | None) -> None:
    with st.form("admin-new", border=True):
        st.markdown(f"**{t('admin.new')}**")
        username = st.text_input(t("admin.username"))
        name = st.text_input(t("admin.display_name"))
        role = st.selectbox(t("admin.role"), list(ROLES), format_func=lambda r: t(f"role.{r}"))
        county = st.selectbox(t("admin.county"), [None, *counties()], format_func=lambda c: v(c) if c else "—")
        if not st.form_submit_button(t("admin.create"), type="primary"):
            return
    try:
        password = accounts.create(username, role, county, name or None, actor=actor, ip=ip)
    except accounts.AccountError as exc:
        flash(half(str(exc)), ok=False)
    flash(t("admin.password_once", user=username.strip().lower()), password)


ACTIONS = ("password", "role", "disable", "enable", "unlock")


def change_account(rows: list[dict], actor: str, ip: str | None) -> None:
    with st.form("admin-change", border=True):
        st.markdown(f"**{t('admin.change')}**")
        username = st.selectbox(t("admin.account"), [r["username"] for r in rows])
        action = st.radio(t("admin.action"), ACTIONS, format_func=lambda a: t(f"admin.action.{a}"), horizontal=True)
        role = st.selectbox(t("admin.role"), list(ROLES), format_func=lambda r: t(f"role.{r}"), key="admin-role")
        county = st.selectbox(t("admin.county"), [None, *counties()], format_func=lambda c: v(c) if c else "—",
                              key="admin-county")
        if not st.form_submit_button(t("admin.apply"), type="primary"):
            return
    password = None
    try:
        if action == "password":
            password = accounts.set_password(username, actor=actor, ip=ip)
        elif action == "role":
            accounts.set_role(username, role, county, actor=actor, ip=ip)
        elif action == "unlock":
            accounts.unlock(username, actor=actor, ip=ip)
        else:
            accounts.set_active(username, action == "enable", actor=actor, ip=ip)
    except accounts.AccountError as exc:
        flash(half(str(exc)), ok=False)
    flash(t("admin.password_once" if password else "admin.done", user=username), password)


def live_sessions() -> None:
    rows = sessions.live()
    st.subheader(t("admin.sessions"))
    shown = {
        t("admin.col_username"): [r["username"] for r in rows],
        t("admin.col_role"): [t(f"role.{r['role']}") for r in rows],
        label("county"): [v(r["county_code"]) if r["county_code"] else "" for r in rows],
        t("admin.col_source"): [t(f"admin.source.{r['source']}") for r in rows],
        t("admin.col_since"): [when(r["created_at"]) for r in rows],
        t("admin.col_last_seen"): [when(r["last_seen"]) for r in rows],
        t("admin.col_ip"): [r["ip"] for r in rows],
    }
    st.dataframe(pl.DataFrame(shown, schema=dict.fromkeys(shown, pl.String)), hide_index=True, width="stretch")


def audit_trail(data_month: date) -> None:
    entries, problem = audit.verify()
    if problem:
        st.error(t("admin.audit_broken", problem=half(problem)))
    else:
        st.success(t("admin.audit_ok", n=f"{entries:,}"))
    st.caption(t("admin.audit_where", path=audit.path()))
    cols = st.columns([2, 1, 1])
    kinds = cols[0].multiselect(t("admin.events"), audit.EVENTS, format_func=lambda e: t(f"event.{e}"))
    actor = cols[1].text_input(t("admin.actor")).strip().lower()
    since = cols[2].date_input(t("admin.since"), value=None)
    rows = [e for e in reversed(audit.read()) if (not kinds or e["event"] in kinds)
            and (not actor or actor in str(e["actor"]).lower())
            and (since is None or e["at"][:10] >= since.isoformat())]
    frame = pl.DataFrame({
        t("admin.col_seq"): [e["seq"] for e in rows],
        t("admin.col_at"): [e["at"] for e in rows],
        t("admin.col_event"): [t(f"event.{e['event']}") for e in rows],
        t("admin.actor"): [e["actor"] for e in rows],
        t("admin.col_role"): [t(f"role.{e['role']}") if e.get("role") in ROLES else "" for e in rows],
        t("admin.col_ip"): [e.get("ip") for e in rows],
        t("admin.col_what"): [" · ".join(f"{k}={val}" for k, val in e["what"].items()) for e in rows],
    }, schema_overrides={t("admin.col_seq"): pl.Int64, t("admin.col_ip"): pl.String})
    st.caption(t("admin.audit_shown", shown=f"{min(frame.height, AUDIT_SHOWN):,}", n=f"{frame.height:,}"))
    st.dataframe(frame.head(AUDIT_SHOWN), hide_index=True, width="stretch")
    labels = {t("admin.events"): ", ".join(kinds), t("admin.actor"): actor,
              t("admin.since"): since.isoformat() if since else ""}
    table_downloads(frame, t("admin.audit_file"), {k: val for k, val in labels.items() if val}, data_month,
                    key="admin-audit")


def rebuild(actor: str, ip: str | None) -> None:
    st.caption(t("admin.rebuild_intro", landing=location.landing_dir()))
    if st.button(t("admin.rebuild"), type="primary"):
        # the command line records the rebuild in the audit trail, as done by this user
        shell.run_pipeline(["build"], "admin.rebuild", env={"WUWEI_ACTOR": actor, "WUWEI_ACTOR_IP": ip or ""})


def settings_in_force() -> None:
    config = load_settings()
    st.caption(t("admin.settings_intro", path=settings_path()))
    oidc = config.oidc
    rows = [(t("admin.setting.idle_minutes"), f"{config.idle_minutes:g}"),
            (t("admin.setting.max_failures"), str(config.max_failures)),
            (t("admin.setting.lockout_minutes"), f"{config.lockout_minutes:g}"),
            (t("admin.setting.upload_max_mb"), f"{config.upload_max_mb:g}"),
            (t("admin.setting.oidc"), oidc.provider["server_metadata_url"] if oidc else t("admin.oidc_off"))]
    if oidc:
        rows.append((t("admin.setting.oidc_roles", claim=oidc.role_claim),
                     ", ".join(f"{group} → {t(f'role.{role}')}" for group, role in oidc.roles.items())))
    st.dataframe(pl.DataFrame(rows, schema=[t("admin.col_setting"), t("admin.col_value")], orient="row"),
                 hide_index=True, width="stretch")


f = filters()
page_header("page.admin", f)
user = auth.current()
if not user.may(ADMIN):  # the page registry does not show this page to other roles; this is the second lock
    shell.refuse("page", "admin", page="admin")
    st.stop()
ip = auth.client_ip(user)
tab_accounts, tab_audit, tab_rebuild, tab_settings = st.tabs(
    [t("admin.tab_accounts"), t("admin.tab_audit"), t("admin.tab_rebuild"), t("admin.tab_settings")])
with tab_accounts:
    show_flash()
    rows = accounts.all_accounts()
    account_table(rows)
    left, right = st.columns(2)
    with left:
        new_account(user.username, ip)
    with right:
        change_account(rows, user.username, ip)
    live_sessions()
with tab_audit:
    audit_trail(f.latest)
with tab_rebuild:
    rebuild(user.username, ip)
with tab_settings:
    settings_in_force()
