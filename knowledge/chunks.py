"""Turn a programme record into the pieces of text that retrieval matches against."""
from __future__ import annotations

import hashlib


def content_hash(role: str, text: str) -> str:
    """Key of one embedding: the text and how it is encoded (query or passage)."""
    return hashlib.sha256(f"{role}\n{text}".encode("utf-8")).hexdigest()


def record_chunks(record: dict) -> list[dict]:
    """Chunks for every language of a record.

    * ``head``: title and summary (a passage),
    * ``doc``: title, summary, body, eligibility and benefits (a passage),
    * ``question``: each example question, encoded like a founder's query.
    """
    out = []
    for lang, t in record["text"].items():
        title, summary = t.get("title", ""), t.get("summary", "")
        if not (title or summary):
            continue
        head = f"{title}. {summary}".strip(". ")
        doc = "\n".join(part for part in (head, t.get("body"), t.get("eligibility"), t.get("benefits")) if part)
        pieces = [("head", "passage", head), ("doc", "passage", doc)]
        pieces += [("question", "query", q) for q in t.get("questions", [])]
        seen = set()
        for kind, role, text in pieces:
            if not text or (role, text) in seen:
                continue
            seen.add((role, text))
            out.append({"program_id": record["id"], "lang": lang, "kind": kind, "role": role,
                        "text": text, "content_hash": content_hash(role, text)})
    return out
