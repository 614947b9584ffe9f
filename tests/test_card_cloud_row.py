"""A symbol outside the bundled companies has no cloud segment: its card has no n/a cloud row."""

from __future__ import annotations

from dataclasses import replace

import pytest
from bundled import bundled_summaries
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
