"""Writing config.toml (issue 12): edits keep the user's comments, blank lines and layout byte
for byte except the value changed; writes are atomic, keep the mode and go through a symlink;
a change the user saved meanwhile is kept; a file that cannot be parsed is never written."""

from __future__ import annotations

import os
import re
import stat
import tomllib
from datetime import date
from pathlib import Path

import pytest

from aiwatch.store import config_edit
from aiwatch.store.config import (
    FIRST_RUN_CONFIG,
    KNOWN_KEYS,
    LOT_KEYS,
    Config,
    Lot,
    config_from,
    load_config,
    write_first_run,
)
from aiwatch.store.config_edit import (
    ConfigEditError,
    add_lot,
    add_ticker,
    create_list,
    move_ticker,
    remove_lot,
    remove_ticker,
    set_sort,
    set_theme,
    set_view,
    switch_list,
)

USERS = """\
# my watchlist -- hand written
refresh_minutes = 2   # quick

sort = 'list'  # as I wrote it
tickers = [
    "BABA",  # Alibaba, the ADR
    "AMZN",

    # the rest
    "MSFT",
    "googl",
]

[lists.chips]   # semis
tickers = [ "NVDA","AMD" ]  # two for now

# what I own
[[positions.BABA]]
quantity = 10
cost = 85.2   # per ADS
date = 2024-03-01
"""


