"""Sign-in, roles and the audit trail in a real browser on the demo city: each role signs in and sees its
pages, is refused the rest (also by editing the URL, and by calling a download directly), a wrong
password locks an account, a session survives a reload and ends when unused (but not a rotating meeting
display), and single sign-on goes round trip through a local OIDC provider."""

from __future__ import annotations

import csv
import io
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from access import accounts, audit, sessions, settings
from tests.browser.conftest import PASSWORD, OfflinePage, in_data

NAV = {"admin": {"数据探索", "系统管理"}, "leader": set(), "analyst": {"数据探索"}, "county": set()}
GUARDED = {"explore": "数据探索", "admin": "系统管理"}
PICO = "https://cdn.jsdelivr.net/npm/@picocss/pico@2/css/pico.min.css"  # the provider's page links it


def events(data_dir, event: str, actor: str | None = None) -> list[dict]:
    with in_data(data_dir):
        return [e for e in audit.read() if e["event"] == event and (actor is None or e["actor"] == actor)]


def nav_titles(page: OfflinePage) -> set[str]:
    view_more = page.page.get_by_test_id("stSidebarNavViewButton")
    if view_more.count() and "more" in view_more.inner_text().lower():
        view_more.click()
    return set(page.page.get_by_test_id("stSidebarNavLink").all_inner_texts())


def submit(page: OfflinePage, username: str, password: str) -> None:
    page.page.fill("#username", username)
    page.page.fill("#password", password)
    page.page.click("button[type=submit]")
    page.page.wait_for_load_state()


