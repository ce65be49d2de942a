-- zh: 每月各小区的在用服务等级与质价不符：在用等级取截至当月最近一次核定等级（考评周期已结束），无考评时取当月小区台账的服务等级；质价不符 = 当月台账收费标准高于在用等级的收费上限（DOMAIN §8）
-- en: Each compound's grade in force each month and fees above the grade's cap: the latest assessed grade up to that month (periods ended by then), else the grade in that month's compound ledger; a fee above the cap is that month's fee above the cap of the grade in force (DOMAIN §8)
-- column grade_in_force: 当月在用等级（最近核定等级，无考评时为台账服务等级） | Grade in force that month (latest assessed grade, else the ledger's service grade)
-- column grade_source: 在用等级来源 核定等级 / 台账等级 | Where the grade in force comes from (assessment / ledger)
-- column fee_excess: 收费超出在用等级上限的金额（元/㎡·月） | Fee above the cap of the grade in force (yuan per m² a month)
-- column firm_name: 物业企业（考评时；无考评时为当月） | Firm (assessed; else that month's)
-- column month: 月份（月末） | Month (month end)
-- column compound_id: 小区编码 | Compound id
-- column compound_name: 小区名称 | Compound name
-- column county_code: 县区行政区划代码 | County adcode
-- column period: 最近考评周期（如 2025H1；空：未考评） | Latest assessment period (e.g. 2025H1; empty: none)
-- column period_end: 考评周期末日 | Last day of the assessment period
-- column firm_credit_code: 物业企业统一社会信用代码（考评时；无考评时为当月） | Firm's credit code (assessed; else that month's)
-- column score: 考评得分 | Assessment score
-- column grade: 核定等级 | Assessed grade
-- column previous_grade: 原等级 | Previous grade
-- column published: 已公示 | Published
-- column fee_per_m2_month: 当月台账的物业费收费标准（元/㎡·月） | Service fee in that month's compound ledger (yuan per m² a month)
-- column fee_cap_per_m2_month: 在用等级对应收费上限（元/㎡·月） | Fee cap of the grade in force
-- column fee_above_cap: 质价不符（当月收费高于在用等级上限） | Fee above the cap of the grade in force
-- column downgraded: 降级（最近核定等级低于原等级） | Downgraded (latest assessed grade below the previous grade)
-- column source_file: 来源文件（考评台账） | Source file (assessment ledger)
-- column source_row: 来源文件行号 | Row in the source file
with latest as (
    -- the period only (the assessment's key with the compound), its record joined after
    select cm.month, cm.compound_id, arg_max(a.period, a.period_end) as period
    from core_compound_months cm
    join core_grade_assessments a on a.compound_id = cm.compound_id and a.period_end <= cm.month
    group by cm.month, cm.compound_id
),
in_force as (
    select
        cm.month,
        cm.compound_id,
        cm.compound_name,
        cm.county_code,
        a.period,
        a.period_end,
        coalesce(a.firm_credit_code, cm.firm_credit_code) as firm_credit_code,
        a.score,
        a.grade,
        a.previous_grade,
        a.published,
        coalesce(a.grade, cm.service_grade) as grade_in_force,
        case when a.grade is not null then '核定等级' else '台账等级' end as grade_source,
        cm.fee_per_m2_month,
        coalesce(a.downgraded, false) as downgraded,
        a._file as source_file,
        a._row as source_row
    from core_compound_months cm
    left join latest l using (month, compound_id)
    left join core_grade_assessments a on a.compound_id = l.compound_id and a.period = l.period
)
select
    i.month,
    i.compound_id,
    i.compound_name,
    i.county_code,
    i.period,
    i.period_end,
    i.firm_credit_code,
    f.firm_name,
    i.score,
    i.grade,
    i.previous_grade,
    i.published,
    i.grade_in_force,
    i.grade_source,
    i.fee_per_m2_month,
    g.fee_cap_per_m2_month,
    case when i.fee_per_m2_month > g.fee_cap_per_m2_month then i.fee_per_m2_month - g.fee_cap_per_m2_month end
        as fee_excess,
    coalesce(i.fee_per_m2_month > g.fee_cap_per_m2_month, false) as fee_above_cap,
    i.downgraded,
    i.source_file,
    i.source_row
from in_force i
left join ref_grade_rules g on g.grade = i.grade_in_force
left join core_firms f using (firm_credit_code)
