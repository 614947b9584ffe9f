"""How the app gets a refresh done without fetching in its own process.

`SubprocessFetcher` (real use) starts `python -m aiwatch fetch --events`: that process imports
yfinance and pandas, writes the cache and prints one JSON line per `FetchEvent`; the UI process
reads the lines and re-reads the cache, and never loads yfinance or pandas. `InProcessFetcher`
(tests, whose fake Yahoo session cannot cross a process boundary) drives the same `Refresher`
in a daemon thread and hands over the same events through a queue.

Both are async iterators of events ending with a `done` one; closing the iterator early (the app
quits) kills the fetch process at once, or leaves the daemon thread to end on its own.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import AsyncIterator, Sequence
from contextlib import suppress
from typing import Protocol

from aiwatch.refresh import FetchEvent, Refresher


class Fetcher(Protocol):
    def run(self, tickers: Sequence[str], force: bool,
            fx: Sequence[str] = (), history: str = "1y") -> AsyncIterator[FetchEvent]:
        """The events of one refresh of `tickers` (and of the quotes of the FX pairs `fx`;
        with `history` "5y", the tickers' five-year charts alone),
        the last one `done`."""
        ...


class SubprocessFetcher:
    """Runs each refresh as `aiwatch fetch` in a child process; its stdout is the progress."""

    def __init__(self, command: Sequence[str] = (sys.executable, "-m", "aiwatch"),
                 env: dict[str, str] | None = None) -> None:
        self._command = tuple(command)
        self._env = env

    async def run(self, tickers: Sequence[str], force: bool,
                  fx: Sequence[str] = (), history: str = "1y") -> AsyncIterator[FetchEvent]:
        args = [*self._command, "fetch", "--events", "--tickers", ",".join(tickers)]
        if fx:
            args += ["--fx", ",".join(fx)]
        if history != "1y":
            args += ["--history", history]
        if force:
            args.append("--force")
        try:
            child = await asyncio.create_subprocess_exec(
                *args, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE, env=self._env, start_new_session=True)
        except OSError as exc:
            yield FetchEvent(done=True, message=f"cannot start the fetch: {exc.strerror or exc}")
            return
        try:
            done = False
            assert child.stdout is not None
            async for raw in child.stdout:
                event = FetchEvent.from_json(raw.decode("utf-8", "replace"))
                if event is not None:
                    done = done or event.done
                    yield event
            assert child.stderr is not None
            error = await child.stderr.read()
            status = await child.wait()
            if not done:
                last = next(iter(error.decode("utf-8", "replace").strip().splitlines()[-1:]), "")
                yield FetchEvent(done=True, message=f"fetch failed (exit {status})"
                                 + (f": {last}" if last else ""))
        finally:
            if child.returncode is None:  # closed early: the app is quitting, waits for nothing
                with suppress(ProcessLookupError):
                    child.kill()


class InProcessFetcher:
    """Runs the refresher in a daemon thread of this process, with the same events."""

    def __init__(self, refresher: Refresher) -> None:
        self.refresher = refresher

    async def run(self, tickers: Sequence[str], force: bool,
                  fx: Sequence[str] = (), history: str = "1y") -> AsyncIterator[FetchEvent]:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[FetchEvent] = asyncio.Queue()

        def put(event: FetchEvent) -> None:
            with suppress(RuntimeError):  # the loop closed: the app has quit, nobody listens
                loop.call_soon_threadsafe(queue.put_nowait, event)

        def work() -> None:
            try:
                outcome = self.refresher.refresh(tickers, force, on_event=put, fx=fx,
                                                 history=history)
                put(FetchEvent(done=True, message=outcome.message,
                               backoff_until=outcome.backoff_until))
            except Exception as exc:  # shown in the status bar, as a crashed child would be
                put(FetchEvent(done=True, message=f"refresh failed: {type(exc).__name__}: {exc}"))

        threading.Thread(target=work, name="aiwatch-refresh", daemon=True).start()
        while True:
            event = await queue.get()
            yield event
            if event.done:
                return
