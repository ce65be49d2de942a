-- zh: 小区投诉热点（每月：近12个月投诉数、每百户投诉数、在全市与本县区的排名及累计占比）
-- en: Complaint hotspots per compound and month: complaints in the last 12 months, per 100 households, rank and cumulative share in the city and the county
-- column complaints_12m: 近12个月投诉数 | Complaints in the last 12 months
-- column per_100_households_12m: 近12个月每百户投诉数 | Complaints per 100 households, last 12 months
-- column city_rank: 全市排名（按每百户投诉数） | Rank in the city (by complaints per 100 households)
-- column city_cumulative_share: 全市累计投诉占比（按投诉数从高到低，分母为已匹配小区的投诉） | Cumulative share of the city's matched complaints (compounds by complaints, descending)
-- column city_top_share: 按每百户投诉数排名到本小区为止的小区，其投诉占全市近12个月全部投诉（含未匹配小区的投诉）的比例 | Share of all the city's complaints in the last 12 months (unmatched ones included) made by the compounds ranked down to this one by complaints per 100 households
-- column city_compound_share: 按同一排名到本小区为止的小区数占全市小区数的比例 | Those compounds as a share of all the city's compounds
-- column county_top_share: 同 city_top_share，在本县区内 | As city_top_share, within the county
-- column county_compound_share: 同 city_compound_share，在本县区内 | As city_compound_share, within the county
-- column month: 月份（月末） | Month (month end)
-- column compound_id: 小区编码 | Compound id
-- column compound_name: 小区名称 | Compound name
-- column county_code: 县区行政区划代码 | County adcode
-- column town: 街道/乡镇 | Town or street office
-- column households: 总户数 | Households
-- column management_mode: 管理方式（专业物业 / 社区托管 / 业主自管 / 单位自管 / 无物业） | Management mode (professional firm / community-hosted / owner-managed / employer-managed / none)
-- column firm_credit_code: 当月服务该小区的物业企业统一社会信用代码 | Credit code of the firm serving the compound that month
-- column firm_name: 物业企业名称 | Firm name
-- column service_grade: 服务等级（未报送记为“未评定”） | Service grade (未评定 when not reported)
-- column fee_per_m2_month: 物业费收费标准（元/㎡·月） | Service fee (yuan per m² a month)
-- column complaints: 当月投诉数（投诉+举报） | Complaints and reports in the month
-- column county_rank: 本县区排名（按每百户投诉数） | Rank in the county (by complaints per 100 households)
-- column county_cumulative_share: 本县区累计投诉占比（按投诉数从高到低，分母为已匹配小区的投诉） | Cumulative share of the county's matched complaints (compounds by complaints, descending)
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
        (sum(coalesce(n.complaints, 0)) over (partition by g.compound_id order by g.month
                                              rows between 11 preceding and current row))::bigint as complaints_12m
    from grid g
    left join counts n using (compound_id, month)
),
per_household as (
    -- only the columns the rankings need: each window sorts these rows, not the compound's whole record
    select r.month, r.compound_id, cm.county_code, r.complaints, r.complaints_12m,
           r.complaints_12m * 100.0 / cm.households as per_100_households_12m
    from rolling r
    join core_compound_months cm using (compound_id, month)
),
ranked as (
    select
        p.*,
        rank() over (partition by p.month order by p.per_100_households_12m desc) as city_rank,
        rank() over (partition by p.month, p.county_code order by p.per_100_households_12m desc) as county_rank,
        sum(p.complaints_12m) over (partition by p.month order by p.complaints_12m desc, p.compound_id
                                    rows between unbounded preceding and current row)
            / nullif(sum(p.complaints_12m) over (partition by p.month), 0) as city_cumulative_share,
        sum(p.complaints_12m) over (partition by p.month, p.county_code order by p.complaints_12m desc, p.compound_id
                                    rows between unbounded preceding and current row)
            / nullif(sum(p.complaints_12m) over (partition by p.month, p.county_code), 0) as county_cumulative_share,
        sum(p.complaints_12m) over city_order as city_top_complaints,
        row_number() over city_order / count(*) over (partition by p.month) as city_compound_share,
        sum(p.complaints_12m) over county_order as county_top_complaints,
        row_number() over county_order / count(*) over (partition by p.month, p.county_code) as county_compound_share
    from per_household p
    window
        city_order as (partition by p.month order by p.per_100_households_12m desc, p.complaints_12m desc,
                       p.compound_id rows between unbounded preceding and current row),
        county_order as (partition by p.month, p.county_code
                         order by p.per_100_households_12m desc, p.complaints_12m desc, p.compound_id
                         rows between unbounded preceding and current row)
),
all_complaints as (
    -- every complaint in the last 12 months, those matched to no compound too
    select scope_code, month, rolling12_complaints from mart_complaint_rate_monthly
)
select
    r.month,
    r.compound_id,
    cm.compound_name,
    r.county_code,
    cm.town,
    cm.households,
    cm.management_mode,
    cm.firm_credit_code,
    f.firm_name,
    cm.service_grade,
    cm.fee_per_m2_month,
    r.complaints,
    r.complaints_12m,
    r.per_100_households_12m,
    r.city_rank,
    r.county_rank,
    r.city_cumulative_share,
    r.county_cumulative_share,
    r.city_top_complaints / nullif(ac.rolling12_complaints, 0) as city_top_share,
    r.city_compound_share,
    r.county_top_complaints / nullif(ak.rolling12_complaints, 0) as county_top_share,
    r.county_compound_share
from ranked r
join core_compound_months cm using (compound_id, month)
left join core_firms f on f.firm_credit_code = cm.firm_credit_code
join core_settings s on true
left join all_complaints ac on ac.scope_code = s.city_code and ac.month = r.month
left join all_complaints ak on ak.scope_code = r.county_code and ak.month = r.month
