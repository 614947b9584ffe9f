"""Textual's Footer, rebuilt only when the keys it shows change."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

PALETTE_KEY_FROM = 120  # columns: below, the footer leaves ctrl+p out (? lists it) for keys

Shown = tuple[tuple[str, str, str, bool, str], ...]


def shown_keys(screen: Screen[object]) -> Shown:
    """What the footer would draw for the screen: each command's first shown key as it is
    displayed, its label and state. Before a card has the focus, → comes first for "next
    card"; after, the scrolling body's own → (which passes it on) hides it and l comes
    first: both are drawn "→/l", so the footer is the same."""
    app = screen.app
    first: dict[str, tuple[str, str, str, bool, str]] = {}
    for _, binding, enabled, tooltip in screen.active_bindings.values():
        if binding.show:
            first.setdefault(binding.action, (app.get_key_display(binding),
                                              binding.description, binding.action, enabled,
                                              tooltip))
    return tuple(first.values())


class KeysFooter(Footer):
    """Every focus move signals "bindings updated", and Footer then recomposes its ~20 key
    widgets and restyles them: most of the CPU of a key press on the watchlist, for a footer
    that looks the same on every card. This one recomposes only when its keys differ."""

    _shown: Shown | None = None

    def compose(self) -> ComposeResult:
        """The keys from the first frame on: Footer draws none until the screen's first
        "bindings updated", then mounts them, and the whole screen is laid out and painted
        again just before the first frame (~25 ms at 4 cards, profiled)."""
        if not self._bindings_ready:
            self._bindings_ready = True
            self.set_reactive(KeysFooter.show_command_palette,
                              self.app.size.width >= PALETTE_KEY_FROM)
            if self.app.app_focus:
                self._shown = shown_keys(self.screen)
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                # Its `compact` and class set before it mounts, each key is styled once: its
                # watcher restyled it for FooterKey's default (True, which the palette key
                # keeps), then again for the footer's `compact` the others are bound to.
                compact = widget.has_class("-command-palette") or self.compact
                widget.set_reactive(FooterKey.compact, compact)
                widget.set_class(compact, "-compact", update=False)
            yield widget

    def bindings_changed(self, screen: Screen[object]) -> None:
        shown = shown_keys(screen)
        if shown == self._shown:
            return
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._shown = shown  # remembered only once Footer will draw it
        super().bindings_changed(screen)

    def on_resize(self, event: Resize) -> None:
        """A narrow terminal keeps its room for the screen's own keys."""
        wide = event.size.width >= PALETTE_KEY_FROM
        if wide != self.show_command_palette:
            self.show_command_palette = wide
            self.call_after_refresh(self.recompose)
