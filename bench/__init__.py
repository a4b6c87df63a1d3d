"""Benchmarks and sample data for development (`python3 dev.py bench`): not part of the
station program or the hub, never shipped in the bundle or a wheel."""
