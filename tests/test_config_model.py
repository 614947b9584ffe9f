"""The config model (issue 12): named lists, sort, theme, view, base currency, positions as lots
and a keymap. Every bad value is named with its key and what is wrong, and replaced by its
default; the rest of the file still counts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from aiwatch.store.config import (
    DEFAULT_TICKERS,
    Config,
    Lists,
    Lot,
    Positions,
    load_config,
    parse_tickers,
    with_available_themes,
    with_session_tickers,
)


def config_with(tmp_path: Path, text: str) -> Config:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def test_the_defaults() -> None:
    config = Config()
    assert config.tickers == DEFAULT_TICKERS == ("BABA", "AMZN", "MSFT", "GOOGL")
    assert config.lists == Lists((("ai-cloud", DEFAULT_TICKERS),), "ai-cloud")
    assert (config.sort, config.theme, config.view, config.base_currency) == (
        "list", None, "auto", "USD")
    assert config.positions == Positions() and config.keymap == ()
    assert config.session_tickers is False


def test_named_lists_and_the_active_one(tmp_path: Path) -> None:
    config = config_with(tmp_path, """
list = "chips"
[lists.ai-cloud]
tickers = ["BABA", "MSFT"]
[lists.chips]
tickers = ["nvda", "AMD", "NVDA"]
""")
    assert config.tickers == ("NVDA", "AMD")
    assert config.lists.names == ("ai-cloud", "chips")
    assert config.lists.active == "chips"
    assert config.lists.get("ai-cloud") == ("BABA", "MSFT")
    assert config.problems == ()


def test_the_old_top_level_tickers_are_the_default_list(tmp_path: Path) -> None:
    config = config_with(tmp_path, 'tickers = ["ORCL"]\n[lists.chips]\ntickers = ["NVDA"]\n')
    assert config.tickers == ("ORCL",)
    assert config.lists.named == (("ai-cloud", ("ORCL",)), ("chips", ("NVDA",)))
    assert config.problems == ()


def test_without_any_list_the_default_list_is_the_four_names(tmp_path: Path) -> None:
    config = config_with(tmp_path, 'sort = "day"\n')
    assert config.lists.named == (("ai-cloud", DEFAULT_TICKERS),)
    assert config.tickers == DEFAULT_TICKERS


def test_settings_are_read(tmp_path: Path) -> None:
    config = config_with(tmp_path, """
