"""Many people opening the app at once: N concurrent sessions against one server.

    WUWEI_DATA_DIR=/path/to/data .venv/bin/python benchmarks/bench_sessions.py [--sessions 30]
    .venv/bin/python benchmarks/bench_sessions.py --url http://127.0.0.1:8501 --pid 1234

Each session is a lightweight client speaking Streamlit's own websocket protocol (the protobuf
BackMsg / ForwardMsg the browser exchanges, no browser): it opens 总览 (the cockpit), then
目标进度, then changes the scope selector to a county, and waits each time for the server's
script_finished message. All sessions start together, as a meeting room does.

Prints, per step, the median, 95th percentile and maximum time, the errors (an exception element
on the page, a script that did not finish, a timeout or a dropped connection), the server's
resident memory before and after, the CPU time the server spent (a figure that holds on a busy
machine, unlike the wall times), and whether /_stcore/health still answers. Without --url the
script starts its own server on a free port of 127.0.0.1 over WUWEI_DATA_DIR (or data/), and
always stops it. Only 127.0.0.1 is ever contacted; every wait is bounded. Each visitor is signed in
(a session of a test analyst account in the same data folder, its cookie sent with the websocket).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from access.sessions import COOKIE  # noqa: E402
from tests.apptest import session_token  # noqa: E402

STEPS = ("总览 overview", "目标进度 targets", "县区切换 county change")
SCOPE_LABEL = "范围"  # the scope selector's label in the sidebar (Chinese, the default language)


@dataclass
class Result:
    seconds: dict[str, float] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


class Session:
    """One visitor: a websocket to /_stcore/stream and the page state the server sent it."""

    def __init__(self, socket_url: str, timeout: float, token: str):
        self.socket_url, self.timeout, self.token = socket_url, timeout, token
        self.pages: dict[str, str] = {}           # url path -> page script hash
        self.scope_box = None                      # the scope selectbox proto, once seen
        self.exceptions: list[str] = []

    async def __aenter__(self):
        self.ws = await websockets.connect(self.socket_url, subprotocols=["streamlit"], max_size=None,
                                           open_timeout=self.timeout,
                                           additional_headers={"Cookie": f"{COOKIE}={self.token}"})
        return self

    async def __aexit__(self, *exc):
        await self.ws.close()

    async def run(self, *, page: str = "", query: str = "", widget: WidgetState | None = None) -> None:
        """Ask for a script run and read messages until it has finished; raise on a failed run."""
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = query
        state.page_script_hash = self.pages.get(page, "")
        state.page_name = page
        if widget is not None:
            state.widget_states.widgets.append(widget)
        self.exceptions.clear()
        await self.ws.send(msg.SerializeToString())
        deadline = time.monotonic() + self.timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no script_finished within {self.timeout:.0f} s")
            forward = ForwardMsg()
            forward.ParseFromString(await asyncio.wait_for(self.ws.recv(), remaining))
            kind = forward.WhichOneof("type")
            if kind == "navigation":
                self.pages = {p.url_pathname: p.page_script_hash for p in forward.navigation.app_pages}
            elif kind == "delta":
                self._read_delta(forward)
            elif kind == "script_finished":
                status = ForwardMsg.ScriptFinishedStatus.Name(forward.script_finished)
                if status == "FINISHED_EARLY_FOR_RERUN":
                    continue  # st.rerun or a widget change: the run that follows is the one to wait for
                if self.exceptions:
                    raise RuntimeError("exception on the page: " + self.exceptions[0][:200])
                if status != "FINISHED_SUCCESSFULLY":
                    raise RuntimeError(status)
                return

    def _read_delta(self, forward: ForwardMsg) -> None:
        delta = forward.delta
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "exception":
            self.exceptions.append(element.exception.message)
        elif kind == "selectbox" and element.selectbox.label == SCOPE_LABEL:
            self.scope_box = element.selectbox


async def visit(socket_url: str, timeout: float, start: asyncio.Event, token: str) -> Result:
    result = Result()
    await start.wait()
    try:
        async with Session(socket_url, timeout, token) as s:
            for step in STEPS:
                began = time.perf_counter()
                if step == STEPS[0]:
                    await s.run()
                elif step == STEPS[1]:
                    await s.run(page="targets")
                else:
                    if s.scope_box is None or len(s.scope_box.options) < 2:
                        raise RuntimeError("no scope selector on the page")
                    choice = WidgetState(id=s.scope_box.id, string_value=s.scope_box.options[-1])
                    await s.run(page="targets", widget=choice)
                    if s.scope_box.raw_value != choice.string_value:
                        raise RuntimeError(f"the scope did not change to {choice.string_value}")
                result.seconds[step] = time.perf_counter() - began
    except Exception as error:
        result.errors.append(f"{type(error).__name__}: {error}")
    return result


async def crowd(socket_url: str, sessions: int, timeout: float) -> list[Result]:
    start = asyncio.Event()
    tokens = [session_token("analyst") for _ in range(sessions)]  # signed in, as a browser's cookie says
    tasks = [asyncio.create_task(visit(socket_url, timeout, start, token)) for token in tokens]
    start.set()
    return await asyncio.gather(*tasks)


# -- the server -----------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url: str, timeout: float = 5) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


def rss_mb(pid: int | None) -> float | None:
    if pid is None:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def cpu_seconds(pid: int | None) -> float | None:
    """The server's user + system CPU time so far: what the sessions cost it, however busy the machine is."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_ticks() -> list[int]:
    """The machine's CPU ticks by kind (/proc/stat: user nice system idle iowait irq softirq steal)."""
    return [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]


