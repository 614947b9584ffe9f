"""The keys line at the bottom of a screen: one widget drawing what Textual's Footer drew."""

from __future__ import annotations

from typing import NamedTuple

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget

PALETTE_KEY_FROM = 120  # columns: below, the footer leaves ctrl+p out (? lists it) for keys


class Key(NamedTuple):
    """One key the footer shows: the key pressed on a click, as displayed, its label."""

    key: str
    display: str
    description: str
    enabled: bool
    tooltip: str


class Shown(NamedTuple):
    """Every key the footer can draw: the screen's own, then the palette's (drawn wide only)."""

    keys: tuple[Key, ...]
    palette: Key | None


def shown_keys(screen: Screen[object]) -> Shown:
    """What the footer draws for the screen: each command's first shown key as it is
    displayed, its label and state. Before a card has the focus, → comes first for "next
    card"; after, the scrolling body's own → (which passes it on) hides it and l comes
    first: both are drawn "→/l", so the footer is the same."""
    app = screen.app
    bindings = screen.active_bindings
    first: dict[str, Key] = {}
    for _, binding, enabled, tooltip in bindings.values():
        if binding.show and binding.action not in first:
            first[binding.action] = Key(binding.key, app.get_key_display(binding),
                                        binding.description, enabled, tooltip)
    palette = None
    if app.ENABLE_COMMAND_PALETTE and (found := bindings.get(app.COMMAND_PALETTE_BINDING)):
        _, binding, enabled, _ = found
        palette = Key(binding.key, app.get_key_display(binding), binding.description, enabled,
                      binding.tooltip or binding.description)
    return Shown(tuple(first.values()), palette)


class KeysFooter(Widget, can_focus=False):
    """Textual's Footer is a container of one widget per key (10 on the watchlist: each
    styled, laid out and painted, about a third of the nodes of the first frame) and
    rebuilds them at every focus move. This draws the same line as one styled text, again
    only when the keys it shows change; a click presses the key under the mouse."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {
        "keys-footer--item",
        "keys-footer--hover",
        "keys-footer--disabled",
        "keys-footer--key",
        "keys-footer--description",
        "keys-footer--palette-border",
    }
    DEFAULT_CSS = """
    KeysFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        text-wrap: nowrap;
        .keys-footer--item { background: $footer-item-background; }
        .keys-footer--hover { color: $footer-key-foreground; background: $block-hover-background; }
        .keys-footer--disabled { text-style: dim; }
        .keys-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .keys-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .keys-footer--palette-border { color: $foreground 20%; }
    }
    """

    _shown: Shown | None = None
    _hover: Key | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen[object]) -> None:
        """Every focus move signals "bindings updated": repaint only for other keys (and,
        like Footer, keep the keys while the terminal has not the focus)."""
        if not screen.app.app_focus or screen is not self.screen:
            return
        shown = shown_keys(screen)
        if shown != self._shown:
            self._shown = shown
            self.refresh()

    def _places(self) -> list[tuple[int, int, Key]]:
        """Where each key is drawn on the line (start, end column): the screen's keys from
        the left, the palette's at the right edge once the footer is wide enough."""
        if self._shown is None:
            self._shown = shown_keys(self.screen)
        places, x = [], 0
        for key in self._shown.keys:
            width = cell_len(key.display) + cell_len(key.description) + 3  # " key " "label "
            places.append((x, x + width, key))
            x += width
        palette, width = self._shown.palette, self.size.width
        if palette and width >= PALETTE_KEY_FROM:
            start = width - cell_len(palette.display) - cell_len(palette.description) - 3
            places = [(a, min(b, start), key) for a, b, key in places if a < start]
            places.append((start, width, palette))
        return places

    def render(self) -> Text:
        """The line Footer drew: " key label " per key, dimmed when disabled; the palette's
        key behind a thin border ("▏ctrl+p Commands ") at the right edge."""
        line = Text(no_wrap=True, end="")
        places = self._places()
        palette = self._shown.palette if self._shown else None
        looks = {hover: self._look(hover) for hover in (False, True)}
        for start, _, key in places:
            if key is palette:
                line.truncate(start, pad=True)  # keys that do not fit are cut, as Footer did
            line.append_text(self._item(key, key is palette, looks[key is self._hover]))
        return line

    def _look(self, hover: bool) -> tuple[Style, ...]:
        """A key's styles (its own, its key's, its label's, its border's), combined as
        Textual combined a FooterKey's over the footer's and its parts' over the FooterKey's:
        a part's transparent background shows the key's (its hover background too)."""
        _, _, background, color = self.colors
        item = self.get_component_styles("keys-footer--hover" if hover else "keys-footer--item")
        if item.has_rule("background"):
            background += item.background
        if item.has_rule("color"):
            color = item.color

        def over(part: str) -> Style:
            styles = self.get_component_styles(part) if part else item
            bg, fg = background, color
            if part and styles.has_rule("background"):
                bg += styles.background
            if part and styles.has_rule("color"):
                fg = styles.color
            return styles.text_style + Style.from_color((bg + fg).rich_color, bg.rich_color)

        return (over(""), over("keys-footer--key"), over("keys-footer--description"),
                over("keys-footer--palette-border"))

    def _item(self, key: Key, palette: bool, look: tuple[Style, ...]) -> Text:
        """One key as FooterKey drew it: key and label styles over the item's own style."""
        base, key_style, label_style, border_style = look
        if palette:
            item = Text.assemble(("▏", border_style), (key.display, key_style),
                                 (f" {key.description}", label_style), " ")
        else:
            item = Text.assemble((f" {key.display} ", key_style),
                                 (f"{key.description} ", label_style))
        if not key.enabled:
            base += self.get_component_rich_style("keys-footer--disabled", partial=True)
        item.stylize_before(base)
        return item

    def _key_at(self, x: int) -> Key | None:
        return next((key for start, end, key in self._places() if start <= x < end), None)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        """A click on a key presses it; on a disabled key, rings the bell as Footer did."""
        key = self._key_at(event.x)
        if key is None:
            return
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        """The key under the mouse is highlighted and tells its tooltip, as a FooterKey did."""
        key = self._key_at(event.x)
        if key is not self._hover:
            self._hover = key
            self.tooltip = (key.tooltip or None) if key else None  # "": none, not an empty box
            self.refresh()

    def on_leave(self, event: events.Leave) -> None:
        if self._hover is not None:
            self._hover = None
            self.tooltip = None
            self.refresh()
