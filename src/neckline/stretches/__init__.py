"""The stretches: the catalogue (``data/stretches.toml``), their figures, guided holds checked
against the live measures, and the safety guidance.

May import: ``neckline.config``, ``neckline.errors``."""