def steal_share(before: list[int], after: list[int]) -> float:
    """The share of the machine's time its hypervisor gave to other guests: with 29–35% stolen (2026-12-03) the
    same commit cost the server twice the CPU seconds a visitor of a quieter day."""
    spent = [b - a for a, b in zip(before, after, strict=True)]
    return spent[7] / max(1, sum(spent))


def start_server(port: int) -> subprocess.Popen:
    env = {**os.environ, "WUWEI_DATA_DIR": os.environ.get("WUWEI_DATA_DIR", str(ROOT / "data"))}
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "server.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        if healthy(url, 1):
            return server
        time.sleep(0.5)
    stop_server(server)
    raise RuntimeError("the server did not start")


def stop_server(server: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL after 10 s: a deadlocked server ignores SIGTERM."""
    with_pid = os.getpgid(server.pid)
    os.killpg(with_pid, signal.SIGTERM)
    try:
        server.wait(10)
    except subprocess.TimeoutExpired:
        print("  the server ignored SIGTERM for 10 s: killed")
        os.killpg(with_pid, signal.SIGKILL)
        server.wait()


# -- the report -----------------------------------------------------------------------------------

def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def report(results: list[Result], wall: float) -> int:
    errors = [e for r in results for e in r.errors]
    print(f"{'step':<24}{'done':>6}{'p50 s':>9}{'p95 s':>9}{'max s':>9}")
    for step in STEPS:
        times = [r.seconds[step] for r in results if step in r.seconds]
        if times:
            print(f"{step:<24}{len(times):>6}{statistics.median(times):>9.2f}{percentile(times, 0.95):>9.2f}"
                  f"{max(times):>9.2f}")
        else:
            print(f"{step:<24}{0:>6}{'—':>9}{'—':>9}{'—':>9}")
    print(f"sessions {len(results)}, errors {len(errors)}, wall {wall:.1f} s")
    for error in sorted(set(errors))[:5]:
        print(f"  error ×{errors.count(error)}: {error}")
    return len(errors)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--timeout", type=float, default=60, help="seconds a step may take before it is an error")
    parser.add_argument("--url", help="a running server on 127.0.0.1 (default: start one)")
    parser.add_argument("--pid", type=int, help="the running server's pid, for its memory")
    args = parser.parse_args()

    server = None
    if args.url:
        if not args.url.startswith(("http://127.0.0.1", "http://localhost")):
            parser.error("only a server on this machine (127.0.0.1) may be loaded")
        url, pid = args.url.rstrip("/"), args.pid
    else:
        port = free_port()
        server = start_server(port)
        url, pid = f"http://127.0.0.1:{port}", server.pid
    try:
        load = os.getloadavg()[0]
        before, cpu_before, ticks = rss_mb(pid), cpu_seconds(pid), machine_ticks()
        began = time.perf_counter()
        results = asyncio.run(crowd(url.replace("http", "ws", 1) + "/_stcore/stream", args.sessions, args.timeout))
        wall = time.perf_counter() - began
        errors = report(results, wall)
        after, cpu_after, stolen = rss_mb(pid), cpu_seconds(pid), steal_share(ticks, machine_ticks())
        if cpu_before is not None and cpu_after is not None:
            spent = cpu_after - cpu_before
            print(f"server CPU {spent:.1f} s, {spent / args.sessions * 1000:.0f} ms a session (all three steps)")
        if before is not None and after is not None:
            print(f"server memory (RSS) {before:.0f} MB before, {after:.0f} MB after")
        alive = healthy(url)
        print(f"server healthy afterwards: {'yes' if alive else 'NO'}  (load average before the run {load:.1f}, "
              f"{os.cpu_count()} cores; CPU stolen by the hypervisor during it {stolen:.0%})")
        return 1 if errors or not alive else 0
    finally:
        if server is not None:
            stop_server(server)


if __name__ == "__main__":
    sys.exit(main())
