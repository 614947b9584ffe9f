"""Alerts in the app: a refresh that flips a check or fires an alert says so, rings, and
writes journal.md; the detail screen shows the symbol's journal."""

from __future__ import annotations

from pathlib import Path

from conftest import FakeYahoo, fixture_quote
from test_live_app import IN_SESSION, settle


def note(tmp_home: Path, ticker: str, text: str) -> Path:
    path = tmp_home / "data" / "aiwatch" / "notes" / f"{ticker}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path.parent / "journal.md"


async def journal_entries(app, pilot, journal: Path) -> list[str]:  # noqa: ANN001
    """The journal's entries once the start's refresh has ended and written them."""
    await settle(app, pilot)
    for _ in range(40):
        if journal.exists():
            break
        await pilot.pause(0.05)
    return [line for line in journal.read_text().splitlines() if line.startswith("- ")]


async def test_a_refresh_that_flips_a_check_is_journaled(make_test_app, fake_yahoo: FakeYahoo,
                                                         tmp_home: Path) -> None:
    live = fixture_quote("AMZN")[0]  # 259.49, above the snapshot's 256.29
    journal = note(tmp_home, "AMZN", "# AMZN\ncheck: price >= 257\nalert: price > 258\n")
    app = make_test_app(session=fake_yahoo, clock=lambda: IN_SESSION)
    rang = []
    app.bell = lambda: rang.append(True)  # type: ignore[method-assign]
    async with app.run_test(size=(160, 45)) as pilot:
        lines = await journal_entries(app, pilot, journal)
        assert lines == [
            f"- 2026-10-07 14:30 UTC · AMZN · check · price >= 257 · ✘ → ✔ · {live:.2f}",
            f"- 2026-10-07 14:30 UTC · AMZN · alert · price > 258 · ✘ → ✔ · {live:.2f}",
        ]
        assert rang == [True]  # one bell for the refresh
        messages = [n.message for n in app._notifications]
        assert f"AMZN alert: price > 258 (now {live:.2f})" in messages
        await pilot.press("2", "enter")
        await pilot.pause()
        lines = app.screen.query_one("#detail-notes")
        shown = "\n".join(lines.render_line(y).text for y in range(lines.size.height))
        assert "Journal" in shown
        assert f"AMZN · alert · price > 258 · ✘ → ✔ · {live:.2f}" in shown


async def test_nothing_flips_nothing_is_written(make_test_app, fake_yahoo: FakeYahoo,
                                                tmp_home: Path) -> None:
    journal = note(tmp_home, "AMZN", "# AMZN\ncheck: price >= 100\n")
    app = make_test_app(session=fake_yahoo, clock=lambda: IN_SESSION)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        await pilot.pause(0.3)
    assert not journal.exists()


async def test_a_check_past_the_first_screenful_flips_too(make_test_app, fake_yahoo: FakeYahoo,
                                                          tmp_home: Path) -> None:
    """AMZN 14th in the list is read after the first frame (the first screenful is read
    before it): the start's refresh still compares its check against what it was."""
    from watchlists import write_tickers

    write_tickers(["MSFT", "GOOGL", "BABA", *(f"T{n:02d}" for n in range(10)), "AMZN"])
    live = fixture_quote("AMZN")[0]
    journal = note(tmp_home, "AMZN", "# AMZN\ncheck: price >= 257\n")
    app = make_test_app(session=fake_yahoo, clock=lambda: IN_SESSION)
    async with app.run_test(size=(160, 45)) as pilot:
        assert await journal_entries(app, pilot, journal) == [
            f"- 2026-10-07 14:30 UTC · AMZN · check · price >= 257 · ✘ → ✔ · {live:.2f}"]
