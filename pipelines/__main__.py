"""Command line: python -m pipelines {build,demo,bulletin,check,template,accounts,audit}.

    build     read the ledger files of the landing folder that are new or changed (--full: every file)
              and build a new warehouse
    demo      generate the demo city into the landing folder, then build (--full as for build); on a
              first start also create one account per role and print their passwords once
    bulletin  write a month's bulletin (通报) or year-end assessment as .docx and .pdf from the current warehouse
    check     read and check ledger files as the build would, without building (exit 1 if one is rejected)
    template  write a ledger's .xlsx template (drop-downs, checks, 填表说明) for a county and month
    accounts  the app's built-in accounts (list, add, passwd, role, disable, enable, unlock)
    audit     print or export the audit trail, or check that it has not been altered
"""

from __future__ import annotations

import argparse
import shutil
import sys
from datetime import date
from pathlib import Path

from access import accounts, audit
from access import cli as access_cli
from contract import location
from contract.ledgers import LEDGERS
from pipelines.build import Progress, build_locked, format_summary

EXIT_BUSY = 75  # EX_TEMPFAIL: another build is running, try again later


def _month(text: str) -> date:
    year, month = (int(x) for x in text.split("-"))
    nxt = date(year + month // 12, month % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="landing folder -> warehouse")
    b.add_argument("--landing", type=Path, default=None, help="default: <data>/landing")
    b.add_argument("--full", action="store_true", help="read and check every file again (empties the cache)")
    d = sub.add_parser("demo", help="generate the demo city, then build")
    d.add_argument("--seed", type=int, default=2024)
    d.add_argument("--scale", type=float, default=1.0, help="1 = Wuwei; ~30 = a province; ~1000 = national")
    d.add_argument("--through", type=_month, default=None, help="last month, YYYY-MM (default: last complete)")
    d.add_argument("--landing", type=Path, default=None, help="default: <data>/landing (replaced)")
    d.add_argument("--no-defects", action="store_true", help="write clean files (no injected defects)")
    d.add_argument("--if-missing", action="store_true", help="do nothing if a warehouse already exists")
    d.add_argument("--full", action="store_true", help="read and check every file again (empties the cache)")
    r = sub.add_parser("bulletin", help="the month's bulletin (通报) as .docx and .pdf")
    r.add_argument("--month", type=_month, required=True, help="YYYY-MM")
    r.add_argument("--kind", choices=["monthly", "year-end"], default="monthly")
    r.add_argument("--out", type=Path, default=None, help="default: <data>/reports")
    c = sub.add_parser("check", help="read and check files as the build would; the warehouse is untouched")
    c.add_argument("files", type=Path, nargs="+", metavar="FILE")
    c.add_argument("--json", action="store_true", help="print the report as JSON (schema in the README)")
    t = sub.add_parser("template", help="a ledger's .xlsx template")
    t.add_argument("ledger", help="the ledger: " + ", ".join(LEDGERS) + " (or its Chinese name)")
    t.add_argument("--county", default=None, help="adcode of the county (default: the whole city)")
    t.add_argument("--month", type=_month, default=None, help="YYYY-MM: the month (period) the file is for")
    t.add_argument("--out", type=Path, default=None, help="the .xlsx file to write (default: the name the "
                   "reader recognises in the current folder, e.g. 凉州区_住宅小区物业管理台账_2024-03.xlsx)")
    access_cli.register(sub)
    args = parser.parse_args(argv)

    if args.command in ("accounts", "audit"):
        return access_cli.run(args)

    if args.command == "check":  # reads files only: no build lock, nothing written to the warehouse
        from pipelines import check

        return check.main(args.files, args.json)
    if args.command == "template":
        return template(args.ledger, args.county, args.month, args.out)
    if args.command == "bulletin":  # reads the warehouse, builds nothing: no build lock
        return bulletin(args.month, args.kind, args.out)
    # Several app sessions may start the first-run demo at once: the later ones wait for the
    # first, then find its warehouse.
    first_run = args.command == "demo" and args.if_missing
    try:
        with location.build_lock(wait=first_run):  # the demo replaces the landing folder: never under another build
            return _run(args)
    except location.BuildLocked as exc:
        print(exc, file=sys.stderr)
        return EXIT_BUSY


def _run(args: argparse.Namespace) -> int:
    progress = Progress()
    if args.command == "demo":
        if args.if_missing and location.current_database():
            print(f"数据仓库已存在 | Warehouse exists: {location.current_database()}")
            first_accounts()
            return 0
        from pipelines.demo import generate  # the generator is only needed here

        landing = args.landing or location.landing_dir()
        if landing.exists():
            shutil.rmtree(landing)
        counts = generate(landing, seed=args.seed, scale=args.scale, through=args.through,
                          defects=not args.no_defects, progress=progress)
        progress.done()
        print(f"演示数据已生成 | Demo ledgers written to {landing}: "
              + ", ".join(f"{k} {v}" for k, v in counts.items()))
    else:
        landing = args.landing
    try:
        summary = build_locked(landing, progress=progress, bulletin=True, full=args.full)
    except Exception as exc:
        progress.done()
        audit.record("rebuild", audit.cli_actor(), ip=audit.cli_ip(), command=args.command, outcome="failed",
                     error=str(exc)[:500])
        print(f"构建失败，原数据仓库保持不变 | Build failed, the previous warehouse is unchanged: {exc}",
              file=sys.stderr)
        return 1
    progress.done()
    audit.record("rebuild", audit.cli_actor(), ip=audit.cli_ip(), command=args.command, outcome="succeeded",
                 database=summary.database.name)
    print(format_summary(summary))
    print(write_templates())
    if args.command == "demo":
        first_accounts()
    return 0


def write_templates() -> str:
    """Every ledger template into <data>/templates/ for the app. The warehouse is published already, so a
    failure is said, not raised."""
    from pipelines import template

    try:
        written = template.write_all()
    except Exception as exc:
        return (f"✗ 台账模板未能生成（数据仓库已更新）| The ledger templates could not be written: "
                f"{type(exc).__name__}: {exc}")
    return f"台账模板 templates: {len(written)} → {location.templates_dir()}"


def template(name: str, county: str | None, month: date | None, out: Path | None) -> int:
    from pipelines import template as templates

    ledger = LEDGERS.get(name) or next((lg for lg in LEDGERS.values() if lg.zh == name), None)
    if ledger is None:
        print(f"未知台账 | Unknown ledger {name!r}: one of {', '.join(LEDGERS)}", file=sys.stderr)
        return 2
    try:
        content = templates.template_bytes(ledger, county, month)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    out = out or Path(templates.file_name(ledger, county, month))
    print(f"模板已生成 | Written: {templates.write(out, content)}")
    return 0


def first_accounts() -> None:
    """The first start: one account per role, their passwords printed here once (the app cannot show them)."""
    made = accounts.create_defaults(actor=audit.cli_actor())
    if made:
        print("\n已为每个角色创建一个账户 | One account per role was created.")
        access_cli.print_passwords(made)


def bulletin(month: date, kind: str, out: Path | None) -> int:
    from reports.bulletin import write

    database = location.current_database()
    if database is None:
        print("还没有数据仓库 | No warehouse has been built yet", file=sys.stderr)
        return 1
    try:
        paths = write(database, month, kind, out or location.reports_dir())
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 1
    for p in paths:
        print(f"通报已生成 | Written: {p}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
