"""Where the pictures come from: cameras (by name and stable identity), video files, image
sequences and the demo video, each as a ``FrameSource`` of timed frames.

May import: ``neckline.config``, ``neckline.errors``. Nothing here knows about people (the
OpenCV import shim ``_cv2`` and ``_native`` for quieting native libraries live here too, at
the bottom)."""
