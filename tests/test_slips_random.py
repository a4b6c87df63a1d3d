"""Property tests: slips of random cases from the whole catalogue print whole and right.

Cases hold 1 to all catalogue items, names up to the longest the applicant form takes with
characters outside the BMP, agents or none, every material state, every case state, reprints
with typed reasons; tickets of both lanes. Each PDF is read back (`counterapp.slips.readback`):
every line inside the printable area and its cell, no closing punctuation starting a line and
no opening one ending it, every item, material, the case number and masked IDs shown, no full
ID, and the QR code decodes to the case number and verification code.

The examples come from a fixed seed per kind and layout (the same on every run and machine);
`python -m bench.slip_fuzz N` draws many more.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from typing import TypeVar

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from bench import slip_fuzz as fuzz
from counterapp.slips.layout import Layout
from counterapp.slips.records import SlipKind

pytestmark = pytest.mark.slow  # many random slips rendered and read back: 2-3 s each

T = TypeVar("T")
EXAMPLES = {SlipKind.NOTICE: 30, SlipKind.RECEIPT: 30, SlipKind.TICKET: 15}


class DrawPicker:
    """The fuzz module's choices drawn by hypothesis (so a failure shrinks)."""

    def __init__(self, data: st.DataObject) -> None:
        self._data = data

    def integer(self, low: int, high: int) -> int:
        return self._data.draw(st.integers(low, high))

    def choice(self, options: Sequence[T]) -> T:
        return self._data.draw(st.sampled_from(options))

    def subset(self, options: Sequence[T], size: int) -> list[T]:
        return self._data.draw(st.permutations(options))[:size]

    def boolean(self) -> bool:
        return self._data.draw(st.booleans())


@pytest.fixture(scope="module")
def station(tmp_path_factory):
    """One store for all examples of a module; each example opens its own case."""
    opened = fuzz.Station.open(tmp_path_factory.mktemp("random-slips") / "station.db")
    yield opened
    opened.counter.close()


def check_random_slips(station: fuzz.Station, kind: SlipKind, layout: Layout) -> None:
    @seed(zlib.crc32(f"{kind}-{layout}".encode()))  # fixed, and different for each
    @settings(
        max_examples=EXAMPLES[kind],
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.data())
    def one(data: st.DataObject) -> None:
        slip = fuzz.random_slip(DrawPicker(data), station, kind, layout)
        assert fuzz.slip_problems(slip) == []

    one()


@pytest.mark.parametrize("layout", list(Layout))
def test_random_notices(station, layout):
    check_random_slips(station, SlipKind.NOTICE, layout)


@pytest.mark.parametrize("layout", list(Layout))
def test_random_receipts(station, layout):
    check_random_slips(station, SlipKind.RECEIPT, layout)


@pytest.mark.parametrize("layout", list(Layout))
def test_random_tickets(station, layout):
    check_random_slips(station, SlipKind.TICKET, layout)
