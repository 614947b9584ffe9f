"""Textual's Footer, rebuilt only when the keys it shows change."""

from __future__ import annotations

from textual.events import Resize
from textual.screen import Screen
from textual.widgets import Footer

PALETTE_KEY_FROM = 120  # columns: below, the footer leaves ctrl+p out (? lists it) for keys

Shown = tuple[tuple[str, str, str, bool, str], ...]


def shown_keys(screen: Screen[object]) -> Shown:
    """What the footer would draw for the screen: each shown key, its label and state."""
    return tuple((binding.key, binding.description, binding.action, enabled, tooltip)
                 for _, binding, enabled, tooltip in screen.active_bindings.values()
                 if binding.show)


class KeysFooter(Footer):
    """Every focus move signals "bindings updated", and Footer then recomposes its ~20 key
    widgets and restyles them: most of the CPU of a key press on the watchlist, for a footer
    that looks the same on every card. This one recomposes only when its keys differ."""

    _shown: Shown | None = None

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
