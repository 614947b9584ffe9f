"""The core (model, metrics, checks, sources, store) never imports Textual, Rich or pandas."""

from __future__ import annotations

import subprocess
import sys

CORE = ["aiwatch.model", "aiwatch.metrics", "aiwatch.checks", "aiwatch.summary", "aiwatch.feed",
        "aiwatch.locations", "aiwatch.sources.snapshot", "aiwatch.store.notes",
        "aiwatch.store.config"]


def test_core_is_free_of_ui_and_heavy_imports() -> None:
    code = (
        "import sys\n"
        + "".join(f"import {name}\n" for name in CORE)
        + "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'textual', 'rich', 'pandas', 'yfinance'})\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
