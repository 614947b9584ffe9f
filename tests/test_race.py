"""The cloud race's figures against values worked by hand from data/."""

from __future__ import annotations

import re
from datetime import date

import pytest

from aiwatch.feed import base_views
from aiwatch.race import build_race, window
from aiwatch.sources.snapshot import load_snapshot

TICKERS = ("BABA", "AMZN", "MSFT", "GOOGL")


@pytest.fixture(scope="module")
def race():  # noqa: ANN201
    snapshot = load_snapshot()
    return build_race(base_views(snapshot, TICKERS).values(), snapshot.shares)


def row(rows, ticker: str):  # noqa: ANN001, ANN201
    return next(r for r in rows if r.ticker == ticker)


def values(r) -> list[float | None]:  # noqa: ANN001
    return [None if c.value is None else round(c.value, 1) for c in r.cells]


def test_eight_calendar_quarters_to_the_newest_segment() -> None:
    assert window(date(2026, 3, 31)) == (
        date(2024, 6, 30), date(2024, 9, 30), date(2024, 12, 31), date(2025, 3, 31),
        date(2025, 6, 30), date(2025, 9, 30), date(2025, 12, 31), date(2026, 3, 31))


def test_growth_is_each_cards_own_segment(race) -> None:  # noqa: ANN001
    assert race.labels[0] == "2024Q2" and race.labels[-1] == "2026Q1"
    # cloud_segments.csv, yoy_pct as stated
    assert values(row(race.growth, "AMZN")) == [18.7, 19.1, 19.0, 17.0, 17.5, 20.0, 24.0, 28.0]
    # Azure and other cloud services, not Microsoft Cloud / Intelligent Cloud rows
    assert values(row(race.growth, "MSFT")) == [None, None, None, 33.0, 39.0, 40.0, 39.0, 40.0]
    assert row(race.growth, "GOOGL").change == pytest.approx(63 - 28.8)
    assert not any(c.computed for c in row(race.growth, "AMZN").cells)
    assert row(race.growth, "AMZN").cells[-1].source.startswith("https://recatools.com/")


def test_share_is_synergy_only(race) -> None:  # noqa: ANN001
    # market_share.csv, Synergy global rows; Canalys' 33% for 2024Q2 is not mixed in
    assert values(row(race.share, "AMZN")) == [32, 31, 30, 29, 30, 29, 28, 28]
    assert row(race.share, "AMZN").change == -4
    assert values(row(race.share, "BABA")) == [None, 4, None, None, 4, None, None, None]
    assert race.firm == "Synergy Research Group"


def test_capex_over_revenue_worked_by_hand(race) -> None:  # noqa: ANN001
    amzn = row(race.capex, "AMZN").cells
    assert amzn[-1].value == pytest.approx(44.2 / 181.5 * 100)  # 24.35%
    assert amzn[4].value == pytest.approx(32.18 / 167.7 * 100)  # 2025Q2: 19.19%
    assert row(race.capex, "GOOGL").cells[-1].value == pytest.approx(35.7 / 109.9 * 100)
    baba = row(race.capex, "BABA").cells
    assert baba[4].value == pytest.approx(38.6 / 247.65 * 100)  # RMB over RMB: 15.59%
    assert baba[-1].value is None  # 2026Q1 capex not in data: a gap, never a zero
    assert all(c.computed for c in amzn)


def test_no_racer_no_race() -> None:
    snapshot = load_snapshot()
    views = base_views(snapshot, ("ZZZ",)).values()
    assert build_race(views, snapshot.shares) is None



@pytest.mark.parametrize(("width", "quarters"), [(80, 8), (73, 8), (64, 6), (40, 2), (31, 1)])
def test_a_narrow_race_keeps_the_newest_quarters_under_their_headers(
        race, width: int, quarters: int) -> None:  # noqa: ANN001
    from aiwatch.widgets.race_panel import race_lines

    lines = [line.plain for line in race_lines(race, width)]
    header, alibaba, aws = lines[1], lines[2], lines[3]
    assert header.split() == [label[2:] for label in race.labels[-quarters:]] + ["Δ"]
    assert alibaba.startswith("Alibaba Cloud ") and alibaba.endswith("+31.0 pts")
    newest = header.index("26Q1") + 4
    assert aws[newest - 4:newest] == "28.0"  # under its quarter, right-aligned
    assert all(len(line) <= width for line in lines)


def test_a_race_narrower_than_one_quarter_is_cut_not_wrapped(race) -> None:  # noqa: ANN001
    from aiwatch.widgets.race_panel import race_lines

    lines = race_lines(race, 20)
    assert len(lines) == len(race_lines(race, 80))
    assert all(line.cell_len <= 20 for line in lines)


async def test_the_race_takes_the_new_themes_heat_colours(make_test_app) -> None:  # noqa: ANN001
    """Its lines are kept across renders, per width and kind of theme: a switch to a light
    theme repaints the heat colours for a light background."""
    from aiwatch.widgets.race_panel import RacePanel

    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        panel = app.screen.query_one(RacePanel)

        def colours() -> list[str]:  # AWS's growth per quarter: the heat-coloured cells
            return [s.style.color.triplet.hex for s in panel.render_line(4)
                    if re.fullmatch(r"\d+\.\d", s.text.strip()) and s.style.color.triplet]

        dark = colours()
        app.theme = "textual-light"
        await pilot.pause()
        light = colours()
    assert len(dark) == len(light) > 5 and dark != light
