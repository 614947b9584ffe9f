"""Write screenshots/*.svg from the same app states the snapshot tests picture.

Run:  python scripts/screenshots.py   (uses a temporary home, the bundled data, a fixed clock)
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from screen_states import FIXED_NOW, SCREENS, SIZES  # noqa: E402

SHOTS = {  # file name -> (screen, size)
    "home-wide": ("home", "wide"),
    "home-medium": ("home", "medium"),
    "home-narrow": ("home", "narrow"),
    "detail": ("detail", "wide"),
    "help": ("help", "medium"),
    "compare": ("compare", "wide"),
    "race": ("race", "medium"),
}


async def shoot(name: str, screen: str, size: str) -> None:
    from aiwatch.cli import make_app

    app = make_app(clock=lambda: FIXED_NOW, offline=True)  # as the snapshot tests run
    async with app.run_test(size=SIZES[size]) as pilot:
        await pilot.pause()
        await pilot.press(*SCREENS[screen])
        await pilot.pause(0.2)
        app.save_screenshot(filename=f"{name}.svg", path=str(ROOT / "screenshots"))


def main() -> None:
    home = tempfile.mkdtemp(prefix="aiwatch-shots-")
    for var, sub in (("XDG_CONFIG_HOME", "c"), ("XDG_DATA_HOME", "d"), ("XDG_CACHE_HOME", "k")):
        os.environ[var] = f"{home}/{sub}"
    (ROOT / "screenshots").mkdir(exist_ok=True)
    for name, (screen, size) in SHOTS.items():
        asyncio.run(shoot(name, screen, size))
        print(f"screenshots/{name}.svg")


if __name__ == "__main__":
    main()
