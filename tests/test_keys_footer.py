"""The keys footer: one line drawing what Textual's Footer drew, pressing the key clicked."""

from __future__ import annotations

from textual.widget import Widget

from aiwatch.app import AiwatchApp
from aiwatch.widgets.keys_footer import KeysFooter


def footer_line(app: AiwatchApp) -> str:
    return app.screen.query_one(KeysFooter).render().plain


async def test_a_click_on_a_key_presses_it(make_test_app) -> None:  # noqa: ANN001
    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        x = footer_line(app).index(" ? Help ")
        home = app.screen
        assert await pilot.click(KeysFooter, offset=(x + 4, 0))  # on the label
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        app.screen.dismiss()
        await pilot.pause()
        assert app.screen is home
        width = app.screen.query_one(KeysFooter).size.width
        assert await pilot.click(KeysFooter, offset=(width - 3, 0))  # ctrl+p, on the right
        await pilot.pause()
        assert type(app.screen).__name__ == "CommandPalette"


async def test_a_click_between_keys_presses_nothing(make_test_app) -> None:  # noqa: ANN001
    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        home = app.screen
        x = footer_line(app).index(" r Refresh ") + len(" r Refresh ") + 5
        assert await pilot.click(KeysFooter, offset=(x, 0))
        await pilot.pause()
        assert app.screen is home


async def test_a_narrow_footer_leaves_the_palette_key_out(make_test_app) -> None:  # noqa: ANN001
    app = make_test_app()
    async with app.run_test(size=(119, 45)) as pilot:
        await pilot.pause()
        assert "ctrl+p" not in footer_line(app)
        await pilot.resize_terminal(120, 45)
        await pilot.pause()
        line = footer_line(app)
        assert line.endswith("▏ctrl+p Commands ") and len(line) == 120
        await pilot.resize_terminal(80, 45)
        await pilot.pause()
        assert "ctrl+p" not in footer_line(app)
        assert footer_line(app).startswith(" →/l Next card  ⏎ Detail ")


async def test_a_disabled_key_is_dimmed_and_a_click_on_it_rings_the_bell(  # noqa: ANN001
        make_test_app, monkeypatch) -> None:
    app = make_test_app()
    rang: list[bool] = []
    monkeypatch.setattr(AiwatchApp, "bell", lambda self: rang.append(True))
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(KeysFooter)
        x = footer_line(app).index(" ? Help ")
        assert not footer.render().get_style_at_offset(app.console, x + 1).dim
        monkeypatch.setattr(AiwatchApp, "check_action",
                            lambda self, action, parameters: None if action == "help" else True)
        app.refresh_bindings()
        await pilot.pause()
        line = footer.render()
        assert [line.get_style_at_offset(app.console, x + i).dim for i in (1, 4)] == [True] * 2
        assert not line.get_style_at_offset(app.console, x - 2).dim  # "q Quit" before it
        home = app.screen
        assert await pilot.click(KeysFooter, offset=(x + 1, 0))
        await pilot.pause()
        assert rang == [True] and app.screen is home


async def test_the_footer_repaints_only_when_its_keys_change(  # noqa: ANN001
        make_test_app, monkeypatch) -> None:
    """Every focus move signals "bindings updated": the keys are the same on every card."""
    painted: list[Widget] = []
    refresh = KeysFooter.refresh

    def counted(self: KeysFooter, *args: object, **kwargs: object) -> Widget:
        painted.append(self)
        return refresh(self, *args, **kwargs)

    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        monkeypatch.setattr(KeysFooter, "refresh", counted)
        await pilot.press("right", "right", "left")
        await pilot.pause()
        assert painted == []
        monkeypatch.setattr(AiwatchApp, "check_action",
                            lambda self, action, parameters: None if action == "help" else True)
        app.refresh_bindings()
        await pilot.pause()
        assert painted == [app.screen.query_one(KeysFooter)]


async def test_the_key_under_the_mouse_is_highlighted(make_test_app) -> None:  # noqa: ANN001
    app = make_test_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(KeysFooter)
        x = footer_line(app).index(" ? Help ")
        before = footer.render().get_style_at_offset(app.console, x + 4)
        await pilot.hover(KeysFooter, offset=(x + 4, 0))
        await pilot.pause()
        hovered = footer.render()
        assert hovered.get_style_at_offset(app.console, x + 4).bgcolor != before.bgcolor
        assert hovered.get_style_at_offset(app.console, x - 2).bgcolor == before.bgcolor
        assert footer.tooltip is None  # the screen's keys have none
        await pilot.hover(KeysFooter, offset=(footer.size.width - 3, 0))
        await pilot.pause()
        assert footer.tooltip == "Commands"  # as the palette's FooterKey had
        await pilot.hover(KeysFooter, offset=(x - 2, 0))  # on "q Quit"
        await pilot.pause()
        assert footer.render().get_style_at_offset(app.console, x + 4) == before
