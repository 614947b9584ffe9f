"""Card lines for what a symbol has or lacks: no n/a cloud row without a cloud segment; the
pre- or post-market price under the regular one."""

from __future__ import annotations

import pytest
from bundled import bundled_summaries
from msgspec.structs import replace
from screen_states import FIXED_NOW
from textual.app import App, ComposeResult

from aiwatch.model import Company
from aiwatch.summary import TickerSummary, summarise
from aiwatch.widgets.ticker_card import TickerCard


class Host(App[None]):
    def compose(self) -> ComposeResult:
        yield TickerCard("NVDA")


@pytest.fixture(scope="module")
def amzn() -> TickerSummary:
    return bundled_summaries()["AMZN"]


async def test_no_cloud_row_without_a_cloud_segment(amzn: TickerSummary) -> None:
    view = replace(amzn.view, company=Company("NVDA", "NVIDIA Corporation"), cloud=())
    host = Host()
    async with host.run_test(size=(40, 30)) as pilot:
        card = host.query_one(TickerCard)
        card.now = FIXED_NOW
        card.summary = summarise(view, amzn.shares, "", FIXED_NOW)
        await pilot.pause()
        text = "\n".join(card.render_line(y).text for y in range(card.size.height))
        assert "Revenue YoY" in text and "Next report" in text
        assert "Cloud" not in text and "AWS" not in text


async def test_a_post_market_price_shows_under_the_regular_one(amzn: TickerSummary) -> None:
    from datetime import UTC, datetime

    quote = amzn.figures.quote
    after_close = datetime(2026, 10, 6, 23, 30, tzinfo=UTC)  # 19:30 in New York
    extended = replace(quote, extended_price=262.0, extended_time=after_close,
                       extended_session="post", exchange_tz="America/New_York")
    host = Host()
    async with host.run_test(size=(40, 30)) as pilot:
        card = host.query_one(TickerCard)
        card.now = FIXED_NOW
        card.summary = summarise(replace(amzn.view, quote=extended), amzn.shares, "",
                                 FIXED_NOW)
        await pilot.pause()
        lines = [card.render_line(y).text for y in range(card.size.height)]
        post = next(line for line in lines if line.strip().startswith("post"))
        # 262.00 against 256.29: +5.71, +2.23 %
        assert post.split() == ["post", "19:30", "262.00", "+5.71", "+2.23%"]


@pytest.mark.parametrize(("width", "shown"), [
    (30, "52w 352.17 ───────● 537.65 96%"),
    (26, "52w 352.17 ───● 537.65 96%"),
    (24, "52w 352.17 ─────● 537.65"),  # the percentage goes; before, "96%" wrapped
    (20, "352.17 ─────● 537.65"),
    (16, "352.17 ──● 537.…"),
])
def test_the_52_week_row_never_wraps(width: int, shown: str) -> None:
    from aiwatch.metrics import Range52
    from aiwatch.widgets.ticker_card import range_line

    line = range_line(Range52(352.17, 537.65, 0.96), width)
    assert line.plain == shown and line.cell_len <= width
