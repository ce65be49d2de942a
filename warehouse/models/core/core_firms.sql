-- zh: 物业企业维表（含数据截至月份在管小区数）
-- en: Firms (with compounds served in the data month)
-- column compounds_served: 数据截至月份在管小区数 | Compounds served in the data month
-- column households_served: 数据截至月份在管户数 | Households served in the data month
with served as (
    select firm_credit_code, count(*) as compounds_served, sum(households) as households_served
    from core_compound_months
    where month = (select data_month from core_settings) and is_professional
    group by all
)
select
    f.* exclude (_file, _row),
    coalesce(s.compounds_served, 0) as compounds_served,
    coalesce(s.households_served, 0) as households_served
from stg_firms f
left join served s using (firm_credit_code)
