"""From landmarks to judgements: the measures (geometry), smoothing, the user's calibrated
neutral, the alert rules and break timer, and the engine that ties them into one ``Sample``
per frame; plus the words for them.

Pure Python and NumPy, driven by source time. May import: ``capture`` (the OpenCV shim),
``landmarks`` (its data types), ``stretches`` (which stretch relieves what), ``neckline.config``
and ``neckline.errors``."""
