-- zh: 12345/信访物业工单（同一工单编号以最后报送的文件为准；个人信息已脱敏）
-- en: Complaint work orders (per ticket, the file sorted last wins; personal data hashed or masked)
-- column complainant_key: 诉求人加盐哈希（用于统计重复来电，不可还原） | Salted hash of the caller (counts repeat callers; irreversible)
-- column is_complaint: 是否计入投诉（诉求类型为投诉或举报） | Counts as a complaint (appeal type 投诉 or 举报)
-- column ticket_id: 工单编号 | Work order id
-- column received_at: 受理时间 | Received at
-- column month: 受理月份（月末） | Month received (month end)
-- column channel: 来源渠道 | Channel
-- column appeal_type: 诉求类型（投诉 / 举报 / 求助 / 咨询 / 建议 / 表扬） | Appeal type (complaint, report, help, enquiry, suggestion, praise)
-- column category: 诉求分类 | Category
-- column compound_id: 小区编码 | Compound id
-- column compound_name: 小区名称 | Compound name
-- column address: 地址 | Address
-- column county_code: 县区行政区划代码 | County adcode
-- column town: 街道/乡镇 | Town or street office
-- column firm_credit_code: 物业企业统一社会信用代码 | Firm's unified social credit code
-- column handling_unit: 承办单位 | Handling unit
-- column resolved_level: 办结层级（小区 / 社区 / 街道 / 县区部门 / 市级部门） | Level where it was resolved (compound, community, street, county, city)
-- column due_at: 办理时限 | Due by
-- column closed_at: 办结时间 | Closed at
-- column status: 办理状态（已受理 / 办理中 / 已办结 / 退回） | Status (received, in progress, closed, returned)
-- column substantiated: 诉求属实 | Substantiated
-- column satisfaction: 回访满意度 | Satisfaction at follow-up
-- column is_repeat: 重复件 | Repeat work order
-- column content: 诉求内容（电话号码、身份证号已去除） | Request text (phone and ID numbers removed)
-- column _file: 来源文件 | Source file
-- column _row: 来源文件中的行号 | Row number in the source file
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
-- one sort key, (_file, _row): DuckDB then picks each ticket's row with an aggregate instead of sorting every row
qualify row_number() over (partition by ticket_id order by (_file, _row) desc) = 1
