"""Station enrolment (站点登记, issue 14): the county registers a station on the workbench and
gets a one-time enrolment code (`counterapp.sync.enrol_code`); the station sends the code's
secret to `POST /v1/enrol` and receives its token, signing key and data, once.

- Only the SHA-256 of a code's secret is kept. A code works once, for `LIFETIME`; issuing a
  new one for a station voids its older ones, and revoking the station voids them all.
- Redeeming rotates the station's token and signing key (`stations.rotate`'s effect, in the
  same transaction that marks the code used), so a code stolen after it was used is worth
  nothing, and one used by a thief first leaves the real station unable to enrol: the county
  sees it and issues another (which cuts the thief off).
- Every registration, code, revocation and enrolment goes into the staff journal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from counterapp.clock import stamp
from counterapp.station import Station
from counterapp.sync import enrol_code
from counterapp.sync.enrol_code import EnrolCode
from counterapp.sync.transfer import new_key_pair
from counterapp.typed_text import hidden_problem
from hub import audit, identity, stations
from hub.db import Database, Tx

LIFETIME = timedelta(hours=72)
NAME_MAX, ADDRESS_MAX = 40, 100
PHONE = re.compile(r"(0\d{2,3}-?\d{7,8}(-\d{1,6})?|1\d{10}|\d{5})")
PHONE_HINT = "监督电话应为固定电话（如 0537-5211234）、手机号或 12345 这类5位服务电话"


class EnrolRefused(Exception):
    """A secret that enrols nothing: `reason` is unknown, used, void or expired."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"enrolment code {reason}")
        self.reason = reason


@dataclass(frozen=True)
class Listed:
    """A station as the workbench lists it."""

    station: Station
    revoked: bool
    last_sync_at: str | None
    enrolled_at: str | None
    code_expires_at: str | None  # an open (unused, unexpired) code's end


def problems(station: Station) -> list[str]:
    """What is wrong with a station the county registers (Chinese, for the form)."""
    found = station.problems()
    if len(station.name) > NAME_MAX:
        found.append(f"站点名称不能超过 {NAME_MAX} 个字")
    if not station.address:
        found.append("地址不能为空")
    elif len(station.address) > ADDRESS_MAX:
        found.append(f"地址不能超过 {ADDRESS_MAX} 个字")
    if not PHONE.fullmatch(station.supervision_phone):
        found.append(PHONE_HINT)
    for text, field in ((station.name, "站点名称"), (station.address, "地址")):
        if (problem := hidden_problem(text, field)) is not None:
            found.append(problem)
    return found


def register(db: Database, station: Station, hub_url: str, now: datetime, by: str) -> EnrolCode:
    """A new station and its first enrolment code (raises StationProblem with the reasons)."""
    found = problems(station)
    if found:
        raise stations.StationProblem("；".join(found))
    at = stamp(now)
    with db.transaction(write=False) as tx:
        if tx.scalar("SELECT 1 FROM stations WHERE code = ?", (station.code,)):
            raise stations.StationProblem(f"站点编码 {station.code} 已登记")
    stations.register(db, station.code, station.name, station.level, at)  # secrets unseen
    with db.transaction() as tx:
        tx.execute(
            "UPDATE stations SET county_code = ?, county_name = ?, address = ?, phone = ? "
            "WHERE code = ?",
            (
                station.county_code,
                station.county_name,
                station.address,
                station.supervision_phone,
                station.code,
            ),
        )
        audit.record(tx, at, by, "station_registered", detail=f"{station.code} {station.name}")
    return issue(db, station.code, hub_url, now, by)


def issue(db: Database, code: str, hub_url: str, now: datetime, by: str) -> EnrolCode:
    """A new enrolment code for a registered station; its older codes stop working."""
    at = stamp(now)
    made = enrol_code.new(hub_url, identity.public_key(db, at))
    with db.transaction() as tx:
        if not tx.scalar("SELECT 1 FROM stations WHERE code = ?", (code,)):
            raise stations.StationProblem(f"没有站点 {code}")
        _void(tx, code, at)
        tx.execute(
            "INSERT INTO enrolments (station, secret_hash, created_at, created_by, expires_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (code, enrol_code.secret_hash(made.secret), at, by, stamp(now + LIFETIME)),
        )
        audit.record(tx, at, by, "enrol_code_issued", detail=code)
    return made


