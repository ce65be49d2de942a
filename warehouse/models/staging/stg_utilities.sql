-- zh: 水电气暖产权排查（每个小区每类取最近一次排查）
-- en: Utilities census (per compound and utility, the latest census)
-- column as_of: 排查月份（月末） | Census month (month end)
-- column compound_id: 小区编码 | Compound id
-- column utility: 类别（供水 / 供电 / 供气 / 供热） | Utility (water, power, gas, heat)
-- column ownership_clarified: 产权明晰 | Ownership clarified
-- column billed_to_household: 收费到户 | Billed to each household
-- column serviced_to_household: 服务到户 | Serviced to each household
-- column operator: 运营单位 | Operator
-- column _file: 来源文件 | Source file
-- column _row: 来源文件中的行号 | Row number in the source file
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
qualify row_number() over (partition by compound_id, utility, last_day(as_of) order by (_file, _row) desc) = 1
