-- zh: 水电气暖产权排查（每个小区每类取最近一次排查）
-- en: Utilities census (per compound and utility, the latest census)
select
    last_day(as_of) as as_of,
    compound_id,
    utility,
    ownership_clarified,
    billed_to_household,
    serviced_to_household,
    operator,
    _file,
    _row
from raw_utilities
qualify row_number() over (partition by compound_id, utility, last_day(as_of) order by _file desc, _row desc) = 1
