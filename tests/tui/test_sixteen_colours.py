"""Every menu screen stays legible on a 16-colour terminal (TERM=linux, PuTTY's default):
each character of text drawn on screen, once its colours are brought down to the 16 of the
Linux console as the terminal would get them, still differs from its background.
With the high-contrast theme as well. The sweep over every menu screen is
test_screens_fit's, which checks both at each screen; here, the check itself.
(NO_COLOR: test_no_color.py.)"""

from __future__ import annotations

from rich.color import ColorSystem

from mifin_tui.app import MifinApp


def _has_text(text: str) -> bool:
    """Letters, digits, signs; not the lines and blocks that draw rules, separators and
    bar tracks (U+2500-U+259F): those may fade into the background without harm."""
    return any(not c.isspace() and not 0x2500 <= ord(c) <= 0x259F for c in text)


def _sixteen(color) -> int | None:
    if color is None or color.is_default:
        return None
    return color.downgrade(ColorSystem.STANDARD).number


def illegible(app: MifinApp) -> list[str]:
    """The runs of text whose colour and background fall on the same of 16 colours."""
    found = []
    for y, strip in enumerate(app.screen._compositor.render_strips()):
        for segment in strip:
            text, style = segment.text, segment.style
            if style is None or not _has_text(text):
                continue
            fg, bg = _sixteen(style.color), _sixteen(style.bgcolor)
            if style.reverse:
                fg, bg = bg, fg
            if fg is not None and fg == bg:
                found.append(f"line {y}: {text.strip()!r} ({style.color.name} on "
                             f"{style.bgcolor.name if style.bgcolor else None})")
    return found


def test_the_check_sees_text_drawn_in_its_background_colour():
    from rich.segment import Segment
    from rich.style import Style
    from textual.strip import Strip

    class Fake:
        class screen:  # noqa: N801
            class _compositor:  # noqa: N801
                @staticmethod
                def render_strips():
                    return [Strip([Segment("ok", Style(color="#E8E8E8", bgcolor="#101418")),
                                   Segment("hidden", Style(color="#1A2028",
                                                           bgcolor="#101418"))])]

    assert illegible(Fake) == ["line 0: 'hidden' (#1a2028 on #101418)"]
    assert not _has_text("━━▏") and _has_text("━ 5 %")
