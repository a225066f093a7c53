"""The garbage collector is paused while the app starts.

Importing Textual and tuimail and building the first screen allocates some
hundreds of thousands of objects that live as long as the program; each
collection on the way scans them all again for nothing (about a fifth of the
import time).  The ``tuimail`` command pauses automatic collection before it
imports anything heavy, and the app resumes it once its first screen has been
drawn.  Nothing is lost meanwhile: cycles made during the start are collected
by the first collection after it.
"""

from __future__ import annotations

import gc

__all__ = ["pause", "resume"]

_paused = False


def pause() -> None:
    """Stop automatic collection (if it is on) until :func:`resume`."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """Turn automatic collection back on, if :func:`pause` turned it off."""
    global _paused
    if _paused:
        _paused = False
        gc.enable()
