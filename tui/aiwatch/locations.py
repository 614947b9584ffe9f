"""Every path aiwatch reads or writes, from platformdirs; nowhere else builds a path."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_cache_path, user_config_path, user_data_path

APP_NAME = "aiwatch"


def config_dir() -> Path:
    return user_config_path(APP_NAME, appauthor=False)


def data_dir() -> Path:
    return user_data_path(APP_NAME, appauthor=False)


def cache_dir() -> Path:
    return user_cache_path(APP_NAME, appauthor=False)


def config_file() -> Path:
    return config_dir() / "config.toml"


def user_data_files_dir() -> Path:
    """Where the user may add newer market-share and cloud-segment rows (same CSV columns)."""
    return config_dir() / "data"


def notes_dir() -> Path:
    return data_dir() / "notes"


def cache_file() -> Path:
    return cache_dir() / "cache.sqlite3"


def log_file() -> Path:
    """The last crash's full traceback (the terminal gets one line pointing here)."""
    return cache_dir() / "crash.log"


def yfinance_cache_dir() -> Path:
    """yfinance's own tz/cookie caches, kept inside ours instead of ~/.cache/py-yfinance."""
    return cache_dir() / "yfinance"


def bundled_data_dir() -> Path:
    """The snapshot shipped inside the package."""
    return Path(__file__).parent / "data"


def user_paths() -> dict[str, Path]:
    """The user's own files, as the help screen lists them."""
    return {"config": config_file(), "notes": notes_dir(), "cache": cache_file(),
            "your data": user_data_files_dir()}


def all_paths() -> dict[str, Path]:
    """What `aiwatch --paths` prints."""
    return {**user_paths(), "crash log": log_file(), "bundled data": bundled_data_dir()}


def display_path(path: Path) -> str:
    """A path as the user would type it: their home shown as ~."""
    try:
        return "~/" + str(path.relative_to(Path.home()))
    except ValueError:
        return str(path)
