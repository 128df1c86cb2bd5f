"""Numbered schema migrations for the knowledge base, applied on open."""
from sqlite_utils import Migrations

migrations = Migrations("knowledge")


@migrations()
def m001_create_tables(db):
    db["programs"].create({
        "id": str, "category": str, "agency": str, "region": str, "official_url": str, "status": str,
        "last_verified": str, "window": str, "eligibility": str, "sources": str,
        "version": int, "created_at": str, "updated_at": str,
    }, pk="id")
    db["program_texts"].create({
        "program_id": str, "lang": str, "title": str, "summary": str, "body": str, "eligibility": str,
        "benefits": str, "how_to_apply": str, "documents": str, "questions": str,
    }, pk=("program_id", "lang"), foreign_keys=[("program_id", "programs", "id")])
    # One searchable piece of text; rebuilt whenever its programme changes.
    db["chunks"].create({
        "id": int, "program_id": str, "lang": str, "kind": str, "role": str, "text": str, "content_hash": str,
    }, pk="id", foreign_keys=[("program_id", "programs", "id")])
    db["chunks"].create_index(["program_id"])
    db["chunks"].create_index(["content_hash"])
    # Vectors are keyed by content and model, so unchanged text is never embedded twice.
    db["embeddings"].create({"content_hash": str, "model_id": str, "vector": bytes, "dim": int},
                            pk=("content_hash", "model_id"))
    db.execute("CREATE VIRTUAL TABLE chunks_fts USING fts5(text, tokenize='trigram')")
    db["versions"].create({
        "id": int, "program_id": str, "version": int, "action": str, "actor": str, "record": str,
        "created_at": str,
    }, pk="id")
    db["versions"].create_index(["program_id", "version"])
    db["meta"].create({"key": str, "value": str}, pk="key")


@migrations()
def m002_program_terms(db):
    # Term overlap's index: one row per programme (rowid = the programme's rowid) holding the hashed
    # keys of every term in its texts, all languages (see search.term_keys). Only which programmes
    # contain a key is needed, so no positions are stored (detail=none). Filled by the knowledge base
    # whenever its ``terms_version`` meta value differs from search.TERMS_VERSION.
    db.execute("CREATE VIRTUAL TABLE program_terms USING fts5(keys, tokenize='ascii', detail='none')")
    if not db["programs"].count:  # a new knowledge base: every programme will be indexed as it is written
        from .search import TERMS_VERSION

        db["meta"].upsert({"key": "terms_version", "value": TERMS_VERSION}, pk="key")


@migrations()
def m003_drop_chunk_trigrams(db):
    # The BM25 trigram index of every chunk, replaced in the ranking by term overlap (m002).
    db.execute("DROP TABLE IF EXISTS chunks_fts")


@migrations()
def m004_program_terms_vocab(db):
    # How many programmes hold each key, read without walking its postings: term overlap skips
    # the keys that more than half of all programmes hold.
    db.execute("CREATE VIRTUAL TABLE program_terms_vocab USING fts5vocab(program_terms, 'row')")


@migrations()
def m005_text_agency(db):
    # The agency's name per language (records.TEXT_FIELDS), so answers name it in the founder's language.
    db["program_texts"].add_column("agency", str)


@migrations()
def m006_text_names(db):
    # What founders call a programme besides its title, per language (records.LIST_FIELDS), as JSON.
    db["program_texts"].add_column("names", str)
