-- zh: 每月各小区最近一次服务等级考评（考评周期已结束），含质价不符（收费高于等级上限）与降级
-- en: Each compound's latest service-grade assessment at each month (periods ended by then), with fee above the grade's cap (质价不符) and downgrades
-- column fee_excess: 收费超出等级上限的金额（元/㎡·月） | Fee above the grade's cap (yuan per m² a month)
-- column firm_name: 考评时的物业企业 | Firm assessed
-- column month: 月份（月末） | Month (month end)
-- column compound_id: 小区编码 | Compound id
-- column compound_name: 小区名称 | Compound name
-- column county_code: 县区行政区划代码 | County adcode
-- column period: 考评周期（如 2025H1） | Assessment period (e.g. 2025H1)
-- column period_end: 考评周期末日 | Last day of the assessment period
-- column firm_credit_code: 考评时的物业企业统一社会信用代码 | Credit code of the firm assessed
-- column score: 考评得分 | Assessment score
-- column grade: 核定等级 | Assessed grade
-- column previous_grade: 原等级 | Previous grade
-- column published: 已公示 | Published
-- column fee_per_m2_month: 物业费收费标准（元/㎡·月） | Service fee (yuan per m² a month)
-- column fee_cap_per_m2_month: 核定等级对应收费上限（元/㎡·月） | Fee cap of the assessed grade
-- column fee_above_cap: 质价不符（收费高于等级上限） | Fee above the grade's cap (质价不符)
-- column downgraded: 降级（核定等级低于原等级） | Downgraded (assessed grade below the previous grade)
-- column source_file: 来源文件 | Source file
-- column source_row: 来源文件行号 | Row in the source file
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
