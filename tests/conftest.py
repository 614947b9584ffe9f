"""Shared fixtures: no network, no real home, a fixed clock."""

from __future__ import annotations

import gc
import http.cookiejar
import socket
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from curl_cffi.requests import Response, Session
from curl_cffi.requests.headers import Headers
from screen_states import FIXED_NOW


class NetworkBlocked(RuntimeError):
    """Raised by the guard when code under test tries to reach the network."""


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any socket connection that is not a local Unix socket."""

    real_connect = socket.socket.connect

    def guarded_connect(self: socket.socket, address: object) -> None:
        if self.family == socket.AF_UNIX:
            return real_connect(self, address)
        raise NetworkBlocked(f"test tried to connect to {address!r}")

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect)

    def guarded_create_connection(address: object, *args: object, **kwargs: object) -> None:
        raise NetworkBlocked(f"test tried to connect to {address!r}")

    monkeypatch.setattr(socket, "create_connection", guarded_create_connection)


@pytest.fixture(autouse=True)
def tmp_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point HOME and the XDG dirs at tmp so tests never touch the real home."""
    home = tmp_path / "home"
    for name, sub in (("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data"),
                      ("XDG_CACHE_HOME", "cache")):
        (home / sub).mkdir(parents=True)
        monkeypatch.setenv(name, str(home / sub))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    return home


@pytest.fixture(autouse=True)
def forget_finished_apps() -> Iterator[None]:
    """Let a finished app's widgets go. Textual memoises StylesCache.get_inner_outer on the
    instance (lru_cache of 1024 on a method), so each widget's line cache (its strips) outlived
    its app: a worker's heap grew by ~10^4 objects per app test, up to ~10^6, and every full
    collection walked them (a third of the CPU of the app tests). The cache is a pure memo of
    two colours; emptying it between tests changes nothing a test sees."""
    yield
    from textual._styles_cache import StylesCache

    StylesCache.get_inner_outer.cache_clear()


@pytest.fixture
def fixed_now() -> datetime:
    return FIXED_NOW


@pytest.fixture
def make_test_app(tmp_home: Path):  # noqa: ANN201 - returns a factory
    """Build the real app (bundled snapshot, tmp notes) with the fixed clock; offline unless
    the test hands it a (fake) HTTP session."""
    from aiwatch.cli import make_app

    def factory(**kwargs: object):  # noqa: ANN202
        kwargs.setdefault("offline", "session" not in kwargs)
        kwargs.setdefault("clock", lambda: FIXED_NOW)
        return make_app(**kwargs)

    return factory


# --- Yahoo without the network ---------------------------------------------------------------

YAHOO_FIXTURES = Path(__file__).parent / "fixtures" / "yahoo"
# For the tests that check our reading against yfinance's own: yfinance's frame building (not
# ours) warns under pandas 3 (Pandas4Warning, a DeprecationWarning).
YFINANCE_WARNS = pytest.mark.filterwarnings("ignore::DeprecationWarning:yfinance")
SOURCED_DATA = Path(__file__).resolve().parent.parent / "data"  # what the fixtures are built from
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
JSON = "application/json;charset=utf-8"
NOT_FOUND_PAGE = b"<html><body>Not Found</body></html>"
SUMMARY_FILES = {"earningsHistory": "earnings_history", "calendarEvents": "calendar_events"}


def pytest_configure(config: pytest.Config) -> None:
    # One process runs hundreds of app tests, each leaving ~10^5 objects to the collector:
    # at the default 700 allocations per young pass, full passes over that heap took ~20% of
    # the suite's CPU. What is collected is the same, only in fewer, larger passes.
    gc.set_threshold(7000, 10, 10)
    config.addinivalue_line(
        "markers", "allow_loopback: the test may make real curl requests, to 127.0.0.1 only")
    config.addinivalue_line("markers", "probe(*cases): covers fault-probe case N")


