"""At 100 tickers the watchlist renders only what is on screen, and a key repaints only the
cards whose focus changed (issue 11: start-up and key cost must not grow with the list)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pytest
from textual.visual import RichVisual
from watchlists import MANY, all_cards_built, write_tickers

from aiwatch.widgets.ticker_card import TickerCard


async def test_off_screen_cards_are_not_rendered_at_start(make_test_app, renders) -> None:
    write_tickers(MANY)
    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await all_cards_built(app, pilot)
        cards = app.screen.query(TickerCard)
        assert len(cards) == 100
        height = app.screen.query_one("#body").size.height
        visible = {c.ticker for c in cards if c.region.y < height and c.region.height}
        assert 4 <= len(visible) <= 24  # 4-up, the unknown tickers short
        assert set(renders) == visible
        assert max(renders.values()) == 1


async def test_focus_key_renders_only_the_two_cards_it_moves_between(
        make_test_app, renders) -> None:
    write_tickers(MANY)
    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await all_cards_built(app, pilot)
        compositor = app.screen._compositor
        full_updates = []
        real = compositor.render_full_update
        compositor.render_full_update = lambda **kw: full_updates.append(1) or real(**kw)
        renders.clear()
        await pilot.press("right")
        await pilot.pause()
        assert app.screen.focused.ticker == "AMZN"
        assert renders == {"MSFT": 1, "AMZN": 1}
        assert full_updates == []  # the two cards are repainted, not the whole screen


async def calls_per_card_going_back(make_test_app, monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
                                    owner: type, name: str,
                                    node_of: Callable[..., object]) -> Counter[str]:
    """Calls of `owner.name` per card (`node_of` finds it from the call's arguments) while the
    focus goes back and forth between MSFT and AMZN, after both looks of each were drawn."""
    calls: Counter[str] = Counter()
    original = getattr(owner, name)

    def counted(self: object, *args: object, **kwargs: object) -> object:
        node = node_of(self, *args)
        calls[getattr(node, "ticker", type(node).__name__)] += 1
        return original(self, *args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("right", "left")  # both looks of MSFT and AMZN drawn once
        await pilot.pause()
        calls.clear()
        await pilot.press("right", "left", "right")
        await pilot.pause()
        assert app.screen.focused.ticker == "AMZN"
    return calls


async def test_a_card_focused_again_paints_from_memory(
        make_test_app, monkeypatch: pytest.MonkeyPatch) -> None:
    drawn = await calls_per_card_going_back(make_test_app, monkeypatch, RichVisual,
                                            "render_strips", lambda visual, *_: visual._widget)
    assert drawn["MSFT"] == drawn["AMZN"] == 0


async def test_a_new_look_of_a_card_restyles_its_rows_without_rich_laying_them_out(
        make_test_app, monkeypatch: pytest.MonkeyPatch) -> None:
    """Focus changes only a card's style: the rows Rich laid out for the other look are
    restyled (Rich's wrap and layout cost ~4 ms a card)."""
    from rich.text import Text

    wrapped: list[str] = []
    original = Text.wrap

    def counted(self: Text, *args: object, **kwargs: object):  # noqa: ANN202
        wrapped.append(self.plain)
        return original(self, *args, **kwargs)

    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        monkeypatch.setattr(Text, "wrap", counted)
        await pilot.press("right")  # MSFT seen focused, AMZN unfocused: each gets its other look
        await pilot.pause()
        assert app.screen.focused.ticker == "AMZN"
        assert wrapped == []


async def test_restyled_rows_are_the_segments_rich_would_draw(make_test_app) -> None:
    """The restyled rows, and those that skip Rich's wrap because they fit, are segment for
    segment what Textual's RichVisual draws, at every width and in both looks."""
    from textual.color import Color
    from textual.style import Style
    from textual.visual import RenderOptions

    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        compared = 0
        for card in app.screen.query(TickerCard):
            for width in (20, 26, 33, 38, 77):
                painted = card._built(width)[1]
                for style in (card.visual_style, Style(Color(10, 20, 30), bold=True)):
                    options = RenderOptions(card._get_style, card.styles, None, None)
                    ours = painted.render_strips(width, None, style, options)
                    rich = RichVisual.render_strips(painted, width, None, style, options)
                    assert [list(strip) for strip in ours] == [list(strip) for strip in rich]
                    compared += 1
        assert compared == 40


async def test_a_look_seen_before_is_painted_from_memory(
        make_test_app, monkeypatch: pytest.MonkeyPatch) -> None:
    """Back and forth between two cards, neither is painted line by line again (Textual
    paints every line of a card afresh on each focus change, ~2.5 ms a card)."""
    from textual._styles_cache import StylesCache

    painted = await calls_per_card_going_back(make_test_app, monkeypatch, StylesCache,
                                              "render_line", lambda _, styles, *__: styles.node)
    assert painted["MSFT"] == painted["AMZN"] == 0


async def test_a_card_scrolled_part_way_out_of_view_is_cut_from_its_painted_look(
        make_test_app, monkeypatch: pytest.MonkeyPatch) -> None:
    """A focus move that scrolls paints only the card it focuses: the cards that move part way
    out of view, or further into it, were painted whole before."""
    from textual._styles_cache import StylesCache

    painted: Counter[str] = Counter()
    original = StylesCache.render_line

    def counted(self: StylesCache, styles, *args: object):  # noqa: ANN001, ANN202
        painted[getattr(styles.node, "ticker", "")] += 1
        return original(self, styles, *args)

    write_tickers(MANY)
    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await all_cards_built(app, pilot)
        body = app.screen.query_one("#body")
        cards = list(app.screen.query(TickerCard))
        below = next(i for i, card in enumerate(cards) if card.region.bottom > body.region.bottom)
        first = cards[below]  # the first card below the view, or part way
        await pilot.press(*["right"] * (below - 1))
        await pilot.pause()
        assert body.scroll_y == 0
        seen = {card.ticker for card in cards if card.region.overlaps(body.region)}
        monkeypatch.setattr(StylesCache, "render_line", counted)
        await pilot.press("right")
        await pilot.pause()
        assert app.screen.focused is first
        assert body.scroll_y > 0
        assert cards[0].region.y < body.region.y < cards[0].region.bottom  # part way out
        assert painted[first.ticker] == first.outer_size.height
        assert not set(painted) & (seen - {first.ticker})


async def test_a_card_painted_from_memory_shows_what_textual_would_paint(
        make_test_app) -> None:
    """The kept looks follow what the lines are made of: the focus, the style rules (a new
    theme, a border set on the card itself), new figures under the same titles."""
    from msgspec.structs import replace
    from textual.geometry import Region
    from textual.widget import Widget

    def crops(card: TickerCard) -> list[Region]:
        """The whole card, a band of its lines (scrolled part way out) and a column cut."""
        width, height = card.outer_size
        return [Region(0, 0, width, height), Region(0, 3, width, 5), Region(2, 1, 9, height - 1)]

    def fresh(card: TickerCard) -> list[str]:
        card._styles_cache.clear()
        card._set_dirty()
        return [repr(list(strip)) for crop in crops(card)
                for strip in Widget.render_lines(card, crop)]

    def kept(card: TickerCard) -> list[str]:
        return [repr(list(strip)) for crop in crops(card) for strip in card.render_lines(crop)]

    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("right", "left", "right")
        await pilot.pause()
        msft, amzn = app.screen.query(TickerCard)[:2]
        assert kept(msft) == fresh(msft) and kept(amzn) == fresh(amzn)
        before = kept(msft)
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await pilot.pause()
        await pilot.pause()
        assert kept(msft) != before
        assert kept(msft) == fresh(msft) and kept(amzn) == fresh(amzn)
        before = kept(msft)
        msft.styles.border = ("heavy", "red")  # only the border: no background, no text
        await pilot.pause()
        assert kept(msft) == fresh(msft) != before
        msft.styles.border = None
        await pilot.pause()
        before, size = kept(msft), msft.size
        msft.summary = replace(msft.summary, thesis_lines=(  # as many rows: the same size
            "Another thesis, long enough to fill the two lines a card gives it and more. " * 3,))
        await pilot.pause()
        assert msft.size == size
        assert kept(msft) == fresh(msft) != before



@pytest.fixture
def nested_layouts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The depth of every layout of the screen: a widget that asks its size while being laid
    out (content_size, region) and is not on screen yet makes Textual lay out the whole
    screen again inside the layout (~40 ms at 100 cards)."""
    from textual._compositor import Compositor

    depths: list[int] = []
    depth = [0]
    original = Compositor._arrange_root

    def arrange(self: Compositor, *args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        depth[0] += 1
        depths.append(depth[0])
        try:
            return original(self, *args, **kwargs)
        finally:
            depth[0] -= 1

    monkeypatch.setattr(Compositor, "_arrange_root", arrange)
    return depths


async def test_the_share_bars_below_the_cards_are_laid_out_in_one_pass(
        make_test_app, nested_layouts) -> None:  # noqa: ANN001
    from aiwatch.widgets.share_bars import ShareBars

    write_tickers(MANY)
    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await all_cards_built(app, pilot)
        assert nested_layouts and max(nested_layouts) == 1
        bars = app.screen.query_one(ShareBars)
        assert bars.region.y > 45  # below the cards
        assert bars.content_size.width == 75  # beside the race at 160x45
        bars.scroll_visible(animate=False)
        await pilot.pause()
        assert "Cloud infrastructure market share" in "".join(
            strip.text for strip in bars.render_lines(bars.size.region))
        assert max(nested_layouts) == 1
