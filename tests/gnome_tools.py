"""What the GNOME tests ask of the session, run by the system's Python (its GObject bindings,
python3-gi, are not in the venv): ``/usr/bin/python3 tests/gnome_tools.py COMMAND ARGS``.

- ``gdm``: stands in for the display manager on the private system bus (org.gnome
  .DisplayManager with a Version), so GNOME Shell 43 offers its real lock screen;
- ``shot FILE``: a screenshot of the whole session (org.gnome.Shell.Screenshot, which answers
  only a few callers: this one holds the name org.gnome.Screenshot);
- ``key COMBO...``, ``type TEXT``, ``click X Y``: input through org.gnome.Mutter.RemoteDesktop,
  as a keyboard and mouse would give it (the pointer is pushed to the bottom-right corner first:
  the top-left is the hot corner);
- ``text NAME``: every label, button and window title of the application NAME over AT-SPI, a
  line each (the app runs with QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1);
- ``sizes NAME``: each of its windows' title and size in pixels (AT-SPI extents).
"""

from __future__ import annotations

import os
import sys
import time

import gi

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi, Gio, GLib  # noqa: E402

REMOTE = "org.gnome.Mutter.RemoteDesktop"
SESSION = "org.gnome.Mutter.RemoteDesktop.Session"
KEYSYMS = {"escape": 0xFF1B, "return": 0xFF0D, "tab": 0xFF09, "ctrl": 0xFFE3, "alt": 0xFFE9,
           "shift": 0xFFE1, "super": 0xFFEB, "space": 0x20, "comma": 0x2C}


def gdm() -> None:
    xml = ("<node><interface name='org.gnome.DisplayManager.Manager'>"
           "<method name='GetDisplays'><arg type='ao' direction='out'/></method>"
           "<property name='Version' type='s' access='read'/></interface></node>")
    bus = Gio.bus_get_sync(Gio.BusType.SYSTEM)
    node = Gio.DBusNodeInfo.new_for_xml(xml)
    bus.register_object("/org/gnome/DisplayManager/Manager", node.interfaces[0],
                        lambda *a: a[-1].return_value(GLib.Variant("(ao)", ([],))),
                        lambda *a: GLib.Variant("s", "43.0"), None)
    Gio.bus_own_name_on_connection(bus, "org.gnome.DisplayManager", 0, None, None)
    print("gdm", flush=True)
    GLib.MainLoop().run()


def shot(out: str) -> None:
    bus = Gio.bus_get_sync(Gio.BusType.SESSION)
    bus.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                  "RequestName", GLib.Variant("(su)", ("org.gnome.Screenshot", 4)), None, 0, -1,
                  None)
    bus.call_sync("org.gnome.Shell.Screenshot", "/org/gnome/Shell/Screenshot",
                  "org.gnome.Shell.Screenshot", "Screenshot",
                  GLib.Variant("(bbs)", (True, False, out)), None, 0, 10000, None)


class Input:
    def __init__(self) -> None:
        self.bus = Gio.bus_get_sync(Gio.BusType.SESSION)
        self.path = self.call("/org/gnome/Mutter/RemoteDesktop", REMOTE, "CreateSession")[0]
        self.call(self.path, SESSION, "Start")
        time.sleep(0.3)
        # The first key of a session is lost (the focused window gets leave and enter).
        for down in (True, False):
            self.call(self.path, SESSION, "NotifyKeyboardKeycode",
                      GLib.Variant("(ub)", (42, down)))
        time.sleep(0.3)

    def call(self, path: str, interface: str, method: str,
             args: GLib.Variant | None = None) -> tuple[object, ...]:
        reply = self.bus.call_sync(REMOTE, path, interface, method, args, None, 0, 5000, None)
        return tuple(reply.unpack()) if reply is not None else ()

    def key(self, combo: str) -> None:
        syms = [KEYSYMS[k.lower()] if k.lower() in KEYSYMS else
                ord(k) if len(k) == 1 else int(k, 16) for k in combo.split("+")]
        for down, order in ((True, syms), (False, list(reversed(syms)))):
            for sym in order:
                self.call(self.path, SESSION, "NotifyKeyboardKeysym",
                          GLib.Variant("(ub)", (sym, down)))
        time.sleep(0.05)

    def click(self, x: int, y: int) -> None:
        width, height = (int(v) for v in os.environ["GNOME_SIZE"].split("x"))
        for dx, dy in ((5000.0, 5000.0), (float(x - width + 1), float(y - height + 1))):
            self.call(self.path, SESSION, "NotifyPointerMotionRelative",
                      GLib.Variant("(dd)", (dx, dy)))
            time.sleep(0.1)
        for down in (True, False):
            self.call(self.path, SESSION, "NotifyPointerButton",
                      GLib.Variant("(ib)", (0x110, down)))
            time.sleep(0.05)

    def stop(self) -> None:
        time.sleep(0.2)
        self.call(self.path, SESSION, "Stop")


def _apps(name: str) -> list[Atspi.Accessible]:
    desktop = Atspi.get_desktop(0)
    return [a for a in (desktop.get_child_at_index(i) for i in range(desktop.get_child_count()))
            if a is not None and a.get_name() == name]


def _walk(node: Atspi.Accessible, lines: list[str]) -> None:
    """The names under ``node``, of what is on screen (a closed dialog stays in the tree)."""
    try:
        if not node.get_state_set().contains(Atspi.StateType.SHOWING):
            return
        name = node.get_name() or ""
        if name:
            lines.append(name)
        for i in range(node.get_child_count()):
            child = node.get_child_at_index(i)
            if child is not None:
                _walk(child, lines)
    except GLib.Error:  # a window that went away meanwhile
        pass


def text(name: str) -> None:
    lines: list[str] = []
    for app in _apps(name):
        _walk(app, lines)
    print("\n".join(lines))


def sizes(name: str) -> None:
    for app in _apps(name):
        for i in range(app.get_child_count()):
            window = app.get_child_at_index(i)
            if window is None:
                continue
            if window.get_state_set().contains(Atspi.StateType.SHOWING):
                extents = window.get_extents(Atspi.CoordType.SCREEN)
                print(f"{extents.width}x{extents.height}\t{window.get_name()}")


def main(command: str, *args: str) -> None:
    if command == "gdm":
        gdm()
    elif command == "shot":
        shot(args[0])
    elif command == "text":
        text(args[0])
    elif command == "sizes":
        sizes(args[0])
    else:
        device = Input()
        try:
            if command == "key":
                for combo in args:
                    device.key(combo)
            elif command == "type":
                for ch in args[0]:
                    device.key(ch)
            elif command == "click":
                device.click(int(args[0]), int(args[1]))
        finally:
            device.stop()


if __name__ == "__main__":
    main(*sys.argv[1:])
