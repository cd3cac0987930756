#!/usr/bin/env bash
# `make run`: the development server with the task worker beside it (large exports and
# import confirmations run in the worker); stopping the server (Ctrl+C) stops the worker.
set -euo pipefail
python=${PYTHON:-.venv/bin/python}
"$python" manage.py db_worker --interval 1 &
worker=$!
trap 'kill "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true' EXIT INT TERM
"$python" manage.py runserver 127.0.0.1:8000
