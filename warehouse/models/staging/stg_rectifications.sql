-- zh: 问题整改销号台账（同一问题编号以最后报送的文件为准）
-- en: Rectification items (per item, the file sorted last wins: ledgers are cumulative)
-- column issue_id: 问题编号 | Item id
-- column source: 问题来源 | Source
-- column compound_id: 小区编码 | Compound id
-- column firm_credit_code: 物业企业统一社会信用代码 | Firm's unified social credit code
-- column category: 问题类别 | Category
-- column description: 问题描述 | Description
-- column found_on: 发现日期 | Found on
-- column deadline: 整改期限 | Deadline
-- column status: 整改状态（未整改 / 整改中 / 已销号） | Status (not started, in progress, closed)
-- column closed_on: 销号日期 | Closed on
-- column _file: 来源文件 | Source file
-- column _row: 来源文件中的行号 | Row number in the source file
select
    issue_id,
    source,
    compound_id,
    nullif(firm_credit_code, '') as firm_credit_code,
    category,
    description,
    found_on,
    deadline,
    status,
    closed_on,
    _file,
    _row
from raw_rectifications
qualify row_number() over (partition by issue_id order by (_file, _row) desc) = 1
