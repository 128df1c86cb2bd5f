"""Knowledge-base benchmark: search latency over the seed KB and synthetic 1k/10k-programme KBs,
index build rate, re-embedding work for a one-field edit, publish-to-searchable time, peak RSS.

Each KB size runs in its own subprocess so its peak RSS is its own.
"""
from __future__ import annotations

import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

QUERIES = [
    "How do I get a visa to start a company in Korea?", "창업 지원금 받을 수 있나요?", "有没有免费的办公室？",
    "試作品を作れる場所はありますか？", "Tôi cần vay vốn không cần thế chấp", "Как нанять иностранного сотрудника?",
    "Patent olish uchun yordam bormi?", "Татварын зөвлөгөө авах боломжтой юу?", "Apakah ada bantuan ekspor?",
    "¿Hay ayuda para encontrar vivienda?", "Je cherche des investisseurs", "هل يوجد دعم للترجمة؟",
    "TIPS", "D-8-4 points", "what's the weather tomorrow", "hello",
]


def percentile(values, q):
    return float(np.percentile(np.array(values), q))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def time_queries(kb, rounds: int = 5) -> dict:
    for q in QUERIES[:3]:
        kb.search(q, lang="en")  # warm: model load, dense matrix load
    samples = []
    for _ in range(rounds):
        for q in QUERIES:
            start = time.perf_counter()
            kb.search(q)
            samples.append((time.perf_counter() - start) * 1000)
    return {"queries": len(samples), "p50_ms": round(statistics.median(samples), 2),
            "p95_ms": round(percentile(samples, 95), 2)}


def synthesize(kb, target: int) -> int:
    """Grow ``kb`` to ``target`` programmes by copying seed programmes with perturbed vectors.

    Texts get a suffix (so new hashes) and vectors are the seed vectors plus small noise, written
    straight to the embeddings table: the point is search cost at scale, not encoder cost.
    """
    rng = np.random.default_rng(0)
    seeds = [p.record for p in kb.list(status="published")]
    model_id, dim = kb.encoder.model_id, kb.encoder.dim
    vectors = {h: np.frombuffer(v, dtype=np.float32) for h, v in kb.db.execute(
        "SELECT content_hash, vector FROM embeddings WHERE model_id = ?", [model_id])}
    from knowledge.chunks import record_chunks
    from knowledge.records import normalize_record
    n, i = len(seeds), 0
    with kb.db.atomic():
        while n < target:
            base = seeds[i % len(seeds)]
            i += 1
            rec = json.loads(json.dumps(base))
            rec["id"] = f"{base['id']}-syn{i}"
            for t in rec["text"].values():
                for key in ("title", "summary"):
                    t[key] = f"{t[key]} #{i}"
                t["questions"] = [f"{q} #{i}" for q in t["questions"]]
            rec = normalize_record(rec)
            originals = {(c["lang"], c["kind"], j): c for j, c in enumerate(record_chunks(base))}
            kb._write(rec, "bench", "bench")
            chunks = kb._replace_chunks(rec)
            rows = []
            for j, c in enumerate(chunks):
                orig = originals.get((c["lang"], c["kind"], j))
                vec = vectors.get(orig["content_hash"]) if orig else None
                vec = rng.normal(size=dim).astype(np.float32) if vec is None else vec
                noisy = vec + rng.normal(scale=0.02, size=dim).astype(np.float32)
                noisy /= np.linalg.norm(noisy)
                rows.append({"content_hash": c["content_hash"], "model_id": model_id,
                             "vector": noisy.astype(np.float32).tobytes(), "dim": dim})
            kb.db["embeddings"].insert_all(rows, pk=("content_hash", "model_id"), replace=True)
            n += 1
        kb._bump_revision()
    return n


def run_size(source_db: str, size: int) -> dict:
    """One KB size, in this process: copy the seed DB, grow it, time searches."""
    from knowledge import KnowledgeBase, get_settings
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "kb.db"
        shutil.copy(source_db, path)
        kb = KnowledgeBase.open(get_settings(kb_path=path))
        programmes = synthesize(kb, size) if size else kb.count("published")
        chunks = kb.db.execute("SELECT count(*) FROM chunks").fetchone()[0]
        load_start = time.perf_counter()
        kb.search("warm up the encoder", lang="en")
        first_query_ms = (time.perf_counter() - load_start) * 1000
        timing = time_queries(kb)
        kb.close()
    return {"programmes": programmes, "chunks": chunks, "first_query_ms": round(first_query_ms, 1),
            **timing, "peak_rss_mb": round(peak_rss_mb(), 1)}


def run_indexing(source_db: str, sample: int = 320) -> dict:
    """Index build rate (texts embedded per second), edit re-embedding work and publish latency."""
    from knowledge import KnowledgeBase, get_settings
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "kb.db"
        shutil.copy(source_db, path)
        kb = KnowledgeBase.open(get_settings(kb_path=path))
        total = kb.db.execute("SELECT count(DISTINCT content_hash) FROM chunks").fetchone()[0]
        # a random sample of every kind of text (short questions, titles, whole answers), each encoded
        # in its role, so the rate predicts a full reindex
        texts = kb.db.execute("SELECT role, text FROM chunks ORDER BY random() LIMIT ?", [sample]).fetchall()
        kb.encoder.encode_passages([t for _, t in texts[:2]])
        start = time.perf_counter()
        for role in ("query", "passage"):
            batch = [t for r, t in texts if r == role]
            for i in range(0, len(batch), 16):
                kb.encoder.encode(batch[i:i + 16], role)
        rate = len(texts) / (time.perf_counter() - start)
        # one-field edit versus a full reindex
        target = kb.list(status="published")[0]
        lang = "en" if "en" in target.record["text"] else next(iter(target.record["text"]))
        kb.patch(target.id, {"text": {lang: {"summary": target.record["text"][lang]["summary"] + " (updated)"}}})
        edit = kb.last_index_stats
        # publish to searchable: a draft with a distinctive question, published, found by a second handle
        other = KnowledgeBase.open(get_settings(kb_path=path))
        other.search("warm up", lang="en")
        record = {"id": "bench-new", "category": "funding", "status": "draft",
                  "text": {"en": {"title": "Seaweed export pilot fund", "summary": "Grants for seaweed exporters",
                                  "questions": ["is there money for exporting seaweed?"]}}}
        kb.upsert(record)
        start = time.perf_counter()
        kb.set_status("bench-new", "published")
        found = other.search("is there money for exporting seaweed?", lang="en").hits[0].id == "bench-new"
        publish_ms = (time.perf_counter() - start) * 1000
        other.close()
        kb.close()
    return {"texts_per_second": round(rate, 1), "seed_distinct_texts": total,
            "full_reindex_texts": total, "one_field_edit": {"embedded": edit.embedded, "reused": edit.reused},
            "publish_to_searchable_ms": round(publish_ms, 1), "publish_found": found,
            "peak_rss_mb": round(peak_rss_mb(), 1)}


def child(kind: str, source_db: str, size: int) -> dict:
    out = subprocess.run([sys.executable, "-m", "bench.kb_bench", kind, source_db, str(size)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(source_db: str) -> dict:
    """Every KB measurement, each size in its own process."""
    results = {"sizes": [child("size", source_db, n) for n in (0, 1000, 10000)],
               "indexing": child("indexing", source_db, 0)}
    return results


if __name__ == "__main__":
    kind, db, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    result = run_size(db, n) if kind == "size" else run_indexing(db)
    print(json.dumps(result))
