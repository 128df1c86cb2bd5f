"""Retrieval evaluation (``kb eval``) and answerability calibration (``kb calibrate``)."""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import numpy as np
import yaml

from .errors import InvalidRecord

NEGATIVES = Path(__file__).parent / "calibration" / "negatives.yaml"


def read_questions(path) -> list[dict]:
    """Evaluation lines: ``{"q", "lang", "kind": kb|greet|handoff|oos, "expect": [ids]}``."""
    rows = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidRecord([(f"{path}:{n}", f"invalid JSON: {exc.msg}")]) from None
        if not isinstance(row, dict) or not row.get("q"):
            raise InvalidRecord([(f"{path}:{n}", 'each line needs at least {"q": ...}')])
        row.setdefault("kind", "kb" if row.get("expect") else "oos")
        rows.append(row)
    return rows


def evaluate(kb, questions: list[dict]) -> dict:
    """P@1 and MRR@5 on knowledge questions; answerable accuracy on every question; per language."""
    groups = defaultdict(lambda: {"n_kb": 0, "p1": 0.0, "mrr": 0.0, "n": 0, "answerable_ok": 0})
    details = []
    for row in questions:
        result = kb.search(row["q"], lang=row.get("lang"), k=5)
        ids = [h.id for h in result.hits]
        is_kb = row["kind"] == "kb"
        rank = next((i + 1 for i, pid in enumerate(ids) if pid in (row.get("expect") or [])), None)
        for key in ("all", row.get("lang") or "?"):
            g = groups[key]
            g["n"] += 1
            g["answerable_ok"] += int(result.answerable == is_kb)
            if is_kb:
                g["n_kb"] += 1
                g["p1"] += int(rank == 1)
                g["mrr"] += 1.0 / rank if rank else 0.0
        details.append({"q": row["q"], "lang": row.get("lang"), "kind": row["kind"], "expect": row.get("expect"),
                        "got": ids[:3], "answerable": result.answerable,
                        "score": round(result.hits[0].score, 4) if result.hits else None, "rank": rank})
    summary = {}
    for key, g in groups.items():
        summary[key] = {
            "questions": g["n"], "kb_questions": g["n_kb"],
            "p_at_1": round(g["p1"] / g["n_kb"], 4) if g["n_kb"] else None,
            "mrr_at_5": round(g["mrr"] / g["n_kb"], 4) if g["n_kb"] else None,
            "answerable_accuracy": round(g["answerable_ok"] / g["n"], 4),
        }
    return {"summary": summary, "details": details}


def format_table(report: dict) -> str:
    rows = sorted(report["summary"].items(), key=lambda kv: (kv[0] != "all", kv[0]))
    lines = [f"{'lang':<6}{'n':>5}{'kb':>5}{'P@1':>8}{'MRR@5':>8}{'answerable acc':>16}"]
    for lang, s in rows:
        p1 = "-" if s["p_at_1"] is None else f"{s['p_at_1']:.3f}"
        mrr = "-" if s["mrr_at_5"] is None else f"{s['mrr_at_5']:.3f}"
        lines.append(f"{lang:<6}{s['questions']:>5}{s['kb_questions']:>5}{p1:>8}{mrr:>8}"
                     f"{s['answerable_accuracy']:>16.3f}")
    return "\n".join(lines)


def negative_questions() -> list[str]:
    """Greetings, requests for a person and off-topic questions: search must not answer these."""
    data = yaml.safe_load(NEGATIVES.read_text(encoding="utf-8"))
    return [q for lines in data.values() for q in lines]


def features(scores) -> tuple[float, float]:
    """The answerability features of one query: (best programme's dense score, novelty)."""
    return scores.top, scores.novelty


def _question_slots(kb, index) -> list:
    """Per index row: (programme, position) for example questions, so a question and its translations
    (the question at the same position in every language of that programme) share a slot; None for passages."""
    counters, slot = {}, {}
    for chunk_id, pid, lang in kb.db.execute(
            "SELECT id, program_id, lang FROM chunks WHERE kind = 'question' ORDER BY id"):
        n = counters.get((pid, lang), 0)
        counters[(pid, lang)] = n + 1
        slot[chunk_id] = (pid, n)
    return [slot.get(int(c)) for c in index.chunk_ids]


def _chunk_texts(kb) -> dict:
    return dict(kb.db.execute("SELECT id, text FROM chunks WHERE kind = 'question'"))


def _programme_of_rows(index) -> np.ndarray:
    return np.repeat(np.arange(len(index.programme_ids)), np.diff(np.append(index.starts, len(index.hashes))))


def calibration_scores(kb) -> tuple[np.ndarray, np.ndarray, float]:
    """Answerability features (top, margin) for answerable and unanswerable examples, and leave-one-out P@1.

    Positives are the knowledge base's own example questions. Each is searched with its own chunk
    and its translations left out (see ``_question_slots``), so a question finds neither itself nor
    a copy of itself in another language. Negatives come from negatives.yaml.
    """
    index = kb._dense_index()
    texts = _chunk_texts(kb)
    row_slot = _question_slots(kb, index)
    slot_ids = {s: i for i, s in enumerate(dict.fromkeys(s for s in row_slot if s))}
    row_slot_id = np.array([slot_ids[s] if s else -1 for s in row_slot])
    programme_of = _programme_of_rows(index)
    pos, hits = [], 0
    for row in np.flatnonzero(~index.roles):
        scores = kb.score_vector(texts[int(index.chunk_ids[row])], index.matrix[row],
                                 exclude=row_slot_id == row_slot_id[row])
        hits += int(int(np.argmax(scores.dense)) == programme_of[row])
        pos.append(features(scores))
    negatives = negative_questions()
    vectors = kb.encoder.encode_queries(negatives)
    neg = [features(kb.score_vector(text, vec, exclude_negative=i))
           for i, (text, vec) in enumerate(zip(negatives, vectors))] if index.hashes else []
    p1 = hits / len(pos) if pos else 0.0
    return np.array(pos).reshape(-1, 2), np.array(neg).reshape(-1, 2), p1


