"""The `make bench` harness: time the public pages through gunicorn against the Django
admin and Datasette on the same data, then a load test (see docs/benchmarks.md).

Each module holds one concern; `benchmarks/management/commands/bench.py` ties them together.
Only `queries` and `datasette_db` need Django; the others are plain Python.
"""
