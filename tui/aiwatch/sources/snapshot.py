"""The bundled snapshot: real, sourced, dated figures shipped in aiwatch/data/, plus newer
cloud-share and cloud-segment quarters the user may keep in the config dir.

It is what a first run (or an offline one) paints, and the only source of cloud-segment and
market-share figures, which Yahoo does not carry.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TextIO, TypeVar

import msgspec
from msgspec import Struct
from msgspec.structs import replace

from aiwatch.locations import bundled_data_dir
from aiwatch.model import (
    PROVIDER_ALIASES,
    PROVIDER_LABELS,
    CloudSegment,
    CloudShare,
    Company,
    EarningsQuarter,
    Fundamentals,
    NextEarnings,
    Origin,
    PriceHistory,
    Provenance,
)

T = TypeVar("T")


class Snapshot(Struct, frozen=True):
    """Everything bundled, indexed by ticker."""

    companies: dict[str, Company]
    histories: dict[str, PriceHistory]
    fundamentals: dict[str, Fundamentals]
    cloud: dict[str, tuple[CloudSegment, ...]]  # all segments, newest first
    shares: tuple[CloudShare, ...]
    fundamentals_as_of: date
    problems: tuple[str, ...] = ()  # what was wrong with the user's own files, in short
    rejected: tuple[str, ...] = ()  # every rejected line of the user's files, with its reason
    bundled_cloud: tuple[CloudSegment, ...] = ()  # before the user's rows were added
    bundled_shares: tuple[CloudShare, ...] = ()
    user_dir: Path | None = None  # where the user's own files are read from


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        yield from csv.DictReader(f)


def _num(text: str) -> float | None:
    text = text.strip()
    return float(text) if text else None


def _day(text: str) -> date | None:
    text = text.strip()
    return date.fromisoformat(text) if text else None


def _origin(day: date) -> Origin:
    return Origin(Provenance.SNAPSHOT, datetime(day.year, day.month, day.day, tzinfo=UTC))


def _history(path: Path, note: str) -> PriceHistory:
    with path.open(newline="", encoding="utf-8") as f:  # a year of rows: not one dict a row
        reader = csv.reader(f)
        header = next(reader)
        at_date, at_close = header.index("date"), header.index("close")
        rows = list(reader)
    dates = tuple(date.fromisoformat(row[at_date]) for row in rows)
    closes = tuple(float(row[at_close]) for row in rows)
    # every bundled price is a US listing's (the ADR for Alibaba), in US dollars
    return PriceHistory(path.stem, dates, closes, _origin(dates[-1]), note, "USD")


def eps_currency(basis: str, amounts_currency: str) -> str:
    """The EPS currency a basis names in brackets ("per ADS (USD)"), else the amounts'."""
    found = re.search(r"\(([A-Z]{3})\)", basis)
    return found.group(1) if found else amounts_currency


def _quarter(row: dict[str, str]) -> EarningsQuarter:
    return EarningsQuarter(
        ticker=row["ticker"],
        quarter_end=date.fromisoformat(row["quarter_end"]),
        report_date=_day(row["report_date"]),
        eps_estimate=_num(row["eps_estimate"]),
        eps_reported=_num(row["eps_reported"]),
        eps_basis=row["eps_basis"],
        revenue=_num(row["revenue"]),
        revenue_yoy_pct=_num(row["revenue_yoy_pct"]),
        net_income=_num(row["net_income"]),
        net_income_yoy_pct=_num(row["net_income_yoy_pct"]),
        capex=_num(row["capex"]),
        currency=row["currency"],
        source_url=row["source_url"],
        eps_currency=eps_currency(row["eps_basis"], row["currency"]),
        notes=row.get("notes", ""),
    )


def _segment(row: dict[str, str]) -> CloudSegment:
    return CloudSegment(
        ticker=row["ticker"],
        segment=row["segment"],
        quarter_end=date.fromisoformat(row["quarter_end"]),
        revenue=_num(row["revenue"]),
        currency=row["currency"],
        yoy_pct=_num(row["yoy_pct"]),
        operating_income=_num(row.get("operating_income", "")),
        source_url=row.get("source_url", ""),
    )