@pytest.fixture(autouse=True)
def no_curl(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any real curl_cffi request: curl does its I/O in C, past the socket guard.

    Patched at Session.request, below the get/post yfinance calls and above any I/O; FakeYahoo
    overrides it. Tests marked allow_loopback may reach 127.0.0.1 (directly or as the proxy).
    """
    real_request = Session.request
    loopback_allowed = request.node.get_closest_marker("allow_loopback") is not None

    def guarded(self: Session, method: str, url: str, *args: object, **kwargs: object) -> object:
        if loopback_allowed and _reaches_loopback_only(self, url, kwargs):
            return real_request(self, method, url, *args, **kwargs)
        raise NetworkBlocked(f"test tried a real HTTP request to {url!r}")

    monkeypatch.setattr(Session, "request", guarded)


def _reaches_loopback_only(session: object, url: str, kwargs: dict[str, object]) -> bool:
    """Where curl would connect: the proxy (given, else from the environment) or the URL's host."""
    proxies = kwargs.get("proxies") or getattr(session, "proxies", None) or {}
    proxy = (kwargs.get("proxy") or next(iter(proxies.values()), None)
             or urllib.request.getproxies().get(urlsplit(url).scheme))
    return urlsplit(str(proxy or url)).hostname in LOOPBACK


def fixture_quote(ticker: str) -> tuple[float, datetime]:
    """The live price and market time the generated chart fixture sends: on purpose not the
    snapshot's last close (see tests/fixtures/make_yahoo_fixtures.py)."""
    import json

    meta = json.loads((YAHOO_FIXTURES / f"chart_{ticker}_1y.json").read_text())
    meta = meta["chart"]["result"][0]["meta"]
    return meta["regularMarketPrice"], datetime.fromtimestamp(meta["regularMarketTime"], UTC)


def v7_quote_answer(symbols: list[str]) -> bytes:
    """Yahoo's v7 quote answer for the symbols with a chart fixture, built from its meta (the
    price and market time the chart sends, the names and the instrument type) and the last
    close before that market day; currency pairs from quote_fx.json (plausible rates: test
    data, not sourced)."""
    import json

    result = []
    pairs = json.loads((YAHOO_FIXTURES / "quote_fx.json").read_text())["quoteResponse"]
    fx_rows = {row["symbol"]: row for row in pairs["result"]}
    for symbol in symbols:
        path = YAHOO_FIXTURES / f"chart_{symbol}_1y.json"
        if symbol in fx_rows:
            result.append(fx_rows[symbol])
        if not path.is_file():
            continue
        chart = json.loads(path.read_text())["chart"]["result"][0]
        meta = chart["meta"]
        day = meta["regularMarketTime"] - meta["regularMarketTime"] % 86400
        closes = chart["indicators"]["quote"][0]["close"]
        earlier = [c for t, c in zip(chart["timestamp"], closes, strict=True)
                   if c is not None and t < day]
        result.append({"symbol": symbol, "currency": meta["currency"],
                       "regularMarketPrice": meta["regularMarketPrice"],
                       "regularMarketTime": meta["regularMarketTime"],
                       "regularMarketPreviousClose": earlier[-1] if earlier else None,
                       "exchangeTimezoneName": meta["exchangeTimezoneName"],
                       "quoteType": meta["instrumentType"], "longName": meta["longName"],
                       "shortName": meta["shortName"]})
    return json.dumps({"quoteResponse": {"result": result, "error": None}}).encode()


def reset_yfinance() -> None:
    """Forget yfinance's process-wide state, as a new process would start without it.

    Its session/crumb singleton, its open tz and cookie databases (which would otherwise stay
    pointed at an earlier test's directory), its memo of responses and its fallback counter.
    """
    from yfinance import base, cache, data

    data.YfData._instances.clear()
    data.YfData.cache_get.cache_clear()
    for manager in (cache._TzDBManager, cache._CookieDBManager, cache._ISINDBManager):
        manager.close_db()
        manager._db = None
    cache._TzCacheManager._tz_cache = None
    cache._CookieCacheManager._Cookie_cache = None
    cache._ISINCacheManager._isin_cache = None
    base._tz_info_fetch_ctr = 0


def summary_answer(bodies: list[bytes]) -> bytes:
    """One quoteSummary answer for several modules from one answer per module, as Yahoo
    sends it: one result holding each module under its name."""
    import json

    merged: dict[str, object] = {}
    for body in bodies:
        merged.update(json.loads(body)["quoteSummary"]["result"][0])
    return json.dumps({"quoteSummary": {"result": [merged], "error": None}}).encode()


def _not_found(name: str, symbol: str) -> tuple[int, bytes]:
    """Yahoo's HTTP 404 answer for a symbol it does not know."""
    return 404, (YAHOO_FIXTURES / name).read_text().replace("{symbol}", symbol).encode()


@dataclass(frozen=True)
class SeenRequest:
    method: str
    url: str
    params: dict[str, str]
    timeout: object


class FakeYahoo(Session):
    """Yahoo as a curl_cffi session: answers yfinance from tests/fixtures/yahoo.

    It overrides `request`, which curl_cffi's get/post call, so yfinance, our wire and
    curl_cffi's cookie jar all run for real. Set `error` (a factory of the exception every
    request raises), `status` (every request answered with it, e.g. 429) or `empty`
    (tickers whose 1y chart has no bars) to misbehave. Symbols without fixtures are unknown.
    """

    def __init__(self) -> None:
        super().__init__(impersonate="chrome")
        self.seen: list[SeenRequest] = []
        self.error: Callable[[], Exception] | None = None
        self.status: int | None = None
        self.empty: set[str] = set()
        self.gate: threading.Event | None = None  # when set: every request waits for it
        self.quote_symbols: list[str] = []  # the symbols= of each v7 quote request
        self.alias: dict[str, str] = {}  # symbol -> the fixture ticker whose files answer it
        self._lock = threading.Lock()

    def count(self, fragment: str, **params: str) -> int:
        """How many requests had `fragment` in their URL (and these params)."""
        return sum(fragment in r.url and params.items() <= r.params.items()
                   for r in self.seen)

    def request(self, method: str, url: str, params: dict[str, object] | None = None,
                **kwargs: object) -> Response:
        query = {k: str(v) for k, v in (params or {}).items()}
        with self._lock:
            self.seen.append(SeenRequest(method, url, query, kwargs.get("timeout")))
        if self.gate is not None:
            self.gate.wait(10)
        if self.error is not None:
            raise self.error()
        if self.status is not None:
            return self._respond(url, self.status, b"Too Many Requests", "text/plain")
        parts = urlsplit(url)
        query.update((k, v[0]) for k, v in parse_qs(parts.query).items())
        return self._answer(url, parts.hostname or "", unquote(parts.path), query)

    def _answer(self, url: str, host: str, path: str, query: dict[str, str]) -> Response:
        symbol = self.alias.get(path.rsplit("/", 1)[-1], path.rsplit("/", 1)[-1])
        if host == "fc.yahoo.com":
            self._set_cookie()
            return self._respond(url, 404, NOT_FOUND_PAGE, "text/html")
        if path.endswith("/v1/test/getcrumb"):
            return self._respond(url, 200, b"jd0Kq8bGx.p", "text/plain")
        if path.startswith("/v8/finance/chart/"):
            range_ = query.get("range")
            name = "chart_empty" if symbol in self.empty and range_ == "1y" else (
                f"chart_{symbol}_{range_}")
            return self._file(url, f"{name}.json", _not_found("chart_not_found.json", symbol))
        if path.startswith("/v10/finance/quoteSummary/"):
            files = [YAHOO_FIXTURES / f"{SUMMARY_FILES.get(module)}_{symbol}.json"
                     for module in query.get("modules", "").split(",")]
            if not any(f.is_file() for f in files):
                return self._respond(url, *_not_found("quote_summary_not_found.json", symbol))
            return self._respond(url, 200, summary_answer([f.read_bytes() for f in files
                                                           if f.is_file()]))
        if "/finance/timeseries/" in path:
            return self._file(url, f"income_{symbol}.json",
                              (200, b'{"timeseries":{"result":[],"error":null}}'))
        if path == "/calendar/earnings":
            page = self.alias.get(query.get("symbol", ""), query.get("symbol"))
            return self._file(url, f"earnings_dates_{page}.html",
                              content_type="text/html; charset=utf-8")
        if path == "/v7/finance/quote":
            self.quote_symbols.append(query.get("symbols", ""))
            return self._respond(url, 200, v7_quote_answer(query.get("symbols", "").split(",")))
        return self._respond(url, 404, NOT_FOUND_PAGE, "text/html")

    def _file(self, url: str, name: str, missing: tuple[int, bytes] = (404, b""),
              content_type: str = JSON) -> Response:
        path = YAHOO_FIXTURES / name
        if path.is_file():
            return self._respond(url, 200, path.read_bytes(), content_type)
        status, body = missing
        return self._respond(url, status, body or NOT_FOUND_PAGE, JSON if body else "text/html")

    def _set_cookie(self) -> None:
        """What fc.yahoo.com's Set-Cookie does: an A3 cookie on .yahoo.com for a year."""
        expires = int(time.time()) + 365 * 86400
        self.cookies.jar.set_cookie(http.cookiejar.Cookie(
            0, "A3", "d=AQABBLt5fake&S=AQAAAfake", None, False, ".yahoo.com", True, True,
            "/", True, True, expires, False, None, None, {}))

    @staticmethod
    def _respond(url: str, status: int, body: bytes, content_type: str = JSON) -> Response:
        response = Response()
        response.url = url
        response.status_code = status
        response.ok = status < 400
        response.reason = {200: "OK", 404: "Not Found", 429: "Too Many Requests"}.get(
            status, "Error")
        response.content = body
        response.headers = Headers({"content-type": content_type})
        return response


@pytest.fixture
def fake_yahoo() -> Iterator[FakeYahoo]:
    """A FakeYahoo session, in a process where yfinance has not run yet."""
    reset_yfinance()
    session = FakeYahoo()
    yield session
    session.close()
    reset_yfinance()


# --- cards ---------------------------------------------------------------------------------------

@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How often each card's render ran, by ticker."""
    from aiwatch.widgets.ticker_card import TickerCard

    counts: Counter[str] = Counter()
    original = TickerCard.render

    def counted(self: TickerCard):  # noqa: ANN202
        counts[self.ticker] += 1
        return original(self)

    monkeypatch.setattr(TickerCard, "render", counted)
    return counts
