"""What the upload page does with a file, without Streamlit: refuse it (name, size, type by content, macros),
stage it, have the pipeline check it in a subprocess, refuse another county's rows, and store it in the
landing folder (a replaced file kept as a previous version), recorded in the manifest and the audit trail.

Where an upload goes: <landing>/<county or city name>/<ledger>/<YYYY-MM>/<the name it was sent with>. The
folders repeat what the check found (county, the ledger's own name, which is one of its title words, and the
month), so the build reads the stored file as the check read the staged one: the check names a staged file
by its name alone, and the title comes before the path wherever both could say something. An upload
replaces the sender's files of that ledger and period: they are moved to <data>/uploads/versions/, never
overwritten or deleted.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from access import audit, uploads
from access.sessions import Session
from access.settings import load as load_settings
from contract import location

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP = b"PK\x03\x04"
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
SUFFIXES = (".xlsx", ".xls", *TEXT_SUFFIXES)
MACRO_SUFFIXES = (".xlsm", ".xltm", ".xlsb", ".xla", ".xlam")
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
STAGING_HOURS = 24  # a check nobody confirmed is cleared after this long
CHECK_TIMEOUT = 600
CHUNK = 1 << 20


@dataclass(eq=False)
class Refusal(Exception):
    """A file the page will not take: `rule` names the message upload.refused.<rule>, which takes `file`
    and the `details`."""
    rule: str
    file: str
    details: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.rule}: {self.file} {self.details or ''}".strip()


def max_bytes() -> int:
    return int(load_settings().upload_max_mb * 1024 * 1024)


def safe_name(name: str) -> str:
    """The name a file was sent with, if it is one plain file name (NFC); else refused: a name never chooses
    a folder (no / or \\, no "..", no control character, not hidden, not empty)."""
    name = unicodedata.normalize("NFC", name or "")
    if (not name.strip() or "/" in name or "\\" in name or ".." in name or _CONTROL.search(name)
            or name.startswith(".") or name.startswith("~$") or len(name.encode()) > 200):
        raise Refusal("name", name)
    return name


def _zip_names(data: bytes) -> list[str] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return z.namelist()
    except (zipfile.BadZipFile, ValueError):
        return None


def content_kind(data: bytes) -> str:
    """What the bytes are, whatever the name says: xlsx (a zip holding [Content_Types].xml and a workbook),
    xls (an OLE2 compound file), text (no NUL byte, or UTF-16 with its BOM, and readable as UTF-8 or
    GB18030), else zip, pdf, image or binary."""
    if data.startswith(ZIP):
        names = _zip_names(data)
        if names and "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return "xlsx"
        return "zip"
    if data.startswith(OLE2):
        return "xls"
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        return "image"
    head = data[:65536]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "text"
    if b"\x00" in head:
        return "binary"
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
            return "text"
        except UnicodeDecodeError as error:
            if error.start >= len(head) - 4 and len(data) > len(head):  # a character cut by the 64 KB window
                return "text"
    return "binary"


def has_macros(kind: str, data: bytes) -> bool:
    """A workbook carrying a VBA project: vbaProject.bin in an xlsx's zip (or a macro-enabled content type),
    the _VBA_PROJECT_CUR storage in an OLE2 file."""
    if kind == "xlsx":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            if any(n.lower().endswith("vbaproject.bin") for n in z.namelist()):
                return True
            return b"macroenabled" in z.read("[Content_Types].xml").lower()
    if kind == "xls":
        return "_VBA_PROJECT_CUR".encode("utf-16-le") in data
    return False


def formula_cells(kind: str, data: bytes) -> int:
    """Cells holding a formula in an xlsx's sheets (the reader takes their cached values); 0 for other kinds."""
    if kind != "xlsx":
        return 0
    n = 0
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                with z.open(name) as sheet:
                    tail = b""
                    while chunk := sheet.read(CHUNK):  # a tag cut between chunks is counted once, when whole
                        n += sum(m.end() > len(tail) for m in _FORMULA.finditer(tail + chunk))
                        tail = chunk[-16:]
    return n


SUFFIX_KIND = {".xlsx": ("xlsx", "xls"), ".xls": ("xls",)} | {s: ("text",) for s in TEXT_SUFFIXES}


def screen(name: str, data: bytes, limit: int | None = None) -> tuple[str, int]:
    """(content kind, formula cells) of a file the page may take; else Refusal. The suffix must be a ledger
    file type and agree with the content (an encrypted .xlsx is an OLE2 file: the reader says it is
    encrypted)."""
    limit = max_bytes() if limit is None else limit
    name = safe_name(name)
    if len(data) > limit:
        shown = math.ceil(len(data) / 1048576 * 10) / 10  # rounded up: never shown as the limit itself
        raise Refusal("size", name, {"size": f"{shown:.1f}", "limit": f"{limit / 1048576:g}"})
    suffix = Path(name).suffix.lower()
    if suffix in MACRO_SUFFIXES:
        raise Refusal("macro", name)
    if suffix not in SUFFIX_KIND:
        raise Refusal("suffix", name, {"suffix": suffix or "—"})
    if not data:
        raise Refusal("empty", name)
    kind = content_kind(data)
    if kind not in SUFFIX_KIND[suffix]:
        raise Refusal("content", name, {"suffix": suffix, "kind": kind})
    if has_macros(kind, data):
        raise Refusal("macro", name)
    return kind, formula_cells(kind, data)


# -- staging and the check ----------------------------------------------------------------------------

