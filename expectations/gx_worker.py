"""Great Expectations in a process of its own, beside the build: the build reads and types the next
batch of files while GX validates the last one, on the machine's other core (a thread would share
Python's lock with the reading). The worker imports GX and makes the suites once (the same catalogue
as the build's: same code, same `today`, so the rule numbers agree) and then validates each batch it
is sent; its outcomes (GxOutcome) come back as Polars frames, so the build never imports GX itself."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import date

import polars as pl

_validator = None  # in the worker process: its run_gx.Validator


def _start(today: date) -> None:
    global _validator
    from expectations import run_gx, suites

    _validator = run_gx.Validator(suites.catalogue(today))


def _validate(ledger: str, frame: pl.DataFrame):
    return _validator.validate(ledger, frame)


class Worker:
    """One worker process for one build: `submit` queues a batch, in order; use it as a context manager."""

    def __init__(self, today: date):
        self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"), initializer=_start,
                                         initargs=(today,))
        self._pool.submit(int)  # start it now: GX's import runs while the first batch is read

    def submit(self, ledger: str, frame: pl.DataFrame) -> Future:
        return self._pool.submit(_validate, ledger, frame)

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *_exc) -> None:
        self._pool.shutdown(cancel_futures=True)
