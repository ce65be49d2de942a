-- zh: 小区投诉热点（每月：近12个月投诉数、每百户投诉数、在全市与本县区的排名及累计占比）
-- en: Complaint hotspots per compound and month: complaints in the last 12 months, per 100 households, rank and cumulative share in the city and the county
-- column complaints_12m: 近12个月投诉数 | Complaints in the last 12 months
-- column per_100_households_12m: 近12个月每百户投诉数 | Complaints per 100 households, last 12 months
-- column city_rank: 全市排名（按每百户投诉数） | Rank in the city (by complaints per 100 households)
-- column city_cumulative_share: 全市累计投诉占比（按投诉数从高到低） | Cumulative share of the city's complaints (compounds by complaints, descending)
with counts as (
    select compound_id, month, count(*) as complaints
    from core_complaints
    where is_complaint and compound_id is not null
    group by all
),
grid as (
    select c.compound_id, m.month from core_compounds c cross join core_months m
),
rolling as (
    select g.compound_id, g.month, coalesce(n.complaints, 0) as complaints,
        sum(coalesce(n.complaints, 0)) over (partition by g.compound_id order by g.month
                                             rows between 11 preceding and current row) as complaints_12m
    from grid g
    left join counts n using (compound_id, month)
),
present as (
    select r.*, cm.compound_name, cm.county_code, cm.town, cm.households, cm.management_mode, cm.firm_credit_code
    from rolling r
    join core_compound_months cm using (compound_id, month)
)
select
    month,
    compound_id,
    compound_name,
    county_code,
    town,
    households,
    management_mode,
    firm_credit_code,
    complaints,
    complaints_12m,
    complaints_12m * 100.0 / households as per_100_households_12m,
    rank() over (partition by month order by complaints_12m * 100.0 / households desc) as city_rank,
    rank() over (partition by month, county_code order by complaints_12m * 100.0 / households desc) as county_rank,
    sum(complaints_12m) over (partition by month order by complaints_12m desc, compound_id
                              rows between unbounded preceding and current row)
        / nullif(sum(complaints_12m) over (partition by month), 0) as city_cumulative_share,
    sum(complaints_12m) over (partition by month, county_code order by complaints_12m desc, compound_id
                              rows between unbounded preceding and current row)
        / nullif(sum(complaints_12m) over (partition by month, county_code), 0) as county_cumulative_share
from present