def revoke(db: Database, code: str, now: datetime, by: str) -> None:
    """The station's token stops working at once and its open codes with it."""
    at = stamp(now)
    stations.revoke(db, code, at)
    with db.transaction() as tx:
        _void(tx, code, at)
        audit.record(tx, at, by, "station_revoked", detail=code)


def _void(tx: Tx, code: str, at: str) -> None:
    tx.execute(
        "UPDATE enrolments SET voided_at = ? WHERE station = ? AND used_at IS NULL "
        "AND voided_at IS NULL",
        (at, code),
    )


def redeem(db: Database, secret: str, now: datetime, address: str) -> dict[str, Any]:
    """The station's credentials and data for a valid secret, once (EnrolRefused else)."""
    at = stamp(now)
    hub_public, hub_transfer = identity.public_key(db, at), identity.transfer_key(db, at)
    token = stations.new_token()
    private, public = new_key_pair()
    with db.transaction() as tx:
        row = tx.one(
            "SELECT id, station, expires_at, used_at, voided_at FROM enrolments "
            "WHERE secret_hash = ?",
            (enrol_code.secret_hash(secret),),
        )
        if row is None:
            raise EnrolRefused("unknown")
        number, code, expires_at, used_at, voided_at = row
        if used_at is not None:
            raise EnrolRefused("used")
        if voided_at is not None:
            raise EnrolRefused("void")
        if expires_at <= at:
            raise EnrolRefused("expired")
        if (
            tx.execute(
                "UPDATE enrolments SET used_at = ?, used_from = ? WHERE id = ? AND used_at IS NULL",
                (at, address[:64], number),
            )
            != 1
        ):
            raise EnrolRefused("used")  # another request took it in the meantime
        tx.execute(
            "UPDATE stations SET token_hash = ?, public_key = ?, rotated_at = ?, "
            "revoked_at = NULL WHERE code = ?",
            (stations.token_hash(token), public, at, code),
        )
        audit.record(tx, at, f"站点 {code}", "station_enrolled", detail=code, address=address)
        station = _station(tx, code)
    return {
        "station": station._asdict(),
        "token": token,
        "signing_key": private,
        "hub_public_key": hub_public,
        "hub_transfer_key": hub_transfer,
    }


_COLUMNS = "code, name, level, county_code, county_name, address, phone"


def _station(tx: Tx, code: str) -> Station:
    row = tx.one(f"SELECT {_COLUMNS} FROM stations WHERE code = ?", (code,))
    assert row is not None
    return Station(*(value or "" for value in row))


def listed(db: Database, now: datetime) -> list[Listed]:
    at = stamp(now)
    with db.transaction(write=False) as tx:
        rows = tx.all(
            f"SELECT {_COLUMNS}, revoked_at, last_sync_at, "
            "(SELECT max(used_at) FROM enrolments e WHERE e.station = s.code), "
            "(SELECT max(expires_at) FROM enrolments e WHERE e.station = s.code "
            " AND used_at IS NULL AND voided_at IS NULL AND expires_at > ?) "
            "FROM stations s ORDER BY code",
            (at,),
        )
    return [
        Listed(Station(*(value or "" for value in r[:7])), r[7] is not None, r[8], r[9], r[10])
        for r in rows
    ]


def county(db: Database) -> tuple[str, str]:
    """The county code and name the last registered station had (the form's default)."""
    with db.transaction(write=False) as tx:
        row = tx.one(
            "SELECT county_code, county_name FROM stations WHERE county_code IS NOT NULL "
            "ORDER BY created_at DESC, code DESC LIMIT 1"
        )
    return (str(row[0]), str(row[1])) if row else ("", "")
