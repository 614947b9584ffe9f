"""The in-app note editor: Markdown TextArea, ctrl+s saves; esc and quitting ask before losing
changes."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Label, Static, TextArea

from aiwatch.store.notes import Note, NotesError
from aiwatch.text import visible
from aiwatch.widgets.keys_footer import KeysFooter


class ConfirmLeave(ModalScreen[str]):
    """Unsaved changes: save, discard or keep editing. Dismisses with the choice."""

    DEFAULT_CSS = """
    ConfirmLeave {
        align: center middle;
    }

    #leave-dialog {
        width: auto;
        max-width: 100%;
        height: auto;
        border: round $warning;
        background: $surface;
        padding: 1 2;
    }

    #leave-buttons {
        height: auto;
        width: auto;
        margin-top: 1;
    }

    #leave-buttons Button {
        margin-right: 1;
    }
    """

    BINDINGS = [
        Binding("s", "choose('save')", "Save", id="leave.save"),
        Binding("d", "choose('discard')", "Discard", id="leave.discard"),
        Binding("escape,k", "choose('keep')", "Keep editing", id="leave.keep"),
    ]

    def __init__(self, ticker: str) -> None:
        super().__init__()
        self.ticker = ticker

    def compose(self) -> ComposeResult:
        with Vertical(id="leave-dialog"):
            yield Label(f"The note for {self.ticker} has unsaved changes.")
            with Horizontal(id="leave-buttons"):
                yield Button("Save (s)", id="save", variant="primary")
                yield Button("Discard (d)", id="discard", variant="error")
                yield Button("Keep editing (esc)", id="keep")

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id or "keep")

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)


class NotesScreen(Screen[None]):
    DEFAULT_CSS = """
    #notes-head {
        height: 1;
        padding: 0 1;
        background: $panel;
        text-style: bold;
    }

    #editor {
        height: 1fr;
    }

    #notes-state {
        height: 1;
        padding: 0 1;
        color: $text-muted;
    }
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="notes.save", priority=True),
        Binding("ctrl+d", "insert_date", "Date heading", id="notes.date", priority=True),
        Binding("escape", "close", "Close", id="notes.close", priority=True),
    ]

    def __init__(self, note: Note, location: str) -> None:
        super().__init__()
        self.note = note
        self.location = location

    def compose(self) -> ComposeResult:
        yield Static(id="notes-head")
        yield TextArea.code_editor(
            self.note.text, language="markdown", soft_wrap=True, show_line_numbers=True,
            id="editor",
        )
        yield Static(id="notes-state")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#notes-head", Static).update(
            Text(visible(f"Note · {self.note.ticker} · {self.location}"))
        )
        self._show_state()
        self.query_one(TextArea).focus()

    @property
    def text(self) -> str:
        return self.query_one(TextArea).text

    @property
    def modified(self) -> bool:
        return self.text != self.note.text

    @on(TextArea.Changed)
    def _show_state(self) -> None:
        state = "modified — ctrl+s to save" if self.modified else "saved"
        self.query_one("#notes-state", Static).update(state)

    def action_insert_date(self) -> None:
        """Start a dated journal entry at the cursor."""
        today = self.app.services.clock().date()  # type: ignore[attr-defined]
        area = self.query_one(TextArea)
        row, _ = area.cursor_location
        line = area.document.get_line(row)
        prefix = "\n" if line.strip() else ""
        area.move_cursor((row, len(line)))
        area.insert(f"{prefix}\n## {today:%Y-%m-%d}\n\n")

    def after_typing(self, callback: Callable[[], object]) -> None:
        """Run `callback` once the editor has handled every key already sent to it.

        Priority keys (ctrl+s, esc, ctrl+q) act as soon as they arrive, while keys typed just
        before them may still wait in the editor's queue: a paste or a fast burst ending in
        ctrl+s would save the text without its last characters.
        """
        self.query_one(TextArea).call_later(callback)

    def action_save(self) -> None:
        self.after_typing(self.save)

    def save(self) -> bool:
        """Save through the app (the store does the file work); False if it failed."""
        try:
            result = self.app.save_note(Note(self.note.ticker, self.text, self.note.mtime_ns))  # type: ignore[attr-defined]
        except NotesError as exc:
            self.notify(str(exc), title="Not saved", severity="error", timeout=10,
                        markup=False)
            return False
        self.note = result.note
        self._show_state()
        if result.conflict_path:
            self.notify(
                f"The file had changed on disk. Your text is saved; the other version is "
                f"kept at {result.conflict_path}",
                title="Both versions kept", severity="warning", timeout=15, markup=False)
        else:
            self.notify(f"Saved {self.note.ticker}.md", markup=False)
        return True

    def action_close(self) -> None:
        self.after_typing(lambda: self.ask_to_leave(self.dismiss))

    def ask_to_leave(self, leave: Callable[[], object]) -> None:
        """Leave at once when nothing is unsaved; else ask save / discard / keep, and leave
        after a save that worked or a discard. Keep stays in the editor."""
        if not self.modified:
            leave()
            return

        def decide(choice: str | None) -> None:
            if choice == "discard" or (choice == "save" and self.save()):
                leave()

        self.app.push_screen(ConfirmLeave(self.note.ticker), decide)