sort = "checks"
theme = "tokyo-night"
view = "compact"
base_currency = "eur"
""")
    assert (config.sort, config.theme, config.view, config.base_currency) == (
        "checks", "tokyo-night", "compact", "EUR")
    assert config.problems == ()


@pytest.mark.parametrize(("text", "problem", "check"), [
    ('sort = "price"', "sort must be one of list, day, month, cloud, checks; using list",
     lambda c: c.sort == "list"),
    ("sort = 3", "sort must be one of list, day, month, cloud, checks; using list",
     lambda c: c.sort == "list"),
    ('view = "grid"', "view must be one of cards, compact, auto; using auto",
     lambda c: c.view == "auto"),
    ('theme = "no such\\u001b[2J"', 'theme must be a theme name like "nord"; using the default '
     "theme", lambda c: c.theme is None),
    ("theme = true", 'theme must be a theme name like "nord"; using the default theme',
     lambda c: c.theme is None),
    ('base_currency = "dollars"', "base_currency must be a three-letter currency code like USD; "
     "using USD", lambda c: c.base_currency == "USD"),
    ('base_currency = "GBp"', "base_currency must be a three-letter currency code like USD; "
     "using USD", lambda c: c.base_currency == "USD"),
    ('list = "chips"', "list: no [lists.chips] in config.toml; showing ai-cloud",
     lambda c: c.lists.active == "ai-cloud" and c.tickers == DEFAULT_TICKERS),
    ("list = 2", 'list must be a list name in quotes, like "ai-cloud"; showing ai-cloud',
     lambda c: c.lists.active == "ai-cloud"),
    ('list = "\\u001b]0;PWNED"', "list: not a list name; showing ai-cloud",
     lambda c: c.lists.active == "ai-cloud"),
    ('lists = ["chips"]', "lists must be tables like [lists.chips] with tickers = [...]; ignored",
     lambda c: c.lists.names == ("ai-cloud",)),
    ('[lists."bad name!"]\ntickers = ["NVDA"]',
     "lists: 1 list name(s) are not letters, digits, - and _ (up to 32); skipped",
     lambda c: c.lists.names == ("ai-cloud",)),
    ("[lists.chips]\nsymbols = []", "lists.chips must be a table with tickers = [...]; skipped",
     lambda c: c.lists.names == ("ai-cloud",)),
    ('[lists.chips]\ntickers = "NVDA"',
     'lists.chips.tickers must be a list of symbols like ["BABA", "MSFT"]; ignored',
     lambda c: c.lists.get("chips") == ()),
    ('[lists.chips]\ntickers = ["NVDA", "a b"]',
     "lists.chips.tickers: some entries are not ticker symbols and were skipped",
     lambda c: c.lists.get("chips") == ("NVDA",)),
    ('[lists.chips]\ntickers = ["NVDA"]\nname = "x"', "lists.chips: unknown key name ignored",
     lambda c: c.lists.get("chips") == ("NVDA",)),
    ('list = "chips"\n[lists.chips]\ntickers = []',
     "lists.chips.tickers has no symbols; showing BABA, AMZN, MSFT, GOOGL",
     lambda c: c.tickers == DEFAULT_TICKERS and c.lists.active == "chips"),
    ("tickers = []", "tickers has no symbols; showing BABA, AMZN, MSFT, GOOGL",
     lambda c: c.tickers == DEFAULT_TICKERS),
    ('tickers = "BABA"', 'tickers must be a list of symbols like ["BABA", "MSFT"]; ignored',
     lambda c: c.tickers == DEFAULT_TICKERS),
    ('tickers = ["ORCL"]\n[lists.ai-cloud]\ntickers = ["NVDA"]',
     "tickers: [lists.ai-cloud] is given too; using [lists.ai-cloud]",
     lambda c: c.tickers == ("NVDA",)),
    ("sortt = 1", "config.toml: unknown key sortt ignored", lambda c: c.sort == "list"),
    ('"\\u001b[2J" = 1', "config.toml: unknown key (with odd characters) ignored",
     lambda c: True),
])
def test_each_bad_value_is_named_and_replaced(tmp_path: Path, text: str, problem: str,
                                              check) -> None:  # noqa: ANN001
    config = config_with(tmp_path, text + "\n")
    assert config.problems[-1:] == (problem,)
    assert check(config)
    assert not any("\x1b" in p or "PWNED" in p for p in config.problems)


def test_the_rest_of_a_file_counts_when_one_value_is_bad(tmp_path: Path) -> None:
    config = config_with(tmp_path, 'sort = "nope"\nview = "compact"\ntickers = ["ORCL"]\n')
    assert (config.sort, config.view, config.tickers) == ("list", "compact", ("ORCL",))
    assert len(config.problems) == 1


LOTS = """
[[positions.BABA]]
quantity = 10
cost = 85.2
date = 2024-03-01

[[positions.BABA]]
quantity = 2.5
cost = 0
date = "2024-04-02"
currency = "usd"

[positions."9988.hk"]
quantity = 80
cost = 80.5
date = 2024-05-03T10:00:00
currency = "HKD"

