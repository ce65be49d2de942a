"""The bulletin (通报) and the year-end assessment: the numbers in the Word file and the PDF equal the marts
(queried here independently), the PDF embeds Simplified-Chinese faces, and the wording is the template's."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from datetime import date

import docx
import pytest

from reports import bulletin
from tests.conftest import open_warehouse

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")


def pct(x: float) -> str:
    return f"{x * 100:.1f}%"


@pytest.fixture(scope="module")
def month(golden) -> date:
    return golden.execute("select data_month from core_settings").fetchone()[0]


@pytest.fixture(scope="module")
def monthly(golden_db, month):
    return bulletin.make(golden_db, month, "monthly")


@pytest.fixture(scope="module")
def year_end(golden_db, month):
    return bulletin.make(golden_db, month, "year-end")


def pdf_text(pdf: bytes, tmp_path, layout: bool = True) -> str:
    path = tmp_path / "b.pdf"
    path.write_bytes(pdf)
    args = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def word_text(data: bytes) -> tuple[str, list[list[str]]]:
    d = docx.Document(io.BytesIO(data))
    tables = [[[c.text.strip() for c in row.cells] for row in t.rows] for t in d.tables]
    return "\n".join(p.text for p in d.paragraphs), tables


def ranking_from_marts(con, month: date) -> list[list[str]]:
    """The ranking as the marts have it, in the table's column order."""
    rows = con.execute("""
        select rank() over (order by c.coverage desc), sc.name_zh, c.coverage, s.status, c.remaining,
               k.committee_coverage, ks.status, r.rolling12_rate, coalesce(x.overdue_items, 0)
        from mart_coverage_monthly c
        join core_scopes sc on sc.scope_code = c.scope_code and sc.scope_level = 'county'
        join mart_committee_coverage_monthly k on k.scope_code = c.scope_code and k.month = c.month
        join mart_complaint_rate_monthly r on r.scope_code = c.scope_code and r.month = c.month
        left join mart_rectification_monthly x on x.scope_code = c.scope_code and x.month = c.month
             and x.source = '全部'
        left join mart_target_status s on s.scope_code = c.scope_code and s.month = c.month
             and s.metric = 'coverage' and s.is_active
        left join mart_target_status ks on ks.scope_code = c.scope_code and ks.month = c.month
             and ks.metric = 'committee_coverage' and ks.is_active
        where c.month = ? order by c.coverage desc, c.scope_code
    """, [month]).fetchall()
    return [[str(rank), name, pct(cov), st or "—", str(rem), pct(kc), kst or "—",
             "—" if rate is None else f"{rate:.1f}", str(od)]
            for rank, name, cov, st, rem, kc, kst, rate, od in rows]


def targets_from_marts(con, month: date) -> list[dict]:
    return [dict(zip(("metric", "actual", "expected", "status", "required", "months_left"), r, strict=True))
            for r in con.execute("""
        select metric, actual, expected, status, required_rate, months_left from mart_target_status
        where scope_code = (select city_code from core_settings) and month = ? and is_active
          and metric in ('coverage', 'committee_coverage', 'complaint_rate_ratio') order by metric
    """, [month]).fetchall()]


def test_word_ranking_equals_the_marts(monthly, golden, month):
    _, tables = word_text(monthly.docx)
    ranking = tables[0]
    assert ranking[0][:3] == ["排名", "县区", "物业覆盖率"]
    expected = ranking_from_marts(golden, month)
    assert len(expected) >= 2
    assert ranking[1:] == expected


def test_pdf_ranking_equals_the_marts(monthly, golden, month, tmp_path):
    text = pdf_text(monthly.pdf, tmp_path)
    for row in ranking_from_marts(golden, month):
        assert re.search(r"\s+".join(re.escape(cell) for cell in row), text), row