def _share(row: dict[str, str]) -> CloudShare:
    return CloudShare(
        provider=row["provider"],
        region=row["region"],
        period=row["period"],
        share_pct=float(row["share_pct"]),
        firm=row["firm"],
        source_url=row.get("source_url", ""),
        published=_day(row.get("published", "")),
        market_definition=row.get("market_definition", ""),
    )


# --- the user's own rows: names as the screen prints them, every rejected line named ---------

SHARE_COLUMNS = ("provider", "region", "period", "share_pct", "firm")
SEGMENT_COLUMNS = ("ticker", "segment", "quarter_end", "currency")
REGIONS = {"global": "global", "worldwide": "global", "world": "global",
           "china": "china", "mainland china": "china"}
SHOWN_PER_FILE = 3  # rejected lines named one by one in the status bar; more are counted
# A user file is a few quarters by hand: these keep a runaway one (an export gone wrong, a
# million lines) from freezing the start and every `r`; what was left is said.
MAX_ROWS = 10_000  # rows read per file; the rest are not
MAX_LINE = 2_000  # characters per line; a longer line is rejected unread
# Patterns only some paths use are strings, compiled on first use (re caches them).
_YEAR_FIRST = r"(?P<year>\d{4})\s*[-_/ ]?\s*(?P<kind>[QH])\s*(?P<n>\d)"
_YEAR_LAST = r"(?P<kind>[QH])\s*(?P<n>\d)\s*[-_/ ]?\s*(?P<year>\d{4})"


class Rejected(ValueError):
    """Why one line of the user's file cannot be used; the message is shown as it is."""


def _fold(name: str) -> str:
    """A name as compared: case and spacing ignored."""
    return " ".join(name.casefold().split())


def _fold_segment(name: str) -> str:
    """Segment names compared without a trailing "group": "Cloud Intelligence" is Alibaba's
    "Cloud Intelligence Group"."""
    return _fold(name).removesuffix(" group")


def normal_period(text: str) -> str:
    """`2026Q2` from `2026-Q2`, `Q2 2026`, `2026 q2`, `2026Q2`; half-years as `2025H1`."""
    text = text.strip()
    match = re.fullmatch(_YEAR_FIRST, text, re.I) or re.fullmatch(_YEAR_LAST, text, re.I)
    kind = match["kind"].upper() if match else ""
    if match is None or not 1 <= int(match["n"]) <= (4 if kind == "Q" else 2):
        raise Rejected(f"period {text!r} is not like 2026Q2 or 2025H1")
    return f"{match['year']}{kind}{match['n']}"


def _value(row: dict[str, str], column: str) -> str:
    value = row.get(column)
    return "" if value is None else value.strip()


def _required(row: dict[str, str], column: str) -> str:
    value = _value(row, column)
    if not value:
        raise Rejected(f"no {column}")
    return value


def _finite(row: dict[str, str], column: str) -> float | None:
    """A finite number or none; `41%` reads as 41."""
    text = _value(row, column)
    if not text:
        return None
    try:
        value = float(text.removesuffix("%"))
    except ValueError:
        raise Rejected(f"{column} {text!r} is not a number") from None
    if not math.isfinite(value):
        raise Rejected(f"{column} {text!r} is not a finite number")
    return value


def _user_day(row: dict[str, str], column: str) -> date | None:
    text = _value(row, column)
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise Rejected(f"{column} {text!r} is not a date like 2026-05-13") from None


