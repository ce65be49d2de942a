"""The monthly bulletin (通报) and the year-end assessment, as Word (.docx) and PDF.

    make(database, month, kind) -> Bulletin(docx=bytes, pdf=bytes, stem=str)
    write(database, month, kind, out_dir) -> [docx path, pdf path]
    docx_bytes(con, month, kind), pdf_bytes(con, month, kind)   one file, over a connection the caller holds

The numbers come from the marts (reports/data.py, a read-only connection); the wording and the
letterhead are the region pack's templates in its bulletin/ folder: bulletin.docx (docxtpl
fields, edited in Word or WPS) and bulletin.typ.j2 (the PDF, typst written by Jinja). The PDF embeds
the Noto CJK SC faces found under FONT_DIR; nothing is fetched from outside.
"""

from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import jinja2

from contract import location
from reports import charts, data

TEMPLATES = location.REFERENCE / "bulletin"
FONT_DIR = Path("/usr/share/fonts/opentype/noto")
KINDS = ("monthly", "year-end")
TYPST_SPECIAL = str.maketrans({c: "\\" + c for c in "\\#$*_`<>@[]~=/\"-+"})


@dataclass
class Bulletin:
    stem: str
    docx: bytes
    pdf: bytes


def context(con, month: date, kind: str) -> dict:
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    return data.monthly(con, month) if kind == "monthly" else data.year_end(con, month)


def chinese_number(n: int) -> str:
    digits = "一二三四五六七八九十"
    return digits[n - 1] if 1 <= n <= 10 else ("十" + digits[n - 11] if n < 20 else str(n))


def typst_source(ctx: dict, template_dir: Path = TEMPLATES) -> str:
    def escape(value):
        return "" if value is None else str(value).translate(TYPST_SPECIAL)

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(template_dir), finalize=escape,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.filters["chinese_number"] = chinese_number
    return env.get_template("bulletin.typ.j2").render(**ctx)


def render_pdf(ctx: dict, svgs: dict[str, bytes], template_dir: Path = TEMPLATES) -> bytes:
    import typst

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for name, svg in svgs.items():
            (root / f"{name}.svg").write_bytes(svg)
        (root / "main.typ").write_text(typst_source(ctx, template_dir), encoding="utf-8")
        return typst.compile(str(root / "main.typ"), root=str(root), font_paths=[str(FONT_DIR)],
                             ignore_system_fonts=True)


def render_docx(ctx: dict, pngs: dict[str, bytes], template_dir: Path = TEMPLATES) -> bytes:
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    tpl = DocxTemplate(template_dir / "bulletin.docx")
    images = {name: InlineImage(tpl, io.BytesIO(png), width=Mm(150)) for name, png in pngs.items()}
    jinja_env = jinja2.Environment(autoescape=True)
    jinja_env.filters["chinese_number"] = chinese_number
    tpl.render({**ctx, **images}, jinja_env=jinja_env)
    buf = io.BytesIO()
    tpl.save(buf)
    return buf.getvalue()


def _prepare(con, month: date, kind: str, fmt: str) -> tuple[dict, dict[str, bytes]]:
    ctx = context(con, month, kind)
    images = {} if kind != "monthly" else charts.charts(con, ctx["city_code"], ctx["month"], fmt)
    return ctx, images


def stem(month: date, kind: str) -> str:
    return f"{'通报' if kind == 'monthly' else '年终考核'}_{month:%Y-%m}"


def docx_bytes(con, month: date, kind: str = "monthly", template_dir: Path = TEMPLATES) -> bytes:
    """The Word file; `con` is any connection to the warehouse (the app passes its read-only cursor)."""
    return render_docx(*_prepare(con, month, kind, "png"), template_dir)


def pdf_bytes(con, month: date, kind: str = "monthly", template_dir: Path = TEMPLATES) -> bytes:
    return render_pdf(*_prepare(con, month, kind, "svg"), template_dir)


def make(database, month: date, kind: str = "monthly", template_dir: Path = TEMPLATES) -> Bulletin:
    with data.connect(database) as con:
        ctx = context(con, month, kind)
        pngs = {} if kind != "monthly" else charts.charts(con, ctx["city_code"], ctx["month"], "png")
        svgs = {} if kind != "monthly" else charts.charts(con, ctx["city_code"], ctx["month"], "svg")
    return Bulletin(stem=stem(ctx["month"], kind), docx=render_docx(ctx, pngs, template_dir),
                    pdf=render_pdf(ctx, svgs, template_dir))


def latest_month(database) -> date:
    with data.connect(database) as con:
        return con.execute("select data_month from core_settings").fetchone()[0]


def write_latest(database, out_dir: Path) -> list[Path]:
    """The latest month's monthly bulletin (the build writes it)."""
    return write(database, latest_month(database), "monthly", out_dir)


def write(database, month: date, kind: str, out_dir: Path) -> list[Path]:
    b = make(database, month, kind)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / f"{b.stem}.docx", out_dir / f"{b.stem}.pdf"]
    paths[0].write_bytes(b.docx)
    paths[1].write_bytes(b.pdf)
    return paths
