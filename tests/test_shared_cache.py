"""dashboard/shared_cache.py: one computation for concurrent callers, errors not kept, least recently used out first."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from dashboard import shared_cache

WAIT = 10.0  # seconds a thread may take before the test calls it stuck


def counting(max_entries: int = 8, block: threading.Event | None = None):
    calls: list[tuple] = []
    entered = threading.Event()

    @shared_cache.shared(max_entries)
    def value(*args):
        calls.append(args)
        entered.set()
        if block is not None:
            assert block.wait(WAIT)
        return {"args": args}

    return value, calls, entered


def test_concurrent_callers_with_the_same_arguments_share_one_computation():
    release = threading.Event()
    value, calls, entered = counting(block=release)
    with ThreadPoolExecutor(4) as pool:
        first = pool.submit(value, "总览", 1)
        assert entered.wait(WAIT)
        others = [pool.submit(value, "总览", 1) for _ in range(3)]
        time.sleep(0.2)  # the three are waiting for the first: had they not, each would be in calls by now
        assert calls == [("总览", 1)]
        release.set()
        results = [f.result(WAIT) for f in (first, *others)]
    assert calls == [("总览", 1)]
    assert all(r is results[0] for r in results)  # one value, shared


def test_other_arguments_do_not_wait_for_a_computation_in_progress():
    release = threading.Event()
    value, calls, entered = counting(block=release)
    with ThreadPoolExecutor(2) as pool:
        slow = pool.submit(value, "slow")
        assert entered.wait(WAIT)
        try:
            entered.clear()
            other = pool.submit(value, "other")
            # "other" blocks on the same event inside the function: reaching it means it did not queue behind "slow"
            assert entered.wait(WAIT) and calls == [("slow",), ("other",)] and not slow.done()
        finally:
            release.set()
        assert other.result(WAIT) == {"args": ("other",)} and slow.result(WAIT) == {"args": ("slow",)}


def test_a_failed_computation_is_not_kept_and_the_next_caller_tries_again():
    attempts = []

    @shared_cache.shared(4)
    def flaky(key):
        attempts.append(key)
        if len(attempts) == 1:
            raise RuntimeError("warehouse not ready")
        return key.upper()

    with pytest.raises(RuntimeError, match="not ready"):
        flaky("a")
    assert flaky("a") == "A" and flaky("a") == "A"
    assert attempts == ["a", "a"]


def test_the_least_recently_used_value_goes_first_and_clear_all_empties_every_cache():
    value, calls, _ = counting(max_entries=2)
    value("a")
    value("b")
    value("a")  # a used last: b is the least recently used
    value("c")  # three kept would be one too many: b goes
    value("a")
    assert calls == [("a",), ("b",), ("c",)]
    value("b")
    assert calls[-1] == ("b",)
    shared_cache.clear_all()
    value("b")
    assert calls[-2:] == [("b",), ("b",)]
