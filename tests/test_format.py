"""How numbers and provenance read on screen."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from aiwatch.model import Origin, Provenance
from aiwatch.widgets.format import age, money, provenance, signed

NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(("seconds", "text"), [
    (0, "0 s"), (59, "59 s"), (60, "1 min"), (3599, "59 min"), (3 * 3600 + 5, "3 h"),
    (2 * 86400, "2 d"), (-5, "0 s"),
])
def test_age(seconds: float, text: str) -> None:
    assert age(seconds) == text


def test_provenance_long_and_short() -> None:
    cached = Origin(Provenance.CACHED, NOW - timedelta(hours=3))
    snapshot = Origin(Provenance.SNAPSHOT, datetime(2026, 10, 6, tzinfo=UTC))
    live = Origin(Provenance.LIVE, NOW)
    assert [provenance(o, NOW) for o in (live, cached, snapshot, None)] == [
        "live", "cached 3 h ago", "snapshot · 2026-10-06", "no data"]
    assert [provenance(o, NOW, short=True) for o in (live, cached, snapshot, None)] == [
        "live", "cached 3 h", "snapshot", ""]


def test_signed_and_money() -> None:
    assert str(signed(3.04, "%")) == "+3.0%"
    assert str(signed(-1.3152, "%", digits=2)) == "−1.32%"
    assert str(signed(None)) == "n/a"
    assert money(37.6e9, "USD") == "$37.6bn"
    assert money(243.38e9, "CNY") == "RMB 243.4bn"
    assert money(None, "USD") == "n/a"


def test_the_status_line_fits_80_columns_with_every_part() -> None:
    from aiwatch.widgets.format import fit_status

    line = "no network · snapshot prices to 2026-10-06 / 2026-02-11 · earnings to 2026-05-13"
    assert fit_status(line, 200) == line
    assert fit_status(line, 78) == ("no network · snapshot 2026-10-06 / 2026-02-11 · "
                                    "earnings to 2026-05-13")
    assert fit_status(line, 60) == "no network · snapshot 10-06 / 02-11 · earnings 05-13"


async def test_track_colours_follow_the_kind_of_theme() -> None:
    from textual.app import App

    from aiwatch.widgets.format import themed

    assert themed("dark", "light") == "dark"  # no app: the dark default
    app = App()
    async with app.run_test():
        app.theme = "textual-light"
        assert themed("dark", "light") == "light"
        app.theme = "textual-dark"
        assert themed("dark", "light") == "dark"


async def test_the_figures_colours_follow_a_theme_chosen_while_running(make_test_app) -> None:
    from aiwatch.widgets.format import DARK, LIGHT, C

    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        card = app.screen.card_for("AMZN")  # +1.95 % today: drawn in C.up
        def colours() -> set[str]:
            return {seg.style.color.triplet.hex.upper() for y in range(card.size.height)
                    for seg in card.render_line(y) if seg.style and seg.style.color
                    and seg.style.color.triplet}
        assert C.up == DARK.up and DARK.up in colours()
        app.theme = "textual-light"
        await pilot.pause()
        assert C.up == LIGHT.up
        assert LIGHT.up in colours() and DARK.up not in colours()
        app.theme = "textual-dark"
        await pilot.pause()
        assert C.up == DARK.up
