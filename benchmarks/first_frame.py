"""Run the bare app or aiwatch and exit the moment its first frame is written (for
benchmarks/instructions.py: a callgrind count then ends where the pty benchmark's clock does).

Run:  python benchmarks/first_frame.py bare|aiwatch
"""

from __future__ import annotations

import os
import sys

from textual.app import App

write_frame = App._display


def display_then_exit(self: App[None], screen: object, renderable: object) -> None:
    write_frame(self, screen, renderable)  # type: ignore[arg-type]
    if renderable is not None and self._running and self._driver is not None:
        os._exit(0)


App._display = display_then_exit  # type: ignore[method-assign]

if __name__ == "__main__":
    if sys.argv[1] == "bare":
        from textual.widgets import Static

        class Bare(App[None]):
            def compose(self):  # noqa: ANN201
                yield Static("hello")

        Bare().run()
    else:
        from aiwatch.cli import main

        main([])
