#!/usr/bin/env bash
# The main job on generated sample scans, on the embedded default store (no server needed):
# install, generate scans with ground truth, ingest them, export what was read.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export ARCHIVE_DATA_DIR="${ARCHIVE_DATA_DIR:-./archive-data}"
.venv/bin/python -m scripts.make_samples samples --count "${DEMO_FILES:-8}" --seed 2026
.venv/bin/archive ingest samples/scans || echo "(some files failed: see the table above)"
.venv/bin/archive export --format jsonl --with-text -o samples/export.jsonl
echo "导出结果：samples/export.jsonl（每个源文件一行）"
head -c 600 samples/export.jsonl; echo