[[positions.VOD]]
quantity = 100
cost = 70
date = 2024-01-01
currency = "GBp"
"""


def test_positions_are_lots_per_symbol(tmp_path: Path) -> None:
    config = config_with(tmp_path, LOTS)
    assert config.problems == ()
    assert config.positions.symbols == ("BABA", "9988.HK", "VOD")
    assert config.positions.of("BABA") == (
        Lot(10.0, 85.2, date(2024, 3, 1), None), Lot(2.5, 0.0, date(2024, 4, 2), "USD"))
    assert config.positions.of("9988.HK") == (Lot(80.0, 80.5, date(2024, 5, 3), "HKD"),)
    assert config.positions.of("VOD")[0].currency == "GBp"  # pence, not pounds
    assert config.positions.of("MSFT") == ()


GOOD_LOT = "quantity = 1\ncost = 2\ndate = 2024-01-01\n"


@pytest.mark.parametrize(("lot", "what"), [
    ("cost = 2\ndate = 2024-01-01", "quantity is missing"),
    ("quantity = 1\ndate = 2024-01-01", "cost is missing"),
    ("quantity = 1\ncost = 2", "date is missing"),
    ("quantity = -1\ncost = 2\ndate = 2024-01-01", "quantity must be a positive number"),
    ("quantity = 0\ncost = 2\ndate = 2024-01-01", "quantity must be a positive number"),
    ("quantity = true\ncost = 2\ndate = 2024-01-01", "quantity must be a positive number"),
    ('quantity = "10"\ncost = 2\ndate = 2024-01-01', "quantity must be a positive number"),
    ("quantity = nan\ncost = 2\ndate = 2024-01-01", "quantity must be a positive number"),
    ("quantity = 1\ncost = -2\ndate = 2024-01-01",
     "cost must be the unit cost, a number of 0 or more"),
    ("quantity = 1\ncost = inf\ndate = 2024-01-01",
     "cost must be the unit cost, a number of 0 or more"),
    ('quantity = 1\ncost = 2\ndate = "1 March 2024"', "date must be a date like 2024-03-01"),
    ('quantity = 1\ncost = 2\ndate = "2024-02-30"', "date must be a date like 2024-03-01"),
    ("quantity = 1\ncost = 2\ndate = 10:00:00", "date must be a date like 2024-03-01"),
    ('quantity = 1\ncost = 2\ndate = 2024-01-01\ncurrency = "dollar"',
     "currency must be a three-letter currency code like USD"),
    ('quantity = 1\ncost = 2\ndate = 2024-01-01\ncurency = "USD"',
     "unknown key curency (a lot has quantity, cost, date, currency)"),
])
def test_a_bad_lot_is_named_and_skipped_and_the_others_stay(
        tmp_path: Path, lot: str, what: str) -> None:
    config = config_with(tmp_path, f"[[positions.MSFT]]\n{GOOD_LOT}\n[[positions.MSFT]]\n{lot}\n")
    assert config.problems == (f"positions.MSFT lot 2: {what}; lot skipped",)
    assert config.positions.of("MSFT") == (Lot(1.0, 2.0, date(2024, 1, 1)),)


@pytest.mark.parametrize(("text", "problem"), [
    ("positions = 3", "positions must be tables like [[positions.BABA]]; ignored"),
    ("[positions]\nMSFT = 3",
     "positions.MSFT must be [[positions.MSFT]] tables of quantity, cost and date; skipped"),
    (f'[[positions."a/b"]]\n{GOOD_LOT}',
     "positions: 1 key(s) are not ticker symbols; their lots skipped"),
    ("[positions]\nMSFT = [1]", "positions.MSFT lot 1: not a table of quantity, cost and date; "
     "lot skipped"),
])
def test_bad_positions_are_named(tmp_path: Path, text: str, problem: str) -> None:
    config = config_with(tmp_path, text + "\n")
    assert config.problems == (problem,)
    assert config.positions == Positions()


def test_keymap_is_read_quoted_or_dotted(tmp_path: Path) -> None:
    config = config_with(tmp_path, """
[keymap]
"app.quit" = "q, f10"
app.refresh = "r,f5"
"detail.range" = "?"
""")
    assert config.keymap == (("app.quit", "q,f10"), ("app.refresh", "r,f5"),
                             ("detail.range", "?"))
    assert config.problems == ()


@pytest.mark.parametrize(("text", "problem"), [
    ("keymap = 1", 'keymap must be a table of binding id = "keys"; ignored'),
    ('[keymap]\n"app.quit" = 3', 'keymap.app.quit must be keys like "ctrl+q,f10"; skipped'),
    ('[keymap]\n"app.quit" = ""', 'keymap.app.quit must be keys like "ctrl+q,f10"; skipped'),
    ('[keymap]\n"app.quit" = "q,,x"', 'keymap.app.quit must be keys like "ctrl+q,f10"; skipped'),
    ('[keymap]\n"app.quit" = "ctrl q"',
     'keymap.app.quit must be keys like "ctrl+q,f10"; skipped'),
    ('[keymap]\n"app.quit" = "\\u001b"', 'keymap.app.quit must be keys like "ctrl+q,f10"; '
     "skipped"),
    ('[keymap]\n"app quit!" = "q"', "keymap: 1 binding id(s) are not ids like app.quit; skipped"),
])
def test_bad_keymap_entries_are_named_and_skipped(tmp_path: Path, text: str,
                                                 problem: str) -> None:
    config = config_with(tmp_path, f'{text}\n')
    assert config.problems == (problem,)
    assert config.keymap == ()


def test_a_theme_the_app_does_not_have_falls_back_saying_so(tmp_path: Path) -> None:
    config = config_with(tmp_path, 'theme = "nordd"\n')
    checked = with_available_themes(config, ["nord", "textual-dark"])
    assert checked.theme is None
    assert checked.problems == ("theme: there is no theme named nordd; using the default theme",)
    assert with_available_themes(Config(theme="nord"), ["nord"]) == Config(theme="nord")


def test_session_tickers() -> None:
    assert parse_tickers(" nvda, ORCL,,NVDA, a b ,9988.hk") == (
        ("NVDA", "ORCL", "9988.HK"), ("a b",))
    config = with_session_tickers(Config(), ("NVDA",))
    assert config.tickers == ("NVDA",) and config.session_tickers
    assert config.lists == Lists()  # the file's lists are unchanged


@pytest.mark.parametrize("value", [
    Lot(1.0, 2.0, date(2024, 1, 1)), Positions(), Lists(), Config()])
def test_the_model_is_frozen(value: object) -> None:
    field = value.__struct_fields__[0]
    with pytest.raises(AttributeError, match="immutable"):
        setattr(value, field, None)
