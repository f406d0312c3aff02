"""The desktop app: a thin PyQt6 layer over the core. Nothing in neckline's core imports it."""