def _quarter_end(text: str) -> date:
    """The last day of a calendar quarter, from that date or from a period like 2026Q2: the
    earnings table finds a segment by its exact quarter end."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        try:
            period = normal_period(text)
        except Rejected:
            raise Rejected(f"quarter_end {text!r} is not a date like 2026-06-30 "
                           "or a quarter like 2026Q2") from None
        if period[4] != "Q":
            raise Rejected(f"quarter_end {text!r} is a half-year, not a quarter") from None
        year, quarter = int(period[:4]), int(period[5])
        return date(year + (quarter == 4), quarter * 3 % 12 + 1, 1) - timedelta(days=1)
    if day.month % 3 or (day + timedelta(days=1)).day != 1:
        raise Rejected(f"quarter_end {text} is not the last day of a calendar quarter")
    return day


def _share_parser(bundled: Iterable[CloudShare]) -> Callable[[dict[str, str]], CloudShare]:
    """Reads a user's share row: providers by the bundled name, the name the screen prints
    (PROVIDER_LABELS) or a common alias; firms by their bundled spelling or its first word."""
    bundled = list(bundled)
    providers = {_fold(s.provider): s.provider for s in bundled}
    providers.update({_fold(p): p for p in PROVIDER_LABELS})
    providers.update({_fold(label): p for p, label in PROVIDER_LABELS.items()})
    providers.update({_fold(alias): p for alias, p in PROVIDER_ALIASES.items()})
    firms = {_fold(s.firm): s.firm for s in bundled}

    def firm_named(text: str) -> str:
        folded = _fold(text)
        short = [f for key, f in firms.items() if key.startswith(folded + " ")]
        return firms.get(folded) or (short[0] if len(short) == 1 else text)

    def parse(row: dict[str, str]) -> CloudShare:
        name = _required(row, "provider")
        provider = providers.get(_fold(name))
        if provider is None:
            raise Rejected(f"unknown provider {name!r}")
        region_name = _required(row, "region")
        region = REGIONS.get(_fold(region_name))
        if region is None:
            raise Rejected(f"unknown region {region_name!r} (global or china)")
        period = normal_period(_required(row, "period"))
        share = _finite(row, "share_pct")
        if share is None:
            raise Rejected("no share_pct")
        if not 0 <= share <= 100:
            raise Rejected(f"share {share:g} is outside 0–100")
        return CloudShare(
            provider, region, period, share, firm_named(_required(row, "firm")),
            source_url=_value(row, "source_url"), published=_user_day(row, "published"),
            market_definition=_value(row, "market_definition"),
        )

    return parse


def _segment_parser(
    companies: dict[str, Company], bundled: Iterable[CloudSegment]
) -> Callable[[dict[str, str]], CloudSegment]:
    """Reads a user's segment row: a ticker from companies.csv, its segment by the company's
    name for it, the card's label or another bundled segment, in that segment's currency."""
    names: dict[str, dict[str, str]] = {ticker: {} for ticker in companies}
    currencies: dict[tuple[str, str], str] = {}
    for s in bundled:
        names.setdefault(s.ticker, {})[_fold_segment(s.segment)] = s.segment
        currencies[(s.ticker, s.segment)] = s.currency
    for c in companies.values():
        for name in (c.cloud_segment, c.cloud_label):
            if name and c.cloud_segment:
                names[c.ticker][_fold_segment(name)] = c.cloud_segment

    def parse(row: dict[str, str]) -> CloudSegment:
        ticker_name = _required(row, "ticker")
        ticker = ticker_name.upper()
        if not names.get(ticker):
            raise Rejected(f"unknown ticker {ticker_name!r}")
        segment_name = _required(row, "segment")
        segment = names[ticker].get(_fold_segment(segment_name))
        if segment is None:
            known = ", ".join(sorted(set(names[ticker].values())))
            raise Rejected(f"segment {segment_name!r} is not one of {ticker}'s ({known})")
        quarter_end = _quarter_end(_required(row, "quarter_end"))
        currency = _required(row, "currency").upper()
        if not re.fullmatch("[A-Z]{3}", currency):
            raise Rejected(f"currency {currency!r} is not a 3-letter code like USD")
        expected = currencies.get((ticker, segment), currency)
        if currency != expected:
            raise Rejected(f"currency {currency}, but {ticker}'s {segment} is in {expected}")
        revenue, yoy = _finite(row, "revenue"), _finite(row, "yoy_pct")
        if revenue is None and yoy is None:
            raise Rejected("neither revenue nor yoy_pct")
        if revenue is not None and revenue < 0:
            raise Rejected(f"revenue {_value(row, 'revenue')} is negative")
        return CloudSegment(ticker, segment, quarter_end, revenue, currency, yoy,
                            _finite(row, "operating_income"), _value(row, "source_url"))

    return parse


def _capped_lines(f: TextIO, too_long: list[int]) -> Iterator[str]:
    """The file's lines, each longer than MAX_LINE read no further and replaced by a blank
    line (which the reader skips) and its number noted in `too_long`."""
    number = 0
    while line := f.readline(MAX_LINE + 1):
        number += 1
        if len(line) <= MAX_LINE or line.endswith(("\n", "\r")):
            yield line
            continue
        while (rest := f.readline(MAX_LINE + 1)) and not rest.endswith(("\n", "\r")):
            pass
        too_long.append(number)
        yield "\n"


def _read_user_file(
    path: Path, columns: tuple[str, ...], parse: Callable[[dict[str, str]], T]
) -> tuple[list[T], list[str], list[str]]:
    """The rows of the user's CSV that parse, each rejected line named with its reason, and
    what was not read (past MAX_ROWS); a missing or empty file is simply none."""
    accepted: list[T] = []
    rejected: list[str] = []
    too_long: list[int] = []
    unread: list[str] = []
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(_capped_lines(f, too_long))
            if reader.fieldnames is None:
                return [], [], []
            header = [_fold(name) for name in reader.fieldnames]
            missing = [column for column in columns if column not in header]
            if missing:
                plural = "s" if len(missing) > 1 else ""
                return [], [f"{path.name} ignored: no {', '.join(missing)} column{plural}"], []
            reader.fieldnames = header
            rows = 0
            for row in reader:
                if not any(v and v.strip() for v in row.values() if isinstance(v, str)):
                    continue  # a blank spreadsheet line
                rows += 1
                if rows > MAX_ROWS:
                    unread.append(f"{path.name}: only the first {MAX_ROWS:,} rows were read")
                    break
                try:
                    if None in row:
                        raise Rejected("more values than columns (a comma not in quotes?)")
                    accepted.append(parse(row))
                except Rejected as exc:
                    rejected.append(f"{path.name} line {reader.line_num}: {exc}")
    except FileNotFoundError:
        return [], [], []
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        return [], [f"{path.name} ignored: {exc}"], []
    rejected.extend(f"{path.name} line {n}: longer than {MAX_LINE:,} characters, not read"
                    for n in too_long)
    return accepted, rejected, unread


def _in_short(rejected: list[str], name: str) -> list[str]:
    """The status bar names a few rejected lines; the rest are counted (all are listed on
    the sources screen)."""
    if len(rejected) <= SHOWN_PER_FILE:
        return rejected
    rest = len(rejected) - SHOWN_PER_FILE + 1
    return [*rejected[:SHOWN_PER_FILE - 1],
            f"{name}: {rest} more lines rejected (m lists them all)"]


def _crowded(shares: Iterable[CloudShare], user: Iterable[CloudShare]) -> list[str]:
    """Periods where one firm's shares for a region add up to more than the whole market."""
    touched = {(s.firm, s.region, s.period) for s in user}
    totals: dict[tuple[str, str, str], float] = {}
    for s in shares:
        key = (s.firm, s.region, s.period)
        if key in touched:
            totals[key] = totals.get(key, 0.0) + s.share_pct
    return [f"market_share.csv: {firm} {region} {period} shares add up to {total:g}%"
            for (firm, region, period), total in sorted(totals.items()) if total > 100]


