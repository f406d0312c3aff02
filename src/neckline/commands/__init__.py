"""The ``neckline`` command line: analyze, demo, bench, config, stretches, and (through
``neckline.history``) stats, export and history; the app is started from here too.

May import every stage; nothing below imports it."""
