"""Durable key/value settings kept in the store (window number, printer choices, sync times…).

Values are JSON. Settings that belong to one PC rather than to the station's data (such as the
county hub's token) do not live here: tokens go to the system keyring only.
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
