"""The `archive` command as other tools drive it: a real process, real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from archive.domain import FIELD_KEYS
from archive.search.feed import drain
from archive.search.sqlite_backend import SqliteBackend
from archive.store import Store
from archive.store.audit import AuditLog
from scripts.bench_extract import expected_fields
from scripts.samplegen.generate import SampleFile
from tests.archive.records import save
from tests.conftest import TEST_DPI

ARCHIVE = Path(sys.executable).parent / "archive"


def _archive(args: list[str], data: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ARCHIVE_DATA_DIR": str(data), "ARCHIVE_PDF_DPI": str(TEST_DPI)}
    return subprocess.run(
        [str(ARCHIVE), *args], env=env, capture_output=True, text=True, timeout=600
    )


def test_ingest_exit_status_summary_and_export(samples: list[SampleFile], tmp_path: Path) -> None:
    data = tmp_path / "data"
    broken = tmp_path / "坏文件.pdf"
    broken.write_text("not a pdf", encoding="utf-8")
    jpeg = next(s for s in samples if s.path.suffix == ".jpg")
    pdf = next(s for s in samples if s.path.suffix == ".pdf")

    done = _archive(["ingest", str(jpeg.path), str(pdf.path), str(broken)], data)
    assert done.returncode == 1  # a file failed
    assert "坏文件.pdf" in done.stderr and "unsupported_type" in done.stderr
    assert "成功 2，跳过 0，失败 1" in done.stderr

    # Personal data, for the account that runs the archive only.
    assert data.stat().st_mode & 0o777 == 0o700
    for path in (data / "archive.db", *(data / "originals").rglob("*.*")):
        assert path.stat().st_mode & 0o777 == 0o600, path
    again = _archive(["ingest", str(jpeg.path), str(pdf.path)], data)
    assert again.returncode == 0 and "成功 0，跳过 2，失败 0" in again.stderr

    out = tmp_path / "export.jsonl"
    assert (
        _archive(["export", "--format", "jsonl", "--with-text", "-o", str(out)], data).returncode
        == 0
    )
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    # Documents are numbered in the order they finish, which parallel workers do not fix.
    by_source = {r["source"]: r for r in records}
    assert sorted(by_source) == sorted([jpeg.path.name, pdf.path.name]) and len(records) == 2
    for sample in (jpeg, pdf):
        record = by_source[sample.path.name]
        assert list(record) == ["source", "pages", *FIELD_KEYS, "confidence", "page_text"]
        assert record["pages"] == sample.pages == len(record["page_text"])
        assert all(isinstance(t, str) and t for t in record["page_text"])
        truth = expected_fields(json.loads(sample.truth_path.read_text(encoding="utf-8")))
        right = [k for k in FIELD_KEYS if record[k] == truth[k]]
        assert len(right) >= 13, {k: (record[k], truth[k]) for k in FIELD_KEYS}
        assert set(record["confidence"]) <= set(FIELD_KEYS)
        assert all(0 < c <= 1 for c in record["confidence"].values())

    again = _archive(["extract", "--all"], data)
    assert again.returncode == 0 and "2 份档案重新提取字段" in again.stderr
    plain = _archive(["export", "--format", "jsonl"], data)
    re_extracted = {
        json.loads(line)["source"]: json.loads(line) for line in plain.stdout.splitlines()
    }
    for source, record in by_source.items():
        del record["page_text"]
        assert re_extracted[source] == record

    # Ingest fed the embedded index through the outbox: found by name, ID tail and text.
    found = _archive(["search", "--name", jpeg.veteran.name, "--json"], data)
    result = json.loads(found.stdout)
    assert result["total"] >= 1 and result["hits"][0]["source"] == jpeg.path.name
    assert set(FIELD_KEYS) <= set(result["hits"][0])
    tail = _archive(["search", "--id", pdf.veteran.id_number[-6:], "--json"], data)
    assert [h["source"] for h in json.loads(tail.stdout)["hits"]] == [pdf.path.name]
    table = _archive(["search", pdf.veteran.name], data)
    assert table.returncode == 0 and pdf.veteran.name in table.stdout


def test_bad_arguments_are_refused_clearly(tmp_path: Path) -> None:
    assert _archive(["export", "--format", "csv"], tmp_path).returncode == 2
    assert _archive(["ingest"], tmp_path).returncode == 2
    assert _archive(["extract"], tmp_path).returncode == 2
    assert _archive(["search"], tmp_path).returncode == 2
    unknown = _archive(["ingest", "--engine", "nosuch", str(tmp_path)], tmp_path)
    assert unknown.returncode == 2 and "未知的识别引擎" in unknown.stderr
    assert _archive(["--version"], tmp_path).stdout.startswith("vetarchive ")


def test_searches_and_exports_from_the_command_line_are_audited_as_the_operator(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    store = Store.open(f"sqlite:///{data / 'archive.db'}")
    wang = save(store, "wang", {"name": "王伟", "id_number": "11010519491231002X"})
    drain(store, SqliteBackend(store))
    store.close()
    found = json.loads(_archive(["search", "--name", "王伟", "--json"], data).stdout)
    assert [h["document_id"] for h in found["hits"]] == [wang]
    assert found["hits"][0]["id_number"] == "11010519491231002X"  # the operator sees it whole
    exported = _archive(["export", "--format", "jsonl"], data)
    assert json.loads(exported.stdout)["id_number"] == "11010519491231002X"
    store = Store.open(f"sqlite:///{data / 'archive.db'}")
    export, search = AuditLog(store).entries()
    store.close()
    assert search.action == "search" and search.record_ids == [wang]
    assert search.key_name.startswith("本机:") and search.query["name"] == "王伟"
    assert export.action == "export" and export.record_ids == [wang]
    # The log verifies whole, and says where it was cut once someone with the file deletes.
    verified = _archive(["audit", "verify"], data)
    assert verified.returncode == 0 and "审计日志完整" in verified.stdout
    anchor = verified.stdout.split("审计锚点：")[1].split()[0]
    assert f"审计锚点（请另行记下）：{anchor}" in _archive(["stats"], data).stdout
    store = Store.open(f"sqlite:///{data / 'archive.db'}")
    with store.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_log_no_delete"))
        conn.execute(text("DELETE FROM audit_log WHERE action = 'export'"))
    store.close()
    cut = _archive(["audit", "verify", "--anchor", anchor], data)
    assert cut.returncode == 1 and "anchor_gone" in cut.stderr
    assert _archive(["audit", "verify", "--anchor", "x"], data).returncode == 2


def test_accounts_for_people_and_keys_for_every_role_from_the_command_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    for role in ("staff", "archivist", "service", "admin"):
        made = _archive(["keys", "create", "--role", role, "--name", f"k-{role}"], data)
        assert made.returncode == 0 and made.stdout.startswith("vak_"), made.stderr
    person = _archive(["users", "create", "--name", "zhangli", "--role", "staff"], data)
    assert person.returncode == 0 and len(person.stdout.strip()) >= 16, person.stderr
    assert (
        _archive(["users", "create", "--name", "k-staff", "--role", "staff"], data).returncode == 1
    )
    reset = _archive(["users", "change", "reset", "zhangli"], data)
    assert reset.returncode == 0 and reset.stdout.strip() != person.stdout.strip()
    listed = _archive(["users", "list"], data)
    assert "zhangli" in listed.stdout and "待改初始密码" in listed.stdout
    assert _archive(["users", "change", "disable", "nobody"], data).returncode == 1


def test_catalogue_import_list_and_a_check(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    store = Store.open(f"sqlite:///{data / 'archive.db'}")
    number = "340123196503071235"
    save(
        store,
        "c1",
        {
            "id_number": number,
            "unit": "中国人民解放军89800部队",
            "enlistment_date": "1978-03",
            "discharge_date": "1983-10",
        },
    )
    store.close()
    good = tmp_path / "目录.csv"
    good.write_text("部队番号,起始时间,截止时间\n89800部队,1964-10,1980-12\n", encoding="utf-8")
    bad = tmp_path / "坏目录.csv"
    bad.write_text("部队番号,起始时间\n某部,1964\n89801部队,一九六四\n", encoding="utf-8")
    args = ["--catalogue", "涉核部队目录", "--doc-number", "示例1号", "--effective", "2026-01-01"]
    refused = _archive(["catalogue", "import", str(bad), *args], data)
    assert refused.returncode == 1
    assert "第 2 行" in refused.stderr and "第 3 行" in refused.stderr
    done = _archive(["catalogue", "import", str(good), *args], data)
    assert done.returncode == 0 and "1 行" in done.stderr
    listed = _archive(["catalogue", "list"], data)
    assert "共 1 个目录版本" in listed.stdout
    checked = _archive(["check", "--programme", "nuclear", "--id", number], data)
    # The unit and the period are in the list, but no certificate page was read: not met.
    assert checked.returncode == 3, checked.stderr
    out = json.loads(checked.stdout)
    assert [c["status"] for c in out["results"][0]["conditions"]] == ["met", "not_met"]
    assert _archive(["check", "--programme", "nuclear"], data).returncode == 2
