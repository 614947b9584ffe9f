"""Blocking I/O off the UI thread, without making quit wait for it.

Textual's thread workers run in asyncio's default executor, which the event loop joins at
exit: a refresh stuck on a silent network held `q` for as long as its timeouts (7 s seen).
Here the blocking call runs in a daemon thread and an async worker awaits its result;
cancelling the worker (as quitting does) simply stops waiting. A write cut short at exit is
safe: the cache's SQLite transactions roll back.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from contextlib import suppress
from typing import TypeVar

T = TypeVar("T")


async def in_daemon_thread(name: str, call: Callable[[], T]) -> T:
    """Run `call` in a daemon thread and await what it returns or raises."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(result: T | None, error: BaseException | None) -> None:
        if future.done():  # the waiter was cancelled meanwhile
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)  # type: ignore[arg-type]

    def run() -> None:
        result: T | None = None
        error: BaseException | None = None
        try:
            result = call()
        except BaseException as exc:  # handed to the awaiting worker
            error = exc
        with suppress(RuntimeError):  # the loop closed: the app has quit, nobody waits
            loop.call_soon_threadsafe(settle, result, error)

    threading.Thread(target=run, name=name, daemon=True).start()
    return await future
