"""The ledgers (台账) the counties send: their columns, headers and value rules.

This is the one description of every ledger (DOMAIN.md section 4). The demo generator writes
files from it, the readers map headers with it, the quality suites check values against it,
and the warehouse's raw tables take their column names and types from it.

Column kinds (what the normaliser turns a cell into):
    str       trimmed text, full-width folded to half-width
    code      an identifier kept as text (leading zeros matter)
    int       whole number          float   decimal number
    rate      0..1; "85%" and 85 (when > 1) are read as 0.85
    bool      是/否, 有/无, √/×, Y/N, true/false, 1/0, 本地/外地
    date      2024-03-05, 2024/3/5, 2024年3月5日, 20240305, Excel serial numbers
    datetime  a date plus an optional time (local, Asia/Shanghai)
    county    any variant of a county's name, or its adcode -> the adcode
    enum      one of `values`
A bool column's `values`, when given, are the two words a template offers for it (true first);
otherwise 是/否.

What the counties owe (the submission tracker, 报送情况): `cadence` is how often a ledger is due
(month, quarter, half_year; None: sent when something changes, never "missing"), `reported_by`
who sends it (county: each county its own file; city: one file for the whole city).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    zh: str
    kind: str = "str"
    required: bool = False
    aliases: tuple[str, ...] = ()
    values: tuple[str, ...] = ()
    pii: bool = False  # personal data: never stored in clear text
    # Value rules the suites check and the templates offer (expectations/suites.py):
    low: float | None = None      # the least value allowed (inclusive unless low_exclusive)
    high: float | None = None     # the greatest
    low_exclusive: bool = False
    up_to_this_year: bool = False  # a year: at most the current one (the high bound moves with the calendar)
    pattern: tuple[str, str, str] | None = None  # (regex, as written for people, severity: warning | error)
    # where this (column, value) holds, an unreadable cell of this column is no defect
    exempt_when: tuple[str, object] | None = None

    @property
    def headers(self) -> tuple[str, ...]:
        """Every header text that names this column."""
        return (self.name, self.zh, *self.aliases)


@dataclass(frozen=True)
class NotAbove:
    """Two columns of a row: `low` is at most `high` (a count within a total; a date not before another).
    The rule is named `rule`; its message names the count, or the later date, as the one to check."""
    rule: str
    low: str
    high: str


@dataclass(frozen=True)
class FilledWhen:
    """`column` is filled exactly when column `when` holds `value`: rules `{stem}_missing` and
    `{stem}_unexpected`."""
    stem: str
    column: str
    when: str
    value: str


@dataclass(frozen=True)
class Ledger:
    name: str
    zh: str
    en: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    # Words that identify the ledger in a file name or title row, most specific first.
    title_words: tuple[str, ...] = ()
    # A monthly snapshot: each file is the full state of one county at one month end.
    snapshot: bool = False
    cadence: str | None = None   # CADENCES, or None
    reported_by: str = "county"  # county | city
    # the date that places a row in a month: a file with no month in its title or name reports the
    # latest month in it (snapshots: their as_of)
    main_date: str | None = None
    label: tuple[str, str] = ("", "")  # (Chinese, English): the short name the pages show
    across: tuple[NotAbove | FilledWhen, ...] = ()  # rules across the columns of a row (warnings)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


CADENCES = ("month", "quarter", "half_year")

MANAGEMENT_MODES = ("专业物业", "社区托管", "业主自管", "单位自管", "无物业")
SERVICE_GRADES = ("一级", "二级", "三级", "未评定")
ASSESSED_GRADES = ("一级", "二级", "三级", "不达标")
CHANNELS = ("12345热线", "信访", "网络平台", "来电来访", "其他")
APPEAL_TYPES = ("投诉", "举报", "求助", "咨询", "建议", "表扬")
COMPLAINT_APPEAL_TYPES = ("投诉", "举报")  # only these count as complaints
CATEGORIES = ("服务质量", "收费", "设施维修", "电梯", "供暖", "供水", "供电", "供气", "停车",
              "噪音与相邻关系", "违建与群租", "消防通道", "业委会", "公共收益与维修资金",
              "物业交接与退出", "装修", "其他")
RESOLVED_LEVELS = ("小区", "社区", "街道", "县区部门", "市级部门")
COMPLAINT_STATUSES = ("已受理", "办理中", "已办结", "退回")
SATISFACTION = ("满意", "基本满意", "不满意", "未回访")
INSPECTION_RESULTS = ("未发现问题", "责令整改", "立案处罚")
RECTIFICATION_SOURCES = ("双随机检查", "日常巡查", "12345投诉", "承接查验", "清底排查")
RECTIFICATION_STATUSES = ("未整改", "整改中", "已销号")
COMMITTEE_TYPES = ("业主委员会", "物业管理委员会")
COMMITTEE_STATUSES = ("筹备中", "已成立", "到期未换届", "已解散")
UTILITIES = ("供水", "供电", "供气", "供热")
MEDIATION_OUTCOMES = ("调解成功", "调解失败", "转诉讼")
CREDIT_EVENT_KINDS = ("合同履行", "投诉处理", "日常检查", "街道意见", "行政处罚", "表彰")

C = Column

COMPOUNDS = Ledger(
    "compounds", "住宅小区物业管理台账", "Residential compounds",
    label=("住宅小区", "Compounds"),
    key=("compound_id", "as_of"), snapshot=True, cadence="month",
    title_words=("住宅小区物业管理台账", "小区物业管理台账", "住宅小区台账", "compounds"),
    across=(NotAbove("occupied_le_households", "occupied_households", "households"),
            FilledWhen("firm_code", "firm_credit_code", "management_mode", MANAGEMENT_MODES[0])),
    columns=(
        C("as_of", "统计月份", "date", aliases=("报送月份", "截止日期", "填报月份")),
        C("compound_id", "小区编码", "code", True, aliases=("小区代码", "编码", "小区ID")),
        C("compound_name", "小区名称", "str", True, aliases=("小区", "项目名称")),
        C("county", "县区", "county", True, aliases=("县（区）", "县(区)", "所属县区", "区县")),
        C("town", "街道/乡镇", "str", True, aliases=("街道（乡镇）", "街道(乡镇)", "乡镇街道", "街道", "乡镇")),
        C("community", "社区", "str", aliases=("所属社区", "社区（村）")),
        C("address", "地址", "str", aliases=("小区地址", "详细地址")),
        C("lon", "经度", "float"),
        C("lat", "纬度", "float"),
        C("built_year", "建成年份", "int", aliases=("建成年代", "竣工年份"), low=1950, up_to_this_year=True),
        C("floor_area_m2", "建筑面积", "float", aliases=("建筑面积（㎡）", "建筑面积(㎡)", "建筑面积(平方米)"),
          low=0, low_exclusive=True),
        C("buildings", "楼栋数", "int", aliases=("楼栋数（栋）", "栋数"), low=1),
        C("has_elevator", "有无电梯", "bool", aliases=("电梯",)),
        C("households", "总户数", "int", True, aliases=("户数", "总户数（户）", "住户数"), low=1),
        C("occupied_households", "入住户数", "int", aliases=("入住户数（户）",), low=0),
        C("is_old_compound", "老旧小区", "bool", aliases=("是否老旧小区",)),
        C("management_mode", "管理方式", "enum", True, values=MANAGEMENT_MODES,
          aliases=("管理模式", "物业管理方式")),
        C("firm_credit_code", "物业企业统一社会信用代码", "code",
          aliases=("统一社会信用代码", "企业信用代码", "信用代码")),
        C("firm_name", "物业企业名称", "str", aliases=("物业服务企业", "物业企业")),
        C("contract_start", "合同开始日期", "date", aliases=("合同起始日期", "合同开始")),
        C("contract_end", "合同结束日期", "date", aliases=("合同截止日期", "合同结束")),
        C("contract_filed", "合同备案", "bool", aliases=("合同是否备案",)),
        C("project_manager", "项目经理", "str"),
        C("service_grade", "服务等级", "enum", values=SERVICE_GRADES, aliases=("物业服务等级",)),
        C("fee_per_m2_month", "收费标准", "float",
          aliases=("收费标准（元/㎡·月）", "收费标准(元/㎡·月)", "物业费标准", "物业费"), low=0, high=5),
        C("fee_collection_rate", "收缴率", "rate", aliases=("物业费收缴率",), low=0, high=1),
        C("disclosure_posted", "公示", "bool", aliases=("是否公示", "信息公示")),
        C("takeover_inspected", "承接查验", "bool", aliases=("是否承接查验",)),
        C("red_property", "红色物业", "bool", aliases=("是否红色物业",)),
        C("beautiful_home", "美好家园", "bool", aliases=("是否美好家园",)),
    ),
)

FIRMS = Ledger(
    "firms", "物业服务企业台账", "Property-service firms",
    label=("物业企业", "Firms"),
    key=("firm_credit_code",), reported_by="city",
    title_words=("物业服务企业台账", "物业企业台账", "firms"),
    columns=(
        C("firm_credit_code", "统一社会信用代码", "code", True, aliases=("信用代码", "企业信用代码")),
        C("firm_name", "企业名称", "str", True, aliases=("物业企业名称", "名称")),
        C("registered_county", "注册地", "county", aliases=("注册县区", "注册地址"), exempt_when=("is_local", False)),
        C("is_local", "本地/外地", "bool", values=("本地", "外地"), aliases=("是否本地企业", "本地企业")),
        C("founded_on", "成立日期", "date", aliases=("成立时间",)),
        C("staff", "从业人数", "int", aliases=("员工人数", "从业人员"), low=0),
        C("has_party_org", "党组织", "bool", aliases=("是否建立党组织", "有无党组织")),
    ),
)

COMPLAINTS = Ledger(
    "complaints", "12345热线物业工单", "Complaints (12345 work orders)",
    label=("12345工单", "Complaints"),
    main_date="received_at", key=("ticket_id",), cadence="month", reported_by="city",
    across=(NotAbove("closed_after_received", "received_at", "closed_at"),),
    title_words=("12345", "工单", "信访", "complaints"),
    columns=(
        C("ticket_id", "工单编号", "code", True, aliases=("工单号", "编号")),
        C("received_at", "受理时间", "datetime", True, aliases=("来电时间", "登记时间")),
        C("channel", "来源渠道", "enum", values=CHANNELS, aliases=("渠道", "来源")),
        C("appeal_type", "诉求类型", "enum", True, values=APPEAL_TYPES, aliases=("工单类型",)),
        C("category", "诉求分类", "enum", values=CATEGORIES, aliases=("问题分类", "分类")),
        C("compound_id", "小区编码", "code", aliases=("小区代码",)),
        C("compound_name", "小区名称", "str", aliases=("涉及小区",)),
        C("address", "地址", "str", aliases=("诉求地址", "事发地址")),
        C("county", "县区", "county", aliases=("所属县区", "区县")),
        C("town", "街道/乡镇", "str", aliases=("街道", "乡镇")),
        C("firm_credit_code", "物业企业统一社会信用代码", "code", aliases=("统一社会信用代码",)),
        C("handling_unit", "承办单位", "str", aliases=("办理单位",)),
        C("resolved_level", "办结层级", "enum", values=RESOLVED_LEVELS, aliases=("化解层级",)),
        C("due_at", "办理时限", "datetime", aliases=("办结时限", "到期时间")),
        C("closed_at", "办结时间", "datetime", aliases=("完成时间",)),
        C("status", "状态", "enum", True, values=COMPLAINT_STATUSES, aliases=("办理状态", "工单状态")),
        C("substantiated", "是否属实", "bool", aliases=("属实",)),
        C("satisfaction", "回访满意度", "enum", values=SATISFACTION, aliases=("满意度",)),
        C("is_repeat", "重复件", "bool", aliases=("是否重复件", "重复工单")),
        C("complainant_name", "诉求人", "str", pii=True, aliases=("来电人", "姓名")),
        C("complainant_phone", "联系电话", "str", pii=True, aliases=("来电号码", "电话")),
        C("content", "诉求内容", "str", aliases=("工单内容", "内容")),
    ),
)

INSPECTIONS = Ledger(
    "inspections", "双随机一公开检查记录", "Spot inspections",
    label=("双随机检查", "Inspections"),
    main_date="inspected_on", key=("inspection_id",), cadence="quarter",
    title_words=("双随机", "检查记录", "inspections"),
    columns=(
        C("inspection_id", "检查编号", "code", True, aliases=("编号",)),
        C("quarter", "季度", "str", True, aliases=("检查季度",), pattern=(r"^\d{4}Q[1-4]$", "2025Q3", "warning")),
        C("inspected_on", "检查日期", "date", True, aliases=("检查时间",)),
        C("county", "县区", "county", True, aliases=("所属县区",)),
        C("department", "检查部门", "str", aliases=("检查单位",)),
        C("firm_credit_code", "物业企业统一社会信用代码", "code", aliases=("统一社会信用代码",)),
        C("compound_id", "小区编码", "code", True, aliases=("小区代码",)),
        C("items", "检查事项", "str"),
        C("findings", "发现问题数", "int", True, aliases=("问题数",), low=0),
        C("result", "检查结果", "enum", True, values=INSPECTION_RESULTS),
        C("penalty_cny", "罚款金额", "float", aliases=("罚款金额（元）", "罚款金额(元)"), low=0),
        C("uploaded_supervision", "上传互联网+监管系统", "bool", aliases=("是否上传监管系统",)),
        C("uploaded_credit", "上传信用平台", "bool", aliases=("是否上传信用平台",)),
    ),
)

GRADE_ASSESSMENTS = Ledger(
    "grade_assessments", "物业服务等级考评", "Service-grade assessments",
    label=("等级考评", "Grade assessments"),
    main_date="period", key=("compound_id", "period"), cadence="half_year",
    title_words=("服务等级考评", "等级考评", "grade_assessments"),
    columns=(
        C("compound_id", "小区编码", "code", True, aliases=("小区代码",)),
        # the warehouse parses the period (stg_grade_assessments): anything else would fail the build
        C("period", "考评周期", "str", True, aliases=("考评期间",),
          pattern=(r"^\d{4}(?:H[12]|Q[1-4])?$", "2025H1、2025H2、2025Q3、2025", "error")),
        C("firm_credit_code", "物业企业统一社会信用代码", "code", aliases=("统一社会信用代码",)),
        C("score", "考评得分", "float", True, aliases=("得分", "分数"), low=0, high=100),
        C("grade", "核定等级", "enum", True, values=ASSESSED_GRADES, aliases=("等级",)),
        C("previous_grade", "原等级", "enum", values=SERVICE_GRADES, aliases=("上期等级",)),
        C("published", "公示", "bool", aliases=("是否公示",)),
    ),
)

RECTIFICATIONS = Ledger(
    "rectifications", "问题整改销号台账", "Rectification items",
    label=("问题整改", "Rectifications"),
    main_date="found_on", key=("issue_id",),
    title_words=("整改销号", "整改台账", "rectifications"),
    across=(NotAbove("deadline_after_found", "found_on", "deadline"),
            FilledWhen("closed_on", "closed_on", "status", RECTIFICATION_STATUSES[-1])),
    columns=(
        C("issue_id", "问题编号", "code", True, aliases=("编号",)),
        C("source", "问题来源", "enum", True, values=RECTIFICATION_SOURCES, aliases=("来源",)),
        C("compound_id", "小区编码", "code", True, aliases=("小区代码",)),
        C("firm_credit_code", "物业企业统一社会信用代码", "code", aliases=("统一社会信用代码",)),
        C("category", "问题类别", "str", aliases=("问题分类",)),
        C("description", "问题描述", "str"),
        C("found_on", "发现日期", "date", True),
        C("deadline", "整改期限", "date", True, aliases=("整改时限",)),
        C("status", "整改状态", "enum", True, values=RECTIFICATION_STATUSES, aliases=("状态",)),
        C("closed_on", "销号日期", "date", aliases=("销号时间",)),
    ),
)

COMMITTEES = Ledger(
    "committees", "业主大会业主委员会台账", "Owners' committees",
    label=("业委会", "Committees"),
    key=("compound_id", "as_of"), snapshot=True, cadence="month",
    title_words=("业主委员会", "业主大会", "物业管理委员会", "committees"),
    columns=(
        C("as_of", "统计月份", "date", aliases=("报送月份", "截止日期", "填报月份")),
        C("compound_id", "小区编码", "code", True, aliases=("小区代码",)),
        C("committee_type", "组织类型", "enum", values=COMMITTEE_TYPES, aliases=("类型",)),
        C("status", "成立状态", "enum", True, values=COMMITTEE_STATUSES, aliases=("状态",)),
        C("established_on", "成立日期", "date"),
        C("term_end", "任期届满日期", "date", aliases=("任期届满", "任期截止")),
        C("members", "委员人数", "int", aliases=("成员人数",), low=0),
        C("party_members", "党员人数", "int", aliases=("其中党员",), low=0),
        C("filed", "备案", "bool", aliases=("是否备案",)),
        C("trainings_this_year", "本年培训次数", "int", aliases=("培训次数",), low=0),
    ),
)

UTILITIES_LEDGER = Ledger(
    "utilities", "水电气暖产权排查台账", "Utilities census (water, power, gas, heat)",
    label=("水电气暖", "Utilities"),
    main_date="as_of", key=("compound_id", "utility"),
    title_words=("水电气暖", "产权排查", "utilities"),
    columns=(
        C("as_of", "统计月份", "date", aliases=("排查日期", "截止日期")),
        C("compound_id", "小区编码", "code", True, aliases=("小区代码",)),
        C("utility", "类别", "enum", True, values=UTILITIES, aliases=("管线类别", "类型")),
        C("ownership_clarified", "产权明晰", "bool", aliases=("产权是否明晰",)),
        C("billed_to_household", "收费到户", "bool"),
        C("serviced_to_household", "服务到户", "bool"),
        C("operator", "运营单位", "str", aliases=("产权（运营）单位",)),
    ),
)

MEDIATIONS = Ledger(
    "mediations", "人民调解台账", "Mediations",
    label=("人民调解", "Mediations"),
    main_date="opened_on", key=("case_id",), cadence="quarter",
    title_words=("人民调解", "调解", "mediations"),
    columns=(
        C("case_id", "案件编号", "code", True, aliases=("编号",)),
        C("opened_on", "受理日期", "date", True),
        C("compound_id", "小区编码", "code", aliases=("小区代码",)),
        C("dispute_type", "纠纷类型", "str"),
        C("outcome", "调解结果", "enum", values=MEDIATION_OUTCOMES),
    ),
)

JOINT_MEETINGS = Ledger(
    "joint_meetings", "三方联动联席会议台账", "Joint meetings (community, committee and firm)",
    label=("联席会议", "Joint meetings"),
    main_date="held_on", key=("meeting_id",), cadence="quarter",
    title_words=("联席会议", "三方联动", "joint_meetings"),
    columns=(
        C("meeting_id", "会议编号", "code", True, aliases=("编号",)),
        C("held_on", "召开日期", "date", True, aliases=("会议日期",)),
        C("county", "县区", "county", True),
        C("town", "街道/乡镇", "str", aliases=("街道", "乡镇")),
        C("compound_ids", "涉及小区编码", "str", aliases=("小区编码",)),
        C("issues_raised", "议定问题数", "int", aliases=("提出问题数",), low=0),
        C("issues_resolved", "解决问题数", "int", low=0),
    ),
)

CREDIT_EVENTS = Ledger(
    "credit_events", "物业企业信用信息记录", "Credit events",
    label=("信用信息", "Credit events"),
    main_date="occurred_on", key=("event_id",), cadence="month", reported_by="city",
    title_words=("信用信息", "credit_events"),
    columns=(
        C("event_id", "记录编号", "code", True, aliases=("编号",)),
        C("firm_credit_code", "统一社会信用代码", "code", True, aliases=("物业企业统一社会信用代码",)),
        C("occurred_on", "发生日期", "date", True),
        C("kind", "信用事项", "enum", True, values=CREDIT_EVENT_KINDS, aliases=("类型",)),
        C("points", "加减分", "float", True, aliases=("分值",)),
        C("source_unit", "报送单位", "str", aliases=("来源单位",)),
        C("note", "说明", "str", aliases=("备注",)),
    ),
)

LEDGERS: dict[str, Ledger] = {lg.name: lg for lg in (
    COMPOUNDS, FIRMS, COMPLAINTS, INSPECTIONS, GRADE_ASSESSMENTS, RECTIFICATIONS,
    COMMITTEES, UTILITIES_LEDGER, MEDIATIONS, JOINT_MEETINGS, CREDIT_EVENTS)}