def test_signing_in_returns_to_the_page_asked_for_and_a_reload_keeps_the_session(browser, app_url, demo_data_dir):
    p = OfflinePage(browser, app_url, role=None)
    p.page.goto(f"{app_url}/complaints?scope=620621")
    expect(p.page).to_have_url(re.compile(r"/signin\?next=%2Fcomplaints%3Fscope%3D620621"))
    p.screenshot("signin")
    before = len(events(demo_data_dir, "signin", "t-leader"))
    submit(p, "t-leader", PASSWORD)
    p.settle()
    assert re.search(r"/complaints\?scope=620621", p.page.url)
    expect(p.page.get_by_text("t-leader · 领导")).to_be_visible()
    cookie = next(c for c in p.context.cookies() if c["name"] == "wuwei_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert cookie["value"] not in p.page.url
    p.page.reload()
    p.settle()
    assert "/complaints" in p.page.url and "/signin" not in p.page.url
    expect(p.page.get_by_text("t-leader · 领导")).to_be_visible()
    assert len(events(demo_data_dir, "signin", "t-leader")) == before + 1  # one sign-in: the reload reused it
    with in_data(demo_data_dir):
        assert cookie["value"] not in audit.path().read_text(encoding="utf-8")  # the token is never logged
    assert p.outside == []
    p.context.close()


def test_wrong_passwords_lock_the_account(browser, app_url, demo_data_dir):
    with in_data(demo_data_dir):
        if accounts.get("t-lockme") is None:
            accounts.create("t-lockme", "leader", password=PASSWORD, actor="tests")
        accounts.unlock("t-lockme", actor="tests")
    p = OfflinePage(browser, app_url, role=None)
    p.page.goto(f"{app_url}/signin")
    for _ in range(2):
        submit(p, "t-lockme", "not-the-password")
        expect(p.page.get_by_role("alert")).to_have_text("用户名或密码不正确。")
    submit(p, "t-lockme", "not-the-password")  # the third (max_failures = 3 in the tests' settings)
    expect(p.page.get_by_role("alert")).to_contain_text("账户已锁定至")
    submit(p, "t-lockme", PASSWORD)  # locked: even the right password is refused
    expect(p.page.get_by_role("alert")).to_contain_text("账户已锁定至")
    assert "/signin" in p.page.url
    p.screenshot("signin-locked")
    failed = [e["what"]["reason"] for e in events(demo_data_dir, "signin_failed", "t-lockme")[-4:]]
    assert failed == ["bad_password", "bad_password", "bad_password", "locked"]
    assert events(demo_data_dir, "account_locked", "t-lockme")[-1]["ip"] == "127.0.0.1"
    with in_data(demo_data_dir):
        accounts.unlock("t-lockme", actor="t-admin")
    assert p.sign_in("t-lockme") == 303
    p.context.close()


@pytest.mark.parametrize("role", ["admin", "leader", "analyst", "county"])
def test_each_desk_role_sees_its_pages_and_is_refused_the_others_by_url(browser, app_url, role):
    p = OfflinePage(browser, app_url, role)
    p.open("overview")
    titles = nav_titles(p)
    assert {"总览", "投诉分析", "数据质量"} <= titles
    assert titles & set(GUARDED.values()) == NAV[role]
    for url, title in GUARDED.items():
        if title in NAV[role]:
            continue
        p.open(url)  # typed into the address bar
        expect(p.page.get_by_text(re.compile(r"无权访问：.+不能打开此页面"))).to_be_visible()
        assert p.page.get_by_label("SQL 查询").count() == 0 and p.page.get_by_role("tab").count() == 0
    p.screenshot(f"role-{role}")
    assert p.errors() == 0 and p.outside == []
    p.context.close()


def test_a_meeting_display_sees_meeting_mode_only(browser, app_url):
    p = OfflinePage(browser, app_url, "display")
    p.open("")
    expect(p.page.get_by_test_id("meeting-count")).to_be_visible()
    assert p.page.get_by_test_id("stSidebar").count() == 0
    assert p.page.get_by_role("button", name="下载 CSV").count() == 0
    for url in ("complaints", "explore", "admin", "tables"):
        p.open(url)
        expect(p.page.get_by_text(re.compile(r"无权访问：会议屏不能打开此页面"))).to_be_visible()
    assert p.errors() == 0
    p.context.close()


def test_a_county_officer_editing_the_url_gets_a_refusal(browser, app_url, demo_db, demo_data_dir):
    compound, name = demo_db.sql("select compound_id, compound_name from core_compounds where county_code = '620602'"
                                 " order by compound_id limit 1").fetchall()[0]
    p = OfflinePage(browser, app_url, "county")
    p.open("compound", compound=compound)
    expect(p.page.get_by_text(f"无权查看：该记录（{compound}）不属于民勤县")).to_be_visible()
    assert name not in p.page.get_by_test_id("stMain").inner_text()
    p.open("complaints", scope="620602")
    expect(p.page.get_by_text(re.compile("无权查看凉州区的明细记录"))).to_be_visible()
    expect(p.page.get_by_test_id("stMetricValue").first).to_be_visible()  # 凉州区's aggregates still show
    p.screenshot("county-officer-refused")
    refused = {e["what"]["target"] for e in events(demo_data_dir, "refused", "t-minqin")}
    assert {compound, "620602"} <= refused
    p.context.close()


def hotspot_csv(page: OfflinePage):
    with page.page.expect_download() as download:
        page.page.locator(".st-key-hotspots-csv button").click()
    return download.value


def test_downloads_hold_the_officers_county_and_refuse_a_direct_call(browser, app_url, demo_db, demo_data_dir):
    p = OfflinePage(browser, app_url, "county")
    p.open("complaints", scope="620600")  # the whole city in view: the records are still the own county's
    expect(p.page.get_by_text("明细记录与下载只含本县区（民勤县）", exact=False)).to_be_visible()
    download = hotspot_csv(p)
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    month = demo_db.sql("select max(month) from mart_compound_complaints_monthly").fetchall()[0][0]
    expected = [n for (n,) in demo_db.sql(
        "select compound_name from mart_compound_complaints_monthly where month = ? and county_code = '620621' "
        "order by city_compound_share limit ?", params=[month, len(rows)]).fetchall()]
    assert rows and {r["county_code"] for r in rows} == {"民勤县"}
    assert [r["compound_name"] for r in rows] == expected
    logged = events(demo_data_dir, "download", "t-minqin")[-1]
    assert logged["what"]["file"] == download.suggested_filename and logged["what"]["rows"] == len(rows)

    # the file's address, called directly: not without a session, not by a role that may not download
    assert browser.new_context().request.get(download.url).status == 403
    display = OfflinePage(browser, app_url, "display")
    assert display.context.request.get(download.url).status == 403
    assert p.context.request.get(download.url).status == 200
    display.context.close()

    # signed out in another tab: the button still on the page no longer makes the file
    other = p.context.new_page()
    other.goto(f"{app_url}/signout")
    expect(other).to_have_url(re.compile(r"/signin\?reason=signed_out"))
    count = len(events(demo_data_dir, "download", "t-minqin"))
    with pytest.raises(Exception, match="Timeout"), p.page.expect_download(timeout=5000):
        p.page.locator(".st-key-hotspots-csv button").click()
    assert len(events(demo_data_dir, "download", "t-minqin")) == count
    assert events(demo_data_dir, "signout", "t-minqin")[-1]["what"]["reason"] == "signed_out"
    p.context.close()


def test_every_console_query_is_audited(browser, app_url, demo_data_dir):
    p = OfflinePage(browser, app_url, "analyst")
    p.open("explore")
    sql = "select count(*) as compounds from core_compounds"
    p.page.get_by_label("SQL 查询").fill(sql)
    p.page.get_by_role("button", name="运行").click()
    p.settle()
    entry = events(demo_data_dir, "sql_query", "t-analyst")[-1]
    assert (entry["what"]["sql"], entry["what"]["outcome"], entry["what"]["rows"]) == (sql, "ok", 1)
    assert entry["role"] == "analyst" and entry["ip"] == "127.0.0.1"
    p.context.close()


def test_a_session_ends_when_unused_but_a_rotating_display_stays(browser, app_url, demo_data_dir, oidc_provider):
    with in_data(demo_data_dir):
        saved = settings.path().read_text(encoding="utf-8")
        settings.path().write_text("idle_minutes = 0.25\n" + saved, encoding="utf-8")  # 15 seconds
    try:
        desk = OfflinePage(browser, app_url, "leader")
        desk.open("overview")
        display = OfflinePage(browser, app_url, "display")
        display.open("", mode="meeting", dwell="2")
        first = display.page.get_by_test_id("meeting-count").inner_text()
        time.sleep(18)
        desk.page.reload()
        expect(desk.page).to_have_url(re.compile(r"/signin\?.*reason=expired"))
        expect(desk.page.get_by_role("status")).to_have_text("长时间未操作，已自动退出，请重新登录。")
        assert display.page.get_by_test_id("meeting-count").inner_text() != first  # it went on rotating
        display.page.reload()
        display.settle()
        assert "/signin" not in display.page.url  # still signed in after 18 seconds of rotation
        expect(display.page.get_by_test_id("meeting-count")).to_be_visible()
        assert events(demo_data_dir, "session_expired", "t-leader")
        desk.context.close()
        display.context.close()
    finally:
        with in_data(demo_data_dir):
            settings.path().write_text(saved, encoding="utf-8")


def sso(browser, app_url, oidc_provider, user: str) -> OfflinePage:
    p = OfflinePage(browser, app_url, role=None)
    p.page.goto(f"{app_url}/")
    p.page.get_by_role("link", name="统一身份认证登录").click()
    expect(p.page).to_have_url(re.compile(re.escape(oidc_provider) + "/oauth2/authorize"))
    p.page.get_by_role("button", name=user).click()
    p.page.wait_for_load_state()
    return p


def test_single_sign_on_round_trip_maps_claims_to_role_and_county(browser, app_url, oidc_provider, demo_data_dir):
    p = sso(browser, app_url, oidc_provider, "sso-minqin")
    p.settle()
    expect(p.page.get_by_text("单点民勤 · 县区填报员 · 民勤县")).to_be_visible()
    p.screenshot("sso-county-officer")
    signin = events(demo_data_dir, "signin", "sso.minqin")[-1]
    assert (signin["what"]["source"], signin["role"], signin["what"]["county"]) == ("oidc", "county", "620621")
    assert p.outside == [PICO]  # the provider's page asked the CDN for a stylesheet: blocked, and it worked
    assert p.errors() == 0
    p.page.goto(f"{app_url}/signout")
    expect(p.page).to_have_url(re.compile(r"/signin\?reason=signed_out"))
    p.page.goto(f"{app_url}/complaints")  # signed out stays signed out: the provider's identity does not return
    expect(p.page).to_have_url(re.compile(r"/signin\?next="))
    p.context.close()

    refused = sso(browser, app_url, oidc_provider, "sso-cleaner")  # groups that map to no role
    expect(refused.page).to_have_url(re.compile(r"/signin\?.*reason=sso_refused"))
    expect(refused.page.get_by_role("alert")).to_contain_text("统一身份认证未给出可用的角色")
    assert events(demo_data_dir, "signin_failed", "sso.cleaner")[-1]["what"]["reason"] == "no_role"
    with in_data(demo_data_dir):
        assert not [s for s in sessions.live() if s["username"] == "sso.cleaner"]
    refused.context.close()
