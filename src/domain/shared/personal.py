"""Personal data markers (個人情報) shared by events and read models (DESIGN §6)."""

from typing import Final


class Erased:
    """Placeholder for a personal field whose data key was destroyed (crypto-shredding, 消去).

    Loading an event after erasure yields this instead of raising, so history still replays and the
    Merkle log still verifies; the value itself is gone for good.
    """

    _instance: "Erased | None" = None

    def __new__(cls) -> "Erased":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "ERASED"

    def __str__(self) -> str:
        return "（消去済み）"

    def __bool__(self) -> bool:
        return False


#: The one placeholder instance.
ERASED: Final = Erased()
