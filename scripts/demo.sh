#!/usr/bin/env bash
# The main job on generated sample scans, on the embedded default store (no server needed):
# install, generate scans with ground truth, ingest them, export what was read, search it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export ARCHIVE_DATA_DIR="${ARCHIVE_DATA_DIR:-./archive-data}"
.venv/bin/python -m scripts.make_samples samples --count "${DEMO_FILES:-8}" --seed 2026 --catalogue
.venv/bin/archive ingest samples/scans || echo "(some files failed: see the table above)"
.venv/bin/archive export --format jsonl --with-text -o samples/export.jsonl
echo "导出结果：samples/export.jsonl（每个源文件一行）"
head -c 600 samples/export.jsonl; echo
# Search the embedded index that ingest filled: a veteran's name, then any text.
name="$(.venv/bin/python -c 'import glob, json; print(json.load(open(sorted(glob.glob("samples/truth/*.json"))[0], encoding="utf-8"))["fields"]["name"])')"
echo "按姓名检索：${name}"
.venv/bin/archive search --name "$name"
echo "全文检索：三等功"
.venv/bin/archive search 三等功 --size 5
# An eligibility check: a fictional unit catalogue made for these samples, then one veteran
# checked against the example 涉核 programme (exit 0 met, 3 not met, 4 unproven).
.venv/bin/archive catalogue import samples/catalogue.csv --catalogue 涉核部队目录 \
  --doc-number "示例〔2026〕1号（虚构）" --effective 2026-01-01 || true
id_number="$(.venv/bin/python -c 'import glob, json; print(json.load(open(sorted(glob.glob("samples/truth/*.json"))[0], encoding="utf-8"))["fields"]["id_number"])')"
echo "资格核查（涉核人员身份核查）：第一份样例"
{ .venv/bin/archive check --programme nuclear --id "$id_number" || true; } | head -c 1500; echo
