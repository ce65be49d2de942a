"""Who may use the system: roles, built-in accounts, sessions, the sign-in settings and the audit trail.

Plain Python (SQLite, argon2, JSON lines) kept in the data folder, never in git. Both the command line
(`python -m pipelines accounts ...`) and the dashboard import it; it imports neither of them.

    <data>/access/access.sqlite   accounts (argon2 hashes) and sessions (SHA-256 of the cookie's token)
    <data>/access/settings.toml   inactivity limit, lockout, single sign-on (optional; defaults below)
    <data>/audit/audit.jsonl      the audit trail, appended to and never rewritten
"""
