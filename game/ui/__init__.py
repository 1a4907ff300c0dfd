"""The desktop game (pygame-ce). The only package that imports pygame; it reads
``observe(state, side)`` and emits actions through the session, never changing state itself."""

import os as _os

_os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
