"""Lending the camera, on stand-ins that use the real kernel calls: a device that is a real
file (or a real character device node) watched with real inotify, found in the real /proc,
opened and closed by a second process (tests/holder.py)."""

from __future__ import annotations

import os
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from neckline.capture.holders import holder_name, holder_names, holders, openings
from neckline.capture.inotify import Changes, FileWatch
from neckline.capture.lending import (
    Lender,
    Lending,
    LendingNews,
    lent_words,
    returning_words,
)
from standin import Holder, device_file


@pytest.fixture
def device(tmp_path: Path) -> Path:
    return device_file(tmp_path)


@pytest.fixture
def holder(device: Path) -> Iterator[Callable[..., Holder]]:
    started: list[Holder] = []

    def start(comm: str = "videocall", path: Path | None = None) -> Holder:
        started.append(Holder(path or device, comm))
        return started[-1]

    yield start
    for h in started:
        h.end()


# -- the watch -------------------------------------------------------------------------------


def test_lend_watch_counts_another_process_opening_and_closing(
        device: Path, holder: Callable[..., Holder]) -> None:
    with FileWatch(str(device)) as watch:
        h = holder()
        h.open()
        changes = watch.read()
        assert (changes.opened, changes.closed, changes.gone) == (1, 0, False)
        h.open()  # a second descriptor: a second opening
        assert watch.read().opened == 1
        h.close()
        h.open()
        h.kill()  # dies holding two: the kernel closes them
        changes = watch.read()
        # close, open, close, close: the kernel merges the last two, alike and unread
        assert (changes.opened, changes.closed) == (1, 2)
        assert watch.read() == Changes()  # nothing more


def test_lend_watch_sees_opens_of_a_character_device(holder: Callable[..., Holder]) -> None:
    with FileWatch("/dev/zero") as watch:
        h = holder(path=Path("/dev/zero"))
        h.open()
        assert watch.read().opened >= 1  # (others may open /dev/zero too)


def test_lend_watch_says_when_the_device_disappears(device: Path,
                                                   holder: Callable[..., Holder]) -> None:
    h = holder()
    h.open()
    with FileWatch(str(device)) as watch:
        device.unlink()  # still open in the holder: only its link count changes
        assert watch.read().gone
    device.write_bytes(b"")
    with FileWatch(str(device)) as watch:
        device.unlink()
        assert watch.read().gone  # the file itself is deleted


# -- who holds it --------------------------------------------------------------------------


def test_lend_holders_are_the_other_processes_with_it_open(
        device: Path, holder: Callable[..., Holder]) -> None:
    assert holders(str(device)) == []
    mine = os.open(device, os.O_RDONLY)
    try:
        assert holders(str(device)) == []  # this process is never a holder
        assert openings(str(device)) == 1
        first, second = holder(), holder()
        first.open()
        second.open()
        second.open()
        assert holders(str(device)) == sorted([first.pid, second.pid], reverse=True)
        assert holders(str(device), first_only=True) == [max(first.pid, second.pid)]
        assert openings(str(device), second.pid) == 2
        first.kill()
        second.close()
        assert holders(str(device)) == [second.pid]
    finally:
        os.close(mine)
    assert openings(str(device)) == 0
    assert holders(str(device.with_name("nothing"))) == []


def test_lend_holders_pass_over_what_they_cannot_read(device: Path, tmp_path: Path) -> None:
    """Processes end and close files mid-scan, and some cannot be read: never an error."""
    proc = tmp_path / "proc"
    for pid, links in {"101": {"3": device}, "102": {"4": tmp_path / "gone"},
                       "103": {"5": Path("/dev/zero")}, "self": {"6": device}}.items():
        (proc / pid / "fd").mkdir(parents=True)
        for fd, target in links.items():
            (proc / pid / "fd" / fd).symlink_to(target)
    (proc / "104").mkdir()
    (proc / "104" / "fd").write_text("")  # not a folder: unreadable
    (proc / "105").mkdir()  # ended: no fd folder any more
    (proc / str(os.getpid()) / "fd").mkdir(parents=True)
    (proc / str(os.getpid()) / "fd" / "7").symlink_to(device)
    assert holders(str(device), proc=proc) == [101]
    assert openings(str(device), proc=proc) == 1


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_lend_holders_know_a_device_by_its_number_whatever_its_path(
        tmp_path: Path, holder: Callable[..., Holder]) -> None:
    node = tmp_path / "video9"
    os.mknod(node, 0o600 | 0o020000, os.makedev(1, 5))  # a character device: /dev/zero's
    h = holder(path=Path("/dev/zero"))
    h.open()
    assert h.pid in holders(str(node))
    with FileWatch(str(node)) as watch:
        other = holder(path=node)
        other.open()
        assert watch.read().opened == 1
        assert sorted(holders(str(node))) == sorted([h.pid, other.pid])


