-- zh: 问题整改销号（每月末状态，按全市/县区与问题来源）：在办、逾期、销号率、销号用时中位数
-- en: Rectification status at each month end, by scope and source: open, overdue, closure rate, median days to close
-- column source: 问题来源（“全部”为合计） | Source (全部: all sources)
-- column items_to_date: 截至月末已发现的问题数 | Items found by the month end
-- column closed_to_date: 截至月末已销号数 | Items closed by the month end
-- column open_items: 月末在办（未销号）数 | Items open at the month end
-- column overdue_items: 月末逾期未销号数 | Items open and past their deadline at the month end
-- column close_rate: 销号率（已销号 ÷ 已发现） | Closure rate (closed ÷ found)
-- column median_days_to_close: 截至月末已销号事项的销号用时中位数（天） | Median days to close, items closed by the month end
-- column close_date_unknown: 已销号但销号日期不明的事项数（不计入销号用时中位数） | Items closed with no close date (left out of the median days to close)
-- column max_days_overdue: 月末最长逾期天数 | Longest overdue, days
-- column scope_code: 范围代码（全市或县区行政区划代码） | Scope adcode (city or county)
-- column month: 月份（月末） | Month (month end)
-- column found_in_month: 当月发现的问题数 | Items found in the month
-- column closed_in_month: 当月销号数 | Items closed in the month
with by_scope as (
    select
        month,
        sm.scope_code,
        case when grouping(source) = 1 then '全部' else source end as source,
        count(*) as items_to_date,
        count(*) filter (where found_in_month) as found_in_month,
        count(*) filter (where closed_in_month) as closed_in_month,
        count(*) filter (where closed_by_month) as closed_to_date,
        count(*) filter (where not closed_by_month) as open_items,
        count(*) filter (where overdue_at_month) as overdue_items,
        max(days_past_deadline) filter (where overdue_at_month) as max_days_overdue,
        median(days_to_close) filter (where closed_by_month) as median_days_to_close,
        count(*) filter (where closed_by_month and closed_on is null) as close_date_unknown
    from core_rectification_months
    join core_scope_members sm using (county_code)
    group by month, sm.scope_code, rollup (source)
)
select
    scope_code, month, source, items_to_date, found_in_month, closed_in_month, closed_to_date, open_items,
    overdue_items, max_days_overdue,
    closed_to_date / items_to_date as close_rate,
    median_days_to_close,
    close_date_unknown
from by_scope
