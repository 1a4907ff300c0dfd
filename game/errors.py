"""Errors shared by the rules modules and the engine."""


class IllegalAction(Exception):
    """The action is not allowed now; ``reason`` is written for the player."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)
