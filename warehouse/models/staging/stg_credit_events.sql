-- zh: 物业企业信用信息记录（部门、街道手工录入）
-- en: Credit events entered by departments and streets
select event_id, firm_credit_code, occurred_on, kind, points, source_unit, note, _file, _row
from raw_credit_events
qualify row_number() over (partition by event_id order by _file desc, _row desc) = 1
