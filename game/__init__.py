"""Khalkhin Gol 1939: a turn-based operational hex wargame of the 1939 battles."""

__version__ = "0.1.0"