# -- its name ----------------------------------------------------------------------------------


def entry(folder: Path, file: str, text: str) -> None:
    (folder / "applications").mkdir(parents=True, exist_ok=True)
    (folder / "applications" / file).write_text("[Desktop Entry]\nType=Application\n" + text)


def test_lend_holder_named_by_the_desktop_entry_of_its_command(
        tmp_path: Path, holder: Callable[..., Holder], monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "share"
    entry(data, "zoom.desktop", "Name=Zoom\nName[de]=Zoom (de)\nExec=/usr/bin/zoom %U\n"
          "[Desktop Action New]\nName=New meeting\nExec=other\n")
    entry(data, "a-old.desktop", "Name=Old Zoom\nExec=zoom\nHidden=true\n")
    entry(data, "broken.desktop", "this is no desktop entry\n")
    entry(data, "tool.desktop", f"Name=Python Tool\nExec=env A=1 {sys.executable} -m tool\n")
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.setenv(variable, "")
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    zoom = holder("zoom")  # a real process, named zoom (its /proc/PID/comm)
    assert holder_name(zoom.pid, data_dirs=[data]) == "Zoom"
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    assert holder_name(zoom.pid, data_dirs=[data]) == "Zoom (de)"
    monkeypatch.setenv("LANG", "C")
    # Its executable is python's, an interpreter's: no entry for "python ..." names it.
    other = holder("obs-helper")
    assert holder_name(other.pid, data_dirs=[data]) == "obs-helper"
    assert holder_names([zoom.pid, other.pid, zoom.pid], data_dirs=[data]) == (
        "Zoom", "obs-helper")
    zoom.kill()
    assert holder_name(zoom.pid, data_dirs=[data]) == ""
    assert holder_names([zoom.pid], data_dirs=[data]) == ()


def test_lend_holder_named_by_the_desktop_entry_of_its_executable(tmp_path: Path) -> None:
    proc, data, opt = tmp_path / "proc", tmp_path / "share", tmp_path / "opt" / "zoom"
    opt.mkdir(parents=True)
    (opt / "ZoomLauncher").write_text("#!/bin/sh\n")
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "zoom").symlink_to(opt / "ZoomLauncher")
    for pid, comm, exe in ((301, "GeckoMain", "/usr/lib/firefox/firefox"),
                           (302, "ZoomWebviewHos", str(opt / "zoom")),
                           (303, "obs-helper", "/usr/bin/python3.11")):
        (proc / str(pid)).mkdir(parents=True)
        (proc / str(pid) / "comm").write_text(comm + "\n")
        (proc / str(pid) / "exe").symlink_to(exe)
    entry(data, "firefox.desktop", "Name=Firefox\nExec=firefox %u\n")
    entry(data, "zoom.desktop", f"Name=Zoom\nExec={tmp_path / 'bin' / 'zoom'} %U\n")
    entry(data, "tool.desktop", "Name=Python Tool\nExec=python3.11 /usr/share/tool.py\n")
    assert holder_name(301, proc=proc, data_dirs=[data]) == "Firefox"
    assert holder_name(302, proc=proc, data_dirs=[data]) == "Zoom"  # beside its launcher
    assert holder_name(303, proc=proc, data_dirs=[data]) == "obs-helper"


def test_lend_holder_named_by_its_flatpak_or_snap(tmp_path: Path) -> None:
    proc, data = tmp_path / "proc", tmp_path / "share"
    (proc / "201" / "root").mkdir(parents=True)
    (proc / "201" / "root" / ".flatpak-info").write_text(
        "[Application]\nname=us.zoom.Zoom\nruntime=runtime/org.freedesktop.Platform\n")
    (proc / "201" / "comm").write_text("zoom.real\n")
    (proc / "202").mkdir()
    (proc / "202" / "environ").write_bytes(b"HOME=/home/u\0SNAP_NAME=teams-for-linux\0")
    (proc / "202" / "comm").write_text("teams-for-linu\n")
    (proc / "203").mkdir()
    (proc / "203" / "comm").write_text("ffmpeg\n")
    (proc / "203" / "exe").symlink_to("/usr/bin/ffmpeg")
    assert holder_name(201, proc=proc, data_dirs=[data]) == "Zoom"  # the id's last part
    assert holder_name(202, proc=proc, data_dirs=[data]) == "teams-for-linux"
    entry(data, "us.zoom.Zoom.desktop", "Name=Zoom Workplace\nExec=/usr/bin/flatpak run "
          "us.zoom.Zoom\nX-Flatpak=us.zoom.Zoom\n")
    entry(data, "teams-for-linux_teams-for-linux.desktop", "Name=Teams for Linux\n"
          "Exec=/snap/bin/teams-for-linux\n")
    assert holder_name(201, proc=proc, data_dirs=[data]) == "Zoom Workplace"
    assert holder_name(202, proc=proc, data_dirs=[data]) == "Teams for Linux"
    assert holder_name(203, proc=proc, data_dirs=[data]) == "ffmpeg"  # no entry: its command


