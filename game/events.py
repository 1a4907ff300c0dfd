"""What happened, as data: the engine returns events; the UI and the log only read them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Event:
    """``visible_to`` None means both sides may see it (fog filters the rest)."""

    kind: str
    text: str
    visible_to: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text, "visible_to": self.visible_to, "data": self.data}

    def seen_by(self, side: str) -> bool:
        return self.visible_to is None or self.visible_to == side
