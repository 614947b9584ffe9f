"""The wire under yfinance: every request it makes on our session, with our timeouts.

yfinance swallows transport failures (a timeout comes back as "no price data") and drops
response fields we need. So every get/post it makes on our curl_cffi session passes through
`Wire`, which enforces our timeouts, stops a fetch from hanging or hammering, and keeps the
answers for the mapping (yahoo_map) to read. Imports curl_cffi only inside functions.
"""

from __future__ import annotations

import functools
import json
import os
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import unquote, urlsplit

from msgspec import Struct, field
from msgspec.structs import replace

if TYPE_CHECKING:
    from curl_cffi.requests import Response, Session

ErrorKind = Literal["offline", "timeout", "rate_limited", "empty", "unknown_ticker", "error"]

REPLAY_ENV = "AIWATCH_YAHOO_REPLAY"  # benchmarks: a local replay of Yahoo instead of Yahoo
CONNECT_TIMEOUT = 3.0  # seconds, and at most half of the total
# Cookie and crumb requests: yfinance carries on without them, so their failure is not ours.
AUXILIARY = ("fc.yahoo.com", "guce.yahoo.com", "consent.yahoo.com", "/v1/test/getcrumb")


class Exchange(Struct, frozen=True):
    """One request yfinance made, and how it ended."""

    url: str
    params: dict[str, str] = field(default_factory=dict)
    status: int | None = None  # None: no HTTP answer
    failure: ErrorKind | None = None  # a transport failure, HTTP 429 or 5xx
    body: bytes = b""

    @property
    def path(self) -> str:
        return unquote(urlsplit(self.url).path)

    @property
    def auxiliary(self) -> bool:
        return any(part in self.url for part in AUXILIARY)

    @property
    def breaker(self) -> str:
        """What a failure stops asking: the host, or just the cookie/crumb endpoint.

        yfinance fetches data without a crumb when getcrumb is refused, so that must not stop
        the data requests to the same host.
        """
        return next((part for part in AUXILIARY if part in self.url),
                    urlsplit(self.url).hostname or "")


class Refused(OSError):
    """Raised instead of asking a host that already failed in this fetch.

    An OSError, so yfinance takes it as a transient network error and gives up quietly.
    """

    def __init__(self, kind: ErrorKind) -> None:
        super().__init__(f"not asked: {kind} earlier in this fetch")


class Wire:
    """Every get/post yfinance makes on our session passes here.

    Each request gets our timeout whatever yfinance asks for (it asks for 10–30 s); a host that
    failed is not asked again in the same fetch, so a silent network costs one timeout per host
    (cookie, consent, data), not one per request, and a rate-limited client stops knocking; and
    every answer is kept until the next fetch begins.

    The bookkeeping is per thread: a fetch runs on one thread (yfinance is called with
    threads=False), so concurrent fetches on the shared session each read their own answers
    and their own failures. A fetch is what one thread does between two `begin()` calls.
    """

    def __init__(self, timeout: float) -> None:
        self._timeout = timeout
        self._local = threading.local()

    def attach(self, session: Session) -> None:
        """Route the session's get and post, all that yfinance calls, through `_send`."""
        for name in ("get", "post"):
            setattr(session, name, functools.partial(self._send, getattr(session, name)))

    def begin(self) -> None:
        self._local.exchanges = []
        self._local.broken = {}  # breaker -> the failure that tripped it

    @property
    def _exchanges(self) -> list[Exchange]:
        if not hasattr(self._local, "exchanges"):
            self.begin()
        return self._local.exchanges  # type: ignore[no-any-return]

    @property
    def _broken(self) -> dict[str, ErrorKind]:
        if not hasattr(self._local, "broken"):
            self.begin()
        return self._local.broken  # type: ignore[no-any-return]

    def _send(self, send: Callable[..., Response], url: str, **kwargs: Any) -> Response:
        asked = Exchange(url, {str(k): str(v) for k, v in (kwargs.get("params") or {}).items()})
        refused = self._broken.get(asked.breaker)
        if refused:
            self._record(replace(asked, failure=refused))
            raise Refused(refused)
        kwargs["timeout"] = curl_timeout(self._timeout)
        try:
            response = send(url, **kwargs)
        except Exception as exc:
            self._record(replace(asked, failure=failure_kind(exc)))
            raise
        status = response.status_code
        self._record(replace(asked, status=status, failure=status_failure(status),
                             body=response.content))
        return response

    def _record(self, exchange: Exchange) -> None:
        self._exchanges.append(exchange)
        if exchange.failure:
            self._broken.setdefault(exchange.breaker, exchange.failure)

    def failure(self) -> ErrorKind | None:
        """The first failure of a request for data in this fetch, if any."""
        return next((e.failure for e in self._exchanges if e.failure and not e.auxiliary), None)

    def last(self, wanted: Callable[[Exchange], bool]) -> Exchange | None:
        return next((e for e in reversed(self._exchanges) if wanted(e)), None)

    def answer(self, wanted: Callable[[Exchange], bool]) -> dict[str, Any]:
        """The JSON of the last successful answer `wanted` picks; {} when there is none."""
        exchange = self.last(lambda e: e.status == 200 and wanted(e))
        try:
            data = json.loads(exchange.body) if exchange else {}
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def text(self, wanted: Callable[[Exchange], bool]) -> str:
        """The text of the last successful answer `wanted` picks; "" when there is none."""
        exchange = self.last(lambda e: e.status == 200 and wanted(e))
        return exchange.body.decode("utf-8", "replace") if exchange else ""

    def saw_status(self, status: int) -> bool:
        return any(e.status == status for e in self._exchanges if not e.auxiliary)


