"""Secrets in memory, for the self-test and the tests: neither may read or write the station's
real keyring (Windows Credential Manager), where the hub token, the transfer signing key, the
queue key, the queue host's TLS key and the store key live."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import keyring
from keyring.backend import KeyringBackend


class MemoryKeyring(KeyringBackend):
    """A keyring backend that keeps its secrets in a dict."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # keyring leaves it unannotated
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.secrets.pop((service, username), None)


class SharingKeyring(MemoryKeyring):
    """In memory, but one service's secrets go to and come from the keyring in force before
    (the tests share store keys with the program in a child process that way)."""

    def __init__(self, shared: str, outer: KeyringBackend) -> None:
        super().__init__()
        self._shared, self._outer = shared, outer

    def get_password(self, service: str, username: str) -> str | None:
        if service == self._shared:
            return self._outer.get_password(service, username)
        return super().get_password(service, username)

    def set_password(self, service: str, username: str, password: str) -> None:
        if service == self._shared:
            self._outer.set_password(service, username, password)
        else:
            super().set_password(service, username, password)


@contextmanager
def in_memory_keyring(shared: str | None = None) -> Iterator[MemoryKeyring]:
    """The process's keyring is a fresh `MemoryKeyring` inside the block, the previous one after;
    with `shared`, that service stays in the previous keyring."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring() if shared is None else SharingKeyring(shared, previous)
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)
