-- zh: 物业企业维表（含数据截至月份在管小区数）
-- en: Firms (with compounds served in the data month)
-- column compounds_served: 数据截至月份在管小区数 | Compounds served in the data month
-- column households_served: 数据截至月份在管户数 | Households served in the data month
-- column firm_credit_code: 物业企业统一社会信用代码 | Firm's unified social credit code
-- column firm_name: 企业名称 | Firm name
-- column registered_county_code: 注册地县区行政区划代码 | County of registration (adcode)
-- column is_local: 本地企业 | Local firm
-- column founded_on: 成立日期 | Founded on
-- column staff: 从业人数 | Staff
-- column has_party_org: 已建立党组织 | Has a Party organisation
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
