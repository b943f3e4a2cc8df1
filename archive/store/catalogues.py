"""Unit catalogues as imported: versions, each with its 文号 and effective day, and their rows.
Append-only: a correction to a catalogue is a new version, so an old check stays readable."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from archive.catalogues import CatalogueRow
from archive.store import schema
from archive.store.rows import utc
from archive.store.store import Store


class VersionConflict(Exception):
    """A version that would overlap one already imported (same catalogue, same effective day),
    or the same file imported again."""


@dataclass(frozen=True, slots=True)
class CatalogueVersion:
    id: int
    catalogue: str
    doc_number: str  # 文号 of the document the list came from
    effective_date: str  # ISO day from which checks use it
    source_name: str
    sha256: str
    row_count: int
    imported_by: str
    imported_at: datetime


@dataclass(frozen=True, slots=True)
class StoredRow:
    version_id: int
    row_number: int
    unit_text: str
    unit_key: str
    start: str | None
    end: str | None
    task: str


def _version(row: object) -> CatalogueVersion:
    r = row._mapping  # type: ignore[attr-defined]
    return CatalogueVersion(
        id=int(r["id"]),
        catalogue=r["catalogue"],
        doc_number=r["doc_number"],
        effective_date=r["effective_date"],
        source_name=r["source_name"],
        sha256=r["sha256"],
        row_count=int(r["row_count"]),
        imported_by=r["imported_by"],
        imported_at=utc(r["imported_at"]),
    )


def add_version(
    store: Store,
    *,
    catalogue: str,
    doc_number: str,
    effective_date: str,
    source_name: str,
    sha256: str,
    imported_by: str,
    rows: list[CatalogueRow],
) -> CatalogueVersion:
    """A new version and all its rows, in one transaction: nothing is half-imported."""
    t = schema.catalogue_versions
    with store.begin() as conn:
        same_file = conn.execute(
            select(t.c.effective_date).where(t.c.catalogue == catalogue, t.c.sha256 == sha256)
        ).first()
        if same_file:
            raise VersionConflict(f"这个文件已作为“{catalogue}”{same_file[0]} 生效的版本导入过")
        try:
            version_id = conn.execute(
                t.insert().values(
                    catalogue=catalogue,
                    doc_number=doc_number,
                    effective_date=effective_date,
                    source_name=source_name,
                    sha256=sha256,
                    row_count=len(rows),
                    imported_by=imported_by,
                    imported_at=datetime.now(UTC),
                )
            ).inserted_primary_key[0]  # type: ignore[index]
        except IntegrityError as e:
            raise VersionConflict(
                f"“{catalogue}”已有 {effective_date} 生效的版本；同一天生效的两个版本无法区分先后，"
                "请写明新版本的生效日期"
            ) from e
        if rows:
            conn.execute(
                schema.catalogue_rows.insert(),
                [
                    {
                        "version_id": version_id,
                        "row_number": r.number,
                        "unit_text": r.unit_text,
                        "unit_key": r.unit.key,
                        "start": r.start.text if r.start else None,
                        "end": r.end.text if r.end else None,
                        "task": r.task,
                    }
                    for r in rows
                ],
            )
        made = conn.execute(select(t).where(t.c.id == version_id)).one()
    return _version(made)


def versions(store: Store, catalogue: str | None = None) -> list[CatalogueVersion]:
    """Every version, by catalogue and effective day."""
    t = schema.catalogue_versions
    q = select(t).order_by(t.c.catalogue, t.c.effective_date)
    if catalogue is not None:
        q = q.where(t.c.catalogue == catalogue)
    with store.connect() as conn:
        return [_version(r) for r in conn.execute(q)]


def in_force(store: Store, catalogue: str, on: str) -> CatalogueVersion | None:
    """The version a check on day ``on`` (ISO) uses: the latest in effect by then."""
    found = [v for v in versions(store, catalogue) if v.effective_date <= on]
    return found[-1] if found else None


def rows_of(store: Store, version_id: int) -> list[StoredRow]:
    t = schema.catalogue_rows
    with store.connect() as conn:
        return [
            StoredRow(
                int(r.version_id),
                int(r.row_number),
                r.unit_text,
                r.unit_key,
                r.start,
                r.end,
                r.task,
            )
            for r in conn.execute(
                select(t).where(t.c.version_id == version_id).order_by(t.c.row_number)
            )
        ]
