"""Shared infrastructure of the site: the public version and its change log, the page cache,
the read replica's router, request limits, the client's address, the health check and the
error pages. Imports nothing of the apps built on it (tests/test_architecture.py)."""
