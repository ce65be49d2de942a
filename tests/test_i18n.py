"""The one translation table: counts say "1 month" and "2 months", lists and bilingual texts follow the view's
language, every English text is English, and every value a ledger may hold has its English entry."""

from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

import pytest

from dashboard.i18n import TEXT, counted, half, t, v, v_list
from tests.english import CJK


@pytest.mark.parametrize(("n", "shown"), [(0, "0 months"), (1, "1 month"), (2, "2 months"), ("1", "1 month"),
                                          ("1,234", "1,234 months"), (-1, "-1 months"), ("—", "— months")])
def test_a_count_is_singular_only_for_exactly_one(n, shown):
    assert counted(n, "month") == shown


def test_an_irregular_plural_is_given_after_a_bar():
    assert counted(1, "county", "counties") == "1 county"
    assert counted(4, "county", "counties") == "4 counties"


@pytest.mark.parametrize(("key", "fmt", "en"), [
    ("meeting.months_left", {"n": 1}, "1 month left"),
    ("meeting.months_left", {"n": 2}, "2 months left"),
    ("inspections.rounds_cell", {"n": 1}, "1 round"),
    ("inspections.rounds_cell", {"n": 3}, "3 rounds"),
    ("inspections.rounds_note", {"n": 1, "total": 1}, "1 of 1 county inspected this quarter"),
    ("inspections.rounds_note", {"n": 2, "total": 4}, "2 of 4 counties inspected this quarter"),
    ("targets.required_note", {"rate": "+1.0 pp", "months": 1}, "+1.0 pp a month, 1 month left"),
    ("overview.short", {"n": "1"}, ", 1 compound short"),
    ("overview.short", {"n": "1,204"}, ", 1,204 compounds short"),
])
def test_templates_count_in_english_and_stay_as_they_are_in_chinese(key, fmt, en):
    assert t(key, "en", **fmt) == en
    assert t(key, "zh", **fmt) == TEXT[key][0].format(**fmt)  # no count spec in Chinese


def test_every_english_count_says_its_noun_through_the_count_spec():
    """A placeholder such as {n} or {months} followed by a plural noun ("{n} months") reads "1 months" for one."""
    bare = {key: en for key, (_zh, en) in TEXT.items()
            if re.search(r"\{(n|months|days|total|rows|items|short|members|party|checked)\} [a-z]+s\b", en)}
    assert bare == {}


def test_the_table_is_one_table():
    tree = ast.parse(Path("dashboard/i18n.py").read_text(encoding="utf-8"))
    text = next(n for n in tree.body if isinstance(n, ast.AnnAssign) and n.target.id == "TEXT").value
    keys = Counter(k.value for k in text.keys)
    assert [k for k, n in keys.items() if n > 1] == []


def test_every_english_text_is_english():
    assert {key: en for key, (_zh, en) in TEXT.items() if CJK.search(en)} == {}


def test_a_value_entry_is_keyed_by_its_chinese():
    assert {key: zh for key, (zh, _en) in TEXT.items() if key.startswith("value.") and key != f"value.{zh}"} == {}


def test_every_value_a_ledger_may_hold_has_its_english():
    from contract.ledgers import LEDGERS

    allowed = {x for ledger in LEDGERS.values() for column in ledger.columns for x in column.values}
    assert sorted(x for x in allowed if not all(TEXT.get(f"value.{x}", ()))) == []


def test_lists_and_bilingual_texts_follow_the_language():
    assert v_list("电梯安全、二次供水", "en") == "Lift safety, Secondary water supply"
    assert v_list("电梯安全、二次供水", "zh") == "电梯安全、二次供水"
    assert v_list(None, "en") == "—"
    assert v("未知的值", "en") == "未知的值"  # a value the table does not know is shown as it is
    rule = "总户数应不小于 1 | households (总户数) must be at least 1"
    assert (half(rule, "en"), half(rule, "zh")) == ("households (总户数) must be at least 1", "总户数应不小于 1")
    assert half("文件 a.csv：缺少必填列／File a.csv: lacks a column", "en") == "File a.csv: lacks a column"
    assert half("only one language", "zh") == "only one language"


def test_every_dictionary_column_has_its_label():
    from dashboard.columns import COLUMNS

    assert {name: c.label for name, c in COLUMNS.items() if c.label not in TEXT} == {}


def test_tables_take_their_columns_from_the_dictionary():
    """A column config is made in dashboard/columns.py; the one exception is the ranking's coloured status."""
    made = {str(p): len(re.findall(r"\.[A-Z][A-Za-z]*Column\(", p.read_text(encoding="utf-8")))
            for p in Path("dashboard").rglob("*.py") if p.name != "columns.py"}
    assert {p: n for p, n in made.items() if n} == {"dashboard/pages/overview.py": 1}
