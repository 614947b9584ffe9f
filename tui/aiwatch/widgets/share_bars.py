"""Cloud market share: one bar per provider from one firm, against a fixed, labelled axis,
with the change over a year."""

from __future__ import annotations

import math
from collections.abc import Sequence
from urllib.parse import urlparse

from msgspec import Struct
from rich.text import Text
from textual.reactive import reactive

from aiwatch.metrics import REFERENCE_FIRM, latest_any_firm, latest_share, share_change
from aiwatch.model import PROVIDER_LABELS, CloudShare
from aiwatch.text import visible
from aiwatch.widgets.format import C, dark_theme, fit, signed, themed
from aiwatch.widgets.painted import PaintedRows

BAR_COLOURS = {"AWS": "#FF9900", "Microsoft": "#3A96DD", "Google": "#4EBF71", "Alibaba": "#FF6A00"}
CHANGE_WIDTH = 24
# Axis ceilings and their tick steps: the smallest that holds the largest share is used, so
# a bar's length is its share of the market, never its share of the leader's.
AXES = ((10, 5), (20, 5), (40, 10), (60, 20), (80, 20), (100, 20))


class ShareRow(Struct, frozen=True):
    """One provider's bar: its latest share and the change over a year."""

    label: str
    share: CloudShare | None
    change: float | None
    colour: str


def share_rows(shares: Sequence[CloudShare], providers: Sequence[str]) -> list[ShareRow]:
    """The newest reference-firm figure for each provider and its change over a year."""
    rows = []
    for provider in providers:
        share = latest_share(shares, provider)
        change = share_change(shares, share) if share else None
        rows.append(ShareRow(visible(PROVIDER_LABELS.get(provider, provider)), share, change,
                             BAR_COLOURS.get(provider, "#B0B0B0")))
    return rows


def _year_before(period: str) -> str:
    return f"{int(period[:4]) - 1}{period[4:]}"


def shown_shares(
    shares: Sequence[CloudShare], providers: Sequence[str]
) -> list[tuple[CloudShare, str]]:
    """Every row the panel draws or compares against, with what it is used for: each
    provider's newest reference-firm figure, the same firm's a year before, the China figure."""
    shown: list[tuple[CloudShare, str]] = []
    for row in share_rows(shares, providers):
        if row.share is not None:
            current = row.share
            shown.append((current, "on the bars"))
            shown.extend((s, "a year earlier: the change") for s in shares
                         if s.period == _year_before(current.period)
                         and (s.provider, s.region, s.firm)
                         == (current.provider, current.region, current.firm))
    china = latest_any_firm(shares, "Alibaba", "china")
    return shown + ([(china, "Alibaba Cloud in China")] if china else [])


def axis_scale(largest: float) -> tuple[int, int]:
    """The axis ceiling and tick step for the largest share shown: 28% → 0–40% by 10."""
    return next(((top, step) for top, step in AXES if largest <= top), AXES[-1])


def bar_cells(share_pct: float, ceiling: int, width: int) -> int:
    """How many of `width` cells a share fills on a 0–ceiling axis (none for a share that
    is not a number: the reader rejects those, the panel never rounds one)."""
    if not math.isfinite(share_pct):
        return 0
    return max(0, min(width, round(share_pct / ceiling * width)))


def _placed(values: Sequence[int], ceiling: int, width: int) -> str | None:
    """The labels of `values` on a `width`-cell axis, or None if two would touch."""
    line = [" "] * width
    taken: list[tuple[int, int]] = []
    for value in values:
        label = f"{value}%"
        end = max(len(label), bar_cells(value, ceiling, width))
        start = end - len(label)
        if end > width or any(start <= e and s <= end for s, e in taken):
            return None
        taken.append((start, end))
        line[start:end] = label
    return "".join(line)


def axis_labels(ceiling: int, step: int, width: int) -> str:
    """Tick labels for a bar `width` cells wide, each ending where a bar of that share ends
    (0% at the start, the ceiling at the end). When they do not fit, every other tick (and so
    on) is labelled, so the spacing stays even; at the least, 0% and the ceiling."""
    for every in range(step, ceiling, step):
        if ceiling % every == 0:
            line = _placed(range(0, ceiling + 1, every), ceiling, width)
            if line is not None:
                return line
    return _placed((0, ceiling), ceiling, width) or f"0–{ceiling}%"[:width]


