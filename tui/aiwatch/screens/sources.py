"""Where each market-share figure on screen comes from: firm, market, period, publication
and its full URL as plain text (a terminal can open it; no markup, no hyperlinks), plus every
line rejected from the user's own files."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from aiwatch.model import PROVIDER_LABELS, CloudShare
from aiwatch.text import visible
from aiwatch.widgets.format import C
from aiwatch.widgets.share_bars import shown_shares

# firm, region, period, market definition, published, URL, what the rows are used for
Publication = tuple[str, str, str, str, str, str, str]


def _publication(share: CloudShare, use: str) -> Publication:
    published = f"{share.published:%Y-%m-%d}" if share.published else ""
    return (visible(share.firm), visible(share.region), visible(share.period),
            visible(share.market_definition), published, visible(share.source_url), use)


def sources_text(shares: Sequence[CloudShare], yours: Collection[CloudShare] = ()) -> Text:
    """One block per publication: who, which market, when, the figures taken from it and what
    for, and its URL on a line of its own (so it can be selected whole)."""
    groups: dict[Publication, list[CloudShare]] = {}
    for share, use in shown_shares(shares, tuple(PROVIDER_LABELS)):
        groups.setdefault(_publication(share, use), []).append(share)
    text = Text()
    for (firm, region, period, definition, published, url, use), rows in groups.items():
        figures = " · ".join(
            visible(f"{PROVIDER_LABELS.get(s.provider, s.provider)} {s.share_pct:g}%")
        for s in rows)
        text.append(f"{firm} · {region} · {period}", style="bold")
        text.append(f"  ({use})\n", style=C.muted)
        if definition:
            text.append(f"{definition}\n", style=C.muted)
        text.append(f"{figures}\n")
        if any(s in yours for s in rows):
            text.append("from your market_share.csv\n", style=C.warn)
        if published:
            text.append(f"published {published}\n", style=C.muted)
        text.append(f"{url or 'no source URL given'}\n\n")
    return text


def rejected_text(rejected: Sequence[str], folder: str) -> Text:
    text = Text(f"Your own rows: {visible(folder)}\n", style="bold")
    text.append("market_share.csv, cloud_segments.csv (same columns as the bundled files)\n",
                style=C.muted)
    if not rejected:
        return text.append("no line rejected\n", style=C.muted)
    for line in rejected:
        text.append(f"{visible(line)}\n", style=C.warn)
    return text


class SourcesScreen(ModalScreen[None]):
    """The rows behind the share bars, with their publications, and the user's rejected lines."""

    DEFAULT_CSS = """
    SourcesScreen {
        align: center middle;
    }

    #sources-body {
        width: 100%;
        max-width: 150;
        height: auto;
        max-height: 90%;
        border: round $accent;
        background: $surface;
        padding: 0 2;
    }

    #sources-list, #sources-rejected {
        height: auto;
    }
    """

    BINDINGS = [Binding("escape,q,m", "dismiss", "Close sources", id="sources.close")]

    def __init__(self, shares: Sequence[CloudShare], rejected: Sequence[str], folder: str,
                 yours: Collection[CloudShare] = ()) -> None:
        super().__init__()
        self.shares = shares
        self.rejected = rejected
        self.folder = folder
        self.yours = yours  # the rows read from the user's own file

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="sources-body") as body:
            body.border_title = "Market share sources"
            body.border_subtitle = "esc to close"
            yield Static(sources_text(self.shares, self.yours), id="sources-list")
            yield Static(rejected_text(self.rejected, self.folder), id="sources-rejected")

    def on_mount(self) -> None:
        self.query_one("#sources-body").focus()  # arrows and page keys scroll a long list
