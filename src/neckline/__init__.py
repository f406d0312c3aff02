"""neckline: a desktop posture monitor built on MediaPipe pose landmarks.

The package is split so the core never imports Qt: geometry, measures, smoothing, calibration,
alert rules and analysis are plain Python + NumPy; camera and model access live in `sources` and
`pose`; the command line in `cli`.
"""

__version__ = "0.1.0"
