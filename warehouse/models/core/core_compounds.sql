-- zh: 小区维表（各小区最新一期快照的属性）
-- en: Compounds (attributes from each compound's latest snapshot)
-- column first_month: 首次出现的快照月份 | First snapshot month
-- column last_month: 最近出现的快照月份 | Latest snapshot month
-- column name_key: 名称匹配键（去空格、县区前缀与“小区”后缀） | Name key for matching (no spaces, county prefix or 小区 suffix)
select
    * exclude (rn, as_of, _file, _row),
    as_of as last_month,
    regexp_replace(
        regexp_replace(replace(compound_name, ' ', ''), '^(武威市)?(凉州区|民勤县|古浪县|天祝藏族自治县|天祝县|凉州|民勤|古浪|天祝)', ''),
        '(住宅小区|小区)$', '') as name_key
from (
    select *,
        row_number() over (partition by compound_id order by as_of desc) as rn,
        min(as_of) over (partition by compound_id) as first_month
    from stg_compounds
)
where rn = 1
