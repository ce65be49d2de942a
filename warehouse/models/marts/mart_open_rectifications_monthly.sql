-- zh: 每月末在办（未销号）的整改事项明细，含逾期天数、企业信用扣分及来源文件与行号
-- en: Rectification items open at each month end, with days overdue, credit points and the source file and row
-- column overdue_at_month: 月末逾期未销号 | Past its deadline at the month end
-- column state: 月末状态（逾期 / 在办） | State at the month end (overdue / open)
-- column days_overdue: 月末逾期天数（未逾期为空） | Days past the deadline at the month end (empty: not overdue)
-- column credit_points: 该事项导致的企业信用分变化 | Credit points this item cost its firm
-- column source_file: 来源文件 | Source file
-- column source_row: 来源文件行号 | Row in the source file
-- column month: 月份（月末） | Month (month end)
-- column issue_id: 问题编号 | Item id
-- column source: 问题来源 | Source
-- column county_code: 县区行政区划代码 | County adcode
-- column town: 街道/乡镇 | Town or street office
-- column compound_id: 小区编码 | Compound id
-- column compound_name: 小区名称 | Compound name
-- column firm_credit_code: 责任物业企业统一社会信用代码 | Credit code of the firm responsible
-- column firm_name: 物业企业名称 | Firm name
-- column category: 问题类别 | Category
-- column description: 问题描述 | Description
-- column found_on: 发现日期 | Found on
-- column deadline: 整改期限 | Deadline
with points as (
    select ref_id, sum(points) as credit_points
    from core_credit_deductions
    where ref_type = 'rectification'
    group by all
)
select
    r.month,
    r.issue_id,
    r.source,
    r.county_code,
    r.town,
    r.compound_id,
    r.compound_name,
    r.firm_credit_code,
    f.firm_name,
    r.category,
    r.description,
    r.found_on,
    r.deadline,
    r.overdue_at_month,
    case when r.overdue_at_month then '逾期' else '在办' end as state,
    case when r.overdue_at_month then r.days_past_deadline end as days_overdue,
    coalesce(p.credit_points, 0) as credit_points,
    r._file as source_file,
    r._row as source_row
from core_rectification_months r
left join core_firms f using (firm_credit_code)
left join points p on p.ref_id = r.issue_id
where r.open_at_month
