"""`aiwatch` as a child process whose Yahoo is FakeYahoo: the subprocess fetch path, end to end.

Run as `python tests/fake_fetch.py fetch ...`: the same `main` as `python -m aiwatch`, with the
default curl session swapped for FakeYahoo (which never does I/O) before anything is fetched.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from conftest import FakeYahoo  # noqa: E402

from aiwatch.cli import main  # noqa: E402
from aiwatch.sources import yahoo  # noqa: E402

yahoo.default_session = lambda timeout: FakeYahoo()  # type: ignore[assignment]
main(sys.argv[1:])
