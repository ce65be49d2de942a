-- zh: 工单（已匹配小区、县区与物业企业；未匹配的工单保留并标注）
-- en: Work orders matched to compounds, counties and firms (unmatched orders stay, flagged)
-- column match_method: 小区匹配方式（id 编码 / name 名称 / name_without_town 去掉街镇前缀的名称；空为未匹配） | How the compound was matched (empty: unmatched)
-- column match_confidence: 匹配可信度（1.0 / 0.9 / 0.8） | Match confidence
-- column closed_late: 超过办理时限办结 | Closed after its deadline
with base as (
    select *,
        regexp_replace(
            regexp_replace(replace(coalesce(compound_name, ''), ' ', ''), '^(武威市)?(凉州区|民勤县|古浪县|天祝藏族自治县|天祝县|凉州|民勤|古浪|天祝)', ''),
            '(住宅小区|小区)$', '') as name_key
    from stg_complaints
),
town_prefixes as (
    select distinct prefix from (
        select town as prefix from ref_towns
        union all
        select regexp_replace(town, '(街道|镇|乡)$', '') from ref_towns
    ) where length(prefix) >= 2
),
by_id as (
    select b.ticket_id, c.compound_id, 'id' as match_method, 1.0::double as match_confidence
    from base b join core_compounds c on c.compound_id = b.compound_id
),
name_candidates as (
    select b.ticket_id, b.county_code, b.name_key as key, 'name' as match_method, 0.9::double as match_confidence
    from base b anti join by_id using (ticket_id)
    where b.name_key <> ''
    union all
    select b.ticket_id, b.county_code, substr(b.name_key, length(t.prefix) + 1), 'name_without_town', 0.8::double
    from base b anti join by_id using (ticket_id)
    join town_prefixes t on starts_with(b.name_key, t.prefix) and length(b.name_key) > length(t.prefix)
),
by_name as (
    -- a name matches when it names exactly one compound (in the complaint's county, if given)
    select n.ticket_id, min(c.compound_id) as compound_id,
           arg_max(n.match_method, n.match_confidence) as match_method, max(n.match_confidence) as match_confidence
    from name_candidates n
    join core_compounds c on c.name_key = n.key and (n.county_code is null or c.county_code = n.county_code)
    group by n.ticket_id
    having count(distinct c.compound_id) = 1
),
matched as (
    select * from by_id
    union all
    select * from by_name
),
final as (
    select
        b.* exclude (name_key, compound_id, county_code, town, firm_credit_code, _file, _row),
        b.compound_id as reported_compound_id,
        m.compound_id,
        m.match_method,
        m.match_confidence,
        coalesce(cc.county_code, b.county_code) as county_code,
        coalesce(cc.town, b.town) as town,
        coalesce(b.firm_credit_code, cm.firm_credit_code) as firm_credit_code,
        b.closed_at is not null and b.due_at is not null and b.closed_at <= b.due_at as closed_on_time,
        b.closed_at is not null and b.due_at is not null and b.closed_at > b.due_at as closed_late,
        date_diff('hour', b.received_at, b.closed_at) / 24.0 as days_to_close,
        b._file,
        b._row
    from base b
    left join matched m using (ticket_id)
    left join core_compounds cc on cc.compound_id = m.compound_id
    -- the firm serving the compound that month (before the first snapshot: the first snapshot's)
    left join core_compound_months cm on cm.compound_id = m.compound_id
        and cm.month = greatest(least(b.month, (select data_month from core_settings)),
                                (select min(month) from core_compound_months))
)
select * from final