def summary_sentences(con, month) -> list[tuple[str, list[str]]]:
    names = {"coverage": "住宅小区专业物业服务覆盖率", "committee_coverage": "业主委员会（物业管理委员会）覆盖率",
             "complaint_rate_ratio": "物业投诉率（近12个月与基准年之比）"}
    out = []
    for t in targets_from_marts(con, month):
        parts = [names[t["metric"]], pct(t["actual"]), pct(t["expected"]), f"进度{t['status']}",
                 f"还有{t['months_left']}个月"]
        if t["status"] != "已完成":
            parts.append(f"{abs(t['required']) * 100:.1f}个百分点")
        out.append((t["metric"], parts))
    return out


def test_summary_numbers_equal_the_marts(monthly, golden, month, tmp_path):
    word, _ = word_text(monthly.docx)
    pdf = re.sub(r"\s+", "", pdf_text(monthly.pdf, tmp_path, layout=False))
    sentences = summary_sentences(golden, month)
    assert sentences
    for _metric, parts in sentences:
        line = next(p for p in word.splitlines() if p.startswith(parts[0] + "："))
        assert all(p in line for p in parts), (line, parts)
        at = pdf.index(parts[0] + "：")
        assert all(p in pdf[at:at + 200] for p in parts), parts


def test_year_end_judges_each_passed_deadline_at_its_month(year_end, golden, month, tmp_path):
    rows = golden.execute("""
        select t.deadline, sc.name_zh, t.value_at_deadline, t.met_at_deadline
        from mart_target_status t join core_scopes sc using (scope_code)
        where t.month = last_day(t.deadline) and t.month <= ? and t.metric <> 'complaint_rate_ratio'
    """, [month]).fetchall()
    assert rows, "the golden fixture has a passed deadline (2024-12-31)"
    _, tables = word_text(year_end.docx)
    cells = [r for t in tables for r in t[1:]]
    pdf = pdf_text(year_end.pdf, tmp_path)
    for _deadline, name, value, met in rows:
        expected = [name, pct(value), "达标" if met else "未达标"]
        assert any(r[:3] == expected for r in cells), expected
        assert re.search(r"\s+".join(map(re.escape, expected)) + r"\s", pdf), expected


def test_pdf_embeds_simplified_chinese_faces_and_no_type3(monthly, tmp_path):
    path = tmp_path / "b.pdf"
    path.write_bytes(monthly.pdf)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    fonts = out.splitlines()[2:]
    assert fonts
    for line in fonts:
        assert "CJKsc" in line or "CJK SC" in line, line
        assert "JP" not in line and "Type 3" not in line, line
        assert re.search(r"\byes\s+yes\s+yes\b", line), line  # embedded, subset, with a ToUnicode map


def test_word_names_the_office_fonts_and_zh_cn(monthly):
    xml = docx.Document(io.BytesIO(monthly.docx)).element.xml
    styles = docx.Document(io.BytesIO(monthly.docx)).styles["Normal"].element.xml
    assert 'w:eastAsia="仿宋_GB2312"' in styles and 'w:eastAsia="zh-CN"' in styles
    assert 'w:eastAsia="方正小标宋简体"' in xml
    fonts = next(r.target_part for r in docx.Document(io.BytesIO(monthly.docx)).part.rels.values()
                 if r.reltype.endswith("/fontTable")).blob.decode("utf-8")
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in fonts


def test_edited_wording_changes_both_files(golden_db, month, tmp_path):
    templates = tmp_path / "bulletin"
    shutil.copytree(bulletin.TEMPLATES, templates)
    typ = templates / "bulletin.typ.j2"
    typ.write_text(typ.read_text(encoding="utf-8").replace("= 考核意见", "= 考核意见（经专班审定）"), encoding="utf-8")
    d = docx.Document(templates / "bulletin.docx")
    para = next(p for p in d.paragraphs if p.text == "考核意见")
    para.runs[0].text = "考核意见（经专班审定）"
    d.save(templates / "bulletin.docx")

    edited = bulletin.make(golden_db, month, "year-end", template_dir=templates)
    assert "考核意见（经专班审定）" in word_text(edited.docx)[0]
    assert "考核意见（经专班审定）" in pdf_text(edited.pdf, tmp_path, layout=False)


