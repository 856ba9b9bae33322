"""Every key Mifin binds can be typed in the Linux console, PuTTY and tmux (issue 12).

The list is read from the code: the BINDINGS of every screen, widget and the App, and
the F-keys of the menu entries. Refused: keys those terminals cannot send or send as
another key — super/hyper/meta (Mac and Windows keys), ctrl+shift chords, F13 and up,
shift+F-keys (the Linux console sends them as F11-F20), ctrl+digit, ctrl+arrows and
ctrl+Home/End (the console sends the plain key), and the ctrl letters that are
already Tab, Enter, Backspace or Escape (ctrl+i, ctrl+m, ctrl+j, ctrl+h, ctrl+[).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

from textual.binding import Binding
from textual.dom import DOMNode

import mifin_tui.screens
import mifin_tui.widgets
from mifin_tui import menu

PLAIN = {"enter", "escape", "tab", "up", "down", "left", "right", "home", "end",
         "pageup", "pagedown", "delete", "backspace", "insert", "space"}
F_KEY = re.compile(r"^f([1-9]|1[0-2])$")
CTRL_LETTER = re.compile(r"^ctrl\+[a-z]$")
ALT_LETTER = re.compile(r"^alt\+[a-z0-9]$")
# The ctrl letters that arrive as another key.
SAME_AS_OTHER = {"ctrl+i": "tab", "ctrl+m": "enter", "ctrl+j": "enter",
                 "ctrl+h": "backspace"}


def refusal(key: str) -> str | None:
    """Why a terminal of the branch cannot send `key`, or None when it can."""
    if key in PLAIN or F_KEY.match(key) or (len(key) == 1 and key.isprintable()):
        return None
    if key in SAME_AS_OTHER:
        return f"arrives as {SAME_AS_OTHER[key]}"
    if CTRL_LETTER.match(key) or ALT_LETTER.match(key):
        return None
    return "not sent by the Linux console, PuTTY or tmux"


def mifin_classes() -> list[type]:
    found: list[type] = []
    for package in (mifin_tui.screens, mifin_tui.widgets):
        for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            module = importlib.import_module(info.name)
            found += [c for _n, c in inspect.getmembers(module, inspect.isclass)
                      if issubclass(c, DOMNode) and c.__module__ == module.__name__]
    from mifin_tui.app import MifinApp

    return [*found, MifinApp]


def bound_keys() -> dict[str, set[str]]:
    """key -> where it is bound ("module.Class" or "menu:entry")."""
    keys: dict[str, set[str]] = {}
    for cls in mifin_classes():
        for binding in cls.__dict__.get("BINDINGS", []):
            spec = binding.key if isinstance(binding, Binding) else binding[0]
            for key in spec.split(","):
                keys.setdefault(key.strip(), set()).add(f"{cls.__module__}.{cls.__name__}")
    for entry in menu.ENTRIES:
        if entry.key:
            keys.setdefault(entry.key, set()).add(f"menu:{entry.id}")
    return keys


def test_the_list_of_bindings_is_read_from_the_code():
    keys = bound_keys()
    # The ones every user presses: the list is not empty by a mistake of the walk.
    assert {"ctrl+q", "escape", "f10", "f2"} <= keys.keys(), sorted(keys)
    assert any(w.startswith("mifin_tui.screens.") for w in keys["escape"])
    assert len(keys) >= 15


def test_every_binding_can_be_typed_on_the_branch_terminals():
    bad = {key: (why, sorted(where)) for key, where in bound_keys().items()
           if (why := refusal(key))}
    assert bad == {}, bad


def test_the_rule_refuses_what_those_terminals_cannot_send():
    for key in ("super+s", "ctrl+shift+p", "f13", "f24", "shift+f5", "ctrl+1", "ctrl+up",
                "ctrl+end", "meta+x", "ctrl+i", "ctrl+m", "ctrl+h", "cmd+q"):
        assert refusal(key), key
    for key in ("f1", "f12", "ctrl+q", "ctrl+o", "alt+x", "escape", "enter", "pagedown",
                "delete", "1"):
        assert refusal(key) is None, key
