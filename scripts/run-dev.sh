#!/usr/bin/env bash
# `make run`: the development server with the task worker beside it (large exports and
# import confirmations run in the worker); stopping the server (Ctrl+C) stops the worker.
set -euo pipefail
python=${PYTHON:-.venv/bin/python}
# A fixed worker id: the jobs a killed previous worker left "running" are failed at once
# (docs/reliability.md); the others end when their lease runs out.
"$python" manage.py fail_stale_jobs --worker-id dev --verbosity 0
"$python" manage.py db_worker --interval 1 --worker-id dev &
worker=$!
trap 'kill "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true' EXIT INT TERM
"$python" manage.py runserver 127.0.0.1:8000
