"""Expected problems a user can cause or fix.

Each carries a message of one sentence that the CLI and the app show as is; anything else that
escapes is a bug and keeps its traceback.
"""


class NecklineError(Exception):
    """Base class for problems that are reported to the user in one sentence."""


class ConfigError(NecklineError):
    """A configuration file or value is invalid. ``problems`` holds one sentence per bad value
    (all of them, so a user fixes a file in one pass); the message joins them."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or [message]


class SourceError(NecklineError):
    """A camera, video file or image sequence cannot be opened or read.

    ``kind`` lets the app show the right state: "missing" (no such camera or file), "busy"
    (the camera opens but gives no picture), "lost" (it stopped mid-session), "unreadable"
    (damaged or unknown file). ``device`` is the camera's device node, when it is one: the
    monitor looks there for the program that holds it.
    """

    def __init__(self, message: str, kind: str = "unreadable", device: str | None = None
                 ) -> None:
        super().__init__(message)
        self.kind = kind
        self.device = device


class ModelError(NecklineError):
    """The pose model file is missing or damaged."""


class CalibrationError(NecklineError):
    """A calibration could not be taken or loaded; the message says why."""
