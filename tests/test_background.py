"""Blocking calls off the UI thread: results and errors come back; nobody waits at quit."""

from __future__ import annotations

import asyncio
import threading

import pytest

from aiwatch.background import in_daemon_thread


async def test_the_result_comes_back() -> None:
    assert await in_daemon_thread("t", lambda: threading.current_thread().name) == "t"


async def test_an_error_comes_back() -> None:
    def fail() -> None:
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        await in_daemon_thread("t", fail)


async def test_the_thread_does_not_hold_the_process() -> None:
    release = threading.Event()
    started = threading.Event()

    def hang() -> None:
        started.set()
        release.wait(30)

    task = asyncio.ensure_future(in_daemon_thread("hung", hang))
    await asyncio.to_thread(started.wait, 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    [thread] = [t for t in threading.enumerate() if t.name == "hung"]
    assert thread.daemon
    release.set()
