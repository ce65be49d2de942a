"""Writes bulletin.docx, the Word template of the bulletin (docxtpl fields), so it can be rebuilt.

    python warehouse/reference/bulletin/make_template.py

The office may instead edit bulletin.docx in Word or WPS directly: keep the {{ ... }}, {%p ... %}
and {%tr ... %} fields, change anything else (letterhead, wording, fonts, margins). Fonts are named as
office PCs have them (方正小标宋简体 for the title, 黑体 for headings, 仿宋_GB2312 for the body; Word and
WPS substitute a similar face where one is missing) and the East Asian language is zh-CN.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

HERE = Path(__file__).resolve().parent
BODY, TITLE, HEADING, LATIN = "仿宋_GB2312", "方正小标宋简体", "黑体", "Times New Roman"
RED = RGBColor(0xC0, 0x00, 0x00)
# Where an office PC lacks a 公文 face, Word and WPS take the font table's w:altName (a face Windows has).
FALLBACKS = {BODY: "仿宋", TITLE: "宋体", HEADING: "SimHei"}


def east_asian(rpr_owner, font: str) -> None:
    """w:rFonts with the Chinese face in w:eastAsia, and w:lang w:eastAsia="zh-CN"."""
    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr, name in (("w:ascii", LATIN), ("w:hAnsi", LATIN), ("w:eastAsia", font), ("w:cs", LATIN)):
        fonts.set(qn(attr), name)
    fonts.set(qn("w:hint"), "eastAsia")
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def para(doc, text: str = "", font: str = BODY, size: float = 16, bold: bool = False, color=None,
         align=None, indent: bool = True, space_after: float = 0):
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    fmt = p.paragraph_format
    fmt.first_line_indent = Pt(size * 2) if indent and align is None else None
    fmt.space_after = Pt(space_after)
    fmt.line_spacing = Pt(28)
    if text:
        run = p.add_run(text)
        run.font.size = Pt(size)
        run.bold = bold
        if color is not None:
            run.font.color.rgb = color
        east_asian(run._r, font)
    return p


def heading(doc, text: str):
    return para(doc, text, font=HEADING, size=16)


def bottom_rule(p, color: str = "C00000", size: int = 18) -> None:
    ppr = p._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, val in (("w:val", "single"), ("w:sz", str(size)), ("w:space", "1"), ("w:color", color)):
        bottom.set(qn(k), val)
    border.append(bottom)
    ppr.append(border)


def table(doc, headers: list[str], fields: list[str], loop: str, widths_mm: list[float]):
    """A table whose second row repeats once per item: {%tr for ... %} / the fields / {%tr endfor %}."""
    t = doc.add_table(rows=4, cols=len(headers))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.cell(1, 0).merge(t.cell(1, len(headers) - 1))
    t.cell(3, 0).merge(t.cell(3, len(headers) - 1))
    contents = [headers, [f"{{%tr for r in {loop} %}}"], [f"{{{{ r.{f} }}}}" for f in fields], ["{%tr endfor %}"]]
    for i, row in enumerate(contents):
        for j, text in enumerate(row):
            cell = t.cell(i, j)
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = cell.paragraphs[0].add_run(text)
            run.font.size = Pt(12)
            run.bold = i == 0
            east_asian(run._r, HEADING if i == 0 else BODY)
    for j, w in enumerate(widths_mm):
        for row in t.rows:
            row.cells[j].width = Mm(w)
    return t


def font_fallbacks(doc) -> None:
    """Declare the Chinese faces in the font table with a fallback each (w:altName) and the GB2312 charset."""
    part = next(r.target_part for r in doc.part.rels.values() if r.reltype.endswith("/fontTable"))
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    fonts = "".join(f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
                    f'<w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
                    for name, alt in FALLBACKS.items())
    blob = part.blob.decode("utf-8")
    part._blob = blob.replace("</w:fonts>", fonts + "</w:fonts>").encode("utf-8")
    assert f'xmlns:w="{w}"' in blob


def build() -> Document:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    font_fallbacks(doc)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(16)
    east_asian(normal.element, BODY)

    para(doc, "武威市物业管理服务提质增效专项行动工作专班", TITLE, 24, color=RED, align=WD_ALIGN_PARAGRAPH.CENTER)
    para(doc, "{% if kind == 'monthly' %}通  报{% else %}考核通报{% endif %}", TITLE, 36, color=RED,
         align=WD_ALIGN_PARAGRAPH.CENTER)
    para(doc, "〔{{ year }}〕第{{ issue_no }}期", BODY, 16, align=WD_ALIGN_PARAGRAPH.CENTER)
    rule = para(doc, "专项行动工作专班办公室\t\t\t\t{{ issued }}", BODY, 14, align=WD_ALIGN_PARAGRAPH.LEFT)
    bottom_rule(rule)
    para(doc)
    para(doc, "{{ title }}", TITLE, 22, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12)
    para(doc, "各县区人民政府，市直有关部门：", indent=False)

    para(doc, "{%p if kind == 'monthly' %}", indent=False)
    para(doc, "现将{{ month_label }}全市物业管理服务提质增效专项行动推进情况通报如下。")
    heading(doc, "一、总体进展")
    para(doc, "{%p if not targets %}", indent=False)
    para(doc, "方案自{{ baseline }}起考核，本月尚不对照目标。")
    para(doc, "{%p endif %}", indent=False)
    para(doc, "{%p for r in targets %}", indent=False)
    para(doc, "{{ r.name }}：{{ month_label }}为{{ r.actual }}，按计划进度应达{{ r.expected }}，进度{{ r.status }}。"
              "距{{ r.deadline }}目标（{{ r.target }}）{% if r.months_left > 0 %}还有{{ r.months_left }}个月{% else %}已过期限{% endif %}"
              "{% if r.status != '已完成' %}，需每月{{ r.direction }}{{ r.required }}个百分点"
              "{% if r.required_compounds %}（每月新增约{{ r.required_compounds }}个小区）{% endif %}"
              "，按近6个月速度预计{{ r.projected }}达标{% endif %}。")
    para(doc, "{%p endfor %}", indent=False)
    heading(doc, "二、各县区排名")
    para(doc, "按专业物业服务覆盖率排名如下（状态为对照当期目标的计划进度）：")
    table(doc, ["排名", "县区", "物业覆盖率", "状态", "未覆盖小区", "业委会覆盖率", "状态", "每千户投诉", "逾期整改"],
          ["rank", "county", "coverage", "coverage_status", "remaining", "committee_coverage", "committee_status",
           "rolling12_rate", "overdue_items"], "ranking", [12, 30, 20, 18, 18, 20, 18, 18, 16])
    para(doc, "{{ burn_down }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    para(doc, "{{ complaints }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    heading(doc, "三、通报批评")
    para(doc, "{% if criticised %}{% for c in criticised %}{{ c.county }}（{{ c.metrics }}）"
              "{% if not loop.last %}、{% endif %}{% endfor %}进度严重滞后，予以通报批评，请于下月底前报送整改措施，"
              "限期整改。{% else %}本月无进度严重滞后的县区。{% endif %}")
    heading(doc, "四、物业服务企业信用红黑榜（{{ credit.quarter }}{% if credit.in_progress %}，截至{{ month_label }}{% endif %}）")
    para(doc, "{% if credit.red %}红榜：{% for f in credit.red %}{{ f.firm_name }}（{{ f.score }}分）"
              "{% if not loop.last %}、{% endif %}{% endfor %}。{% else %}本期无红榜企业。{% endif %}")
    para(doc, "{% if credit.black %}黑榜：{% for f in credit.black %}{{ f.firm_name }}（{{ f.score }}分）"
              "{% if not loop.last %}、{% endif %}{% endfor %}。请属地住建部门约谈黑榜企业，督促整改。"
              "{% else %}本期无黑榜企业。{% endif %}")
    heading(doc, "五、逾期未销号整改事项")
    para(doc, "{% if overdue %}截至{{ month_label }}末，{% for o in overdue %}{{ o.county }}{{ o.overdue_items }}项"
              "（最长逾期{{ o.max_days_overdue }}天，{{ o.compound_name }}“{{ o.category }}”问题"
              "{% if o.firm_name %}，责任企业{{ o.firm_name }}{% endif %}）{% if not loop.last %}；{% endif %}"
              "{% endfor %}。请各县区逐项销号。{% else %}截至{{ month_label }}末，无逾期未销号的整改事项。{% endif %}")
    heading(doc, "六、双随机检查与结果上传")
    para(doc, "{% if inspections.missing %}{{ inspections.quarter }}尚未开展双随机检查的县区："
              "{% for m in inspections.missing %}{{ m.county }}{% if not loop.last %}、{% endif %}{% endfor %}，"
              "请于季度内完成至少一轮检查。{% else %}{{ inspections.quarter }}各县区均已开展至少一轮双随机检查。{% endif %}")
    para(doc, "{% if inspections.pending %}尚未上传甘肃省互联网+监管系统或武威市信用信息共享平台的检查记录："
              "{% for p in inspections.pending %}{{ p.county }}{{ p.records }}条{% if not loop.last %}、{% endif %}"
              "{% endfor %}，请尽快补传。{% else %}检查记录均已上传两个平台。{% endif %}")
    para(doc, "{%p else %}", indent=False)
    para(doc, "根据《武威市物业管理服务提质增效专项行动实施方案》确定的目标任务，现将截至{{ month_label }}"
              "各期限目标完成情况考核通报如下。各期限按期限当月数据判定达标与否，期限后达到的单独注明。")
    para(doc, "{%p for d in deadlines %}", indent=False)
    heading(doc, "{{ loop.index | chinese_number }}、{{ d.name }}（{{ d.deadline }}，目标{{ d.target }}）")
    table(doc, ["范围", "期限当月实际值", "考核结果", "期限后达到"], ["scope", "value", "result", "reached"],
          "d.rows", [50, 40, 30, 36])
    para(doc, "{%p endfor %}", indent=False)
    heading(doc, "考核意见")
    para(doc, "{% if missed %}以下县区未按期完成目标任务，予以通报批评，限期整改："
              "{% for m in missed %}{{ m.name }}（{{ m.deadline }}）{{ m.counties }}{% if not loop.last %}；{% endif %}"
              "{% endfor %}。"
              "{% elif deadlines %}各县区均按期完成已到期的目标任务。{% else %}截至{{ month_label }}尚无到期的目标期限。{% endif %}")
    para(doc, "{% if targets %}当前期限目标：{% for r in targets %}{{ r.name }}{{ r.actual }}（{{ r.status }}，"
              "目标{{ r.target }}，{{ r.deadline }}）{% if not loop.last %}；{% endif %}{% endfor %}。{% endif %}")
    para(doc, "{%p endif %}", indent=False)
    # the plan's measured duties (mart_plan_scorecard), in the monthly bulletin
    para(doc, "{%p if plan %}", indent=False)
    heading(doc, "七、方案重点任务落实情况")
    para(doc, "全市各项可计量职责的完成情况如下（数据取自任务清单）：")
    table(doc, ["职责", "全市数值", "状态"], ["duty_zh", "value", "status"], "plan", [100, 28, 28])
    para(doc, "{%p endif %}", indent=False)
    para(doc)
    para(doc, "专项行动工作专班办公室", align=WD_ALIGN_PARAGRAPH.RIGHT)
    para(doc, "{{ issued }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    para(doc)
    para(doc, "数据截至：{{ data_month }}（数据仓库构建于 {{ built }}，批次 {{ run_id }}）。数据来源：各县区报送的住宅小区物业管理、"
              "业主委员会、12345热线工单、双随机检查、整改销号、企业信用等台账。数据质量：本次构建共收到文件{{ quality.files }}份，"
              "整份拒收{{ quality.files_rejected }}份，隔离数据行{{ quality.rows_quarantined }}行，入库并标注问题"
              "{{ quality.warnings }}处；{{ month_label }}报送文件{{ quality.files_in_month }}份。"
              "{% for f in quality.rejected %}拒收：{{ f.path }}（{{ f.reason }}）。{% endfor %}", size=12, indent=False)
    return doc


if __name__ == "__main__":
    build().save(HERE / "bulletin.docx")
    print(HERE / "bulletin.docx")
