"""The SQL models: one file a model under models/<layer>/, run in dependency order.

A model file holds one SELECT; the builder runs `CREATE TABLE <file stem> AS <select>`.
Its header comments describe it, once, for the table browser and the exports:

    -- zh: 专业物业服务覆盖率（按月、按范围）
    -- en: Professional property-service coverage by month and scope
    -- column coverage: 覆盖率（专业物业小区数 ÷ 小区总数） | Coverage (covered ÷ all compounds)

Dependencies are read from the SQL itself: the tables its SELECT reads (SQLGlot parses it as DuckDB's SQL),
CTEs left out, that are other models.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import sqlglot
from sqlglot import exp

MODELS = Path(__file__).resolve().parent / "models"
LAYERS = ("staging", "core", "marts")
_DESCRIPTION = re.compile(r"^--\s*(zh|en):\s*(.+)$")
_COLUMN = re.compile(r"^--\s*column\s+(\w+):\s*(.+?)\s*\|\s*(.+)$")


@dataclass
class Model:
    name: str
    layer: str
    sql: str
    zh: str = ""
    en: str = ""
    columns: dict[str, tuple[str, str]] = field(default_factory=dict)
    depends_on: set[str] = field(default_factory=set)


def parse(path: Path, layer: str) -> Model:
    sql = path.read_text(encoding="utf-8")
    model = Model(path.stem, layer, sql)
    for line in sql.splitlines():
        if m := _DESCRIPTION.match(line.strip()):
            setattr(model, m.group(1), m.group(2).strip())
        elif m := _COLUMN.match(line.strip()):
            model.columns[m.group(1)] = (m.group(2), m.group(3))
    return model


def table_references(sql: str) -> set[str]:
    """The names of the tables a SELECT reads, its own CTEs and table functions (range, unnest) left out."""
    tree = sqlglot.parse_one(sql, read="duckdb")
    return {t.name for t in tree.find_all(exp.Table) if t.name} - {cte.alias_or_name for cte in tree.find_all(exp.CTE)}


def load_models(root: Path = MODELS) -> list[Model]:
    """Every model, ordered so that each comes after the models it reads."""
    models = {p.stem: parse(p, layer) for layer in LAYERS for p in sorted((root / layer).glob("*.sql"))}
    for m in models.values():
        m.depends_on = (table_references(m.sql) & models.keys()) - {m.name}
    ordered: list[Model] = []
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in done:
            return
        if name in path:
            raise ValueError(f"model cycle: {' -> '.join((*path, name))}")
        for dep in sorted(models[name].depends_on):
            visit(dep, (*path, name))
        done.add(name)
        ordered.append(models[name])

    for name in models:
        visit(name, ())
    return ordered
