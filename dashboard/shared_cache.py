"""Values every session shares: one result per set of arguments, computed once, read by all.

What st.cache_resource does, at a small part of its cost a call: Streamlit hashes each argument with
its own hasher and inspects the function's signature on every call, which was a tenth of the server's
time when a meeting room opened the app at once (benchmarks/bench_sessions.py); here the arguments are
a plain dictionary key (they must be hashable). Like it, concurrent callers with the same arguments wait
for one computation instead of each making their own, and the least recently used value goes first once
`max_entries` are kept. A value is shared across threads, so nothing may change it after it is made.

For functions of imported modules only: a page file runs anew on each run, so a cache made in one would
be a new, empty one each time (pages use st.cache_resource, which is keyed on the function's source).
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
_ALL: list[Callable[[], None]] = []  # each cache's clear(), for a cold start (benchmarks/bench_pages.py)


def shared(max_entries: int) -> Callable[[Callable[..., T]], Callable[..., T]]:
    def decorate(fn: Callable[..., T]) -> Callable[..., T]:
        values: OrderedDict[tuple, T] = OrderedDict()
        pending: dict[tuple, threading.Lock] = {}  # the arguments being computed, each with its own lock
        guard = threading.Lock()                   # over values and pending

        @functools.wraps(fn)
        def cached(*args):
            with guard:
                if args in values:
                    values.move_to_end(args)
                    return values[args]
                computing = pending.setdefault(args, threading.Lock())
            with computing:
                with guard:
                    if args in values:  # made by the caller this one waited for
                        return values[args]
                try:
                    value = fn(*args)
                except BaseException:
                    with guard:
                        pending.pop(args, None)
                    raise
                with guard:
                    values[args] = value
                    pending.pop(args, None)
                    while len(values) > max_entries:
                        values.popitem(last=False)
                return value

        def clear() -> None:
            with guard:
                values.clear()

        cached.clear = clear
        _ALL.append(clear)
        return cached
    return decorate


def clear_all() -> None:
    for clear in _ALL:
        clear()
