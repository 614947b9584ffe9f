"""Config faults (fault probe cases 25, 29, 30, 46): defaults plus a message, never a crash,
and never an interval that would hammer Yahoo or never fire."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiwatch.store.config import DEFAULT_TICKERS, load_config


def config_with(tmp_path: Path, text: str | bytes):  # noqa: ANN201 - a Config
    path = tmp_path / "config.toml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return load_config(path)


@pytest.mark.probe(25)
@pytest.mark.parametrize(("text", "problem"), [
    ('tickers = ["BABA"\nrefresh_minutes = 2\n',
     "config.toml ignored: Unclosed array (at line 2, column 1)"),
    (b'tickers = ["BABA"]\n# caf\xe9\n', "config.toml ignored: 'utf-8' codec can't decode"),
])
def test_a_malformed_config_gives_defaults_and_says_why(
        tmp_path: Path, text: str | bytes, problem: str) -> None:
    config = config_with(tmp_path, text)

    assert config.tickers == DEFAULT_TICKERS and config.refresh_minutes == 5
    assert len(config.problems) == 1 and config.problems[0].startswith(problem)


@pytest.mark.probe(29)
@pytest.mark.parametrize(("value", "problem"), [
    ('"five"', "refresh_minutes must be a number of minutes; using 5"),
    ("true", "refresh_minutes must be a number of minutes; using 5"),
    ("[1]", "refresh_minutes must be a number of minutes; using 5"),
    ("-1", "refresh_minutes must be a positive number; using 5"),
    ("0", "refresh_minutes must be a positive number; using 5"),
    ("nan", "refresh_minutes must be a positive number; using 5"),
    ("inf", "refresh_minutes must be a positive number; using 5"),
    ("-inf", "refresh_minutes must be a positive number; using 5"),
])
def test_junk_intervals_give_five_minutes_and_a_message(
        tmp_path: Path, value: str, problem: str) -> None:
    config = config_with(tmp_path, f"refresh_minutes = {value}\n")

    assert (config.refresh_minutes, config.problems) == (5, (problem,))


@pytest.mark.probe(29, 30)
@pytest.mark.parametrize(("value", "minutes", "problem"), [
    ("0.001", 1, "refresh_minutes below 1; using 1"),
    ("1e-9", 1, "refresh_minutes below 1; using 1"),
    ("1e308", 1440, "refresh_minutes above 1440 (a day); using 1440"),
    ("100000", 1440, "refresh_minutes above 1440 (a day); using 1440"),
    ("1", 1, ""),
    ("2.5", 2.5, ""),
    ("1440", 1440, ""),
])
def test_intervals_are_held_between_a_minute_and_a_day(
        tmp_path: Path, value: str, minutes: float, problem: str) -> None:
    config = config_with(tmp_path, f"refresh_minutes = {value}\n")

    assert config.refresh_minutes == minutes
    assert config.problems == ((problem,) if problem else ())


@pytest.mark.probe(46)
def test_control_characters_never_get_out_of_the_config(tmp_path: Path) -> None:
    # TOML refuses raw control characters; escaped ones decode but fail the ticker pattern,
    # and no message repeats a value.
    raw = config_with(tmp_path, 'tickers = ["\x1b]0;PWNED\x07"]\n')
    escaped = config_with(tmp_path, 'tickers = ["\\u001b]0;PWNED\\u0007", "MSFT"]\n')

    assert raw.tickers == DEFAULT_TICKERS and raw.problems[0].startswith("config.toml ignored")
    assert "\x1b" not in raw.problems[0] and "PWNED" not in raw.problems[0]
    assert escaped.tickers == ("MSFT",)
    assert escaped.problems == ("tickers: some entries are not ticker symbols and were skipped",)


@pytest.mark.probe(28)
def test_device_names_and_300_tickers_are_ordinary_symbols(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from aiwatch.store.notes import Note, NotesStore

    many = [f"T{n:03d}" for n in range(297)]
    config = config_with(tmp_path, f"tickers = {['CON', 'NUL', 'BRK-B', *many]!r}\n".replace(
        "'", '"'))
    store = NotesStore(tmp_path / "notes", tmp_path)
    for ticker in ("CON", "NUL"):
        store.save(Note(ticker, f"# {ticker}\n", None), datetime(2026, 11, 25, tzinfo=UTC))

    assert config.tickers[:3] == ("CON", "NUL", "BRK-B") and len(config.tickers) == 300
    assert config.problems == ()
    assert sorted(p.name for p in (tmp_path / "notes").iterdir()) == ["CON.md", "NUL.md"]
