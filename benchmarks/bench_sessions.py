"""N concurrent sessions against a Streamlit server, with Streamlit's own websocket protocol.

    .venv/bin/python benchmarks/bench_sessions.py --sessions 30 --data-dir data      # starts a server
    .venv/bin/python benchmarks/bench_sessions.py --sessions 10 --port 8501 --pid 1234  # a running one

Each session is a lightweight client (no browser): it opens /_stcore/stream, asks for 总览 (a
rerun_script BackMsg, as a browser's first load does), then 目标进度 (the page's script hash from
the navigation ForwardMsg), then changes the county in the sidebar (the scope selectbox's widget
state), and after each step waits for the script_finished ForwardMsg. All sessions start at once,
as a meeting room does. Prints per-step p50/p95/max, errors, the server's RSS before and after,
the load average, and whether /_stcore/health still answers. Only 127.0.0.1; every wait is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
STEPS = ("overview", "targets", "county")
OK = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}


class Session:
    def __init__(self, port: int, step_timeout: float):
        self.port, self.step_timeout = port, step_timeout
        self.pages: dict[str, str] = {}      # url path -> page script hash
        self.scope_widget = None             # (widget id, formatted options)
        self.query_string = ""
        self.exceptions: list[str] = []

    async def run_step(self, ws, client_state: dict, widget=None) -> float:
        msg = BackMsg()
        rerun = msg.rerun_script
        rerun.query_string = client_state.get("query_string", self.query_string)
        rerun.page_script_hash = client_state.get("page_script_hash", "")
        rerun.page_name = client_state.get("page_name", "")
        if widget:
            state = rerun.widget_states.widgets.add()
            state.id, state.string_value = widget
        started = time.perf_counter()
        await ws.send(msg.SerializeToString())
        async with asyncio.timeout(self.step_timeout):
            while True:
                fwd = ForwardMsg()
                fwd.ParseFromString(await ws.recv())
                self.read(fwd)
                if fwd.WhichOneof("type") == "script_finished":
                    if fwd.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                        continue  # the page asked for a rerun (st.rerun); its next run follows
                    if fwd.script_finished not in OK:
                        raise RuntimeError(f"script finished with status {fwd.script_finished}")
                    if self.exceptions:
                        raise RuntimeError(f"exception on the page: {self.exceptions[0]}")
                    return time.perf_counter() - started

    def read(self, fwd: ForwardMsg) -> None:
        kind = fwd.WhichOneof("type")
        if kind == "navigation":
            self.pages = {p.url_pathname: p.page_script_hash for p in fwd.navigation.app_pages}
        elif kind == "page_info_changed":
            self.query_string = fwd.page_info_changed.query_string
        elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
            element = fwd.delta.new_element
            which = element.WhichOneof("type")
            if which == "exception":
                self.exceptions.append(element.exception.message[:200])
            elif which == "selectbox" and element.selectbox.id.endswith("-_scope_zh"):
                self.scope_widget = (element.selectbox.id, list(element.selectbox.options))

    async def run(self, times: dict[str, list[float]], errors: list[str]) -> None:
        step = "connect"
        try:
            async with asyncio.timeout(self.step_timeout):
                ws = await websockets.connect(f"ws://{HOST}:{self.port}/_stcore/stream",
                                              subprotocols=["streamlit"], max_size=None, open_timeout=None)
            async with ws:
                step = "overview"
                times[step].append(await self.run_step(ws, {"query_string": "", "page_name": ""}))
                step = "targets"
                target = {"page_script_hash": self.pages["targets"], "page_name": "targets"}
                times[step].append(await self.run_step(ws, target))
                step = "county"
                widget_id, options = self.scope_widget
                times[step].append(await self.run_step(ws, target, widget=(widget_id, options[1])))
        except Exception as exc:  # every failure is counted and named, none stops the others
            errors.append(f"{step}: {type(exc).__name__}: {exc}"[:300])


def rss_mb(pid: int | None) -> float | None:
    """Resident memory of the server process and its children, in MB (Linux /proc)."""
    if pid is None:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def healthy(port: int, timeout: float = 5) -> bool:
    try:
        with urllib.request.urlopen(f"http://{HOST}:{port}/_stcore/health", timeout=timeout) as r:
            return r.status == 200
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_server(data_dir: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "WUWEI_DATA_DIR": str(data_dir.resolve())}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.port", str(port),
         "--server.address", HOST, "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not healthy(port, 1):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise SystemExit("the server did not start")
        time.sleep(0.5)
    return proc


def stop_server(proc: subprocess.Popen) -> str:
    proc.terminate()
    try:
        proc.wait(10)
        return "stopped on SIGTERM"
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)
        return "ignored SIGTERM for 10 s: killed"


async def drive(port: int, sessions: int, step_timeout: float, total: float):
    times: dict[str, list[float]] = {s: [] for s in STEPS}
    errors: list[str] = []
    tasks = [asyncio.create_task(Session(port, step_timeout).run(times, errors)) for _ in range(sessions)]
    _, pending = await asyncio.wait(tasks, timeout=total)
    for task in pending:
        task.cancel()
        errors.append("cancelled: the whole run passed --total-timeout")
    return times, errors


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--data-dir", type=Path, help="start a server on a free port against this data folder")
    parser.add_argument("--port", type=int, help="a server already running on 127.0.0.1")
    parser.add_argument("--pid", type=int, help="that server's process id, for its memory")
    parser.add_argument("--step-timeout", type=float, default=60.0, help="seconds a session waits for one step")
    parser.add_argument("--total-timeout", type=float, default=300.0, help="seconds for the whole run")
    args = parser.parse_args()
    if not 1 <= args.sessions <= 200:
        raise SystemExit("--sessions: 1 to 200")
    if (args.data_dir is None) == (args.port is None):
        raise SystemExit("give --data-dir (start a server) or --port (a running one)")

    proc = None
    port, pid = args.port, args.pid
    if args.data_dir is not None:
        port = free_port()
        proc = start_server(args.data_dir, port)
        pid = proc.pid
        # one warm-up session, so the figures are for a meeting, not for the first visitor's cold caches
        asyncio.run(drive(port, 1, args.step_timeout, args.total_timeout))
    before = rss_mb(pid)
    started = time.perf_counter()
    times, errors = asyncio.run(drive(port, args.sessions, args.step_timeout, args.total_timeout))
    wall = time.perf_counter() - started
    after = rss_mb(pid)
    health = healthy(port)

    print(f"{args.sessions} sessions, {wall:.1f} s, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
          f" ({os.cpu_count()} CPUs)")
    print(f"{'step':<10}{'done':>6}{'p50 s':>8}{'p95 s':>8}{'max s':>8}")
    for step in STEPS:
        v = times[step]
        if v:
            print(f"{step:<10}{len(v):>6}{p(v, 50):>8.2f}{p(v, 95):>8.2f}{max(v):>8.2f}")
        else:
            print(f"{step:<10}{0:>6}{'—':>8}{'—':>8}{'—':>8}")
    print(f"errors: {len(errors)}")
    for e in sorted(set(errors))[:10]:
        print(f"  {errors.count(e)} × {e}")
    fmt = lambda x: "?" if x is None else f"{x:.0f} MB"  # noqa: E731
    print(f"server RSS: {fmt(before)} before, {fmt(after)} after; /_stcore/health: {'ok' if health else 'NO ANSWER'}")
    if proc is not None:
        print(f"server: {stop_server(proc)}")
    sys.exit(0 if not errors and health else 1)


if __name__ == "__main__":
    main()
