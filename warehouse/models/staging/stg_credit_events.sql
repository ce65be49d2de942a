-- zh: 物业企业信用信息记录（部门、街道手工录入）
-- en: Credit events entered by departments and streets
-- column event_id: 记录编号 | Record id
-- column firm_credit_code: 物业企业统一社会信用代码 | Firm's unified social credit code
-- column occurred_on: 发生日期 | Date
-- column kind: 信用事项（合同履行 / 投诉处理 / 日常检查 / 街道意见 / 行政处罚 / 表彰） | Kind (contract, complaint handling, inspection, street opinion, penalty, commendation)
-- column points: 加减分（负数为扣分） | Points (negative: deduction)
-- column source_unit: 报送单位 | Reporting unit
-- column note: 说明 | Note
-- column _file: 来源文件 | Source file
-- column _row: 来源文件中的行号 | Row number in the source file
select event_id, firm_credit_code, occurred_on, kind, points, source_unit, note, _file, _row
from raw_credit_events
qualify row_number() over (partition by event_id order by (_file, _row) desc) = 1
