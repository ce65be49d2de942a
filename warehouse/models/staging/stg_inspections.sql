-- zh: 双随机、一公开检查记录
-- en: Spot inspections (双随机、一公开)
-- column quarter: 季度（如 2025Q3，由检查日期得出） | Quarter (e.g. 2025Q3, from the inspection date)
select
    inspection_id,
    strftime(inspected_on, '%Y') || 'Q' || quarter(inspected_on) as quarter,
    quarter as reported_quarter,
    inspected_on,
    county as county_code,
    department,
    nullif(firm_credit_code, '') as firm_credit_code,
    compound_id,
    items,
    coalesce(findings, 0) as findings,
    result,
    coalesce(penalty_cny, 0) as penalty_cny,
    coalesce(uploaded_supervision, false) as uploaded_supervision,
    coalesce(uploaded_credit, false) as uploaded_credit,
    _file,
    _row
from raw_inspections
qualify row_number() over (partition by inspection_id order by _file desc, _row desc) = 1
