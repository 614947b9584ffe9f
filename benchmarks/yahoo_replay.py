"""A local replay of Yahoo for the refresh benchmarks: answers from tests/fixtures/yahoo.

Run:  python benchmarks/yahoo_replay.py [--port N] [--latency-ms MS]
Point the app at it with AIWATCH_YAHOO_REPLAY=http://127.0.0.1:N (read in sources/yahoo.py:
every request goes to http://127.0.0.1:N/<yahoo host>/<path>). Any symbol is answered with one
of the four fixture tickers' files, so a list of 100 tickers refreshes like four do. Each
request waits `latency` first, as a round trip to Yahoo would. Counts requests per path kind.
fc.yahoo.com sets Yahoo's cookie, as Yahoo does, so yfinance asks for it once, not before every
call (sources/yahoo_wire.py `keep_cookies` files it under .yahoo.com, as curl would have).
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "yahoo"
KNOWN = ("AMZN", "BABA", "GOOGL", "MSFT")
JSON = "application/json"
NOT_FOUND = b"<html><body>Not Found</body></html>"
SUMMARY_FILES = {"earningsHistory": "earnings_history", "calendarEvents": "calendar_events"}
# What fc.yahoo.com sets (and yfinance keeps on disk): with it, yfinance asks for no cookie again
COOKIE = ("A3=d=AQABBLt5replay&S=AQAAAreplay; Max-Age=31557600; Domain=.yahoo.com; Path=/; "
          "SameSite=None; Secure; HttpOnly")


def fixture_symbol(symbol: str) -> str:
    """The fixture ticker that answers for `symbol` (itself if it is one of the four)."""
    return symbol if symbol in KNOWN else KNOWN[sum(map(ord, symbol)) % len(KNOWN)]


def answer(path: str, query: dict[str, str]) -> tuple[int, bytes, str]:
    """Status, body and content type for a request `/<host>/<path>`."""
    host, _, rest = path.lstrip("/").partition("/")
    rest = "/" + rest
    symbol = fixture_symbol(rest.rsplit("/", 1)[-1])
    if host == "fc.yahoo.com":
        return 404, NOT_FOUND, "text/html"
    if rest.endswith("/v1/test/getcrumb"):
        return 200, b"jd0Kq8bGx.p", "text/plain"
    if rest.startswith("/v8/finance/chart/"):
        return read(f"chart_{symbol}_{query.get('range', '1y')}.json")
    if rest.startswith("/v10/finance/quoteSummary/"):
        return summary(query.get("modules", "").split(","), symbol)
    if "/finance/timeseries/" in rest:
        return read(f"income_{symbol}.json")
    if rest == "/calendar/earnings":
        name = f"earnings_dates_{fixture_symbol(query.get('symbol', ''))}.html"
        return read(name, "text/html; charset=utf-8")
    if rest == "/v7/finance/quote":
        return 200, b'{"quoteResponse":{"result":[],"error":null}}', JSON
    return 404, NOT_FOUND, "text/html"


def summary(modules: list[str], symbol: str) -> tuple[int, bytes, str]:
    """A quoteSummary answer for several modules: one result holding each, as Yahoo sends."""
    files = [FIXTURES / f"{SUMMARY_FILES.get(m)}_{symbol}.json" for m in modules]
    merged: dict[str, object] = {}
    for path in files:
        if path.is_file():
            merged.update(json.loads(path.read_bytes())["quoteSummary"]["result"][0])
    if not merged:
        return 404, NOT_FOUND, "text/html"
    return 200, json.dumps({"quoteSummary": {"result": [merged], "error": None}}).encode(), JSON


def kind(path: str) -> str:
    """What a request is counted as: "fc.yahoo.com", "v8/finance/chart", "calendar/earnings"…"""
    host, _, rest = path.lstrip("/").partition("/")
    return host if host == "fc.yahoo.com" else "/".join(rest.split("/")[:3])


def read(name: str, content_type: str = JSON) -> tuple[int, bytes, str]:
    path = FIXTURES / name
    if path.is_file():
        return 200, path.read_bytes(), content_type
    return 404, NOT_FOUND, "text/html"


class Replay(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int = 0, latency: float = 0.0) -> None:
        super().__init__(("127.0.0.1", port), Handler)
        self.latency = latency
        self.counts: Counter[str] = Counter()
        self.lock = threading.Lock()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def start(self) -> Replay:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self


class Handler(BaseHTTPRequestHandler):
    server: Replay
    protocol_version = "HTTP/1.1"
    # The headers and the body go out as two writes: with Nagle's algorithm on, the body
    # waits for the client's delayed ACK of the headers (~40 ms on Linux), a latency of the
    # replay's own that Yahoo's servers do not add. Off, as real servers have it.
    disable_nagle_algorithm = True

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.rfile.read(int(self.headers.get("Content-Length") or 0))  # a POST's body
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        path = unquote(parts.path)
        with self.server.lock:
            self.server.counts[kind(path)] += 1
        if self.server.latency:
            time.sleep(self.server.latency)
        status, body, content_type = answer(path, query)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if path.lstrip("/").startswith("fc.yahoo.com"):  # as Yahoo does: a cookie for a year
            self.send_header("Set-Cookie", COOKIE)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET  # noqa: N815

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Quiet: the benchmark's output is its table."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    args = parser.parse_args()
    server = Replay(args.port, args.latency_ms / 1000)
    print(f"AIWATCH_YAHOO_REPLAY={server.base}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
