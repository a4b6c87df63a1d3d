"""The station's sync, put together for the command line, the scheduler and the window:
settings (hub address, pinned hub key), the keyring token, one run, and the status line.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from counterapp import store_key
from counterapp.clock import Clock, stamp
from counterapp.sync import credentials, outbox
from counterapp.sync.client import HubClient, SyncError, is_loopback
from counterapp.sync.engine import Progress, RetryPolicy, SyncEngine, SyncReport
from counterapp.sync.schedule import SyncPolicy, SyncScheduler, history
from counterapp.sync.transfer import TransferError
from db.settings import Settings
from db.store import Store

HUB_URL_KEY = "sync.hub_url"
CA_BUNDLE_KEY = "sync.ca_bundle"  # the county's own CA, if its certificate uses one
INSECURE_KEY = "sync.insecure_loopback"  # tests only: honoured for a loopback hub alone
HUB_PUBLIC_KEY = "sync.hub_public_key"  # pinned at set-up; checks acknowledgement files
# the hub's transfer key that USB files are encrypted to, as certified by the pinned key: from
# the set-up, the hub online, or an ack file (counterapp.sync.transfer.certify)
HUB_TRANSFER_KEY = "sync.hub_transfer_key"
BATCH_RECORDS_KEY = "sync.batch_records"  # records per batch (smaller on a poor link)
RECENT_DAYS = 14
FULL_DAYS = 400
# For the clerk, in the window too: what to do, never a command to run (the command line
# adds the command for the technician, `counterapp.sync.commands`).
NOT_CONFIGURED = (
    "尚未设置县中心同步：请联系县医保中心技术人员设置同步（没有网络的村服务点可用U盘交换数据）。"
)


class SyncStatus(NamedTuple):
    last_success: str | None
    last_attempt: str | None
    last_error: str | None
    pending: int
    configured: bool


def setup(
    store: Store,
    hub_url: str,
    token: str,
    signing_key: str | None,
    hub_public_key: str | None,
    *,
    hub_transfer_key: str | None = None,
    ca_bundle: str | None = None,
    insecure_loopback: bool = False,
) -> None:
    """Save the hub address in settings and the secrets in the keyring (never in a file)."""
    code = outbox.identity(store).station
    HubClient(hub_url, "-", verify=False if insecure_loopback else (ca_bundle or True)).close()
    credentials.save(code, token, signing_key)
    settings = Settings(store)
    settings.set(HUB_URL_KEY, hub_url.rstrip("/"))
    if ca_bundle:
        settings.set(CA_BUNDLE_KEY, ca_bundle)
    if insecure_loopback:
        settings.set(INSECURE_KEY, True)
    if hub_public_key:
        settings.set(HUB_PUBLIC_KEY, hub_public_key.strip())
    if hub_transfer_key:
        note_transfer_key(store, hub_transfer_key)


def note_transfer_key(store: Store, certificate: str) -> None:
    """Keep the hub's transfer key if the pinned hub key certifies it (else TransferError)."""
    from counterapp.sync import transfer

    settings = Settings(store)
    pinned = settings.get(HUB_PUBLIC_KEY)
    if not pinned:
        raise transfer.TransferError("本站尚未登记县中心公钥，无法核验县中心加密公钥")
    transfer.certified_key(certificate, pinned)
    if settings.get(HUB_TRANSFER_KEY) != certificate.strip():
        settings.set(HUB_TRANSFER_KEY, certificate.strip())


def make_client(store: Store, timeout: float = 30.0) -> HubClient:
    """A client for this station's hub; raises CredentialsError with a set-up message."""
    settings = Settings(store)
    url = settings.get(HUB_URL_KEY)
    if not url:
        raise credentials.CredentialsError(NOT_CONFIGURED)
    token = credentials.token(outbox.identity(store).station)
    verify: bool | str = settings.get(CA_BUNDLE_KEY) or True
    if settings.get(INSECURE_KEY) and is_loopback(url):
        verify = False
    return HubClient(url, token, verify=verify, timeout=timeout)


def sync_now(
    store: Store,
    clock: Clock,
    *,
    progress: Progress | None = None,
    retry: RetryPolicy | None = None,
    timeout: float = 30.0,
    full: bool | None = None,
) -> SyncReport:
    """One run. Set-up problems come back in the report like any other failure.

    Reconciliation covers the last RECENT_DAYS days, or FULL_DAYS in the nightly window (or
    with `full`), so the hub is not asked for a station's whole history every 15 minutes."""
    try:
        client = make_client(store, timeout)
    except credentials.CredentialsError as exc:
        now = stamp(clock.now())
        store.insert(
            "sync_runs",
            {
                "started_at": now,
                "finished_at": now,
                "via": "online",
                "ok": 0,
                "error": f"setup: {exc}",
            },
        )
        return SyncReport(
            ok=False,
            error=str(exc),
            error_kind="setup",
            message=str(exc),
            pending=outbox.pending_count(store),
        )
    with client:
        size = int(Settings(store).get(BATCH_RECORDS_KEY, outbox.DEFAULT_MAX_RECORDS))
        if full is None:
            full = SyncPolicy.from_settings(Settings(store)).in_window(clock.now())
        engine = SyncEngine(
            store,
            clock,
            client,
            retry=retry,
            progress=progress,
            max_records=max(1, size),
            reconcile_days=FULL_DAYS if full else RECENT_DAYS,
        )
        report = engine.run()
        if report.ok:
            try:
                _take_hub_keys(store, client)
            except (SyncError, TransferError) as exc:  # USB files wait for it; sync is done
                report.warnings.append(f"未能取得县中心加密公钥：{exc}")
        return report


def _take_hub_keys(store: Store, client: HubClient) -> None:
    """Pin the hub's key if none is yet, and keep its transfer key (for USB files) current."""
    keys = client.hub_keys()
    settings = Settings(store)
    if not settings.get(HUB_PUBLIC_KEY):
        settings.set(HUB_PUBLIC_KEY, str(keys["public_key"]))
    if keys.get("transfer_key"):
        note_transfer_key(store, str(keys["transfer_key"]))


def sync_file(
    path: Path, clock: Clock, *, progress: Progress | None = None, retry: RetryPolicy | None = None
) -> SyncReport:
    """One run on a connection of its own to the store at `path`: for the window, whose one
    store thread must not wait minutes on the network (a connection serves one thread)."""
    with store_key.open_store(path) as store:
        return sync_now(store, clock, progress=progress, retry=retry)


def is_due(store: Store, clock: Clock) -> bool:
    scheduler = SyncScheduler(SyncPolicy.from_settings(Settings(store)))
    return scheduler.is_due(clock.now(), history(store))


def status(store: Store) -> SyncStatus:
    success = store.scalar("SELECT max(finished_at) FROM sync_runs WHERE ok = 1 AND via = 'online'")
    last = store.one(
        "SELECT started_at, ok, error FROM sync_runs WHERE via = 'online' ORDER BY id DESC LIMIT 1"
    )
    return SyncStatus(
        last_success=success,
        last_attempt=last["started_at"] if last else None,
        last_error=None if last is None or last["ok"] else last["error"],
        pending=outbox.pending_count(store),
        configured=bool(Settings(store).get(HUB_URL_KEY)),
    )
