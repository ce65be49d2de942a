-- zh: 整改事项×月份（自发现当月起每个月末的状态：是否已销号、在办、逾期）
-- en: Rectification item × month: its state at each month end from the month it was found (closed, open, overdue)
-- column closed_by_month: 月末前已销号（已销号但销号日期不明的，各月均计为已销号） | Closed by the month end (closed with no close date: closed in every month)
-- column open_at_month: 月末在办（未销号） | Open at the month end
-- column overdue_at_month: 月末逾期未销号（超过整改期限） | Open and past its deadline at the month end
-- column days_past_deadline: 月末距整改期限天数（月末 − 整改期限） | Days from the deadline to the month end
-- column found_in_month: 当月发现 | Found in the month
-- column closed_in_month: 当月销号（销号日期不明的不计入任何月份） | Closed in the month (an unknown close date is in no month)
-- column month: 月份（月末） | Month (month end)
-- column issue_id: 问题编号 | Item id
-- column source: 问题来源 | Source
-- column compound_id: 小区编码 | Compound id
-- column firm_credit_code: 物业企业统一社会信用代码 | Firm's unified social credit code
-- column category: 问题类别 | Category
-- column description: 问题描述 | Description
-- column found_on: 发现日期 | Found on
-- column deadline: 整改期限 | Deadline
-- column status: 整改状态（台账现状） | Status (as the ledger says now)
-- column closed_on: 销号日期（已销号但未填为空：销号日期不明） | Closed on (empty when 已销号 came without a date: unknown)
-- column county_code: 县区行政区划代码 | County adcode
-- column town: 街道/乡镇 | Town or street office
-- column compound_name: 小区名称 | Compound name
-- column is_closed: 已销号（台账现状） | Closed (as the ledger says now)
-- column is_overdue: 截至数据截至日逾期未销号 | Overdue at the data date
-- column days_overdue: 截至数据截至日逾期天数 | Days overdue at the data date
-- column closed_late: 超期销号 | Closed after the deadline
-- column days_to_close: 销号用时（天） | Days from finding to closure
-- column _file: 来源文件 | Source file
-- column _row: 来源文件行号 | Row in the source file
select
    m.month,
    i.* exclude (_file, _row),
    i.is_closed and coalesce(i.closed_on <= m.month, true) as closed_by_month,
    not (i.is_closed and coalesce(i.closed_on <= m.month, true)) as open_at_month,
    i.deadline < m.month and not (i.is_closed and coalesce(i.closed_on <= m.month, true)) as overdue_at_month,
    date_diff('day', i.deadline, m.month) as days_past_deadline,
    i.found_on >= date_trunc('month', m.month) as found_in_month,
    i.is_closed and i.closed_on >= date_trunc('month', m.month) and i.closed_on <= m.month as closed_in_month,
    i._file,
    i._row
from core_months m
join core_rectifications i on i.found_on <= m.month
