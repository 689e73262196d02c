"""The search index's refresher: the rows of documents, cells, bite sections and topics
indexed again when anything they index is written."""

from taggit.models import Tag, TaggedItem

from matrix.models import BiteSection, Cell, CellEntry
from studies.models import Country, Document, DocumentAuthor, DocumentSection, Population, Setting
from topics.models import HotTopic

from . import indexing

NAME = "search index"


def remember(instance):
    """A tag's name before it is saved (documents index their subjects' names)."""
    if isinstance(instance, Tag) and instance.pk:
        return Tag.objects.filter(pk=instance.pk).values_list("name", flat=True).first()
    return None


def refresh_index(writes):
    documents, cells, sections, topics = set(), set(), set(), set()
    for write in writes:
        if not write.rendered_again:
            _affected(write, documents, cells, sections, topics)
    if cells:
        indexing.reindex_cells(sorted(cells))
    if sections:
        indexing.reindex_sections(sorted(sections))
    if topics:
        indexing.reindex_topics(sorted(topics))
    documents = set(Document.objects.filter(pk__in=documents).values_list("pk", flat=True))
    if documents:
        indexing.reindex_documents(sorted(documents))


def _affected(write, documents, cells, sections, topics):
    instance = write.instance
    if isinstance(instance, Document | DocumentAuthor | DocumentSection | CellEntry):
        documents.update(_documents_of(write))
    elif isinstance(instance, TaggedItem | Tag):
        documents.update(_tagged_documents(write))
    elif isinstance(instance, Setting | Population) and not write.created:
        # Its documents' index rows hold its slug.
        documents.update(instance.documents.values_list("pk", flat=True))
    elif write.deleted or write.related:
        return
    elif isinstance(instance, Cell):
        cells.add(instance.pk)
        if write.visibility_changed:
            # The headlines and annotations of its entries are indexed only while readers
            # see it.
            documents.update(instance.entries.values_list("document_id", flat=True))
    elif isinstance(instance, BiteSection):
        sections.add(instance.pk)
    elif isinstance(instance, HotTopic):
        topics.add(instance.pk)


# A document's many-to-many fields its index row holds: subjects and the appraisal's.
INDEXED_RELATIONS = (Tag, Country, Setting, Population)


def _documents_of(write):
    instance = write.instance
    if not isinstance(instance, Document):
        return [instance.document_id]  # an author, section or entry: written or deleted
    if write.deleted or (write.related and write.related[0] not in INDEXED_RELATIONS):
        return []
    return [instance.pk]


def _tagged_documents(write):
    instance = write.instance
    if isinstance(instance, TaggedItem):
        is_document = instance.content_type.model_class() is Document
        return [instance.object_id] if is_document else []
    if write.related and write.related[0] is Document:
        return write.related[1]  # documents given or relieved of this subject
    renamed = NAME in write.remembered and write.remembered[NAME] != instance.name
    if not renamed or write.created or write.deleted or write.related:
        return []
    return Document.objects.filter(tags=instance).values_list("pk", flat=True)