def is_chart(symbol: str, range_: str | None = None) -> Callable[[Exchange], bool]:
    return lambda e: (e.path == f"/v8/finance/chart/{symbol}"
                      and (range_ is None or e.params.get("range") == range_))


def is_income(symbol: str) -> Callable[[Exchange], bool]:
    return lambda e: e.path.endswith(f"/finance/timeseries/{symbol}")


def is_summary(symbol: str) -> Callable[[Exchange], bool]:
    return lambda e: e.path.endswith(f"/quoteSummary/{symbol}")


def is_calendar_page(symbol: str) -> Callable[[Exchange], bool]:
    return lambda e: e.path == "/calendar/earnings" and e.params.get("symbol") == symbol


def is_quote(e: Exchange) -> bool:
    return e.path == "/v7/finance/quote"


def ask(yfinance: Any, session: Session, url: str, params: dict[str, str],
        timeout: float) -> None:
    """GET `url` as yfinance does (its data session brings the cookie, crumb and consent Yahoo
    wants; yfinance has no public call for a raw request); the answer lands on the wire."""
    yfinance.data.YfData(session=session).get(url, params=params, timeout=timeout)


def default_session(timeout: float) -> Session:
    from curl_cffi import requests

    session = requests.Session(impersonate="chrome", timeout=curl_timeout(timeout))
    replay_to(session, os.environ.get(REPLAY_ENV, ""))
    return session


def replay_to(session: Session, base: str) -> None:
    """With a base URL (AIWATCH_YAHOO_REPLAY=http://127.0.0.1:PORT, benchmarks/yahoo_replay.py)
    every request goes there instead of Yahoo, its host moved into the path; yfinance, our
    wire and the cookie jar see the real URLs."""
    if not base:
        return
    send = session.request

    def request(method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        parts = urlsplit(url)
        query = f"?{parts.query}" if parts.query else ""
        response = send(method, f"{base.rstrip('/')}/{parts.netloc}{parts.path}{query}",
                        *args, **kwargs)
        keep_cookies(session, response.headers.get_list("set-cookie"), parts.hostname or "")
        return response

    session.request = request  # type: ignore[method-assign]


def keep_cookies(session: Session, headers: list[str], host: str) -> None:
    """Keep the replay's cookies as if `host` had set them: curl refuses a `.yahoo.com` cookie
    from 127.0.0.1, and without Yahoo's cookie yfinance asks fc.yahoo.com before every call."""
    from http.cookiejar import Cookie
    from http.cookies import CookieError, SimpleCookie

    for header in headers:
        try:
            morsels = SimpleCookie(header).values()
        except CookieError:
            continue
        for morsel in morsels:
            domain = morsel["domain"] or host
            expires = int(time.time()) + int(morsel["max-age"] or 3600)
            session.cookies.jar.set_cookie(Cookie(
                0, morsel.key, morsel.value, None, False, domain, True, domain.startswith("."),
                morsel["path"] or "/", True, bool(morsel["secure"]), expires, False, None, None,
                {}))


def curl_timeout(total: float) -> tuple[float, float]:
    """curl_cffi's (connect, read) pair; curl enforces their sum as the whole request's limit."""
    connect = min(CONNECT_TIMEOUT, total / 2)
    return connect, total - connect


def status_failure(status: int) -> ErrorKind | None:
    if status == 429:
        return "rate_limited"
    return "error" if status >= 500 else None


def failure_kind(exc: Exception) -> ErrorKind:
    from curl_cffi.requests import exceptions as curl

    if isinstance(exc, curl.Timeout):
        return "timeout"
    if isinstance(exc, curl.SSLError):
        return "error"
    if isinstance(exc, curl.ConnectionError | curl.ProxyError):
        return "offline"
    return "error"
