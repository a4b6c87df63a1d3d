"""A station enrols with the county's one-time code (县中心登记码, issue 14): the code is
checked (`enrol_code.parse`: a typo is caught before anything is sent), its secret sent to
the hub's `POST /v1/enrol`, and what comes back — the station's data, token and signing key,
the hub's keys — checked against the code (the hub's key must have the code's fingerprint)
before anything is stored. Then the station's data goes into the store, the token and signing
key into the system keyring (never a file), the hub's address and its key (pinned) into the
settings, as `service.setup` does for the manual path.

A wrong, expired, used or voided code, an unusable keyring or an answer that does not match
the code is an `EnrolError` with the clerk's message, and nothing is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from counterapp.clock import Clock
from counterapp.station import Station, load_station, save_station
from counterapp.sync import credentials, enrol_code, service
from counterapp.sync.client import HubClient, RejectedError, SyncError, TransientError
from counterapp.sync.enrol_code import EnrolCode, EnrolCodeError
from counterapp.sync.transfer import TransferError, certified_key
from db.store import Store

REFUSED = {
    404: "县中心没有这个登记码：请逐位核对，或请县中心重新生成登记码",
    "used": "这个登记码已经使用过（每个登记码只能用一次）：请县中心重新生成登记码",
    "expired": "这个登记码已过期（有效期72小时）：请县中心重新生成登记码",
    "void": "这个登记码已作废（县中心已重新生成登记码或已吊销本站）：请使用最新的登记码",
}
NOTHING_STORED = "本机未保存任何内容。"


class EnrolError(ValueError):
    """The enrolment did not happen; str() is the clerk's message (Chinese)."""


@dataclass(frozen=True)
class Enrolment:
    """What the hub gave for a code, checked against it. Holds secrets: never logged."""

    code: EnrolCode
    station: Station
    token: str
    signing_key: str
    hub_public_key: str
    hub_transfer_key: str

    def __repr__(self) -> str:
        return f"Enrolment({self.station.code}, {self.code.hub_url})"


def _verify(ca_bundle: str | None, insecure_loopback: bool) -> bool | str:
    return False if insecure_loopback else (ca_bundle or True)


def fetch(
    text: str,
    *,
    ca_bundle: str | None = None,
    insecure_loopback: bool = False,
    timeout: float = 30.0,
) -> Enrolment:
    """Redeem the code at its hub (the code is spent by this) and check the answer."""
    try:
        code = enrol_code.parse(text)
    except EnrolCodeError as exc:
        raise EnrolError(f"{exc}。{NOTHING_STORED}") from exc
    credentials.check_usable()  # before the code is spent: the secrets must have a home
    try:
        client = HubClient(
            code.hub_url, "-", verify=_verify(ca_bundle, insecure_loopback), timeout=timeout
        )
    except ValueError as exc:
        raise EnrolError(f"{exc}。{NOTHING_STORED}") from exc
    with client:
        try:
            answer = client.enrol(code.secret)
        except RejectedError as exc:
            reason = str(exc).rsplit("enrolment code ", 1)[-1].strip()
            message = REFUSED.get(exc.status if exc.status == 404 else reason)
            raise EnrolError(f"{message or exc.message}。{NOTHING_STORED}") from exc
        except TransientError as exc:
            raise EnrolError(
                f"无法连接县中心（{code.hub_url}）或县中心繁忙：请检查网络后重试。{NOTHING_STORED}"
            ) from exc
        except SyncError as exc:
            raise EnrolError(f"{exc.message}。{NOTHING_STORED}") from exc
    return _checked(code, answer)


def _checked(code: EnrolCode, answer: dict[str, Any]) -> Enrolment:
    try:
        hub_public = str(answer["hub_public_key"])
        transfer_key = str(answer["hub_transfer_key"])
        station = Station(**{field: str(answer["station"][field]) for field in Station._fields})
        enrolment = Enrolment(
            code,
            station,
            str(answer["token"]),
            str(answer["signing_key"]),
            hub_public,
            transfer_key,
        )
    except (KeyError, TypeError) as exc:
        raise EnrolError(f"县中心的答复不完整。{NOTHING_STORED}") from exc
    if enrol_code.fingerprint(hub_public) != code.hub_fingerprint:
        raise EnrolError(
            "县中心公钥与登记码不符：可能连到了假冒的县中心，请联系县医保中心信息人员。"
            + NOTHING_STORED
        )
    try:
        certified_key(transfer_key, hub_public)
    except TransferError as exc:
        raise EnrolError(f"县中心加密公钥未经其签名。{NOTHING_STORED}") from exc
    if station.problems():
        raise EnrolError(f"县中心登记的站点信息不完整：{'；'.join(station.problems())}")
    return enrolment


def refusal(store: Store, enrolment: Enrolment) -> str | None:
    """Why this store cannot take the enrolment (it belongs to another station), or None."""
    held = load_station(store)
    if held is not None and held.code != enrolment.station.code:
        return (
            f"本机已设置为站点 {held.code}（{held.name}），登记码属于站点 "
            f"{enrolment.station.code}（{enrolment.station.name}）：请县中心核对。" + NOTHING_STORED
        )
    return None


def apply(
    store: Store,
    enrolment: Enrolment,
    clock: Clock,
    *,
    ca_bundle: str | None = None,
    insecure_loopback: bool = False,
) -> None:
    """Store what the enrolment gave: the station, the secrets (keyring), the sync settings."""
    problem = refusal(store, enrolment)
    if problem:
        raise EnrolError(problem)
    held = load_station(store)
    if held != enrolment.station:
        save_station(store, enrolment.station, clock)
    service.setup(
        store,
        enrolment.code.hub_url,
        enrolment.token,
        enrolment.signing_key,
        enrolment.hub_public_key,
        hub_transfer_key=enrolment.hub_transfer_key,
        ca_bundle=ca_bundle,
        insecure_loopback=insecure_loopback,
    )
