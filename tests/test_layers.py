"""Data flows one way: every import of the project's own code goes to the module's own package or to a
lower layer, never sideways into another package of its layer, never up. Read from the source (ast), so
an import inside a function counts too."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# lowest first; packages on one line are beside each other and import neither
LAYERS = [
    {"contract"},                                # the ledger contract, the data folder, the region pack
    {"readers", "access"},                       # files -> typed frames; accounts, sessions, the audit trail
    {"expectations", "warehouse", "reports"},    # the quality gate; the SQL models; the bulletin over the marts
    {"dashboard", "pipelines"},                  # the app (pages, queries); the build's orchestration and CLI
    {"streamlit_app", "server"},                 # the app's entry points
]
LAYER = {package: i for i, packages in enumerate(LAYERS) for package in packages}


def modules() -> list[Path]:
    found = [ROOT / f"{name}.py" for name in ("streamlit_app", "server")]
    for package in LAYER:
        if (ROOT / package).is_dir():
            found += sorted((ROOT / package).rglob("*.py"))
    return found


def imported(path: Path) -> set[str]:
    """The project packages `path` imports (their first name), wherever in the module."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names & LAYER.keys()


def test_every_package_has_a_layer():
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests", "benchmarks"}
    assert packages <= LAYER.keys()


def test_no_import_runs_up_or_sideways():
    wrong = []
    for path in modules():
        own = path.relative_to(ROOT).parts[0].removesuffix(".py")
        for target in imported(path) - {own}:
            if LAYER[target] >= LAYER[own]:
                wrong.append(f"{path.relative_to(ROOT)} imports {target}")
    assert wrong == []
