"""The app's side of the thesis notes: reading and seeding them, the built-in editor and
$EDITOR (run inside suspend(), failures named after the app is back), saving, and what quitting
or SIGTERM do with unsaved editor text.

A mixin of AiwatchApp, kept apart so the app stays a hub.
"""

from __future__ import annotations

import os
import signal
import subprocess
from contextlib import suppress
from typing import TYPE_CHECKING

from textual.app import SuspendNotSupported

from aiwatch.locations import display_path
from aiwatch.messages import OpenNote
from aiwatch.store.notes import Note, NotesError, SaveResult, editor_command
from aiwatch.text import has_control

if TYPE_CHECKING:
    from aiwatch.app import AiwatchApp


def run_editor(command: list[str]) -> str | None:
    """Run the editor and wait; why it failed, or None. Never raises: it runs inside
    suspend(), which an exception would leave with the terminal never handed back."""
    name = command[0]
    try:
        status = subprocess.run(command, check=False).returncode
    except FileNotFoundError:
        return f"{name} cannot start: not found"
    except PermissionError:
        return f"{name} cannot start: permission denied"
    except (OSError, ValueError) as exc:
        return f"{name} cannot start: {getattr(exc, 'strerror', None) or exc}"
    except KeyboardInterrupt:  # ctrl+c meant for the editor reached us too
        return f"{name} was interrupted"
    if status < 0:
        return f"{name} was stopped by signal {-status}"
    if status:
        return f"{name} exited with status {status}"
    return None


class NoteActions:
    """Mixed into AiwatchApp (`self` is the app)."""

    def terminate(self: AiwatchApp) -> None:
        """SIGTERM: keep unsaved editor text beside its note, then exit the normal way, so
        the terminal gets its screen, mouse and echo back. Exit status 143, as if killed."""
        from aiwatch.screens.notes import NotesScreen

        for screen in self.screen_stack:
            if isinstance(screen, NotesScreen) and screen.modified:
                with suppress(NotesError):  # nowhere to keep it: nothing more to do
                    self.services.notes.recover(screen.note.ticker, screen.text,
                                                self.services.clock())
        self.exit(return_code=128 + signal.SIGTERM)

    def _load_notes(self: AiwatchApp, tickers: list[str]) -> list[str]:
        """Seed the missing notes of `tickers`, then read them; failures come back as one
        line each for seeding and for reading, never as an exception."""
        notes = self.services.notes
        problems = [f"{display_path(path)} holds unsaved note text from when aiwatch was "
                    "stopped: merge it into the note, then delete it"
                    for path in notes.recovered()]
        notes.remove_stale_temp_files()
        return problems + self._read_notes(tickers)

    def _read_notes(self: AiwatchApp, tickers: list[str]) -> list[str]:
        """Seed the notes `tickers` lack and read theirs into `note_texts` (at start, and for
        symbols just added); what failed, one line for seeding and one for reading."""
        notes = self.services.notes
        problems = []
        try:
            notes.seed(tickers)
        except NotesError as exc:
            problems.append(str(exc))
        unreadable: dict[str, str] = {}
        for ticker in tickers:
            try:
                self.note_texts[ticker] = notes.read(ticker).text
            except NotesError as exc:
                unreadable[ticker] = exc.reason
        if unreadable:
            reasons = "; ".join(dict.fromkeys(unreadable.values()))
            problems.append(f"cannot read the notes of {', '.join(unreadable)}: {reasons}")
        return problems

    def on_open_note(self: AiwatchApp, message: OpenNote) -> None:
        if message.external:
            self.edit_externally(message.ticker)
            return
        try:
            note = self.services.notes.read(message.ticker)
        except NotesError as exc:
            self.notify(str(exc), title="Cannot open note", severity="error", markup=False)
            return
        if note.refusal:  # the editor would change bytes the user never touched
            self.notify(note.refusal, title="Not editable in aiwatch", severity="warning",
                        timeout=12, markup=False)
            return
        if has_control(note.text, multiline=True):  # TextArea would pass ESC to the terminal
            self.notify(f"{message.ticker}.md holds control characters (shown as ␛ and the like "
                        "on the cards); the built-in editor would send them to the terminal. "
                        "Edit it in $EDITOR (e).", title="Not opened in the editor",
                        severity="warning", timeout=12, markup=False)
            return
        from aiwatch.screens.notes import NotesScreen  # TextArea: loaded when first needed

        location = display_path(self.services.notes.path(message.ticker))
        self.push_screen(NotesScreen(note, location))

    def save_note(self: AiwatchApp, note: Note) -> SaveResult:
        """Save through the store, then show the new text and checks on the cards."""
        result = self.services.notes.save(note, self.services.clock())
        self.note_texts[note.ticker] = result.note.text
        self._summarise()
        return result

    def edit_externally(self: AiwatchApp, ticker: str) -> None:
        """Suspend, run $VISUAL/$EDITOR on the note, then pick up what it wrote.

        Textual's suspend() resumes only when its block ends normally: the editor runs, and
        fails, inside it, and the failure is reported after the app is back."""
        path = self.services.notes.path(ticker)
        command = editor_command(os.environ, path)
        if command is None:
            self.notify("Set $EDITOR (or $VISUAL) to edit notes outside aiwatch; "
                        "n opens the built-in editor.", title="No editor set",
                        severity="warning", markup=False)
            return
        try:
            with self.suspend():
                failure = run_editor(command)
        except SuspendNotSupported:
            self.notify("This terminal cannot hand over to an editor; press n instead.",
                        severity="warning", markup=False)
            return
        if failure:
            self.notify(f"{failure}. Check $VISUAL / $EDITOR, or press n for the built-in "
                        "editor.", title=f"Editor failed on {ticker}", severity="error",
                        timeout=12, markup=False)
        self.reload_notes()

    def reload_notes(self: AiwatchApp) -> None:
        """Pick up notes edited outside the app (and forget note trouble that is gone)."""
        self.notes_problems = self._load_notes(list(self.tickers))
        for problem in self.notes_problems:
            self.notify(problem, severity="error", markup=False)
        self._summarise()
        self._update_status()

    async def action_quit(self: AiwatchApp) -> None:
        """q, ctrl+q and the palette's Quit: a note editor holding unsaved text, anywhere in
        the stack, is brought to the top and asks save / discard / keep first."""
        from aiwatch.screens.notes import NotesScreen

        if isinstance(self.screen, NotesScreen):  # first the keys typed just before ctrl+q
            self.screen.after_typing(self._quit_asking)
        else:
            self._quit_asking()

    def _quit_asking(self: AiwatchApp) -> None:
        from aiwatch.screens.notes import NotesScreen

        unsaved = [s for s in self.screen_stack if isinstance(s, NotesScreen) and s.modified]
        if not unsaved:
            self.exit()
            return
        editor = unsaved[-1]
        while self.screen is not editor:
            self.pop_screen()

        def leave() -> None:
            editor.dismiss()
            self.call_later(self.action_quit)  # the next editor down, if any, then exit

        editor.ask_to_leave(leave)
