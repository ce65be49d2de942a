-- zh: 每月各小区最近一次服务等级考评（考评周期已结束），含质价不符（收费高于等级上限）与降级
-- en: Each compound's latest service-grade assessment at each month (periods ended by then), with fee above the grade's cap (质价不符) and downgrades
-- column fee_excess: 收费超出等级上限的金额（元/㎡·月） | Fee above the grade's cap (yuan per m² a month)
-- column firm_name: 考评时的物业企业 | Firm assessed
select
    m.month,
    a.compound_id,
    a.compound_name,
    a.county_code,
    a.period,
    a.period_end,
    a.firm_credit_code,
    f.firm_name,
    a.score,
    a.grade,
    a.previous_grade,
    a.published,
    a.fee_per_m2_month,
    a.fee_cap_per_m2_month,
    case when a.fee_above_cap then a.fee_per_m2_month - a.fee_cap_per_m2_month end as fee_excess,
    coalesce(a.fee_above_cap, false) as fee_above_cap,
    a.downgraded,
    a._file as source_file,
    a._row as source_row
from core_months m
join core_grade_assessments a on a.period_end <= m.month
left join core_firms f using (firm_credit_code)
qualify row_number() over (partition by m.month, a.compound_id order by a.period_end desc) = 1
