-- zh: 12345/信访物业工单（同一工单编号以最后报送的文件为准；个人信息已脱敏）
-- en: Complaint work orders (per ticket, the file sorted last wins; personal data hashed or masked)
-- column complainant_key: 诉求人加盐哈希（用于统计重复来电，不可还原） | Salted hash of the caller (counts repeat callers; irreversible)
-- column is_complaint: 是否计入投诉（诉求类型为投诉或举报） | Counts as a complaint (appeal type 投诉 or 举报)
select
    ticket_id,
    received_at,
    last_day(received_at::date) as month,
    channel,
    appeal_type,
    appeal_type in ('投诉', '举报') as is_complaint,
    category,
    nullif(compound_id, '') as compound_id,
    compound_name,
    address,
    county as county_code,
    town,
    nullif(firm_credit_code, '') as firm_credit_code,
    handling_unit,
    resolved_level,
    due_at,
    closed_at,
    status,
    substantiated,
    satisfaction,
    is_repeat,
    complainant_key,
    content,
    _file,
    _row
from raw_complaints
qualify row_number() over (partition by ticket_id order by _file desc, _row desc) = 1
