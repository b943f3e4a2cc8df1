"""A bureau's own labels for the fields: proposed by its archivists' corrections, accepted or
rejected by an admin, and never forgotten (a rejected label is not proposed again)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, get_args

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from archive.domain import Evidence
from archive.store import schema
from archive.store.rows import utc
from archive.store.store import Store, StoreError

SynonymStatus = Literal["proposed", "accepted", "rejected"]


class SynonymError(Exception):
    """A decision that cannot be made."""


class UnknownSynonym(SynonymError):
    """No proposal has that id."""


class LabelTaken(SynonymError):
    """The label is accepted for another field of the bureau already."""

    def __init__(self, label: str, rival: str) -> None:
        super().__init__(f"label {label!r} is accepted for {rival} already")
        self.label, self.rival = label, rival


@dataclass(frozen=True, slots=True)
class Synonym:
    id: int
    bureau: str
    key: str  # the field
    label: str  # as the extractor matches labels
    status: SynonymStatus
    proposals: int  # how many fillings proposed it
    document_id: int  # where it was first proposed
    label_evidence: Evidence  # the label on that page
    value_text: str  # the value taken beside it
    proposed_by: str
    proposed_at: datetime
    decided_by: str | None
    decided_at: datetime | None

    @classmethod
    def of(cls, row: Any) -> Synonym:
        status: SynonymStatus = row.status
        if status not in get_args(SynonymStatus):
            raise ValueError(f"synonym {row.id} has an unknown status {status!r}")
        return cls(
            id=int(row.id),
            bureau=row.bureau,
            key=row.key,
            label=row.label,
            status=status,
            proposals=int(row.proposals),
            document_id=int(row.document_id),
            label_evidence=Evidence(int(row.page), list(row.bbox), row.label),
            value_text=row.value_text,
            proposed_by=row.proposed_by,
            proposed_at=utc(row.proposed_at),
            decided_by=row.decided_by,
            decided_at=utc(row.decided_at) if row.decided_at else None,
        )


class SynonymStore:
    def __init__(self, store: Store) -> None:
        self.store = store

    def propose(
        self,
        bureau: str,
        key: str,
        label: Evidence,
        document_id: int,
        value_text: str,
        by: str,
    ) -> Synonym:
        """The label proposed for the field; proposed again, it is counted once more and
        keeps the status an admin gave it."""
        t = schema.field_synonyms
        same = (t.c.bureau == bureau) & (t.c.key == key) & (t.c.label == label.text)
        first = {
            "bureau": bureau,
            "key": key,
            "label": label.text,
            "status": "proposed",
            "proposals": 1,
            "document_id": document_id,
            "page": label.page,
            "bbox": label.box,
            "value_text": value_text,
            "proposed_by": by,
            "proposed_at": datetime.now(UTC),
        }
        # Two fillings proposing one label at once: the second insert meets the first's row
        # (the unique constraint) and counts itself on it instead.
        for attempt in (1, 2):
            try:
                with self.store.begin() as conn:
                    found = conn.execute(select(t.c.id).where(same)).scalar()
                    if found is None:
                        conn.execute(t.insert().values(**first))
                    else:
                        conn.execute(
                            update(t).where(t.c.id == found).values(proposals=t.c.proposals + 1)
                        )
                    return Synonym.of(conn.execute(select(t).where(same)).one())
            except IntegrityError as exc:
                if attempt == 2:
                    raise StoreError(f"could not propose {label.text!r} for {key}: {exc}") from exc
            except SQLAlchemyError as exc:
                raise StoreError(f"could not propose {label.text!r} for {key}: {exc}") from exc
        raise AssertionError("unreachable")

    def listed(self, bureau: str | None = None) -> list[Synonym]:
        """Every label proposed, proposed ones first, then by field and label."""
        t = schema.field_synonyms
        query = select(t).order_by(t.c.status != "proposed", t.c.bureau, t.c.key, t.c.label)
        if bureau is not None:
            query = query.where(t.c.bureau == bureau)
        with self.store.connect() as conn:
            return [Synonym.of(r) for r in conn.execute(query)]

    def decide(self, synonym_id: int, accept: bool, by: str) -> Synonym:
        """Accepted or rejected by ``by``; a label cannot be accepted for two fields of one
        bureau (which would the extractor read it as?)."""
        t = schema.field_synonyms
        with self.store.begin() as conn:
            row = conn.execute(select(t).where(t.c.id == synonym_id)).one_or_none()
            if row is None:
                raise UnknownSynonym(f"no synonym proposal {synonym_id}")
            if accept:
                rival = conn.execute(
                    select(t.c.key).where(
                        (t.c.bureau == row.bureau)
                        & (t.c.label == row.label)
                        & (t.c.status == "accepted")
                        & (t.c.key != row.key)
                    )
                ).scalar()
                if rival is not None:
                    raise LabelTaken(row.label, rival)
            conn.execute(
                update(t)
                .where(t.c.id == synonym_id)
                .values(
                    status="accepted" if accept else "rejected",
                    decided_by=by,
                    decided_at=datetime.now(UTC),
                )
            )
            return Synonym.of(conn.execute(select(t).where(t.c.id == synonym_id)).one())

    def accepted(self, bureau: str) -> tuple[tuple[str, str], ...]:
        """(field, label) of every label accepted for the bureau: what extraction applies."""
        t = schema.field_synonyms
        with self.store.connect() as conn:
            rows = conn.execute(
                select(t.c.key, t.c.label)
                .where((t.c.bureau == bureau) & (t.c.status == "accepted"))
                .order_by(t.c.key, t.c.label)
            )
            return tuple((key, label) for key, label in rows)
