#!/usr/bin/env bash
# Everything the test suite needs, then the suite: lint, format check, types, tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --dev
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
# A real Elasticsearch for the search contract tests: fetched with mvn and cached on first use.
# The tests never skip it; if it cannot start, this fails here and says why.
scripts/elasticsearch.sh start
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
