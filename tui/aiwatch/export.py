"""What the watchlist knows, as rows a script or a note can take: `aiwatch export` and
`aiwatch check`.

Each figure travels with its currency, its basis, where it came from (live, cached,
snapshot), the moment it was true and its source URL, so nothing is stripped of the context
the cards show beside it. Formats: CSV and JSON (round-trip to the same values) and a readable
Markdown page per symbol.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence

from msgspec import Struct
from msgspec.structs import asdict, fields

from aiwatch.checks import shown_value
from aiwatch.metrics import calendar_label
from aiwatch.model import Origin
from aiwatch.summary import TickerSummary

FORMATS = ("csv", "json", "md")
PERCENT = {"change_pct", "range_pos", "eps_surprise", "revenue_yoy", "net_income_yoy",
           "cloud_yoy", "cloud_share", "china_share"}  # rates in %; cloud_share_change in pp


class FigureRow(Struct, frozen=True):
    ticker: str
    figure: str  # "price", "revenue_yoy", "check: cloud_yoy >= 20"
    value: float | str | None
    currency: str = ""  # "" for rates and ratios
    basis: str = ""  # e.g. "2026Q1", "adjusted diluted per ADS", "Synergy global 2026Q1"
    provenance: str = ""  # live | cached | snapshot | computed
    as_of: str = ""  # ISO date or time the figure was true
    source: str = ""  # URL


COLUMNS = tuple(f.name for f in fields(FigureRow))


def _origin(origin: Origin | None) -> tuple[str, str]:
    if origin is None:
        return "", ""
    return origin.kind.value, origin.as_of.isoformat()


def figure_rows(summary: TickerSummary) -> list[FigureRow]:
    """Every figure a card shows for one symbol, missing ones as None (never dropped)."""
    t = summary.ticker
    f = summary.figures
    rows: list[FigureRow] = []
    if f.quote:
        kind, _ = _origin(f.quote.origin)
        when = f.quote.as_of.isoformat()
        rows += [FigureRow(t, "price", f.quote.price, f.quote.currency, "last price", kind, when),
                 FigureRow(t, "previous_close", f.quote.previous_close, f.quote.currency,
                           "previous close", kind, when),
                 FigureRow(t, "change_pct", f.change[1] if f.change else None, "",
                           "vs previous close", "computed", when)]
    if f.range52:
        day = summary.view.history.last_date if summary.view.history else None
        basis = "52 weeks of daily closes"
        as_of = day.isoformat() if day else ""
        rows += [FigureRow(t, "low_52w", f.range52.low, f.quote.currency if f.quote else "",
                           basis, "computed", as_of),
                 FigureRow(t, "high_52w", f.range52.high, f.quote.currency if f.quote else "",
                           basis, "computed", as_of),
                 FigureRow(t, "range_pos", round(f.range52.position * 100, 4), "", basis,
                           "computed", as_of)]
    quarter = f.quarter
    if quarter:
        origin = summary.view.fundamentals.origin if summary.view.fundamentals else None
        kind, _ = _origin(origin)
        label = calendar_label(quarter.quarter_end)
        when = quarter.report_date.isoformat() if quarter.report_date else ""
        url = quarter.source_url
        eps_basis = f"{label} · {quarter.eps_basis}" if quarter.eps_basis else label
        rows += [
            FigureRow(t, "eps", quarter.eps_reported, quarter.eps_currency, eps_basis, kind,
                      when, url),
            FigureRow(t, "eps_estimate", quarter.eps_estimate, quarter.eps_currency, eps_basis,
                      kind, when, url),
            FigureRow(t, "eps_surprise", f.surprise, "", eps_basis, "computed", when, url),
            FigureRow(t, "revenue", quarter.revenue, quarter.currency, label, kind, when, url),
            FigureRow(t, "revenue_yoy", f.revenue_yoy.pct, "", label,
                      "computed" if f.revenue_yoy.computed else kind, when, url),
            FigureRow(t, "net_income", quarter.net_income, quarter.currency, label, kind, when,
                      url),
            FigureRow(t, "net_income_yoy", f.net_income_yoy.pct, "", label,
                      "computed" if f.net_income_yoy.computed else kind, when, url),
            FigureRow(t, "capex", quarter.capex, quarter.currency, label, kind, when, url),
        ]
    if f.cloud:
        label = f"{f.cloud.segment} {calendar_label(f.cloud.quarter_end)}"
        when = f.cloud.quarter_end.isoformat()
        rows += [FigureRow(t, "cloud_revenue", f.cloud.revenue, f.cloud.currency, label,
                           "snapshot", when, f.cloud.source_url),
                 FigureRow(t, "cloud_yoy", f.cloud_yoy.pct, "", label,
                           "computed" if f.cloud_yoy.computed else "snapshot", when,
                           f.cloud.source_url)]
    for name, share in (("cloud_share", f.share), ("china_share", f.china)):
        if share:
            basis = f"{share.firm} {share.region} {share.period}"
            published = share.published.isoformat() if share.published else ""
            rows.append(FigureRow(t, name, share.share_pct, "", basis, "snapshot", published,
                                  share.source_url))
            if name == "cloud_share":
                rows.append(FigureRow(t, "cloud_share_change", f.share_change, "",
                                      f"{basis} vs a year earlier, pp", "computed", published,
                                      share.source_url))
    if summary.next_report:
        upcoming = summary.next_report
        rows.append(FigureRow(t, "next_report", upcoming.report_date.isoformat(), "",
                              "confirmed" if upcoming.confirmed else "estimated", "", "",
                              ""))
    for result in summary.checks:
        check = result.check
        verdict = "malformed" if check.error else {True: "pass", False: "fail",
                                                  None: "no data"}[result.passed]
        shown = (shown_value(check, result.actual)
                 if result.actual is not None and not check.error else None)
        rows.append(FigureRow(t, f"check: {check.text}", verdict, "",
                              check.error or (f"actual {shown}" if shown else ""), "note"))
    return rows


def to_csv(rows: Iterable[FigureRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(["" if v is None else v for v in asdict(row).values()])
    return out.getvalue()


def from_csv(text: str) -> list[FigureRow]:
    """The rows back from `to_csv`: numbers as floats, empty values as None."""
    rows = []
    for record in csv.DictReader(io.StringIO(text)):
        raw = record["value"]
        value: float | str | None
        try:
            value = float(raw) if raw else None
        except ValueError:
            value = raw
        rows.append(FigureRow(**{**record, "value": value}))
    return rows


def to_json(rows: Iterable[FigureRow]) -> str:
    return json.dumps([asdict(r) for r in rows], indent=2, ensure_ascii=False) + "\n"


def _md_cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _md_value(row: FigureRow) -> str:
    if row.value is None:
        return "n/a"
    if isinstance(row.value, float):
        digits = 2 if row.currency or abs(row.value) < 100 else 0
        text = f"{row.value:,.{digits}f}"
        if abs(row.value) >= 1e9:
            text = f"{row.value / 1e9:,.2f}bn"
        unit = "%" if row.figure in PERCENT else " pp" if row.figure.endswith("_change") else ""
        return f"{text}{unit} {row.currency}".strip()
    return str(row.value)


def to_markdown(summaries: Sequence[TickerSummary], generated: str) -> str:
    """One section per symbol: a figure table, then the checks; sources as a list."""
    lines = [f"# aiwatch report · {generated}", ""]
    for summary in summaries:
        rows = figure_rows(summary)
        lines += [f"## {summary.ticker} · {summary.view.company.name}", "",
                  "| figure | value | basis | from | as of |", "|---|---|---|---|---|"]
        for row in rows:
            if row.figure.startswith("check: "):
                continue
            lines.append(f"| {_md_cell(row.figure)} | {_md_cell(_md_value(row))} | "
                         f"{_md_cell(row.basis)} | {row.provenance} | {row.as_of[:10]} |")
        checks = [r for r in rows if r.figure.startswith("check: ")]
        if checks:
            lines += ["", "Checks:", ""]
            mark = {"pass": "✔", "fail": "✘", "no data": "?", "malformed": "!"}
            lines += [f"- {mark.get(str(r.value), '?')} `{r.figure[7:]}` {r.basis}".rstrip()
                      for r in checks]
        sources = list(dict.fromkeys(r.source for r in rows if r.source))
        if sources:
            lines += ["", "Sources:", ""] + [f"- <{url}>" for url in sources]
        lines.append("")
    return "\n".join(lines)


def check_report(summaries: Sequence[TickerSummary]) -> tuple[list[str], bool]:
    """One line per check of every symbol, and whether any failed (or could not be read)."""
    lines: list[str] = []
    failed = False
    for summary in summaries:
        for row in figure_rows(summary):
            if not row.figure.startswith("check: "):
                continue
            mark = {"pass": "✔", "fail": "✘", "no data": "?", "malformed": "!"}[str(row.value)]
            failed = failed or row.value in ("fail", "malformed")
            lines.append(f"{mark} {summary.ticker:<8} {row.figure[7:]:<32} {row.basis}".rstrip())
    return lines, failed
