"""CaptureYahoo: FakeYahoo answering from the real Yahoo captures in tests/fixtures/captures.

A request for a symbol and endpoint without a capture gets Yahoo's "not found": a capture is
never mixed with the fixtures generated from data/.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import NOT_FOUND_PAGE, FakeYahoo, _not_found, summary_answer
from curl_cffi.requests import Response

CAPTURES = Path(__file__).parent / "fixtures" / "captures"
CHARTS = {"AAPL": "chart_AAPL_1y.json", "MSFT": "chart_MSFT_2021-02_to_2022-01_dividends.json"}
# What the earnings-calendar page holds for a symbol without rows: no <table> (none captured).
NO_TABLE_PAGE = b"<html><body><p>No results for this symbol.</p></body></html>"
HTML = "text/html; charset=utf-8"


class CaptureYahoo(FakeYahoo):
    """Answers each chart, quoteSummary and timeseries request with the capture for its symbol.

    `bodies` adds answers by capture name for what no capture holds (say so where used).
    """

    def __init__(self) -> None:
        super().__init__()
        self.bodies: dict[str, bytes] = {}

    def _answer(self, url: str, host: str, path: str, query: dict[str, str]) -> Response:
        symbol = path.rsplit("/", 1)[-1]
        if host == "fc.yahoo.com" or path.endswith("/v1/test/getcrumb"):
            return super()._answer(url, host, path, query)
        if path.startswith("/v8/finance/chart/"):
            return self._capture(url, CHARTS.get(symbol, ""), "chart_not_found.json", symbol)
        if path.startswith("/v10/finance/quoteSummary/"):
            return self._summary(url, query.get("modules", "").split(","), symbol)
        if "/finance/timeseries/" in path:
            return self._capture(url, f"timeseries_quarterly_{symbol}.json")
        if path == "/calendar/earnings":
            return self._respond(url, 200, NO_TABLE_PAGE, HTML)
        if path == "/v7/finance/quote":
            return self._quotes(url, query.get("symbols", "").split(","))
        return self._respond(url, 404, NOT_FOUND_PAGE, "text/html")

    def _quotes(self, url: str, symbols: list[str]) -> Response:
        """The v7 captures of the symbols asked for, in one answer as Yahoo sends several
        (each capture is a real answer for one symbol); the others are left out, as Yahoo
        leaves out a symbol it has no quote for."""
        result = []
        for symbol in symbols:
            path = CAPTURES / f"quote_{symbol}.json"
            if path.is_file():
                result += json.loads(path.read_text())["quoteResponse"]["result"]
        return self._respond(url, 200, json.dumps(
            {"quoteResponse": {"result": result, "error": None}}).encode())

    def _summary(self, url: str, modules: list[str], symbol: str) -> Response:
        """The captures of each module asked for, as Yahoo answers for several: one result
        holding each (each capture is a real answer for one module)."""
        names = [f"quoteSummary_{module}_{symbol}.json" for module in modules]
        bodies = [self.bodies[n] if n in self.bodies else (CAPTURES / n).read_bytes()
                  for n in names if n in self.bodies or (CAPTURES / n).is_file()]
        if not bodies:
            return self._respond(url, *_not_found("quote_summary_not_found.json", symbol))
        return self._respond(url, 200, summary_answer(bodies))

    def _capture(self, url: str, name: str, not_found: str = "", symbol: str = "") -> Response:
        if name in self.bodies:
            return self._respond(url, 200, self.bodies[name])
        path = CAPTURES / name
        if name and path.is_file():
            return self._respond(url, 200, path.read_bytes())
        if not_found:
            return self._respond(url, *_not_found(not_found, symbol))
        return self._respond(url, 404, NOT_FOUND_PAGE, "text/html")
