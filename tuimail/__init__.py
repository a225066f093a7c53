"""tuimail: a keyboard-driven terminal mail browser."""

__version__ = "0.1.0"