def heldout_ranking(kb, folds: int = 5, seed: int = 0) -> dict:
    """P@1 of the ranking on the knowledge base's own example questions, in ``folds`` folds.

    Each fold's questions, with all their translations, are held out of the dense index, the term
    index and the classifier's training data, so every question is new to the ranking as an unseen
    founder question would be. Reported for the dense score alone and for the full fused score, per
    language: the evidence behind the weights in knowledge.search.
    """
    from .search import fit_classifier, term_keys
    index = kb._dense_index()
    chunks = {chunk_id: (text, lang) for chunk_id, text, lang in kb.db.execute("SELECT id, text, lang FROM chunks")}
    row_keys = [term_keys(chunks[int(c)][0]) for c in index.chunk_ids]
    row_slot = _question_slots(kb, index)
    slots = sorted({s for s in row_slot if s})
    if not slots or folds < 2:
        return {"questions": 0}
    order = np.random.default_rng(seed).permutation(len(slots))
    fold_of = {slots[i]: n % folds for n, i in enumerate(order)}
    row_fold = np.array([fold_of[s] if s else -1 for s in row_slot])
    programme_of = _programme_of_rows(index)
    tally = defaultdict(lambda: [0, 0, 0])  # lang -> [questions, dense hits, fused hits]
    for fold in range(folds):
        held = row_fold == fold
        kept = np.flatnonzero(~held)
        starts = np.flatnonzero(np.diff(np.append(-1, programme_of[kept])))
        weights = np.zeros((index.matrix.shape[1], len(index.programme_ids)), dtype=np.float32)
        weights[:, programme_of[kept][starts]] = fit_classifier(index.matrix[kept], starts, index.roles[kept])
        postings = defaultdict(set)
        for row in kept:
            for key in row_keys[row]:
                postings[key].add(int(programme_of[row]))
        postings = {key: sorted(blocks) for key, blocks in postings.items()}
        for row in np.flatnonzero(held):
            text, lang = chunks[int(index.chunk_ids[row])]
            scores = kb.score_vector(text, index.matrix[row], exclude=held, classifier=weights,
                                     postings=postings)
            for key in ("all", lang):
                t = tally[key]
                t[0] += 1
                t[1] += int(np.argmax(scores.dense) == programme_of[row])
                t[2] += int(np.argmax(scores.fused) == programme_of[row])
    return {lang: {"questions": n, "dense_p_at_1": round(d / n, 4), "fused_p_at_1": round(f / n, 4)}
            for lang, (n, d, f) in sorted(tally.items(), key=lambda kv: (kv[0] != "all", kv[0]))}


def best_rule(pos: np.ndarray, neg: np.ndarray) -> tuple[float, float, float]:
    """Threshold and novelty margin for ``top >= threshold and novelty >= margin`` with the best
    balanced accuracy; each is placed in the middle of the gap around its chosen value."""
    def cuts(values):
        v = np.unique(values)
        return np.concatenate([[v[0] - 0.01], (v[:-1] + v[1:]) / 2])

    tops, novelties = cuts(np.concatenate([pos[:, 0], neg[:, 0]])), cuts(np.concatenate([pos[:, 1], neg[:, 1]]))
    tops = np.quantile(tops, np.linspace(0, 1, 200))
    novelties = np.quantile(novelties, np.linspace(0, 1, 200))
    best = (-1.0, 0.0, 0.0)
    for t in tops:
        pos_top, neg_top = pos[:, 0] >= t, neg[:, 0] >= t
        for m in novelties:
            acc = ((pos_top & (pos[:, 1] >= m)).mean() + 1 - (neg_top & (neg[:, 1] >= m)).mean()) / 2
            if acc > best[0] + 1e-9:
                best = (float(acc), float(t), float(m))
    return best[1], best[2], best[0]


def calibrate(kb, *, ranking: bool = False) -> dict:
    """Choose and store the answerability threshold for the current encoder; with ``ranking``, also
    report the held-out ranking test (``heldout_ranking``)."""
    pos, neg, p1 = calibration_scores(kb)
    if not len(pos) or not len(neg):
        return {"model": kb.encoder.model_id, "threshold": kb.threshold(), "positives": len(pos),
                "negatives": int(neg.size), "note": "no example questions yet: threshold unchanged"}
    threshold, margin, balanced = best_rule(pos, neg)
    kb.set_meta(f"threshold:{kb.encoder.model_id}", f"{threshold:.4f}")
    kb.set_meta(f"novelty:{kb.encoder.model_id}", f"{margin:.4f}")
    accepted = lambda f: (f[:, 0] >= threshold) & (f[:, 1] >= margin)  # noqa: E731
    extra = {"heldout_ranking": heldout_ranking(kb)} if ranking else {}
    return {**extra, "model": kb.encoder.model_id, "threshold": round(threshold, 4), "novelty_margin": round(margin, 4),
            "positives": len(pos), "negatives": len(neg), "loo_p_at_1": round(p1, 4),
            "balanced_accuracy": round(float(balanced), 4),
            "positive_recall": round(float(accepted(pos).mean()), 4),
            "negative_rejection": round(float(1 - accepted(neg).mean()), 4)}
