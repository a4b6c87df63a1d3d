"""`Counter`: one open station store with its services, for the window, the CLI and tests."""

from __future__ import annotations

from pathlib import Path

# lookups and sessions are not used here: the window calls them, and importing this module
# loads the core before Qt (docs/architecture.md, "Start-up")
from counterapp import calendar_store, catalogue_store, lookups, retention, sessions, store_key  # noqa: F401
from counterapp.cases import CaseService
from counterapp.catalogue import Catalogue
from counterapp.clock import Clock
from counterapp.complaints import ComplaintService
from counterapp.lan_queue import roles as queue_roles
from counterapp.lan_queue.client import RemoteQueue
from counterapp.queue import Queue
from counterapp.ratings import RatingService
from counterapp.station import Station, StationNotConfigured, load_station, save_station
from counterapp.workdays import YearCalendar
from db.settings import Settings
from db.store import Store
from db.store import StoreTooNew as StoreTooNew  # re-exported: the window names it to the clerk

StoreKeyError = store_key.StoreKeyError  # re-exported likewise


class Counter:
    """The station's store and services. Open with `Counter.open(path)`; close when done."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self.settings = Settings(store)
        self.catalogue: Catalogue = catalogue_store.ensure_catalogue(store, clock)
        self.calendar = calendar_store.work_calendar(store)
        self.queue: Queue = queue_roles.open_queue(store, clock, self.settings)
        self.station: Station | None = load_station(store)
        self._cases: CaseService | None = None
        self.ratings = RatingService(store, clock, self.calendar)
        self.erased = retention.erase_expired(store, clock)  # past the retention period

    @classmethod
    def open(cls, path: Path | str, clock: Clock | None = None, *, demo: bool = False) -> Counter:
        """The store at `path` sealed under its key from the keyring (`store_key`); `demo`:
        the demo store, unsealed where there is no keyring."""
        return cls(store_key.open_store(Path(path), demo=demo), clock or Clock())

    @property
    def cases(self) -> CaseService:
        if self.station is None:
            raise StationNotConfigured("尚未设置本站信息，请先完成站点设置")
        if self._cases is None:
            self._cases = CaseService(
                self.store,
                self.clock,
                self.station.code,
                self.window_no,
                self.station.level,
                self.calendar,
                self.queue,
            )
        return self._cases

    @property
    def complaints(self) -> ComplaintService:
        """The complaints register, with the calendar in use now."""
        return ComplaintService(self.store, self.clock, self.calendar)

    @property
    def window_no(self) -> int:
        """This PC's window number (窗口号): on tickets called here and in case numbers."""
        return int(self.settings.get("window_no", 1))

    def set_window_no(self, window_no: int) -> None:
        if not 1 <= window_no <= 99:
            raise ValueError("窗口号应为1-99")
        self.settings.set("window_no", window_no)
        self._cases = None

    def configure_station(self, station: Station) -> None:
        save_station(self.store, station, self.clock)
        self.station = station
        self._cases = None

    def configure_queue(self, link: queue_roles.QueueLink) -> queue_roles.QueueLink:
        """Make this PC standalone, the station's queue host, or a client of the host."""
        saved = queue_roles.configure(self.settings, link)
        self._close_queue()
        self.queue = queue_roles.open_queue(self.store, self.clock, self.settings)
        self._cases = None
        return saved

    def reload_catalogue(self) -> Catalogue:
        """Take up the active catalogue again, e.g. after a sync brought the county's new one."""
        self.catalogue = catalogue_store.ensure_catalogue(self.store, self.clock)
        return self.catalogue

    def import_catalogue(self, path: Path) -> Catalogue:
        self.catalogue = catalogue_store.import_path(self.store, path, self.clock)
        return self.catalogue

    def import_calendar_year(self, calendar: YearCalendar) -> None:
        calendar_store.import_year(self.store, calendar, self.clock)
        self.reload_calendar()

    def reload_calendar(self) -> None:
        """Take up the stored official calendars again, e.g. after a sync brought the county's
        calendar of next year: deadlines computed from now on follow it."""
        self.calendar = calendar_store.work_calendar(self.store)
        self.ratings = RatingService(self.store, self.clock, self.calendar)
        if self._cases is not None:
            self._cases.set_calendar(self.calendar)

    def _close_queue(self) -> None:
        if isinstance(self.queue, RemoteQueue):
            self.queue.close()

    def close(self) -> None:
        self._close_queue()
        self.store.close()

    def __enter__(self) -> Counter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
