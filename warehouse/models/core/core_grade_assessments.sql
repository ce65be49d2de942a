-- zh: 服务等级考评（含收费标准与等级收费上限对比）
-- en: Grade assessments (with the compound's fee against its grade's cap)
-- column fee_cap_per_m2_month: 核定等级对应收费上限（元/㎡·月） | Fee cap of the assessed grade
-- column fee_above_cap: 考评期末收费高于核定等级上限（按月的质价不符见 mart_grade_assessments_monthly） | Fee at the end of the period above the assessed grade's cap (by month: mart_grade_assessments_monthly)
-- column downgraded: 降级（核定等级低于原等级） | Downgraded (assessed grade below the previous grade)
-- column compound_id: 小区编码 | Compound id
-- column period: 考评周期（如 2025H1） | Assessment period (e.g. 2025H1)
-- column period_end: 考评周期末日 | Last day of the assessment period
-- column firm_credit_code: 物业企业统一社会信用代码 | Firm's unified social credit code
-- column score: 考评得分 | Score
-- column grade: 核定等级 | Assessed grade
-- column previous_grade: 原等级 | Previous grade
-- column published: 已公示 | Published
-- column county_code: 小区所在县区行政区划代码 | County adcode of the compound
-- column compound_name: 小区名称 | Compound name
-- column fee_per_m2_month: 考评期末的物业费收费标准（元/㎡·月） | Fee at the end of the period (yuan per m² a month)
-- column _file: 来源文件 | Source file
-- column _row: 来源文件中的行号 | Row number in the source file
with grade_order as (
    select * from (values ('一级', 1), ('二级', 2), ('三级', 3), ('不达标', 4), ('未评定', 5)) t(grade, rank)
),
fee_at_period as (
    select a.compound_id, a.period, cm.fee_per_m2_month
    from stg_grade_assessments a
    join core_compound_months cm on cm.compound_id = a.compound_id
        and cm.month = least(a.period_end, (select data_month from core_settings))
)
select
    a.* exclude (_file, _row),
    c.county_code,
    c.compound_name,
    f.fee_per_m2_month,
    g.fee_cap_per_m2_month,
    f.fee_per_m2_month > g.fee_cap_per_m2_month as fee_above_cap,
    coalesce(n.rank > p.rank, false) as downgraded,
    a._file,
    a._row
from stg_grade_assessments a
left join core_compounds c using (compound_id)
left join fee_at_period f using (compound_id, period)
left join ref_grade_rules g on g.grade = a.grade
left join grade_order n on n.grade = a.grade
left join grade_order p on p.grade = a.previous_grade