def test_lend_words_name_who_has_the_camera() -> None:
    assert lent_words(["Zoom"]) == "Paused while Zoom uses the camera"
    assert lent_words(["Zoom", "Firefox"]) == "Paused while Zoom and Firefox use the camera"
    assert lent_words(["A", "B", "C"]) == "Paused while A, B and C use the camera"
    assert lent_words([]) == "Paused while another program uses the camera"
    assert returning_words(["Zoom"]) == "Zoom has finished with the camera; going on in a " \
        "moment."
    assert returning_words([]).startswith("The camera is free again")


# -- when to lend and when to take back ------------------------------------------------------


def test_lending_waits_the_grace_after_the_last_holder_and_starts_it_anew() -> None:
    lending = Lending(grace_s=5.0)
    assert lending.seen(0.0, False) == "using"
    assert lending.seen(0.5, False, opened=True) == "using"  # opened and closed: nobody holds
    lending.lend()
    assert lending.wait_s(1.0) is None and not lending.due(1000.0)
    assert lending.seen(10.0, True) == "lent"
    assert lending.seen(20.0, False) == "returning"
    assert lending.wait_s(21.0) == 4.0 and not lending.due(24.9)
    assert lending.seen(23.0, False) == "returning"  # a look without news changes nothing
    assert lending.seen(24.0, False, opened=True) == "returning"  # opened and closed again
    assert not lending.due(28.9) and lending.due(29.0)  # the grace started anew at 24
    assert lending.seen(28.0, True) == "lent"  # holds it again: no grace until it closes
    assert not lending.due(100.0)
    lending.seen(30.0, False)
    assert lending.due(35.0)
    lending.take_back()
    assert (lending.state, lending.back_at) == ("using", None)


# -- the lender, on a stand-in device --------------------------------------------------------


class Camera:
    """A source as the lender sees it: something it closes."""

    def __init__(self) -> None:
        self.closed_at: float | None = None

    def close(self) -> None:
        if self.closed_at is None:
            self.closed_at = time.monotonic()


class News:
    def __init__(self) -> None:
        self.queue: queue.SimpleQueue[LendingNews] = queue.SimpleQueue()
        self.seen: list[LendingNews] = []

    def __call__(self, news: LendingNews) -> None:
        self.queue.put(news)

    def next(self, timeout: float = 10.0) -> LendingNews:
        news = self.queue.get(timeout=timeout)
        self.seen.append(news)
        return news

    def none_for(self, seconds: float) -> bool:
        try:
            self.seen.append(self.queue.get(timeout=seconds))
        except queue.Empty:
            return True
        return False


@pytest.fixture
def lender(device: Path) -> Iterator[Callable[..., tuple[Lender, News]]]:
    made: list[Lender] = []

    def make(grace_s: float = 0.3, path: Path | None = None) -> tuple[Lender, News]:
        news = News()
        made.append(Lender(str(path or device), grace_s=grace_s, tell=news))
        return made[-1], news

    yield make
    for lender in made:
        lender.stop()


def test_lend_on_open_name_the_holder_and_take_back_after_the_grace(
        lender: Callable[..., tuple[Lender, News]], holder: Callable[..., Holder]) -> None:
    the_lender, news = lender(grace_s=0.3)
    camera = Camera()
    assert not the_lender.start(camera)
    h = holder("zoom")
    opened = h.open()
    assert news.next() == LendingNews("released")
    assert camera.closed_at is not None and camera.closed_at - opened < 0.1
    assert news.next() == LendingNews("lent", ("zoom",))
    assert news.none_for(0.5)  # held: no grace runs
    closed = h.close()
    assert news.next() == LendingNews("returning", ("zoom",))
    assert news.next() == LendingNews("free")
    assert time.monotonic() - closed >= 0.3
    assert the_lender.state == "using"
    again = Camera()
    assert the_lender.attach(again)  # reopened: the lender closes it for the next call
    h.open()
    assert [news.next().kind, news.next().kind] == ["released", "lent"]
    assert again.closed_at is not None


