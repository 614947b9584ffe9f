"""The bundled snapshot: real, sourced, dated figures shipped in aiwatch/data/, plus newer
cloud-share and cloud-segment quarters the user may keep in the config dir.

It is what a first run (or an offline one) paints, and the only source of cloud-segment and
market-share figures, which Yahoo does not carry.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TypeVar

from aiwatch.locations import bundled_data_dir
from aiwatch.model import (
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


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Everything bundled, indexed by ticker."""

    companies: dict[str, Company]
    histories: dict[str, PriceHistory]
    fundamentals: dict[str, Fundamentals]
    cloud: dict[str, tuple[CloudSegment, ...]]  # all segments, newest first
    shares: tuple[CloudShare, ...]
    fundamentals_as_of: date
    problems: tuple[str, ...] = ()  # what was wrong with the user's own data files


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
    dates: list[date] = []
    closes: list[float] = []
    for row in _rows(path):
        dates.append(date.fromisoformat(row["date"]))
        closes.append(float(row["close"]))
    # every bundled price is a US listing's (the ADR for Alibaba), in US dollars
    return PriceHistory(path.stem, tuple(dates), tuple(closes), _origin(dates[-1]), note, "USD")


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
    )


def _user_rows(
    path: Path | None, parse: Callable[[dict[str, str]], T]
) -> tuple[list[T], list[str]]:
    """Rows of the user's own CSV (same columns as the bundled one); a bad row is skipped
    and named, a missing file is simply none."""
    if path is None or not path.exists():
        return [], []
    parsed: list[T] = []
    bad: list[str] = []
    try:
        for line, row in enumerate(_rows(path), start=2):
            try:
                parsed.append(parse(row))
            except (KeyError, TypeError, ValueError):
                bad.append(str(line))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        return [], [f"{path.name} ignored: {exc}"]
    problems = [f"{path.name}: skipped unreadable lines {', '.join(bad)}"] if bad else []
    return parsed, problems


def _with_user_rows(
    bundled: list[T], user: list[T], key: Callable[[T], tuple[object, ...]]
) -> list[T]:
    """The bundled rows plus the user's; a user row replaces a bundled one with its key."""
    merged = {key(row): row for row in bundled}
    merged.update((key(row), row) for row in user)
    return list(merged.values())


def load_snapshot(root: Path | None = None, user_dir: Path | None = None) -> Snapshot:
    """Read the bundled files, plus newer quarters the user keeps in `user_dir`
    (market_share.csv, cloud_segments.csv); `root` lets tests point at a copy."""
    root = root or bundled_data_dir()
    meta = json.loads((root / "snapshot.json").read_text(encoding="utf-8"))
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
    user_segments, segment_problems = _user_rows(
        user_dir / "cloud_segments.csv" if user_dir else None, _segment)
    user_shares, share_problems = _user_rows(
        user_dir / "market_share.csv" if user_dir else None, _share)
    segments: dict[str, list[CloudSegment]] = {}
    all_segments = _with_user_rows(
        [_segment(row) for row in _rows(root / "cloud_segments.csv")], user_segments,
        lambda s: (s.ticker, s.segment, s.quarter_end))
    for segment in all_segments:
        segments.setdefault(segment.ticker, []).append(segment)
    cloud = {
        ticker: tuple(sorted(segs, key=lambda s: s.quarter_end, reverse=True))
        for ticker, segs in segments.items()
    }
    shares = tuple(_with_user_rows(
        [_share(row) for row in _rows(root / "market_share.csv")], user_shares,
        lambda s: (s.provider, s.region, s.period, s.firm)))
    return Snapshot(companies, histories, fundamentals, cloud, shares, fundamentals_as_of,
                    (*segment_problems, *share_problems))
