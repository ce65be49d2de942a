-- zh: 三方联动联席会议明细（社区居委会 + 业委会/物管会 + 物业企业）
-- en: Joint meetings (residents' committee, owners' committee and firm), one row a meeting
-- column month: 召开月份（月末） | Month held (month end)
-- column compound_count: 涉及小区数 | Compounds concerned
-- column meeting_id: 会议编号 | Meeting id
-- column held_on: 召开日期 | Held on
-- column county_code: 县区行政区划代码 | County adcode
-- column town: 街道/乡镇 | Town or street office
-- column compound_ids: 涉及小区编码（台账原文） | Compound ids concerned (as written)
-- column issues_raised: 议定问题数 | Issues raised
-- column issues_resolved: 解决问题数 | Issues resolved
-- column source_file: 来源文件 | Source file
-- column source_row: 来源文件行号 | Row in the source file
select
    meeting_id,
    held_on,
    last_day(held_on) as month,
    county_code,
    town,
    compound_ids,
    len(list_filter(regexp_split_to_array(coalesce(compound_ids, ''), '[,，、;；|\s]+'), lambda x: x <> ''))
        as compound_count,
    issues_raised,
    issues_resolved,
    _file as source_file,
    _row as source_row
from stg_joint_meetings
