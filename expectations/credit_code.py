"""The unified social credit code (统一社会信用代码, GB 32100-2015): its form and check character."""

from __future__ import annotations

import polars as pl

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
FORM = f"^[{ALPHABET}]{{18}}$"
_VALUE = {char: value for value, char in enumerate(ALPHABET)}


def check_character(first17: str) -> str:
    """The 18th character for the first 17: (31 − Σ value × weight mod 31) mod 31."""
    total = sum(_VALUE[char] * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def check_character_fails(code: pl.Expr) -> pl.Expr:
    """True where a code of the right form has the wrong check character; null where the code is
    null or not of the form (that is a different rule)."""
    def value(position: int) -> pl.Expr:
        return code.str.slice(position, 1).replace_strict(_VALUE, default=None, return_dtype=pl.Int64)

    total = pl.sum_horizontal(value(i) * weight for i, weight in enumerate(WEIGHTS))
    expected = (31 - total % 31) % 31
    return pl.when(code.str.contains(FORM)).then(value(17) != expected)
