"""Monitoring as it runs: the monitor loop that owns the camera and the models, its adaptive
frame rate, when alerts may be shown (pause, snooze, quiet hours) and today's tally.

No Qt: the app runs the monitor in a worker thread. May import every stage below it
(``capture``, ``landmarks``, ``posture``), ``neckline.config`` and ``neckline.errors``."""
