-- zh: 整改事项（含县区、是否逾期、逾期天数、销号用时，逾期按数据截至日计算）
-- en: Rectification items (county, overdue status and days, days to close; overdue as of the data date)
-- column is_overdue: 逾期未销号（截至数据截至日超过整改期限） | Overdue: not closed and past its deadline at the data date
-- column days_overdue: 逾期天数 | Days past the deadline
-- column closed_late: 超期销号 | Closed after the deadline
-- column days_to_close: 销号用时（天） | Days from finding to closure
-- column issue_id: 问题编号 | Item id
-- column source: 问题来源 | Source
-- column compound_id: 小区编码 | Compound id
-- column firm_credit_code: 物业企业统一社会信用代码 | Firm's unified social credit code
-- column category: 问题类别 | Category
-- column description: 问题描述 | Description
-- column found_on: 发现日期 | Found on
-- column deadline: 整改期限 | Deadline
-- column status: 整改状态（未整改 / 整改中 / 已销号） | Status (not started, in progress, closed)
-- column closed_on: 销号日期（已销号但未填为空：销号日期不明） | Closed on (empty when 已销号 came without a date: unknown)
-- column county_code: 小区所在县区行政区划代码 | County adcode of the compound
-- column town: 小区所在街道/乡镇 | Town of the compound
-- column compound_name: 小区名称 | Compound name
-- column is_closed: 已销号 | Closed (signed off)
-- column _file: 来源文件 | Source file
-- column _row: 来源文件中的行号 | Row number in the source file
with settings as (select data_month from core_settings)
select
    r.* exclude (_file, _row),
    c.county_code,
    c.town,
    c.compound_name,
    r.status = '已销号' as is_closed,
    r.status <> '已销号' and r.deadline < s.data_month as is_overdue,
    case when r.status <> '已销号' and r.deadline < s.data_month then date_diff('day', r.deadline, s.data_month) end
        as days_overdue,
    r.status = '已销号' and r.closed_on > r.deadline as closed_late,
    case when r.status = '已销号' then date_diff('day', r.found_on, r.closed_on) end as days_to_close,
    r._file,
    r._row
from stg_rectifications r
cross join settings s
left join core_compounds c using (compound_id)
