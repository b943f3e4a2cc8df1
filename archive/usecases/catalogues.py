"""Importing a unit catalogue as a new version: every row checked first, and either all rows
are taken or none (each bad row reported by its line); the import is on record."""

from __future__ import annotations

import hashlib

from archive.catalogues import CatalogueFileError, RowError, parse_catalogue
from archive.domain import Actor
from archive.store.catalogues import (
    CatalogueVersion,
    VersionConflict,
    add_version,
    rows_of,
    versions,
)
from archive.text import fold, is_iso_date
from archive.usecases.context import Archive
from archive.usecases.errors import Conflict, Invalid

__all__ = ["CatalogueRejected", "CatalogueVersion", "import_catalogue", "list_versions", "rows_of"]


class CatalogueRejected(Invalid):
    """Rows that cannot be taken, each with its line and why; nothing was imported."""

    def __init__(self, errors: list[RowError]) -> None:
        lines = "\n".join(f"第 {e.number} 行：{e.message}" for e in errors)
        super().__init__(
            "catalogue_rows_invalid",
            f"{len(errors)} 行有误，未导入任何一行：\n{lines}",
            f"{len(errors)} rows are invalid; nothing was imported",
        )
        self.errors = errors


def import_catalogue(
    archive: Archive,
    actor: Actor,
    *,
    data: bytes,
    file_name: str,
    catalogue: str,
    doc_number: str,
    effective_date: str,
) -> CatalogueVersion:
    catalogue, doc_number = catalogue.strip(), doc_number.strip()
    if not catalogue or len(catalogue) > 100:
        raise Invalid(
            "invalid_catalogue", "目录名称须为 1 到 100 个字符", "a catalogue name is 1-100 chars"
        )
    if not doc_number or len(doc_number) > 200:
        raise Invalid(
            "invalid_doc_number",
            "须写明目录所依据文件的文号（1 到 200 个字符）",
            "the document number (文号) of the catalogue's source is required",
        )
    effective_date = fold(effective_date)
    if len(effective_date) != 10 or not is_iso_date(effective_date):
        raise Invalid(
            "invalid_effective_date",
            "生效日期须为 yyyy-mm-dd",
            "the effective date must be yyyy-mm-dd",
        )
    try:
        parsed = parse_catalogue(data, file_name)
    except CatalogueFileError as e:
        raise Invalid("catalogue_unreadable", str(e), str(e)) from e
    if parsed.errors:
        raise CatalogueRejected(parsed.errors)
    try:
        version = add_version(
            archive.store,
            catalogue=catalogue,
            doc_number=doc_number,
            effective_date=effective_date,
            source_name=file_name,
            sha256=hashlib.sha256(data).hexdigest(),
            imported_by=actor.name,
            rows=parsed.rows,
        )
    except VersionConflict as e:
        raise Conflict("catalogue_version_conflict", str(e), str(e)) from e
    archive.audit.record(
        actor,
        "import_catalogue",
        {
            "catalogue": catalogue,
            "version_id": version.id,
            "doc_number": doc_number,
            "effective_date": effective_date,
            "rows": version.row_count,
            "sha256": version.sha256,
        },
        [],
    )
    return version


def list_versions(archive: Archive, catalogue: str | None = None) -> list[CatalogueVersion]:
    return versions(archive.store, catalogue)
