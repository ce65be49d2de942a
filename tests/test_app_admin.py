"""系统管理 (AppTest, as an administrator, on a data folder of its own built from the golden fixture): accounts
made and changed from the page work at the sign-in and are audited with who did it; the audit trail shows
intact; a rebuild from the page is audited as this administrator's."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from access import accounts, audit
from access.accounts import SignInRefused
from tests.apptest import run_page
from tests.conftest import GOLDEN_LANDING, ROOT


@pytest.fixture(scope="module")
def admin_data(tmp_path_factory):
    data = tmp_path_factory.mktemp("admin-data")
    shutil.copytree(GOLDEN_LANDING, data / "landing")
    env = {**os.environ, "WUWEI_DATA_DIR": str(data), "WUWEI_PII_SALT": "test-salt"}
    subprocess.run([sys.executable, "-m", "pipelines", "build"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    mp = pytest.MonkeyPatch()
    mp.setenv("WUWEI_DATA_DIR", str(data))
    mp.setenv("WUWEI_PII_SALT", "test-salt")
    yield data
    mp.undo()


def widget(items, label: str):
    return next(w for w in items if w.label == label)


def submit(at, label: str):
    widget(at.button, label).click()
    return at.run()


def last(event: str) -> dict:
    return [e for e in audit.read() if e["event"] == event][-1]


def test_an_account_made_on_the_page_signs_in_and_its_changes_are_audited(admin_data):
    at = run_page("admin", role="admin")
    assert not at.exception
    widget(at.text_input, "用户名（小写字母、数字或 . _ -）").set_value("Zhang.Wei")
    widget(at.text_input, "姓名或单位").set_value("张伟")
    widget(at.selectbox, "角色").set_value("county")  # the first: the new-account form's
    widget(at.selectbox, "县区（仅县区填报员）").set_value("620621")
    at = submit(at, "创建")
    assert not at.exception
    assert at.success[0].value == "zhang.wei 的密码（只显示这一次，请转交本人）："
    password = at.code[0].value
    assert accounts.authenticate("zhang.wei", password)["county_code"] == "620621"
    created = last("account_created")
    assert (created["actor"], created["what"]["username"], created["what"]["county"]) == (
        "test-admin", "zhang.wei", "620621")
    assert "zhang.wei" in at.dataframe[0].value["用户名"].to_list()

    def change(action: str, **choices):
        page = run_page("admin", role="admin")
        widget(page.selectbox, "账户").set_value("zhang.wei")
        widget(page.radio, "操作").set_value(action)
        for key, value in choices.items():
            page.selectbox(key=key).set_value(value)
        return submit(page, "执行")

    at = change("role", **{"admin-role": "leader", "admin-county": None})
    assert at.success[0].value.startswith("已完成：zhang.wei")
    moved = last("role_changed")
    assert moved["actor"] == "test-admin"
    assert {k: moved["what"][k] for k in ("role_before", "county_before", "role_after", "county_after")} == {
        "role_before": "county", "county_before": "620621", "role_after": "leader", "county_after": None}
    at = change("password")
    new_password = at.code[0].value
    assert new_password != password and accounts.authenticate("zhang.wei", new_password)["role"] == "leader"
    with pytest.raises(SignInRefused):
        accounts.authenticate("zhang.wei", password)
    change("disable")
    with pytest.raises(SignInRefused, match="disabled"):
        accounts.authenticate("zhang.wei", new_password)
    change("enable")
    change("unlock")
    assert [e["event"] for e in audit.read() if e["what"].get("username") == "zhang.wei"] == [
        "account_created", "role_changed", "password_changed", "account_disabled", "account_enabled",
        "account_unlocked"]
    assert all(e["actor"] == "test-admin" for e in audit.read() if e["what"].get("username") == "zhang.wei")


def test_a_wrong_change_says_why(admin_data):
    at = run_page("admin", role="admin")
    widget(at.text_input, "用户名（小写字母、数字或 . _ -）").set_value("li")
    widget(at.selectbox, "角色").set_value("county")  # a county officer without a county
    at = submit(at, "创建")
    assert at.error[0].value.startswith("县区填报员须指定一个县区")
    assert "|" not in at.error[0].value  # the view's language only
    assert accounts.get("li") is None


def test_the_audit_tab_shows_the_trail_intact(admin_data):
    at = run_page("admin", role="admin")
    entries, problem = audit.verify()
    assert problem is None
    assert at.success[0].value == f"审计记录完整：共 {entries:,} 条，每条与前一条哈希衔接。"
    trail = next(f.value for f in at.dataframe if "事件" in f.value.columns)
    assert trail["序号"].iloc[0] == entries  # newest first
    assert "重新构建" in trail["事件"].to_list()  # the module's own build, from the command line


def test_a_rebuild_from_the_page_is_audited_as_the_administrators(admin_data):
    at = run_page("admin", role="admin", timeout=180)
    before = (admin_data / "warehouse" / "CURRENT").read_text()
    at = submit(at, "重新构建")
    assert not at.exception
    rebuilt = last("rebuild")
    assert (rebuilt["actor"], rebuilt["what"]["outcome"], rebuilt["what"]["command"]) == (
        "test-admin", "succeeded", "build")
    assert rebuilt["what"]["database"] == (admin_data / "warehouse" / "CURRENT").read_text().strip() != before.strip()


def test_the_settings_tab_shows_the_settings_in_force(admin_data):
    (admin_data / "access" / "settings.toml").write_text("idle_minutes = 45\n", encoding="utf-8")
    at = run_page("admin", role="admin")
    shown = next(f.value for f in at.dataframe if "设置" in f.value.columns)
    assert dict(zip(shown["设置"], shown["取值"], strict=True)) == {
        "无操作自动退出（分钟）": "45", "连续输错几次即锁定": "5", "锁定时长（分钟）": "15",
        "上传台账文件大小上限（MB）": "50", "统一身份认证（OIDC）": "未配置"}
