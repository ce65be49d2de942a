"""Rebuilds asked for by uploads, one at a time: <data>/uploads/queue/.

Each request is a JSON file (<time>-<id>.json: id, by, asked_at, files, state queued | running | done |
failed, build, started_at, finished_at, exit). `ask` adds one and starts a worker (`python -m
dashboard.rebuild_queue`, a process of its own, so a rebuild outlives the page that asked for it). A worker
holds worker.lock (a flock: the kernel drops it if the worker dies) or leaves at once; it runs `python -m
pipelines build` for every request queued when the build starts (one build reads every landing file, so it
serves them all), then looks again until none is left. Output goes to build-<build>.log for the page's
progress. A build that finds another holding the build lock (an administrator's rebuild) is tried again
when that one ends: builds never run side by side.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from contract import location

EXIT_BUSY = 75  # what `python -m pipelines build` exits with while another build holds the lock
BUSY_WAIT = 2.0
BUILD = [sys.executable, "-m", "pipelines", "build"]
KEEP = 200  # finished requests kept (the newest)


def folder() -> Path:
    return location.uploads_dir() / "queue"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _write(request: dict) -> None:
    path = folder() / request["file"]
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(request, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def requests() -> list[dict]:
    """Every request kept, oldest first."""
    found = []
    for path in sorted(folder().glob("*.json")) if folder().is_dir() else []:
        try:
            found.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue  # being replaced this instant: read next time
    return found


def request(request_id: str) -> dict | None:
    return next((r for r in requests() if r["id"] == request_id), None)


def enqueue(by: str, files: list[str]) -> dict:
    """A queued request (no worker started)."""
    folder().mkdir(parents=True, exist_ok=True)
    request_id = secrets.token_hex(6)
    entry = {"file": f"{time.time_ns()}-{request_id}.json", "id": request_id, "by": by, "asked_at": _now(),
             "files": files, "state": "queued", "build": None, "started_at": None, "finished_at": None,
             "exit": None}
    _write(entry)
    return entry


def ask(by: str, files: list[str], ip: str | None = None) -> dict:
    """Queue a rebuild and make sure a worker runs (one that runs already takes it)."""
    entry = enqueue(by, files)
    env = {**os.environ, "WUWEI_ACTOR": by, **({"WUWEI_ACTOR_IP": ip} if ip else {})}
    subprocess.Popen([sys.executable, "-m", "dashboard.rebuild_queue"], cwd=location.ROOT, env=env,
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                     start_new_session=True)
    return entry


def log_path(build: str) -> Path:
    return folder() / f"build-{build}.log"


def log_tail(build: str | None, lines: int = 12) -> str:
    if not build:
        return ""
    try:
        return "\n".join(log_path(build).read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return ""


@contextmanager
def _worker_lock() -> Iterator[bool]:
    folder().mkdir(parents=True, exist_ok=True)
    with open(folder() / "worker.lock", "a+") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _build(command: list[str], log: Path) -> int:
    with open(log, "a", encoding="utf-8") as out:
        while True:
            code = subprocess.run(command, cwd=location.ROOT, stdout=out, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL).returncode
            if code != EXIT_BUSY:
                return code
            out.write("… 另一次构建正在进行，结束后再开始 | another build is running: starting when it ends\n")
            out.flush()
            time.sleep(BUSY_WAIT)


def drain(command: list[str] = BUILD) -> int:
    """Run builds until no request is queued; 0 builds when another worker holds the queue."""
    builds = 0
    while True:
        with _worker_lock() as mine:
            if not mine:
                return builds
            while pending := [r for r in requests() if r["state"] == "queued"]:
                build = secrets.token_hex(4)
                for r in pending:
                    _write({**r, "state": "running", "build": build, "started_at": _now()})
                code = _build(command, log_path(build))
                builds += 1
                for r in pending:
                    _write({**r, "state": "done" if code == 0 else "failed", "build": build,
                            "started_at": (request(r["id"]) or r)["started_at"], "finished_at": _now(), "exit": code})
            _prune()
        # a request queued after the last look, whose worker found the lock still held, is taken now
        if not any(r["state"] == "queued" for r in requests()):
            return builds


def _prune() -> None:
    finished = [r for r in requests() if r["state"] in ("done", "failed")]
    for r in finished[:-KEEP]:
        (folder() / r["file"]).unlink(missing_ok=True)
        if r["build"] and not any(o["build"] == r["build"] for o in finished[-KEEP:]):
            log_path(r["build"]).unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(0 if drain() >= 0 else 1)
