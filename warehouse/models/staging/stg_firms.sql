-- zh: 物业服务企业（同一信用代码以最后报送的文件为准）
-- en: Property-service firms (per credit code, the file sorted last wins)
-- column firm_credit_code: 物业企业统一社会信用代码 | Firm's unified social credit code
-- column firm_name: 企业名称 | Firm name
-- column registered_county_code: 注册地县区行政区划代码 | County of registration (adcode)
-- column is_local: 本地企业 | Local firm
-- column founded_on: 成立日期 | Founded on
-- column staff: 从业人数 | Staff
-- column has_party_org: 已建立党组织 | Has a Party organisation
-- column _file: 来源文件 | Source file
-- column _row: 来源文件中的行号 | Row number in the source file
select
    firm_credit_code,
    firm_name,
    registered_county as registered_county_code,
    is_local,
    founded_on,
    staff,
    has_party_org,
    _file,
    _row
from raw_firms
qualify row_number() over (partition by firm_credit_code order by (_file, _row) desc) = 1
