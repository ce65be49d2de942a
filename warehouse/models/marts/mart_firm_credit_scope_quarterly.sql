-- zh: 各范围的企业信用榜（按季度）：全市为全部企业；县区为季度末在该县区服务小区或注册在该县区的企业
-- en: Firm credit by scope and quarter: the city lists every firm; a county, the firms serving a compound there at the quarter end or registered there
-- column compounds_in_scope: 季度末在本范围服务的小区数 | Compounds the firm serves in the scope at the quarter end
-- column households_in_scope: 季度末在本范围服务的户数 | Households it serves in the scope at the quarter end
-- column rank_in_scope: 本范围内按信用分排名 | Rank by score within the scope
-- column scope_code: 行政区划代码 | Adcode
-- column firm_credit_code: 物业企业统一社会信用代码 | Firm credit code
-- column firm_name: 物业企业名称 | Firm name
-- column is_local: 本地企业 | Local firm
-- column registered_county_code: 注册地县区行政区划代码 | County of registration (adcode)
-- column compounds_served: 数据截至月份在管小区数（全市） | Compounds served in the data month (city)
-- column year: 计分年度 | Scoring year
-- column quarter: 季度（如 2025Q3） | Quarter (e.g. 2025Q3)
-- column quarter_end: 季度末日 | Last day of the quarter
-- column start_points: 年初分（参考数据 credit_rules.csv 的 start） | Starting score each year (rule start in credit_rules.csv)
-- column score: 年度累计信用分 | Score for the year to date
-- column deductions: 年度扣分项数 | Deductions in the year to date
-- column points_lost: 年度扣分合计 | Points deducted in the year to date
-- column points_gained: 年度加分合计 | Points added in the year to date
-- column level: 信用等级 A / B / C / D | Credit level
-- column list_zh: 红榜/黑榜 | Red or black list
-- column list_en: 红榜/黑榜（英文） | Red or black list (English)
-- column rank_in_city: 全市按信用分排名 | Rank by score in the city
with served as (
    select q.quarter, cm.county_code, cm.firm_credit_code, count(*) as compounds, sum(cm.households)::bigint as households
    from (select distinct quarter, quarter_end from mart_firm_credit_quarterly) q
    join core_compound_months cm on cm.month = q.quarter_end
    where cm.is_professional and cm.firm_credit_code is not null
    group by all
),
county_members as (
    select c.quarter, c.firm_credit_code, k.scope_code, coalesce(s.compounds, 0) as compounds_in_scope,
           coalesce(s.households, 0) as households_in_scope
    from mart_firm_credit_quarterly c
    join core_scopes k on k.scope_level = 'county'
    left join served s on s.quarter = c.quarter and s.firm_credit_code = c.firm_credit_code
        and s.county_code = k.scope_code
    where s.compounds > 0 or c.registered_county_code = k.scope_code
),
city_members as (
    select c.quarter, c.firm_credit_code, s.city_code as scope_code,
           coalesce(sum(v.compounds), 0)::bigint as compounds_in_scope,
           coalesce(sum(v.households), 0)::bigint as households_in_scope
    from mart_firm_credit_quarterly c
    cross join core_settings s
    left join served v on v.quarter = c.quarter and v.firm_credit_code = c.firm_credit_code
    group by all
),
members as (
    select * from county_members
    union all
    select * from city_members
)
select
    m.scope_code,
    c.*,
    m.compounds_in_scope,
    m.households_in_scope,
    rank() over (partition by m.scope_code, c.quarter order by c.score desc) as rank_in_scope
from members m
join mart_firm_credit_quarterly c using (quarter, firm_credit_code)
