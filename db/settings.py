"""Durable key/value settings kept in the store (window number, printer choices, sync times…).

Values are JSON. The secrets that let someone act for the station or open its store (the hub
token, the queue key, the signing, TLS and store keys) do not live here: they go to the
system keyring only. What is here is sealed with the store (the slip secret, the hash of the
administrator's code among it).
"""

from __future__ import annotations

import json
from typing import Any

from db.store import Store


class Settings:
    def __init__(self, store: Store) -> None:
        self._store = store

    def get(self, key: str, default: Any = None) -> Any:
        raw = self._store.scalar("SELECT value FROM settings WHERE key = ?", (key,))
        return default if raw is None else json.loads(raw)

    def set(self, key: str, value: Any) -> None:
        with self._store.transaction():
            self._store.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value, ensure_ascii=False)),
            )

    def delete(self, key: str) -> None:
        with self._store.transaction():
            self._store.execute("DELETE FROM settings WHERE key = ?", (key,))
