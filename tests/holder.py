"""The other program, for the camera-lending tests: it opens a stand-in device file, holds it
and closes it, as a video call opens, streams from and closes a webcam. Standard library only,
so it starts quickly.

    python tests/holder.py DEVICE [--comm NAME]

Its short name (/proc/PID/comm) becomes NAME. Commands, one a line on stdin, each answered
by one JSON line on stdout:

    open            open the device (another descriptor each time); {"opened": t}
    stream [SETUP [WAIT]]
                    open, wait SETUP seconds (a program's setup), then start streaming: an
                    exclusive flock, as only one program may stream from a V4L2 camera,
                    tried again for up to WAIT seconds (5); {"opened": t, "busy": whether the
                    first try found the device still streamed from, "streaming": t when it
                    could start, or null}
    close           close the last descriptor opened; {"closed": t}
    exit

Times are time.monotonic(), the same CLOCK_MONOTONIC as the test's.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
import time

WAIT_S = 5.0  # how long "stream" tries, unless told


def _flock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def main() -> None:
    device = sys.argv[1]
    if "--comm" in sys.argv:
        with open("/proc/self/comm", "w") as comm:
            comm.write(sys.argv[sys.argv.index("--comm") + 1])
    fds: list[int] = []
    print(json.dumps({"ready": os.getpid()}), flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        command = words[0]
        if command in ("open", "stream"):
            fd = os.open(device, os.O_RDONLY | os.O_CLOEXEC)
            opened = time.monotonic()
            fds.append(fd)
            if command == "open":
                reply: dict[str, object] = {"opened": opened}
            else:
                if len(words) > 1:
                    time.sleep(float(words[1]))
                wait = float(words[2]) if len(words) > 2 else WAIT_S
                first = _flock(fd)
                streaming: float | None = time.monotonic() if first else None
                while streaming is None and time.monotonic() < opened + wait:
                    time.sleep(0.0002)
                    if _flock(fd):
                        streaming = time.monotonic()
                reply = {"opened": opened, "busy": not first, "streaming": streaming}
        elif command == "close":
            os.close(fds.pop())
            reply = {"closed": time.monotonic()}
        elif command == "exit":
            return
        else:
            reply = {"error": f"unknown command {command}"}
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
