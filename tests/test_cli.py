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


def crashing_app(monkeypatch: pytest.MonkeyPatch, boom: Exception) -> None:
    """`main` builds the real app, run headless; enter on the watchlist raises `boom`."""
    from aiwatch import cli
    from aiwatch.screens.watchlist import WatchlistScreen

    def raise_boom(self: WatchlistScreen) -> None:
        raise boom

    async def press_enter(pilot) -> None:  # noqa: ANN001
        await pilot.pause()
        await pilot.press("enter")

    real_make_app = cli.make_app

    def make_headless_app(**kwargs: object):  # noqa: ANN202
        app = real_make_app(**kwargs)
        real_run = app.run
        monkeypatch.setattr(app, "run", lambda: real_run(headless=True, auto_pilot=press_enter))
        return app

    monkeypatch.setattr(WatchlistScreen, "action_detail", raise_boom)
    monkeypatch.setattr(cli, "make_app", make_headless_app)


@pytest.mark.probe(62)
def test_a_crash_exits_1_with_one_line_and_the_traceback_in_a_log(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_home
) -> None:
    crashing_app(monkeypatch, RuntimeError("boom\nsecond line"))
    with pytest.raises(SystemExit) as exit_info:
        main(["--offline"])
    assert exit_info.value.code == 1
    log = tmp_home / "cache" / "aiwatch" / "crash.log"
    last = capsys.readouterr().err.rstrip("\n").splitlines()[-1]
    assert last == "aiwatch crashed: RuntimeError: boom — details in ~/cache/aiwatch/crash.log"
    text = log.read_text()
    assert text.startswith("aiwatch ") and " crashed at " in text.splitlines()[0]
    assert "in raise_boom" in text  # the whole traceback, down to the frame that raised
    assert text.rstrip().endswith("RuntimeError: boom\nsecond line")


def test_a_crash_with_an_unwritable_log_still_exits_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_home
) -> None:
    (tmp_home / "cache" / "aiwatch").write_text("a file where the folder should be")
    crashing_app(monkeypatch, KeyError("ZZZZ"))
    with pytest.raises(SystemExit) as exit_info:
        main(["--offline"])
    assert exit_info.value.code == 1
    last = capsys.readouterr().err.rstrip("\n").splitlines()[-1]
    assert last.startswith("aiwatch crashed: KeyError: 'ZZZZ' — could not write ")


def test_paths_name_the_crash_log(capsys: pytest.CaptureFixture[str], tmp_home) -> None:
    main(["--paths"])
    assert f"crash log: {tmp_home}/cache/aiwatch/crash.log" in capsys.readouterr().out


def test_aiwatch_alone_reads_as_the_parser_would_read_it() -> None:
    """The everyday launch skips building the parser; what it gets must not drift from it."""
    from aiwatch.cli import PLAIN_LAUNCH, build_parser, parse_args

    assert vars(build_parser().parse_args([])) == PLAIN_LAUNCH
    assert vars(parse_args([])) == PLAIN_LAUNCH
    assert parse_args(["--offline"]).offline is True
