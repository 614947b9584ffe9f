"""The command line and the config (issue 12): the first run writes a commented config.toml
once, and `aiwatch --tickers NVDA,ORCL` shows other symbols for one session without saving."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from aiwatch import cli
from aiwatch.screens.watchlist import WatchlistScreen
from aiwatch.store.config import FIRST_RUN_CONFIG, Config, load_config


def config_file(home: Path) -> Path:
    return home / "config" / "aiwatch" / "config.toml"


def test_tickers_are_checked_like_the_config() -> None:
    assert cli.parse_args(["--tickers", "nvda, ORCL,NVDA,9988.hk"]).session_tickers == (
        "NVDA", "ORCL", "9988.HK")
    assert cli.parse_args([]).session_tickers == ()


@pytest.mark.parametrize(("value", "message"), [
    ("NVDA,rm -rf,a/b", "argument --tickers: not ticker symbols: 'rm -rf', 'a/b'"),
    ("NVDA,\x1b[2J", "argument --tickers: not ticker symbols: '\\x1b[2J'"),
    (" , ", "argument --tickers: no symbols given"),
])
def test_bad_tickers_are_named_and_nothing_starts(
        capsys: pytest.CaptureFixture[str], value: str, message: str) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--tickers", value])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "\x1b" not in err


def test_main_hands_the_session_tickers_to_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    built = {}

    class Ran:
        return_code = 0

        def run(self) -> None:
            pass

    def fake_make_app(**kwargs: object) -> Ran:
        built.update(kwargs)
        return Ran()

    monkeypatch.setattr(cli, "make_app", fake_make_app)
    cli.main(["--offline", "--tickers", "NVDA,ORCL"])
    assert built == {"offline": True, "force_refresh": False, "tickers": ("NVDA", "ORCL")}


def test_the_first_run_writes_the_commented_config_once(make_test_app, tmp_home: Path) -> None:
    path = config_file(tmp_home)
    app = make_test_app()
    assert path.read_text() == FIRST_RUN_CONFIG
    assert app.services.config == Config()
    path.write_text('# mine\ntickers = ["ORCL"]\n')
    app = make_test_app()
    assert path.read_text() == '# mine\ntickers = ["ORCL"]\n'
    assert app.tickers == ("ORCL",)


def test_a_first_run_that_cannot_write_says_so_and_runs_on_defaults(
        make_test_app, tmp_home: Path) -> None:
    (tmp_home / "config" / "aiwatch").write_text("a file where the folder should be")
    app = make_test_app()
    assert app.tickers == Config().tickers
    assert app.services.startup_problems[0].startswith(
        f"cannot write {config_file(tmp_home)}: ")


async def test_a_tickers_session_shows_them_and_writes_no_config(
        make_test_app, tmp_home: Path) -> None:
    app = make_test_app(tickers=("NVDA", "ORCL"))
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WatchlistScreen)
        assert [card.ticker for card in app.screen.cards] == ["NVDA", "ORCL"]
    assert app.services.config.session_tickers is True
    assert not config_file(tmp_home).exists()


def test_a_tickers_session_leaves_the_users_config_as_it_is(
        make_test_app, tmp_home: Path) -> None:
    path = config_file(tmp_home)
    path.parent.mkdir(parents=True)
    path.write_text('tickers = ["BABA"]  # mine\nsort = "day"\n')
    before = path.stat().st_mtime_ns
    app = make_test_app(tickers=("NVDA",))
    assert app.tickers == ("NVDA",)
    assert app.services.config.sort == "day"  # the rest of the config still counts
    assert app.services.config.lists.get("ai-cloud") == ("BABA",)
    assert path.read_text() == 'tickers = ["BABA"]  # mine\nsort = "day"\n'
    assert path.stat().st_mtime_ns == before
    assert load_config(path).tickers == ("BABA",)


def test_start_up_does_not_load_tomlkit(tmp_home: Path) -> None:
    # tomlkit costs ~90 ms of CPU to import: only an edit of the config should pay it.
    code = ("import sys\nfrom aiwatch.cli import make_app\nmake_app(offline=True)\n"
            "print('tomlkit' in sys.modules)\n")
    package = Path(cli.__file__).parent.parent
    path = os.pathsep.join(filter(None, [str(package), os.environ.get("PYTHONPATH")]))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={**os.environ, "PYTHONPATH": path})
    assert out.stdout.strip() == "False"
    assert config_file(tmp_home).read_text() == FIRST_RUN_CONFIG