def _host(url: str) -> str:
    """The site a URL names, for the footer; a URL that does not parse is shown as it is."""
    try:
        host = urlparse(url).netloc.removeprefix("www.")
    except ValueError:  # "http://[oops": an unclosed IPv6 bracket
        host = ""
    return visible(host or url)


def title_line(period: str, width: int) -> Text:
    """The panel's title on one line where it fits, "global" left out before it wraps."""
    forms = [Text.assemble(("Cloud infrastructure market share", "bold"),
                           (f"{scope} · {REFERENCE_FIRM} · {visible(period)}", C.muted))
             for scope in (" · global", "")]
    return next((form for form in forms if form.cell_len <= width), forms[0])


def grid_lines(rows: list[ShareRow], period: str, width: int) -> list[Text]:
    """The bars, their shares and changes, and the axis, laid out at `width`: the bars take
    what the label, share and change columns leave. (Not a Rich Table: its measuring cost
    more than the cards at start-up, and a narrow one wrapped the changes.)"""
    known = [r.share.share_pct for r in rows if r.share]
    ceiling, step = axis_scale(max(known))
    shares = [Text(f"{r.share.share_pct:g}%", style="bold") if r.share else Text("")
              for r in rows]
    label_width = max(len(r.label) for r in rows)
    share_width = max(4, *(s.cell_len for s in shares))
    bar_width = max(width - label_width - share_width - CHANGE_WIDTH - 3, 8)
    change_width = width - label_width - bar_width - share_width - 3
    lines = []
    for row, share in zip(rows, shares, strict=True):
        label = Text(row.label)
        label.align("left", label_width)
        share.align("right", share_width)
        changes = _changes(row, period)
        line = Text.assemble(label, " ", _bar(row, bar_width, ceiling), " ", share, " ",
                             fit(changes, change_width))
        line.truncate(width)
        lines.append(line)
    axis = Text.assemble(" " * (label_width + 1),
                         (axis_labels(ceiling, step, bar_width), C.muted),
                         " " * (share_width + 2), ("share of the market", C.muted))
    axis.truncate(width)
    return [*lines, axis]


def _bar(row: ShareRow, width: int, ceiling: int) -> Text:
    if row.share is None:
        return Text("n/a".ljust(width), style=C.muted)
    filled = bar_cells(row.share.share_pct, ceiling, width)
    track = themed("#303540", "#C8CCD2")  # the empty part: faint on either background
    return Text.assemble(("█" * filled, row.colour), ("░" * (width - filled), track))


def _changes(row: ShareRow, period: str) -> list[Text]:
    """The change over a year, longest form first: −1.0 pp vs 2025Q1, then −1.0 pp."""
    if row.share is None:
        return [Text("")]
    change = signed(row.change, " pp")
    full = Text.assemble(change, (visible(f" vs {_year_before(row.share.period)}"), C.muted))
    if row.share.period != period:  # an older figure than the headline's: say which
        older = (f"{visible(row.share.period)} ", f"bold {C.warn}")
        return [Text.assemble(older, full), Text.assemble(older, change), change]
    return [full, change]


class ShareBars(PaintedRows):
    """Horizontal bars on a fixed 0–ceiling axis labelled under them, so bar lengths compare
    shares of the market honestly."""

    shares: reactive[tuple[CloudShare, ...]] = reactive((), layout=True)
    providers: tuple[str, ...] = tuple(PROVIDER_LABELS)

    def content_key(self) -> object:
        return (self.shares, C.version, dark_theme())

    def rows_at(self, width: int) -> list[Text]:
        rows = share_rows(self.shares, self.providers)
        known = [r.share for r in rows if r.share]
        if not known:
            return [Text("no market-share data", style=C.muted)]
        period = max(s.period for s in known)
        return [title_line(period, width), *grid_lines(rows, period, width),
                *self._footer(known)]

    def _footer(self, known: list[CloudShare]) -> list[Text]:
        lines: list[Text] = []
        china = latest_any_firm(self.shares, "Alibaba", "china")
        if china:
            lines.append(Text.assemble(
                ("Alibaba Cloud in China: ", C.muted), (f"{china.share_pct:g}%", "bold"),
                (visible(f" ({china.firm}, {china.period})"), C.muted),
            ))
        sources = sorted({_host(s.source_url) for s in known})
        lines.append(Text("Sources (m for links): " + ", ".join(sources), style=C.muted,
                          no_wrap=True, overflow="ellipsis"))
        return lines