def _merged(bundled: Iterable[T], user: list[T], key: Callable[[T], tuple[object, ...]]
            ) -> list[T]:
    """The bundled rows plus the user's; a user row replaces a bundled one with its key."""
    merged = {key(row): row for row in bundled}
    merged.update((key(row), row) for row in user)
    return list(merged.values())


def with_user_rows(snapshot: Snapshot) -> Snapshot:
    """The snapshot with the user's market_share.csv and cloud_segments.csv read afresh
    (`r` calls this, so an edited file shows, and a fixed line stops being reported)."""
    segments: list[CloudSegment] = []
    shares: list[CloudShare] = []
    rejected_segments: list[str] = []
    rejected_shares: list[str] = []
    unread: list[str] = []
    if snapshot.user_dir is not None:
        segments, rejected_segments, unread_segments = _read_user_file(
            snapshot.user_dir / "cloud_segments.csv", SEGMENT_COLUMNS,
            _segment_parser(snapshot.companies, snapshot.bundled_cloud))
        shares, rejected_shares, unread_shares = _read_user_file(
            snapshot.user_dir / "market_share.csv", SHARE_COLUMNS,
            _share_parser(snapshot.bundled_shares))
        unread = [*unread_segments, *unread_shares]
    by_ticker: dict[str, list[CloudSegment]] = {}
    for segment in _merged(snapshot.bundled_cloud, segments,
                           lambda s: (s.ticker, s.segment, s.quarter_end)):
        by_ticker.setdefault(segment.ticker, []).append(segment)
    all_shares = tuple(_merged(snapshot.bundled_shares, shares,
                               lambda s: (s.provider, s.region, s.period, s.firm)))
    return replace(
        snapshot,
        cloud={ticker: tuple(sorted(segs, key=lambda s: s.quarter_end, reverse=True))
               for ticker, segs in by_ticker.items()},
        shares=all_shares,
        problems=(*unread, *_in_short(rejected_segments, "cloud_segments.csv"),
                  *_in_short(rejected_shares, "market_share.csv"),
                  *_crowded(all_shares, shares)),
        rejected=(*rejected_segments, *rejected_shares),
    )


