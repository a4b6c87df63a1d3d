"""Errors of the slips package; str() of each is a message for the clerk."""

from __future__ import annotations


class SlipError(ValueError):
    """A slip cannot be made as asked."""


class ReprintReasonRequired(SlipError):
    """The slip was printed before: a reprint (补打) needs a reason."""


class FontUnavailable(SlipError):
    """No embeddable CJK font on this computer."""
