"""Text for numbers: signed and coloured deltas, money, n/a, provenance. Plain text only:
nothing from outside is ever parsed as markup."""

from __future__ import annotations

import math
import re
from datetime import datetime

from msgspec import Struct
from rich.text import Text

from aiwatch.metrics import Growth
from aiwatch.model import NextEarnings, Origin, Provenance, Quote
from aiwatch.text import visible


class Palette(Struct):
    """The four meanings colour carries on every screen, read when drawn (`C.up`), so they
    follow the kind of theme: `use_palette` swaps them when the theme changes."""

    up: str
    down: str
    muted: str
    warn: str  # a refresh problem: the figures shown are the last good ones
    version: int = 0  # bumped on every swap: what caches rows from these colours keys on


DARK = Palette("#4EBF71", "#E5534B", "#8A8F98", "#D29922")
LIGHT = Palette("#1A7F37", "#CF222E", "#5F6670", "#9A6700")
C = Palette(DARK.up, DARK.down, DARK.muted, DARK.warn)


def use_palette(dark: bool) -> None:
    """The colours for a dark or a light theme, from now on."""
    chosen = DARK if dark else LIGHT
    if (C.up, C.down, C.muted, C.warn) != (chosen.up, chosen.down, chosen.muted, chosen.warn):
        C.up, C.down, C.muted, C.warn = chosen.up, chosen.down, chosen.muted, chosen.warn
        C.version += 1
NA = "n/a"
COMPUTED_MARK = "*"  # beside a rate we computed from two amounts: the source stated none
SPARK_BLOCKS = "▁▂▃▄▅▆▇█"


def tone(value: float | None) -> str:
    if value is None or value == 0:
        return C.muted
    return C.up if value > 0 else C.down


def signed(value: float | None, suffix: str = "", digits: int = 1) -> Text:
    """+3.0% / −1.2% coloured by sign; n/a when missing."""
    if value is None:
        return Text(NA, style=C.muted)
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    return Text(f"{sign}{abs(value):,.{digits}f}{suffix}", style=tone(value))


def growth(value: Growth, digits: int = 1) -> Text:
    """A YoY rate; a computed one (the source stated none) carries COMPUTED_MARK."""
    text = signed(value.pct, "%", digits)
    if value.computed:
        text.append(COMPUTED_MARK, style=C.muted)
    return text


def eps_pair(reported: float | None, estimate: float | None, currency: str,
             joint: str = " vs ") -> Text:
    """2.78 vs 1.65 USD (or 2.78/1.65 USD where room is short): the result, the estimate
    and their one currency."""
    if reported is None and estimate is None:
        return Text(NA, style=C.muted)
    return Text.assemble(number(reported), (joint, C.muted), number(estimate),
                         (f" {visible(currency)}" if currency else "", C.muted))


def report_date(upcoming: NextEarnings | None) -> Text:
    """2026-12-03, 2026-12-03 est., a window 2026-12-03–08 est., or 'not announced'."""
    if upcoming is None:
        return Text("not announced", style=C.muted)
    day = f"{upcoming.report_date:%Y-%m-%d}"
    if upcoming.latest:
        last = upcoming.latest
        same_month = (last.year, last.month) == (upcoming.report_date.year,
                                                 upcoming.report_date.month)
        day += f"–{last:%d}" if same_month else f"–{last:%m-%d}"
    return Text.assemble(day, ("" if upcoming.confirmed else " est.", C.muted))


def day_change_texts(change: tuple[float, float] | None) -> tuple[Text, Text]:
    """The day's change as (−2.19, −1.32%), both n/a without a previous close."""
    delta, delta_pct = change if change else (None, None)
    return signed(delta, digits=2), signed(delta_pct, "%", digits=2)


def number(value: float | None, digits: int = 2) -> str:
    return NA if value is None else f"{value:,.{digits}f}"


def money(value: float | None, currency: str) -> str:
    """Large amounts as 37.6bn USD; n/a when missing."""
    if value is None:
        return NA
    symbol = {"USD": "$", "CNY": "RMB ", "": ""}.get(currency, f"{visible(currency)} ")
    if abs(value) >= 1e9:
        return f"{symbol}{value / 1e9:,.1f}bn"
    if abs(value) >= 1e6:
        return f"{symbol}{value / 1e6:,.1f}m"
    return f"{symbol}{value:,.2f}"