def load_snapshot(root: Path | None = None, user_dir: Path | None = None) -> Snapshot:
    """Read the bundled files, plus newer quarters the user keeps in `user_dir`
    (market_share.csv, cloud_segments.csv); `root` lets tests point at a copy."""
    root = root or bundled_data_dir()
    meta = msgspec.json.decode((root / "snapshot.json").read_bytes())
    companies = {
        row["ticker"]: Company(
            ticker=row["ticker"],
            name=row["name"],
            cloud_segment=row["cloud_segment"],
            cloud_label=row["cloud_label"],
            share_provider=row["share_provider"],
            fiscal_year_end_month=int(row["fiscal_year_end_month"]),
        )
        for row in _rows(root / "companies.csv")
    }
    notes = meta.get("price_notes", {})
    histories = {
        path.stem: _history(path, notes.get(path.stem, ""))
        for path in sorted((root / "prices").glob("*.csv"))
    }
    fundamentals_as_of = date.fromisoformat(meta["fundamentals_as_of"])
    quarters: dict[str, list[EarningsQuarter]] = {}
    for row in _rows(root / "earnings.csv"):
        quarters.setdefault(row["ticker"], []).append(_quarter(row))
    next_dates = {
        row["ticker"]: NextEarnings(
            row["ticker"],
            date.fromisoformat(row["next_report_date"]),
            row["confirmed"] == "yes",
            row["source_url"],
        )
        for row in _rows(root / "next_earnings.csv")
    }
    fundamentals = {
        ticker: Fundamentals(
            ticker,
            tuple(sorted(qs, key=lambda q: q.quarter_end, reverse=True)),
            _origin(fundamentals_as_of),
            next_dates.get(ticker),
        )
        for ticker, qs in quarters.items()
    }
    bundled = Snapshot(
        companies, histories, fundamentals, {}, (), fundamentals_as_of,
        bundled_cloud=tuple(_segment(row) for row in _rows(root / "cloud_segments.csv")),
        bundled_shares=tuple(_share(row) for row in _rows(root / "market_share.csv")),
        user_dir=user_dir,
    )
    return with_user_rows(bundled)
