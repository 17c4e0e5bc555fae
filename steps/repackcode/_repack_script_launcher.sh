#!/bin/sh
# Runs _repack_model.py from the code directory with the job's Python.
set -e
cd "$(dirname "$0")"
if command -v python3 >/dev/null 2>&1; then
	exec python3 _repack_model.py
fi
exec python _repack_model.py
