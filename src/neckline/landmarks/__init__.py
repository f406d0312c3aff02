"""The models and what they find in a frame: the shipped MediaPipe models (checked by checksum),
the pose and face landmarkers, and the people they find as ``Body`` and ``Face``, with the
torso followed by its texture.

May import: ``capture``, ``neckline.config``, ``neckline.errors``."""
