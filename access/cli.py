"""`python -m pipelines accounts ...` and `python -m pipelines audit ...`: accounts and the audit trail
from the server's command line (the admin page does the same in the app)."""

from __future__ import annotations

import argparse
import csv
import getpass
import json
import sys
from datetime import UTC, datetime

from access import accounts, audit, store
from access.roles import ROLES, counties

ROLE_HELP = ", ".join(f"{code} ({r.zh})" for code, r in ROLES.items())


def register(sub) -> None:
    a = sub.add_parser("accounts", help="built-in accounts: list, add, passwd, role, disable, enable, unlock")
    acts = a.add_subparsers(dest="action", required=True)
    acts.add_parser("list", help="every account, its role and state")
    add = acts.add_parser("add", help="a new account; its generated password is printed once")
    add.add_argument("username")
    add.add_argument("--role", required=True, help=ROLE_HELP)
    add.add_argument("--county", help="a county officer's county: adcode or name")
    add.add_argument("--name", help="the name shown in the app (default: the user name)")
    pw = acts.add_parser("passwd", help="set a password (asked twice), or --generate one and print it")
    pw.add_argument("username")
    pw.add_argument("--generate", action="store_true")
    role = acts.add_parser("role", help="change an account's role (and county)")
    role.add_argument("username")
    role.add_argument("role", help=ROLE_HELP)
    role.add_argument("--county")
    for action in ("disable", "enable", "unlock"):
        acts.add_parser(action).add_argument("username")
    au = sub.add_parser("audit", help="the audit trail: print it, export it, check it has not been altered")
    au.add_argument("--event", action="append", help=f"only these events ({', '.join(audit.EVENTS)})")
    au.add_argument("--since", help="YYYY-MM-DD (UTC)")
    au.add_argument("--csv", help="write the entries to this CSV file (UTF-8 with BOM) instead of printing")
    au.add_argument("--verify", action="store_true", help="check the chain of hashes and say where it breaks")


def run(args: argparse.Namespace) -> int:
    try:
        return _audit(args) if args.command == "audit" else _accounts(args)
    except accounts.AccountError as exc:
        print(exc, file=sys.stderr)
        return 2


def _accounts(args: argparse.Namespace) -> int:
    actor = audit.cli_actor()
    if args.action == "list":
        print_accounts(accounts.all_accounts())
    elif args.action == "add":
        password = accounts.create(args.username, args.role, args.county, args.name, actor=actor)
        print_passwords({args.username.lower(): (args.role, accounts.get(args.username)["county_code"], password)})
    elif args.action == "passwd":
        password = None
        if not args.generate:
            password = getpass.getpass("新密码 New password: ")
            if getpass.getpass("再输一次 Again: ") != password:
                print("两次输入不一致 | The two entries differ", file=sys.stderr)
                return 2
        made = accounts.set_password(args.username, password, actor=actor)
        if args.generate:
            print_passwords({args.username.lower(): (accounts.get(args.username)["role"], None, made)})
        print(f"已修改密码，该账户的会话已结束 | Password changed; the account's sessions have ended: {args.username}")
    elif args.action == "role":
        accounts.set_role(args.username, args.role, args.county, actor=actor)
        print(f"已修改角色 | Role changed: {args.username} -> {args.role}")
    elif args.action in ("disable", "enable"):
        accounts.set_active(args.username, args.action == "enable", actor=actor)
        print(f"{'已启用' if args.action == 'enable' else '已停用'} | {args.action}d: {args.username}")
    else:
        accounts.unlock(args.username, actor=actor)
        print(f"已解锁 | Unlocked: {args.username}")
    return 0


def _when(epoch: float | None) -> str:
    return datetime.fromtimestamp(epoch).strftime("%Y-%m-%d %H:%M") if epoch else "—"


def print_accounts(rows: list[dict]) -> None:
    print(f"账户 Accounts ({store.database()}):")
    for r in rows:
        county = counties().get(r["county_code"], ("",))[0]
        state = "停用 disabled" if not r["active"] else (
            f"锁定至 locked until {_when(r['locked_until'])}" if r["locked_until"] else "")
        print(f"  {r['username']:<16} {ROLES[r['role']].zh} {r['role']:<8} {county:<8} "
              f"last sign-in {_when(r['last_signin'])}  {state}")


def print_passwords(made: dict[str, tuple[str, str | None, str]]) -> None:
    """Passwords on the terminal, once: they are stored only as hashes."""
    print("密码只显示这一次，请妥善保存 | The passwords are shown only this once; keep them safe:")
    for username, (role, county, password) in made.items():
        where = f" · {counties()[county][0]}" if county else ""
        print(f"  {username:<12} {password}   {ROLES[role].zh} {role}{where}")
    print("修改密码 To change one: python -m pipelines accounts passwd <user>  (or on the 系统管理 admin page)")


def _audit(args: argparse.Namespace) -> int:
    if args.verify:
        entries, problem = audit.verify()
        print(problem or f"审计记录完整 | The audit trail is intact: {entries} entries ({audit.path()})")
        return 1 if problem else 0
    since = datetime.fromisoformat(args.since).replace(tzinfo=UTC) if args.since else None
    rows = [e for e in audit.read() if (not args.event or e["event"] in args.event)
            and (since is None or datetime.fromisoformat(e["at"]) >= since)]
    columns = ["seq", "at", "event", "actor", "role", "ip", "what"]
    rows = [{**e, "what": json.dumps(e["what"], ensure_ascii=False)} for e in rows]
    if args.csv:
        with open(args.csv, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(columns)
            writer.writerows([e.get(c) for c in columns] for e in rows)
        print(f"{len(rows)} entries -> {args.csv}")
    else:
        for e in rows:
            print(" ".join(str(e.get(c) or "—") for c in columns))
    return 0
