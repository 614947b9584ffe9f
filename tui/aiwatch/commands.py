"""One table of commands feeds the key bindings, the command palette and the help screen, so a
command is written once: its id (what `[keymap]` in the config rebinds), keys, action, the
footer's word for it, and the palette's title and help (no palette entry without them)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from msgspec import Struct
from textual.binding import Binding


class Command(Struct, frozen=True):
    """One command: its keys, action, footer word, palette entry and help."""

    id: str  # "watchlist.compare": [keymap] rebinds by it
    keys: str  # "c" or "right,l"
    action: str  # the action on the screen (or "app.…")
    description: str  # the footer's and help's word for it
    palette: str = ""  # the palette's title; "" keeps it out of the palette
    palette_help: str = ""
    show: bool = True  # in the footer
    key_display: str | None = None
    priority: bool = False

    def binding(self) -> Binding:
        return Binding(self.keys, self.action, self.description, show=self.show,
                       key_display=self.key_display, priority=self.priority, id=self.id)


def bindings(commands: Iterable[Command]) -> list[Binding]:
    return [command.binding() for command in commands]


def palette_entries(commands: Iterable[Command]) -> list[Command]:
    """The commands the palette offers, in table order."""
    return [command for command in commands if command.palette]


def keymap_problems(keymap: Sequence[tuple[str, str]], known: Iterable[str]) -> list[str]:
    """The config's rebindings that name no command: said, not silently ignored."""
    ids = set(known)
    unknown = [binding for binding, _ in keymap if binding not in ids]
    if not unknown:
        return []
    return [f"keymap: no command {', '.join(unknown)} (see ? for the ids)"]