@pytest.fixture
def users(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(USERS, encoding="utf-8")
    return path


def with_lines(*pairs: tuple[str, str]) -> str:
    """USERS with each `old` line replaced by `new` (lines, so nothing else may differ)."""
    text = USERS
    for old, new in pairs:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def test_add_at_a_position_keeps_every_other_byte(users: Path) -> None:
    config = add_ticker(users, "orcl", at=1)
    assert users.read_text() == with_lines(
        ('    "BABA",  # Alibaba, the ADR\n',
         '    "BABA",  # Alibaba, the ADR\n    "ORCL",\n'))
    assert config.tickers == ("BABA", "ORCL", "AMZN", "MSFT", "GOOGL")


def test_add_at_the_end_and_an_existing_symbol_stays_put(users: Path) -> None:
    add_ticker(users, "ORCL")
    assert users.read_text() == with_lines(('    "googl",\n', '    "googl",\n    "ORCL",\n'))
    before = users.read_text()
    assert add_ticker(users, "GOOGL", at=0).tickers[0] == "BABA"
    assert users.read_text() == before


def test_remove_keeps_the_other_lines_and_their_comments(users: Path) -> None:
    config = remove_ticker(users, "AMZN")
    assert users.read_text() == with_lines(('    "AMZN",\n', ""))
    assert config.tickers == ("BABA", "MSFT", "GOOGL")


def test_move_changes_only_the_moved_line(users: Path) -> None:
    config = move_ticker(users, "GOOGL", 1)
    assert users.read_text() == with_lines(
        ('    "googl",\n', ""), ('    "AMZN",\n', '    "GOOGL",\n    "AMZN",\n'))
    assert config.tickers == ("BABA", "GOOGL", "AMZN", "MSFT")


def test_edits_of_a_named_one_line_list_keep_its_comment(users: Path) -> None:
    switch_list(users, "chips")
    config = add_ticker(users, "TSM", at=0)
    remove_ticker(users, "AMD")
    assert users.read_text() == with_lines(
        ('    "googl",\n]\n', '    "googl",\n]\nlist = "chips"\n'),
        ('tickers = [ "NVDA","AMD" ]  # two for now\n',
         'tickers = ["TSM", "NVDA"]  # two for now\n'))
    assert config.tickers == ("TSM", "NVDA", "AMD")
    assert load_config(users).tickers == ("TSM", "NVDA")


def test_settings_change_in_place_or_join_the_top_level_keys(users: Path) -> None:
    set_sort(users, "day")
    set_view(users, "compact")
    config = set_theme(users, "nord")
    assert users.read_text() == with_lines(
        ("sort = 'list'  # as I wrote it\n", 'sort = "day"  # as I wrote it\n'),
        ('    "googl",\n]\n', '    "googl",\n]\nview = "compact"\ntheme = "nord"\n'))
    assert (config.sort, config.view, config.theme) == ("day", "compact", "nord")
    assert set_theme(users, None).theme is None
    assert "theme" not in users.read_text()


def test_create_a_list_and_switch_back(users: Path) -> None:
    config = create_list(users, "cloud-2", ("ORCL", "orcl", "IBM"))
    assert config.tickers == ("ORCL", "IBM") and config.lists.active == "cloud-2"
    text = users.read_text()
    assert text == with_lines(
        ('    "googl",\n]\n', '    "googl",\n]\nlist = "cloud-2"\n'),
) + '\n[lists.cloud-2]\ntickers = ["ORCL", "IBM"]\n'
    assert switch_list(users, "ai-cloud").tickers == ("BABA", "AMZN", "MSFT", "GOOGL")


def test_the_default_list_is_written_out_on_its_first_edit(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("# only a comment\nrefresh_minutes = 3\n")
    config = remove_ticker(path, "MSFT")
    assert path.read_text() == ("# only a comment\nrefresh_minutes = 3\n\n[lists.ai-cloud]\n"
                                'tickers = ["BABA", "AMZN", "GOOGL"]\n')
    assert config.tickers == ("BABA", "AMZN", "GOOGL") and config.refresh_minutes == 3


def test_lots_are_added_and_removed(users: Path) -> None:
    hk = Lot(100, 80.5, date(2024, 5, 3), "HKD")
    config = add_lot(users, "9988.hk", hk)
    assert users.read_text() == USERS + (
        '\n[[positions."9988.HK"]]\nquantity = 100\ncost = 80.5\ndate = 2024-05-03\n'
        'currency = "HKD"\n')
    assert config.positions.of("9988.HK") == (Lot(100.0, 80.5, date(2024, 5, 3), "HKD"),)
    second = Lot(2.5, 90.0, date(2024, 6, 1))
    config = add_lot(users, "baba", second)
    assert config.positions.of("BABA") == (Lot(10.0, 85.2, date(2024, 3, 1)), second)
    config = remove_lot(users, "BABA", Lot(10.0, 85.2, date(2024, 3, 1)))
    assert config.positions.of("BABA") == (second,)
    assert "# per ADS" not in users.read_text() and "# what I own" in users.read_text()
    remove_lot(users, "9988.HK", hk)
    remove_lot(users, "BABA", second)
    assert load_config(users).positions.lots == ()


@pytest.mark.parametrize(("edit", "message"), [
    (lambda p: add_ticker(p, "rm -rf"), '"rm -rf" is not a ticker symbol'),
    (lambda p: add_ticker(p, "\x1b[2J"), "'\\x1b[2J' is not a ticker symbol"),
    (lambda p: move_ticker(p, "ORCL", 0), "ORCL is not in the list"),
    (lambda p: switch_list(p, "semis"), 'there is no list named "semis"'),
    (lambda p: create_list(p, "chips", ("X",)), "there is a list named chips already"),
    (lambda p: create_list(p, "my list", ("X",)),
     "a list name may hold only letters, digits, - and _ (up to 32)"),
    (lambda p: create_list(p, "empty", ()), "list empty needs at least one symbol"),
    (lambda p: set_sort(p, "price"), "sort must be one of list, day, month, cloud, checks"),
    (lambda p: set_view(p, "grid"), "view must be one of cards, compact, auto"),
    (lambda p: set_theme(p, "a b"), "a theme name may hold only letters, digits, ., - and _"),
    (lambda p: add_lot(p, "BABA", Lot(-1, 1, date(2024, 1, 1))),
     "a lot's quantity must be a positive number"),
    (lambda p: add_lot(p, "BABA", Lot(1, float("nan"), date(2024, 1, 1))),
     "a lot's cost must be a number of 0 or more"),
    (lambda p: add_lot(p, "BABA", Lot(1, 1, date(2024, 1, 1), "dollars")),
     "a lot's currency must be a three-letter code like USD"),
    (lambda p: remove_lot(p, "BABA", Lot(1, 1, date(2024, 1, 1))),
     "positions.BABA has no such lot"),
])
def test_a_refused_edit_says_why_and_writes_nothing(users: Path, edit, message: str) -> None:  # noqa: ANN001
    before = users.stat().st_mtime_ns
    with pytest.raises(ConfigEditError) as error:
        edit(users)
    assert str(error.value) == message
    assert users.read_text() == USERS and users.stat().st_mtime_ns == before


def test_the_last_symbol_stays(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('tickers = ["ORCL"]\n')
    with pytest.raises(ConfigEditError, match="ORCL is the list's only symbol; it stays"):
        remove_ticker(path, "ORCL")
    assert path.read_text() == 'tickers = ["ORCL"]\n'


@pytest.mark.parametrize("text", [
    'tickers = ["BABA"\n# a half-saved file\n',
    "tickers = [\"BABA\"]\nsort = 'day'\nsort = 'list'\n",  # a key twice
    'keymap = { "app.quit" = "q", }\n',  # TOML 1.1's trailing comma: tomlkit takes it
    "# caf\xe9\n",
])
def test_a_file_that_cannot_be_parsed_is_never_written(tmp_path: Path, text: str) -> None:
    (tmp_path / "aiwatch").mkdir()
    path = tmp_path / "aiwatch" / "config.toml"
    path.write_bytes(text.encode("latin-1"))
    before = path.stat().st_mtime_ns
    for edit in (lambda: add_ticker(path, "ORCL"), lambda: set_sort(path, "day"),
                 lambda: add_lot(path, "BABA", Lot(1, 1, date(2024, 1, 1)))):
        with pytest.raises(ConfigEditError) as error:
            edit()
        assert "config.toml" in str(error.value)
        assert "it was not changed" in str(error.value)
    assert path.read_bytes() == text.encode("latin-1")
    assert path.stat().st_mtime_ns == before
    assert os.listdir(path.parent) == ["config.toml"]  # no temp file left either


def test_a_change_saved_on_disk_after_the_app_read_the_file_is_kept(users: Path) -> None:
    at_start = load_config(users)
    users.write_text(USERS.replace("refresh_minutes = 2", "refresh_minutes = 7  # slower"))
    config = add_ticker(users, "ORCL")
    assert at_start.refresh_minutes == 2 and config.refresh_minutes == 7
    assert "refresh_minutes = 7  # slower   # quick\n" in users.read_text()
    assert config.tickers[-1] == "ORCL"


def test_a_save_while_the_edit_runs_is_kept_and_the_edit_redone(
        users: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The user's editor saves between our read and our write: we must not write over it.
    real_parse, saves = config_edit._parse, []

    def parse_then_user_saves(text: str, path: Path):  # noqa: ANN202
        doc = real_parse(text, path)
        if not saves:
            saves.append(1)
            path.write_text(text.replace('    "AMZN",\n', '    "AMZN",\n    "IBM",  # new\n'))
        return doc

    monkeypatch.setattr(config_edit, "_parse", parse_then_user_saves)
    config = add_ticker(users, "ORCL", at=0)
    assert config.tickers == ("ORCL", "BABA", "AMZN", "IBM", "MSFT", "GOOGL")
    assert '    "IBM",  # new\n' in users.read_text()


def test_a_file_that_keeps_changing_is_left_to_the_user(
        users: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_parse, count = config_edit._parse, [0]

    def parse_then_user_saves(text: str, path: Path):  # noqa: ANN202
        count[0] += 1
        path.write_text(f"{text}# save {count[0]}\n")
        return real_parse(text, path)

    monkeypatch.setattr(config_edit, "_parse", parse_then_user_saves)
    with pytest.raises(ConfigEditError, match="config.toml not changed: it kept changing"):
        set_sort(users, "day")
    assert users.read_text().endswith("# save 5\n") and "day" not in users.read_text()


def test_writes_are_atomic_keep_the_mode_and_follow_a_symlink(tmp_path: Path) -> None:
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    real = dotfiles / "aiwatch.toml"
    real.write_text(USERS)
    real.chmod(0o600)
    link = tmp_path / "config.toml"
    link.symlink_to(real)
    inode = real.stat().st_ino
    set_sort(link, "day")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert 'sort = "day"' in real.read_text()
    assert stat.S_IMODE(real.stat().st_mode) == 0o600
    assert real.stat().st_ino != inode  # replaced by a rename, not rewritten in place
    assert sorted(os.listdir(dotfiles)) == ["aiwatch.toml"]


def test_an_edit_without_a_file_starts_from_the_first_run_config(tmp_path: Path) -> None:
    path = tmp_path / "new" / "config.toml"
    config = set_view(path, "cards")
    assert path.read_text() == FIRST_RUN_CONFIG.replace('view = "auto"', 'view = "cards"')
    assert config == Config(view="cards")


def test_the_first_run_config_reads_as_the_defaults() -> None:
    assert config_from(tomllib.loads(FIRST_RUN_CONFIG)) == Config()


def test_the_first_run_config_explains_every_key_and_its_examples_work() -> None:
    for key in (*KNOWN_KEYS, *LOT_KEYS):
        assert f"{key}" in FIRST_RUN_CONFIG, key
    # Uncomment every example line (a table header or a key = value), keep the rest.
    example = re.compile(r'^# (\[.*\]|[\w".-]+ = .*)$')
    text = "\n".join(line[2:] if example.match(line) else line
                     for line in FIRST_RUN_CONFIG.splitlines())
    config = config_from(tomllib.loads(text))
    assert config.problems == ()
    assert config.theme == "nord"
    assert config.lists.get("chips") == ("NVDA", "AMD", "TSM", "AVGO")
    assert config.positions.of("BABA") == (Lot(10.0, 85.2, date(2024, 3, 1), "USD"),)
    assert config.keymap == (("app.refresh", "r,f5"),)


def test_the_first_run_file_is_written_once_and_never_over_a_file(tmp_path: Path) -> None:
    path = tmp_path / "aiwatch" / "config.toml"
    assert write_first_run(path) is True
    assert path.read_text() == FIRST_RUN_CONFIG
    path.write_text("# mine\n")
    assert write_first_run(path) is False
    assert path.read_text() == "# mine\n"
    dangling = tmp_path / "elsewhere.toml"
    path.unlink()
    path.symlink_to(dangling)
    assert write_first_run(path) is False
    assert not dangling.exists()
