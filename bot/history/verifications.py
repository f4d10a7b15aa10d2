"""The history's memory of second opinions: what was said of a URL, when it was asked, and
what the direct check saw then (a change there makes the stage ask again)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.model import Verification


@dataclass(frozen=True, slots=True)
class Remembered:
    """One URL's last second opinion; `asked` is the run (ISO 8601 UTC) that asked for it."""

    asked: str
    direct: str  # "status/reason" of the direct check when it was asked
    verification: Verification

    def to_json(self) -> dict[str, Any]:
        return {"asked": self.asked, "direct": self.direct, **self.verification.to_json()}

    @classmethod
    def from_json(cls, data: Any) -> Remembered | None:
        """The record back; None for anything malformed (it is then simply asked again)."""
        if not isinstance(data, Mapping):
            return None
        verification = Verification.from_json(data)
        asked, direct = data.get("asked"), data.get("direct")
        if verification is None or not isinstance(asked, str) or not isinstance(direct, str):
            return None
        return cls(asked, direct, verification)