def staging_dir() -> Path:
    return location.uploads_dir() / "staging"


def _private(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    return folder


def stage(files: dict[str, bytes]) -> Path:
    """A new private folder under <data>/uploads/staging/ holding `files` (safe names -> bytes); clears
    checks older than STAGING_HOURS."""
    clear_stale()
    _private(location.uploads_dir())
    folder = _private(staging_dir()) / secrets.token_hex(8)
    folder.mkdir(mode=0o700)
    for name, data in files.items():
        write_atomic(folder / safe_name(name), data)
    return folder


def clear_stale(now: float | None = None) -> None:
    now = time.time() if now is None else now
    for folder in staging_dir().glob("*") if staging_dir().is_dir() else []:
        if folder.is_dir() and now - folder.stat().st_mtime > STAGING_HOURS * 3600:
            shutil.rmtree(folder, ignore_errors=True)


class CheckFailed(RuntimeError):
    """The check command itself failed (not a rejected file: that is in its report)."""


def run_check(paths: list[Path]) -> dict:
    """`python -m pipelines check --json` over `paths`, in a subprocess (the app never imports the pipeline)."""
    done = subprocess.run([sys.executable, "-m", "pipelines", "check", "--json", *map(str, paths)],
                          cwd=location.ROOT, capture_output=True, text=True, encoding="utf-8",
                          timeout=CHECK_TIMEOUT, env=os.environ.copy())
    if done.returncode not in (0, 1):
        raise CheckFailed(done.stderr.strip()[-2000:])
    try:
        return json.loads(done.stdout[done.stdout.index("{"):])
    except ValueError as error:
        raise CheckFailed(done.stderr.strip()[-2000:] or str(error)) from None


def county_refusal(record: dict, own: str) -> Refusal | None:
    """For a county officer of `own`: refused if the file is not the own county's (the check's county of
    the file) or holds a row of another county (its 县区 cell, loaded or quarantined as not the file's)."""
    name = Path(record["file"]).name
    if record["county"] is None:
        return Refusal("county_unknown", name)
    if record["county"] != own:
        return Refusal("county", name, {"county": record["county"]})
    rows = sorted({q["row"] for q in record["quarantined"] if q["rule"] == "county_mismatch"})
    others = sorted(c for c in record.get("row_counties", {}) if c != own)
    if rows or others:
        return Refusal("rows_county", name, {"rows": rows, "counties": others})
    return None


def target(record: dict, place: str) -> str:
    """Where the file goes in the landing folder (relative): <place>/<ledger>/<YYYY-MM>/<name>."""
    return f"{place}/{record['ledger']}/{record['month']}/{safe_name(Path(record['file']).name)}"


def in_folder(relative_folder: str, landing: Path | None = None) -> list[str]:
    """The files in one upload folder of the landing folder now (relative paths), hidden ones left out."""
    landing = landing or location.landing_dir()
    folder = landing / relative_folder
    if not folder.is_dir():
        return []
    return sorted(p.relative_to(landing).as_posix() for p in folder.iterdir()
                  if p.is_file() and not p.name.startswith("."))


# -- storing ------------------------------------------------------------------------------------------

def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a hidden temporary file in the same folder, renamed into place (a
    build never sees half a file: the reader leaves hidden names out)."""
    tmp = path.parent / f".upload-{secrets.token_hex(6)}"
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def versions_dir() -> Path:
    return location.uploads_dir() / "versions"


def keep_version(relative: str, stamp: str, landing: Path | None = None) -> str:
    """Move a landing file out of the landing folder into the versions folder (its relative path, then
    the upload's time before its name), never over another file; returns where it went (relative to the
    data folder)."""
    landing = landing or location.landing_dir()
    source = landing / relative
    folder = versions_dir() / Path(relative).parent
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(1000):
        dest = folder / f"{stamp}{f'-{n}' if n else ''}_{source.name}"
        try:
            os.link(source, dest)  # fails if dest exists: nothing is overwritten
        except FileExistsError:
            continue
        os.unlink(source)
        return dest.relative_to(location.data_dir()).as_posix()
    raise FileExistsError(dest)


def store(staged: Path, record: dict, relative: str, replaces: list[str], session: Session,
          ip: str | None = None) -> dict:
    """Put a checked file at `relative` in the landing folder, the files it replaces kept as versions;
    recorded in the manifest and audited as an upload. Returns the manifest entry."""
    data = staged.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    if sha != record["sha256"]:
        raise Refusal("changed", staged.name)  # not the bytes that were checked
    landing = location.landing_dir()
    dest = landing / relative
    now = datetime.now(UTC)
    stamp = now.strftime("%Y%m%dT%H%M%S%fZ")
    gone = [r for r in dict.fromkeys([*replaces, relative]) if (landing / r).is_file()]
    kept = [{"path": r, "kept_as": keep_version(r, stamp, landing)} for r in gone]
    dest.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(dest, data)
    entry = {"path": relative, "sha256": sha, "size": len(data), "uploaded_at": now.isoformat(timespec="seconds"),
             "by": session.username, "name": session.display_name, "role": session.role,
             "county": session.records_county, "ledger": record["ledger"], "file_county": record["county"],
             "month": record["month"], "rows_loaded": record["rows"]["loaded"], "replaced": kept}
    uploads.append(entry)
    audit.record("upload", session.username, role=session.role, ip=ip, path=relative, sha256=sha, size=len(data),
                 replaced=[k["path"] for k in kept])
    return entry