def test_header_and_sections(monthly, month, tmp_path):
    text = re.sub(r"\s+", "", pdf_text(monthly.pdf, tmp_path, layout=False))
    for part in ["武威市物业管理服务提质增效专项行动工作专班", "通报", f"〔{month.year}〕第{month.month}期",
                 "一、总体进展", "二、各县区排名", "三、通报批评", "四、物业服务企业信用红黑榜",
                 "五、逾期未销号整改事项",
                 "六、双随机检查与结果上传", "数据截至", "数据质量"]:
        assert part in text, part


def test_cli_writes_both_files_and_refuses_a_month_without_data(golden_db, tmp_path, monkeypatch, capsys):
    from pipelines.__main__ import main

    monkeypatch.setenv("WUWEI_DATA_DIR", str(golden_db.parent.parent))
    assert main(["bulletin", "--month", "2025-02", "--kind", "year-end", "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["年终考核_2025-02.docx", "年终考核_2025-02.pdf"]
    assert main(["bulletin", "--month", "2019-01", "--out", str(tmp_path)]) == 1
    assert "2019-01" in capsys.readouterr().err


def test_a_failed_bulletin_does_not_fail_the_build(golden_db, monkeypatch):
    from pipelines import build

    def broken(*_):
        raise RuntimeError("no browser")

    monkeypatch.setattr(bulletin, "write_latest", broken)
    assert build.latest_bulletin(golden_db) == "RuntimeError: no browser"


def test_files_from_a_cursor_of_the_apps_read_only_connection(golden_db, month):
    """What the 总览 download buttons call."""
    with open_warehouse(golden_db) as con, con.cursor() as cur:
        assert bulletin.pdf_bytes(cur, month, "year-end").startswith(b"%PDF")
        assert bulletin.docx_bytes(cur, month, "year-end").startswith(b"PK")


def test_overview_offers_the_two_bulletins_for_the_month_in_view(golden_app_env):
    from tests.apptest import run_page

    at = run_page("overview", month="2025-02")
    assert not at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    for label in ["本月通报 Word", "本月通报 PDF", "年终考核 Word", "年终考核 PDF"]:
        assert label in labels


def test_plan_section_equals_the_scorecard(monthly, golden, month):
    duties = golden.execute("""
        select duty_zh, kind, value, coalesce(status, '无量化目标') from mart_plan_scorecard
        where scope_code = (select city_code from core_settings) and month = ? and measured and value is not null
        order by duty_order""", [month]).fetchall()
    assert duties
    _, tables = word_text(monthly.docx)
    plan = next(t for t in tables if t[0] == ["职责", "全市数值", "状态"])
    assert plan[1:] == [[d, pct(v) if k == "share" else f"{v:g}", s] for d, k, v, s in duties]


def test_every_target_metric_has_a_chinese_name(golden):
    from reports.data import metric_names

    names = metric_names(golden)
    metrics = [m for (m,) in golden.execute("select distinct metric from mart_target_status").fetchall()]
    assert all(names.get(m, m) != m for m in metrics), [m for m in metrics if m not in names]


def test_build_hook_writes_the_latest_months_bulletin(golden_db, tmp_path, monkeypatch):
    from pipelines import build

    monkeypatch.setenv("WUWEI_DATA_DIR", str(tmp_path))
    written = build.latest_bulletin(golden_db)
    assert [p.name for p in written] == ["通报_2025-02.docx", "通报_2025-02.pdf"]
    assert all(p.parent == tmp_path / "reports" and p.stat().st_size > 0 for p in written)


def test_no_browser_is_an_error_not_a_download(monkeypatch):
    from reports import charts

    monkeypatch.delenv("BROWSER_PATH", raising=False)
    monkeypatch.setattr(charts.shutil, "which", lambda _: None)
    with pytest.raises(RuntimeError, match="Chromium"):
        charts.browser()


def test_the_app_side_imports_neither_pipelines_nor_great_expectations():
    code = ("import sys, dashboard.downloads, reports.bulletin; "
            "print([m for m in sys.modules if m.startswith(('pipelines', 'great_expectations', 'expectations'))])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
