"""Cloud market share: one bar per provider from one firm, against a fixed, labelled axis,
with the change over a year."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlparse

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.geometry import Size
from textual.reactive import reactive
from textual.widget import Widget

from aiwatch.metrics import REFERENCE_FIRM, latest_any_firm, latest_share, share_change
from aiwatch.model import PROVIDER_LABELS, CloudShare
from aiwatch.text import visible
from aiwatch.widgets.format import C, signed, themed

BAR_COLOURS = {"AWS": "#FF9900", "Microsoft": "#3A96DD", "Google": "#4EBF71", "Alibaba": "#FF6A00"}
CHANGE_WIDTH = 24
# Axis ceilings and their tick steps: the smallest that holds the largest share is used, so
# a bar's length is its share of the market, never its share of the leader's.
AXES = ((10, 5), (20, 5), (40, 10), (60, 20), (80, 20), (100, 20))


@dataclass(frozen=True, slots=True, repr=False)
class ShareRow:
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


class ShareBars(Widget):
    """Horizontal bars on a fixed 0–ceiling axis labelled under them, so bar lengths compare
    shares of the market honestly."""

    shares: reactive[tuple[CloudShare, ...]] = reactive((), layout=True)
    providers: tuple[str, ...] = tuple(PROVIDER_LABELS)
    _width: int | None = None  # the content width layout last gave
    _height: tuple[object, int, int] = ((), -1, 0)  # the shares, the width, their height

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """Noted, the width the bars are drawn at: below the cards, reading content_size
        while laid out made Textual lay out the whole screen again (~40 ms at 100 cards).
        Measured once per shares and width: Textual's own renders the panel for every
        layout (and a start lays the screen out twice)."""
        self._width = width
        shares, measured_at, height = self._height
        if shares is not self.shares or measured_at != width:
            height = super().get_content_height(container, viewport, width)
            self._height = (self.shares, width, height)
        return height

    def render(self) -> RenderableType:
        rows = share_rows(self.shares, self.providers)
        known = [r.share for r in rows if r.share]
        if not known:
            return Text("no market-share data", style=C.muted)
        period = max(s.period for s in known)
        width = self.content_size.width if self._width is None else self._width
        label_width = max(len(r.label) for r in rows)
        bar_width = max(width - label_width - 4 - CHANGE_WIDTH - 3, 8)
        ceiling, step = axis_scale(max(s.share_pct for s in known))
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True, min_width=label_width)
        grid.add_column(no_wrap=True, width=bar_width)
        grid.add_column(justify="right", no_wrap=True, min_width=4)
        grid.add_column(no_wrap=True, width=CHANGE_WIDTH)
        for row in rows:
            grid.add_row(*self._cells(row, period, bar_width, ceiling))
        grid.add_row(Text(""), Text(axis_labels(ceiling, step, bar_width), style=C.muted),
                     Text(""), Text("share of the market", style=C.muted))
        title = Text.assemble(
            ("Cloud infrastructure market share", "bold"),
            (f" · global · {REFERENCE_FIRM} · {visible(period)}", C.muted),
        )
        return Group(title, grid, *self._footer(known))

    @staticmethod
    def _cells(row: ShareRow, period: str, bar_width: int, ceiling: int) -> tuple[Text, ...]:
        if row.share is None:
            return Text(row.label), Text("n/a", style=C.muted), Text(""), Text("")
        filled = bar_cells(row.share.share_pct, ceiling, bar_width)
        track = themed("#303540", "#C8CCD2")  # the empty part: faint on either background
        bar = Text.assemble(("█" * filled, row.colour), ("░" * (bar_width - filled), track))
        change = Text.assemble(signed(row.change, " pp"),
                               (visible(f" vs {_year_before(row.share.period)}"), C.muted))
        if row.share.period != period:  # an older figure than the headline's: say which
            change = Text.assemble((f"{visible(row.share.period)} ", f"bold {C.warn}"), change)
        return Text(row.label), bar, Text(f"{row.share.share_pct:g}%", style="bold"), change

    def _footer(self, known: list[CloudShare]) -> list[RenderableType]:
        lines: list[RenderableType] = []
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
