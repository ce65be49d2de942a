-- zh: 三方联动联席会议
-- en: Joint meetings (residents' committee, owners' committee and firm)
-- column meeting_id: 会议编号 | Meeting id
-- column held_on: 召开日期 | Held on
-- column county_code: 县区行政区划代码 | County adcode
-- column town: 街道/乡镇 | Town or street office
-- column compound_ids: 涉及小区编码 | Compound ids concerned
-- column issues_raised: 议定问题数 | Issues raised
-- column issues_resolved: 解决问题数 | Issues resolved
-- column _file: 来源文件 | Source file
-- column _row: 来源文件中的行号 | Row number in the source file
select meeting_id, held_on, county as county_code, town, compound_ids,
       coalesce(issues_raised, 0) as issues_raised, coalesce(issues_resolved, 0) as issues_resolved,
       _file, _row
from raw_joint_meetings
qualify row_number() over (partition by meeting_id order by (_file, _row) desc) = 1
