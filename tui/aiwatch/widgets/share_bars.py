"""Cloud market share: one bar per provider from one firm, with the change over a year."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlparse

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from aiwatch.metrics import REFERENCE_FIRM, latest_any_firm, latest_share, share_change
from aiwatch.model import CloudShare
from aiwatch.widgets.format import MUTED, signed

BAR_COLOURS = {"AWS": "#FF9900", "Microsoft": "#3A96DD", "Google": "#4EBF71", "Alibaba": "#FF6A00"}
CHANGE_WIDTH = 24
LABELS = {"AWS": "AWS", "Microsoft": "Azure", "Google": "Google Cloud", "Alibaba": "Alibaba Cloud"}


@dataclass(frozen=True, slots=True)
class ShareRow:
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
        rows.append(ShareRow(LABELS.get(provider, provider), share, change,
                             BAR_COLOURS.get(provider, "#B0B0B0")))
    return rows


def _host(url: str) -> str:
    return urlparse(url).netloc.removeprefix("www.") or url


class ShareBars(Widget):
    """Horizontal bars; the bar scale is the largest share shown, so bars stay comparable."""

    shares: reactive[tuple[CloudShare, ...]] = reactive((), layout=True)
    providers: tuple[str, ...] = ("AWS", "Microsoft", "Google", "Alibaba")

    def render(self) -> RenderableType:
        rows = share_rows(self.shares, self.providers)
        known = [r.share for r in rows if r.share]
        if not known:
            return Text("no market-share data", style=MUTED)
        period = max(s.period for s in known)
        width = self.content_size.width
        label_width = max(len(r.label) for r in rows)
        bar_width = max(width - label_width - 4 - CHANGE_WIDTH - 3, 8)
        scale = max(s.share_pct for s in known)
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True, min_width=label_width)
        grid.add_column(no_wrap=True, width=bar_width)
        grid.add_column(justify="right", no_wrap=True, min_width=4)
        grid.add_column(no_wrap=True, width=CHANGE_WIDTH)
        for row in rows:
            grid.add_row(*self._cells(row, period, bar_width, scale))
        title = Text.assemble(
            ("Cloud infrastructure market share", "bold"),
            (f" · global · {REFERENCE_FIRM} · {period}", MUTED),
        )
        return Group(title, grid, *self._footer(known))

    @staticmethod
    def _cells(row: ShareRow, period: str, bar_width: int, scale: float) -> tuple[Text, ...]:
        if row.share is None:
            return Text(row.label), Text("n/a", style=MUTED), Text(""), Text("")
        filled = round(row.share.share_pct / scale * bar_width)
        bar = Text.assemble(("█" * filled, row.colour), ("░" * (bar_width - filled), "#303540"))
        year_ago = f"{int(row.share.period[:4]) - 1}{row.share.period[4:]}"
        change = Text.assemble(signed(row.change, " pp"), (f" vs {year_ago}", MUTED))
        if row.share.period != period:
            change = Text.assemble((f"{row.share.period} ", "bold"), change)
        return Text(row.label), bar, Text(f"{row.share.share_pct:.0f}%", style="bold"), change

    def _footer(self, known: list[CloudShare]) -> list[RenderableType]:
        lines: list[RenderableType] = []
        china = latest_any_firm(self.shares, "Alibaba", "china")
        if china:
            lines.append(Text.assemble(
                ("Alibaba Cloud in China: ", MUTED), (f"{china.share_pct:.0f}%", "bold"),
                (f" ({china.firm}, {china.period})", MUTED),
            ))
        sources = sorted({_host(s.source_url) for s in known})
        lines.append(Text("Sources: " + ", ".join(sources), style=MUTED, no_wrap=True,
                          overflow="ellipsis"))
        return lines
