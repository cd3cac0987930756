"""Shared infrastructure of the site: request limits, the client's address, the health check
and the error pages. Imports nothing of the apps built on it."""
