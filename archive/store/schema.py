"""Tables of the current schema version (see migrations.py for how a database gets there)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)

jobs = Table(
    "jobs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    # running -> finished, or -> interrupted when a later run finds its process gone
    Column("status", String(16), nullable=False),
    Column("pid", Integer, nullable=False),
    Column("host", String(255), nullable=False),
    Column("arguments", JSON, nullable=False),
    Column("ok", Integer, nullable=False, default=0),
    Column("skipped", Integer, nullable=False, default=0),
    Column("failed", Integer, nullable=False, default=0),
)

documents = Table(
    "documents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("source_name", Text, nullable=False),
    Column("source_path", Text, nullable=False),
    Column("original_path", Text, nullable=False),
    Column("media_type", String(32), nullable=False),
    Column("size_bytes", BigInteger, nullable=False),
    Column("page_count", Integer, nullable=False),
    Column("job_id", Integer, ForeignKey("jobs.id"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

pages = Table(
    "pages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", Integer, ForeignKey("documents.id"), nullable=False, index=True),
    Column("number", Integer, nullable=False),
    Column("width", Integer, nullable=False),
    Column("height", Integer, nullable=False),
    Column("original_image", Text, nullable=False),
    Column("processed_image", Text, nullable=False),
    Column("rotation", Integer, nullable=False),
    Column("skew_deg", Float, nullable=False),
    Column("engine", String(32), nullable=False),
    Column("text", Text, nullable=False),
    Column("mean_confidence", Float, nullable=False),
    Column("lines", JSON, nullable=False),
    Column("steps", JSON, nullable=False),
    # Table cells found by layout (since schema version 2): [{row, col, box, box_original}].
    Column("cells", JSON, nullable=False, server_default="[]"),
    UniqueConstraint("document_id", "number"),
)

# What the extractor read (since schema version 3): one row per document and field, replaced
# whenever extraction re-runs over the stored OCR.
fields = Table(
    "fields",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", Integer, ForeignKey("documents.id"), nullable=False),
    Column("key", String(32), nullable=False),
    Column("value", Text),
    Column("confidence", Float, nullable=False),
    Column("needs_review", Boolean, nullable=False),
    Column("page", Integer),
    Column("bbox", JSON),
    Column("raw_text", Text),
    Column("reasons", JSON, nullable=False),
    Column("repair", Text),
    Column("alternatives", JSON, nullable=False),
    Column("extracted_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("document_id", "key"),
    # Lookups by value (an ID number, a name) for other systems (since schema version 4).
    Index("ix_fields_key_value", "key", "value"),
)

# What the extractor read on a document that is none of the key fields (since schema version
# 5): 其他项目, a label and its value with where it stands; replaced with the fields.
document_items = Table(
    "document_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", Integer, ForeignKey("documents.id"), nullable=False, index=True),
    Column("label", Text, nullable=False),
    Column("value", Text, nullable=False),
    Column("page", Integer, nullable=False),
    Column("bbox", JSON, nullable=False),
    Column("raw_text", Text, nullable=False),
)

# A person's corrections and confirmations (since schema version 3): appended, never changed,
# so the machine's value and every earlier correction stay on record.
field_corrections = Table(
    "field_corrections",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", Integer, ForeignKey("documents.id"), nullable=False, index=True),
    Column("key", String(32), nullable=False),
    Column("value", Text),
    Column("machine_value", Text),  # what the machine had read when the person acted
    Column("corrected_by", String(255), nullable=False),
    Column("corrected_at", DateTime(timezone=True), nullable=False),
    Column("note", Text),
    # Where the person found the value, when they pointed at it (since schema version 6): a
    # word or an item of the page's reading, or a box they drew that the engine read.
    Column("page", Integer),
    Column("bbox", JSON),
    Column("evidence_text", Text),  # as read there, whatever the person made of it
    Column("evidence_confidence", Float),
    Column("pointed", String(16)),  # word | item | region
    Index("ix_field_corrections_key_value", "key", "value"),
)

# Labels a bureau prints for a field that fields.toml does not know (since schema version 6):
# proposed when an archivist fills a field the machine did not find from the value beside such
# a label; applied at ingest and by `archive extract --all` once an admin accepted it.
field_synonyms = Table(
    "field_synonyms",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("bureau", String(255), nullable=False),
    Column("key", String(32), nullable=False),
    Column("label", Text, nullable=False),  # as the extractor matches labels (label_text)
    Column("status", String(16), nullable=False),  # proposed | accepted | rejected
    Column("proposals", Integer, nullable=False),  # how many fillings proposed it
    Column("document_id", Integer, ForeignKey("documents.id"), nullable=False),  # the first
    Column("page", Integer, nullable=False),
    # Of the label on the original page image, or of the value where layout could not place
    # the label's own words.
    Column("bbox", JSON, nullable=False),
    Column("value_text", Text, nullable=False),  # the value the person took beside it
    Column("proposed_by", String(255), nullable=False),
    Column("proposed_at", DateTime(timezone=True), nullable=False),
    Column("decided_by", String(255)),
    Column("decided_at", DateTime(timezone=True)),
    UniqueConstraint("bureau", "key", "label"),
)

# API keys (since schema version 4): only a hash of each key is kept; a revoked key stays listed.
api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(255), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("prefix", String(16), nullable=False),  # the key's first characters, to tell keys apart
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
)

# Every search, record view, lookup and correction (since schema version 4). Appended only:
# on SQLite, triggers refuse UPDATE, DELETE and INSERT OR REPLACE (migrations.py). Since
# version 7 a hash chain (archive.store.audit): each entry's hash covers the one before.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("key_name", String(255), nullable=False),
    Column("role", String(16), nullable=False),
    Column("action", String(32), nullable=False),
    Column("query", JSON, nullable=False),
    Column("record_ids", JSON, nullable=False),
    Column("request_id", String(64), nullable=False),
    Column("prev_hash", String(64)),
    Column("hash", String(64)),
)

# The head of the audit chain, one row: where the next entry goes on from. Written first in
# every append, so that appends queue behind its lock (a cache of the last entry: `verify`
# trusts only the entries themselves).
audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("last_id", Integer, nullable=False),
    Column("last_hash", String(64), nullable=False),
)

# Personal staff accounts (since version 7; archive.store.users). Never deleted: disabled.
users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", String(255), nullable=False),
    Column("role", String(16), nullable=False),
    Column("password_hash", String(255), nullable=False),  # argon2id
    Column("must_change", Boolean, nullable=False),
    Column("totp_secret", String(64)),
    Column("failures", Integer, nullable=False),  # in a row, since the last success or lock
    Column("lockouts", Integer, nullable=False),  # times locked: each doubles the next lock
    Column("locked_until", DateTime(timezone=True)),
    Column("disabled_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# Signed-in sessions of the staff pages (since version 7): the browser holds a random token,
# the store its SHA-256. Ending one (sign-out, the key revoked or the user disabled, idle too
# long) is immediate. A session is a person's (user_id) or, as before accounts, a key's.
web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id", String(64), primary_key=True),  # SHA-256 of the token
    Column("key_id", Integer, ForeignKey("api_keys.id"), index=True),
    Column("user_id", Integer, ForeignKey("users.id"), index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("seen_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True)),
)

# Versions of a bureau's unit catalogues (since version 8; archive.store.catalogues): one row
# per import, naming the document it came from (文号) and the day it takes effect. Never
# changed or deleted: a check names the version it used, and must be re-readable later.
catalogue_versions = Table(
    "catalogue_versions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("catalogue", String(100), nullable=False, index=True),
    Column("doc_number", String(200), nullable=False),  # 文号
    Column("effective_date", String(10), nullable=False),  # ISO day
    Column("source_name", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("row_count", Integer, nullable=False),
    Column("imported_by", String(64), nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("catalogue", "effective_date"),
)

catalogue_rows = Table(
    "catalogue_rows",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("version_id", Integer, ForeignKey("catalogue_versions.id"), nullable=False, index=True),
    Column("row_number", Integer, nullable=False),  # its line in the imported file
    Column("unit_text", Text, nullable=False),  # as the file wrote it
    Column("unit_key", String(100), nullable=False),  # archive.units canonical form
    Column("start", String(10)),  # ISO, to the precision written; NULL: no bound
    Column("end", String(10)),
    Column("task", Text, nullable=False),
)

job_files = Table(
    "job_files",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("job_id", Integer, ForeignKey("jobs.id"), nullable=False, index=True),
    Column("path", Text, nullable=False),
    Column("source_name", Text, nullable=False),
    Column("sha256", String(64)),
    Column("outcome", String(16), nullable=False),
    Column("pages", Integer, nullable=False),
    Column("document_id", Integer, ForeignKey("documents.id")),
    Column("reason_code", String(64)),
    Column("message", Text),
    Column("at", DateTime(timezone=True), nullable=False),
)

# Written in the same transaction as the document; the search index drains it until acknowledged.
outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", Integer, ForeignKey("documents.id"), nullable=False, index=True),
    Column("operation", String(16), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("done_at", DateTime(timezone=True), index=True),
)
