-- zh: 物业服务等级考评
-- en: Service-grade assessments
-- column period_end: 考评周期末日 | Last day of the assessment period
-- column compound_id: 小区编码 | Compound id
-- column period: 考评周期（如 2025H1） | Assessment period (e.g. 2025H1)
-- column firm_credit_code: 物业企业统一社会信用代码 | Firm's unified social credit code
-- column score: 考评得分 | Score
-- column grade: 核定等级 | Assessed grade
-- column previous_grade: 原等级 | Previous grade
-- column published: 已公示 | Published
-- column _file: 来源文件 | Source file
-- column _row: 来源文件中的行号 | Row number in the source file
select
    compound_id,
    period,
    case when period like '%H1' then make_date(left(period, 4)::int, 6, 30)
         when period like '%H2' then make_date(left(period, 4)::int, 12, 31)
         when period like '%Q%' then last_day(make_date(left(period, 4)::int, right(period, 1)::int * 3, 1))
         else make_date(left(period, 4)::int, 12, 31) end as period_end,
    nullif(firm_credit_code, '') as firm_credit_code,
    score,
    grade,
    previous_grade,
    published,
    _file,
    _row
from raw_grade_assessments
qualify row_number() over (partition by compound_id, period order by (_file, _row) desc) = 1
