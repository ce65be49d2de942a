-- zh: 工单（已匹配小区、县区与物业企业；未匹配的工单保留并标注）
-- en: Work orders matched to compounds, counties and firms (unmatched orders stay, flagged)
-- column match_method: 小区匹配方式（id 编码 / name 名称 / name_without_town 去掉街镇前缀的名称；空为未匹配） | How the compound was matched (empty: unmatched)
-- column match_confidence: 匹配可信度（1.0 / 0.9 / 0.8） | Match confidence
-- column closed_late: 超过办理时限办结 | Closed after its deadline
-- column ticket_id: 工单编号 | Work order id
-- column received_at: 受理时间 | Received at
-- column month: 受理月份（月末） | Month received (month end)
-- column channel: 来源渠道 | Channel
-- column appeal_type: 诉求类型（投诉 / 举报 / 求助 / 咨询 / 建议 / 表扬） | Appeal type (complaint, report, help, enquiry, suggestion, praise)
-- column is_complaint: 计入投诉（诉求类型为投诉或举报） | Counts as a complaint (appeal type 投诉 or 举报)
-- column category: 诉求分类 | Category
-- column compound_name: 小区名称 | Compound name
-- column address: 地址 | Address
-- column handling_unit: 承办单位 | Handling unit
-- column resolved_level: 办结层级（小区 / 社区 / 街道 / 县区部门 / 市级部门） | Level where it was resolved (compound, community, street, county, city)
-- column due_at: 办理时限 | Due by
-- column closed_at: 办结时间 | Closed at
-- column status: 办理状态（已受理 / 办理中 / 已办结 / 退回） | Status (received, in progress, closed, returned)
-- column substantiated: 诉求属实 | Substantiated
-- column satisfaction: 回访满意度 | Satisfaction at follow-up
-- column is_repeat: 重复件 | Repeat work order
-- column complainant_key: 诉求人加盐哈希（用于统计重复来电，不可还原） | Salted hash of the caller (counts repeat callers; irreversible)
-- column content: 诉求内容（电话号码、身份证号已去除） | Request text (phone and ID numbers removed)
-- column reported_compound_id: 工单上填报的小区编码 | Compound id as reported on the work order
-- column compound_id: 匹配到的小区编码（空为未匹配） | Matched compound id (empty: unmatched)
-- column county_code: 县区行政区划代码（优先取匹配小区所在县区） | County adcode (the matched compound's county first)
-- column town: 街道/乡镇（优先取匹配小区所在街道） | Town (the matched compound's town first)
-- column firm_credit_code: 物业企业统一社会信用代码（未填报时取当月服务该小区的企业） | Firm's credit code (when not reported: the firm serving the compound that month)
-- column closed_on_time: 在办理时限内办结 | Closed by its deadline
-- column days_to_close: 办结用时（天） | Days to close
-- column _file: 来源文件 | Source file
-- column _row: 来源文件中的行号 | Row number in the source file
-- Name matching runs once per distinct reported name (county, compound_name), not once per work
-- order: at province scale ~200k orders without a known id carry ~40k distinct names.
with reported_names as (
    -- the names of the work orders whose reported compound id names no compound
    select distinct s.county_code, s.compound_name
    from stg_complaints s
    anti join core_compounds c on c.compound_id = s.compound_id
    where s.compound_name is not null
),
name_keys as (
    -- as core_compounds keys its names: no spaces, no county prefix (core_county_prefixes), no 小区 suffix
    select n.county_code, n.compound_name,
        regexp_replace(substr(n.name, coalesce(max(length(p.prefix)), 0) + 1), '(住宅小区|小区)$', '') as name_key
    from (select county_code, compound_name, replace(compound_name, ' ', '') as name from reported_names) n
    left join core_county_prefixes p on starts_with(n.name, p.prefix)
    group by n.county_code, n.compound_name, n.name
),
town_prefixes as (
    select distinct prefix from (
        select town as prefix from ref_towns
        union all
        select regexp_replace(town, '(街道|镇|乡)$', '') from ref_towns
    ) where length(prefix) >= 2
),
name_candidates as (
    select county_code, compound_name, name_key as key, 'name' as match_method, 0.9::double as match_confidence
    from name_keys
    where name_key <> ''
    union all
    -- a town's name in front of the compound's: each proper prefix of the key looked up among the towns
    select k.county_code, k.compound_name, substr(k.name_key, k.n + 1), 'name_without_town', 0.8::double
    from (select *, unnest(range(2, length(name_key))) as n from name_keys) k
    join town_prefixes t on t.prefix = substr(k.name_key, 1, k.n)
),
by_name as (
    -- a name matches when it names exactly one compound (in the complaint's county, if given)
    select n.county_code, n.compound_name, min(c.compound_id) as compound_id,
           arg_max(n.match_method, n.match_confidence) as match_method, max(n.match_confidence) as match_confidence
    from name_candidates n
    join core_compounds c on c.name_key = n.key and (n.county_code is null or c.county_code = n.county_code)
    group by n.county_code, n.compound_name
    having count(distinct c.compound_id) = 1
),
firm_month_bounds as (
    -- a work order's month, clamped to the snapshots: before the first, the first snapshot's firm
    select min(month) as first_month, (select data_month from core_settings) as last_month
    from core_compound_months
),
matched as (
    select s.*,
        coalesce(i.compound_id, n.compound_id) as matched_compound_id,
        case when i.compound_id is not null then 'id' else n.match_method end as matched_method,
        case when i.compound_id is not null then 1.0::double else n.match_confidence end as matched_confidence
    from stg_complaints s
    left join core_compounds i on i.compound_id = s.compound_id
    left join by_name n on i.compound_id is null and n.compound_name = s.compound_name
        and n.county_code is not distinct from s.county_code
),
final as (
    select
        b.* exclude (compound_id, county_code, town, firm_credit_code, _file, _row,
                     matched_compound_id, matched_method, matched_confidence),
        b.compound_id as reported_compound_id,
        b.matched_compound_id as compound_id,
        b.matched_method as match_method,
        b.matched_confidence as match_confidence,
        coalesce(cc.county_code, b.county_code) as county_code,
        coalesce(cc.town, b.town) as town,
        coalesce(b.firm_credit_code, cm.firm_credit_code) as firm_credit_code,
        b.closed_at is not null and b.due_at is not null and b.closed_at <= b.due_at as closed_on_time,
        b.closed_at is not null and b.due_at is not null and b.closed_at > b.due_at as closed_late,
        date_diff('hour', b.received_at, b.closed_at) / 24.0 as days_to_close,
        b._file,
        b._row
    from matched b
    cross join firm_month_bounds fb
    left join core_compounds cc on cc.compound_id = b.matched_compound_id
    -- the firm serving the compound that month
    left join core_compound_months cm on cm.compound_id = b.matched_compound_id
        and cm.month = greatest(least(b.month, fb.last_month), fb.first_month)
)
select * from final
