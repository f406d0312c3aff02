"""neckline: a desktop posture monitor built on MediaPipe landmarks.

The packages follow the pipeline, each one importing only those before it:

    capture -> landmarks -> posture -> live -> history -> app
                              ^
                          stretches

``capture`` gives timed frames; ``landmarks`` runs the models on them; ``posture`` turns
landmarks into measures, judges them against the calibrated neutral and raises alerts and break
reminders; ``live`` runs that loop on a camera; ``history`` records and summarises it;
``stretches`` is the catalogue the alerts point to; ``commands`` is the CLI and ``app`` the Qt
desktop app (the only package that imports Qt). ``config`` is the one typed configuration and
``errors`` the exceptions every stage raises. pyproject.toml's import-linter contracts check this.
"""

__version__ = "0.1.0"
