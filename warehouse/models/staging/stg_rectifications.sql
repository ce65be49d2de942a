-- zh: 问题整改销号台账（同一问题编号以最后报送的文件为准）
-- en: Rectification items (per item, the file sorted last wins: ledgers are cumulative)
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
qualify row_number() over (partition by issue_id order by _file desc, _row desc) = 1