def test_lend_not_for_this_process_own_opens(lender: Callable[..., tuple[Lender, News]],
                                             device: Path) -> None:
    """neckline's own reopenings, camera listing and Settings picture are not a call."""
    the_lender, news = lender()
    camera = Camera()
    the_lender.start(camera)
    for _ in range(20):
        fd = os.open(device, os.O_RDONLY)
        os.close(fd)
    fds = [os.open(device, os.O_RDONLY) for _ in range(3)]
    for fd in fds:
        os.close(fd)
    opener = threading.Thread(target=lambda: os.close(os.open(device, os.O_RDONLY)))
    opener.start()
    opener.join()
    assert news.none_for(0.5)
    assert camera.closed_at is None and the_lender.state == "using"


def test_lend_at_once_when_another_program_holds_it_at_start(
        lender: Callable[..., tuple[Lender, News]], holder: Callable[..., Holder]) -> None:
    h = holder("teams")
    h.open()
    the_lender, news = lender()
    assert the_lender.start(None)  # the camera could not be opened: it is theirs
    assert news.next() == LendingNews("released")
    assert news.next() == LendingNews("lent", ("teams",))
    h.close()
    assert [news.next().kind, news.next().kind] == ["returning", "free"]


def test_lend_grace_starts_anew_while_a_holder_opens_and_closes_repeatedly(
        lender: Callable[..., tuple[Lender, News]], holder: Callable[..., Holder]) -> None:
    the_lender, news = lender(grace_s=0.4)
    the_lender.start(Camera())
    h = holder("obs")
    h.open()
    assert [news.next().kind, news.next().kind] == ["released", "lent"]
    for _ in range(8):  # a program that reopens the camera while setting up
        h.close()
        time.sleep(0.1)
        h.open()
    last = h.close()
    while (n := news.next()).kind != "free":
        assert n.kind in ("lent", "returning")
    assert time.monotonic() - last >= 0.4  # taken back only a grace after the last close


def test_lend_to_two_holders_until_both_have_closed(
        lender: Callable[..., tuple[Lender, News]], holder: Callable[..., Holder]) -> None:
    the_lender, news = lender(grace_s=0.3)
    the_lender.start(Camera())
    zoom, obs = holder("zoom"), holder("obs")
    zoom.open()
    assert [news.next().kind, news.next()] == ["released", LendingNews("lent", ("zoom",))]
    obs.open()
    both = news.next()
    assert both.kind == "lent" and sorted(both.holders) == ["obs", "zoom"]
    zoom.close()
    assert news.next() == LendingNews("lent", ("obs",))
    assert news.none_for(0.6)  # obs still has it
    obs.close()
    assert [news.next().kind, news.next().kind] == ["returning", "free"]


def test_lend_ends_when_a_holder_dies_with_the_device_open(
        lender: Callable[..., tuple[Lender, News]], holder: Callable[..., Holder]) -> None:
    the_lender, news = lender(grace_s=0.3)
    the_lender.start(Camera())
    h = holder("zoom")
    h.open()
    h.open()
    assert [news.next().kind, news.next().kind] == ["released", "lent"]
    h.kill()
    assert [news.next().kind, news.next().kind] == ["returning", "free"]


def test_lend_says_gone_when_the_device_disappears_while_lent(
        lender: Callable[..., tuple[Lender, News]], holder: Callable[..., Holder],
        device: Path) -> None:
    the_lender, news = lender(grace_s=0.3)
    the_lender.start(Camera())
    h = holder("zoom")
    h.open()
    assert [news.next().kind, news.next().kind] == ["released", "lent"]
    device.unlink()  # unplugged while the call has it
    assert news.next() == LendingNews("gone")
    h.close()
    assert news.none_for(0.5)  # the watch has ended
    the_lender.stop()
    the_lender.stop()  # (twice is harmless: the owner stops it, then its owner's end does)


def test_lend_says_gone_when_the_device_disappears_while_used(
        lender: Callable[..., tuple[Lender, News]], device: Path) -> None:
    the_lender, news = lender()
    camera = Camera()
    the_lender.start(camera)
    device.unlink()  # unplugged while neckline has it: its own read fails, or this says so
    assert news.next() == LendingNews("gone")
    assert camera.closed_at is None  # not lent: the owner's faults and retries follow
