-- zh: 物业企业信用评价（按季度：年度累计得分、等级A/B/C/D、红黑榜）；计分规则见 credit_rules.csv、等级见 credit_levels.csv
-- en: Firm credit by quarter: score for the year to date, level A/B/C/D, red and black lists (rules in credit_rules.csv, levels in credit_levels.csv)
-- column start_points: 年初分（参考数据 credit_rules.csv 的 start） | Starting score each year (rule start in credit_rules.csv)
-- column score: 年度累计信用分（年初100分加减各项） | Score for the year to date (starts at 100 each year)
-- column level: 信用等级 | Credit level
-- column list_zh: 红榜/黑榜 | Red or black list
-- column deductions: 年度扣分项数 | Deductions in the year to date
-- column points_lost: 年度扣分合计 | Points deducted in the year to date
-- column points_gained: 年度加分合计 | Points added in the year to date
-- column firm_credit_code: 物业企业统一社会信用代码 | Firm credit code
-- column firm_name: 物业企业名称 | Firm name
-- column is_local: 本地企业 | Local firm
-- column registered_county_code: 注册地县区行政区划代码 | County of registration (adcode)
-- column compounds_served: 数据截至月份在管小区数 | Compounds served in the data month
-- column year: 计分年度 | Scoring year
-- column quarter: 季度（如 2025Q3） | Quarter (e.g. 2025Q3)
-- column quarter_end: 季度末日 | Last day of the quarter
-- column list_en: 红榜/黑榜（英文） | Red or black list (English)
-- column rank_in_city: 全市按信用分排名 | Rank by score in the city
with quarters as (
    select distinct
        year(month) as year,
        strftime(month, '%Y') || 'Q' || quarter(month) as quarter,
        least(last_day(make_date(year(month), quarter(month) * 3, 1)), (select data_month from core_settings))
            as quarter_end
    from core_months
    where month >= (select min(month) from core_compound_months)
),
start as (
    select points from ref_credit_rules where rule = 'start'
),
scored as (
    select
        f.firm_credit_code, f.firm_name, f.is_local, f.registered_county_code, f.compounds_served,
        q.year, q.quarter, q.quarter_end,
        (select points from start) as start_points,
        (select points from start) + coalesce(sum(d.points), 0) as score,
        count(d.ref_id) filter (where d.points < 0) as deductions,
        coalesce(-sum(d.points) filter (where d.points < 0), 0) as points_lost,
        coalesce(sum(d.points) filter (where d.points > 0), 0) as points_gained
    from core_firms f
    cross join quarters q
    left join core_credit_deductions d
        on d.firm_credit_code = f.firm_credit_code and d.year = q.year and d.occurred_on <= q.quarter_end
    group by all
),
levelled as (
    -- the highest level whose minimum the score reaches
    select s.*, l.level, l.list_zh, l.list_en
    from scored s
    join ref_credit_levels l on s.score >= l.min_score
    qualify row_number() over (partition by s.firm_credit_code, s.quarter order by l.min_score desc) = 1
)
select
    *,
    -- ranked after the level join, which fans each firm out to every level it reaches
    rank() over (partition by quarter order by score desc) as rank_in_city
from levelled
