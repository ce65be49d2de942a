"""Great Expectations in a process of its own, beside the build: the build reads and types the next
batch of files while GX validates the last one, on the machine's other core (a thread would share
Python's lock with the reading). The worker imports GX and makes the suites once (the same catalogue
as the build's: same code, same `today`, so the rule numbers agree) and then validates each batch it
is sent; its outcomes (GxOutcome) come back as Polars frames, so the build never imports GX itself.

The worker is a plain `python -m expectations.gx_worker` subprocess talking pickles over its stdin and
stdout, not a multiprocessing pool: multiprocessing's spawn re-imports the parent's __main__ in the
child, and inside a process that has run a Streamlit script (the tests' AppTest) __main__ is the app,
which would start the app (and its wait for a warehouse) in the worker.
"""

from __future__ import annotations

import pickle
import queue
import subprocess
import sys
import threading
from collections import deque
from concurrent.futures import Future
from datetime import date

import polars as pl

from contract.location import ROOT


class Worker:
    """One worker process for one build: `submit` queues a batch (answered in order); a context manager."""

    def __init__(self, today: date):
        self._process = subprocess.Popen([sys.executable, "-m", "expectations.gx_worker", today.isoformat()],
                                         cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self._waiting: deque[Future] = deque()
        self._lock = threading.Lock()
        # Batches are written and answers read by threads of their own: a batch is megabytes and the pipe
        # holds 64 KB, so a write waits until the worker has finished the batch before; the build goes on
        # reading meanwhile, and neither side ever blocks the other on a full pipe.
        self._outbox: queue.SimpleQueue = queue.SimpleQueue()
        self._writer = threading.Thread(target=self._write_batches, daemon=True)
        self._reader = threading.Thread(target=self._read_answers, daemon=True)
        self._writer.start()
        self._reader.start()

    def submit(self, ledger: str, frame: pl.DataFrame) -> Future:
        future: Future = Future()
        with self._lock:
            self._waiting.append(future)
        self._outbox.put((ledger, frame))
        return future

    def _write_batches(self) -> None:
        sink = self._process.stdin
        try:
            while (batch := self._outbox.get()) is not None:
                pickle.dump(batch, sink, protocol=pickle.HIGHEST_PROTOCOL)
                sink.flush()
            sink.close()
        except OSError:  # the worker has died: its reader says why
            pass

    def _read_answers(self) -> None:
        out = self._process.stdout
        while True:
            try:
                ok, value = pickle.load(out)
            except EOFError:
                break
            with self._lock:
                future = self._waiting.popleft()
            if ok:
                future.set_result(value)
            else:
                future.set_exception(RuntimeError(f"GX worker: {value}"))
        with self._lock:
            waiting, self._waiting = list(self._waiting), deque()
        for future in waiting:
            future.set_exception(RuntimeError(f"GX worker ended (exit code {self._process.wait()})"))

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *_exc) -> None:
        self._outbox.put(None)  # the worker ends when its input does
        self._writer.join()
        self._reader.join()
        self._process.wait()


def serve(today: date) -> None:
    """The worker's side: (ledger, frame) in, (True, GxOutcome) or (False, the error) out, until stdin ends."""
    import traceback

    from expectations import run_gx, suites

    validator = run_gx.Validator(suites.catalogue(today))
    source, sink = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # anything printed by a library stays off the answers
    while True:
        try:
            ledger, frame = pickle.load(source)
        except EOFError:
            return
        try:
            answer = (True, validator.validate(ledger, frame))
        except Exception:
            answer = (False, traceback.format_exc())
        pickle.dump(answer, sink, protocol=pickle.HIGHEST_PROTOCOL)
        sink.flush()


if __name__ == "__main__":
    serve(date.fromisoformat(sys.argv[1]))
