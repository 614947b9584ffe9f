"""The summaries the app shows offline from the bundled data, built once per test module.

Module-scoped fixtures run before the autouse `tmp_home`, so this points HOME and the XDG dirs
at a throwaway directory itself while the app starts (it writes the bundled notes)."""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path
from unittest import mock

from aiwatch.summary import TickerSummary


def bundled_summaries() -> dict[str, TickerSummary]:
    from aiwatch.cli import make_app

    async def build() -> dict[str, TickerSummary]:
        app = make_app(offline=True)
        async with app.run_test(size=(160, 45)):
            return dict(app.summaries)

    with tempfile.TemporaryDirectory() as home:
        env = {"HOME": home, **{name: str(Path(home) / name) for name in
                                ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME")}}
        with mock.patch.dict(os.environ, env):
            return asyncio.run(build())