def age(seconds: float) -> str:
    """How long ago, in the largest unit that fits: 40 s, 12 min, 3 h, 2 d."""
    seconds = max(0, seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{int(seconds // size)} {unit}"
    return f"{int(seconds)} s"


def provenance(origin: Origin | None, now: datetime, short: bool = False) -> str:
    """'live', 'cached 3 h ago' or 'snapshot · 2026-10-06'; short, for tight corners where
    the date shows elsewhere: 'live', 'cached 3 h' or 'snapshot'."""
    if origin is None:
        return "" if short else "no data"
    if origin.kind is Provenance.CACHED:
        ago = age((now - origin.as_of).total_seconds())
        return f"cached {ago}" if short else f"cached {ago} ago"
    if origin.kind is Provenance.SNAPSHOT and not short:
        return f"snapshot · {origin.as_of:%Y-%m-%d}"
    return origin.kind.value


def price_provenance(quote: Quote | None, current: bool, now: datetime) -> str:
    """Where the price came from, judged by its market time: 'live' or 'cached 3 h ago' only
    for the session under way or the last one; an older price says 'as of <its day>'."""
    if quote is None or quote.origin.kind is Provenance.SNAPSHOT:
        return provenance(quote.origin if quote else None, now)
    if current:
        return provenance(quote.origin, now)
    return f"as of {quote.as_of:%Y-%m-%d}"


def sparkline(values: tuple[float, ...], width: int) -> Text:
    """A one-line trend of the values resampled to `width`, coloured by direction. Values
    that are not finite are left out; the scale works in halves, so ±1e308 cannot overflow."""
    values = tuple(v for v in values if math.isfinite(v))
    if not values or width <= 0:
        return Text(NA, style=C.muted)
    if len(values) > width:
        step = len(values) / width
        values = tuple(values[min(len(values) - 1, int(i * step))] for i in range(width - 1)) + (
            values[-1],
        )
    low, high = min(values) / 2, max(values) / 2
    span = (high - low) or 1.0
    top = len(SPARK_BLOCKS) - 1
    bars = "".join(SPARK_BLOCKS[round((v / 2 - low) / span * top)] for v in values)
    return Text(bars, style=tone(values[-1] / 2 - values[0] / 2))


def range_bar(position: float, width: int) -> Text:
    """A track with a marker where the price sits between its 52-week low and high."""
    width = max(width, 3)
    if not math.isfinite(position):  # no place to mark: the track alone
        return Text("─" * width, style=C.muted)
    spot = min(width - 1, max(0, round(position * (width - 1))))
    return Text.assemble(("─" * spot, C.muted), ("●", "bold"), ("─" * (width - 1 - spot), C.muted))


# Applied in turn until the status line fits: the same facts, fewer letters. Compiled on first
# use (re caches them): most status lines fit.
STATUS_SHORTER = (
    (r"snapshot prices to ", "snapshot "),
    (r"cached prices up to (\d+) h old", r"cached ≤\1 h"),
    (r"prices fetched ", "fetched "),
    (r"earnings to ", "earnings "),
    (r"\b20\d\d-(\d\d-\d\d)\b", r"\1"),
)


def fit_status(text: str, width: int) -> str:
    """The status line in as few letters as the width needs (a terminal of 80 columns gets
    every part, with shorter words and dates without their year)."""
    for pattern, shorter in STATUS_SHORTER:
        if len(text) <= width:
            break
        text = re.sub(pattern, shorter, text)
    return text


def dark_theme() -> bool:
    """Whether the running app's theme is dark (True outside an app, e.g. in unit tests)."""
    from textual._context import active_app

    try:
        return bool(active_app.get().current_theme.dark)
    except LookupError:
        return True


def themed(dark: str, light: str) -> str:
    """A colour that must stand off the background: one per kind of theme, picked when drawn."""
    return dark if dark_theme() else light


def fit(candidates: list[Text], width: int) -> Text:
    """The first candidate (richest first) that fits the width; else the last, cut (nothing
    at no width: Rich's truncate would keep all but one cell)."""
    if width <= 0:
        return Text("")
    for text in candidates:
        if text.cell_len <= width:
            return text
    last = candidates[-1].copy()
    last.truncate(width, overflow="ellipsis")
    return last
