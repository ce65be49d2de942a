-- zh: 物业服务企业（同一信用代码以最后报送的文件为准）
-- en: Property-service firms (per credit code, the file sorted last wins)
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
qualify row_number() over (partition by firm_credit_code order by _file desc, _row desc) = 1
