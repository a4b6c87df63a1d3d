"""What every panel of the window shares: the open counter, the ops runner, the dialog
service and who is working at which window."""

from __future__ import annotations

from functools import cached_property
from typing import NamedTuple

from counterapp.app import Counter
from counterapp.catalogue_model import Catalogue
from counterapp.clock import Clock
from counterapp.station import Clerk, Station
from ui.dialogs import Dialogs
from ui.item_index import ItemIndex
from ui.ops import Ops
from ui.slip_service import SlipService


class Session(NamedTuple):
    clerk: Clerk
    window_no: int


class AppContext:
    """Panels read in-memory facts from here (catalogue, station, clock) on the GUI thread;
    anything touching the store goes through `ops`."""

    def __init__(self, counter: Counter, ops: Ops, dialogs: Dialogs, session: Session) -> None:
        self.counter = counter
        self.ops = ops
        self.dialogs = dialogs
        self.session = session

    @property
    def clock(self) -> Clock:
        return self.counter.clock

    @property
    def catalogue(self) -> Catalogue:
        return self.counter.catalogue

    @property
    def station(self) -> Station:
        assert self.counter.station is not None, "the window opens only on a configured station"
        return self.counter.station

    @property
    def clerk_id(self) -> int:
        return self.session.clerk.id

    @property
    def window_no(self) -> int:
        return self.session.window_no

    @cached_property
    def slips(self) -> SlipService:
        """Printing of notices and tickets (a no-op when printing is not installed)."""
        return SlipService(self.ops)

    @cached_property
    def item_index(self) -> ItemIndex:
        """Built once per catalogue; its pinyin is computed in the background."""
        return ItemIndex(self.catalogue, self.station.level)

    def catalogue_changed(self) -> None:
        """A new catalogue is active: the item search is rebuilt from it."""
        self.__dict__.pop("item_index", None)
        self.item_index.build_async()
