"""Sync to the county hub (issue 4): wire format, outbox batches, client, offline transfer,
down-sync and schedule. No Qt here; `ui/sync_status.py` shows it in the window."""
