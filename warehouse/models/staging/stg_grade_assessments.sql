-- zh: 物业服务等级考评
-- en: Service-grade assessments
-- column period_end: 考评周期末日 | Last day of the assessment period
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
qualify row_number() over (partition by compound_id, period order by _file desc, _row desc) = 1
