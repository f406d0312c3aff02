"""Silencing what native libraries print straight to file descriptor 2.

TFLite announces its XNNPACK delegate, MediaPipe's graph warns on its first frame, and
OpenCV's AVI reader describes each malformed chunk, all with fprintf(stderr) that no Python
logging setting reaches. neckline reports such problems itself, in one sentence.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator

_lock = threading.Lock()


@contextlib.contextmanager
def quiet_native_stderr() -> Iterator[None]:
    with _lock:
        try:
            saved = os.dup(2)
        except OSError:
            yield
            return
        try:
            with open(os.devnull, "w") as null:
                os.dup2(null.fileno(), 2)
                try:
                    yield
                finally:
                    os.dup2(saved, 2)
        finally:
            os.close(saved)
