"""`aiwatch` as a child process whose Yahoo accepts every request and never answers: for the
test that quitting the app ends its fetch process (run as `python tests/hanging_fetch.py`)."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from conftest import FakeYahoo  # noqa: E402

from aiwatch.cli import main  # noqa: E402
from aiwatch.sources import yahoo  # noqa: E402


def hanging_session(timeout: object) -> FakeYahoo:
    session = FakeYahoo()
    session.gate = threading.Event()  # never set: each request waits out its 10 s
    return session


yahoo.default_session = hanging_session  # type: ignore[assignment]
main(sys.argv[1:])
