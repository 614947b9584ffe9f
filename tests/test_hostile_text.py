"""Escape sequences from outside never reach the terminal (fault probe #44, #45, #47).

Every screen is rendered in a pilot with hostile text in a note, in the user's market_share.csv,
in an old (poisoned) cache entry, in a path, in the status bar and in a toast; no segment the
compositor would write may hold a control character, and the hostile text is still shown, as
pictures (ESC as ␛)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from msgspec.structs import replace
from screen_states import FIXED_NOW

from aiwatch.locations import cache_file
from aiwatch.model import EarningsQuarter, Fundamentals, Origin, PriceHistory, Provenance, Quote
from aiwatch.screens.detail import DetailScreen
from aiwatch.screens.help import HelpScreen
from aiwatch.screens.notes import NotesScreen
from aiwatch.screens.sources import SourcesScreen
from aiwatch.screens.watchlist import WatchlistScreen
from aiwatch.store.cache import Cache
from aiwatch.text import clean, currency_code, has_control, picture, visible

TITLE = "\x1b]0;PWNED\x07"  # retitles the terminal
CLIP = "\x1b]52;c;UFdORUQ=\x07"  # writes the clipboard
WIPE = "\x1b[2J"  # clears the screen
LINK = "\x1b]8;;http://evil.example\x07here\x1b]8;;\x07"  # plants a link
CSI = "\x9b31m"  # C1 CSI: ESC [ to some terminals
HOSTILE = f"a{TITLE}b{CLIP}c{WIPE}d{LINK}e{CSI}f\x7f"
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def screen_text(app) -> str:  # noqa: ANN001
    """What the compositor would write for the top screen: every text segment, line by line
    (control segments, the cursor moves Textual adds itself, left out)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(seg.text for seg in strip if not seg.control) for strip in strips)


def links(app) -> list[str]:  # noqa: ANN001
    strips = app.screen._compositor.render_strips()
    return [seg.style.link for strip in strips for seg in strip
            if seg.style is not None and seg.style.link]


def assert_clean(app, *shown: str) -> str:  # noqa: ANN001
    text = screen_text(app)
    found = sorted({f"{ord(c):#04x}" for c in CONTROL.findall(text.replace("\n", ""))})
    assert not found, f"{type(app.screen).__name__} writes control characters {found}"
    assert not links(app)
    for piece in shown:
        assert piece in text, f"{piece!r} not on {type(app.screen).__name__}"
    return text


# --- the mapping ----------------------------------------------------------------------------

@pytest.mark.probe(44, 45, 47)
def test_visible_shows_every_control_character_as_a_picture() -> None:
    assert visible(TITLE) == "␛]0;PWNED␇"
    assert visible(WIPE) == "␛[2J"
    assert visible("\x9b2J\x7f\x00") == "\\x9b2J␡␀"
    assert visible("one\ntwo\tthree") == "one␊two␉three"
    assert visible("one\r\ntwo\tthree\rx", multiline=True) == "one\ntwo\tthree␍x"
    assert not CONTROL.search(visible("".join(map(chr, range(0xA0)))))
    # everything else is kept as it is, accents, CJK and emoji included
    assert visible("Café 阿里巴巴 ✔ 📈") == "Café 阿里巴巴 ✔ 📈"
    assert picture("\x1b") == "\u241b"


def test_has_control_clean_and_currency_code() -> None:
    assert has_control("a\x1bb") and not has_control("a\nb\tc", multiline=True)
    assert has_control("a\nb")  # a line break in a one-line field
    assert clean(f"Alibaba{TITLE}") == "Alibaba]0;PWNED"
    assert clean("x" * 500) == "x" * 200 and clean(None) == ""
    assert currency_code("USD") == "USD"
    for bad in ("US\x1bD", "usd", "US", "USDX", "", None, 3):
        assert currency_code(bad) == ""


# --- every screen ----------------------------------------------------------------------------

def _poison_cache() -> None:
    """Entries as a version without the source check would have stored them."""
    origin = Origin(Provenance.CACHED, FIXED_NOW)
    cache = Cache(cache_file())
    cache.put_history(PriceHistory("BABA", (date(2026, 5, 1), date(2026, 5, 4)), (120.0, 121.0),
                                   origin, note=f"note{HOSTILE}", currency=f"U{TITLE}"))
    cache.put_quote(Quote("BABA", 121.5, 121.0, f"US{WIPE}D", FIXED_NOW, origin,
                          exchange_tz=f"America/New{TITLE}"))
    quarter = EarningsQuarter("BABA", date(2026, 6, 30), eps_estimate=1.0, eps_reported=1.2,
                              eps_basis=f"basis{HOSTILE}", revenue=1e10, currency=f"C{CLIP}",
                              eps_currency=f"E{WIPE}", source_url=f"https://x/{LINK}",
                              notes=f"remark{HOSTILE}")
    cache.put_fundamentals(Fundamentals("BABA", (quarter,), origin))
    cache.close()


