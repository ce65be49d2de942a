"""The unified social credit code (统一社会信用代码, GB 32100-2015): its form here, its check character by
python-stdnum (stdnum.cn.uscc)."""

from __future__ import annotations

import polars as pl
from stdnum.cn import uscc

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
FORM = f"^[{ALPHABET}]{{18}}$"


def check_character(first17: str) -> str:
    """The 18th character for the first 17."""
    return uscc.calc_check_digit(first17)


def check_character_fails(codes: pl.Series) -> pl.Series:
    """True where a code of the right form has the wrong check character; null where the code is null or
    not of the form (that is a different rule). Each distinct code is checked once (few firms, many rows)."""
    formed = codes.str.contains(FORM)
    wrong = [c for c in codes.filter(formed.fill_null(False)).unique().to_list() if check_character(c[:17]) != c[17]]
    frame = pl.DataFrame({"code": codes, "formed": formed})
    return frame.select(pl.when("formed").then(pl.col("code").is_in(pl.Series(wrong, dtype=pl.String).implode()))
                        ).to_series().rename(codes.name)
