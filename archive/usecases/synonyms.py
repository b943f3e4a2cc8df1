"""Learning a bureau's forms from its corrections: when an archivist fills a field the machine
did not find with a value they pointed at, the label beside that value is proposed as the
field's; an admin accepts or rejects it, and ingest and `archive extract --all` apply the
accepted ones."""

from __future__ import annotations

from archive.domain import Actor, Evidence, PageRecord, Pointed
from archive.page_words import centre_in, label_beside
from archive.store.synonyms import LabelTaken, Synonym, SynonymStore, UnknownSynonym
from archive.text import label_text
from archive.usecases.context import Archive
from archive.usecases.errors import Conflict, NotFound
from archive.usecases.views import Masker, SynonymOut, synonym_out


def label_of(
    archive: Archive, document_id: int, page: PageRecord, pointed: Pointed
) -> Evidence | None:
    """The label of the value pointed at, as labels are matched (``label_text``): the label of
    the pair the extractor found it in (an other item), else the label printed beside it by
    layout. Its box is the label's where layout finds it, else the value's."""
    box = pointed.evidence.box
    beside = label_beside(page, box)
    item = next(
        (
            i
            for i in archive.store.other_items(document_id)
            if i.evidence.page == page.number and centre_in(box, i.evidence.box)
        ),
        None,
    )
    if item is None:
        return (
            None if beside is None else Evidence(page.number, beside.box, label_text(beside.text))
        )
    label = label_text(item.label)
    same = beside is not None and label_text(beside.text) == label
    return Evidence(page.number, beside.box if beside and same else item.evidence.box, label)


def propose(
    archive: Archive, actor: Actor, document_id: int, key: str, pointed: Pointed, value: str
) -> Synonym | None:
    """The label beside a value a person filled in proposed for the field; None when no label
    stands beside it."""
    page = next(
        p for p in archive.store.page_records(document_id) if p.number == pointed.evidence.page
    )
    label = label_of(archive, document_id, page, pointed)
    if label is None:
        return None
    return SynonymStore(archive.store).propose(
        archive.bureau, key, label, document_id, value, actor.name
    )


def list_synonyms(archive: Archive, actor: Actor, bureau: str | None = None) -> list[SynonymOut]:
    """Every proposed, accepted and rejected label, of one bureau or all."""
    m = Masker(actor)
    return [synonym_out(s, m) for s in SynonymStore(archive.store).listed(bureau)]


def decide_synonym(archive: Archive, actor: Actor, synonym_id: int, accept: bool) -> SynonymOut:
    """An admin accepts (applied from the next ingest and `archive extract --all`) or rejects
    (never proposed again) a label; audited with who decided."""
    try:
        decided = SynonymStore(archive.store).decide(synonym_id, accept, actor.name)
    except UnknownSynonym as exc:
        raise NotFound.of("这条标签建议", "synonym proposal") from exc
    except LabelTaken as exc:
        raise Conflict(
            "label_taken",
            f"标签“{exc.label}”已被采纳为另一字段（{exc.rival}）的标签",
            str(exc),
        ) from exc
    archive.audit.record(
        actor,
        "decide_synonym",
        {"id": synonym_id, "key": decided.key, "label": decided.label, "accept": accept},
        [decided.document_id],
    )
    return synonym_out(decided, Masker(actor))
