"""Config: defaults when missing, clear problems when broken, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiwatch.store.config import DEFAULT_TICKERS, load_config, valid_ticker


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path / "config.toml")
    assert config.tickers == DEFAULT_TICKERS == ("BABA", "AMZN", "MSFT", "GOOGL")
    assert config.refresh_minutes == 5
    assert config.problems == ()


def test_tickers_and_interval_are_read(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('tickers = ["nvda", "BABA", "NVDA"]\nrefresh_minutes = 2\n')
    config = load_config(path)
    assert config.tickers == ("NVDA", "BABA")
    assert config.refresh_minutes == 2


@pytest.mark.probe(25)
def test_broken_toml_gives_defaults_and_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("tickers = [unclosed")
    config = load_config(path)
    assert config.tickers == DEFAULT_TICKERS
    assert len(config.problems) == 1 and "config.toml ignored" in config.problems[0]


@pytest.mark.probe(26)
def test_bad_values_are_skipped_with_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('tickers = ["MSFT", "not a ticker!", 3]\nrefresh_minutes = -1\n')
    config = load_config(path)
    assert config.tickers == ("MSFT",)
    assert config.refresh_minutes == 5
    assert len(config.problems) == 2


def test_valid_ticker() -> None:
    assert valid_ticker(" baba ") == "BABA"
    assert valid_ticker("BRK-B") == "BRK-B"
    assert valid_ticker("0700.HK") == "0700.HK"
    assert valid_ticker("") is None
    assert valid_ticker("rm -rf") is None
    assert valid_ticker("[bold]x") is None