def _hostile_home(home: Path) -> None:
    notes = home / "data" / "aiwatch" / "notes"
    notes.mkdir(parents=True)
    (notes / "BABA.md").write_text(
        f"# BABA {HOSTILE}\n\nThesis prose {HOSTILE} and [a link](http://evil.example).\n\n"
        f"check: price < 9{WIPE}\nchek: price < 9 {HOSTILE}\n", encoding="utf-8")
    data = home / "config" / "aiwatch" / "data"
    data.mkdir(parents=True)
    (data / "market_share.csv").write_text(
        "provider,region,period,share_pct,firm,source_url,market_definition\n"
        f"AWS,global,2027Q1,30,Synergy,https://ex.example/{CLIP},def{WIPE}\n"
        f"Microsoft,global,2027Q1,20,Synergy,http://[{TITLE},def{WIPE}\n"
        f"Alibaba,china,2027Q1,35,Can{TITLE}alys,https://[{CLIP},def{WIPE}\n",
        encoding="utf-8")


@pytest.mark.probe(44, 45, 47)
async def test_no_screen_writes_a_control_character(
    make_test_app, tmp_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _hostile_home(tmp_home)
    _poison_cache()
    odd_data = tmp_home / f"d{TITLE}"  # a path shown on the help screen
    (odd_data / "aiwatch").mkdir(parents=True)
    (tmp_home / "data" / "aiwatch" / "notes").rename(odd_data / "aiwatch" / "notes")
    monkeypatch.setenv("XDG_DATA_HOME", str(odd_data))
    app = make_test_app()
    async with app.run_test(size=(160, 120), notifications=True) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WatchlistScreen)
        app.clear_notifications()
        app.status = f"status{HOSTILE}"
        app.notify(f"toast{HOSTILE}", title=f"t{TITLE}", markup=False)
        await pilot.pause()
        await pilot.pause(0.3)
        assert_clean(app, "statusa␛]0;PWNED", "toasta␛]0;PWNED", "Thesis prose a␛]0;PWNED",
                     "US␛[2JD", "(Can␛]0;PWNED␇alys", "price < 9␛[2J", "http://[␛]0;PWNED␇")
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, SourcesScreen)
        assert_clean(app, "Can␛]0;PWNED␇alys", "https://ex.example/␛]52;c;UFdORUQ=␇", "def␛[2J")
        await pilot.press("escape", "question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert_clean(app, "d␛]0;PWNED␇")
        await pilot.press("escape", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        assert_clean(app, "US␛[2JD", "New␛]0;PWNED␇", "remarka␛]0;PWNED", "notea␛]0;PWNED",
                     "Thesis prose a␛]0;PWNED", "basisa␛]0;PWNED", "E␛[2J", "C␛]52;c;UFdORUQ=␇",
                     "https://x/␛]8;;http://evil.example␇here")
        await pilot.press("escape", "n")  # BABA's note: refused in the built-in editor
        await pilot.pause()
        assert isinstance(app.screen, WatchlistScreen)
        assert_clean(app, "control characters")
        await pilot.press("l", "n")  # AMZN's clean note opens
        await pilot.pause()
        assert isinstance(app.screen, NotesScreen)
        assert_clean(app, "d␛]0;PWNED␇")


@pytest.mark.probe(44)
async def test_a_note_with_control_characters_is_not_opened_in_the_built_in_editor(
    make_test_app, tmp_home: Path
) -> None:
    """TextArea passes ESC to the terminal, and showing pictures then saving would change
    the user's bytes: the built-in editor refuses and names $EDITOR; the file is untouched."""
    _hostile_home(tmp_home)
    note = tmp_home / "data" / "aiwatch" / "notes" / "BABA.md"
    before = note.read_bytes()
    app = make_test_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.clear_notifications()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, WatchlistScreen)
        [toast] = app._notifications
        assert "control characters" in toast.message and "$EDITOR" in toast.message
    assert note.read_bytes() == before


def test_the_markdown_note_shows_no_link_and_no_escape() -> None:
    """The detail screen sanitizes the Markdown source before rich renders it."""
    from rich.console import Console

    from aiwatch.screens.detail import note_markdown

    console = Console(width=80, record=True, color_system=None, force_terminal=False)
    console.print(note_markdown(f"# Head {TITLE}\n\ntext {LINK} {WIPE}\n"))
    out = console.export_text()
    assert not CONTROL.search(out.replace("\n", ""))
    assert "Head ␛]0;PWNED␇" in out and "text ␛]8;;http://evil.example␇here" in out


def test_share_rows_with_hostile_text_render_as_pictures() -> None:
    from aiwatch.sources.snapshot import load_snapshot
    from aiwatch.widgets.share_bars import _host

    shares = load_snapshot().shares
    share = replace(shares[0], source_url=f"https://[{CLIP}")
    assert not CONTROL.search(_host(share.source_url))
