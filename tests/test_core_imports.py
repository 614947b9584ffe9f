"""The core (every module but the UI's) never imports Textual, Rich, pandas or yfinance.

The list of core modules is read off the package's files, so a new core module is covered
the day it is added; only the UI is named, below.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import aiwatch

PACKAGE = Path(aiwatch.__file__).parent
UI_FOLDERS = {"screens", "widgets"}
UI_MODULES = {"app.py", "app_lists.py", "app_notes.py",  # the app and its mixins
              "cli.py", "__main__.py", "messages.py", "commands.py"}  # Messages, Bindings
FORBIDDEN = {"textual", "rich", "pandas", "yfinance"}


def core_modules() -> list[str]:
    """Every module of the package outside the UI, as an import name."""
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] in UI_FOLDERS or str(relative) in UI_MODULES:
            continue
        parts = ("aiwatch", *relative.with_suffix("").parts)
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_the_core_list_is_read_from_the_package() -> None:
    core = core_modules()
    for name in ("aiwatch.model", "aiwatch.feed", "aiwatch.refresh", "aiwatch.market",
                 "aiwatch.sources.yahoo", "aiwatch.store.cache",
                 "aiwatch.store.codec", "aiwatch.store"):
        assert name in core
    assert not [n for n in core if n.split(".")[1:2] in (["screens"], ["widgets"])]
    assert "aiwatch.app" not in core and "aiwatch.cli" not in core


@pytest.mark.parametrize("name", core_modules())
def test_core_module_is_free_of_ui_and_heavy_imports(name: str) -> None:
    """Each module alone, in a fresh interpreter: nothing else may have loaded them first."""
    code = (
        "import importlib, sys\n"
        f"importlib.import_module({name!r})\n"
        f"print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r})))\n"
    )
    path = os.pathsep.join(filter(None, [str(PACKAGE.parent), os.environ.get("PYTHONPATH")]))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={**os.environ, "PYTHONPATH": path})
    assert out.stdout.strip() == ""
