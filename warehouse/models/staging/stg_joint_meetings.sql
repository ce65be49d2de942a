-- zh: 三方联动联席会议
-- en: Joint meetings (社区居委会 + 业委会/物管会 + 物业企业)
select meeting_id, held_on, county as county_code, town, compound_ids,
       coalesce(issues_raised, 0) as issues_raised, coalesce(issues_resolved, 0) as issues_resolved,
       _file, _row
from raw_joint_meetings
qualify row_number() over (partition by meeting_id order by _file desc, _row desc) = 1
