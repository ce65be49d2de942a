"""Files a county officer would upload, for the upload tests: a ledger's template (pipelines/template.py) filled
with the rows of a demo landing file as a person types them in (tests/test_template.py), and files to refuse."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import polars as pl

from contract.ledgers import LEDGERS
from pipelines import template
from readers.read import read_file
from tests.test_template import fill, typed_in


def demo_rows(landing: Path, name: str) -> tuple[str, date, pl.DataFrame]:
    """(ledger, month, rows as the reader typed them) of one demo landing file."""
    src = read_file(landing / name, landing)
    return src.ledger, src.month, src.frame.drop("complainant_key", strict=False)


def filled(ledger: str, county: str, month: date, rows: pl.DataFrame,
           change: Callable[[list[list]], list[list]] = lambda cells: cells) -> tuple[str, bytes]:
    """(the template's own file name, the template for `county` and `month` filled with `rows`, each row's
    cells in the ledger's column order, after `change`)."""
    places = template.region()
    lg = LEDGERS[ledger]
    content = template.template_bytes(lg, county, month, places=places)
    return template.file_name(lg, county, month, places), fill(content, change(typed_in(lg, county, rows, places)))


def column(ledger: str, name: str) -> int:
    return [c.name for c in LEDGERS[ledger].columns].index(name)


def with_macro(content: bytes) -> bytes:
    """An xlsx with a VBA project inside (as Excel saves an .xlsm), under whatever name it is given."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    return out.getvalue()


PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64  # an image, to be renamed .xlsx
