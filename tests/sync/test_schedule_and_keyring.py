"""The schedule (interval, nightly window, backoff) and the keyring-only token."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import httpx
import keyring
import pytest
from keyring.backends import fail

from counterapp.clock import CST
from counterapp.sync import credentials, service
from counterapp.sync.client import HubClient, TransientError
from counterapp.sync.schedule import History, SyncPolicy, SyncScheduler, parse_window

T0 = datetime(2026, 11, 25, 10, 0, tzinfo=CST)
POLICY = SyncPolicy(timedelta(minutes=15), time(2, 0), time(5, 0))


def test_interval_and_first_run():
    scheduler = SyncScheduler(POLICY)
    assert scheduler.is_due(T0, History(None, None, 0))
    past = History(T0, T0, 0)
    assert not scheduler.is_due(T0 + timedelta(minutes=14), past)
    assert scheduler.is_due(T0 + timedelta(minutes=15), past)


def test_failures_back_off_exponentially_with_jitter_and_a_cap():
    scheduler = SyncScheduler(POLICY)
    waits = [scheduler.backoff(n, T0) for n in range(12)]
    assert waits[0] >= timedelta(minutes=7.5) and waits[3] >= timedelta(minutes=60)
    assert max(waits) <= timedelta(hours=4)
    assert scheduler.backoff(3, T0) == scheduler.backoff(3, T0)  # stable per attempt
    assert scheduler.backoff(3, T0) != scheduler.backoff(3, T0 + timedelta(seconds=1))
    failing = History(T0, None, 3)
    assert not scheduler.is_due(T0 + timedelta(minutes=20), failing)
    assert scheduler.is_due(T0 + timedelta(hours=4), failing)


def test_nightly_window_only():
    scheduler = SyncScheduler(SyncPolicy(None, time(23, 0), time(4, 0)))  # wraps midnight
    day = History(T0, T0, 0)
    assert not scheduler.is_due(T0 + timedelta(hours=3), day)
    night = T0.replace(hour=23, minute=30)
    assert scheduler.is_due(night, day)
    assert not scheduler.is_due(night + timedelta(hours=1), History(night, night, 0))
    assert scheduler.is_due(night + timedelta(days=1), History(night, night, 0))
    with pytest.raises(ValueError, match="HH:MM"):
        parse_window("2点-5点")


def test_settings_drive_the_policy(town):
    town.settings.set("sync.interval_minutes", 0)
    town.settings.set("sync.nightly_window", "01:30-03:00")
    policy = SyncPolicy.from_settings(town.settings)
    assert policy.interval is None and policy.night_start == time(1, 30)
    assert service.is_due(town.store, town.clock)  # never ran


def test_without_a_keyring_backend_the_clerk_gets_a_set_up_message(town, tmp_path):
    keyring.set_keyring(fail.Keyring())
    with pytest.raises(credentials.CredentialsError, match="系统密钥库"):
        service.setup(town.store, "https://hub.example.cn", "cah_secret", None, None)
    town.settings.set(service.HUB_URL_KEY, "https://hub.example.cn")
    report = service.sync_now(town.store, town.clock)
    assert not report.ok and report.error_kind == "setup" and "密钥库" in report.message
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert b"cah_secret" not in path.read_bytes()


def test_token_lives_in_the_keyring_only(town, tmp_path, memory_keyring):
    service.setup(town.store, "https://hub.example.cn", "cah_secret_token", "a2V5", None)
    assert memory_keyring.secrets[("counterapp-hub", town.station.code)] == "cah_secret_token"
    town.store.execute("PRAGMA wal_checkpoint(FULL)")
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert b"cah_secret_token" not in path.read_bytes()
    memory_keyring.secrets.clear()
    report = service.sync_now(town.store, town.clock)
    assert report.error_kind == "setup" and "联系县医保中心技术人员" in report.message
    assert "counterapp" not in report.message  # a clerk is never told to run a command


def test_tls_is_required_off_the_loopback():
    with pytest.raises(ValueError, match="https"):
        HubClient("http://hub.example.cn", "t")
    with pytest.raises(ValueError, match="证书"):
        HubClient("https://hub.example.cn", "t", verify=False)
    HubClient("https://hub.example.cn", "t").close()
    HubClient("http://127.0.0.1:8470", "t", verify=False).close()


@pytest.mark.parametrize("body", [b"[]", b'"ok"', b"<html>bad gateway</html>"])
def test_an_answer_that_is_not_a_json_object_is_transient(body):
    """A proxy's page or a cut body is retried later, never read as the hub's answer."""
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=body))
    with (
        HubClient("http://127.0.0.1:8470", "t", verify=False, transport=transport) as client,
        pytest.raises(TransientError, match="unreadable answer"),
    ):
        client.whoami()
