"""A tiny helper for explicit state machines: allowed moves are data, illegal ones raise."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar

S = TypeVar("S", bound=StrEnum)


class TransitionError(Exception):
    """An action is not allowed in the current state; str() is a message for the clerk."""

    def __init__(self, message: str, current: StrEnum, target: StrEnum) -> None:
        super().__init__(message)
        self.current = current
        self.target = target


def check_move(
    allowed: Mapping[S, frozenset[S]], current: S, target: S, labels: Mapping[S, str], what: str
) -> None:
    """Raise TransitionError unless `current` → `target` is in `allowed`."""
    if target not in allowed.get(current, frozenset()):
        raise TransitionError(
            f"{what}当前为「{labels[current]}」，不能改为「{labels[target]}」", current, target
        )
