"""The command line: --version, --help, --paths work without starting the UI."""

from __future__ import annotations

import pytest

from aiwatch.cli import main


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    main(["--version"])
    assert capsys.readouterr().out.startswith("aiwatch 0.")


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    assert "watchlist for AI-cloud stocks" in capsys.readouterr().out


def test_paths_point_into_the_xdg_dirs(capsys: pytest.CaptureFixture[str], tmp_home) -> None:
    main(["--paths"])
    out = capsys.readouterr().out
    assert f"{tmp_home}/config/aiwatch/config.toml" in out
    assert f"{tmp_home}/data/aiwatch/notes" in out
    assert f"{tmp_home}/cache/aiwatch/cache.sqlite3" in out


def test_unknown_option_exits_with_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--bogus"])
    assert exit_info.value.code == 2
    assert "usage: aiwatch" in capsys.readouterr().err
